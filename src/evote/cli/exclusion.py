"""`evote exclusion ...`: the supervising board excludes a damaged ballot box
(specs/election.md section 6.1), each member on their own machine with their own key.

    evote exclusion keygen --out KEY [--passphrase-file F] [--kdf-ops N --kdf-mem-kib N]
        prints the public key for the manifest's supervisors
    evote exclusion decide --package P --box BOX --station S --kiosk K
                           --forms-excluded N --reason TEXT --role R --key KEY --out F
    evote exclusion sign IN --package P --role R --key KEY --out F

Exit 0 written; 2 refused or unusable input (one line naming the file and the field).
"""
import click

from .steps import (kdf_limits, kdf_mem_option, kdf_ops_option, passphrase_option,
                    read_passphrase, run_step)

_PROMPT = "Supervisor's key passphrase"
_package = click.option("--package", "package_path", required=True,
                        type=click.Path(dir_okay=False), help="The election package.")
_role = click.option("--role", required=True,
                     help="This supervisor's role, as the manifest's supervisors list it.")
_key = click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False),
                    help="This supervisor's key file.")
_out = click.option("--out", required=True, type=click.Path(dir_okay=False),
                    help="The signed decision to write (never replaced).")


def _status(doc, manifest) -> str:
    from ..election.exclusion import missing
    left = missing(doc, manifest)
    return (f"box {doc.box_path} excluded, signed by "
            f"{', '.join(s.role for s in doc.signatures)}; "
            + (f"still to sign: {', '.join(left)}" if left else
               "complete (evote tally --exclusions)"))


@click.group()
def exclusion():
    """The supervising board's signed exclusion of a damaged ballot box."""


@exclusion.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The key file to write (never replaced).")
@passphrase_option
@kdf_ops_option
@kdf_mem_option
def keygen(out, passphrase_file, kdf_ops, kdf_mem_kib):
    """A supervisor's key; prints its public key for the manifest's supervisors."""
    from ..election.exclusion import keygen as keygen_step

    def step():
        pk = keygen_step(out, read_passphrase(passphrase_file, _PROMPT, confirm=True),
                         **kdf_limits(kdf_ops, kdf_mem_kib))
        click.echo(f"supervisor key written to {out}; public key {pk}")
    run_step("exclusion keygen", step)


@exclusion.command()
@_package
@click.option("--box", "box_path", required=True, type=click.Path(dir_okay=False),
              help="The damaged box file, as handed to the tally centre.")
@click.option("--station", "station_id", required=True, help="Its station id.")
@click.option("--kiosk", "kiosk_id", required=True, help="Its kiosk id.")
@click.option("--forms-excluded", required=True, type=click.IntRange(0),
              help="Forms issued the board attributes to this box (its voters).")
@click.option("--reason", required=True, help="Why the box is excluded (published).")
@_role
@_key
@_out
@passphrase_option
def decide(package_path, box_path, station_id, kiosk_id, forms_excluded, reason, role,
           key_path, out, passphrase_file):
    """Exclude one box, signed by this supervisor (the other roles sign after)."""
    from ..election.exclusion import decide as decide_step
    from ..election.files import check_output
    from ..election.package import load_package

    def step():
        check_output(out, "exclusion", inputs=(package_path, box_path, key_path))
        package = load_package(package_path)
        doc = decide_step(package_path, box_path, station_id, kiosk_id, forms_excluded,
                          reason, role, key_path, read_passphrase(passphrase_file, _PROMPT),
                          out, package=package)
        click.echo(_status(doc, package.manifest) + f"; written to {out}")
    run_step("exclusion decide", step)


@exclusion.command()
@click.argument("in_path", metavar="IN", type=click.Path(dir_okay=False))
@_package
@_role
@_key
@_out
@passphrase_option
def sign(in_path, package_path, role, key_path, out, passphrase_file):
    """Add this supervisor's signature to the exclusion IN."""
    from ..election.exclusion import sign as sign_step
    from ..election.files import check_output
    from ..election.package import load_package

    def step():
        check_output(out, "exclusion", inputs=(in_path, package_path, key_path))
        package = load_package(package_path)
        doc = sign_step(in_path, role, key_path, read_passphrase(passphrase_file, _PROMPT),
                        out, package_path, package=package)
        click.echo(_status(doc, package.manifest) + f"; written to {out}")
    run_step("exclusion sign", step)
