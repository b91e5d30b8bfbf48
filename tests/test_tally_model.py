"""EncryptedTally / ContestTally: merge laws, one pass == any split merged, canonical
JSON and its refusals."""
import json
import re

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteTypeError
from evote.group import Point, Scalar
from evote.tally import ContestTally, EncryptedTally, TallyInputError, merge_tallies
from evote.tally.model import ZERO_CIPHERTEXT, merge_contest_tallies

POOL = [Point.mul_base(Scalar.from_int(7 * i + 3)).to_bytes() for i in range(40)]
WIDTH = 3


def ct_of(picks):
    return POOL[picks[0] % 40] + POOL[picks[1] % 40]


def contest_tallies(cid="c"):
    cts = st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)), min_size=WIDTH,
                   max_size=WIDTH).map(lambda ps: tuple(ct_of(p) for p in ps))
    return st.builds(lambda cts, n: ContestTally(cid, cts, n), cts, st.integers(0, 1000))


def tallies():
    return st.lists(st.sampled_from(["a", "b", "c"]), unique=True).flatmap(
        lambda ids: st.tuples(*[contest_tallies(i) for i in ids])).map(EncryptedTally)


@settings(max_examples=40, deadline=None)
@given(tallies(), tallies(), tallies())
def test_merge_is_associative_and_commutative(a, b, c):
    assert a.merge(b) == b.merge(a)
    assert a.merge(b).merge(c) == a.merge(b.merge(c)) == merge_tallies([c, a, b])


@settings(max_examples=25, deadline=None)
@given(tallies())
def test_empty_and_zero_are_neutral(a):
    assert a.merge(EncryptedTally()) == a
    zeros = EncryptedTally(ContestTally.zero(cid, WIDTH) for cid in a)
    assert a.merge(zeros) == a


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)), min_size=WIDTH,
                         max_size=WIDTH), min_size=1, max_size=12), st.data())
def test_any_split_merged_equals_one_pass(rows, data):
    """Singleton tallies merged in one call (one pass) == split into groups, each merged,
    then the partials merged: the law parallel workers rely on."""
    singles = [ContestTally("c", tuple(ct_of(p) for p in r), 1) for r in rows]
    one_pass = merge_contest_tallies(singles)
    cut = sorted(set(data.draw(st.lists(st.integers(1, len(singles)), max_size=4))))
    parts, start = [], 0
    for end in cut + [len(singles)]:
        if end > start:
            parts.append(merge_contest_tallies(singles[start:end]))
            start = end
    merged = parts[0]
    for p in parts[1:]:
        merged = merged.merge(p)
    assert merged == one_pass and merged.ballots == len(rows)
    # and the sum is the group sum, position by position
    for k in range(WIDTH):
        alpha = Point.identity()
        for r in rows:
            alpha = alpha + Point.from_bytes(POOL[r[k][0]])
        assert one_pass.ciphertexts[k][:32] == alpha.to_bytes()


@settings(max_examples=25, deadline=None)
@given(tallies())
def test_json_round_trip_is_canonical(a):
    obj = json.loads(json.dumps(a.to_json_obj()))
    b = EncryptedTally.from_json_obj(obj)
    assert b == a and b.to_json_obj() == obj


def _obj():
    t = EncryptedTally([ContestTally("a", (POOL[1] + POOL[2], ZERO_CIPHERTEXT), 4),
                        ContestTally("b", (POOL[3] + POOL[4],), 1)])
    return json.loads(json.dumps(t.to_json_obj()))


@pytest.mark.parametrize("mutate,message", [
    (lambda o: o.update(version="evote-encrypted-tally/0"), "version"),
    (lambda o: o.update(extra=1), "unknown field"),
    (lambda o: o["contests"].reverse(), "out of order"),
    (lambda o: o["contests"].append(o["contests"][0]), "out of order or repeated"),
    (lambda o: o["contests"][0].pop("ballots"), "missing field"),
    (lambda o: o["contests"][0].update(ballots=-1), "ballots"),
    (lambda o: o["contests"][0].update(ballots=True), "ballots"),
    (lambda o: o["contests"][0]["ciphertexts"].__setitem__(0, "AB" * 64), "ciphertexts[0]"),
    (lambda o: o["contests"][0]["ciphertexts"].__setitem__(1, "00" * 63), "ciphertexts[1]"),
    (lambda o: o["contests"][1]["ciphertexts"].__setitem__(0, "ff" * 64),
     "ciphertexts[0] alpha is not a valid"),
    (lambda o: o["contests"][0].update(ciphertexts=[]), "no ciphertexts"),
])
def test_from_json_refuses_with_precise_errors(mutate, message):
    o = _obj()
    mutate(o)
    with pytest.raises(TallyInputError, match=re.escape(message)):
        EncryptedTally.from_json_obj(o)


def test_merge_refuses_other_shapes_and_types():
    a = ContestTally("a", (POOL[1] + POOL[2],), 1)
    with pytest.raises(TallyInputError, match="cannot merge"):
        a.merge(ContestTally("b", (POOL[1] + POOL[2],), 1))
    with pytest.raises(TallyInputError, match="cannot merge"):
        a.merge(ContestTally("a", (POOL[1] + POOL[2],) * 2, 1))
    with pytest.raises(EvoteTypeError):
        a.merge("a")
    with pytest.raises(EvoteTypeError):
        ContestTally("a", [bytearray(64)], 1)
    with pytest.raises(AttributeError):
        a.ballots = 3
