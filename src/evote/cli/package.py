"""`evote package`: the signed election package, its hash printed to be announced."""
import click

from .steps import passphrase_option, read_passphrase, run_step


@click.command()
@click.option("--manifest", "manifest_path", required=True, type=click.Path(dir_okay=False))
@click.option("--context", "context_path", required=True, type=click.Path(dir_okay=False))
@click.option("--authority-key", required=True, type=click.Path(dir_okay=False))
@click.option("--kiosk-cert", "kiosk_certs", multiple=True, type=click.Path(dir_okay=False),
              help="A kiosk certificate file (repeat for each kiosk).")
@click.option("--official-cert", "official_certs", multiple=True,
              type=click.Path(dir_okay=False), help="An official certificate file (repeat).")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@passphrase_option
def package(manifest_path, context_path, authority_key, kiosk_certs, official_certs, out,
            passphrase_file):
    """(Authority) the election package kiosks install; announce the hash it prints."""
    from ..election.authority import make_package

    def step():
        pw = read_passphrase(passphrase_file, "Authority passphrase")
        pkg = make_package(manifest_path, context_path, authority_key, pw, kiosk_certs,
                           official_certs, out)
        for s in pkg.stations:
            click.echo(f"station {s.station_id}: {s.mode}, {len(s.kiosks)} kiosk(s), "
                       f"{len(s.officials)} official(s)")
        click.echo(f"election package written to {out}; announce its hash before the "
                   "polls open:")
        click.echo(f"package hash: {pkg.hash().hex()}")
    run_step("package", step)
