"""The independent generators of the slot range proof (specs/slot-ballot.md section 3).

    H   = from_uniform(digest64("evote/v1/slot-range-generator"; text("H"), u64(0)))
    U   = from_uniform(digest64("evote/v1/slot-range-generator"; text("U"), u64(0)))
    g_t = from_uniform(digest64("evote/v1/slot-range-generator"; text("g"), u64(t)))
    h_t = from_uniform(digest64("evote/v1/slot-range-generator"; text("h"), u64(t)))

Nobody knows a discrete-log relation among them, G and K (the map is a random oracle into
the group): all the commitments' binding needs. Fixed for every election; cached per
process. The prover's constant-time fixed-base tables (53 KB each, for S) and its decoded
generators in C memory (prover_generators) are built on first use.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Tuple

from evote._bindings import SlotGenerators, slot_gens_init
from evote.group import FixedBase, Point
from evote.hashing import digest64, text, u64

GENERATOR_TAG = "evote/v1/slot-range-generator"


def _gen(label: str, t: int) -> Point:
    return Point.from_uniform_bytes(digest64(GENERATOR_TAG, text(label), u64(t)))


@lru_cache(maxsize=None)
def base_points() -> Tuple[Point, Point]:
    """(H, U)."""
    return _gen("H", 0), _gen("U", 0)


@lru_cache(maxsize=8)
def vector_points(n: int) -> Tuple[Tuple[bytes, ...], Tuple[bytes, ...]]:
    """(enc(g_0..g_{n-1}), enc(h_0..h_{n-1}))."""
    return (tuple(_gen("g", t).to_bytes() for t in range(n)),
            tuple(_gen("h", t).to_bytes() for t in range(n)))


@lru_cache(maxsize=None)
def h_table() -> FixedBase:
    return FixedBase(base_points()[0])


@lru_cache(maxsize=4)
def vector_tables(n: int) -> Tuple[Tuple[FixedBase, ...], Tuple[FixedBase, ...]]:
    """Constant-time tables of g_0..g_{n-1} and h_0..h_{n-1} (the prover's A and S)."""
    gs, hs = vector_points(n)
    return (tuple(FixedBase(Point.from_bytes(p)) for p in gs),
            tuple(FixedBase(Point.from_bytes(p)) for p in hs))


@lru_cache(maxsize=4)
def prover_generators(n: int) -> SlotGenerators:
    """g_0..g_{n-1}, h_0..h_{n-1} and U decoded once in C memory, with the sums g_t + h_t
    and -sum_t h_t (csrc/slot_range.c: A's selection sum and the inner-product rounds)."""
    gs, hs = vector_points(n)
    return slot_gens_init(b"".join(gs), b"".join(hs), base_points()[1].to_bytes())
