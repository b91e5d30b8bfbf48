"""Verifiable shuffle (specs/shuffle.md): prove and verify per ciphertext, where the time
goes, and the model for a Tehran-scale mix (3 million ballots x 21 choice slots).

Run: PYTHONPATH=src python benchmarks/bench_shuffle.py [--sizes 1000 10000 100000]
         [--mixes 2 3] [--before DIR] [--jobs 2] [--chain 2]

Clock: CPU time of the measuring process (time.process_time), one round per size (a
100,000 shuffle takes a minute). The machine is shared: the load average is printed.
Each side derives the generators Q_0..Q_N itself (the prover's cache is cleared before
each timed call), as a mix server or a verifier in its own process does.

--before DIR: DIR is another evote tree with its native module built in place (e.g.
`git archive 016c163b | tar -x -C DIR && cd DIR && python setup.py build_ext --inplace`);
each size is measured there too, in a subprocess, right after this tree's run, with the
same measure() (it uses only shuffle() and verify_shuffle(pk, in_blob, out_blob, proof),
which both versions have): before and after from the same run.

--jobs J: also the verification cut into chunk tasks on J local processes (wall clock,
verify/executors.run_tasks), with the chunk that gives each process work.

--chain K: K mixes in a row of the first size, verified one by one and as one chain
(verify_shuffle_chain: each intermediate list decoded once, each generator mapped once).

The breakdown times each primitive the verifier and prover use, on its own, and
multiplies by how many times the code calls it per ciphertext (specs/shuffle.md 8): what
is left over is Python glue (hashing, big-int coefficients, byte joins).
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from evote.group import G_TABLE, FixedBase, Point, Scalar, msm_vartime_raw
from evote.hashing import digest64, u64
from evote.protocol import shuffle as shuffle_mod
from evote.protocol.elgamal import encrypt_with_tables
from evote.protocol.shuffle import shuffle, verify_shuffle

SLOTS = 3_000_000 * 21  # Tehran: 3 million ballots x 21 choice slots (issue 15)


def measure(n: int) -> dict:
    """CPU seconds of shuffle and verify_shuffle for n ciphertexts, and the proof size."""
    pk = G_TABLE.mul(Scalar.random())
    k_table = FixedBase(pk)
    inputs = [encrypt_with_tables(Scalar.from_int(i % 50), Scalar.random(), k_table)
              for i in range(n)]
    shuffle_mod._GENERATORS.clear()
    t0 = time.process_time()
    outputs, proof = shuffle(pk, inputs)
    tp = time.process_time() - t0
    shuffle_mod._GENERATORS.clear()
    in_blob = b"".join(c.to_bytes() for c in inputs)     # as read from files: decoded
    out_blob = b"".join(c.to_bytes() for c in outputs)   # inside the MSM
    t0 = time.process_time()
    verify_shuffle(pk, in_blob, out_blob, proof)
    tv = time.process_time() - t0
    return {"n": n, "prove": tp, "verify": tv, "proof_bytes": len(proof.to_bytes()),
            "pk": pk.to_bytes().hex(), "_data": (pk, in_blob, out_blob, proof)}


def measure_elsewhere(tree: str, n: int) -> dict:
    """measure(n) in a subprocess importing evote from tree/src."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(Path(tree) / "src"), str(Path(__file__).resolve().parent)]))
    code = ("import json, bench_shuffle as b; r = b.measure(%d); r.pop('_data'); "
            "print(json.dumps(r))" % n)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def per_op(fn, reps):
    t0 = time.process_time()
    for _ in range(reps):
        fn()
    return (time.process_time() - t0) / reps


def breakdown(n_msm: int) -> dict:
    """Seconds per call (or per point) of each primitive."""
    from evote.group import msm_uniform_vartime_raw
    from evote.hashing import HashPrefix
    s, p = Scalar.random(), G_TABLE.mul(Scalar.random())
    k_table = FixedBase(p)
    q = G_TABLE.mul(Scalar.random())
    sblob = b"".join(Scalar.random().to_bytes() for _ in range(n_msm))
    pblob = b"".join(G_TABLE.mul(Scalar.random()).to_bytes() for _ in range(n_msm))
    ublob = os.urandom(64 * n_msm)
    head = HashPrefix("evote/v1/shuffle-u", os.urandom(64))
    return {
        "ct Scalar*Point": per_op(lambda: s * p, 2000),
        "fixed-base G_TABLE.mul": per_op(lambda: G_TABLE.mul(s), 2000),
        "fixed-base FixedBase(K).mul": per_op(lambda: k_table.mul(s), 2000),
        "fixed-base mul2 (G, Q)": per_op(lambda: G_TABLE.mul2(s, k_table, s), 2000),
        "Point + Point": per_op(lambda: p + q, 5000),
        "Scalar * Scalar": per_op(lambda: s * s, 20000),
        "hash (u_j or h_i input)": per_op(lambda: head.digest64(u64(7)), 20000),
        "generator Q_i (Python)": per_op(
            lambda: Point.from_uniform_bytes(digest64("evote/v1/shuffle-generator", u64(7))),
            3000),
        "msm_vartime_raw per point": per_op(lambda: msm_vartime_raw(sblob, pblob), 2) / n_msm,
        "msm_uniform per generator": per_op(
            lambda: msm_uniform_vartime_raw(sblob, ublob), 2) / n_msm,
    }


def chunked_wall(data, jobs: int) -> float:
    from evote.verify.executors import run_tasks
    pk, in_blob, out_blob, proof = data
    chunk = max(1, -(-proof.n // (4 * jobs)))
    t0 = time.perf_counter()
    verify_shuffle(pk, in_blob, out_blob, proof, chunk=chunk,
                   map_tasks=lambda fn, args: run_tasks(fn, args, jobs=jobs))
    return time.perf_counter() - t0


def chain_rows(n: int, k: int) -> dict:
    """CPU seconds per ciphertext per mix of k mixes of n ciphertexts verified one by one
    (verify_shuffle) and as one chain (verify_shuffle_chain), best of 3, interleaved."""
    from evote.protocol.shuffle import verify_shuffle_chain
    pk = G_TABLE.mul(Scalar.random())
    k_table = FixedBase(pk)
    lists = [[encrypt_with_tables(Scalar.from_int(i % 50), Scalar.random(), k_table)
              for i in range(n)]]
    proofs, labels = [], []
    for j in range(k):
        out, proof = shuffle(pk, lists[-1], label=b"mix %d" % j)
        lists.append(out)
        proofs.append(proof)
        labels.append(b"mix %d" % j)
    blobs = [b"".join(c.to_bytes() for c in x) for x in lists]
    best = {"one by one": 1e9, "chain": 1e9}
    for _ in range(3):
        t0 = time.process_time()
        for j in range(k):
            verify_shuffle(pk, blobs[j], blobs[j + 1], proofs[j], label=labels[j])
        best["one by one"] = min(best["one by one"], time.process_time() - t0)
        t0 = time.process_time()
        verify_shuffle_chain(pk, blobs, proofs, labels)
        best["chain"] = min(best["chain"], time.process_time() - t0)
    return {name: t / (n * k) for name, t in best.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--mixes", type=int, nargs="+", default=[2, 3],
                    help="mix servers in the model")
    ap.add_argument("--before", metavar="DIR", help="another evote tree to compare with")
    ap.add_argument("--jobs", type=int, default=0, help="also time chunked verification")
    ap.add_argument("--chain", type=int, default=0, metavar="K",
                    help="also K mixes of the first size verified one by one and as a chain")
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores, shared)")
    print(f"{'N':>8} {'tree':>7} {'prove s':>9} {'verify s':>9} {'prove/ct ms':>12} "
          f"{'verify/ct us':>13} {'proof bytes/ct':>15}")
    rows = []
    for n in args.sizes:
        runs = [("this", measure(n))]
        if args.before:
            runs.append(("before", measure_elsewhere(args.before, n)))
        for tree, r in runs:
            print(f"{n:>8} {tree:>7} {r['prove']:>9.2f} {r['verify']:>9.2f} "
                  f"{1e3 * r['prove'] / n:>12.3f} {1e6 * r['verify'] / n:>13.1f} "
                  f"{r['proof_bytes'] / n:>15.1f}", flush=True)
        if args.jobs:
            wall = chunked_wall(runs[0][1]["_data"], args.jobs)
            print(f"{n:>8} {'chunked':>7} {'':>9} {wall:>9.2f} {'':>12} "
                  f"{1e6 * wall / n:>13.1f}   wall clock, {args.jobs} processes", flush=True)
        rows.append(runs[0][1])
    if args.chain:
        n0 = args.sizes[0]
        r = chain_rows(n0, args.chain)
        print(f"\n{args.chain} mixes of N = {n0:,}, verify per ciphertext per mix (best of 3): "
              f"one by one {1e6 * r['one by one']:.1f} us, as one chain {1e6 * r['chain']:.1f} us")
    last = rows[-1]
    n, tp, tv = last["n"], last["prove"], last["verify"]
    ops = breakdown(min(6 * n, 600_000))
    print("\nwhere the time goes (seconds per call x calls per ciphertext), this tree:")
    # per ciphertext: wp*h, wp*alpha', wp*beta' (constant time); rho*G, r*G; the chain
    # a*G + b*Q; rho*K; 6 additions (outputs 2, commitment, t_3, t_4a, t_4b); scalars:
    # a_i, b_i, rtilde, rho~, e*wp (2), rhat_e, sp
    prover = {"ct Scalar*Point": 3, "fixed-base G_TABLE.mul": 2, "fixed-base mul2 (G, Q)": 1,
              "fixed-base FixedBase(K).mul": 1, "Point + Point": 6, "Scalar * Scalar": 9,
              "hash (u_j or h_i input)": 1, "generator Q_i (Python)": 1}
    verifier = {"msm_vartime_raw per point": 6, "msm_uniform per generator": 1,
                "hash (u_j or h_i input)": 2}
    for title, calls, total in (("prover", prover, tp / n), ("verifier", verifier, tv / n)):
        acc = 0.0
        print(f"  {title}: measured {1e6 * total:.1f} us per ciphertext")
        for name, k in calls.items():
            acc += k * ops[name]
            print(f"    {name:<30} {1e6 * ops[name]:8.2f} us x {k} = {1e6 * k * ops[name]:8.1f} us"
                  f"  ({100 * k * ops[name] / total:4.1f}%)")
        print(f"    {'Python glue (the rest)':<30} {1e6 * (total - acc):26.1f} us"
              f"  ({100 * (total - acc) / total:4.1f}%)")
    hours = 3600.0
    size = last["proof_bytes"] / n
    print(f"\nmodel, Tehran: {SLOTS:,} slot ciphertexts (3M ballots x 21), "
          f"per-ciphertext figures of N = {n:,}:")
    print(f"  one mix: prove {SLOTS * tp / n / hours:,.1f} CPU-hours, verify "
          f"{SLOTS * tv / n / hours:,.2f} CPU-hours, proof {SLOTS * size / 1e9:,.1f} GB "
          f"(+ {SLOTS * 64 / 1e9:,.1f} GB of output ciphertexts)")
    for m in args.mixes:
        verify_all = m * SLOTS * tv / n
        print(f"  {m} mixes: prove {m * SLOTS * tp / n / hours:,.1f} CPU-hours (each on its "
              f"own server), verify all {verify_all / hours:,.2f} CPU-hours = "
              f"{verify_all / 60 / 40:,.1f} minutes on 40 cores, record "
              f"{m * SLOTS * (size + 64) / 1e9:,.1f} GB (proofs + outputs)")


if __name__ == "__main__":
    main()
