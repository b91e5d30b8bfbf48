"""Proportional lists: quotas, largest remainders, caps, thresholds, alternates per list."""
import dataclasses
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteValueError
from evote.manifest import Candidate, Contest, PartyList
from evote.results import ContestCounts, ResultSettings, compute_result as _compute_result


def compute_result(contest, counts, seed=None, settings=None):
    """The contest's result with `settings` given the only way there is: on the contest
    (as the manifest fixes them)."""
    if settings is not None:
        contest = dataclasses.replace(contest, settings=settings)
    return _compute_result(contest, counts, seed)


def prop_contest(members, seats, alternates, independents=0, edu=None):
    """members[i] candidates on list i+1 (codes 100*(i+1)+j), then independents (900+j)."""
    lists = tuple(PartyList(i + 1, f"فهرست {i + 1}") for i in range(len(members)))
    cands = []
    for i, n in enumerate(members):
        cands += [Candidate(100 * (i + 1) + j, f"نامزد {i + 1}-{j}", list_code=i + 1,
                            attributes={"education": 0}) for j in range(n)]
    cands += [Candidate(900 + j, f"مستقل {j}", attributes={"education": 0})
              for j in range(independents)]
    return Contest("tehran", "شورای تهران", "d", seats=seats, alternates=alternates,
                   max_choices=seats, method="proportional", candidates=tuple(cands),
                   lists=lists, tie_chain=("education",))


def counts(c, votes, blank=0):
    per = max([c.max_choices] + [len(c.list_members(p.code)) for p in c.lists])
    valid = max([0] + list(votes) + [-(-sum(votes) // per)])
    return ContestCounts(c.contest_id, tuple(votes), valid + blank, blank)


def spread(total, n):
    """total votes over n members, strictly decreasing (no ties inside the list)."""
    offsets = [n - 1 - j for j in range(n)]
    base, extra = divmod(total - sum(offsets), n)
    return [base + o + (1 if j < extra else 0) for j, o in enumerate(offsets)]


WIKI = [47000, 16000, 15800, 12000, 6100, 3100]


def wiki_case(quota):
    c = prop_contest([10] * 6, 10, 0)
    votes = []
    for t in WIKI:
        votes += spread(t, 10)
    return compute_result(c, counts(c, votes), settings=ResultSettings(quota=quota))


def test_hare_largest_remainder_textbook():
    r = wiki_case("hare")
    assert [p.seats for p in r.lists] == [5, 2, 1, 1, 1, 0]
    assert [p.quota_seats for p in r.lists] == [4, 1, 1, 1, 0, 0]
    assert r.quota == "10000"
    assert len(r.winners) == 10


def test_droop_textbook():
    r = wiki_case("droop")
    assert [p.seats for p in r.lists] == [5, 2, 2, 1, 0, 0]
    assert r.quota == "9091"


def test_inside_list_most_votes_win_and_alternates_share():
    c = prop_contest([4, 4], 3, 3)
    votes = [50, 40, 5, 1, 30, 2, 20, 3]
    r = compute_result(c, counts(c, votes))
    # list 1: 96 votes, list 2: 55; Hare quota 151/3: 1 + 1 whole, remainder seat to list 1
    assert [p.seats for p in r.lists] == [2, 1]
    assert r.winners == (100, 101, 200)
    # alternates 3 * 2/3 = 2 and 3 * 1/3 = 1
    assert [p.alternates for p in r.lists] == [2, 1]
    assert r.alternate_codes == (102, 103, 202)


def test_cap_at_list_size_moves_seats_on():
    c = prop_contest([1, 5], 4, 0)
    r = compute_result(c, counts(c, [1000, 10, 9, 8, 7, 6]))
    assert [p.seats for p in r.lists] == [1, 3]
    assert r.lists[0].quota_seats == 1  # 3 quotas, capped at 1 member


def test_independents_pool_and_individual():
    c = prop_contest([3], 3, 0, independents=3)
    votes = [10, 10, 10, 25, 1, 1]
    pool = compute_result(c, counts(c, votes))
    assert [p.list_code for p in pool.lists] == [1, None]
    assert [p.seats for p in pool.lists] == [2, 1]  # 30 vs 27 over quota 19
    ind = compute_result(c, counts(c, votes), seed=b"s",
                         settings=ResultSettings(independents="individual"))
    assert [p.members for p in ind.lists] == [(100, 101, 102), (900,), (901,), (902,)]
    assert [p.seats for p in ind.lists] == [2, 1, 0, 0]


def test_threshold():
    c = prop_contest([3, 3, 3], 3, 0)
    votes = [30, 20, 10, 30, 20, 10, 3, 1, 1]  # list 3 has 5 of 125 = 4 %
    r = compute_result(c, counts(c, votes), seed=b"s",
                       settings=ResultSettings(threshold=Fraction(5, 100)))
    assert [p.eligible for p in r.lists] == [True, True, False]
    assert r.lists[2].seats == 0 and sum(p.seats for p in r.lists) == 3


def test_remainder_tie_between_lists():
    c = prop_contest([3, 3], 1, 0)
    r = compute_result(c, counts(c, [5, 0, 0, 5, 0, 0]))
    assert not r.resolved and r.winners == ()
    r2 = compute_result(c, counts(c, [5, 0, 0, 5, 0, 0]), seed=b"seed")
    assert r2.resolved and len(r2.winners) == 1
    assert [t.step for t in r2.ties if t.scope == "lists"] == ["votes", "lot"]


def test_alternate_roundings():
    c = prop_contest([5, 5, 5], 3, 2)
    votes = [9, 8, 7, 6, 5] * 3
    out = {}
    for mode in ("largest_remainder", "floor", "ceil", "half_up"):
        r = compute_result(c, counts(c, votes), seed=b"s",
                           settings=ResultSettings(alternate_rounding=mode))
        out[mode] = [p.alternates for p in r.lists]
    assert sorted(out["largest_remainder"]) == [0, 1, 1] and sum(out["largest_remainder"]) == 2
    assert out["floor"] == [0, 0, 0]
    assert out["ceil"] == [1, 1, 1]
    assert out["half_up"] == [1, 1, 1]  # 2/3 rounds up


def test_settings_validated():
    with pytest.raises(EvoteValueError):
        ResultSettings(quota="dhondt")
    with pytest.raises(EvoteValueError):
        ResultSettings(threshold=Fraction(3, 2))
    with pytest.raises(EvoteValueError):
        ResultSettings(alternate_rounding="bankers")


# ---- properties ----------------------------------------------------------------------

def oracle_lr(list_votes, seats, quota_kind):
    """Independent whole-quota + largest-remainder in integers (no caps, no ties)."""
    t = sum(list_votes)
    if quota_kind == "hare":  # v / (t/seats) = v*seats / t
        whole = [v * seats // t for v in list_votes]
        rem = [(v * seats % t, i) for i, v in enumerate(list_votes)]  # scaled by seats/t
    else:
        q = t // (seats + 1) + 1
        whole = [v // q for v in list_votes]
        rem = [(v % q, i) for i, v in enumerate(list_votes)]
    left = seats - sum(whole)
    ranked = sorted(rem, reverse=True)
    tie = left < len(ranked) and left > 0 and ranked[left - 1][0] == ranked[left][0]
    for _, i in ranked[:left]:
        whole[i] += 1
    return whole, tie


@st.composite
def prop_cases(draw):
    k = draw(st.integers(1, 5))
    members = draw(st.lists(st.integers(1, 6), min_size=k, max_size=k))
    indep = draw(st.integers(0, 3))
    n = sum(members) + indep
    seats = draw(st.integers(1, n))
    alternates = draw(st.integers(0, n))
    votes = draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
    return prop_contest(members, seats, alternates, indep), votes


@settings(max_examples=250, deadline=None)
@given(prop_cases(), st.sampled_from(["hare", "droop"]),
       st.sampled_from(["largest_remainder", "floor", "ceil", "half_up"]),
       st.binary(min_size=1, max_size=4))
def test_proportional_properties(case, quota, rounding, seed):
    c, votes = case
    s = ResultSettings(quota=quota, alternate_rounding=rounding)
    r = compute_result(c, counts(c, votes), seed=seed, settings=s)
    v = dict(zip(c.codes, votes))
    assert r.resolved
    # Quota seats + remainder seats = seats (every candidate may win: min_votes 0).
    assert sum(p.quota_seats + p.remainder_seats for p in r.lists) == c.seats
    assert len(r.winners) == c.seats == sum(p.seats for p in r.lists)
    for p in r.lists:
        assert p.seats + p.alternates <= len(p.members)
        assert p.votes == sum(v[m] for m in p.members)
        # Inside a list nobody beats a member with more votes.
        others = [m for m in p.members if m not in p.winners]
        assert all(v[w] >= v[o] for w in p.winners for o in others)
        assert all(v[a] >= v[o] for a in p.alternate_codes for o in others
                   if o not in p.alternate_codes)
    if rounding == "largest_remainder":
        room = sum(len(p.members) - p.seats for p in r.lists if p.seats > 0)
        assert len(r.alternate_codes) == min(c.alternates, room)
    # Against the independent oracle when no cap binds and no remainder tie decides.
    list_votes = [p.votes for p in r.lists]
    if sum(list_votes) > 0:
        expect, tie = oracle_lr(list_votes, c.seats, quota)
        if not tie and all(e <= len(p.members) for e, p in zip(expect, r.lists)):
            assert [p.seats for p in r.lists] == expect
    assert r == compute_result(c, counts(c, votes), seed=seed, settings=s)


def test_every_list_below_threshold_leaves_seats_unfilled():
    c = prop_contest([2, 2], 2, 1)
    r = compute_result(c, counts(c, [3, 2, 3, 2]),
                       settings=ResultSettings(threshold=Fraction(6, 10)))
    assert r.winners == () and r.unfilled_seats == 2 and r.resolved
