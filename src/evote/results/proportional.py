"""Proportional lists (specs/results.md s. 3): pool votes = the members' votes (a list vote
was already counted once for every member); seats to pools by whole quotas, then largest
remainders; inside a pool the members with most votes win; alternates are a share of each
pool's seats. Exact arithmetic (Fraction), no floats.

Pools: every party list of the contest (manifest order), then the independents: one pool
(settings.independents == "pool") or one pool each ("individual"). A pool is identified in
tie draws by its list code, 0 for the independents' pool, or the independent's own code.
"""
from fractions import Fraction
from math import floor
from typing import Dict, List, Optional, Tuple

from ..manifest import Contest
from .model import CandidateResult, ContestCounts, ContestResult, ListResult, ResultSettings
from .plurality import competition_ranks
from .ties import Entry, Lot, TieDecision, order_entries


class _Pool:
    def __init__(self, pid: int, list_code: Optional[int], members: Tuple[int, ...],
                 scope: str):
        self.pid, self.list_code, self.members, self.scope = pid, list_code, members, scope
        self.votes = 0
        self.capacity = 0
        self.eligible = False
        self.quota_seats = 0
        self.remainder = Fraction(0)
        self.remainder_seats = 0
        self.alternates = 0
        self.alt_fraction = Fraction(0)

    @property
    def seats(self) -> int:
        return self.quota_seats + self.remainder_seats


def _pools(contest: Contest, settings: ResultSettings) -> List[_Pool]:
    pools = [_Pool(p.code, p.code, contest.list_members(p.code), f"list {p.code}")
             for p in contest.lists]
    independents = tuple(c.code for c in contest.candidates if c.list_code is None)
    if settings.independents == "pool":
        if independents:
            pools.append(_Pool(0, None, independents, "independents"))
    else:
        pools += [_Pool(c, None, (c,), f"independent {c}") for c in independents]
    return [p for p in pools if p.members]


def _hand_out(pools: List[_Pool], n: int, score, room, chain: Tuple[str, ...],
              attrs, lot: Lot, scope: str, decisions: List[TieDecision]) -> Dict[int, int]:
    """Give n units, at most one per pool per round, to pools with room, best score first
    (ties by the chain attributes then lot). Returns pid -> units; stops early when no pool
    has room or a deciding tie is unresolved (the units left are then not given)."""
    got: Dict[int, int] = {p.pid: 0 for p in pools}
    rnd = 1
    while n > 0:
        open_pools = [p for p in pools if room(p) - got[p.pid] > 0]
        if not open_pools:
            break
        k = min(n, len(open_pools))
        sc = scope if rnd == 1 else f"{scope} round {rnd}"
        order = order_entries([Entry(p.pid, score(p), attrs(p)) for p in open_pools], k, 0,
                              chain, lot, sc)
        decisions.extend(order.decisions)
        winners = order.with_status("winner")
        for pid in winners:
            got[pid] += 1
        n -= len(winners)
        if len(winners) < k:  # unresolved tie: the rest stays unassigned
            break
        rnd += 1
    return got


def proportional_result(contest: Contest, counts: ContestCounts, lot: Lot,
                        settings: ResultSettings) -> ContestResult:
    votes = dict(zip(contest.codes, counts.votes))
    pools = _pools(contest, settings)
    for p in pools:
        p.votes = sum(votes[c] for c in p.members)
        p.capacity = sum(1 for c in p.members if votes[c] >= settings.min_votes)
    total = sum(p.votes for p in pools)
    for p in pools:
        p.eligible = p.capacity > 0 and p.votes >= settings.threshold * total
    eligible = [p for p in pools if p.eligible]
    t = sum(p.votes for p in eligible)
    seats = contest.seats
    quota = None
    if t > 0:
        quota = Fraction(t, seats) if settings.quota == "hare" else Fraction(t // (seats + 1) + 1)
        for p in eligible:
            whole = floor(p.votes / quota)
            p.remainder = p.votes - whole * quota
            p.quota_seats = min(whole, p.capacity)
    decisions: List[TieDecision] = []
    left = seats - sum(p.quota_seats for p in eligible)
    got = _hand_out(eligible, left, lambda p: p.remainder, lambda p: p.capacity - p.quota_seats,
                    ("votes",), lambda p: {"votes": p.votes}, lot, "lists", decisions)
    for p in eligible:
        p.remainder_seats = got[p.pid]
    _alternates(eligible, contest.alternates, settings, lot, decisions)

    status: Dict[int, str] = {}
    winners: List[int] = []
    alternates: List[int] = []
    list_results = []
    chain = contest.tie_chain
    for p in pools:
        ranked = [c for c in p.members if votes[c] >= settings.min_votes] if p.eligible else []
        order = order_entries(
            [Entry(c, votes[c], {a: contest.candidate(c).attributes[a] for a in chain})
             for c in ranked], p.seats, p.alternates, chain, lot, p.scope)
        decisions.extend(order.decisions)
        status.update(order.status)
        pw, pa = order.with_status("winner"), order.with_status("alternate")
        winners += pw
        alternates += pa
        list_results.append(ListResult(
            list_code=p.list_code, members=p.members, votes=p.votes, eligible=p.eligible,
            quota_seats=p.quota_seats, remainder=str(p.remainder),
            remainder_seats=p.remainder_seats, seats=p.seats, alternates=p.alternates,
            winners=pw, alternate_codes=pa))
    ranks = competition_ranks(counts.votes)
    cands = tuple(CandidateResult(c.code, votes[c.code], r, status.get(c.code, "none"),
                                  c.list_code)
                  for c, r in zip(contest.candidates, ranks))
    return ContestResult(
        contest_id=contest.contest_id, method="proportional", seats=seats,
        alternates=contest.alternates, ballots_cast=counts.ballots_cast, blank=counts.blank,
        candidates=cands, winners=tuple(winners), alternate_codes=tuple(alternates),
        ties=tuple(decisions), settings=settings, lists=tuple(list_results),
        quota=None if quota is None else str(quota),
        seed_used=any(d.step == "lot" for d in decisions))


def _alternates(pools: List[_Pool], total: int, settings: ResultSettings, lot: Lot,
                decisions: List[TieDecision]) -> None:
    """Alternates per pool as a share of its seats: total * seats_p / seats_won, rounded
    by settings.alternate_rounding, never more than the pool's members left over."""
    won = sum(p.seats for p in pools)
    if won == 0 or total == 0:
        return
    mode = settings.alternate_rounding
    for p in pools:
        share = Fraction(total * p.seats, won)
        base = {"floor": floor(share), "ceil": -floor(-share),
                "half_up": floor(share + Fraction(1, 2)),
                "largest_remainder": floor(share)}[mode]
        p.alternates = min(base, p.capacity - p.seats)
        p.alt_fraction = share - floor(share)
    if mode != "largest_remainder":
        return
    with_seats = [p for p in pools if p.seats > 0]
    left = total - sum(p.alternates for p in pools)
    got = _hand_out(with_seats, left, lambda p: p.alt_fraction,
                    lambda p: p.capacity - p.seats - p.alternates, ("seats", "votes"),
                    lambda p: {"seats": p.seats, "votes": p.votes}, lot, "alternate shares",
                    decisions)
    for p in with_seats:
        p.alternates += got[p.pid]
