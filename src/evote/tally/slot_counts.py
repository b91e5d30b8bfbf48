"""The slot contests' counts beside the per-candidate contests' (specs/mix.md 6, the
lead's decision 4): a slot contest's counts (election.slot_shares.slot_contest_counts,
from its verified slot decryption) have the same ContestCounts shape as a per-candidate
contest's, so combine_counts, V14, V15 and every report treat both encodings alike.

    merge_decrypted(decrypted, slot) -> {district id: (ContestCounts, ...)}

Invariant: a contest is in at most one of the two inputs (a slot contest has no
homomorphic tally, so no entry in tally/decryption.json); combine_counts refuses a
contest counted twice, so a record that decrypted one both ways fails V14.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from ..results.model import ContestCounts


def merge_decrypted(decrypted: Mapping[str, Sequence[ContestCounts]],
                    slot: Mapping[str, Sequence[ContestCounts]]) -> dict:
    """The per-candidate contests' decrypted counts (district id -> ContestCounts) with
    the slot contests' added to their districts."""
    out = {did: tuple(items) for did, items in decrypted.items()}
    for did, items in slot.items():
        out[did] = out.get(did, ()) + tuple(items)
    return out


__all__ = ["merge_decrypted"]
