"""Verifiable shuffle (specs/shuffle.md): prove and verify per ciphertext, where the time
goes, and the model for a Tehran-scale mix (3 million ballots x 21 choice slots).

Run: PYTHONPATH=src python benchmarks/bench_shuffle.py [--sizes 1000 10000] [--mixes 3]

Clock: CPU time of this process (time.process_time), one round per size (a 10,000
shuffle takes tens of seconds). The machine is shared: the load average is printed.
Each side derives the generators Q_0..Q_N itself (the cache is cleared before each timed
call), as a mix server or a verifier in its own process does; the model counts them once
for a verifier of several mixes (the same Q_i serve every mix). The breakdown times each
primitive the prover and verifier use, on its own, and
multiplies by how many times the code calls it per ciphertext (specs/shuffle.md 8):
what is left over is Python glue (lists, Scalar objects, byte joins).
"""
import argparse
import os
import time

from evote.group import G_TABLE, FixedBase, Point, Scalar, msm_vartime_raw
from evote.hashing import digest64, u64
from evote.protocol.elgamal import encrypt_with_tables
from evote.protocol import shuffle as shuffle_mod
from evote.protocol.shuffle import shuffle, verify_shuffle

SLOTS = 3_000_000 * 21  # Tehran: 3 million ballots x 21 choice slots (issue 15)


def cpu(fn, *args):
    t0 = time.process_time()
    out = fn(*args)
    return time.process_time() - t0, out


def per_op(fn, reps):
    t0 = time.process_time()
    for _ in range(reps):
        fn()
    return (time.process_time() - t0) / reps


def breakdown(n_msm: int) -> dict:
    """Seconds per call of each primitive."""
    s, p = Scalar.random(), G_TABLE.mul(Scalar.random())
    k_table = FixedBase(p)
    q = G_TABLE.mul(Scalar.random())
    sblob = b"".join(Scalar.random().to_bytes() for _ in range(n_msm))
    pblob = b"".join(G_TABLE.mul(Scalar.random()).to_bytes() for _ in range(n_msm))
    sigma = os.urandom(64)
    return {
        "ct Scalar*Point": per_op(lambda: s * p, 2000),
        "fixed-base G_TABLE.mul": per_op(lambda: G_TABLE.mul(s), 2000),
        "fixed-base FixedBase(K).mul": per_op(lambda: k_table.mul(s), 2000),
        "Point + Point": per_op(lambda: p + q, 5000),
        "Scalar * Scalar": per_op(lambda: s * s, 20000),
        "u_j hash + reduce": per_op(
            lambda: int.from_bytes(digest64("evote/v1/shuffle-u", sigma, u64(7)), "little"),
            20000),
        "msm_vartime_raw per point": per_op(lambda: msm_vartime_raw(sblob, pblob), 3) / n_msm,
        "generator Q_i (hash to group)": per_op(
            lambda: Point.from_uniform_bytes(digest64("evote/v1/shuffle-generator", u64(7))),
            5000),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--mixes", type=int, default=3, help="mix servers in the model")
    args = ap.parse_args()
    x = Scalar.random()
    pk = G_TABLE.mul(x)
    k_table = FixedBase(pk)
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores, shared)")
    print(f"{'N':>8} {'prove s':>9} {'verify s':>9} {'prove/ct ms':>12} "
          f"{'verify/ct ms':>13} {'proof bytes/ct':>15}")
    rows = []
    for n in args.sizes:
        inputs = [encrypt_with_tables(Scalar.from_int(i % 50), Scalar.random(), k_table)
                  for i in range(n)]
        shuffle_mod._GENERATORS.clear()   # each side derives its generators, as a
        tp, (outputs, proof) = cpu(shuffle, pk, inputs)   # server in its own process does
        shuffle_mod._GENERATORS.clear()
        in_blob = b"".join(c.to_bytes() for c in inputs)   # as read from files:
        out_blob = b"".join(c.to_bytes() for c in outputs)  # decoded inside the MSM
        tv, _ = cpu(verify_shuffle, pk, in_blob, out_blob, proof)
        size = len(proof.to_bytes())
        rows.append((n, tp, tv))
        print(f"{n:>8} {tp:>9.2f} {tv:>9.2f} {1e3 * tp / n:>12.3f} {1e3 * tv / n:>13.3f} "
              f"{size / n:>15.1f}")
    n, tp, tv = rows[-1]
    ops = breakdown(8 * n + 8)
    print("\nwhere the time goes (seconds per call x calls per ciphertext):")
    prover = {"ct Scalar*Point": 5, "fixed-base G_TABLE.mul": 4,
              "fixed-base FixedBase(K).mul": 1, "Point + Point": 8, "Scalar * Scalar": 6,
              "u_j hash + reduce": 1, "generator Q_i (hash to group)": 1}
    verifier = {"msm_vartime_raw per point": 8, "u_j hash + reduce": 1,
                "generator Q_i (hash to group)": 1}
    for title, calls, total in (("prover", prover, tp / n), ("verifier", verifier, tv / n)):
        acc = 0.0
        print(f"  {title}: measured {1e6 * total:.0f} us per ciphertext")
        for name, k in calls.items():
            acc += k * ops[name]
            print(f"    {name:<30} {1e6 * ops[name]:8.2f} us x {k} = {1e6 * k * ops[name]:8.1f} us"
                  f"  ({100 * k * ops[name] / total:4.1f}%)")
        print(f"    {'Python glue (the rest)':<30} {1e6 * (total - acc):26.1f} us"
              f"  ({100 * (total - acc) / total:4.1f}%)")
    hours = 3600.0
    print(f"\nmodel, Tehran: {SLOTS:,} slot ciphertexts (3M ballots x 21), "
          f"per-ciphertext figures of N = {n:,}:")
    print(f"  one mix: prove {SLOTS * tp / n / hours:,.1f} CPU-hours, verify "
          f"{SLOTS * tv / n / hours:,.1f} CPU-hours, proof {SLOTS * 160 / 1e9:,.1f} GB "
          f"(+ {SLOTS * 64 / 1e9:,.1f} GB of output ciphertexts)")
    gen = ops["generator Q_i (hash to group)"]
    verify_all = SLOTS * (args.mixes * (tv / n - gen) + gen)
    print(f"  {args.mixes} mixes: prove {args.mixes * SLOTS * tp / n / hours:,.1f} CPU-hours "
          f"(each on its own server), verify all {verify_all / hours:,.1f} CPU-hours "
          f"(generators derived once) = {verify_all / 60 / 40:,.1f} minutes on 40 cores, "
          f"record {args.mixes * SLOTS * 224 / 1e9:,.1f} GB (proofs + outputs)")


if __name__ == "__main__":
    main()
