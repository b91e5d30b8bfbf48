"""Multi-scalar multiplication and the other array functions against naive computation.

Compared: msm_vartime(s, P) with the naive sum of constant-time s_i * P_i (point by point)
for every size 0..72 and sizes around and far beyond any Straus/Pippenger cut-over (up to
16384), including edge scalars (0, 1, l-1, 2^252, all-ones windows), repeated points and
identities; for large n also with P_i = k_i*G, where the sum must equal (sum s_i k_i)*G
(one scalar multiplication, computed from Python ints). aggregate_vartime and
multiples_vartime against repeated Point additions.
"""
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evote.group import (Point, Scalar, aggregate_vartime, double_mul_vartime, msm_vartime,
                         msm_vartime_raw, multiples_vartime, scalars_to_blob)
from reference.strategies import points, scalars

L = Scalar.ORDER
EDGE = [0, 1, 2, L - 1, L - 2, 2**252, 2**252 - 1, (1 << 250) - 1, 2**128 + 1, 15, 16, 17,
        int("5" * 70) % L, int("f" * 63, 16) % L]


def _random_int():
    return int.from_bytes(os.urandom(32), "little") % L


def _naive(ss, ps):
    acc = Point.identity()
    for s, p in zip(ss, ps):
        acc = acc + Scalar.from_int(s) * p
    return acc


def _points(n):
    return [Point.from_uniform_bytes(os.urandom(64)) for _ in range(n)]


@pytest.mark.parametrize("n", list(range(73)))
def test_msm_small_sizes_equal_naive_sum(n):
    ps = _points(n)
    ss = [EDGE[i % len(EDGE)] if i % 3 == 0 else _random_int() for i in range(n)]
    assert msm_vartime(ss, ps) == _naive(ss, ps)
    assert msm_vartime_raw(scalars_to_blob(ss), b"".join(p.to_bytes() for p in ps)) \
        == _naive(ss, ps)


@pytest.mark.parametrize("n", [63, 64, 65, 127, 128, 129, 190, 256, 257, 511, 700, 1024, 1500])
def test_msm_around_cutovers_equal_naive_sum(n):
    ps = _points(n)
    ss = [_random_int() for _ in range(n)]
    ss[0], ss[-1] = L - 1, 0
    assert msm_vartime(ss, ps) == _naive(ss, ps)


@pytest.mark.parametrize("n", [2048, 4096, 8192, 16384])
def test_msm_large_with_known_logs(n):
    """Sizes that select larger Pippenger windows (the C core widens them with log2 n)."""
    ks = [_random_int() for _ in range(n)]
    ss = [_random_int() for _ in range(n)]
    ss[:len(EDGE)] = EDGE
    ps = [Point.mul_base(k) for k in ks]
    want = Point.mul_base(sum(s * k for s, k in zip(ss, ks)) % L)
    assert msm_vartime(ss, ps) == want
    # all scalars l-1 (every window digit at its maximum), one repeated point
    assert msm_vartime([L - 1] * n, [ps[0]] * n) == Point.mul_base((L - 1) * n * ks[0] % L)


@pytest.mark.parametrize("n", [1, 5, 70, 300, 3000])
def test_msm_degenerate_inputs(n):
    g = Point.generator()
    assert msm_vartime([0] * n, _points(n)) == Point.identity()
    assert msm_vartime([_random_int() for _ in range(n)], [Point.identity()] * n) \
        == Point.identity()
    assert msm_vartime([1] * n, [g] * n) == Point.mul_base(n)
    # a point and its negation cancel
    p = _points(1)[0]
    assert msm_vartime([5] * n + [5] * n, [p] * n + [-p] * n) == Point.identity()


def test_msm_accepts_iterables_and_bytes():
    ps = _points(3)
    ss = [Scalar.from_int(3), 4, Scalar.random()]
    want = _naive([int(s) for s in ss], ps)
    assert msm_vartime(iter(ss), (p for p in ps)) == want
    assert msm_vartime(tuple(ss), [p.to_bytes() for p in ps]) == want
    assert msm_vartime([], []) == Point.identity()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(scalars(), points()), max_size=20))
def test_msm_property(pairs):
    ss = [s for s, _ in pairs]
    ps = [p for _, p in pairs]
    want = Point.identity()
    for s, p in pairs:
        want = want + s * p
    assert msm_vartime(ss, ps) == want


@settings(max_examples=60, deadline=None)
@given(scalars(), points(), scalars())
def test_double_mul(a, p, b):
    assert double_mul_vartime(a, p, b) == a * p + Point.mul_base(b)


@pytest.mark.parametrize("n_rows,width", [(0, 0), (0, 4), (1, 1), (1, 7), (5, 3), (40, 9),
                                          (300, 2)])
def test_aggregate_equals_repeated_addition(n_rows, width):
    rows = [_points(width) for _ in range(n_rows)]
    blob = b"".join(p.to_bytes() for row in rows for p in row)
    want = []
    for j in range(width):
        acc = Point.identity()
        for row in rows:
            acc = acc + row[j]
        want.append(acc.to_bytes())
    assert aggregate_vartime(blob, n_rows, width) == want


def test_aggregate_names_row_and_column():
    from evote.errors import InvalidEncoding

    good = _points(6)
    blob = bytearray(b"".join(p.to_bytes() for p in good))
    blob[4 * 32] |= 1  # item 4 = row 2, column 0 of a 3 x 2 array: now negative (odd)
    with pytest.raises(InvalidEncoding, match=r"item 4 \(row 2, column 0\)"):
        aggregate_vartime(bytes(blob), 3, 2)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 17, 200])
def test_multiples(n):
    p = _points(1)[0]
    acc, want = Point.identity(), []
    for _ in range(n):
        want.append(acc.to_bytes())
        acc = acc + p
    assert multiples_vartime(p, n) == want
