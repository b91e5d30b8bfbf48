"""Field checks and canonical-JSON helpers for the ceremony and decryption objects.

Canonical JSON (specs/key-ceremony.md section 2): UTF-8, keys sorted, no whitespace,
ASCII only; bytes as lowercase hex; integers as JSON numbers. Every reader here names
the object and the field it rejects, so a bad file gives one precise line, never a trace.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from ..errors import EvoteTypeError, EvoteValueError, InvalidEncoding
from ..group import Point, Scalar

MAX_GUARDIANS = 1000  # a sanity bound on n; guardian indices are 1..n


def canonical_json(obj: Any) -> bytes:
    """The canonical byte form of a JSON object (sorted keys, no whitespace, ASCII)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def require_bytes(what: str, value: Any, length: int) -> bytes:
    """`value` as bytes of exactly `length`; EvoteTypeError / EvoteValueError otherwise."""
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise EvoteTypeError(f"{what}: expected bytes, got {type(value).__name__}")
    value = bytes(value)
    if len(value) != length:
        raise EvoteValueError(f"{what}: expected {length} bytes, got {len(value)}")
    return value


def require_int(what: str, value: Any, low: int, high: int) -> int:
    """`value` as an int in [low, high] (bool refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise EvoteTypeError(f"{what}: expected int, got {type(value).__name__}")
    if not low <= value <= high:
        raise EvoteValueError(f"{what}: {value} is out of range [{low}, {high}]")
    return value


def require_params(n: Any, t: Any) -> tuple[int, int]:
    """Checked (n guardians, threshold t) with 1 <= t <= n <= MAX_GUARDIANS."""
    n = require_int("n_guardians", n, 1, MAX_GUARDIANS)
    t = require_int("threshold", t, 1, n)
    return n, t


def require_point(what: str, value: Any) -> Point:
    if not isinstance(value, Point):
        raise EvoteTypeError(f"{what}: expected Point, got {type(value).__name__}")
    return value


def require_scalar(what: str, value: Any) -> Scalar:
    if not isinstance(value, Scalar):
        raise EvoteTypeError(f"{what}: expected Scalar, got {type(value).__name__}")
    return value


# ---- JSON readers: obj is untrusted input ----

def get_field(what: str, obj: Any, key: str) -> Any:
    if not isinstance(obj, Mapping):
        raise InvalidEncoding(f"{what}: expected a JSON object, got {type(obj).__name__}")
    if key not in obj:
        raise InvalidEncoding(f"{what}: missing field {key!r}")
    return obj[key]


def check_keys(what: str, obj: Any, keys: set[str]) -> None:
    """Refuse an object whose key set is not exactly `keys` (no silent extra fields)."""
    if not isinstance(obj, Mapping):
        raise InvalidEncoding(f"{what}: expected a JSON object, got {type(obj).__name__}")
    extra = set(obj) - keys
    missing = keys - set(obj)
    if missing:
        raise InvalidEncoding(f"{what}: missing field(s) {sorted(missing)}")
    if extra:
        raise InvalidEncoding(f"{what}: unknown field(s) {sorted(extra)}")


def check_version(what: str, obj: Any, version: str) -> None:
    got = get_field(what, obj, "version")
    if got != version:
        raise InvalidEncoding(f"{what}: version {got!r} is not {version!r}")


def read_int(what: str, obj: Any, key: str, low: int, high: int) -> int:
    value = get_field(what, obj, key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidEncoding(f"{what}.{key}: expected an integer")
    if not low <= value <= high:
        raise InvalidEncoding(f"{what}.{key}: {value} is out of range [{low}, {high}]")
    return value


def read_str(what: str, obj: Any, key: str) -> str:
    value = get_field(what, obj, key)
    if not isinstance(value, str):
        raise InvalidEncoding(f"{what}.{key}: expected a string")
    return value


def hex_bytes(what: str, value: Any, length: int | None) -> bytes:
    """Lowercase hex of `length` bytes (None: any length) to bytes."""
    if not isinstance(value, str):
        raise InvalidEncoding(f"{what}: expected a hex string")
    if value != value.lower():
        raise InvalidEncoding(f"{what}: hex must be lowercase")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise InvalidEncoding(f"{what}: not a hex string") from None
    if raw.hex() != value:
        raise InvalidEncoding(f"{what}: not canonical hex (no spaces)")
    if length is not None and len(raw) != length:
        raise InvalidEncoding(f"{what}: expected {length} bytes, got {len(raw)}")
    return raw


def read_hex(what: str, obj: Any, key: str, length: int | None) -> bytes:
    return hex_bytes(f"{what}.{key}", get_field(what, obj, key), length)


def hex_point(what: str, value: Any) -> Point:
    raw = hex_bytes(what, value, 32)
    try:
        return Point.from_bytes(raw)
    except InvalidEncoding as exc:
        raise InvalidEncoding(f"{what}: not a ristretto255 point ({exc})") from None


def hex_scalar(what: str, value: Any) -> Scalar:
    raw = hex_bytes(what, value, 32)
    try:
        return Scalar.from_bytes(raw)
    except EvoteValueError as exc:
        raise InvalidEncoding(f"{what}: not a canonical scalar ({exc})") from None


def read_list(what: str, obj: Any, key: str, length: int | None = None) -> list:
    value = get_field(what, obj, key)
    if not isinstance(value, list):
        raise InvalidEncoding(f"{what}.{key}: expected a list")
    if length is not None and len(value) != length:
        raise InvalidEncoding(f"{what}.{key}: expected {length} items, got {len(value)}")
    return value
