"""Power loss, simulated, the long run (specs/ballot-box.md section 11; the default suite
runs the same loop for a few seconds in tests/test_ballotbox_powercut.py).

Kiosk days on tests/powercut_storage.SimDisk: casts, challenges and a CLOSE, with and
without a mirror, the power cut at a random storage operation (also inside creation,
recovery and close) every 1..40 operations; after every reopen every acknowledged record
(and an acknowledged CLOSE) must be in every copy. Prints the figures; exits 1 if a record
was lost or a box stopped after nothing but power cuts.

    PYTHONPATH=src python benchmarks/bench_powercut.py [--seconds 120] [--seed N]
                                                       [--max-records 40]
"""
import argparse
import logging
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

from powercut_storage import run_powercuts  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=None, help="default: random (printed)")
    ap.add_argument("--max-records", type=int, default=40,
                    help="records per box before it is closed (default 40)")
    args = ap.parse_args(argv)
    if not 0 < args.seconds <= 7 * 24 * 3600 or not 2 <= args.max_records <= 100_000:
        ap.error("--seconds must be in (0, 604800], --max-records in [2, 100000]")
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    logging.getLogger("evote.ballotbox").setLevel(logging.ERROR)  # each repair logs
    root = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(dir=root, prefix="evote-powercut-") as d:
        t = time.monotonic()
        tally = run_powercuts(d, seconds=args.seconds, seed=seed,
                              max_records=args.max_records)
        elapsed = time.monotonic() - t
    print(f"seed                      {seed}")
    print(f"seconds                   {elapsed:.1f}")
    print(f"simulated power cuts      {tally.cuts}")
    print(f"kiosk boxes (days)        {tally.boxes} ({tally.reopens} reopens, "
          f"{tally.operations} storage operations)")
    print(f"acknowledged records      {tally.acknowledged}")
    print(f"records lost              {tally.lost}")
    print(f"boxes stopped             {tally.stopped}")
    for line in tally.failures[:10]:
        print("  " + line)
    return 1 if tally.lost or tally.stopped else 0


if __name__ == "__main__":
    sys.exit(main())
