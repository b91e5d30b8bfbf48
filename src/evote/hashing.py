"""Domain-separated, length-prefixed hashing: the one way evote hashes anything.

    H(tag; f_1, ..., f_n) = SHA-512( enc(tag) || enc(f_1) || ... || enc(f_n) )
    enc(x) = len(x) as 8-byte big-endian || x

`tag` is an ASCII string of the form "evote/v1/<purpose>"; each field is bytes (use the
helpers below for integers and text). Because every item carries its length, no two
different field lists hash the same input bytes, and because the tag is the first item,
no hash made for one purpose can stand for another.

digest(...) gives the first 32 bytes (identifiers, chain links, base hashes);
digest64(...) gives all 64 (challenges are reduced mod l from these: wide reduction).
specs/protocol.md states this byte for byte; keep the two in step.
"""
import hashlib
import struct

_TAG_PREFIX = "evote/v1/"
U64_MAX = (1 << 64) - 1  # the largest integer u64() encodes


def u64(n: int) -> bytes:
    """An integer 0 <= n <= U64_MAX as 8 bytes big-endian."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"u64: expected int, got {type(n).__name__}")
    if not 0 <= n <= U64_MAX:
        raise ValueError(f"u64: {n} is out of range [0, 2**64)")
    return n.to_bytes(8, "big")


def text(s: str) -> bytes:
    """A string as UTF-8 bytes (callers normalize first where names are compared)."""
    if not isinstance(s, str):
        raise TypeError(f"text: expected str, got {type(s).__name__}")
    return s.encode("utf-8")


_U64 = struct.Struct(">Q").pack
_tag_prefixes = {}  # tag -> enc(tag), validated once per tag


def _tag_prefix(tag) -> bytes:
    prefix = _tag_prefixes.get(tag) if isinstance(tag, str) else None
    if prefix is None:
        if not isinstance(tag, str) or not tag.startswith(_TAG_PREFIX):
            raise ValueError(f"hash tag must start with {_TAG_PREFIX!r}: {tag!r}")
        t = tag.encode("ascii")
        prefix = _tag_prefixes[tag] = _U64(len(t)) + t
    return prefix


def _encode_fields(tag: str, fields, first: int = 0) -> bytes:
    """enc(f_1) || enc(f_2) || ... (field numbers in errors start at `first`)."""
    parts = []
    for i, f in enumerate(fields, first):
        if type(f) is not bytes:
            if not isinstance(f, (bytes, bytearray, memoryview)):
                raise TypeError(f"hash field {i} of {tag}: expected bytes, "
                                f"got {type(f).__name__}")
            f = bytes(f)
        parts.append(_U64(len(f)))
        parts.append(f)
    return b"".join(parts)


def _hasher(tag: str, fields) -> "hashlib._Hash":
    # Builds enc(tag) || enc(f_1) || ... in one buffer and hashes it once (the hot path of
    # every verifier); the bytes hashed are exactly those of the construction above.
    return hashlib.sha512(_tag_prefix(tag) + _encode_fields(tag, fields))


class HashPrefix:
    """H(tag; f_1, ..., f_k, g_1, ..., g_m) for many different tails g with the same
    head (tag; f_1..f_k): the head is absorbed once and the SHA-512 state copied per tail.
    Same bytes, same digests as digest64(tag, *head, *tail) (tests/test_hashing.py)."""

    __slots__ = ("_tag", "_state", "_k")

    def __init__(self, tag: str, *fields: bytes):
        self._tag, self._k = tag, len(fields)
        self._state = _hasher(tag, fields)

    def digest64(self, *fields: bytes) -> bytes:
        """All 64 bytes of H(tag; head..., fields...)."""
        h = self._state.copy()
        h.update(_encode_fields(self._tag, fields, self._k))
        return h.digest()


def digest64(tag: str, *fields: bytes) -> bytes:
    """All 64 bytes of H(tag; fields)."""
    return _hasher(tag, fields).digest()


def digest(tag: str, *fields: bytes) -> bytes:
    """The first 32 bytes of H(tag; fields)."""
    return _hasher(tag, fields).digest()[:32]
