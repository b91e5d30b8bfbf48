"""One run, every peer live, side by side: the tables of benchmarks/README.md and the
README's speed claims, all from the same run (issue 17).

    sh benchmarks/peers/setup_peers.sh          # once: ElectionGuard venv, belenios-tool
    python benchmarks/run_all.py                # prints the tables (about 20 minutes)
    python benchmarks/run_all.py --write        # ... and writes them into the READMEs
    python benchmarks/run_all.py --quick        # 1 pair, smaller batches (a smoke run)

Anchors, each measured in this run where it runs here: libsodium's ristretto255 (the
system library), ElectionGuard 1.4.0 (its own API, in its Python 3.10 venv), Belenios 2.0
(belenios-tool). Where one cannot run, its rows say "not run" and why; no figure from
another day is divided into one of this run's.

Method (benchmarks/peers/interleave.py): interleaved pairs evote, peer, evote, ...; each
peer run's ratio uses the mean of the two evote runs around it; medians and minimums both
shown; the 1-minute load average read at every pair. Clock: CPU time of the process that
did the work (ElectionGuard's decryption pool is made serial, so every side uses one core).
"""
import os as _os
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no BLAS pool spinning in the CPU clock

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "peers"))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import belenios_election  # noqa: E402
import report  # noqa: E402
import sodium_ristretto  # noqa: E402
from eg_client import DEFAULT_VENV, ElectionGuard  # noqa: E402
from evote import _bindings  # noqa: E402
from evote_shapes import Shape  # noqa: E402
from interleave import interleave, load_average  # noqa: E402

SHAPES = [(50, 9), (200, 21)]
TEHRAN = (3000, 21)
EVOTE_REPS = {50: 20, 200: 5, 3000: 1}  # ballots per evote run (about 0.1 s of work)


def shape_name(n, big_l):
    return f"{big_l} of {n}"


def size_row(name, evote_bytes, peer_bytes):
    return {"name": name, "evote_median": evote_bytes, "evote_min": evote_bytes,
            "peer_median": peer_bytes, "peer_min": peer_bytes,
            "ratio_median": peer_bytes / evote_bytes, "ratio_low": peer_bytes / evote_bytes,
            "ratio_high": peer_bytes / evote_bytes,
            "ratio_of_minimums": peer_bytes / evote_bytes, "pairs": 1,
            "loads": [load_average()], "unit": "bytes"}


def not_run_row(name, why, evote_fig=None):
    row = {"name": name, "not_run": why, "loads": []}
    if evote_fig is not None:
        row.update(evote_median=evote_fig, evote_min=evote_fig)
    return row


def group_rows(pairs, log):
    rows, info = {}, {}
    try:
        lib = sodium_ristretto.load()
    except OSError as exc:
        for op in ("scalar multiplication (core)", "scalar multiplication (API)"):
            rows[f"{op} vs libsodium"] = not_run_row(f"{op} vs libsodium",
                                                     f"libsodium not found: {exc}")
        return rows, info
    info["libsodium"] = sodium_ristretto.version(lib)
    ops = sodium_ristretto.Operations(lib)   # checks evote == libsodium byte for byte
    per = sodium_ristretto.per_op
    info["ffi_call_overhead_us"] = per(ops.call_overhead(), 20000) * 1e6
    for label, make, k in (("scalar multiplication", ops.scalarmult, 2000),
                           ("fixed-base multiplication", ops.scalarmult_base, 5000),
                           ("decode (is_valid_point)", ops.decode, 20000),
                           ("hash to group (from_hash)", ops.from_hash, 5000)):
        core, api, sodium = make()
        for side, fn in (("core", core), ("API", api)):
            name = f"{label} ({side}) vs libsodium"
            log(name)
            fig = interleave(name, lambda: per(fn, k, 1), lambda: per(sodium, k, 1),
                             pairs, log, evote_over_peer=True)
            rows[name] = dict(fig.summary(), unit="s", group=True)
    return rows, info


def ballot_rows(pairs, eg, eg_missing, bel_dir, tehran_peers, use_belenios, log):
    rows, info = {}, {}
    why_bel = belenios_election.available() if use_belenios else "left out (--no-belenios)"
    info["belenios"] = "not run: " + why_bel if why_bel else "belenios-tool 2.0 (Debian)"
    if not why_bel:
        info["belenios_baseline_s"] = belenios_election.baseline()
    for n, big_l in SHAPES + [TEHRAN]:
        sh = shape_name(n, big_l)
        tehran = (n, big_l) == TEHRAN
        p = 1 if tehran else pairs
        ev = Shape(n, big_l)
        ev.check_verifier_refuses()
        reps = EVOTE_REPS[n]
        # ---- the peers' setups (untimed)
        eg_here, eg_why = eg is not None, eg_missing
        if tehran and not tehran_peers:
            eg_here, eg_why = False, "left out (--no-tehran-peers)"
        if eg_here:
            try:
                eg.ask(op="setup", n=n, l=big_l)
            except Exception as exc:
                eg_here, eg_why = False, str(exc)
        bel = None
        bel_why = why_bel or ("left out (--no-tehran-peers)" if tehran and not tehran_peers
                              else "")
        if not bel_why:
            try:
                bel = belenios_election.BeleniosElection(
                    n, big_l, os.path.join(bel_dir, f"{n}x{big_l}"), voters=p + 1)
            except Exception as exc:
                bel_why = str(exc)
        peers = [("ElectionGuard", eg_here, eg_why), ("Belenios", bel is not None, bel_why)]
        # ---- encrypt, verify
        for fig_name, evote_fn, eg_op, bel_fn in (
                ("encrypt", lambda: ev.encrypt(reps), "encrypt", bel and bel.encrypt),
                ("verify", lambda: ev.verify(reps), "verify", bel and bel.verify_one)):
            for peer, here, why in peers:
                name = f"{fig_name} {sh} vs {peer}"
                log(name)
                if not here:
                    fig = interleave(name, evote_fn, None, 1, log)
                    fig.not_run = why
                    rows[name] = dict(fig.summary(), unit="s")
                    continue
                if peer == "ElectionGuard":
                    # A changed ballot must be refused: checked once per shape, except the
                    # Tehran one (the same code; its check would add minutes of work).
                    def peer_fn(op=eg_op):
                        return eg.ask(op=op, n=n, l=big_l, reps=1,
                                      check_refusal=not tehran)["cpu"]
                else:
                    peer_fn = bel_fn
                rows[name] = dict(interleave(name, evote_fn, peer_fn, p, log).summary(),
                                  unit="s")
        # ---- size
        size = ev.size()
        for peer, here, why in peers:
            name = f"size {sh} vs {peer}"
            if not here:
                rows[name] = not_run_row(name, why, size)
                rows[name]["unit"] = "bytes"
                continue
            try:
                other = (eg.ask(op="size", n=n, l=big_l)["bytes"] if peer == "ElectionGuard"
                         else bel.size())
                rows[name] = size_row(name, size, other)
            except Exception as exc:
                rows[name] = not_run_row(name, str(exc), size)
        # ---- tally decryption, 3 of 5
        for peer, here, why in peers:
            name = f"decrypt {sh} vs {peer}"
            log(name)
            if tehran and here:
                here, why = False, ("a 3,000-candidate tally takes this peer about 15 times "
                                    "its 200-candidate figure, per run")
            if not here:
                fig = interleave(name, ev.decrypt, None, 1, log)
                fig.not_run = why
                rows[name] = dict(fig.summary(), unit="s")
                continue
            peer_fn = ((lambda: eg.ask(op="decrypt", n=n, l=big_l)["cpu"])
                       if peer == "ElectionGuard" else bel.decrypt)
            rows[name] = dict(interleave(name, ev.decrypt, peer_fn, p, log).summary(),
                              unit="s")
    return rows, info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=3, help="interleaved pairs per ballot figure")
    ap.add_argument("--group-pairs", type=int, default=9, help="pairs per group figure")
    ap.add_argument("--quick", action="store_true", help="one pair each (a smoke run)")
    ap.add_argument("--write", action="store_true",
                    help="write the tables into benchmarks/README.md and README.md")
    ap.add_argument("--eg-venv", default=DEFAULT_VENV)
    ap.add_argument("--no-eg", action="store_true", help="leave ElectionGuard out")
    ap.add_argument("--no-belenios", action="store_true", help="leave Belenios out")
    ap.add_argument("--no-tehran-peers", action="store_true",
                    help="evote alone on the 21-of-3,000 shape")
    ap.add_argument("--save", metavar="JSON", help="also save this run's figures to JSON")
    ap.add_argument("--from-json", metavar="JSON",
                    help="measure nothing: render (and with --write, write) a saved run")
    args = ap.parse_args(argv)
    if args.from_json:
        run = json.load(open(args.from_json, encoding="utf-8"))
        print(report.render(run))
        print()
        print(report.speed_claims(run))
        if args.write:
            report.write(run, os.path.join(HERE, "README.md"), os.path.join(ROOT, "README.md"),
                         os.path.join(HERE, "last_run.json"))
        return
    pairs = 1 if args.quick else args.pairs
    gpairs = 2 if args.quick else args.group_pairs
    log = (lambda *a: print(*a, flush=True))
    started = datetime.datetime.now(datetime.timezone.utc)
    meta = {"started": started.strftime("%Y-%m-%d %H:%M UTC"),
            "command": " ".join(["python benchmarks/run_all.py"] + (argv or sys.argv[1:])),
            "load_start": os.getloadavg(), "cpus": os.cpu_count(),
            "machine": platform.machine(), "python": platform.python_version(),
            "evote_core": _bindings.core_version(), "pairs": pairs, "group_pairs": gpairs}
    rows, info = group_rows(gpairs, log)
    eg = None
    if args.no_eg:
        info["eg_why"] = "left out (--no-eg)"
    else:
        try:
            eg = ElectionGuard(args.eg_venv)
            info["electionguard"] = f"ElectionGuard {eg.version} (Python {eg.python}, gmpy2)"
        except Exception as exc:
            info["eg_why"] = f"ElectionGuard not available: {exc}"
    with tempfile.TemporaryDirectory(prefix="evote-belenios-") as bel_dir:
        try:
            more, more_info = ballot_rows(pairs, eg, info.get("eg_why", ""), bel_dir,
                                          not args.no_tehran_peers, not args.no_belenios, log)
        finally:
            if eg is not None:
                eg.close()
    rows.update(more)
    info.update(more_info)
    meta["load_end"] = os.getloadavg()
    meta["finished"] = datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M UTC")
    meta.update(info)
    run = {"meta": meta, "rows": rows}
    if args.save:
        with open(args.save, "w", encoding="utf-8") as f:
            json.dump(run, f, indent=1, sort_keys=True)
    print(report.render(run))
    print()
    print(report.speed_claims(run))
    if args.write:
        report.write(run, os.path.join(HERE, "README.md"), os.path.join(ROOT, "README.md"),
                     os.path.join(HERE, "last_run.json"))
        print("written: benchmarks/README.md, README.md (Speed), benchmarks/last_run.json")


if __name__ == "__main__":
    main()
