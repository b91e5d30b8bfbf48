"""The station work on slot ballots, with the boxes' real files: what the verifier's station
task (evote.verify.station.verify_station: V5-V10, the V9 fingerprints, the station's part
of the mix input) and the tally centre's box pass (evote.tally.tally_boxes: the same checks
and the mix input) cost per ballot, against the slot batch verification alone
(slot_range.verify_range_slots_batch, what benchmarks/bench_tehran.py times for V8), in the
same run. The difference is the box itself: reading, Ed25519 signatures, the chain,
decoding, fingerprints and the mix input.

    PYTHONPATH=src python benchmarks/bench_slot_station.py              # 21 of 3,000, 128 ballots
    PYTHONPATH=src python benchmarks/bench_slot_station.py --ballots 32 --candidates 200

One station, one box of B CAST ballots of one plurality contest in choice slots; each
ballot chooses L random candidates. Wall clock (time.perf_counter), one process, best of
--rounds; the building of the box is not timed.
"""
import os as _os
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import nacl.signing  # noqa: E402

from evote.ballotbox import issue_certificate, open_box  # noqa: E402
from evote.canonical_json import canonical_json_bytes  # noqa: E402
from evote.manifest import (BallotStyle, Candidate, Contest, District, Manifest,  # noqa: E402
                            MixServer, Station)
from evote.protocol.ceremony import run_ceremony  # noqa: E402
from evote.protocol.encrypt import encrypt_ballot  # noqa: E402
from evote.protocol.slot_range import verify_range_slots_batch  # noqa: E402
from evote.tally import tally_boxes  # noqa: E402
from evote.verify.station import verify_station  # noqa: E402


def build(n_candidates: int, choices: int, n_ballots: int, directory: str):
    authority = nacl.signing.SigningKey(bytes([1]) * 32)
    mix = nacl.signing.SigningKey(bytes([3]) * 32)
    contest = Contest("council", "شورای شهر", "d", choices, 0, choices, "plurality",
                      tuple(Candidate(10_000 + i, f"نامزد {i}") for i in range(n_candidates)),
                      encoding="slots")
    manifest = Manifest("bench", "انتخابات", "2026-06-19", (District("d", "شهر", "city"),),
                        (Station("st", "شعبه", "d", "s"),), (contest,),
                        (BallotStyle("s", ("council",)),), bytes(authority.verify_key),
                        mix_servers=(MixServer("mix-1", bytes(mix.verify_key)),))
    context, _ = run_ceremony(manifest.hash(), 3, 2)
    key = nacl.signing.SigningKey(bytes([2]) * 32)
    cert = issue_certificate(authority, election_hash=manifest.hash(), station_id="st",
                             kiosk_id="k1", kiosk_key=bytes(key.verify_key))
    os.makedirs(os.path.join(directory, "boxes", "st"))
    box = open_box(os.path.join(directory, "boxes", "st", "k1.box"), kiosk_key=key,
                   certificate=cert, authority_key=bytes(authority.verify_key), durable=False)
    rng, items = random.Random(1), []
    try:
        for _ in range(n_ballots):
            bid = box.next_ballot_id()
            ballot, _ = encrypt_ballot(context, manifest, "s",
                                       {"council": rng.sample(contest.codes, choices)}, bid)
            box.cast(bid, ballot.to_bytes())
            items.append((bid, ballot.contests[0]))
        box.close()
    finally:
        box.release()
    return manifest, context, contest, items, bytes(authority.verify_key)


def best(fn, rounds: int) -> float:
    out = None
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        dt = time.perf_counter() - t
        out = dt if out is None else min(out, dt)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--candidates", type=int, default=3000)
    ap.add_argument("--choices", type=int, default=21)
    ap.add_argument("--ballots", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        manifest, context, contest, items, auth = build(a.candidates, a.choices, a.ballots, d)
        print(f"built one box of {a.ballots} ballots ({a.choices} of {a.candidates}) in "
              f"{time.perf_counter() - t:.1f} s")
        m_bytes = manifest.to_canonical_bytes()
        c_bytes = canonical_json_bytes(context.to_json_obj())
        rel = "boxes/st/k1.box"
        out = verify_station(d, "st", (rel,), m_bytes, c_bytes)
        assert not out["failures"], out["failures"]
        run = tally_boxes(manifest, context, [os.path.join(d, rel)], auth, jobs=1,
                          progress=False)
        assert run.ok and run.slot_inputs["council"] == out["slot_inputs"]["council"]
        batch = best(lambda: verify_range_slots_batch(context, contest, items), a.rounds)
        station = best(lambda: verify_station(d, "st", (rel,), m_bytes, c_bytes), a.rounds)
        tally = best(lambda: tally_boxes(manifest, context, [os.path.join(d, rel)], auth,
                                         jobs=1, progress=False), a.rounds)
        per = 1e3 / a.ballots
        print(f"slot batch alone (V8's proofs)   {batch * per:7.2f} ms/ballot  1.00x")
        print(f"verifier's station task          {station * per:7.2f} ms/ballot  "
              f"{station / batch:.2f}x")
        print(f"tally centre's box pass          {tally * per:7.2f} ms/ballot  "
              f"{tally / batch:.2f}x")
        print(f"mix input: {len(out['slot_inputs']['council']) // a.ballots} bytes per ballot "
              f"(L x 64), identical from both passes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
