"""Test helpers for the ballot tests: a small manifest and a test election context.

The context here is NOT the ceremony's: a random secret s, K = s*G, a random base hash.
It has exactly the fields the ballot code uses (base_hash, joint_key, k_table).
"""
import os
from dataclasses import dataclass, field

from evote.group import FixedBase, Point, Scalar
from evote.manifest import BallotStyle, Candidate, Contest, District, Manifest, PartyList


@dataclass(frozen=True)
class ContextForTests:
    base_hash: bytes
    joint_key: Point
    secret: Scalar = field(repr=False)
    k_table: FixedBase = field(repr=False)


def make_context(seed: int = None) -> ContextForTests:
    s = Scalar.random() if seed is None else Scalar.from_int(seed * 7919 + 13)
    k = Point.mul_base(s)
    base = os.urandom(32) if seed is None else bytes([seed % 256]) * 32
    return ContextForTests(base, k, s, FixedBase(k))


def make_manifest(shapes=((5, 2, "plurality"), (4, 2, "proportional")), extra_style=True):
    """contests "c0", "c1", ... with (n candidates, max_choices, method); candidate codes
    100*k + 1 .. 100*k + n; proportional contests have lists 90+k*100 (first half) and
    91+k*100 (the rest). One style "s" with every contest, and "s0" with the first only."""
    contests = []
    for k, (n, big_l, method) in enumerate(shapes):
        lists = ()
        cands = []
        if method == "proportional":
            lists = (PartyList(100 * k + 90, f"list a{k}"), PartyList(100 * k + 91, f"list b{k}"))
        for i in range(n):
            lc = None
            if method == "proportional":
                lc = 100 * k + (90 if i < n // 2 else 91)
            cands.append(Candidate(100 * k + i + 1, f"candidate {k} {i}", lc))
        contests.append(Contest(f"c{k}", f"contest {k}", "d", min(big_l, n), 0, big_l, method,
                                tuple(cands), lists))
    styles = [BallotStyle("s", tuple(c.contest_id for c in contests))]
    if extra_style:
        styles.append(BallotStyle("s0", (contests[0].contest_id,)))
    return Manifest("e", "election", "2026-06-19", (District("d", "district", "city"),), (),
                    tuple(contests), tuple(styles), bytes(32))
