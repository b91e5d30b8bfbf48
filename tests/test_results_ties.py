"""The tie procedure itself (evote.results.ties): order, decisiveness, chain, lot."""
from hypothesis import given, settings, strategies as st

from evote.results.ties import Entry, Lot, order_entries, position_class


@st.composite
def entry_sets(draw):
    n = draw(st.integers(1, 10))
    scores = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    attrs = draw(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=n,
                          max_size=n))
    entries = [Entry(code=i + 1, score=s, attributes={"a": a, "b": b})
               for i, (s, (a, b)) in enumerate(zip(scores, attrs))]
    n_win = draw(st.integers(0, n))
    n_alt = draw(st.integers(0, n))
    return entries, n_win, n_alt


@settings(max_examples=300, deadline=None)
@given(entry_sets(), st.one_of(st.none(), st.binary(min_size=1, max_size=4)))
def test_order_is_a_sorted_permutation_and_chain_respected(case, seed):
    entries, n_win, n_alt = case
    o = order_entries(entries, n_win, n_alt, ("a", "b"), Lot(seed, "c"), "candidates")
    by = {e.code: e for e in entries}
    assert sorted(o.codes) == sorted(by)
    scores = [by[c].score for c in o.codes]
    assert scores == sorted(scores, reverse=True)
    for x, y in zip(o.codes, o.codes[1:]):
        ex, ey = by[x], by[y]
        if ex.score == ey.score and o.status[x] != o.status[y] != "undecided" \
                and o.status[x] != "undecided":
            # Adjacent entries put in different classes: the chain ranks them (a, then b).
            assert (ex.attributes["a"], ex.attributes["b"]) >= \
                (ey.attributes["a"], ey.attributes["b"])
    if seed is not None:
        assert o.resolved
        for p, c in enumerate(o.codes):
            assert o.status[c] == {"W": "winner", "N": "none"}.get(
                position_class(p, n_win, n_alt), "alternate")
    # Every decision names a real step and the tied codes in ascending order.
    for d in o.decisions:
        assert d.step in ("a", "b", "lot", "unresolved")
        assert list(d.codes) == sorted(d.codes)
        assert sorted(c for g in d.order for c in g) == list(d.codes)
    assert o == order_entries(entries, n_win, n_alt, ("a", "b"), Lot(seed, "c"), "candidates")


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 5), st.binary(min_size=1, max_size=4))
def test_lot_same_seed_same_order_and_every_entry_can_win(k, salt):
    entries = [Entry(code=10 + i, score=7, attributes={}) for i in range(k)]
    first = set()
    for i in range(40 * k):
        seed = salt + i.to_bytes(2, "big")
        a = order_entries(entries, 1, 0, (), Lot(seed, "c"), "candidates")
        assert a == order_entries(entries, 1, 0, (), Lot(seed, "c"), "candidates")
        first.add(a.codes[0])
    assert first == {e.code for e in entries}


def test_lot_depends_on_contest_and_scope():
    entries = [Entry(code=10 + i, score=1, attributes={}) for i in range(6)]
    orders = {order_entries(entries, 1, 0, (), Lot(b"seed", cid), scope).codes
              for cid in ("c1", "c2") for scope in ("candidates", "list 1")}
    assert len(orders) == 4
