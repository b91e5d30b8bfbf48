"""`evote` entry point: a click group whose subcommands load lazily from their modules.

Add a subcommand by adding one line to COMMANDS: name -> "module:attribute" (a click
command in evote.cli.<module>). Loading lazily keeps `evote --help` fast and keeps one
broken subcommand from taking the others down.
"""
import errno
import importlib
import os
import sys

# evote never calls BLAS, but numpy's OpenBLAS starts a pool of busy-waiting threads, one
# per core, in every process that imports numpy: they would take CPU from the verifier's
# and the tally's own worker processes. Set before any subcommand imports numpy; a value
# the user set wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402

from .._version import __version__  # noqa: E402

COMMANDS = {
    "authority": "evote.cli.authority:authority",
    "ballot": "evote.cli.ballot:ballot",
    "box": "evote.cli.box:box",
    "challenge": "evote.cli.challenge:challenge",
    "combine": "evote.cli.combine:combine",
    "demo": "evote.cli.demo:demo",
    "exclusion": "evote.cli.exclusion:exclusion",
    "guardian": "evote.cli.guardian:guardian",
    "kiosk": "evote.cli.kiosk:kiosk",
    "manifest": "evote.cli.manifest:manifest",
    "mix": "evote.cli.mix:mix",
    "official": "evote.cli.official:official",
    "package": "evote.cli.package:package",
    "results": "evote.cli.results:results",
    "seal": "evote.cli.results:seal",
    "selftest": "evote.cli.selftest:selftest",
    "station": "evote.cli.station:station",
    "tally": "evote.cli.tally:tally",
    "verify": "evote.cli.verify:verify",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evote")
def cli():
    """evote: encrypted municipal council elections, end to end, verifiable by anyone."""


# errno values of a failed write to an already open stream (stdout/stderr): a full disk,
# a closed pipe, an I/O error. Errors on named files carry a filename and are the
# commands' own to report.
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EFBIG, errno.EDQUOT}


def _output_failed(exc: OSError) -> None:
    """A command could not write its output: one line on stderr (if it still works), exit
    2 (unusable), never 1 (which says "invalid") and never a traceback. stdout is pointed
    at /dev/null first so that the interpreter's flush at exit cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    try:
        sys.stderr.write(f"evote: error: cannot write the output: {exc.strerror or exc}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    sys.exit(2)


def main(argv=None):
    """Run the CLI. Expected failures (EvoteError) print one precise line and exit 2; so
    does a failed write of the output (a full disk, a closed pipe)."""
    from ..errors import EvoteError

    try:
        rv = cli.main(args=argv, prog_name="evote", standalone_mode=True)
    except EvoteError as exc:  # raised outside a command's own handling
        click.echo(f"evote: error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        if exc.errno in _OUTPUT_ERRNOS and exc.filename is None:
            _output_failed(exc)
        raise
    return rv


if __name__ == "__main__":
    main()
