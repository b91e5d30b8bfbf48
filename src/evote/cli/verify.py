"""`evote verify RECORD [--json FILE] [--jobs N] [--scheduler ADDRESS] [--root HEX]`

Checks everything in an election record (specs/record.md section 8) and prints the
report (text) on stdout; --json FILE also writes it as JSON (never inside RECORD but
under reports/: the report must not change the record it describes). Exit 0 valid,
1 invalid, 2 unusable input (missing files, unreadable format, wrong version, bad
options). The report's bytes depend only on the record, never on --jobs or the machine.
A progress bar goes to stderr when it is a terminal.
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
@click.option("--quiet", is_flag=True, help="Print only the result line.")
def verify(record, json_path, jobs, scheduler, expected_root, quiet):
    """Verify the election record in directory RECORD."""
    from ..errors import EvoteError
    from ..verify.run import verify_record

    if json_path not in (None, "-") and _changes_record(json_path, record):
        raise click.UsageError(f"--json: {json_path} is inside the record {record} and "
                               "would change it; write the report elsewhere (or under "
                               "reports/)")
    root = None
    if expected_root is not None:
        try:
            root = bytes.fromhex(expected_root)
        except ValueError:
            root = b""
        if len(root) != 32:
            raise click.UsageError("--root: expected 64 hex digits")
    try:
        report = verify_record(record, jobs=jobs, scheduler=scheduler, progress=True,
                               expected_root=root)
    except EvoteError as exc:  # the scheduler cannot be used, and the like
        click.echo(f"evote verify: error: {exc}", err=True)
        sys.exit(2)
    text = report.to_text()
    if json_path == "-":
        click.echo(report.to_json(), nl=False)
    else:
        click.echo(text.splitlines()[-1] if quiet else text, nl=quiet)
        if json_path:
            try:
                with open(json_path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(report.to_json())
            except OSError as exc:
                click.echo(f"evote verify: cannot write {json_path}: {exc.strerror}", err=True)
                sys.exit(2)
    sys.exit(report.exit_code)


def _changes_record(path, record) -> bool:
    """Whether writing `path` would replace or add a file the record's root or index can
    see: anything inside RECORD but under reports/ (derived files, never covered)."""
    from ..record.layout import REPORTS_DIR
    target = os.path.realpath(path)
    top = os.path.realpath(record)
    if os.path.commonpath([target, top]) != top:
        return False
    return os.path.commonpath([target, os.path.join(top, REPORTS_DIR)]) != \
        os.path.join(top, REPORTS_DIR)
