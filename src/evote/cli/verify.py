"""`evote verify RECORD [--package HASH] [--root HEX] [--json FILE] [--jobs N]
[--scheduler ADDRESS] [--quiet]`

Checks everything in an election record (specs/record.md section 8) and prints the
report (text) on stdout; --json FILE also writes it as JSON (a new file: an existing
one or a symbolic link is refused before verifying, exit 2; never inside RECORD, not
even under reports/, which check V18 verifies: the report must not change the record it
describes). Exit 0 valid,
1 invalid, 2 unusable input (missing files, unreadable format, wrong version, bad
options). The report's bytes depend only on the record, never on --jobs or the machine.
A progress bar goes to stderr when it is a terminal.

--package HASH pins the record to the announced election package hash (V1 fails unless
the record's package.json has exactly that hash); without it the report ends with a
WARNING line that the record is not pinned. After VALID (and only then) the verified
winners and alternates of each contest are printed after the report.
"""
import os
import sys

import click


@click.command()
@click.argument("record", type=click.Path(file_okay=False))
@click.option("--json", "json_path", type=click.Path(dir_okay=False),
              help="Also write the report as JSON to this file ('-' for stdout).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: every core).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run the per-station tasks on this Dask scheduler (needs evote[dask]; "
                   "the workers must see RECORD at the same path).")
@click.option("--root", "expected_root", metavar="HEX", default=None,
              help="The announced root hash: fail unless the record has exactly this root.")
@click.option("--package", "expected_package", metavar="HASH", default=None,
              help="The announced election package hash: fail unless the record's "
                   "package.json has exactly this hash.")
@click.option("--quiet", is_flag=True,
              help="Print only the result line (and the WARNING when not pinned).")
def verify(record, json_path, jobs, scheduler, expected_root, expected_package, quiet):
    """Verify the election record in directory RECORD."""
    from ..errors import EvoteError
    from ..new_files import StepFileError, check_output, write_new_file
    from ..verify.run import verify_record

    if json_path not in (None, "-") and _inside_record(json_path, record):
        raise click.UsageError(f"--json: {json_path} is inside the record {record} and "
                               "would change it; write the report outside the record")
    if json_path not in (None, "-"):
        try:  # refused before the (long) verification: never replaced, no symlink
            check_output(json_path, "--json")
        except StepFileError as exc:
            click.echo(f"evote verify: {exc}", err=True)
            sys.exit(2)
    root = None
    if expected_root is not None:
        try:
            root = bytes.fromhex(expected_root)
        except ValueError:
            root = b""
        if len(root) != 32:
            raise click.UsageError("--root: expected 64 hex digits")
    package = None
    if expected_package is not None:
        from ..election.package import parse_package_hash
        try:
            package = parse_package_hash(expected_package)
        except EvoteError:
            raise click.UsageError(f"--package: {expected_package!r:.80} is not a package "
                                   "hash (expected 64 hex digits, as `evote package` "
                                   "printed it)") from None
    try:
        report = verify_record(record, jobs=jobs, scheduler=scheduler, progress=True,
                               expected_root=root, expected_package=package)
    except EvoteError as exc:  # the scheduler cannot be used, and the like
        click.echo(f"evote verify: error: {exc}", err=True)
        sys.exit(2)
    text = report.to_text()
    if json_path == "-":
        click.echo(report.to_json(), nl=False)
    else:
        if quiet:
            lines = text.splitlines()
            click.echo("\n".join(lines[-2:] if not report.pinned and not report.unusable
                                 else lines[-1:]))
        else:
            click.echo(text + report.winners_text(), nl=False)
        if json_path:
            try:  # whole or not at all, fsynced, never replacing (evote/new_files.py)
                write_new_file(json_path, report.to_json().encode("utf-8"), "--json")
            except StepFileError as exc:
                click.echo(f"evote verify: {exc}", err=True)
                sys.exit(2)
    sys.exit(report.exit_code)


def _inside_record(path, record) -> bool:
    """Whether writing `path` would replace or add a file anywhere in RECORD: every file
    there is checked (the covered ones by V1/V2, reports/ by V18), symbolic links
    resolved."""
    target = os.path.realpath(path)
    top = os.path.realpath(record)
    return os.path.commonpath([target, top]) == top
