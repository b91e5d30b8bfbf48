"""Plurality at large: the top `seats` win, the next `alternates` (in vote order) are the
alternates; candidates below settings.min_votes are neither (specs/results.md s. 2)."""
from ..manifest import Contest
from .model import CandidateResult, ContestCounts, ContestResult, ResultSettings
from .ties import Entry, Lot, order_entries


def competition_ranks(votes) -> list:
    """rank_i = 1 + number of entries with strictly more votes ("1224" ranking)."""
    ordered = sorted(votes, reverse=True)
    first = {}
    for i, v in enumerate(ordered):
        first.setdefault(v, i + 1)
    return [first[v] for v in votes]


def plurality_result(contest: Contest, counts: ContestCounts, lot: Lot,
                     settings: ResultSettings) -> ContestResult:
    chain = contest.tie_chain
    entries = [Entry(c.code, v, {a: c.attributes[a] for a in chain})
               for c, v in zip(contest.candidates, counts.votes) if v >= settings.min_votes]
    order = order_entries(entries, contest.seats, contest.alternates, chain, lot,
                          "candidates")
    ranks = competition_ranks(counts.votes)
    cands = tuple(CandidateResult(c.code, v, r, order.status.get(c.code, "none"), c.list_code)
                  for c, v, r in zip(contest.candidates, counts.votes, ranks))
    return ContestResult(
        contest_id=contest.contest_id, method="plurality", seats=contest.seats,
        alternates=contest.alternates, ballots_cast=counts.ballots_cast, blank=counts.blank,
        candidates=cands, winners=order.with_status("winner"),
        alternate_codes=order.with_status("alternate"), ties=order.decisions,
        settings=settings, seed_used=any(d.step == "lot" for d in order.decisions))
