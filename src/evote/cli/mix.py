"""`evote mix ...`: the mix servers of the slot contests (specs/mix.md), each on its own
machine with its own key, and the tally centre's placing of their files.

    evote mix keygen --out KEY [--passphrase-file F] [--kdf-ops N --kdf-mem-kib N]
        prints the public key for the manifest's mix_servers
    evote mix shuffle RECORD --key KEY [--contest C] --out FILE [--passphrase-file F]
    evote mix add RECORD FILE...

Exit 0 done; 2 refused or unusable input (one line naming the file and the field).
"""
import click

from .steps import (kdf_limits, kdf_mem_option, kdf_ops_option, passphrase_option,
                    read_passphrase, run_step)

_PROMPT = "Mix server's key passphrase"


def _say(line: str) -> None:
    click.echo(line, err=True)


@click.group()
def mix():
    """Mix servers: shuffle the slot contests' ciphertexts, with proofs (files in, out)."""


@mix.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The key file to write (never replaced).")
@passphrase_option
@kdf_ops_option
@kdf_mem_option
def keygen(out, passphrase_file, kdf_ops, kdf_mem_kib):
    """A mix server's signing key; prints its public key for the manifest."""
    from ..election.files import check_output
    from ..election.mix import keygen as keygen_step

    def step():
        check_output(out, "key file")   # before the passphrase is asked
        pk = keygen_step(out, read_passphrase(passphrase_file, _PROMPT, confirm=True),
                         **kdf_limits(kdf_ops, kdf_mem_kib))
        click.echo(f"mix server key written to {out}; public key {pk}")
    run_step("mix keygen", step)


@mix.command()
@click.argument("record", type=click.Path(file_okay=False))
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False),
              help="This mix server's key file.")
@click.option("--contest", "contest_id", default=None,
              help="The slot contest to mix (needed when the manifest has several).")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The mix file to write (never replaced).")
@passphrase_option
def shuffle(record, key_path, contest_id, out, passphrase_file):
    """Check the mixes so far, re-encrypt and permute the last list, prove, sign."""
    from ..election.files import check_output
    from ..election.mix import shuffle_contest

    def step():
        check_output(out, "mix file")
        o = shuffle_contest(record, key_path, read_passphrase(passphrase_file, _PROMPT), out,
                            contest_id=contest_id, progress=_say)
        click.echo(f"mix {o.k} of contest {o.contest_id} by {o.mix_id}: {o.n} ciphertexts "
                   f"shuffled and proved in {o.seconds:.1f} s; written to {o.path} "
                   "(the tally centre adds it: evote mix add RECORD FILE)")
    run_step("mix shuffle", step)


@mix.command()
@click.argument("record", type=click.Path(file_okay=False))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def add(record, files):
    """Check each mix file at its place in the chain and put it in the record."""
    from ..election.mix import add_mixes

    def step():
        for rel in add_mixes(record, files, progress=_say):
            click.echo(f"{rel}: checked and added to the record")
    run_step("mix add", step)
