"""Threshold decryption speed: 3 of 5 guardians decrypt a tally vector, against
ElectionGuard 1.4.0 on the same shapes.

Run: PYTHONPATH=src pytest benchmarks/bench_decryption.py   (a table prints at the end)

What is timed (one round): the 3 present guardians each compute their decryption share
of every ciphertext with its Chaum-Pedersen proof; the shares are verified in one batch;
they are combined by Lagrange interpolation; every count is recovered by baby-step
giant-step. The process-wide baby table (2^16 entries) is built before timing, and its
one-off build is timed separately.

Anchors (issue 3; ElectionGuard 1.4.0, 4096-bit group with gmpy2, its own API, measured
on this machine on another day): fixed figures, printed beside evote's, never divided into
this run's (issue 17); run_all.py measures ElectionGuard's decryption live and judges the
>= 100x target on that. The limits below are issue 3's absolute budgets (1/100 of them):
  50-candidate tally, 3 of 5:  14.2 s     budget 142 ms
  200-candidate tally, 3 of 5: 55 s       budget 550 ms
Tehran shape (300 candidates, counts up to 1.5 million, 3 of 5): target < 2 s with BSGS.
"""
import os as _os
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no BLAS pool spinning in the CPU clock

import random
import time

import pytest

from evote.group import Scalar
from evote.protocol import dlog
from evote.protocol.ceremony import run_ceremony
from evote.protocol.decryption import (combine_decryption_shares, compute_decryption_share,
                                       verify_decryption_shares)
from evote.protocol.elgamal import encrypt

ANCHORS = {50: 14.2, 200: 55.0}
SHAPES = [  # (name, candidates, largest count, target seconds)
    ("50 candidates", 50, 20_000, 14.2 / 100),
    ("200 candidates", 200, 20_000, 55.0 / 100),
    ("Tehran: 300 candidates, counts <= 1.5M", 300, 1_500_000, 2.0),
]
_RESULTS = []


@pytest.fixture(scope="module")
def election():
    ctx, guardians = run_ceremony(bytes(range(32)), 5, 3)
    t0 = time.process_time()
    dlog._baby_table()
    _RESULTS.append(("baby table build (once per process)", time.process_time() - t0, None, None))
    return ctx, guardians


@pytest.fixture(scope="module", autouse=True)
def report(request):
    yield
    tr = request.config.pluginmanager.getplugin("terminalreporter")
    capman = request.config.pluginmanager.getplugin("capturemanager")
    if tr is None or capman is None or not _RESULTS:
        return
    with capman.global_and_fixture_disabled():  # teardown output is captured otherwise
        _print_table(tr)


def _print_table(tr):
    tr.write_line("")
    tr.write_line("evote threshold decryption, 3 of 5 guardians (CPU time, min of 3 rounds):")
    tr.write_line(f"  {'shape':42} {'ours':>10} {'fixed*':>9} {'budget':>9} verdict")
    for name, secs, anchor, target in _RESULTS:
        if anchor is None and target is None:
            tr.write_line(f"  {name:42} {secs * 1e3:8.1f}ms")
            continue
        anchor_s = f"{anchor:8.1f}s" if anchor else f"{'-':>9}"
        verdict = "met" if secs <= target else "MISSED"
        tr.write_line(f"  {name:42} {secs * 1e3:8.1f}ms {anchor_s} "
                      f"{target * 1e3:7.0f}ms {verdict}")
    tr.write_line("  * ElectionGuard 1.4.0, issue 3, another day: not divided into this run's "
                  "figures; live ratios: python benchmarks/run_all.py")


def _decrypt(ctx, present, cts, labels, bound):
    shares = [compute_decryption_share(g, ctx, cts, labels) for g in present]
    verify_decryption_shares(ctx, cts, labels, shares)
    return dlog.discrete_logs(combine_decryption_shares(ctx, cts, shares), bound)


@pytest.mark.parametrize("name,n_cand,largest,target", SHAPES)
def test_decrypt_tally(benchmark, election, name, n_cand, largest, target):
    ctx, guardians = election
    rnd = random.Random(n_cand)
    counts = [rnd.randint(0, largest) for _ in range(n_cand - 1)] + [largest]
    cts = [encrypt(m, Scalar.random(), ctx) for m in counts]
    labels = [f"contest c/candidate {k}".encode() for k in range(n_cand)]
    present = [guardians[0], guardians[2], guardians[4]]
    result = benchmark.pedantic(_decrypt, args=(ctx, present, cts, labels, largest),
                                rounds=3, iterations=1)
    assert result == counts
    cpu = []
    for _ in range(3):
        t0 = time.process_time()
        _decrypt(ctx, present, cts, labels, largest)
        cpu.append(time.process_time() - t0)
    _RESULTS.append((name, min(cpu), ANCHORS.get(n_cand), target))
