"""A slot contest's counts from its decrypted slot values (specs/mix.md 6, the lead's
decision 4): the same ContestCounts shape as a per-candidate contest's, so combine_counts,
V14, V15 and every report treat both encodings alike.

    slot_contest_counts(contest, per_value, n_slots) -> ContestCounts
    by_district(manifest, counts) -> {district id: (ContestCounts, ...)}

per_value: the decryption's tally of values (protocol.slot_decryption.slot_counts): votes
per candidate in manifest order (value v is candidate v-1), then the blank ballots (value
N+1); empty marks count for nobody. n_slots: how many slots were decrypted (ballots x L).

Invariant: ballots_cast is the number of ballots whose slots were mixed and decrypted
(n_slots / L: each counted CAST ballot brings exactly L slots to the mix input), blank the
number of blank marks. The proof of a slot ballot cannot stop a dishonest kiosk adding a
blank mark to a ballot with votes (specs/slot-ballot.md): the blank count is a statistic,
and seats never depend on it.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from ..errors import EvoteValueError
from ..results.model import ContestCounts


def slot_contest_counts(contest, per_value: Sequence[int], n_slots: int) -> ContestCounts:
    n, slots = len(contest.candidates), contest.max_choices
    cid = contest.contest_id
    if len(per_value) != n + 1:
        raise EvoteValueError(f"contest {cid!r}: {len(per_value)} value counts for {n} "
                              "candidates and the blank mark")
    if not isinstance(n_slots, int) or n_slots < 0 or n_slots % slots:
        raise EvoteValueError(f"contest {cid!r}: {n_slots} slots decrypted is not a whole "
                              f"number of ballots of {slots} slots")
    ballots = n_slots // slots
    blank = per_value[n]
    if blank > ballots:
        raise EvoteValueError(f"contest {cid!r}: {blank} blank marks in {ballots} ballots")
    return ContestCounts(cid, tuple(per_value[:n]), ballots, blank)


def by_district(manifest, counts: Mapping[str, ContestCounts]) -> dict:
    """{district id: ContestCounts of its slot contests, manifest order} (the shape of
    verify_decryption_record's output, which combine_counts takes)."""
    out: dict = {}
    for contest in manifest.contests:
        if contest.contest_id in counts:
            out.setdefault(contest.district_id, []).append(counts[contest.contest_id])
    return {did: tuple(items) for did, items in out.items()}


def merge_decrypted(decrypted: Mapping[str, Sequence[ContestCounts]],
                    slot: Mapping[str, Sequence[ContestCounts]]) -> dict:
    """The per-candidate contests' decrypted counts with the slot contests' added to
    their districts (combine_counts refuses a contest counted twice)."""
    out = {did: tuple(items) for did, items in decrypted.items()}
    for did, items in slot.items():
        out[did] = out.get(did, ()) + tuple(items)
    return out


__all__ = ["slot_contest_counts", "by_district", "merge_decrypted"]
