"""Check V19, the mixes of the slot contests (specs/mix.md 6; specs/record.md 8).

    check_mixes(r)      # r: verify.run._Run, after the station tasks

For each slot contest of the manifest, in manifest order:
1. mix/<C>/input.bin parses, names C, and its ciphertexts are byte for byte the list
   recomputed from the station tasks (recomputed_inputs: each station's slot ciphertexts
   of the CAST ballots that verified in boxes that are not faulty or excluded,
   concatenated in the order of specs/record.md 6.1);
2. the mix files are exactly 1-<id_1>.bin .. m-<id_m>.bin for the manifest's mix servers;
3. each mix is valid at its place (protocol.mix_file.check_mix), chained from input.bin.

Steps 1-5 of each mix run here (prepare_mix); step 6, the shuffle proofs, is cut into
the shuffle verification's chunk tasks (protocol.shuffle.verify_chunk, pure functions of
bytes): one chain check per contest when all its mixes passed steps 1-5 (every
intermediate list decoded once, protocol.shuffle.prepare_verify_chain; a failure names
its mix), else one check per mix; all tasks in one executors.run_tasks call, so --jobs
and --scheduler apply; each verdict comes from its own tasks' results in task order, so
the report does not depend on scheduling. r.mixed[C] is the last mix's outputs (the list V20 decrypts) for
each contest whose every step passed, and is absent otherwise.

Never raises for anything in the record: each problem is a failure at its path.
"""
from __future__ import annotations

import os
import re

from ..errors import EvoteError
from ..record import layout
from .executors import run_tasks

V19 = "V19"


def slot_contests(manifest) -> tuple:
    return tuple(getattr(manifest, "slot_contests", ()))


def mix_paths(present) -> dict:
    """contest id -> {"input": rel or None, "mixes": {k: (mix_id, rel)}, "dupes": [rel]}
    over the record's files (parse_mix_path); paths under mix/ it does not name are V1's."""
    out: dict = {}
    for rel in sorted(present):
        kind = layout.parse_mix_path(rel)
        if kind is None:
            continue
        entry = out.setdefault(kind[1], {"input": None, "mixes": {}, "dupes": []})
        if kind[0] == "input":
            entry["input"] = rel
        elif kind[2] in entry["mixes"]:
            entry["dupes"].append(rel)
        else:
            entry["mixes"][kind[2]] = (kind[3], rel)
    return out


def recomputed_inputs(r) -> dict:
    """contest id -> the slot ciphertexts the verifier recomputed (bytes; the one
    definition, tally.slot_inputs.mix_inputs, over each station task's part), or
    {} when a station task returned none."""
    from ..tally.slot_inputs import mix_inputs
    stations = {}
    for o in r.outputs:
        if "slot_inputs" not in o:
            return {}
        stations[o["station_id"]] = o["slot_inputs"]
    try:
        return mix_inputs(r.manifest, stations)
    except EvoteError:   # a station's part is not whole ballots: named by _check_input
        return {}


def _first_difference(have: bytes, want: bytes) -> str:
    n_have, n_want = len(have) // 64, len(want) // 64
    for i in range(min(n_have, n_want)):
        if have[64 * i:64 * i + 64] != want[64 * i:64 * i + 64]:
            return (f"ciphertext {i} differs from the recomputed list's (a replaced, added, "
                    "dropped or reordered slot ciphertext)")
    return (f"{n_have} ciphertexts, but the counted CAST ballots' slots are {n_want} "
            "(ciphertexts added or dropped at the end)")


def _read(directory, rel, limit):
    from ..election.mix import read_sized
    return read_sized(os.path.join(directory, *rel.split("/")), rel, limit)


def prepare_mix(directory: str, manifest, contest_id: str, k: int, rel: str,
                prev_rel: str):
    """One mix, steps 1-5 of specs/mix.md 4 here: (failures [(location, message)],
    (MixFile, its inputs) when they passed, else None). The list it shuffled is read
    from prev_rel (input.bin for k = 1, mix k-1 otherwise)."""
    from ..election.mix import MAX_MIX_FILE, MAX_MIX_INPUT
    from ..protocol.mix_file import MixFile, MixInput, check_mix_claims, check_mix_steps
    server = manifest.mix_servers[k - 1]
    try:
        mix = MixFile.from_bytes(_read(directory, rel, MAX_MIX_FILE), rel)
    except EvoteError as exc:
        return [(rel, str(exc))], None
    common = dict(manifest_hash=manifest.hash(), contest_id=contest_id, k=k,
                  mix_id=server.mix_id, server_key=server.key)
    try:
        data = _read(directory, prev_rel, max(MAX_MIX_FILE, MAX_MIX_INPUT))
        inputs = (MixInput.from_bytes(data, prev_rel).ciphertexts if k == 1
                  else MixFile.from_bytes(data, prev_rel).outputs)
    except EvoteError:
        try:   # no list to chain to: still check what the file claims and its signature
            check_mix_claims(mix, **common)
            return [(rel, f"not chained: the list it shuffles ({prev_rel}) does not "
                     "read")], None
        except EvoteError as exc:
            return [(rel, f"not chained ({prev_rel} does not read), and {exc}")], None
    try:
        check_mix_steps(mix, inputs, **common)
    except EvoteError as exc:
        return [(rel, str(exc))], None
    return [], (mix, inputs)


_MIX_K = re.compile(r"^mix (\d+): (.*)$", re.S)


def _proof_checks(r, v19, cid, passed, complete):
    """[(contest, {k: rel}, ShuffleCheck)] for step 6 of the mixes that passed steps 1-5:
    one chain check when every mix of the contest did (each intermediate list decoded
    once), else one check per mix."""
    from ..protocol.mix_file import prepare_chain_check, prepare_mix_check
    ctx, m = r.context, r.manifest
    groups = [passed] if complete and passed else [[p] for p in passed]
    out = []
    for group in groups:
        rels = {k: rel for k, rel, _, _ in group}
        try:
            if len(groups) == 1 and complete:
                check = prepare_chain_check([mix for _, _, mix, _ in group], group[0][3],
                                            base_hash=ctx.base_hash,
                                            joint_key=ctx.joint_key, contest_id=cid)
            else:
                k, rel, mix, inputs = group[0]
                server = m.mix_servers[k - 1]
                check = prepare_mix_check(mix, inputs, manifest_hash=m.hash(),
                                          base_hash=ctx.base_hash, joint_key=ctx.joint_key,
                                          contest_id=cid, k=k, mix_id=server.mix_id,
                                          server_key=server.key)
        except EvoteError as exc:
            _fail_proof(v19, rels, exc)
            continue
        out.append((cid, rels, check))
    return out


def _fail_proof(v19, rels, exc) -> None:
    """Step 6's failure at its mix file: a chain check names the mix ("mix k: ...")."""
    msg = str(exc)
    hit = _MIX_K.match(msg)
    if hit and int(hit.group(1)) in rels:
        v19.fail(rels[int(hit.group(1))], f"step 6: {hit.group(2)}")
        return
    msg = msg if msg.startswith("step 6") else f"step 6: {msg}"
    v19.fail(rels[min(rels)], msg)


def _run_proofs(r, v19, prepared) -> None:
    """Step 6 of every prepared check: all their chunk tasks (protocol.shuffle.
    verify_chunk, pure functions of bytes) in one run_tasks call, so --jobs and
    --scheduler apply; each verdict from its own tasks' results, in task order."""
    from ..protocol.shuffle import verify_chunk
    tasks, spans = [], []
    for cid, rels, check in prepared:
        spans.append((rels, check, len(tasks), len(tasks) + len(check.tasks)))
        tasks.extend(check.tasks)
    results = run_tasks(verify_chunk, tasks, r.jobs, r.scheduler) if tasks else []
    for rels, check, a, b in spans:
        try:
            check.finish(results[a:b])
        except EvoteError as exc:
            _fail_proof(v19, rels, exc)


def check_mixes(r) -> None:
    v19 = r.c(V19)
    r.mixed = {}
    m = r.manifest
    found = mix_paths(r.present)
    slots = {c.contest_id for c in slot_contests(m)}
    for cid in sorted(set(found) - slots):
        for rel in ([found[cid]["input"]] if found[cid]["input"] else []) + \
                [p for _, p in found[cid]["mixes"].values()] + found[cid]["dupes"]:
            v19.checked += 1
            v19.fail(rel, f"contest {cid!r} is not a slot contest of the manifest: it has "
                     "no mix input and no mix")
    if not slots:   # nothing to mix: pass with 0 checked (or the stray files above)
        return
    if r.context is None:
        v19.not_run_reason = "the election context is not valid (V4)"
        return
    want_inputs = recomputed_inputs(r)
    servers = tuple(getattr(m, "mix_servers", ()))
    prepared, good_input = [], {}
    for c in slot_contests(m):
        cid = c.contest_id
        entry = found.get(cid, {"input": None, "mixes": {}, "dupes": []})
        good_input[cid] = _check_input(r, v19, cid, entry["input"], want_inputs.get(cid))
        for rel in entry["dupes"]:
            v19.fail(rel, "a second mix file at the same position")
        for k in sorted(entry["mixes"]):
            mix_id, rel = entry["mixes"][k]
            if k > len(servers):
                v19.checked += 1
                v19.fail(rel, f"mix {k}, but the manifest names {len(servers)} mix server(s)")
        prev = layout.mix_input_path(cid)
        passed, complete = [], True
        for k, server in enumerate(servers, 1):
            want = layout.mix_file_path(cid, k, server.mix_id)
            have = entry["mixes"].get(k)
            if have is None or have[1] != want:
                v19.fail(have[1] if have else want,
                         f"mix {k} of contest {cid!r} must be {want} (the manifest's mix "
                         f"server {k} is {server.mix_id!r})" + ("" if have else
                                                                ": missing"))
                prev = have[1] if have else None
                complete = False
                if have is None:
                    break
                continue
            v19.checked += 1
            if prev is not None:
                failures, ok = prepare_mix(r.dir, m, cid, k, want, prev)
                for loc, msg in failures:
                    v19.fail(loc, msg)
                if ok is not None:
                    passed.append((k, want, ok[0], ok[1]))
                else:
                    complete = False
            else:
                complete = False
            prev = want
        prepared += _proof_checks(r, v19, cid, passed, complete)
    _run_proofs(r, v19, prepared)
    for c in slot_contests(m):   # V20 decrypts only a contest whose every step passed
        cid = c.contest_id
        prefix = f"{layout.MIX_DIR}/{cid}/"
        if good_input.get(cid) and servers and \
                not any(f.location.startswith(prefix) for f in v19.failures):
            r.mixed[cid] = layout.mix_file_path(cid, len(servers), servers[-1].mix_id)


def _check_input(r, v19, cid, rel, want) -> bool:
    """Step 1 for contest cid; True when input.bin is the recomputed list."""
    from ..election.mix import MAX_MIX_INPUT
    from ..protocol.mix_file import MixInput
    path = rel or layout.mix_input_path(cid)
    v19.checked += 1
    if rel is None:
        v19.fail(path, f"missing: slot contest {cid!r} has no mix input (evote tally "
                 "writes it)")
        return False
    try:
        mi = MixInput.from_bytes(_read(r.dir, rel, MAX_MIX_INPUT), rel)
    except EvoteError as exc:
        v19.fail(rel, str(exc))
        return False
    if mi.contest_id != cid:
        v19.fail(rel, f"holds the input of contest {mi.contest_id!r}, not {cid!r}")
        return False
    if want is None:
        v19.fail(rel, "the verifier could not recompute the contest's slot ciphertexts "
                 "from the boxes (the station tasks returned none)")
        return False
    if mi.ciphertexts != want:
        v19.fail(rel, _first_difference(mi.ciphertexts, want))
        return False
    return True
