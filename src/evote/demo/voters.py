"""Simulated voters: random but plausible choices, reproducible from the demo seed.

Each contest gets a popularity per candidate (a few favourites, a long tail), the same at
every station for one seed. A voter leaves the ballot blank with probability BLANK,
chooses fewer than max_choices with probability FEWER, and otherwise fills it; the
candidates are drawn by popularity without replacement. Codes are typed as a kiosk would
receive them: mostly ASCII digits, some in Persian digits.

This is sample data from random.Random (not a secret, not for real elections).
"""
import math
import random

from ..manifest import to_persian_digits

BLANK = 0.03
FEWER = 0.3
PERSIAN_DIGITS = 0.3


def popularity(seed: int, contest) -> list:
    rng = random.Random(f"evote-demo-popularity:{seed}:{contest.contest_id}")
    return [rng.paretovariate(1.2) for _ in contest.candidates]


def choose(rng: random.Random, contest, weights) -> list:
    """One voter's typed codes for one contest (possibly empty: a blank ballot)."""
    if rng.random() < BLANK:
        return []
    k = contest.max_choices
    if k > 1 and rng.random() < FEWER:
        k = rng.randint(1, k - 1)
    # Weighted sampling without replacement (Efraimidis-Spirakis keys u^(1/w)).
    keys = sorted(((math.log(rng.random() or 1e-300) / w, i) for i, w in enumerate(weights)),
                  reverse=True)
    chosen = sorted(i for _, i in keys[:k])
    codes = []
    for i in chosen:
        code = contest.candidates[i].code
        codes.append(to_persian_digits(code) if rng.random() < PERSIAN_DIGITS else str(code))
    return codes


def plain_votes(contest, codes) -> list:
    """The 0/1 vector a list of typed codes stands for (for the demo's own cross-check)."""
    from ..manifest import parse_candidate_code
    chosen = {parse_candidate_code(c) for c in codes}
    return [1 if c.code in chosen else 0 for c in contest.candidates]
