"""The choice-slot contest with an aggregated range proof, as sent (specs/slot-ballot.md
section 9, wire version 2).

    "EVSL" || u8(2) || u16_be(L) || u8(b) || u16_be(len(cid)) || cid (UTF-8)
    || enc(alpha_j)||enc(beta_j) for j = 1..L          slot ciphertexts S_j
    || enc(V_j) for j = 1..L                            gap commitments
    || enc(A) || enc(S) || enc(T_1) || enc(T_2)
    || le32(tau_x) || le32(mu) || le32(t_hat)
    || enc(L_k) || enc(R_k) for k = 1..log2(N)          inner-product rounds
    || le32(a) || le32(b)
    || enc(R_1) || enc(R_2) || enc(R_3) || le32(z_1) || le32(z_2) || le32(z_3)   link

N = the smallest power of two >= L*b. Invariant of a decoded SlotRangeContest: structure
and lengths are right; points and scalars are raw 32-byte fields until the verifier
checks them (slot_range.verify_range_slots, W3-W6).
"""
from __future__ import annotations

import struct
from typing import NamedTuple, Tuple

from evote.errors import EvoteTypeError, InvalidEncoding

MAGIC = b"EVSL"
VERSION = 2
_HEADER = struct.Struct(">4sBHBH")


def vector_length(slots: int, bits: int) -> int:
    """N: the smallest power of two >= L*b (at least 1)."""
    return 1 << max(0, (slots * bits - 1).bit_length())


class SlotRangeContest(NamedTuple):
    contest_id: str
    slots: int                      # L
    bits: int                       # b
    ciphertexts: Tuple[bytes, ...]  # L x 64: S_j = enc(alpha_j) || enc(beta_j)
    commitments: Tuple[bytes, ...]  # L x 32: V_j
    a: bytes
    s: bytes
    t1: bytes
    t2: bytes
    tau_x: bytes
    mu: bytes
    t_hat: bytes
    ipa_l: Tuple[bytes, ...]        # log2(N) x 32
    ipa_r: Tuple[bytes, ...]        # log2(N) x 32
    ipa_a: bytes
    ipa_b: bytes
    link_r: Tuple[bytes, ...]       # R_1, R_2, R_3
    link_z: Tuple[bytes, ...]       # z_1, z_2, z_3

    def to_bytes(self) -> bytes:
        return encode_range_contest(self)


def _size(slots: int, bits: int, n_cid: int) -> int:
    rounds = vector_length(slots, bits).bit_length() - 1
    return _HEADER.size + n_cid + 96 * slots + 32 * (4 + 3 + 2 * rounds + 2 + 6)


def _groups(c: SlotRangeContest, rounds: int) -> tuple:
    return ((c.ciphertexts, c.slots, 64), (c.commitments, c.slots, 32),
            ((c.a, c.s, c.t1, c.t2, c.tau_x, c.mu, c.t_hat), 7, 32),
            (c.ipa_l, rounds, 32), (c.ipa_r, rounds, 32),
            ((c.ipa_a, c.ipa_b), 2, 32), (c.link_r, 3, 32), (c.link_z, 3, 32))


def check_range_contest(c: SlotRangeContest) -> bytes:
    """Every count and size of section 9 (EvoteTypeError naming what is wrong; TypeError
    for a field that is not even a sequence); returns the contest id's UTF-8 bytes."""
    if not isinstance(c, SlotRangeContest):
        raise EvoteTypeError(f"encode_range_contest: expected SlotRangeContest, "
                             f"got {type(c).__name__}")
    cid = c.contest_id.encode("utf-8") if isinstance(c.contest_id, str) else b""
    if not 1 <= len(cid) <= 0xFFFF or not (isinstance(c.slots, int) and 1 <= c.slots <= 0xFFFF
                                           and isinstance(c.bits, int) and 1 <= c.bits <= 0xFF):
        raise EvoteTypeError("encode_range_contest: contest id, slots or bits out of range")
    rounds = vector_length(c.slots, c.bits).bit_length() - 1
    for seq, count, size in _groups(c, rounds):
        if len(seq) != count:
            raise EvoteTypeError("encode_range_contest: a field has the wrong count or size")
        for x in seq:
            if not isinstance(x, bytes) or len(x) != size:
                raise EvoteTypeError("encode_range_contest: a field has the wrong count or "
                                     "size")
    return cid


def encode_range_contest(c: SlotRangeContest) -> bytes:
    cid = check_range_contest(c)
    parts = [_HEADER.pack(MAGIC, VERSION, c.slots, c.bits, len(cid)), cid]
    parts.extend(c.ciphertexts)
    parts.extend(c.commitments)
    parts.extend((c.a, c.s, c.t1, c.t2, c.tau_x, c.mu, c.t_hat))
    parts.extend(x for lr in zip(c.ipa_l, c.ipa_r) for x in lr)
    parts.extend((c.ipa_a, c.ipa_b))
    parts.extend(c.link_r)
    parts.extend(c.link_z)
    return b"".join(parts)


def decode_range_contest(data: bytes) -> SlotRangeContest:
    """Parse; InvalidEncoding names what is wrong and its byte offset."""
    what = "slot contest (version 2)"
    if not isinstance(data, bytes):
        raise EvoteTypeError(f"decode_range_contest: expected bytes, got {type(data).__name__}")
    if len(data) < _HEADER.size:
        raise InvalidEncoding(f"{what}: {len(data)} bytes is shorter than the "
                              f"{_HEADER.size}-byte header")
    magic, version, slots, bits, n_cid = _HEADER.unpack_from(data, 0)
    if magic != MAGIC:
        raise InvalidEncoding(f"{what}: magic at offset 0 is {magic!r}, not {MAGIC!r}")
    if version != VERSION:
        raise InvalidEncoding(f"{what}: version at offset 4 is {version}, not {VERSION}")
    if slots == 0 or bits == 0 or n_cid == 0:
        raise InvalidEncoding(f"{what}: L (offset 5), b (offset 7) and the contest id "
                              f"length (offset 8) must not be 0")
    want = _size(slots, bits, n_cid)
    if len(data) != want:
        raise InvalidEncoding(f"{what}: {len(data)} bytes, the header (L = {slots}, "
                              f"b = {bits}) gives exactly {want}")
    o = _HEADER.size
    try:
        cid = data[o:o + n_cid].decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidEncoding(f"{what}: contest id at offset {o} is not UTF-8") from None
    o += n_cid
    cts = tuple(data[o + 64 * j:o + 64 * j + 64] for j in range(slots))
    o += 64 * slots
    f = [data[q:q + 32] for q in range(o, len(data), 32)]
    rounds = vector_length(slots, bits).bit_length() - 1
    vs, f = tuple(f[:slots]), f[slots:]
    a, s, t1, t2, tau_x, mu, t_hat = f[:7]
    lr = f[7:7 + 2 * rounds]
    ipa_a, ipa_b = f[7 + 2 * rounds:9 + 2 * rounds]
    link = f[9 + 2 * rounds:]
    return SlotRangeContest(cid, slots, bits, cts, vs, a, s, t1, t2, tau_x, mu, t_hat,
                            tuple(lr[0::2]), tuple(lr[1::2]), ipa_a, ipa_b,
                            tuple(link[:3]), tuple(link[3:]))
