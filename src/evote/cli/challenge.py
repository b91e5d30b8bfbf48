"""`evote challenge check RECORD CODE [--opening FILE] [--lang fa|en|both] [--json]
[--root HEX]`

A voter checks a ballot they challenged (specs/voter.md section 4): its opening (the
kiosk's signed printout, specs/protocol.md 8.3: the choices and nonces it used; the
record never holds it) is given with --opening FILE; it must name this ballot, carry the
kiosk's signature and re-encrypt to the ballot published in the record; then the
choices the kiosk encrypted are printed by name, per contest, for the voter to compare. Exit 0
the opening verified, 1 not found / not verified / cast (nothing to open) / the kiosk
misbehaved, 2 unusable input (or an ambiguous code, or no opening at all).
"""
import click

from .ballot import fail, prepare, record_options, show


@click.group()
def challenge():
    """Challenged (spoiled) ballots: check one's opening."""


@challenge.command()
@record_options
@click.option("--opening", "opening_path", type=click.Path(dir_okay=False), default=None,
              help="The opening the kiosk printed for you (its QR code's hex text, or "
                   "the binary EVOP bytes).")
def check(record, code, lang, as_json, expected_root, opening_path):
    """Check the opening of the challenged ballot with confirmation CODE in RECORD."""
    from ..errors import EvoteError
    from ..voter.answers import challenge_answer
    from ..voter.challenge_check import read_opening_file

    view, query, root = prepare("challenge check", record, code, expected_root)
    opening = None
    if opening_path is not None:
        try:
            opening = read_opening_file(opening_path)
        except EvoteError as exc:
            fail("challenge check", str(exc))
    answer, exit_code = challenge_answer(view, query, opening, root)
    show(answer, lang, as_json, record, exit_code)
