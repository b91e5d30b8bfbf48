"""Persian text: the comparison form of names, candidate codes typed in any of three digit
scripts, and Persian digits for display.

Names are KEPT AS GIVEN for display and hashing; they are COMPARED through name_key(). The
steps (specs/manifest.md section 3 states them as the normative list):

    1. NFD (so precomposed letters such as U+0626 and U+06C0 split into base + hamza and
       meet the letter mappings below in one form only);
    2. letters: Arabic Yeh U+064A and Alef Maksura U+0649 -> Persian Yeh U+06CC; Arabic Kaf
       U+0643 -> Persian Kaf U+06A9; Arabic Ae U+06D5 (what U+06C0 decomposes to) -> Heh
       U+0647; Arabic-Indic and Persian digits -> ASCII digits;
    3. removed: tatweel U+0640, short vowels and other vowel marks (U+064B..U+0652,
       U+0656..U+065F, superscript alef U+0670, Quranic marks U+06D6..U+06ED except the
       two letters U+06E5, U+06E6 and the sign U+06E9), direction marks (U+061C, U+200E,
       U+200F, U+202A..U+202E, U+2066..U+2069), ZWJ U+200D, BOM U+FEFF, soft hyphen U+00AD;
    4. NFC;
    5. every whitespace character becomes a space; a run of spaces and ZWNJs that holds a
       space becomes one space, a run of ZWNJs alone becomes one ZWNJ; spaces and ZWNJs at
       both ends are removed.

normalize_name() is steps 1-5 (the tidy form). name_key() goes further for collision
checks, towards what a voter would read as the same name: it drops every space and ZWNJ,
madda and hamza marks, maps Teh Marbuta and the Urdu Heh forms to Heh, and case-folds, so
"محمدرضا", "محمد رضا" and "محمد‌رضا" (ZWNJ) share a key, as do "رئیسی" and "رییسی", and
"فاطمة" and "فاطمه". Both functions are idempotent.
"""
import functools
import re
import unicodedata

from ..errors import EvoteTypeError, EvoteValueError

ZWNJ = "\u200c"

# Step 2: one-to-one letter and digit mappings.
_LETTERS = {
    0x064A: "\u06cc",  # ARABIC LETTER YEH -> ARABIC LETTER FARSI YEH
    0x0649: "\u06cc",  # ARABIC LETTER ALEF MAKSURA -> FARSI YEH
    0x0643: "\u06a9",  # ARABIC LETTER KAF -> ARABIC LETTER KEHEH (Persian Kaf)
    0x06D5: "\u0647",  # ARABIC LETTER AE -> HEH (U+06C0 = U+06D5 U+0654 under NFD)
}
for _i in range(10):
    _LETTERS[0x0660 + _i] = str(_i)  # ARABIC-INDIC DIGIT i
    _LETTERS[0x06F0 + _i] = str(_i)  # EXTENDED ARABIC-INDIC (Persian) DIGIT i

# Step 3: removed code points.
_REMOVED = (
    [0x0640, 0x0670, 0x061C, 0x200D, 0xFEFF, 0x00AD, 0x200E, 0x200F]
    + list(range(0x064B, 0x0653))  # fathatan .. sukun
    + list(range(0x0656, 0x0660))  # subscript alef .. other vowel marks
    + [c for c in range(0x06D6, 0x06EE) if c not in (0x06E5, 0x06E6, 0x06E9)]
    + list(range(0x202A, 0x202F))  # LRE RLE PDF LRO RLO
    + list(range(0x2066, 0x206A))  # LRI RLI FSI PDI
)
_TABLE = dict(_LETTERS)
_TABLE.update({c: None for c in _REMOVED})

# Step 5: whitespace. For str patterns, re's \s is exactly str.isspace(); a run of
# whitespace and ZWNJs is one match.
_RUN = re.compile("[\\s\u200c]+")


def _check_str(s, what: str) -> None:
    if not isinstance(s, str):
        raise EvoteTypeError(f"{what}: expected str, got {type(s).__name__}")


def _collapse(m: "re.Match[str]") -> str:
    run = m.group(0)
    return ZWNJ if run.count(ZWNJ) == len(run) else " "


def normalize_name(s: str) -> str:
    """The tidy comparison form of a name (steps 1-5 above). Idempotent."""
    _check_str(s, "name")
    t = unicodedata.normalize("NFD", s).translate(_TABLE)
    t = unicodedata.normalize("NFC", t)
    t = _RUN.sub(_collapse, t)
    return t.strip(" " + ZWNJ)


# name_key only: spellings a voter reads as the same name. Madda and hamza marks go
# (آ/ا, ئ/ی, ؤ/و, أ/ا meet after NFD), Teh Marbuta and the Urdu Heh forms become Heh.
_KEY_TABLE = {0x0653: None, 0x0654: None, 0x0655: None,
              0x0629: "\u0647", 0x06C1: "\u0647", 0x06BE: "\u0647"}


@functools.lru_cache(maxsize=1 << 16)
def _key(s: str) -> str:
    t = unicodedata.normalize("NFD", normalize_name(s)).translate(_KEY_TABLE)
    t = t.replace(" ", "").replace(ZWNJ, "")
    # casefold can un-normalize (e.g. U+0130); NFC again keeps the key canonical.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", t).casefold())


def name_key(s: str) -> str:
    """The key two names collide on: normalize_name without spaces and ZWNJs, case-folded."""
    _check_str(s, "name")
    return _key(s)


# ---- candidate codes ---------------------------------------------------------------

MAX_CODE_DIGITS = 12
_DIGIT_VALUE = {chr(0x30 + i): i for i in range(10)}
_DIGIT_VALUE.update({chr(0x06F0 + i): i for i in range(10)})
_DIGIT_VALUE.update({chr(0x0660 + i): i for i in range(10)})


def parse_candidate_code(s: str) -> int:
    """A candidate (or list) code typed as digits -> int.

    Accepts only ASCII 0-9, Persian U+06F0..U+06F9 and Arabic-Indic U+0660..U+0669 digits
    (they may be mixed), 1 to MAX_CODE_DIGITS of them, nothing else: no sign, space,
    underscore, fullwidth or other-script digit (all of which int() would accept).
    Raises EvoteTypeError for a non-str and EvoteValueError naming the first bad character.
    """
    _check_str(s, "candidate code")
    if not s:
        raise EvoteValueError("candidate code: empty string")
    if len(s) > MAX_CODE_DIGITS:
        raise EvoteValueError(
            f"candidate code {s[:MAX_CODE_DIGITS + 4]!r}: more than {MAX_CODE_DIGITS} digits")
    n = 0
    for i, ch in enumerate(s):
        d = _DIGIT_VALUE.get(ch)
        if d is None:
            name = unicodedata.name(ch, "unnamed character")
            raise EvoteValueError(
                f"candidate code {s!r}: character {i} is U+{ord(ch):04X} {name}, not an "
                "ASCII, Persian or Arabic-Indic digit")
        n = n * 10 + d
    return n


# ---- display ----------------------------------------------------------------------

_TO_PERSIAN = str.maketrans({chr(0x30 + i): chr(0x06F0 + i) for i in range(10)})
PERSIAN_THOUSANDS = "\u066c"  # ARABIC THOUSANDS SEPARATOR
PERSIAN_DECIMAL = "\u066b"  # ARABIC DECIMAL SEPARATOR


def persian_digits(text: str) -> str:
    """Every ASCII digit of text as the Persian digit; everything else unchanged."""
    _check_str(text, "text")
    return text.translate(_TO_PERSIAN)


def to_persian_digits(n: int, group: bool = False) -> str:
    """An integer in Persian digits, e.g. 1405 -> "۱۴۰۵"; group=True separates thousands
    with U+066C ("۱٬۵۰۰٬۰۰۰")."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise EvoteTypeError(f"to_persian_digits: expected int, got {type(n).__name__}")
    s = f"{n:,}".replace(",", PERSIAN_THOUSANDS) if group else str(n)
    return s.translate(_TO_PERSIAN)
