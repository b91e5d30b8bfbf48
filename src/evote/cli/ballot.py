"""`evote ballot RECORD CODE [--lang fa|en|both] [--json] [--root HEX]`

A voter's receipt check (specs/voter.md section 3): is the ballot with this confirmation
code in the published record, and is it counted (CAST) or challenged (SPOIL)? Its
station, kiosk and record number; its box verified up to it and its proofs. CODE is the
short code (XXXX-XXXX-XXXX-XXXX) or the full code (64 hex digits) as printed; spaces,
dashes and Persian digits are fine (CODE may also be given as several words). Exit 0
found and verified, 1 not found or not verified, 2 unusable input or an ambiguous code.
"""
import json
import os
import sys

import click

LANG = click.Choice(["fa", "en", "both"])


def record_options(f):
    """The options shared with `evote challenge check`."""
    f = click.option("--root", "expected_root", metavar="HEX", default=None,
                     help="The announced root hash: the record's index must have it.")(f)
    f = click.option("--json", "as_json", is_flag=True,
                     help="Print the answer as JSON (evote-voter-answer/1).")(f)
    f = click.option("--lang", type=LANG, default="both", show_default=True,
                     help="Language of the answer: Persian, English or both.")(f)
    f = click.argument("code", nargs=-1, required=True)(f)
    return click.argument("record", type=click.Path(file_okay=False))(f)


def fail(command: str, message: str):
    click.echo(f"evote {command}: {message}", err=True)
    sys.exit(2)


def prepare(command, record, code, expected_root):
    """(RecordView, CodeQuery, root bytes or None), or one line on stderr and exit 2."""
    from ..errors import EvoteError
    from ..voter.codes import parse_code
    from ..voter.record_view import open_record

    root = None
    if expected_root is not None:
        try:
            root = bytes.fromhex(expected_root)
        except ValueError:
            root = b""
        if len(root) != 32:
            fail(command, f"--root: {expected_root!r:.80} is not 64 hex digits")
    try:
        query = parse_code(" ".join(code))
    except EvoteError as exc:
        fail(command, str(exc))
    if not os.path.isdir(record):
        fail(command, f"{record}: not a directory (give the election record's directory)")
    try:
        view = open_record(record)
    except EvoteError as exc:
        fail(command, f"{record}: {exc}")
    return view, query, root


def show(answer, lang, as_json, record, exit_code):
    from ..voter.messages import render
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        click.echo(render(answer, lang, record), nl=False)
    sys.exit(exit_code)


@click.command()
@record_options
def ballot(record, code, lang, as_json, expected_root):
    """Find the ballot with confirmation CODE (from a receipt) in the election RECORD."""
    from ..voter.answers import ballot_answer

    view, query, root = prepare("ballot", record, code, expected_root)
    answer, exit_code = ballot_answer(view, query, root)
    show(answer, lang, as_json, record, exit_code)
