"""Strict field readers (bind `error` with functools.partial per format) shared by the step files' parsers (package, certificates,
requests, share files, counts): each raises the caller's error class with the JSON
location and what is wrong, so every format reads its fields the same way."""
from typing import Any

_HEX = frozenset("0123456789abcdef")


def exact_fields(where: str, obj: Any, keys, *, error) -> dict:
    """`obj` if it is an object with exactly `keys`; error naming the first missing or
    unknown field otherwise (sorted, so the message does not depend on dict order)."""
    if not isinstance(obj, dict):
        raise error(f"{where}: expected a JSON object")
    missing, extra = sorted(set(keys) - set(obj)), sorted(set(obj) - set(keys))
    if missing:
        raise error(f"{where}: missing field {missing[0]!r}")
    if extra:
        raise error(f"{where}: unknown field {extra[0]!r}")
    return obj


def hex_field(where: str, value: Any, size=None, *, error) -> bytes:
    """The bytes of lowercase hex: exactly `size` bytes, or any whole number when None."""
    if not isinstance(value, str) or not _HEX.issuperset(value) or len(value) % 2 or \
            (size is not None and len(value) != 2 * size):
        want = f"{2 * size} lowercase hex digits" if size is not None else "lowercase hex"
        raise error(f"{where}: expected {want}")
    return bytes.fromhex(value)


def text_field(where: str, value: Any, *, error) -> str:
    if not isinstance(value, str) or not value:
        raise error(f"{where}: expected a non-empty string")
    return value
