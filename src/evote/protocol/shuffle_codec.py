"""Wire format of a shuffle proof, version 2 (specs/shuffle.md section 5).

    "EVSH" | version 2 | 3 reserved zero bytes | N (be32)
    c_1..c_N | chat_1..chat_N | t_1 t_2 t_3 t_4a t_4b t_5 | s_1..s_5 | sp_1..sp_N
                                                                (364 + 96N bytes)

ShuffleProof keeps every field as the raw bytes sent (blobs of 32-byte items): parsing
checks structure and lengths only, and the verifier hashes these bytes, then decodes
every point and checks every scalar once (evote.protocol.shuffle).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from evote.errors import EvoteTypeError, InvalidEncoding

MAGIC = b"EVSH"
VERSION = 2
HEADER_SIZE = 12
MAX_N = 2**31 - 1
_HEADER = struct.Struct(">4sB3sI")

# (field name, items per ciphertext, fixed items), in wire order
_LAYOUT = (
    ("commitments", 1, 0),   # c_1..c_N
    ("chain", 1, 0),         # chat_1..chat_N
    ("t", 0, 6),             # t_1, t_2, t_3, t_4a, t_4b, t_5
    ("s", 0, 5),             # s_1..s_5
    ("s_prime", 1, 0),       # sp_1..sp_N
)


def proof_size(n: int) -> int:
    """Bytes of a proof for n ciphertexts."""
    return HEADER_SIZE + 32 * (6 + 5) + 32 * 3 * n


@dataclass(frozen=True)
class ShuffleProof:
    """A shuffle proof as sent: n, then blobs of 32-byte encodings (not yet validated)."""

    n: int
    commitments: bytes
    chain: bytes
    t: bytes
    s: bytes
    s_prime: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.n, int) or isinstance(self.n, bool):
            raise EvoteTypeError("ShuffleProof.n must be int")
        if not 0 <= self.n <= MAX_N:
            raise InvalidEncoding(f"shuffle proof: N = {self.n} is out of range [0, 2^31)")
        for name, per, fixed in _LAYOUT:
            blob = getattr(self, name)
            if type(blob) is not bytes:
                raise EvoteTypeError(f"ShuffleProof.{name} must be bytes")
            want = 32 * (per * self.n + fixed)
            if len(blob) != want:
                raise InvalidEncoding(
                    f"shuffle proof: field {name} must be {want} bytes, got {len(blob)}")

    def to_bytes(self) -> bytes:
        head = _HEADER.pack(MAGIC, VERSION, bytes(3), self.n)
        return head + b"".join(getattr(self, name) for name, _, _ in _LAYOUT)

    @classmethod
    def from_bytes(cls, data: bytes, what: str = "shuffle proof") -> "ShuffleProof":
        """Parse; InvalidEncoding names the field and its offset."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise EvoteTypeError(f"{what}: expected bytes, got {type(data).__name__}")
        data = bytes(data)
        if len(data) < HEADER_SIZE:
            raise InvalidEncoding(f"{what}: {len(data)} bytes is shorter than the "
                                  f"{HEADER_SIZE}-byte header")
        magic, version, reserved, n = _HEADER.unpack_from(data)
        if magic != MAGIC:
            raise InvalidEncoding(f"{what}: magic at offset 0 is {magic!r}, not {MAGIC!r}")
        if version != VERSION:
            raise InvalidEncoding(f"{what}: version at offset 4 is {version}, not {VERSION}")
        if reserved != bytes(3):
            raise InvalidEncoding(f"{what}: reserved bytes at offset 5 are not zero")
        if n > MAX_N:
            raise InvalidEncoding(f"{what}: N at offset 8 is {n}, above 2^31 - 1")
        if len(data) != proof_size(n):
            raise InvalidEncoding(f"{what}: {len(data)} bytes, but N = {n} needs "
                                  f"{proof_size(n)}")
        fields, at = {}, HEADER_SIZE
        for name, per, fixed in _LAYOUT:
            size = 32 * (per * n + fixed)
            fields[name] = data[at:at + size]
            at += size
        return cls(n=n, **fields)
