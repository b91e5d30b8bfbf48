"""Plurality at large: winners, alternates, ties, count checks (specs/results.md s. 2, 4)."""
import dataclasses
import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteTypeError, EvoteValueError, TallyMismatch
from evote.hashing import digest, text, u64
from evote.manifest import Candidate, Contest
from evote.results import ContestCounts, ResultSettings, compute_result as _compute_result


def compute_result(contest, counts, seed=None, settings=None):
    """The contest's result with `settings` given the only way there is: on the contest
    (as the manifest fixes them)."""
    if settings is not None:
        contest = dataclasses.replace(contest, settings=settings)
    return _compute_result(contest, counts, seed)


def contest(n, seats, alternates, edu=None, max_choices=None, chain=("education",)):
    edu = edu or [0] * n
    cands = tuple(Candidate(code=10 + i, name=f"نامزد {i}", attributes={"education": e})
                  for i, e in enumerate(edu))
    return Contest("c1", "شورا", "d1", seats=seats, alternates=alternates,
                   max_choices=max_choices or seats, method="plurality", candidates=cands,
                   tie_chain=chain)


def counts(c, votes, blank=0):
    """Counts that valid ballots of contest c can produce."""
    k = c.max_choices
    valid = max([0] + list(votes) + [-(-sum(votes) // k)])
    return ContestCounts(c.contest_id, tuple(votes), valid + blank, blank)


def test_simple():
    c = contest(6, 3, 2)
    r = compute_result(c, counts(c, [5, 9, 1, 7, 3, 8]))
    assert r.winners == (11, 15, 13)
    assert r.alternate_codes == (10, 14)
    assert [x.status for x in r.candidates] == ["alternate", "winner", "none", "winner",
                                                "alternate", "winner"]
    assert [x.rank for x in r.candidates] == [4, 1, 6, 3, 5, 2]
    assert r.resolved and r.ties == ()


def test_tie_inside_winners_needs_no_decision():
    c = contest(5, 3, 1)
    r = compute_result(c, counts(c, [9, 9, 9, 2, 1]))
    assert set(r.winners) == {10, 11, 12} and r.alternate_codes == (13,)
    assert r.ties == () and r.resolved


def test_tie_at_boundary_broken_by_attribute():
    c = contest(4, 1, 1, edu=[2, 4, 1, 1])
    r = compute_result(c, counts(c, [6, 6, 2, 1]))
    assert r.winners == (11,) and r.alternate_codes == (10,)
    (t,) = r.ties
    assert (t.step, t.codes, t.order, t.positions) == ("education", (10, 11), ((11,), (10,)),
                                                       (0, 1))


def test_tie_unresolved_without_seed():
    c = contest(4, 1, 1, edu=[3, 3, 1, 1])
    r = compute_result(c, counts(c, [6, 6, 2, 1]))
    assert not r.resolved
    assert r.winners == () and r.alternate_codes == ()
    assert r.candidate(10).status == r.candidate(11).status == "undecided"
    assert [t.step for t in r.ties] == ["education", "unresolved"]


def test_tie_between_alternates_only_is_still_decisive():
    c = contest(4, 1, 2, edu=[0, 0, 0, 0])
    r = compute_result(c, counts(c, [9, 5, 5, 1]))
    assert r.winners == (10,)
    assert not r.resolved  # which alternate comes first is a decision
    assert r.candidate(11).status == r.candidate(12).status == "alternate"
    r2 = compute_result(c, counts(c, [9, 5, 5, 1]), seed=b"published seed")
    assert r2.resolved and set(r2.alternate_codes) == {11, 12}


def test_lot_matches_spec_formula():
    c = contest(3, 1, 0)
    seed = b"\x01" * 32
    r = compute_result(c, counts(c, [4, 4, 4]), seed=seed)
    lot = [t for t in r.ties if t.step == "lot"][0]
    tied = (10, 11, 12)
    common = [seed, text("c1"), text("candidates"), u64(3)] + [u64(x) for x in tied]
    draws = sorted((digest("evote/v1/lot", *common, u64(x)), x) for x in tied)
    assert r.winners == (draws[0][1],)
    assert lot.draws == tuple((x, d.hex()) for d, x in draws)


def test_lot_reproducible_and_each_outcome_reachable():
    c = contest(3, 1, 1)
    seen = set()
    for i in range(60):
        seed = i.to_bytes(4, "big")
        a = compute_result(c, counts(c, [4, 4, 4]), seed=seed)
        b = compute_result(c, counts(c, [4, 4, 4]), seed=seed)
        assert a == b
        seen.add((a.winners, a.alternate_codes))
    assert len(seen) == 6  # every ordering of the first two places occurs


def test_min_votes_setting():
    c = contest(5, 3, 2)
    r = compute_result(c, counts(c, [4, 0, 2, 0, 0]), settings=ResultSettings(min_votes=1))
    assert r.winners == (10, 12) and r.alternate_codes == ()
    r0 = compute_result(c, counts(c, [4, 0, 2, 0, 0]), seed=b"s")
    assert len(r0.winners) == 3 and len(r0.alternate_codes) == 2


@pytest.mark.parametrize("votes, cast, blank, err", [
    ((1, 2), 5, 0, EvoteValueError),            # wrong length
    ((1, 2, 3, 4, 9, 0), 5, 0, TallyMismatch),  # a candidate above the valid ballots
    ((3, 3, 3, 3, 3, 3), 5, 0, TallyMismatch),  # more marks than 5 ballots x 3 choices
    ((1, 0, 0, 0, 0, 0), 5, 1, TallyMismatch),  # 4 valid ballots, 1 mark
    ((1, 0, 0, 0, 0, -1), 5, 1, EvoteValueError),
    ((1, 0, 0, 0, 0, 0), 1, 2, EvoteValueError),  # blank > cast
])
def test_impossible_counts_refused(votes, cast, blank, err):
    c = contest(6, 3, 2)
    with pytest.raises(err):
        compute_result(c, ContestCounts("c1", votes, cast, blank))


def test_wrong_types():
    c = contest(3, 1, 0)
    with pytest.raises(EvoteTypeError):
        ContestCounts("c1", (1, True, 0), 1, 0)
    with pytest.raises(EvoteTypeError):
        compute_result(c, counts(c, [1, 0, 0]), seed="seed")
    with pytest.raises(EvoteValueError):
        compute_result(c, ContestCounts("c2", (1, 0, 0), 1, 0))


# ---- properties ----------------------------------------------------------------------

@st.composite
def plurality_cases(draw):
    n = draw(st.integers(1, 9))
    seats = draw(st.integers(1, n))
    alternates = draw(st.integers(0, n))
    edu = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    votes = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    return contest(n, seats, alternates, edu), votes


@settings(max_examples=300, deadline=None)
@given(plurality_cases(), st.binary(min_size=1, max_size=8), st.integers(0, 2))
def test_plurality_properties(case, seed, min_votes):
    c, votes = case
    r = compute_result(c, counts(c, votes), seed=seed,
                       settings=ResultSettings(min_votes=min_votes))
    v = dict(zip(c.codes, votes))
    eligible = [x for x in c.codes if v[x] >= min_votes]
    assert r.resolved  # with a seed every tie is decided
    assert len(r.winners) == min(c.seats, len(eligible))
    assert len(r.alternate_codes) == min(c.alternates, len(eligible) - len(r.winners))
    assert not set(r.winners) & set(r.alternate_codes)
    others = [x for x in c.codes if x not in r.winners]
    # Never a lower count over a higher: every winner >= every non-winner, alternates in
    # vote order, every alternate >= every candidate that is neither.
    assert all(v[w] >= v[o] for w in r.winners for o in others)
    assert all(v[a] >= v[b] for a, b in zip(r.alternate_codes, r.alternate_codes[1:]))
    rest = [x for x in others if x not in r.alternate_codes]
    assert all(v[a] >= v[o] for a in r.alternate_codes for o in rest)
    assert all(v[x] >= min_votes for x in r.winners + r.alternate_codes)
    # Among equal votes across a boundary, the tie chain attribute decides first.
    edu = {x.code: x.attributes["education"] for x in c.candidates}
    for w in r.winners:
        for o in others:
            if v[w] == v[o] and v[o] >= min_votes:
                assert edu[w] >= edu[o]
    # Deterministic.
    assert r == compute_result(c, counts(c, votes), seed=seed,
                               settings=ResultSettings(min_votes=min_votes))


@settings(max_examples=200, deadline=None)
@given(plurality_cases())
def test_without_seed_unresolved_exactly_when_a_decisive_tie_survives(case):
    c, votes = case
    r = compute_result(c, counts(c, votes))
    withseed = compute_result(c, counts(c, votes), seed=b"x")
    assert r.resolved == all(t.step != "lot" for t in withseed.ties)
    if r.resolved:
        assert (r.winners, r.alternate_codes) == (withseed.winners, withseed.alternate_codes)
    # The lot only decides what was left open: every status known without it stays.
    for a, b in zip(r.candidates, withseed.candidates):
        assert a.status == "undecided" or a.status == b.status
    assert set(r.winners) <= set(withseed.winners)
