"""The canonical mix input of a slot contest (specs/record.md 6.1): the ONE definition that
`evote tally` (tally/boxes.py, written as mix/<contest_id>/input.bin), the guardians and
the verifier (V19, from its station tasks) share.

For a slot contest c of district d, the input is the concatenation of 64-byte slot
ciphertexts enc(alpha)||enc(beta):

    for each station of d, in manifest order:
      for each of its counted boxes, in kiosk-id order (code point order of the ids):
        for each CAST ballot counted from it, in box (record) order:
          slots 1..L of contest c

Counted boxes and ballots are the tally's (record.md 8.2): an excluded box or a faulty
box (a V5-V7 problem) contributes nothing; a CAST ballot contributes when it verifies;
SPOIL ballots never. The station level (`station_slots`) is computed inside each
station's task (the verifier's or the tally's box pass) from the same ballots as the
station tallies; the district level (`mix_inputs`) in the parent, so the bytes do not
depend on how the work was split (--jobs, --scheduler).
"""
from __future__ import annotations

from typing import Iterable, Mapping, Tuple

from ..errors import EvoteTypeError, EvoteValueError
from ..protocol.slot_range_codec import SlotRangeContest, vector_length

SLOT_CIPHERTEXT = 64   # enc(alpha) || enc(beta)
_EVSL_HEADER = 10      # "EVSL", version, u16 L, u8 b, u16 length of the contest id


def slot_contest_size(slots: int, bits: int, contest_id: str) -> int:
    """Bytes of the EVSL encoding of a slot contest of L slots and b bits (its layout:
    specs/slot-ballot.md; checked against real encodings by tests)."""
    rounds = vector_length(slots, bits).bit_length() - 1
    # header, id; per slot a ciphertext (64) and a commitment (32); A, S, T_1, T_2,
    # tau_x, mu, t_hat; L_k, R_k per round; a, b; R_1..R_3, z_1..z_3
    return (_EVSL_HEADER + len(contest_id.encode("utf-8")) + 96 * slots
            + 32 * (7 + 2 * rounds + 2 + 6))


def ballot_slots(enc: SlotRangeContest) -> bytes:
    """One ballot's slot ciphertexts of one contest, slots 1..L, concatenated."""
    if not isinstance(enc, SlotRangeContest):
        raise EvoteTypeError(f"ballot_slots: expected a SlotRangeContest, got "
                             f"{type(enc).__name__}")
    return b"".join(enc.ciphertexts)


def station_slots(boxes: Iterable[Tuple[str, Mapping[str, bytes]]]) -> dict:
    """A station's part: boxes given as (kiosk id, {contest id: slot bytes of the box's
    counted CAST ballots in record order}); the boxes are put in kiosk-id order and
    concatenated per contest. The sort is stable: boxes with the same kiosk id (which a
    record cannot hold: one file per kiosk) stay in the order given."""
    boxes = list(boxes)
    out: dict = {}
    for _, per_contest in sorted(boxes, key=lambda b: b[0]):
        for cid, data in per_contest.items():
            out.setdefault(cid, []).append(bytes(data))
    return {cid: b"".join(parts) for cid, parts in out.items()}


def mix_inputs(manifest, stations: Mapping[str, Mapping[str, bytes]]) -> dict:
    """contest id -> the canonical mix input, for every slot contest of the manifest (in
    manifest order; b"" for one that no station counted a ballot of). `stations`: station
    id -> station_slots(...) of that station (a station absent: nothing counted)."""
    out = {}
    for contest in manifest.slot_contests:
        unit = SLOT_CIPHERTEXT * contest.max_choices
        parts = []
        for st in manifest.stations:
            if st.district_id != contest.district_id:
                continue
            data = stations.get(st.station_id, {}).get(contest.contest_id, b"")
            if len(data) % unit:
                raise EvoteValueError(f"station {st.station_id!r}, contest "
                                      f"{contest.contest_id!r}: {len(data)} bytes of slots "
                                      f"is not a whole number of ballots ({unit} bytes each)")
            parts.append(data)
        out[contest.contest_id] = b"".join(parts)
    return out


def ballots_in(contest, data: bytes) -> int:
    """How many ballots a contest's mix input holds (EvoteValueError if not whole)."""
    unit = SLOT_CIPHERTEXT * contest.max_choices
    if len(data) % unit:
        raise EvoteValueError(f"contest {contest.contest_id!r}: {len(data)} bytes of slots "
                              f"is not a whole number of ballots ({unit} bytes each)")
    return len(data) // unit
