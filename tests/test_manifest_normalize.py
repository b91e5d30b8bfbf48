"""Persian normalization, candidate codes and Persian digits (specs/manifest.md section 3)."""
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteTypeError, EvoteValueError
from evote.manifest import (name_key, normalize_name, parse_candidate_code, persian_digits,
                            to_persian_digits)

ZWNJ = "\u200c"


@pytest.mark.parametrize("arabic, persian", [
    ("علي", "علی"),                    # Arabic Yeh
    ("مصطفى", "مصطفی"),                # Alef Maksura
    ("كريمي", "کریمی"),                # Arabic Kaf + Yeh
    ("محـــمد", "محمد"),               # tatweel
    ("مُحَمَّد", "محمد"),                 # harakat
    ("رحمٰن", "رحمن"),                 # superscript alef
    ("\u200fعلی\u200e", "علی"),       # direction marks
    ("\u202bعلی\u202c", "علی"),       # embedding
    ("\u2067علی\u2069", "علی"),       # isolates
    ("  علی   رضایی ", "علی رضایی"),  # spaces collapsed and trimmed
    ("علی\u00a0رضایی", "علی رضایی"),  # no-break space
    ("نیک" + ZWNJ + ZWNJ + "نام", "نیک" + ZWNJ + "نام"),   # ZWNJ run
    ("نیک" + ZWNJ + " " + ZWNJ + "نام", "نیک نام"),        # mixed run -> space
    (ZWNJ + "علی" + ZWNJ, "علی"),                          # trimmed ZWNJ
    ("خان\u06c0", "خان\u0647\u0654"),      # heh with yeh above: one form with
    ("خان\u0647\u0654", "خان\u0647\u0654"),  # heh + hamza above
])
def test_examples(arabic, persian):
    assert normalize_name(arabic) == persian


def test_yeh_with_hamza_forms_meet():
    assert normalize_name("\u0626") == normalize_name("\u064a\u0654") == \
        normalize_name("\u06cc\u0654")


def test_name_key_ignores_spacing_and_case():
    assert name_key("محمدرضا") == name_key("محمد رضا") == name_key("محمد" + ZWNJ + "رضا")
    assert name_key("Ali Rezaei") == name_key("ali  REZAEI")
    assert name_key("علی ۲") == name_key("علي ٢") == name_key("علی 2")
    assert name_key("علی") != name_key("عالی")
    assert name_key("رئیسی") == name_key("رییسی")
    assert name_key("فاطمة") == name_key("فاطمه")
    assert name_key("آزاده") == name_key("ازاده")
    assert name_key("مسؤول") == name_key("مسوول")
    assert name_key("أحمد") == name_key("احمد")
    # ... while the tidy form keeps them apart (display and hashing keep names as given)
    assert normalize_name("رئیسی") != normalize_name("رییسی")


def test_wrong_type():
    with pytest.raises(EvoteTypeError):
        normalize_name(b"x")


texts = st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.sampled_from([" ", ZWNJ, "\u200d", "\u200e", "\u200f", "\u202b", "\u2067", "\u00a0",
                     "\t", "\u0640", "a", "A", "\u0301", "\u0130", "\u1e9e"]),
    st.characters()), max_size=30)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_normalize_idempotent_and_nfc(s):
    n = normalize_name(s)
    assert normalize_name(n) == n
    assert unicodedata.is_normalized("NFC", n)
    assert name_key(name_key(s)) == name_key(s)
    assert name_key(n) == name_key(s)
    for bad in ("\u064a", "\u0649", "\u0643", "\u0640", "\u200e", "\u200f", "\u202b"):
        assert bad not in n
    assert not n.startswith((" ", ZWNJ)) and not n.endswith((" ", ZWNJ))
    assert "  " not in n and ZWNJ + ZWNJ not in n


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.sampled_from(["\u0640", "\u064e", "\u200f", "\u202a", ZWNJ + ZWNJ]),
                       max_size=3), st.integers(0, 30))
def test_noise_does_not_change_key(s, noise, pos):
    # Inserting tatweel/harakat/direction marks between letters never changes the key
    # (except where a ZWNJ run meets a space: then the key still ignores both).
    pos = min(pos, len(s))
    noisy = s[:pos] + "".join(noise) + s[pos:]
    assert name_key(noisy) == name_key(s)


# ---- codes -------------------------------------------------------------------------

@pytest.mark.parametrize("s, n", [
    ("0", 0), ("123", 123), ("۱۲۳", 123), ("١٢٣", 123), ("۱2٣", 123), ("007", 7),
    ("999999999999", 999999999999),
])
def test_codes_accepted(s, n):
    assert parse_candidate_code(s) == n


@pytest.mark.parametrize("s", [
    "", " 12", "12 ", "1 2", "+12", "-12", "1_000", "１２",  # fullwidth
    "১২",  # Bengali
    "१२",  # Devanagari
    "𝟙𝟚",  # mathematical double-struck
    "12a", "0x1f", "1.0", "1e3", "\u200f12", "12\u200c", "۱۲۳۴۵۶۷۸۹۰۱۲۳",  # 13 digits
    "\u00b2",  # superscript two: isdigit() is True, int() refuses
    "¹", "٫", "٬",
])
def test_codes_refused(s):
    with pytest.raises(EvoteValueError):
        parse_candidate_code(s)


@pytest.mark.parametrize("v", [12, 12.0, b"12", None])
def test_code_wrong_type(v):
    with pytest.raises(EvoteTypeError):
        parse_candidate_code(v)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=8))
def test_code_accepts_exactly_three_digit_scripts(s):
    allowed = set("0123456789") | {chr(c) for c in range(0x06F0, 0x06FA)} | \
        {chr(c) for c in range(0x0660, 0x066A)}
    if s and all(ch in allowed for ch in s):
        assert parse_candidate_code(s) == int("".join(str(unicodedata.digit(ch)) for ch in s))
    else:
        with pytest.raises(EvoteValueError):
            parse_candidate_code(s)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10 ** 12 - 1))
def test_persian_digits_round_trip(n):
    p = to_persian_digits(n)
    assert all("\u06f0" <= ch <= "\u06f9" for ch in p)
    assert parse_candidate_code(p) == n
    assert persian_digits(str(n)) == p


def test_persian_digits_grouping():
    assert to_persian_digits(1500000, group=True) == "۱٬۵۰۰٬۰۰۰"
    assert to_persian_digits(1405) == "۱۴۰۵"
    with pytest.raises(EvoteTypeError):
        to_persian_digits(True)
