"""Speed of evote.group against libsodium (pynacl), measured in the same run.

Run: pytest benchmarks/bench_group.py   (prints a table of figures and ratios at the end)

Everything is timed through the public Python API, as the protocol uses it, and the
anchors through pynacl's Python bindings, so both sides pay a comparable call overhead.
Anchors: crypto_scalarmult_ed25519_noclamp (variable base; includes libsodium's subgroup
check) and crypto_scalarmult_ed25519_base_noclamp (fixed base). Targets (issue 2): ct
variable base <= 0.55 x anchor; fixed base <= 0.9 x anchor; decode <= 5 us, batch decode per
point no slower; msm_vartime per point <= 0.1 x one ct scalar mult at n = 65536.
"""
import os as _os
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no BLAS pool spinning in the CPU clock

import os

import nacl.bindings as nb
import pytest

from evote import _bindings
from evote.group import (G_TABLE, FixedBase, Point, Scalar, aggregate_vartime,
                         double_mul_vartime, msm_vartime_raw, validate_points)


def _random_points(n):
    return [Point.from_uniform_bytes(os.urandom(64)) for _ in range(n)]


def _min(benchmark):
    stats = getattr(benchmark, "stats", None)
    return None if stats is None else stats.stats.min


def _rec(record, benchmark, name, per=1):
    t = _min(benchmark)
    if t is not None:  # None under --benchmark-disable
        record(name, t, per)


@pytest.fixture(scope="module")
def data():
    s = Scalar.random()
    return {
        "s": s,
        "s2": Scalar.random(),
        "sb": s.to_bytes(),
        "p": _random_points(1)[0],
        "p_ed": nb.crypto_core_ed25519_from_uniform(os.urandom(32)),
        "k": FixedBase(_random_points(1)[0]),
    }


_BLOBS = {}


def _blobs(n):
    """n random encodings and n random canonical scalars (cached per size)."""
    if n not in _BLOBS:
        pts = b"".join(p.to_bytes() for p in _random_points(n))
        scs = b"".join(Scalar.random().to_bytes() for _ in range(n))
        _BLOBS[n] = (scs, pts)
    return _BLOBS[n]


# ---------------------------------------------------------------- anchors (libsodium)

def test_anchor_sodium_noclamp(benchmark, data, record):
    benchmark(nb.crypto_scalarmult_ed25519_noclamp, data["sb"], data["p_ed"])
    _rec(record, benchmark, "sodium_noclamp")


def test_anchor_sodium_base_noclamp(benchmark, data, record):
    benchmark(nb.crypto_scalarmult_ed25519_base_noclamp, data["sb"])
    _rec(record, benchmark, "sodium_base_noclamp")


# ------------------------------------------- anchors: libsodium's own ristretto255
# pynacl binds no ristretto255 function, and crypto_scalarmult_ed25519_noclamp above also
# does a subgroup check (a second scalar multiplication): not like for like. These time
# libsodium's ristretto255 functions themselves (the system library, through cffi; see
# benchmarks/peers/sodium_ristretto.py, which first checks both give the same bytes).

@pytest.fixture(scope="module")
def sodium_ops():
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
    import sodium_ristretto
    try:
        return sodium_ristretto.Operations(sodium_ristretto.load())
    except OSError as exc:
        pytest.skip(f"no system libsodium: {exc}")


def test_anchor_sodium_ristretto255(benchmark, sodium_ops, record):
    benchmark(sodium_ops.scalarmult()[2], 1)
    _rec(record, benchmark, "sodium_ristretto255")


def test_anchor_sodium_ristretto255_base(benchmark, sodium_ops, record):
    benchmark(sodium_ops.scalarmult_base()[2], 1)
    _rec(record, benchmark, "sodium_ristretto255_base")


# ---------------------------------------------------------------- constant time

def test_ct_scalarmult(benchmark, data, record):
    p, s = data["p"], data["s"]
    out = benchmark(p.__mul__, s)
    assert out == s * p
    _rec(record, benchmark, "ct_scalarmult")


def test_ct_fixed_base_generator(benchmark, data, record):
    out = benchmark(Point.mul_base, data["s"])
    assert out == G_TABLE.mul(data["s"])
    _rec(record, benchmark, "fixed_base_g")


def test_ct_fixed_base_other_point(benchmark, data, record):
    k = data["k"]
    out = benchmark(k.mul, data["s"])
    assert out == data["s"] * k.point
    _rec(record, benchmark, "fixed_base_k")


def test_ct_fixed_base_mul2(benchmark, data, record):
    out = benchmark(G_TABLE.mul2, data["s"], data["k"], data["s2"])
    assert out == Point.mul_base(data["s"]) + data["s2"] * data["k"].point
    _rec(record, benchmark, "fixed_base_mul2")


# ---------------------------------------------------------------- decoding

def test_decode_one(benchmark, data, record):
    enc = data["p"].to_bytes()
    benchmark(Point.from_bytes, enc)
    _rec(record, benchmark, "decode_one")


def test_decode_one_binding_only(benchmark, data, record):
    """The same decode through the binding layer alone (no Point object): the difference
    to test_decode_one is the cost of the Python domain object."""
    enc = data["p"].to_bytes()
    assert benchmark(_bindings.point_is_valid, enc)
    _rec(record, benchmark, "decode_one_binding")


@pytest.mark.parametrize("n", [1024, 65536])
def test_decode_batch(benchmark, record, n):
    _, pts = _blobs(n)
    assert benchmark(validate_points, pts) == n
    _rec(record, benchmark, f"decode_batch_{n}", per=n)


# ---------------------------------------------------------------- variable time

def test_double_mul_vartime(benchmark, data, record):
    out = benchmark(double_mul_vartime, data["s"], data["p"], data["s2"])
    assert out == data["s"] * data["p"] + Point.mul_base(data["s2"])
    _rec(record, benchmark, "double_mul_vartime")


@pytest.mark.parametrize("n", [64, 1024, 65536])
def test_msm_vartime(benchmark, record, n):
    scs, pts = _blobs(n)
    rounds = 5 if n >= 65536 else 20
    out = benchmark.pedantic(msm_vartime_raw, args=(scs, pts), rounds=rounds, iterations=1,
                             warmup_rounds=1)
    # correctness at this size (other window widths): the two halves sum to the whole
    h = 32 * (n // 2)
    assert out == msm_vartime_raw(scs[:h], pts[:h]) + msm_vartime_raw(scs[h:], pts[h:])
    _rec(record, benchmark, f"msm_{n}", per=n)


def test_aggregate_vartime(benchmark, record):
    n_rows, width = 4096, 8
    _, pts = _blobs(n_rows * width)
    out = benchmark.pedantic(aggregate_vartime, args=(pts, n_rows, width), rounds=5,
                             iterations=1, warmup_rounds=1)
    assert len(out) == width
    _rec(record, benchmark, "aggregate_per_point", per=n_rows * width)


# ---------------------------------------------------------------- interleaved ratios
# On a shared machine the load drifts between the tests above, which biases a ratio of two
# figures taken seconds apart. Here each pair is measured in alternating batches (ours,
# anchor, ours, anchor, ...) and the minimum of each side is kept: both sides see the same
# conditions. The table prints these next to the per-test figures.

def _batch_min(fn, k, rounds, other, k_other):
    import time

    best, best_other = float("inf"), float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        best = min(best, (time.perf_counter() - t0) / k)
        t0 = time.perf_counter()
        for _ in range(k_other):
            other()
        best_other = min(best_other, (time.perf_counter() - t0) / k_other)
    return best, best_other


def test_interleaved_ratios(data, record):
    s, p, sb, p_ed = data["s"], data["p"], data["sb"], data["p_ed"]
    ct, sodium = _batch_min(lambda: p * s, 20, 60,
                            lambda: nb.crypto_scalarmult_ed25519_noclamp(sb, p_ed), 20)
    record("il_ct_scalarmult", ct)
    record("il_sodium_noclamp", sodium)
    fixed, sodium_b = _batch_min(lambda: Point.mul_base(s), 50, 60,
                                 lambda: nb.crypto_scalarmult_ed25519_base_noclamp(sb), 50)
    record("il_fixed_base_g", fixed)
    record("il_sodium_base_noclamp", sodium_b)
    scs, pts = _blobs(65536)
    msm, ct2 = _batch_min(lambda: msm_vartime_raw(scs, pts), 1, 5, lambda: p * s, 200)
    record("il_msm_65536", msm, 65536)
    record("il_ct_scalarmult_2", ct2)
