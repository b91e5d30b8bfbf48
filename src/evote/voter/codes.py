"""The confirmation code as a voter types it from a receipt (specs/voter.md section 1).

    parse_code("zyzd-x0qt 00k7-z52b")   -> CodeQuery(kind="short", value=10 bytes)
    parse_code("۱۲ab..." (64 hex))      -> CodeQuery(kind="full", value=32 bytes)

Separators are dropped, Persian and Arabic-Indic digits read as ASCII, letters without
case; 16 characters are a short code (Crockford base32, I/L -> 1, O -> 0), 64 a full
code (hex). Everything else raises CodeError naming the character and its position.
"""
import unicodedata
from dataclasses import dataclass

from ..ballotbox.records import short_code
from ..errors import EvoteTypeError, EvoteValueError

MAX_INPUT = 256
SHORT_CHARS, SHORT_BYTES = 16, 10
FULL_CHARS, FULL_BYTES = 64, 32
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(_CROCKFORD)}
_VALUE.update({"I": 1, "L": 1, "O": 0})
_SEPARATORS = set("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u200c\u200e\u200f\u061c\ufeff")
_DIGITS = {chr(0x06F0 + i): str(i) for i in range(10)}
_DIGITS.update({chr(0x0660 + i): str(i) for i in range(10)})
_HEX = set("0123456789ABCDEF")


class CodeError(EvoteValueError):
    """What was typed is not a confirmation code (the message says why and where)."""


@dataclass(frozen=True)
class CodeQuery:
    """A parsed code: kind "short" (value: the code's first 10 bytes) or "full" (32)."""
    kind: str
    value: bytes

    def matches(self, code: bytes) -> bool:
        return code[:len(self.value)] == self.value

    def shown(self) -> str:
        """The canonical spelling: XXXX-XXXX-XXXX-XXXX or 64 lowercase hex digits."""
        return short_code(self.value + bytes(32 - len(self.value))) if self.kind == "short" \
            else self.value.hex()


def _describe(ch: str) -> str:
    return f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')})"


def parse_code(typed) -> CodeQuery:
    """The code in `typed` (str); CodeError (a ValueError) naming what is wrong."""
    if not isinstance(typed, str):
        raise EvoteTypeError(f"code: expected str, got {type(typed).__name__}")
    if len(typed) > MAX_INPUT:
        raise CodeError(f"code: {len(typed)} characters typed; a confirmation code has "
                        f"{SHORT_CHARS} (short) or {FULL_CHARS} (full)")
    kept = []   # (ASCII upper-case character, 1-based position in what was typed, as typed)
    for pos, ch in enumerate(typed, 1):
        if ch in _SEPARATORS or ch.isspace():
            continue
        c = _DIGITS.get(ch, ch)
        if c.isascii():
            c = c.upper()
        kept.append((c, pos, ch))
    if not kept:
        raise CodeError("code: nothing typed but spaces or dashes")
    for c, pos, ch in kept:
        if not (c.isascii() and c.isalnum()):
            raise CodeError(f"code: character {pos} is {_describe(ch)}, not a letter or "
                            "digit of a confirmation code")
    chars = "".join(c for c, _, _ in kept)
    if len(chars) == SHORT_CHARS:
        n = 0
        for c, pos, ch in kept:
            v = _VALUE.get(c)
            if v is None:
                raise CodeError(f"code: character {pos} is {_describe(ch)}, not in the short "
                                f"code's alphabet ({_CROCKFORD})")
            n = n * 32 + v
        return CodeQuery("short", n.to_bytes(SHORT_BYTES, "big"))
    if len(chars) == FULL_CHARS:
        for c, pos, ch in kept:
            if c not in _HEX:
                raise CodeError(f"code: character {pos} is {_describe(ch)}, not a hex digit "
                                f"(a full code is {FULL_CHARS} hex digits)")
        return CodeQuery("full", bytes.fromhex(chars))
    raise CodeError(f"code: {len(chars)} letters and digits typed; a confirmation code has "
                    f"{SHORT_CHARS} (the short code, as XXXX-XXXX-XXXX-XXXX) or {FULL_CHARS} "
                    "(the full code, hex)")
