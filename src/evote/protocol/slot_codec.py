"""The choice-slot contest as sent: its type and wire format (specs/slot-ballot.md section 7).

    "EVSL" || u8(1) || u16_be(L) || u8(b) || u16_be(len(cid)) || cid (UTF-8)
    || L*b records of 288 bytes: alpha, beta, A_0, B_0, A_1, B_1, c_0, v_0, v_1

Invariant of a decoded SlotContest: the structure and every length are right; points and
scalars stay raw bytes until the verifier checks them (slot_ballot.verify_slots, V3-V5).
"""
from __future__ import annotations

import struct
from typing import NamedTuple, Tuple

from evote.errors import EvoteTypeError, InvalidEncoding

from .disjunctive import DisjunctiveProof
from .encrypted_ballot import EncryptedSelection

MAGIC = b"EVSL"
VERSION = 1
RECORD_SIZE = 288          # 9 fields of 32 bytes
_HEADER = struct.Struct(">4sBHBH")   # magic, version, L, b, len(contest id)
MAX_SLOTS = 0xFFFF
MAX_BITS = 0xFF


class SlotContest(NamedTuple):
    """One contest's bit ciphertexts with their 0/1 proofs, record (j, i) at index
    (j - 1)*bits + i (j = 1..slots, i = 0..bits-1)."""

    contest_id: str
    slots: int                          # L (the contest's max_choices)
    bits: int                           # b
    records: Tuple[EncryptedSelection, ...]

    def record(self, j: int, i: int) -> EncryptedSelection:
        return self.records[(j - 1) * self.bits + i]

    def to_bytes(self) -> bytes:
        return encode_slot_contest(self)


def encode_slot_contest(sc: SlotContest) -> bytes:
    """The wire bytes; EvoteTypeError for a field that cannot be written as specified."""
    if not isinstance(sc, SlotContest):
        raise EvoteTypeError(f"encode_slot_contest: expected SlotContest, got {type(sc).__name__}")
    cid = sc.contest_id.encode("utf-8") if isinstance(sc.contest_id, str) else None
    if cid is None or not 1 <= len(cid) <= 0xFFFF:
        raise EvoteTypeError("encode_slot_contest: contest_id must be a non-empty str")
    if not (isinstance(sc.slots, int) and 1 <= sc.slots <= MAX_SLOTS
            and isinstance(sc.bits, int) and 1 <= sc.bits <= MAX_BITS):
        raise EvoteTypeError("encode_slot_contest: slots or bits out of range")
    if len(sc.records) != sc.slots * sc.bits:
        raise EvoteTypeError(f"encode_slot_contest: {len(sc.records)} records, "
                             f"{sc.slots * sc.bits} expected")
    parts = [_HEADER.pack(MAGIC, VERSION, sc.slots, sc.bits, len(cid)), cid]
    for rec in sc.records:
        p = rec.proof
        fields = (rec.alpha, rec.beta, *p.commitments, *p.challenges, *p.responses)
        if len(fields) != 9 or not all(isinstance(f, bytes) and len(f) == 32 for f in fields):
            raise EvoteTypeError("encode_slot_contest: a record field is not 32 bytes")
        parts.extend(fields)
    return b"".join(parts)


def decode_slot_contest(data: bytes) -> SlotContest:
    """Parse; InvalidEncoding names what is wrong and its byte offset."""
    what = "slot contest"
    if not isinstance(data, bytes):
        raise EvoteTypeError(f"decode_slot_contest: expected bytes, got {type(data).__name__}")
    if len(data) < _HEADER.size:
        raise InvalidEncoding(f"{what}: {len(data)} bytes is shorter than the "
                              f"{_HEADER.size}-byte header")
    magic, version, slots, bits, n_cid = _HEADER.unpack_from(data, 0)
    if magic != MAGIC:
        raise InvalidEncoding(f"{what}: magic at offset 0 is {magic!r}, not {MAGIC!r}")
    if version != VERSION:
        raise InvalidEncoding(f"{what}: version at offset 4 is {version}, not {VERSION}")
    if slots == 0:
        raise InvalidEncoding(f"{what}: L at offset 5 is 0")
    if bits == 0:
        raise InvalidEncoding(f"{what}: b at offset 7 is 0")
    if n_cid == 0:
        raise InvalidEncoding(f"{what}: contest id length at offset 8 is 0")
    o = _HEADER.size
    body = o + n_cid
    want = body + slots * bits * RECORD_SIZE
    if len(data) != want:
        raise InvalidEncoding(f"{what}: {len(data)} bytes, the header (L = {slots}, "
                              f"b = {bits}) gives exactly {want}")
    try:
        cid = data[o:body].decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidEncoding(f"{what}: contest id at offset {o} is not UTF-8") from None
    records = []
    for k in range(slots * bits):
        q = body + RECORD_SIZE * k
        f = [data[q + 32 * m:q + 32 * m + 32] for m in range(9)]
        records.append(EncryptedSelection(
            f[0], f[1], DisjunctiveProof(tuple(f[2:6]), (f[6],), (f[7], f[8]))))
    return SlotContest(cid, slots, bits, tuple(records))
