"""The keygen and certify commands shared by `evote kiosk` and `evote official`."""
import click

from .steps import (kdf_limits, kdf_mem_option, kdf_ops_option, passphrase_option,
                    read_passphrase, run_step)


def add_certify(group, kind: str):
    @group.command("certify")
    @click.argument("request", type=click.Path(dir_okay=False))
    @click.option("--manifest", "manifest_path", required=True, type=click.Path(dir_okay=False))
    @click.option("--authority-key", required=True, type=click.Path(dir_okay=False))
    @click.option("--out", required=True, type=click.Path(dir_okay=False),
                  help="The certificate file (never replaces a file).")
    @passphrase_option
    def certify(request, manifest_path, authority_key, out, passphrase_file):
        """(Authority) certify the key of a certificate request."""
        from ..election import authority as a

        def step():
            pw = read_passphrase(passphrase_file, "Authority passphrase")
            if kind == "kiosk":
                cert = a.certify_kiosk(request, manifest_path, authority_key, pw, out)
                who = f"kiosk {cert.kiosk_id} of station {cert.station_id}"
            else:
                cred = a.certify_official(request, manifest_path, authority_key, pw, out)
                who = f"official {cred.role!r} of station {cred.station_id}"
            click.echo(f"certified {who}: {out}")
        run_step(f"{kind} certify", step)
    return certify


def add_keygen(group, kind: str, name_option: str, name_help: str):
    @group.command("keygen")
    @click.option("--manifest", "manifest_path", required=True, type=click.Path(dir_okay=False))
    @click.option("--station", required=True, help="The station id.")
    @click.option(name_option, "name", required=True, help=name_help)
    @click.option("--key-out", required=True, type=click.Path(dir_okay=False))
    @click.option("--request-out", required=True, type=click.Path(dir_okay=False))
    @passphrase_option
    @kdf_ops_option
    @kdf_mem_option
    @click.option("--no-passphrase", is_flag=True, hidden=kind != "kiosk",
                  help="Store the kiosk key unencrypted (an unattended kiosk).")
    def keygen(manifest_path, station, name, key_out, request_out, passphrase_file, kdf_ops,
               kdf_mem_kib, no_passphrase):
        """Make a signing key and its certificate request (send only the request)."""
        from ..election.requests import keygen as make

        def step():
            if no_passphrase and kind != "kiosk":
                raise click.UsageError("--no-passphrase is for kiosk keys only")
            if no_passphrase and passphrase_file:
                raise click.UsageError("give --no-passphrase or --passphrase-file, not both")
            pw = None if no_passphrase else read_passphrase(
                passphrase_file, f"{kind.capitalize()} key passphrase", confirm=True)
            req = make(kind, manifest_path, station, name, key_out, request_out, pw,
                       **kdf_limits(kdf_ops, kdf_mem_kib))
            click.echo(f"{kind} key saved to {key_out}; certificate request for "
                       f"{req.name!r} at station {req.station_id}: {request_out}")
        run_step(f"{kind} keygen", step)
    return keygen
