"""Homomorphic aggregation of encrypted ballots given as wire bytes (ballot_codec v1).

tally_ballot_blobs(manifest, blobs) ASSUMES THE CALLER VERIFIED THE BALLOTS (proofs,
signatures, box chain): it sums ciphertexts, it does not check proofs. It still refuses,
naming the ballot's index, any blob whose structure is not exactly its style's layout in
the manifest (magic, version, lengths, contest ids, candidate counts, max_choices) and
any ciphertext point that is not a valid ristretto255 encoding.

How (no Python loop per candidate): for a ballot style the manifest fixes every offset,
so the ballots of one style are stacked as rows of a numpy uint8 matrix; the structural
bytes of all rows are compared with the style's template in one vectorised comparison;
for each contest the alpha||beta columns (the first 64 bytes of each 288-byte selection
record: candidates then the blank indicator) are cut out as a strided view, made
contiguous, and summed by ONE group.aggregate_vartime call per contest per chunk (decode
each point once, add in extended coordinates, encode once per column).

A slot contest (manifest encoding "slots") has no homomorphic tally and no entry in the
result: its block (u16 0, u32 length, the EVSL bytes: protocol.md 6.1) has a fixed length
for the contest too, so its L slot ciphertexts are cut out the same way, validated as
points, and kept in add order (`slot_bytes()`): the box's part of the contest's mix input
(slot_inputs.py).
"""
from __future__ import annotations

import struct
from typing import Callable, Iterable, Optional

import numpy as np

from ..errors import EvoteError, EvoteTypeError, InvalidEncoding
from ..group import aggregate_vartime, validate_points
from ..protocol.ballot_codec import (HEADER_SIZE, MAGIC, SELECTION_SIZE, VERSION,
                                     decode_ballot, range_proof_size)
from ..protocol.encrypted_ballot import is_slot_contest
from ..protocol.slot_ballot import slot_shape
from ..protocol.slot_range_codec import MAGIC as SLOT_MAGIC, VERSION as SLOT_VERSION
from .slot_inputs import SLOT_CIPHERTEXT, slot_contest_size
from .errors import BallotRefused, TallyInputError
from .model import ContestTally, EncryptedTally, merge_contest_tallies

CHUNK_BYTES = 16 << 20   # ballots buffered per style before one aggregation pass
STYLE_OFFSET = 44        # style id length byte (after the header and the ballot id)
BALLOT_ID = slice(12, 44)
_CT = 64                 # alpha || beta at the start of each selection record


class StyleLayout:
    """Byte layout of every ballot of one style: total length, the structural bytes
    (everything but the ballot id and the cryptographic fields) and, per contest, where
    its n + 1 selection records start."""

    def __init__(self, manifest, style_id: str):
        style = manifest.style(style_id)
        self.style_id = style_id
        parts = [b"", bytes(32)]  # header placed below; ballot id (not structural)
        structural = [(0, HEADER_SIZE)]
        pos = HEADER_SIZE + 32
        sid = style_id.encode("ascii")
        parts.append(bytes([len(sid)]) + sid)
        structural.append((pos, pos + 1 + len(sid)))
        pos += 1 + len(sid)
        self.contests = []  # (contest_id, offset of the first selection record, n, L)
        self.slot_contests = []  # (contest_id, offset of the first slot ciphertext, L)
        for cid in style.contest_ids:
            contest = manifest.contest(cid)
            n, big_l = len(contest.candidates), contest.max_choices
            raw = cid.encode("ascii")
            if contest.uses_slots:   # u16 0, u32 E, EVSL header and id, then the slots
                shape = slot_shape(contest)
                size = slot_contest_size(big_l, shape.bits, cid)
                head = (bytes([len(raw)]) + raw + struct.pack(">HI", 0, size)
                        + struct.pack(">4sBHBH", SLOT_MAGIC, SLOT_VERSION, big_l, shape.bits,
                                      len(raw)) + raw)
                parts.append(head)
                structural.append((pos, pos + len(head)))
                pos += len(head)
                self.slot_contests.append((cid, pos, big_l))
                body = size - (10 + len(raw))   # the EVSL bytes after its header and id
                parts.append(bytes(body))
                pos += body
                continue
            head = bytes([len(raw)]) + raw + struct.pack(">HH", n, big_l)
            parts.append(head)
            structural.append((pos, pos + len(head)))
            pos += len(head)
            self.contests.append((cid, pos, n, big_l))
            body = SELECTION_SIZE * (n + 1) + range_proof_size(big_l)
            parts.append(bytes(body))
            pos += body
        self.length = pos
        self.manifest_order = tuple(style.contest_ids)
        # First 8 bytes of every alpha (contest order; candidates then blank): the keys
        # of the duplicate-ciphertext check.
        # Ballot order, as EncryptedBallot.ciphertext_alphas (boxes.py locates by it).
        first = {cid: (off, SELECTION_SIZE, n + 1) for cid, off, n, _ in self.contests}
        first.update({cid: (off, SLOT_CIPHERTEXT, big_l)
                      for cid, off, big_l in self.slot_contests})
        alphas = [first[cid][0] + first[cid][1] * k for cid in style.contest_ids
                  for k in range(first[cid][2])]
        self.key_idx = (np.array(alphas)[:, None] + np.arange(8)).ravel()
        self.per_ballot = len(alphas)
        parts[0] = struct.pack(">4sBBHI", MAGIC, VERSION, 0, len(style.contest_ids), pos)
        template = np.frombuffer(b"".join(parts), dtype=np.uint8)
        self.struct_idx = np.concatenate([np.arange(a, b) for a, b in structural])
        self.struct_vals = template[self.struct_idx]


class Layouts:
    """StyleLayout per style id (bytes), built on first use."""

    def __init__(self, manifest):
        self.manifest = manifest
        self._by_style: dict = {}

    def get(self, style_raw: bytes) -> Optional[StyleLayout]:
        lay = self._by_style.get(style_raw)
        if lay is None:
            try:
                style_id = style_raw.decode("ascii")
                self.manifest.style(style_id)
            except (UnicodeDecodeError, EvoteError, KeyError):
                return None
            lay = self._by_style[style_raw] = StyleLayout(self.manifest, style_id)
        return lay


def style_of(blob: bytes) -> bytes:
    """The raw style id bytes of a ballot blob (b"" if the blob is too short)."""
    if len(blob) <= STYLE_OFFSET:
        return b""
    return blob[STYLE_OFFSET + 1:STYLE_OFFSET + 1 + blob[STYLE_OFFSET]]


def describe_bad_blob(blob: bytes, layout: Optional[StyleLayout], style_raw: bytes) -> str:
    """Why a blob is refused (error path only): the codec's precise message if it does
    not parse, else how it differs from its style's layout in the manifest."""
    try:
        ballot = decode_ballot(blob)
    except InvalidEncoding as exc:
        return str(exc)
    if layout is None:
        return f"ballot style {style_raw.decode('ascii', 'replace')!r} is not in the manifest"
    got = [(c.contest_id, "slots", c.slots) if is_slot_contest(c) else
           (c.contest_id, len(c.selections), c.range_proof.branches) for c in ballot.contests]
    kinds = {cid: (cid, n, big_l) for cid, _, n, big_l in layout.contests}
    kinds.update({cid: (cid, "slots", big_l) for cid, _, big_l in layout.slot_contests})
    want = [kinds[cid] for cid in layout.manifest_order]
    return (f"contests (id, candidates, max_choices) {got} differ from style "
            f"{layout.style_id!r} in the manifest {want}")


class Tallier:
    """Accumulates ballot blobs (buffered per style) into per-contest partial tallies.

    add(blob, where) queues one ballot; `where` is any label the caller's `name(where)`
    turns into text for errors (a ballot index, a (box, sequence) pair). result() flushes
    and merges. Errors raise TallyInputError naming the ballot.
    """

    def __init__(self, layouts: Layouts, name: Callable = lambda w: f"ballot {w}",
                 chunk_bytes: int = CHUNK_BYTES, keep_keys: bool = False):
        self.layouts = layouts
        self.name = name
        self.chunk_bytes = chunk_bytes
        self._pending: dict = {}   # style bytes -> (layout, [blobs], [where])
        self._bytes = 0
        self._partials: dict = {}  # contest id -> [ContestTally]
        self.keep_keys = keep_keys
        self.keys: list = []       # keep_keys: uint64 arrays, alpha prefixes in add() order
        self.key_wheres: list = []  # ... and the `where` of each ballot they come from
        self._added = 0            # add() calls so far: the order slot bytes are kept in
        self._slots: dict = {}     # contest id -> [(add order, L slot ciphertexts)]

    def add(self, blob, where) -> None:
        if not isinstance(blob, bytes):
            if not isinstance(blob, (bytearray, memoryview)):
                raise EvoteTypeError(f"{self.name(where)}: expected bytes, got "
                                     f"{type(blob).__name__}")
            blob = bytes(blob)
        style_raw = style_of(blob)
        layout = self.layouts.get(style_raw)
        if layout is None or len(blob) != layout.length:
            raise BallotRefused(f"{self.name(where)}: "
                                f"{describe_bad_blob(blob, layout, style_raw)}", where)
        entry = self._pending.get(style_raw)
        if entry is None:
            entry = self._pending[style_raw] = (layout, [], [], [])
        entry[1].append(blob)
        entry[2].append(where)
        entry[3].append(self._added)
        self._added += 1
        self._bytes += len(blob)
        if self._bytes >= self.chunk_bytes:
            self.flush()

    def flush(self) -> None:
        for layout, blobs, wheres, orders in self._pending.values():
            self._aggregate(layout, blobs, wheres)
            self._keep_slots(layout, blobs, wheres, orders)
        self._pending.clear()
        self._bytes = 0

    def _aggregate(self, layout: StyleLayout, blobs: list, wheres: list) -> None:
        nb = len(blobs)
        rows = np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(nb, layout.length)
        ok = (rows[:, layout.struct_idx] == layout.struct_vals).all(axis=1)
        if not ok.all():
            i = int(np.argmin(ok))
            raise BallotRefused(f"{self.name(wheres[i])}: "
                                f"{describe_bad_blob(blobs[i], layout, style_of(blobs[i]))}",
                                wheres[i])
        for cid, off, n, _ in layout.contests:
            block = rows[:, off:off + SELECTION_SIZE * (n + 1)].reshape(nb, n + 1, SELECTION_SIZE)
            cols = np.ascontiguousarray(block[:, :, :_CT]).tobytes()
            try:
                sums = aggregate_vartime(cols, nb, 2 * (n + 1))
            except InvalidEncoding:
                raise self._bad_point(cols, nb, n, cid, wheres) from None
            cts = tuple(sums[2 * k] + sums[2 * k + 1] for k in range(n + 1))
            self._partials.setdefault(cid, []).append(ContestTally._trusted(cid, cts, nb))
        if self.keep_keys:
            self.keys.append(np.ascontiguousarray(rows[:, layout.key_idx]).view("<u8").ravel())
            self.key_wheres.extend((w, layout.per_ballot) for w in wheres)

    def _keep_slots(self, layout: StyleLayout, blobs: list, wheres: list, orders: list) -> None:
        """The slot contests' ciphertexts of the rows (after _aggregate checked their
        structure), each a valid point, kept with the row's add order."""
        if not layout.slot_contests:
            return
        rows = np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(len(blobs), layout.length)
        for cid, off, big_l in layout.slot_contests:
            block = np.ascontiguousarray(rows[:, off:off + SLOT_CIPHERTEXT * big_l]).tobytes()
            unit = SLOT_CIPHERTEXT * big_l
            try:
                validate_points(block)
            except InvalidEncoding:
                for i in range(len(blobs)):
                    for j in range(2 * big_l):
                        try:
                            validate_points(block[i * unit + 32 * j:i * unit + 32 * j + 32])
                        except InvalidEncoding:
                            raise BallotRefused(
                                f"{self.name(wheres[i])}: contest {cid!r}, slot {j // 2 + 1}: "
                                f"{'beta' if j % 2 else 'alpha'} is not a valid ristretto255 "
                                "encoding", wheres[i]) from None
                raise TallyInputError(f"contest {cid!r}: invalid encoding (not located)")
            kept = self._slots.setdefault(cid, [])
            kept.extend((orders[i], block[i * unit:(i + 1) * unit]) for i in range(len(blobs)))

    def slot_bytes(self) -> dict:
        """contest id -> the slot ciphertexts of every ballot added (in add order) that
        holds that slot contest: this Tallier's part of its mix input (slot_inputs.py).
        Flushes first."""
        self.flush()
        return {cid: b"".join(row for _, row in sorted(kept, key=lambda x: x[0]))
                for cid, kept in self._slots.items()}

    def _bad_point(self, cols: bytes, nb: int, n: int, cid: str, wheres: list):
        row = (n + 1) * _CT
        for i in range(nb):
            try:
                validate_points(cols[i * row:(i + 1) * row])
            except InvalidEncoding:
                for k in range(2 * (n + 1)):
                    try:
                        validate_points(cols[i * row + 32 * k:i * row + 32 * k + 32])
                    except InvalidEncoding:
                        pos, half = divmod(k, 2)
                        what = "the blank indicator" if pos == n else f"candidate position {pos}"
                        return BallotRefused(
                            f"{self.name(wheres[i])}: contest {cid!r}, {what}: "
                            f"{'beta' if half else 'alpha'} is not a valid ristretto255 "
                            "encoding", wheres[i])
        return TallyInputError(f"contest {cid!r}: invalid encoding (not located)")

    def result(self, contest_ids: Iterable[str] = ()) -> EncryptedTally:
        """Merged tallies; contests in contest_ids that got no ballot appear as zero."""
        self.flush()
        out = {cid: merge_contest_tallies(parts) for cid, parts in self._partials.items()}
        for cid in contest_ids:
            if self.layouts.manifest.contest(cid).uses_slots:
                continue   # mixed, then decrypted: no homomorphic tally (slot_inputs.py)
            if cid not in out:
                out[cid] = ContestTally.zero(cid, len(self.layouts.manifest.contest(cid)
                                                      .candidates) + 1)
        return EncryptedTally(out.values())


def tally_ballot_blobs(manifest, ballot_blobs: Iterable[bytes], *,
                       contest_ids: Iterable[str] = (),
                       chunk_bytes: int = CHUNK_BYTES) -> EncryptedTally:
    """Sum the ciphertexts of ballots given as wire bytes, per contest.

    The caller must have verified the ballots (proofs, box signatures); this checks only
    structure and encodings, raising TallyInputError naming the ballot's index (0-based
    position in ballot_blobs). contest_ids: contests to include even if no ballot has
    them (as zero tallies). Each contest's ballots count is the number of blobs that
    hold it."""
    t = Tallier(Layouts(manifest), chunk_bytes=chunk_bytes)
    for i, blob in enumerate(ballot_blobs):
        t.add(blob, i)
    return t.result(contest_ids)
