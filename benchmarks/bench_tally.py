"""Tally benchmarks: homomorphic aggregation throughput, parallel scaling, and the
decryption and count of a Tehran-shaped contest. Every ratio is to an anchor measured in
the same run (or a fixed published figure, said so).

Run:  PYTHONPATH=src python benchmarks/bench_tally.py          (prints a table)
  or: PYTHONPATH=src pytest -s benchmarks/bench_tally.py

What is counted. A CIPHERTEXT is one ElGamal pair alpha||beta (64 bytes, two ristretto255
encodings): aggregating it means decoding both points (validation included) and adding
them into the running sums. Throughput is measured end to end through
tally_ballot_blobs on ballots in the wire format (9-of-50 council ballots: 50 candidates +
the blank indicator = 51 ciphertexts per ballot, 19,608 ballots = 1,000,008 ciphertexts):
parsing and structural checks of every ballot, numpy extraction of the alpha||beta
columns, one C aggregation call per contest per chunk, encoding of the sums. The blobs'
points are drawn from a pool of 4,096 random points (decoding cost does not depend on
repeats); proofs are random bytes (tally_ballot_blobs does not verify proofs).

Anchors:
  - pynacl's crypto_core_ed25519_add in a Python loop, measured here: it decodes both
    inputs and encodes its output on every call, so adding one ciphertext to a running
    sum costs 2 calls (alpha, beta). Target: ours >= 3x faster per ciphertext.
  - ElectionGuard 1.4.0's plain add loop: 40 us per ciphertext on this machine (a fixed
    figure from the issue, another day): printed beside ours, never divided into this
    run's figure (issue 17).
  - 2 processes vs 1 on the same 1M ciphertexts (each process sums half, the parent
    merges): target >= 1.7x. Worker start-up (fork) is outside the timing; data are
    inherited, not pickled.
Tehran shape: one contest of 300 candidates (21 seats, 11 alternates, plurality), its
tally built directly as encryptions of known counts for 1.5 million ballots (not 1.5M
ballots); 3 of 5 guardians compute shares with proofs, the shares are batch-verified,
combined, the counts recovered by BSGS and the seats computed (compute_results).
Target < 2 s. The process-wide BSGS baby table (built once) is timed separately.
"""

from __future__ import annotations

import os as _os
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no BLAS pool spinning in the CPU clock

import multiprocessing as mp
import os
import random
import time

import nacl.bindings as sodium

from evote.group import Point, Scalar
from evote.manifest import BallotStyle, Candidate, Contest, District, Manifest, Station
from evote.protocol import dlog
from evote.protocol.ballot_codec import MAGIC, SELECTION_SIZE, VERSION, range_proof_size
from evote.protocol.ceremony import run_ceremony
from evote.protocol.elgamal import encrypt
from evote.results import compute_results
from evote.tally import (ContestTally, EncryptedTally, decrypt_district_tallies, merge_tallies,
                         tally_ballot_blobs)

N_CANDIDATES = 50
MAX_CHOICES = 9
PER_BALLOT = N_CANDIDATES + 1
N_BALLOTS = 19_608                     # 1,000,008 ciphertexts
EG_US_PER_CIPHERTEXT = 40.0            # ElectionGuard 1.4.0 anchor (fixed figure)
ROUNDS = 2
PARALLEL_ROUNDS = 4


def _manifest(n_cand=N_CANDIDATES, max_choices=MAX_CHOICES, seats=9, alternates=6):
    contest = Contest("council", "council", "d", seats, alternates, max_choices, "plurality",
                      tuple(Candidate(1000 + i, f"candidate {i}") for i in range(n_cand)),
                      encoding="per-candidate")   # summed here even above 200 candidates
    return Manifest("bench", "bench", "2026-06-19", (District("d", "district", "city"),),
                    (Station("st", "station", "d", "s"),), (contest,),
                    (BallotStyle("s", ("council",)),), bytes(32))


def _blobs(n_ballots: int, distinct: int = 256) -> list:
    """n_ballots wire blobs (references to `distinct` different ones)."""
    rnd = random.Random(1)
    pool = [Point.mul_base(Scalar.from_int(rnd.getrandbits(250))).to_bytes() for _ in range(4096)]
    cid = b"council"
    out = []
    for _ in range(distinct):
        sels = b"".join(rnd.choice(pool) + rnd.choice(pool) + rnd.randbytes(SELECTION_SIZE - 64)
                        for _ in range(PER_BALLOT))
        body = (rnd.randbytes(32) + bytes([1]) + b"s" + bytes([len(cid)]) + cid
                + N_CANDIDATES.to_bytes(2, "big") + MAX_CHOICES.to_bytes(2, "big") + sels
                + rnd.randbytes(range_proof_size(MAX_CHOICES)))
        total = 12 + len(body)
        out.append(MAGIC + bytes([VERSION, 0]) + (1).to_bytes(2, "big")
                   + total.to_bytes(4, "big") + body)
    return [out[i % distinct] for i in range(n_ballots)]


def _best(fn, rounds=ROUNDS, cpu=False):
    """Best wall time over rounds (or, cpu=True, best CPU time of this process: on a
    machine shared with other jobs it is the fairer per-core figure), and the result."""
    best = float("inf")
    result = None
    clock = time.process_time if cpu else time.perf_counter
    for _ in range(rounds):
        t0 = clock()
        result = fn()
        best = min(best, clock() - t0)
    return best, result


def _sodium_loop(points: list, n_ciphertexts: int) -> float:
    """Seconds per ciphertext for a Python loop adding ciphertexts with pynacl: two
    crypto_core_ed25519_add calls (alpha and beta) per ciphertext."""
    add = sodium.crypto_core_ed25519_add
    m = len(points)

    def run():
        a, b = points[0], points[1]
        for i in range(n_ciphertexts):
            a = add(a, points[(2 * i) % m])
            b = add(b, points[(2 * i + 1) % m])
        return a, b
    secs, _ = _best(run, cpu=True)
    return secs / n_ciphertexts


_SHARED: dict = {}


def _half(k: int) -> tuple:
    """A worker's half of the ballots: (its tally, the CPU seconds it spent)."""
    blobs = _SHARED["blobs"]
    mid = len(blobs) // 2
    t0 = time.process_time()
    tally = tally_ballot_blobs(_SHARED["manifest"], blobs[:mid] if k == 0 else blobs[mid:])
    return tally, time.process_time() - t0


def aggregation(print_=print) -> dict:
    manifest = _manifest()
    blobs = _blobs(N_BALLOTS)
    n_ct = N_BALLOTS * PER_BALLOT
    _SHARED.update(manifest=manifest, blobs=blobs)
    ctx = mp.get_context("fork")
    one_wall = one_secs = two_secs = two_cpu = float("inf")
    with ctx.Pool(2) as pool:
        pool.map(abs, [0, 1])  # workers started before timing
        # Rounds interleave 1 process and 2 processes, so both see the same machine
        # conditions; each figure is its best round.
        for _ in range(PARALLEL_ROUNDS):
            w0, c0 = time.perf_counter(), time.process_time()
            one = tally_ballot_blobs(manifest, blobs)
            one_wall = min(one_wall, time.perf_counter() - w0)
            one_secs = min(one_secs, time.process_time() - c0)
            w0 = time.perf_counter()
            halves = pool.map(_half, [0, 1])
            two = merge_tallies([t for t, _ in halves])
            two_secs = min(two_secs, time.perf_counter() - w0)
            two_cpu = min(two_cpu, sum(c for _, c in halves))
    assert one["council"].ballots == N_BALLOTS
    assert two == one, "2-process tally differs from the one-process tally"
    # sodium: ed25519 points (its encoding), a few thousand distinct ones
    rnd = random.Random(2)
    ed_points = [sodium.crypto_scalarmult_ed25519_base_noclamp(
        sodium.crypto_core_ed25519_scalar_reduce(rnd.randbytes(64))) for _ in range(1024)]
    sodium_per_ct = _sodium_loop(ed_points, 50_000)
    ours_per_ct = one_secs / n_ct
    fig = {
        "ciphertexts": n_ct,
        "one_core_s": one_secs,
        "one_wall_s": one_wall,
        "per_core_ct_per_s": n_ct / one_secs,
        "us_per_ct": ours_per_ct * 1e6,
        "two_proc_s": two_secs,
        "two_vs_one": one_wall / two_secs,
        "two_cpu_vs_one": two_cpu / one_secs,
        "load": os.getloadavg()[0],
        "sodium_us_per_ct": sodium_per_ct * 1e6,
        "vs_sodium": sodium_per_ct / ours_per_ct,
    }
    return fig


def tehran(print_=print) -> dict:
    n_cand, ballots = 300, 1_500_000
    manifest = _manifest(n_cand, 21, 21, 11)
    ctx, guardians = run_ceremony(manifest.hash(), 5, 3)
    rnd = random.Random(3)
    # counts of 1.5M ballots choosing up to 21 each: big counts, and a blank count
    votes = [rnd.randint(0, 100_000) for _ in range(n_cand - 1)] + [ballots // 2]
    blank = 12_345
    cts = tuple(encrypt(m, Scalar.random(), ctx).to_bytes() for m in votes + [blank])
    tally = {"d": EncryptedTally([ContestTally("council", cts, ballots)])}
    t0 = time.perf_counter()
    dlog._baby_table()
    table_s = time.perf_counter() - t0
    present = [guardians[0], guardians[2], guardians[4]]

    def run():
        rec = decrypt_district_tallies(ctx, present, tally, manifest=manifest)
        counts = rec.by_district()["d"]
        return rec, compute_results(manifest, counts)
    secs, (rec, results) = _best(run, rounds=2)
    got = rec.by_district()["d"][0]
    assert list(got.votes) == votes and got.blank == blank
    assert len(results[0].winners) == 21
    return {"tehran_s": secs, "baby_table_s": table_s}


def report(agg: dict, teh: dict, print_=print) -> None:
    def verdict(ok):
        return "met" if ok else "MISSED"
    print_("")
    print_("evote tally benchmark (best of rounds, this run; cores: %d)" % (os.cpu_count() or 1))
    print_(f"  load average during the run: {agg['load']:.1f} (other jobs share the machine; "
           "per-core figures are CPU time of this process)")
    print_(f"  aggregation, 1 process: {agg['ciphertexts']:,} ciphertexts (alpha||beta pairs) "
           f"in {agg['one_core_s']:.2f} s CPU ({agg['one_wall_s']:.2f} s wall) = "
           f"{agg['us_per_ct']:.2f} us each")
    print_(f"    per core: {agg['per_core_ct_per_s']:,.0f} ciphertexts/s   target >= 120,000   "
           f"{verdict(agg['per_core_ct_per_s'] >= 120_000)}")
    print_(f"    pynacl crypto_core_ed25519_add loop (2 calls per ciphertext): "
           f"{agg['sodium_us_per_ct']:.2f} us/ciphertext -> ours {agg['vs_sodium']:.2f}x faster"
           f"   target >= 3x   {verdict(agg['vs_sodium'] >= 3)}")
    print_(f"    ElectionGuard 1.4.0: {EG_US_PER_CIPHERTEXT:.0f} us/ciphertext (fixed figure "
           f"from another day, not divided); ours {agg['us_per_ct']:.2f} us")
    print_(f"  aggregation, 2 processes: {agg['two_proc_s']:.2f} s wall -> "
           f"{agg['two_vs_one']:.2f}x one process's wall   target >= 1.7x   "
           f"{verdict(agg['two_vs_one'] >= 1.7)}")
    print_(f"    work split check: the 2 workers' CPU time together = "
           f"{agg['two_cpu_vs_one']:.2f}x the single process's (1.00 = no parallel overhead; "
           "wall-clock scaling needs 2 idle cores)")
    print_(f"  Tehran shape (300 candidates, 1.5M ballots, 3 of 5 guardians), decrypt + prove"
           f" + verify + BSGS + seats: {teh['tehran_s']:.2f} s   target < 2 s   "
           f"{verdict(teh['tehran_s'] < 2)}")
    print_(f"    (BSGS baby table, built once per process: {teh['baby_table_s']:.2f} s)")


def test_tally_benchmark(capsys):
    agg = aggregation()
    teh = tehran()
    with capsys.disabled():
        report(agg, teh)


if __name__ == "__main__":
    report(aggregation(), tehran())
