"""`evote station ...`: a station official's steps (specs/election.md section 6), each on
the official's own machine with the official's own key.

    evote station declare --package P --station S --forms-issued N --key K
                          --certificate C --out F [--passphrase-file F]
    evote station paper   --package P --station S --counts COUNTS --key K
                          --certificate C --out F [--fallback] [--passphrase-file F]
    evote station fallback --package P --station S --box FILE [--box FILE ...]
                          --reason TEXT --key K --certificate C --out F
                          [--passphrase-file F]
    evote station sign    IN --key K --certificate C --out F [--package P]
                          [--passphrase-file F]

`sign` without --package checks the certificate against the manifest hash and station
in IN and the signatures already in IN (the tally centre and the verifier check the
rest against the package); with --package it checks everything declare/paper check.

Exit 0 written; 2 refused or unusable input (one line naming the file and the field).
"""
import click

from .steps import passphrase_option, read_passphrase, run_step

_PROMPT = "Official's key passphrase"
_package = click.option("--package", "package_path", required=True,
                        type=click.Path(dir_okay=False), help="The election package.")
_station = click.option("--station", "station_id", required=True, help="Station id.")
_key = click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False),
                    help="This official's key file.")
_cert = click.option("--certificate", "certificate_path", required=True,
                     type=click.Path(dir_okay=False),
                     help="This official's certificate file (from the authority).")
_out = click.option("--out", required=True, type=click.Path(dir_okay=False),
                    help="The signed file to write (never replaced).")


def _signers(doc, package=None) -> str:
    """Who has signed; with the package, the roles of the manifest's
    signing_roles.station still to sign (evote tally takes only complete forms)."""
    out = ", ".join(o.role for o in doc.officials)
    if package is not None:
        from ..election.station import roles_missing
        left = roles_missing(doc, package.manifest.signing_roles.station)
        out += (f" (still to sign: {', '.join(left)})" if left else
                " (complete: every required role has signed)")
    return out


@click.group()
def station():
    """A station official's steps: declare forms issued, sign a paper count, countersign."""


@station.command()
@_package
@_station
@click.option("--forms-issued", required=True, type=click.IntRange(0),
              help="Voters the station authorized to vote (forms issued).")
@_key
@_cert
@_out
@passphrase_option
def declare(package_path, station_id, forms_issued, key_path, certificate_path, out,
            passphrase_file):
    """An electronic station's forms issued, signed by this official."""
    from ..election.files import check_output
    from ..election.package import load_package
    from ..election.station import declare as declare_step

    def step():
        check_output(out, "declaration", inputs=(package_path, key_path, certificate_path))
        package = load_package(package_path)
        doc = declare_step(package_path, station_id, forms_issued, key_path,
                           certificate_path, read_passphrase(passphrase_file, _PROMPT), out,
                           package=package)
        click.echo(f"station {doc.station_id}: {doc.forms_issued} forms issued, signed by "
                   f"{_signers(doc, package)}; written to {out}")
    run_step("station declare", step)


@station.command()
@_package
@_station
@click.option("--counts", "counts_path", required=True, type=click.Path(dir_okay=False),
              help="The hand count (COUNTS JSON, specs/election.md section 6).")
@click.option("--fallback", is_flag=True, default=False,
              help="The station is electronic and fell back to paper (evote station "
              "fallback): COUNTS are the paper forms' only.")
@_key
@_cert
@_out
@passphrase_option
def paper(package_path, station_id, counts_path, key_path, certificate_path, out,
          passphrase_file, fallback):
    """A paper station's result from its COUNTS file, signed by this official."""
    from ..election.files import check_output
    from ..election.package import load_package
    from ..election.station import paper as paper_step

    def step():
        check_output(out, "paper result",
                     inputs=(package_path, counts_path, key_path, certificate_path))
        package = load_package(package_path)
        doc = paper_step(package_path, station_id, counts_path, key_path, certificate_path,
                         read_passphrase(passphrase_file, _PROMPT), out, package=package,
                         fallback=fallback)
        click.echo(f"station {doc.station_id}: paper result ({doc.forms_issued} forms issued, "
                   f"{doc.spoiled_forms} spoiled) signed by {_signers(doc, package)}; "
                   f"written to {out}")
    run_step("station paper", step)


@station.command()
@_package
@_station
@click.option("--box", "box_paths", required=True, multiple=True,
              type=click.Path(dir_okay=False),
              help="A closed box of the station (one per kiosk the package lists).")
@click.option("--reason", required=True, help="Why the station falls back to paper.")
@_key
@_cert
@_out
@passphrase_option
def fallback(package_path, station_id, box_paths, reason, key_path, certificate_path, out,
             passphrase_file):
    """An electronic station's decision to finish on paper, naming its closed boxes."""
    from ..election.files import check_output
    from ..election.package import load_package
    from ..election.station import fallback as fallback_step

    def step():
        check_output(out, "fallback decision",
                     inputs=(package_path, key_path, certificate_path, *box_paths))
        package = load_package(package_path)
        doc = fallback_step(package_path, station_id, list(box_paths), reason, key_path,
                            certificate_path, read_passphrase(passphrase_file, _PROMPT), out,
                            package=package)
        click.echo(f"station {doc.station_id}: falls back to paper, closing "
                   f"{len(doc.closed_boxes)} box(es) "
                   f"({', '.join(b.kiosk_id for b in doc.closed_boxes)}); signed by "
                   f"{_signers(doc, package)}; written to {out}")
    run_step("station fallback", step)


@station.command()
@click.argument("in_path", metavar="IN", type=click.Path(dir_okay=False))
@click.option("--package", "package_path", default=None, type=click.Path(dir_okay=False),
              help="The election package: check IN and this official against it too.")
@_key
@_cert
@_out
@passphrase_option
def sign(in_path, package_path, key_path, certificate_path, out, passphrase_file):
    """Add this official's signature to a declaration, paper result or fallback IN."""
    from ..election.files import check_output
    from ..election.package import load_package
    from ..election.station import sign as sign_step

    def step():
        check_output(out, "signed file", inputs=tuple(
            p for p in (in_path, package_path, key_path, certificate_path) if p is not None))
        package = None if package_path is None else load_package(package_path)
        doc = sign_step(in_path, key_path, certificate_path,
                        read_passphrase(passphrase_file, _PROMPT), out,
                        package_path=package_path, package=package)
        click.echo(f"station {doc.station_id}: now signed by {_signers(doc, package)}; "
                   f"written to {out}")
    run_step("station sign", step)
