"""The opening of one slot contest (specs/slot-ballot.md section 11): the slot values and
the slot nonces r_j, what a challenged ballot's printout reveals so that the voter (or
anyone) can check that each slot ciphertext S_j = Enc(v_j; r_j) encrypts what the kiosk
claims.

    SlotOpening(contest_id, values, nonces)         secret until the ballot is spoiled
    encode_opening(opening) -> bytes                 "EVSO" || u8(1) || ... (spec 11)
    decode_opening(data) -> SlotOpening              strict; InvalidEncoding with offset
    check_slot_opening(context, contest, ballot_id, rc, opening)
        -> chosen candidate positions (0-based, sorted), () for a blank ballot;
           InvalidProof naming the slot the opening does not reproduce or encode honestly

Invariant: a SlotOpening that passed check_slot_opening reproduces every slot ciphertext
of rc byte for byte and its values are an honest kiosk's (slot_ballot.honest_values_error:
the blank mark only alone in slot 1, marks in [N+2, 2^b]). The range proof is not checked
here (the verifier checks it, V8/V10).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Tuple

from evote.errors import EvoteTypeError, InvalidEncoding, InvalidProof
from evote.group import G_TABLE, Scalar

from .context import check_context
from .slot_ballot import honest_values_error, slot_shape
from .slot_range_codec import SlotRangeContest

MAGIC = b"EVSO"
VERSION = 1
_HEADER = struct.Struct(">4sBHH")        # magic, version, L, len(contest id)
_ITEM = 4 + 32                           # u32_be(v_j) || le32(r_j)


@dataclass(frozen=True, repr=False)
class SlotOpening:
    """Slot values v_1..v_L (ints) and slot nonces r_1..r_L (ints mod l). Secret while
    the ballot may be cast: never logged (repr hides it)."""

    contest_id: str
    values: Tuple[int, ...]
    nonces: Tuple[int, ...]

    def __repr__(self) -> str:
        return f"SlotOpening({self.contest_id!r}, <hidden>)"


def encode_opening(o: SlotOpening) -> bytes:
    """"EVSO" || u8(1) || u16_be(L) || u16_be(len(cid)) || cid || (u32_be(v_j) || le32(r_j))
    for j = 1..L."""
    if not isinstance(o, SlotOpening):
        raise EvoteTypeError(f"encode_opening: expected SlotOpening, got {type(o).__name__}")
    cid = o.contest_id.encode("utf-8") if isinstance(o.contest_id, str) else b""
    n = len(o.values)
    if not 1 <= len(cid) <= 0xFFFF or not 1 <= n <= 0xFFFF or len(o.nonces) != n:
        raise EvoteTypeError("encode_opening: contest id, or the numbers of values and "
                             "nonces, out of range")
    parts = [_HEADER.pack(MAGIC, VERSION, n, len(cid)), cid]
    for v, r in zip(o.values, o.nonces):
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 1 << 32 or \
                isinstance(r, bool) or not isinstance(r, int) or not 0 <= r < Scalar.ORDER:
            raise EvoteTypeError("encode_opening: a value is not a u32 or a nonce not a "
                                 "canonical scalar")
        parts.append(v.to_bytes(4, "big") + r.to_bytes(32, "little"))
    return b"".join(parts)


def decode_opening(data: bytes) -> SlotOpening:
    """Parse exactly one encoded opening; InvalidEncoding names what and the byte offset."""
    what = "slot opening"
    if not isinstance(data, bytes):
        raise EvoteTypeError(f"decode_opening: expected bytes, got {type(data).__name__}")
    if len(data) < _HEADER.size:
        raise InvalidEncoding(f"{what}: {len(data)} bytes is shorter than the "
                              f"{_HEADER.size}-byte header")
    magic, version, n, n_cid = _HEADER.unpack_from(data, 0)
    if magic != MAGIC:
        raise InvalidEncoding(f"{what}: magic at offset 0 is {magic!r}, not {MAGIC!r}")
    if version != VERSION:
        raise InvalidEncoding(f"{what}: version at offset 4 is {version}, not {VERSION}")
    if n == 0 or n_cid == 0:
        raise InvalidEncoding(f"{what}: L (offset 5) and the contest id length (offset 7) "
                              f"must not be 0")
    want = _HEADER.size + n_cid + _ITEM * n
    if len(data) != want:
        raise InvalidEncoding(f"{what}: {len(data)} bytes, the header (L = {n}) gives "
                              f"exactly {want}")
    o = _HEADER.size
    try:
        cid = data[o:o + n_cid].decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidEncoding(f"{what}: contest id at offset {o} is not UTF-8") from None
    o += n_cid
    values, nonces = [], []
    for j in range(n):
        values.append(int.from_bytes(data[o:o + 4], "big"))
        r = int.from_bytes(data[o + 4:o + 36], "little")
        if r >= Scalar.ORDER:
            raise InvalidEncoding(f"{what}: nonce of slot {j + 1} at offset {o + 4} is not "
                                  f"a canonical scalar (>= l)")
        nonces.append(r)
        o += _ITEM
    return SlotOpening(cid, tuple(values), tuple(nonces))


def check_slot_opening(context, contest, ballot_id: bytes, rc: SlotRangeContest,
                       opening: SlotOpening) -> Tuple[int, ...]:
    """The chosen candidate positions (0-based, sorted; () for a blank ballot) if every
    S_j of rc is Enc(v_j; r_j) under the election key and the values are an honest
    kiosk's; else InvalidProof naming the ballot, the contest and the slot."""
    check_context(context)
    bid = ballot_id.hex() if isinstance(ballot_id, bytes) else repr(ballot_id)
    where = f"ballot {bid}: contest {getattr(contest, 'contest_id', '?')!r}"
    if not isinstance(opening, SlotOpening):
        raise InvalidProof(f"{where}: expected a SlotOpening, got {type(opening).__name__}")
    if not isinstance(rc, SlotRangeContest):
        raise InvalidProof(f"{where}: expected a SlotRangeContest, got {type(rc).__name__}")
    shape = slot_shape(contest)
    if opening.contest_id != contest.contest_id or rc.contest_id != contest.contest_id:
        raise InvalidProof(f"{where}: the opening or the slot contest is for another contest")
    if len(opening.values) != shape.slots or len(opening.nonces) != shape.slots or \
            len(rc.ciphertexts) != shape.slots:
        raise InvalidProof(f"{where}: the opening has {len(opening.values)} slots, the "
                           f"contest {shape.slots}")
    for j, (v, r, ct) in enumerate(zip(opening.values, opening.nonces, rc.ciphertexts), 1):
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < Scalar.ORDER or \
                isinstance(r, bool) or not isinstance(r, int) or not 0 <= r < Scalar.ORDER:
            raise InvalidProof(f"{where}: slot {j}: the opening's value or nonce is out of "
                               f"range")
        made = G_TABLE.mul(r).to_bytes() + G_TABLE.mul2(v, context.k_table, r).to_bytes()
        if made != ct:
            raise InvalidProof(f"{where}: slot {j}: the opening does not reproduce the slot "
                               f"ciphertext")
    why = honest_values_error(shape, opening.values)
    if why:
        raise InvalidProof(f"{where}: the opening's values are not an honest encoding: {why}")
    return tuple(v - 1 for v in opening.values if v <= shape.n)
