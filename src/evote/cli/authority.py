"""`evote authority init`: the election authority's signing key (specs/election.md 3)."""
import click

from .steps import (kdf_limits, kdf_mem_option, kdf_ops_option, passphrase_option,
                    read_passphrase, run_step)


@click.group()
def authority():
    """The election authority's own key (keep it offline)."""


@authority.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The new key file (never replaces a file).")
@passphrase_option
@kdf_ops_option
@kdf_mem_option
def init(out, passphrase_file, kdf_ops, kdf_mem_kib):
    """Make the authority's signing key, encrypted under a passphrase; print its public
    key (what the manifest's authority_key holds)."""
    from ..election.authority import init_authority

    def step():
        pw = read_passphrase(passphrase_file, "Authority passphrase", confirm=True)
        public = init_authority(out, pw, **kdf_limits(kdf_ops, kdf_mem_kib))
        click.echo(f"authority key saved to {out} (encrypted; keep it offline)")
        click.echo(f"public key: {public.hex()}")
    run_step("authority init", step)
