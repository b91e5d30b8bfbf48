"""A Tehran-shape district verified end to end (issue 15's targets): N ballots of one
plurality contest of 3,000 candidates and 21 choices in choice slots, mixed by two mix
servers, decrypted by 3 of 5 guardians, counted; then the verifier's work on it timed with
--jobs 1 and 2, and the same contest as per-candidate ballots at a smaller N in the same run.

    PYTHONPATH=src python benchmarks/bench_tehran.py                 # N = 100,000 (hours)
    PYTHONPATH=src python benchmarks/bench_tehran.py --ballots 1000 --pc-ballots 20

What is built (not timed as verification; the build times are printed): N slot ballots
(slot_range.encrypt_range_slots, random choices), the mix input (the ballots' slots in
order), m mixes (protocol.shuffle.shuffle, each with its label), t guardians' slot shares
(slot_decryption.compute_slot_shares) and their combination (decrypt_slots).
What is timed, wall clock, for each --jobs value (the verifier's stages, the same work
V8, V19, V20 and V14 do on a record, without the record's files and box signatures):
- ballots: verify_range_slots_batch over batches of 256 ballots, one task per batch;
- mixes: every mix's steps 1-5 (protocol.mix_file.check_mix_steps) and the chain's
  shuffle proofs in one set of chunk tasks (prepare_chain_check, verify_chunk), as V19;
- decryption: verify_slot_decryption with its chunk tasks on the same executor;
- counts: slot_counts from the values.
Tasks run on evote.verify.executors.run_tasks (forked local processes), as in evote verify.
The model: seconds per ballot with 1 job x 3,000,000 / 3,600 = CPU-hours for Tehran's
3 million ballots (target: at most 4 CPU-hours, i.e. under 10 minutes on 40 cores), and
the record's bytes per ballot x 3,000,000 (target: under 50 GB).
"""
import os as _os
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

import nacl.signing  # noqa: E402

from evote.manifest import BallotStyle, Candidate, Contest, District, Manifest  # noqa: E402
from evote.protocol.ballot import contest_selection  # noqa: E402
from evote.protocol.ceremony import run_ceremony  # noqa: E402
from evote.protocol.elgamal import Ciphertext  # noqa: E402
from evote.protocol.encrypt import encrypt_ballot  # noqa: E402
from evote.protocol.mix_file import (MixFile, check_mix_steps,  # noqa: E402
                                     finish_mix_check, list_hash, mix_label,
                                     prepare_chain_check, sign_mix)
from evote.protocol.shuffle import shuffle, verify_chunk  # noqa: E402
from evote.protocol.slot_decryption import (compute_slot_shares, decrypt_slots,  # noqa: E402
                                            slot_counts, verify_slot_decryption)
from evote.protocol.slot_range import (encrypt_range_slots, slot_ciphertexts,  # noqa: E402
                                       verify_range_slots_batch)
from evote.protocol.verify_ballot import verify_ballots_batch  # noqa: E402
from evote.verify.executors import run_tasks  # noqa: E402

BATCH = 256
TEHRAN = 3_000_000
MH = bytes(range(32))
# Module state the forked workers inherit (built before any task runs).
STATE = {}


def _contests(n: int, choices: int):
    cands = tuple(Candidate(i + 1, f"candidate {i}", None) for i in range(n))
    slot = Contest("tehran", "tehran", "d", choices, 0, choices, "plurality", cands,
                   encoding="slots")
    pc = Contest("tehran", "tehran", "d", choices, 0, choices, "plurality", cands,
                 encoding="per-candidate")
    manifest = Manifest("e", "election", "2026-06-19", (District("d", "district", "city"),),
                        (), (pc,), (BallotStyle("s", ("tehran",)),), bytes(32))
    return slot, manifest


def _ballot_task(first: int, last: int) -> int:
    ctx, contest, items = STATE["ctx"], STATE["contest"], STATE["ballots"]
    verify_range_slots_batch(ctx, contest, items[first:last])
    return last - first


def _pc_task(first: int, last: int) -> int:
    verify_ballots_batch(STATE["ctx"], STATE["pc_manifest"], STATE["pc"][first:last])
    return last - first


BUILD_CHUNK = 64


def _build_task(first: int, last: int) -> list:
    """Slot ballots first..last-1 (choices from a generator seeded by the chunk, so the
    ballots do not depend on how many processes build them)."""
    ctx, contest, n, choices = STATE["ctx"], STATE["contest"], STATE["n"], STATE["choices"]
    rng = random.Random(1405 * 1_000_003 + first)
    out = []
    for i in range(first, last):
        codes = rng.sample(range(1, n + 1), rng.randint(0, choices))
        bid = i.to_bytes(8, "big") + bytes(24)
        out.append((bid, encrypt_range_slots(ctx, contest,
                                             contest_selection(contest, codes), bid)[0]))
    return out


def build(n_ballots: int, n: int, choices: int, mixes: int, say,
          build_jobs: int = 1) -> dict:
    ctx, guardians = run_ceremony(MH, 5, 3)
    contest, pc_manifest = _contests(n, choices)
    t0, c0 = time.perf_counter(), _cpu()
    STATE.update(ctx=ctx, contest=contest, n=n, choices=choices)
    spans = [(a, min(a + BUILD_CHUNK, n_ballots)) for a in range(0, n_ballots, BUILD_CHUNK)]
    ballots = [b for part in run_tasks(_build_task, spans, build_jobs, None) for b in part]
    say(f"built {n_ballots} slot ballots in {time.perf_counter() - t0:.1f} s wall, "
        f"{(_cpu() - c0) / max(1, n_ballots) * 1000:.1f} ms CPU each ({build_jobs} processes)")
    blob = b"".join(b"".join(slot_ciphertexts(rc)) for _, rc in ballots)
    keys = [nacl.signing.SigningKey(bytes([k + 1]) * 32) for k in range(mixes)]
    chain, inputs = [], blob
    for k in range(1, mixes + 1):
        t0 = time.perf_counter()
        cts = [Ciphertext.from_bytes(inputs[i:i + 64]) for i in range(0, len(inputs), 64)]
        outs, proof = shuffle(ctx.joint_key, cts,
                              label=mix_label(ctx.base_hash, "tehran", k, f"mix-{k}"))
        out_blob = b"".join(c.to_bytes() for c in outs)
        mix = sign_mix(MixFile("tehran", k, f"mix-{k}", list_hash("tehran", inputs), out_blob,
                               proof, bytes(64)), MH, keys[k - 1])
        chain.append((mix, inputs))
        say(f"mix {k}: {len(cts)} slots shuffled and proved in "
            f"{time.perf_counter() - t0:.1f} s")
        inputs = out_blob
    t0 = time.perf_counter()
    shares = [compute_slot_shares(g, ctx, "tehran", inputs) for g in guardians[:3]]
    dec = decrypt_slots(ctx, "tehran", n, inputs, shares)
    say(f"3 guardians' slot shares and their combination in {time.perf_counter() - t0:.1f} s")
    return {"ctx": ctx, "contest": contest, "ballots": ballots, "chain": chain,
            "keys": keys, "last": inputs, "shares": shares, "dec": dec,
            "pc_manifest": pc_manifest, "n": n, "choices": choices,
            "ballot_bytes": sum(len(rc.to_bytes()) for _, rc in ballots) / max(1, n_ballots),
            "mix_bytes": sum(len(m.to_bytes()) for m, _ in chain),
            "input_bytes": len(blob),   # input.bin's ciphertexts (its header is ~50 bytes)
            "dec_bytes": len(dec.to_bytes()) + sum(len(s.to_bytes()) for s in shares)}


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the task pools' workers)."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


class _Stage:
    def __init__(self, wall: dict, cpu: dict, name: str):
        self.wall, self.cpu, self.name = wall, cpu, name

    def __enter__(self):
        self.t, self.c = time.perf_counter(), _cpu()

    def __exit__(self, *exc):
        self.wall[self.name] = time.perf_counter() - self.t
        self.cpu[self.name] = _cpu() - self.c


def verify_all(jobs: int) -> tuple:
    """(wall seconds per stage, CPU seconds per stage)."""
    s = STATE
    ctx = s["ctx"]
    runner = (lambda fn, args: run_tasks(fn, args, jobs, None))
    times, cpu = {}, {}
    stage = _Stage(times, cpu, "ballots")
    stage.__enter__()
    n = len(s["ballots"])
    spans = [(a, min(a + BATCH, n)) for a in range(0, n, BATCH)]
    assert sum(runner(_ballot_task, spans)) == n
    stage.__exit__()
    stage = _Stage(times, cpu, "mixes")
    stage.__enter__()
    for (mix, inputs), key in zip(s["chain"], s["keys"]):   # steps 1-5, as V19
        check_mix_steps(mix, inputs, manifest_hash=MH, contest_id="tehran", k=mix.k,
                        mix_id=mix.mix_id, server_key=bytes(key.verify_key))
    check = prepare_chain_check([m for m, _ in s["chain"]], s["chain"][0][1],
                                base_hash=ctx.base_hash, joint_key=ctx.joint_key,
                                contest_id="tehran")          # step 6, one chain, as V19
    finish_mix_check(check, runner(verify_chunk, check.tasks))
    stage.__exit__()
    with _Stage(times, cpu, "decryption"):
        verify_slot_decryption(ctx, "tehran", s["n"], s["last"], s["shares"], s["dec"],
                               run=runner)
    with _Stage(times, cpu, "counts"):
        counts = slot_counts(s["dec"])
    assert sum(counts) <= n * s["choices"]
    times["total"], cpu["total"] = sum(times.values()), sum(cpu.values())
    return times, cpu


def per_candidate(n_ballots: int, jobs: int, say) -> dict:
    ctx, contest, manifest = STATE["ctx"], STATE["contest"], STATE["pc_manifest"]
    rng = random.Random(7)
    t0 = time.perf_counter()
    pc = []
    for i in range(n_ballots):
        codes = rng.sample(range(1, STATE["n"] + 1), rng.randint(0, STATE["choices"]))
        pc.append(encrypt_ballot(ctx, manifest, "s", {"tehran": codes},
                                 i.to_bytes(8, "big") + bytes(24))[0])
    enc = (time.perf_counter() - t0) / max(1, n_ballots)
    STATE["pc"] = pc
    say(f"built {n_ballots} per-candidate ballots ({enc * 1000:.0f} ms each)")
    c0 = _cpu()
    spans = [(a, min(a + 32, n_ballots)) for a in range(0, n_ballots, 32)]
    run_tasks(_pc_task, spans, jobs, None)
    return {"verify": (_cpu() - c0) / max(1, n_ballots),     # CPU seconds
            "bytes": len(pc[0].to_bytes()) if pc else 0}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ballots", type=int, default=100_000)
    ap.add_argument("--candidates", type=int, default=3000)
    ap.add_argument("--choices", type=int, default=21)
    ap.add_argument("--mixes", type=int, default=2)
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to time")
    ap.add_argument("--pc-ballots", type=int, default=50,
                    help="per-candidate ballots for the comparison (0: none)")
    ap.add_argument("--build-jobs", type=int, default=os.cpu_count() or 1,
                    help="processes that encrypt the ballots (not timed as verification)")
    a = ap.parse_args(argv)

    def say(line):
        print(line, file=sys.stderr, flush=True)
    STATE.update(build(a.ballots, a.candidates, a.choices, a.mixes, say, a.build_jobs))
    n, slots = a.ballots, a.ballots * a.choices
    print(f"Tehran-shape district: {n:,} ballots, {a.choices} of {a.candidates:,} candidates "
          f"in slots ({slots:,} slot ciphertexts), {a.mixes} mixes, 3 of 5 guardians")
    print("wall seconds per stage (CPU seconds of all processes in brackets); the model "
          "uses CPU seconds")
    print("| --jobs | ballots | mixes | decryption | counts | total | CPU per ballot | "
          "CPU per slot | model: 3M ballots |")
    print("|---|---|---|---|---|---|---|---|---|")
    one = None
    for jobs in [int(x) for x in a.jobs.split(",")]:
        w, c = verify_all(jobs)
        one = one or c
        model = c["total"] / n * TEHRAN / 3600
        print(f"| {jobs} | " + " | ".join(f"{w[k]:.1f} ({c[k]:.1f}) s" for k in
                                        ("ballots", "mixes", "decryption", "counts", "total"))
              + f" | {c['total'] / n * 1000:.2f} ms | {c['total'] / slots * 1e6:.0f} us | "
              f"{model:.1f} CPU-h ({model * 60 / 40:.0f} min on 40 cores) |")
    t = one
    per_ballot_bytes = (STATE["ballot_bytes"] + (STATE["input_bytes"] + STATE["mix_bytes"]
                                                 + STATE["dec_bytes"]) / n)
    print(f"stage shares with 1 job: ballots {t['ballots'] / t['total']:.0%}, mixes "
          f"{t['mixes'] / t['total']:.0%}, decryption {t['decryption'] / t['total']:.0%}")
    print(f"record bytes per ballot: {STATE['ballot_bytes']:,.0f} (ballot) + "
          f"{STATE['input_bytes'] / n:,.0f} (input.bin) + "
          f"{STATE['mix_bytes'] / n:,.0f} (mixes) + {STATE['dec_bytes'] / n:,.0f} (decryption)"
          f" = {per_ballot_bytes:,.0f}; model for 3M ballots: "
          f"{per_ballot_bytes * TEHRAN / 1e9:.1f} GB (target < 50 GB; boxes add their "
          "framing and signatures)")
    if a.pc_ballots:
        pc = per_candidate(a.pc_ballots, 1, say)
        print(f"per-candidate ballots of the same contest (N = {a.pc_ballots}, 1 job): "
              f"verify {pc['verify'] * 1000:.1f} ms CPU per ballot, {pc['bytes']:,} bytes per "
              f"ballot; model for 3M ballots: {pc['verify'] * TEHRAN / 3600:.0f} CPU-h, "
              f"{pc['bytes'] * TEHRAN / 1e12:.1f} TB")


if __name__ == "__main__":
    main()
