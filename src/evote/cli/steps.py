"""What every role command shares: the passphrase options, the argon2id options, and
running a step so that an EvoteError is one line on stderr with exit 2, never a
traceback (specs/election.md section 1)."""
import sys
from pathlib import Path

import click

from ..errors import EvoteError

passphrase_option = click.option(
    "--passphrase-file", type=click.Path(dir_okay=False),
    help="Read the passphrase from this file (its first line) instead of asking.")
kdf_ops_option = click.option("--kdf-ops", type=click.IntRange(1, 16), default=None,
                              help="argon2id passes for a new key file.")
kdf_mem_option = click.option("--kdf-mem-kib", type=click.IntRange(8, 1 << 20), default=None,
                              help="argon2id memory in KiB for a new key file.")


def read_passphrase(passphrase_file, prompt: str, confirm: bool = False) -> str:
    if passphrase_file is not None:
        from ..election.files import read_input
        try:
            lines = read_input(passphrase_file, "passphrase file", 1 << 16).decode(
                "utf-8").splitlines()
        except UnicodeDecodeError:
            raise EvoteError(f"passphrase file {passphrase_file}: not UTF-8") from None
        if not lines or not lines[0]:
            raise EvoteError(f"passphrase file {passphrase_file}: the first line is empty")
        return lines[0]
    try:
        return click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    except click.Abort:
        raise EvoteError("no passphrase given (input ended or was interrupted; "
                         "--passphrase-file FILE reads it from a file)") from None


def kdf_limits(ops, mem_kib) -> dict:
    return {"opslimit": ops, "memlimit": None if mem_kib is None else mem_kib * 1024}


def run_step(command: str, fn):
    """fn(); its int result is the exit code. EvoteError -> 'evote <command>: msg', 2."""
    try:
        code = fn()
    except click.UsageError as exc:
        click.echo(f"evote {command}: {exc.message}", err=True)
        sys.exit(2)
    except EvoteError as exc:
        click.echo(f"evote {command}: {exc}", err=True)
        sys.exit(2)
    sys.exit(code or 0)


def as_path(value) -> str:
    return str(Path(value))
