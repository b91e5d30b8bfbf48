"""Slot decryption (specs/slot-decryption.md): a guardian's shares with one batched proof,
the combiner, and the verifier's one MSM (check V20), per slot; record bytes per slot;
the model for Tehran (3 million ballots x 21 slots = 63 million slots).

Run: PYTHONPATH=src python benchmarks/bench_slot_decryption.py [--sizes 10000 100000]
     [--jobs 2]

Clock: CPU time of this process (time.process_time) for one-process steps; wall time
for the --jobs run (its work is in child processes). One round per size. The machine
is shared: the load average is printed. Threshold t = 3 of 5 guardians; the slot values
are half votes (1..N, N = 3,000), a tenth blank (N+1), the rest marks from [N+2, 2^24].
"""
import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

from evote.group import FixedBase, Scalar  # noqa: E402
from evote.protocol import slot_decryption as sd  # noqa: E402
from evote.protocol.elgamal import encrypt_with_tables  # noqa: E402
from evote.verify.executors import run_tasks  # noqa: E402

from ceremony_support import ceremony  # noqa: E402

SLOTS = 3_000_000 * 21
N = 3000
CONTEST = "tehran"


def cpu(fn, *args, **kw):
    t0 = time.process_time()
    out = fn(*args, **kw)
    return time.process_time() - t0, out


def values(n: int, rnd: random.Random) -> list:
    out = []
    for _ in range(n):
        x = rnd.random()
        out.append(rnd.randint(1, N) if x < 0.5 else N + 1 if x < 0.6
                   else rnd.randint(N + 2, 2**24))
    return out


def run(n: int, jobs: int) -> dict:
    ctx, guardians = ceremony(5, 3)
    k_table = FixedBase(ctx.joint_key)
    vals = values(n, random.Random(n))
    cts = b"".join(ct.alpha.to_bytes() + ct.beta.to_bytes() for ct in
                   (encrypt_with_tables(Scalar.from_int(v), Scalar.random(), k_table) for v in vals))
    t_prove, first = cpu(sd.compute_slot_shares, guardians[0], ctx, CONTEST, cts)
    shares = [first] + [sd.compute_slot_shares(g, ctx, CONTEST, cts) for g in guardians[1:3]]
    t_shares, _ = cpu(sd.verify_slot_shares, ctx, CONTEST, cts, shares)
    t_combine, dec = cpu(sd.decrypt_slots, ctx, CONTEST, N, cts, shares)
    t_combine -= t_shares  # decrypt_slots verifies the shares first
    assert [v if v <= N + 1 else 0 for v in vals] == list(dec.values)
    t_verify, _ = cpu(sd.verify_slot_decryption, ctx, CONTEST, N, cts, shares, dec)
    t0 = time.perf_counter()
    sd.verify_slot_decryption(ctx, CONTEST, N, cts, shares, dec,
                              run=lambda fn, tasks: run_tasks(fn, tasks, jobs, None,
                                                              lambda k: None))
    wall_jobs = time.perf_counter() - t0
    bytes_shares = len(first.to_bytes())
    return {"n": n, "prove": t_prove / n, "check_shares": t_shares / n,
            "combine": t_combine / n, "verify": t_verify / n, "wall_jobs": wall_jobs / n,
            "share_bytes": bytes_shares / n, "decryption_bytes": len(dec.to_bytes()) / n,
            "marks": sum(1 for v in dec.values if v == 0) / n}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; t = 3 of 5; N = {N}")
    print(f"{'slots':>8} {'prove/slot/guardian':>20} {'combine/slot':>13} "
          f"{'verify V20/slot':>16} {'--jobs ' + str(args.jobs) + ' wall':>14} "
          f"{'shares B/slot':>14} {'decryption B/slot':>18}")
    rows = []
    for n in args.sizes:
        r = run(n, args.jobs)
        rows.append(r)
        print(f"{n:>8} {r['prove'] * 1e6:>17.1f} us {r['combine'] * 1e6:>10.1f} us "
              f"{r['verify'] * 1e6:>13.1f} us {r['wall_jobs'] * 1e6:>11.1f} us "
              f"{r['share_bytes']:>14.1f} {r['decryption_bytes']:>18.1f}")
    r = rows[-1]
    t = 3
    print(f"\nModel, Tehran: {SLOTS:,} slots, t = {t}, marks {r['marks']:.0%} of slots "
          f"(from the largest size):")
    print(f"  each guardian: {r['prove'] * SLOTS / 3600:.2f} CPU-hours "
          "(parallel over guardians: each on its own machine)")
    print(f"  combiner: {(r['check_shares'] + r['combine']) * SLOTS / 3600:.2f} CPU-hours")
    print(f"  verifier (V20): {r['verify'] * SLOTS / 3600:.2f} CPU-hours "
          f"= {r['verify'] * SLOTS / 40 / 60:.1f} min on 40 cores")
    rec = (t * r["share_bytes"] + r["decryption_bytes"]) * SLOTS
    print(f"  record: {t} share files + the decryption = "
          f"{t * r['share_bytes'] + r['decryption_bytes']:.1f} B/slot, {rec / 1e9:.1f} GB")


if __name__ == "__main__":
    main()
