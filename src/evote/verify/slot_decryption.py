"""Check V20, the slot decryption (specs/slot-decryption.md 5; specs/record.md 8).

    check_slot_decryption(r)     # r: verify.run._Run, after V19 (mixes.py)

For each slot contest of the manifest, in manifest order (one item each):
1. V19 passed for it (r.mixed names its last mix): the list V20 decrypts is that mix's
   outputs, which V19 tied to the ballots; otherwise V20 cannot check it (not run);
2. with no ballot (an empty list): no shares.bin and no decryption.bin; counts all zero;
3. otherwise mix/<C>/shares.bin and mix/<C>/decryption.bin parse, the contest has at
   least the privacy floor of ballots, and protocol.slot_decryption.verify_slot_decryption
   accepts them: every guardian's batched proof, at least t guardians, every value and
   mark, in one MSM whose chunk tasks run on executors.run_tasks (--jobs, --scheduler);
   on failure its exact pass names the guardian or the slot.
r.slot_counts = {district id: (ContestCounts, ...)} of the contests when all pass (V14
adds them to the decrypted counts), else None. Also fails: a slot decryption file under
mix/<C>/ for a C that is not a slot contest. Never raises for anything in the record.
"""
from __future__ import annotations

import os

from ..errors import EvoteError
from ..record import layout
from .executors import run_tasks

V20 = "V20"


def _runner(r):
    return lambda fn, tasks: run_tasks(fn, tasks, r.jobs, r.scheduler)


def check_slot_decryption(r) -> None:
    from ..election.mix import MAX_MIX_FILE, read_sized
    from ..election.slot_shares import (DECRYPTION_NAME, SHARES_NAME, decryption_path,
                                        read_slot_decryption, shares_path,
                                        slot_contest_counts)
    from ..protocol.mix_file import MixFile
    from ..protocol.slot_decryption import verify_slot_decryption
    v20 = r.c(V20)
    r.slot_counts = {}
    m = r.manifest
    slots = tuple(getattr(m, "slot_contests", ()))
    ids = {c.contest_id for c in slots}
    for rel in sorted(r.present):
        parts = rel.split("/")
        if len(parts) == 3 and parts[0] == layout.MIX_DIR and \
                parts[2] in (SHARES_NAME, DECRYPTION_NAME) and parts[1] not in ids:
            v20.checked += 1
            v20.fail(rel, f"contest {parts[1]!r} is not a slot contest of the manifest: it "
                     "has no slot decryption")
    if not slots:
        return
    r.slot_counts = None
    if r.context is None:
        v20.not_run_reason = "the election context is not valid (V4)"
        return
    counts: dict = {}
    unchecked = []
    for contest in slots:
        cid = contest.contest_id
        last = getattr(r, "mixed", {}).get(cid)
        if last is None:
            unchecked.append(cid)
            continue
        v20.checked += 1
        rel_s, rel_d = shares_path(cid), decryption_path(cid)
        try:
            outputs = MixFile.from_bytes(read_sized(os.path.join(r.dir, *last.split("/")),
                                                    last, MAX_MIX_FILE), last).outputs
        except EvoteError as exc:
            v20.fail(last, str(exc))
            continue
        unit = 64 * contest.max_choices
        if len(outputs) % unit:
            v20.fail(last, f"{len(outputs) // 64} slot ciphertexts is not a whole number "
                     f"of ballots of {contest.max_choices} slots")
            continue
        ballots = len(outputs) // unit
        files = [rel for rel in (rel_s, rel_d) if rel in r.present]
        if not outputs:
            for rel in files:
                v20.fail(rel, f"contest {cid!r} has no ballot: nothing is decrypted")
            if not files:
                counts.setdefault(contest.district_id, []).append(
                    slot_contest_counts(contest, None, 0))
            continue
        if ballots < m.privacy_floor:
            v20.fail(rel_d, f"contest {cid!r}: {ballots} ballots, below the privacy floor "
                     f"of {m.privacy_floor}: it must never be decrypted" +
                     (" (it is)" if files else ", so it has no counts"))
            continue
        if len(files) < 2:
            for rel in (rel_s, rel_d):
                if rel not in files:
                    v20.fail(rel, f"missing: slot contest {cid!r} is not decrypted "
                             "(evote combine writes it)")
            continue
        try:
            shares, dec = read_slot_decryption(r.dir, cid)
            verify_slot_decryption(r.context, cid, len(contest.candidates), outputs,
                                   shares, dec, run=_runner(r))
        except EvoteError as exc:
            msg = str(exc)
            v20.fail(rel_s if "slot shares" in msg else rel_d, msg)
            continue
        counts.setdefault(contest.district_id, []).append(
            slot_contest_counts(contest, dec, ballots))
    if unchecked:
        if not v20.failures:
            v20.not_run_reason = (f"the mixes of slot contest(s) {', '.join(unchecked)} "
                                  "are not all valid (V19)")
        return
    if not v20.failures:
        r.slot_counts = {did: tuple(items) for did, items in counts.items()}
