"""Wire formats of slot decryption (specs/slot-decryption.md section 6).

    guardian's slot shares  "EVDS" | u8 1 | 3 zero | be32 i | be32 n | label (32)
                            | a (32) | b (32) | v (32) | D_1..D_n (32 each)     144 + 32n
    published decryption    "EVDV" | u8 1 | 3 zero | be32 n | be32 N | be32 k
                            | k x be32 guardian indices (strictly increasing) | label (32)
                            | n x be32 value (0 = mark, else 1..N+1) | m x 32 mark points

Both keep the fields as the raw bytes sent: parsing checks structure, lengths and integer
ranges only (naming the byte offset); points are decoded and scalars checked by the
verifier (slot_decryption.py), which hashes exactly these bytes.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Tuple

from ..errors import EvoteTypeError, InvalidEncoding
from .ceremony_wire import MAX_GUARDIANS

SHARES_MAGIC = b"EVDS"
DECRYPTION_MAGIC = b"EVDV"
VERSION = 1
MAX_SLOTS = 2**31 - 1
MAX_CANDIDATES = 2**31 - 2          # so that N + 1 (the blank value) fits a be32
MARK = 0                            # the value field of a slot whose plaintext is a mark
_SHARES_HEAD = struct.Struct(">4sB3sII")       # 16 bytes
_DEC_HEAD = struct.Struct(">4sB3sIII")         # 20 bytes
SHARES_FIXED = _SHARES_HEAD.size + 32 + 96     # header, label, proof


def _bytes(what: str, data) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise EvoteTypeError(f"{what}: expected bytes, got {type(data).__name__}")
    return bytes(data)


def _head(what: str, data: bytes, head: struct.Struct, magic: bytes) -> tuple:
    if len(data) < head.size:
        raise InvalidEncoding(f"{what}: {len(data)} bytes is shorter than the "
                              f"{head.size}-byte header")
    fields = head.unpack_from(data)
    if fields[0] != magic:
        raise InvalidEncoding(f"{what}: magic at offset 0 is {fields[0]!r}, not {magic!r}")
    if fields[1] != VERSION:
        raise InvalidEncoding(f"{what}: version at offset 4 is {fields[1]}, not {VERSION}")
    if fields[2] != bytes(3):
        raise InvalidEncoding(f"{what}: reserved bytes at offset 5 are not zero")
    return fields[3:]


def shares_size(n: int) -> int:
    return SHARES_FIXED + 32 * n


@dataclass(frozen=True)
class SlotShares:
    """Guardian `guardian_index`'s shares D_j = s_i * A_j of n slot ciphertexts with ONE
    batched Chaum-Pedersen proof (a, b, v). Public. Raw bytes: `shares` is n*32 bytes."""

    guardian_index: int
    n: int
    label: bytes
    proof: bytes       # a || b || v, 96 bytes
    shares: bytes      # D_1 || ... || D_n

    def __post_init__(self) -> None:
        for name in ("label", "proof", "shares"):
            if type(getattr(self, name)) is not bytes:
                raise EvoteTypeError(f"SlotShares.{name} must be bytes")
        if isinstance(self.guardian_index, bool) or not isinstance(self.guardian_index, int) \
                or not 1 <= self.guardian_index <= MAX_GUARDIANS:
            raise InvalidEncoding(f"slot shares: guardian index {self.guardian_index!r} is "
                                  f"not in 1..{MAX_GUARDIANS}")
        if isinstance(self.n, bool) or not isinstance(self.n, int) \
                or not 1 <= self.n <= MAX_SLOTS:
            raise InvalidEncoding(f"slot shares: n = {self.n!r} is not in 1..{MAX_SLOTS}")
        if len(self.label) != 32 or len(self.proof) != 96 or len(self.shares) != 32 * self.n:
            raise InvalidEncoding(f"slot shares of guardian {self.guardian_index}: label, "
                                  f"proof or shares of the wrong length")

    def share(self, j: int) -> bytes:
        """The encoding of D_j (0-based j)."""
        return self.shares[32 * j:32 * j + 32]

    def to_bytes(self) -> bytes:
        return (_SHARES_HEAD.pack(SHARES_MAGIC, VERSION, bytes(3), self.guardian_index,
                                  self.n) + self.label + self.proof + self.shares)

    @classmethod
    def from_bytes(cls, data, what: str = "slot shares") -> "SlotShares":
        """Parse; InvalidEncoding names the field and its byte offset."""
        data = _bytes(what, data)
        index, n = _head(what, data, _SHARES_HEAD, SHARES_MAGIC)
        if not 1 <= index <= MAX_GUARDIANS:
            raise InvalidEncoding(f"{what}: guardian index at offset 8 is {index}, not in "
                                  f"1..{MAX_GUARDIANS}")
        if not 1 <= n <= MAX_SLOTS:
            raise InvalidEncoding(f"{what}: n at offset 12 is {n}, not in 1..{MAX_SLOTS}")
        if len(data) != shares_size(n):
            raise InvalidEncoding(f"{what}: {len(data)} bytes, but n = {n} needs "
                                  f"{shares_size(n)}")
        at = _SHARES_HEAD.size
        return cls(index, n, data[at:at + 32], data[at + 32:at + 128], data[at + 128:])


@dataclass(frozen=True)
class SlotDecryption:
    """The published decryption of one slot contest's last mix outputs: which guardians'
    shares were combined, and per slot its value (1..N: a vote for candidate v-1; N+1:
    a blank ballot) or MARK, with the mark's point M_j in slot order in `marks`."""

    n_candidates: int
    guardians: Tuple[int, ...]
    label: bytes
    values: Tuple[int, ...]
    marks: bytes       # m * 32 bytes, m = number of MARK values

    def __post_init__(self) -> None:
        if isinstance(self.n_candidates, bool) or not isinstance(self.n_candidates, int) \
                or not 1 <= self.n_candidates <= MAX_CANDIDATES:
            raise InvalidEncoding(f"slot decryption: N = {self.n_candidates!r} is not in "
                                  f"1..{MAX_CANDIDATES}")
        if type(self.guardians) is not tuple or type(self.values) is not tuple:
            raise EvoteTypeError("SlotDecryption: guardians and values must be tuples")
        if type(self.label) is not bytes or type(self.marks) is not bytes:
            raise EvoteTypeError("SlotDecryption: label and marks must be bytes")
        if len(self.label) != 32:
            raise InvalidEncoding("slot decryption: label must be 32 bytes")
        prev = 0
        for k, g in enumerate(self.guardians):
            if isinstance(g, bool) or not isinstance(g, int) or not prev < g <= MAX_GUARDIANS:
                raise InvalidEncoding(f"slot decryption: guardian[{k}] = {g!r} is not "
                                      f"increasing in 1..{MAX_GUARDIANS}")
            prev = g
        if not self.guardians:
            raise InvalidEncoding("slot decryption: no guardian")
        if not 1 <= len(self.values) <= MAX_SLOTS:
            raise InvalidEncoding(f"slot decryption: {len(self.values)} slots, not in "
                                  f"1..{MAX_SLOTS}")
        top = self.n_candidates + 1
        marks = 0
        for j, v in enumerate(self.values):
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= top:
                raise InvalidEncoding(f"slot decryption: value of slot {j} is {v!r}, not in "
                                      f"0..{top}")
            marks += v == MARK
        if len(self.marks) != 32 * marks:
            raise InvalidEncoding(f"slot decryption: {marks} marks need {32 * marks} bytes "
                                  f"of mark points, got {len(self.marks)}")

    @property
    def n(self) -> int:
        return len(self.values)

    def to_bytes(self) -> bytes:
        k = len(self.guardians)
        return (_DEC_HEAD.pack(DECRYPTION_MAGIC, VERSION, bytes(3), self.n,
                               self.n_candidates, k)
                + struct.pack(f">{k}I", *self.guardians) + self.label
                + struct.pack(f">{self.n}I", *self.values) + self.marks)

    @classmethod
    def from_bytes(cls, data, what: str = "slot decryption") -> "SlotDecryption":
        """Parse; InvalidEncoding names the field and its byte offset."""
        data = _bytes(what, data)
        n, n_cand, k = _head(what, data, _DEC_HEAD, DECRYPTION_MAGIC)
        if not 1 <= n <= MAX_SLOTS:
            raise InvalidEncoding(f"{what}: n at offset 8 is {n}, not in 1..{MAX_SLOTS}")
        if not 1 <= n_cand <= MAX_CANDIDATES:
            raise InvalidEncoding(f"{what}: N at offset 12 is {n_cand}, not in "
                                  f"1..{MAX_CANDIDATES}")
        if not 1 <= k <= MAX_GUARDIANS:
            raise InvalidEncoding(f"{what}: guardian count at offset 16 is {k}, not in "
                                  f"1..{MAX_GUARDIANS}")
        at = _DEC_HEAD.size
        fixed = at + 4 * k + 32 + 4 * n
        if len(data) < fixed:
            raise InvalidEncoding(f"{what}: {len(data)} bytes is shorter than the "
                                  f"{fixed} bytes of n = {n} values and k = {k} guardians")
        guardians = struct.unpack_from(f">{k}I", data, at)
        prev = 0
        for q, g in enumerate(guardians):
            if not prev < g <= MAX_GUARDIANS:
                raise InvalidEncoding(f"{what}: guardian index at offset {at + 4 * q} is "
                                      f"{g}: indices must increase, in 1..{MAX_GUARDIANS}")
            prev = g
        at += 4 * k
        label = data[at:at + 32]
        at += 32
        values = struct.unpack_from(f">{n}I", data, at)
        top = n_cand + 1
        for j, v in enumerate(values):
            if v > top:
                raise InvalidEncoding(f"{what}: value of slot {j} at offset {at + 4 * j} is "
                                      f"{v}, above N + 1 = {top}")
        at += 4 * n
        m = values.count(MARK)
        if len(data) != at + 32 * m:
            raise InvalidEncoding(f"{what}: {len(data)} bytes, but {m} marks need "
                                  f"{at + 32 * m}")
        return cls(n_cand, guardians, label, values, data[at:])


def join_shares(shares) -> bytes:
    """The record's mix/<C>/shares.bin: the combined guardians' EVDS files, concatenated
    in increasing guardian order (each file's length follows from its own n)."""
    return b"".join(s.to_bytes() for s in shares)


def split_shares(data, what: str = "slot shares") -> Tuple[SlotShares, ...]:
    """Parse join_shares' bytes: one or more EVDS files, guardians strictly increasing;
    InvalidEncoding names the file's position and byte offset."""
    data = _bytes(what, data)
    out, at = [], 0
    while at < len(data):
        if len(data) - at < _SHARES_HEAD.size:
            raise InvalidEncoding(f"{what}: {len(data) - at} trailing bytes at offset {at} "
                                  "are not a share file")
        n = struct.unpack_from(">I", data, at + 12)[0]
        size = shares_size(n)
        sh = SlotShares.from_bytes(data[at:at + size],
                                   f"{what}: share file {len(out) + 1} at offset {at}")
        if out and sh.guardian_index <= out[-1].guardian_index:
            raise InvalidEncoding(f"{what}: share file {len(out) + 1} at offset {at} is "
                                  f"guardian {sh.guardian_index}'s, after guardian "
                                  f"{out[-1].guardian_index}'s (increasing order)")
        out.append(sh)
        at += size
    if not out:
        raise InvalidEncoding(f"{what}: empty")
    return tuple(out)
