"""Typed field readers for the record's JSON objects: each raises RecordError whose
message starts with the file and a JSON path ("tally/encrypted.json $.contests[2].ballots:
...") so a verifier report can point at the exact place."""
from ..errors import RecordError

MAX_INT = (1 << 63) - 1


class Obj:
    """A JSON object being read: `where` is the file and JSON path of the object."""

    def __init__(self, value, where: str, keys=None):
        if not isinstance(value, dict):
            raise RecordError(f"{where}: expected a JSON object")
        if keys is not None:
            extra = sorted(set(value) - set(keys))
            missing = sorted(set(keys) - set(value))
            if extra:
                raise RecordError(f"{where}: unknown field {extra[0]!r}")
            if missing:
                raise RecordError(f"{where}: missing field {missing[0]!r}")
        self.v, self.where = value, where

    def at(self, key: str) -> str:
        return f"{self.where}.{key}"

    def get(self, key: str):
        if key not in self.v:
            raise RecordError(f"{self.at(key)}: missing")
        return self.v[key]

    def str(self, key: str, max_len: int = 4096) -> str:
        x = self.get(key)
        if not isinstance(x, str) or len(x) > max_len:
            raise RecordError(f"{self.at(key)}: expected a string of at most {max_len} characters")
        return x

    def int(self, key: str, lo: int = 0, hi: int = MAX_INT) -> int:
        return as_int(self.get(key), self.at(key), lo, hi)

    def hex(self, key: str, size: int) -> bytes:
        return as_hex(self.get(key), self.at(key), size)

    def list(self, key: str, length=None) -> list:
        x = self.get(key)
        if not isinstance(x, list):
            raise RecordError(f"{self.at(key)}: expected a JSON array")
        if length is not None and len(x) != length:
            raise RecordError(f"{self.at(key)}: expected {length} items, found {len(x)}")
        return x

    def obj(self, key: str, keys=None) -> "Obj":
        return Obj(self.get(key), self.at(key), keys)

    def objs(self, key: str, keys=None) -> list:
        return [Obj(x, f"{self.at(key)}[{i}]", keys) for i, x in enumerate(self.list(key))]


def as_int(x, where: str, lo: int = 0, hi: int = MAX_INT) -> int:
    if isinstance(x, bool) or not isinstance(x, int):
        raise RecordError(f"{where}: expected an integer")
    if not lo <= x <= hi:
        raise RecordError(f"{where}: {x} is outside [{lo}, {hi}]")
    return x


def as_hex(x, where: str, size: int) -> bytes:
    if not isinstance(x, str) or len(x) != 2 * size:
        raise RecordError(f"{where}: expected {2 * size} lowercase hex digits")
    try:
        raw = bytes.fromhex(x)
    except ValueError:
        raise RecordError(f"{where}: not hex") from None
    if raw.hex() != x:
        raise RecordError(f"{where}: hex must be lowercase")
    return raw
