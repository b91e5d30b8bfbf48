"""evote.voter.codes: what a voter types from a receipt (specs/voter.md section 1)."""
import os

import pytest
from hypothesis import given, settings, strategies as st

from evote.ballotbox.records import short_code
from evote.voter.codes import CodeError, parse_code

CODE = bytes(range(0xA0, 0xC0))          # a 32-byte code
SHORT = short_code(CODE)                 # its receipt form, XXXX-XXXX-XXXX-XXXX
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_short_code_as_printed_and_as_typed():
    q = parse_code(SHORT)
    assert (q.kind, q.value, q.shown()) == ("short", CODE[:10], SHORT)
    plain = SHORT.replace("-", "")
    for typed in (plain, plain.lower(), " ".join(SHORT.split("-")), f"  {SHORT.lower()} ",
                  SHORT.replace("-", "\u2013"), SHORT.replace("-", "\u200c"),
                  "\u200f" + SHORT + "\u200e", SHORT.translate(PERSIAN),
                  SHORT.translate(ARABIC)):
        assert parse_code(typed) == q, typed
    assert q.matches(CODE) and not q.matches(bytes(32))


def test_short_code_crockford_aliases():
    q = parse_code("0000-0000-0000-0001")
    assert parse_code("oooo-OOOO-0o0O-000i") == q == parse_code("0000 0000 0000 000L")
    assert q.value == bytes(9) + b"\x01"


def test_full_code_hex_any_digits_and_separators():
    h = CODE.hex()
    q = parse_code(h)
    assert (q.kind, q.value, q.shown()) == ("full", CODE, h)
    spaced = " ".join(h[i:i + 8] for i in range(0, 64, 8))
    for typed in (h.upper(), spaced, spaced.replace(" ", "-"), h.translate(PERSIAN)):
        assert parse_code(typed) == q
    assert q.matches(CODE) and not q.matches(CODE[:31] + b"\0")


def test_random_codes_round_trip():
    for _ in range(200):
        code = os.urandom(32)
        assert parse_code(short_code(code)).value == code[:10]
        assert parse_code(code.hex()).value == code


@pytest.mark.parametrize("typed, says", [
    ("", "nothing typed"),
    (" - - ", "nothing typed"),
    ("ABCD-EFGH", "8 letters and digits typed"),
    (SHORT + "0", "17 letters and digits typed"),
    (SHORT[:-1] + "U", "character 19 is 'U'"),
    ("ب" + SHORT[1:], "character 1 is 'ب' (U+0628 ARABIC LETTER BEH)"),
    (SHORT[:5] + "!" + SHORT[6:], "character 6 is '!'"),
    ("\uff10" + SHORT[1:], "U+FF10 FULLWIDTH DIGIT ZERO"),
    ("g" + CODE.hex()[1:], "character 1 is 'g'"),
    ("x" * 300, "300 characters typed"),
])
def test_refused_with_one_precise_line(typed, says):
    with pytest.raises(CodeError) as err:
        parse_code(typed)
    msg = str(err.value)
    assert says in msg and "\n" not in msg


def test_not_a_string():
    with pytest.raises(TypeError):
        parse_code(b"ABCD")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80) | st.text(alphabet="0123456789abcdefABCDEF-۰۱۲۳۴۵۶۷۸۹ \u200c",
                                      max_size=80))
def test_any_text_is_a_code_or_one_precise_line(typed):
    """Whatever is typed: a code, or a CodeError (a ValueError) of one line; never any
    other exception. A parsed code reads back to the same query."""
    try:
        q = parse_code(typed)
    except CodeError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("code: ")
        return
    assert q.kind in ("short", "full") and parse_code(q.shown()) == q
