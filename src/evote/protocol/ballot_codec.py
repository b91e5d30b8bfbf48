"""The encrypted-ballot wire format, version 1 (specs/protocol.md section 6).

All integers big-endian; every cryptographic field is exactly 32 bytes.

    offset  size  field
    0       4     magic "EVBL"
    4       1     format version = 1
    5       1     reserved = 0
    6       2     number of contests (>= 1)
    8       4     total length of the ballot in bytes, header included
    12      32    ballot id
    44      1     S = length of the style id (1..255)
    45      S     style id (ASCII)
    then per contest, in the style's order:
            1     C = length of the contest id (1..255), then C bytes contest id (ASCII)
          a slot contest (specs/protocol.md 6.1):
            2     0 (no per-candidate records: announces a slot contest)
            4     E = length of the slot contest (1 .. 2^24)
            E     the slot contest, "EVSL" version 2 (slot_range_codec), its own contest
                  id equal to the block's
          a per-candidate contest:
            2     n = number of candidates (>= 1)
            2     L = max_choices (1 <= L <= n)
            288   per candidate, n times: a selection record
            288   the blank indicator's selection record
            32*(4L-1)  the range proof: A_1 B_1 ... A_L B_L, c_1 ... c_{L-1}, v_1 ... v_L
    selection record = alpha beta A_0 B_0 A_1 B_1 c_0 v_0 v_1  (9 x 32 bytes)

The total length makes a sequence of ballots streamable (read 12 bytes, then the rest).
decode_ballot checks structure and lengths only and names the bad field on failure
(InvalidEncoding); points and scalars stay raw bytes for the verifier to check.
"""
from __future__ import annotations

import struct
from typing import BinaryIO, Optional

from evote.errors import EvoteTypeError, EvoteValueError, InvalidEncoding

from .disjunctive import DisjunctiveProof
from .encrypted_ballot import EncryptedBallot, EncryptedContest, EncryptedSelection
from .slot_range_codec import SlotRangeContest, decode_range_contest, encode_range_contest

MAGIC = b"EVBL"
VERSION = 1
HEADER_SIZE = 12  # magic, version, reserved, contest count, total length
SELECTION_SIZE = 9 * 32
MAX_BALLOT_SIZE = 1 << 30

_HEAD = struct.Struct(">4sBBHI")
_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
SLOT_MARK = 0                # the candidate count field of a slot contest's block
MAX_SLOT_CONTEST = 1 << 24   # bytes of one slot contest (21 of 3,000 is about 3 KB)


def range_proof_size(max_choices: int) -> int:
    return 32 * (4 * max_choices - 1)


def _put_id(out: list, value: str, what: str) -> None:
    raw = value.encode("ascii") if value.isascii() else None
    if raw is None or not 1 <= len(raw) <= 255:
        raise EvoteValueError(f"{what} {value!r} must be 1-255 ASCII characters")
    out.append(bytes([len(raw)]))
    out.append(raw)


def _selection_fields(s: EncryptedSelection) -> tuple:
    p = s.proof
    if len(p.commitments) != 4 or len(p.challenges) != 1 or len(p.responses) != 2:
        raise EvoteValueError("a selection proof must have 2 branches")
    return (s.alpha, s.beta, *p.commitments, *p.challenges, *p.responses)


def encode_ballot(ballot: EncryptedBallot) -> bytes:
    """The wire bytes of an EncryptedBallot (EvoteValueError if a field has a wrong size)."""
    if not isinstance(ballot, EncryptedBallot):
        raise EvoteTypeError(f"encode_ballot: expected EncryptedBallot, got {type(ballot).__name__}")
    n_contests = len(ballot.contests)
    if not 1 <= n_contests <= 0xFFFF:
        raise EvoteValueError("a ballot holds 1 to 65535 contests")
    out = [ballot.ballot_id]
    _put_id(out, ballot.style_id, "style id")
    for c in ballot.contests:
        _put_id(out, c.contest_id, "contest id")
        if isinstance(c, SlotRangeContest):
            out.append(_slot_block(c))
            continue
        rp = c.range_proof
        n, big_l = len(c.selections), rp.branches
        if not 1 <= big_l <= n <= 0xFFFF:
            raise EvoteValueError(f"contest {c.contest_id!r}: need 1 <= L <= n < 65536")
        if len(rp.commitments) != 2 * big_l or len(rp.challenges) != big_l - 1:
            raise EvoteValueError(f"contest {c.contest_id!r}: malformed range proof")
        out.append(_U16.pack(n) + _U16.pack(big_l))
        fields = []
        for s in c.selections:
            fields.extend(_selection_fields(s))
        fields.extend(_selection_fields(c.blank))
        fields.extend((*rp.commitments, *rp.challenges, *rp.responses))
        for f in fields:
            if not isinstance(f, bytes) or len(f) != 32:
                raise EvoteValueError(f"contest {c.contest_id!r}: a proof or ciphertext field "
                                      "is not 32 bytes")
        out.extend(fields)
    body = b"".join(out)
    return _HEAD.pack(MAGIC, VERSION, 0, n_contests, HEADER_SIZE + len(body)) + body


def _slot_block(c: SlotRangeContest) -> bytes:
    """u16 0 || u32 E || the E bytes of the slot contest (EVSL version 2)."""
    try:
        raw = encode_range_contest(c)
    except EvoteTypeError as exc:
        raise EvoteValueError(f"contest {c.contest_id!r}: {exc}") from None
    if len(raw) > MAX_SLOT_CONTEST:
        raise EvoteValueError(f"contest {c.contest_id!r}: slot contest of {len(raw)} bytes "
                              f"(at most {MAX_SLOT_CONTEST})")
    return _U16.pack(SLOT_MARK) + _U32.pack(len(raw)) + raw


def _read_slot_contest(rd: "_Reader", cid: str, where: str) -> SlotRangeContest:
    """The slot contest after its block's 0 candidate count; InvalidEncoding names the
    offset in the ballot (the slot codec's own offsets are relative to its first byte)."""
    size = _U32.unpack(rd.take(4, f"{where} slot contest length"))[0]
    if not 1 <= size <= MAX_SLOT_CONTEST:
        raise InvalidEncoding(f"ballot bytes: {where} slot contest length at offset "
                              f"{rd.pos - 4} is {size}, not in [1, {MAX_SLOT_CONTEST}]")
    start = rd.pos
    raw = rd.take(size, f"{where} slot contest")
    try:
        sc = decode_range_contest(raw)
    except InvalidEncoding as exc:
        raise InvalidEncoding(f"ballot bytes: {where} slot contest at offset {start} "
                              f"(offsets below are from there): {exc}") from None
    if sc.contest_id != cid:
        raise InvalidEncoding(f"ballot bytes: {where} slot contest at offset {start} "
                              f"names contest {sc.contest_id!r}, not its block's {cid!r}")
    return sc


class _Reader:
    """Cursor over the ballot bytes that names the field being read on failure."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int):
        self.data = data
        self.pos = pos

    def take(self, size: int, field: str) -> bytes:
        end = self.pos + size
        if end > len(self.data):
            raise InvalidEncoding(f"ballot bytes: {field} at offset {self.pos}: needs {size} "
                                  f"bytes, only {len(self.data) - self.pos} left")
        out = self.data[self.pos:end]
        self.pos = end
        return out

    def ident(self, field: str) -> str:
        n = self.take(1, f"{field} length")[0]
        if n == 0:
            raise InvalidEncoding(f"ballot bytes: {field} at offset {self.pos - 1}: empty")
        raw = self.take(n, field)
        if not raw.isascii():
            raise InvalidEncoding(f"ballot bytes: {field} at offset {self.pos - n}: not ASCII")
        return raw.decode("ascii")


_SELECTION = struct.Struct("32s" * 9)


def _selection(block: bytes, offset: int = 0) -> EncryptedSelection:
    f = _SELECTION.unpack_from(block, offset)
    return EncryptedSelection(f[0], f[1], DisjunctiveProof(f[2:6], f[6:7], f[7:9]))


def decode_ballot(data: bytes) -> EncryptedBallot:
    """Parse wire bytes (structure and lengths only). InvalidEncoding names the field."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise EvoteTypeError(f"ballot bytes: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) < HEADER_SIZE:
        raise InvalidEncoding(f"ballot bytes: header needs {HEADER_SIZE} bytes, got {len(data)}")
    magic, version, reserved, n_contests, total = _HEAD.unpack_from(data)
    if magic != MAGIC:
        raise InvalidEncoding(f"ballot bytes: magic at offset 0 is {magic!r}, not {MAGIC!r}")
    if version != VERSION:
        raise InvalidEncoding(f"ballot bytes: format version at offset 4 is {version}, "
                              f"only {VERSION} is known")
    if reserved != 0:
        raise InvalidEncoding(f"ballot bytes: reserved byte at offset 5 is {reserved}, not 0")
    if n_contests == 0:
        raise InvalidEncoding("ballot bytes: contest count at offset 6 is 0")
    if total != len(data):
        raise InvalidEncoding(f"ballot bytes: total length at offset 8 says {total}, "
                              f"the ballot has {len(data)} bytes")
    rd = _Reader(data, HEADER_SIZE)
    ballot_id = rd.take(32, "ballot id")
    style_id = rd.ident("style id")
    contests = []
    for k in range(n_contests):
        where = f"contest {k}"
        cid = rd.ident(f"{where} id")
        where = f"contest {k} ({cid!r})"
        n = _U16.unpack(rd.take(2, f"{where} candidate count"))[0]
        if n == SLOT_MARK:
            contests.append(_read_slot_contest(rd, cid, where))
            continue
        big_l = _U16.unpack(rd.take(2, f"{where} max_choices"))[0]
        if not 1 <= big_l <= n:
            raise InvalidEncoding(f"ballot bytes: {where} max_choices at offset {rd.pos - 2} "
                                  f"is {big_l}, not in [1, {n}]")
        block = rd.take(SELECTION_SIZE * n, f"{where} selections")
        sels = tuple([_selection(block, i) for i in range(0, len(block), SELECTION_SIZE)])
        blank = _selection(rd.take(SELECTION_SIZE, f"{where} blank indicator"))
        rp = rd.take(range_proof_size(big_l), f"{where} range proof")
        f = [rp[i:i + 32] for i in range(0, len(rp), 32)]
        proof = DisjunctiveProof(tuple(f[:2 * big_l]), tuple(f[2 * big_l:3 * big_l - 1]),
                                 tuple(f[3 * big_l - 1:]))
        contests.append(EncryptedContest(cid, sels, blank, proof))
    if rd.pos != len(data):
        raise InvalidEncoding(f"ballot bytes: {len(data) - rd.pos} trailing bytes at offset "
                              f"{rd.pos}")
    return EncryptedBallot(ballot_id, style_id, tuple(contests))


def read_ballot(stream: BinaryIO) -> Optional[EncryptedBallot]:
    """Read the next ballot from a binary stream of concatenated ballots; None at a clean
    end of stream, InvalidEncoding on a truncated or malformed ballot."""
    head = stream.read(HEADER_SIZE)
    if not head:
        return None
    if len(head) < HEADER_SIZE:
        raise InvalidEncoding(f"ballot stream: truncated header ({len(head)} bytes)")
    total = _HEAD.unpack(head)[4]
    if not HEADER_SIZE < total <= MAX_BALLOT_SIZE:
        raise InvalidEncoding(f"ballot stream: total length {total} is out of range")
    rest = stream.read(total - HEADER_SIZE)
    if len(rest) != total - HEADER_SIZE:
        raise InvalidEncoding(f"ballot stream: ballot truncated ({HEADER_SIZE + len(rest)} of "
                              f"{total} bytes)")
    return decode_ballot(head + rest)
