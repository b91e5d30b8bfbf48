"""Record-wide checks that follow the station tasks: V9 duplicates, V11 encrypted tallies,
V12 decryption, V13 paper results, V14 counts, V15 results, V16 station reconciliation
(specs/record.md section 8).

Each check reads what it needs from the run (`r`, a verify.run._Run) and leaves what the
next check needs on it; a check whose inputs are missing says why it did not run.
"""
import json

import numpy as np

from ..errors import EvoteError, RecordError
from ..record import layout
from ..record.jsonio import NOT_CANONICAL, is_canonical, load_json_file
from ..record.lot import LotDecryption
from ..record.tallies import RecordTallies
from ..results import StationCounts, check_counts, compute_result
from ..results.model import ElectionResults
from ..results.report_json import results_to_json_bytes
from ..tally import (BoxSummary, ContestTally, DecryptionRecord, EncryptedTally, PaperResult,
                     StationDeclaration, TallyRun, combine_counts, district_tallies,
                     reconcile_stations, verify_decryption_record)
from ..tally.slot_counts import merge_decrypted
from .exclusions import excluded_forms
from .station import FINGERPRINT


def _slots(manifest, style_id):
    """Slot number -> 'contest X candidate C' / 'contest X blank indicator'."""
    out = []
    for cid in manifest.style(style_id).contest_ids:
        if manifest.contest(cid).uses_slots:   # slot ciphertexts 1..L (station.py)
            out += [f"contest {cid} slot {j}" for j in range(1, manifest.contest(cid)
                                                             .max_choices + 1)]
            continue
        out += [f"contest {cid} candidate {c.code}" for c in manifest.contest(cid).candidates]
        out.append(f"contest {cid} blank indicator")
    return out


def check_duplicates(r):
    v9 = r.c("V9")
    if v9.not_run_reason:
        return
    first = {}
    for out in r.outputs:
        blob, locs = out["ballot_ids"], out["ballot_locs"]
        for k, loc in enumerate(locs):
            bid = blob[32 * k:32 * k + 32]
            if bid in first:
                v9.fail(loc, f"ballot id {bid.hex()} also appears at {first[bid]}")
            else:
                first[bid] = loc
    blobs = [out["alphas"] for out in r.outputs]
    total = sum(len(b) for b in blobs) // FINGERPRINT
    v9.checked = total
    if total < 2:
        return
    arr = np.frombuffer(b"".join(blobs), dtype=f"S{FINGERPRINT}")
    order = np.argsort(arr, kind="stable")
    s = arr[order]
    dup = np.nonzero(s[1:] == s[:-1])[0]
    if not len(dup):
        return
    starts = np.cumsum([0] + [len(b) // FINGERPRINT for b in blobs])  # output i's first index
    slot_names = {}

    def name(g):
        i = int(np.searchsorted(starts, g, side="right")) - 1
        k = g - int(starts[i])
        out = r.outputs[i]
        run, slot = divmod(k, out["per_ballot"])  # ballots of the style's layout only
        owner = out["alpha_owners"][run]
        style = r.manifest.station(out["station_id"]).style_id
        if style not in slot_names:
            slot_names[style] = _slots(r.manifest, style)
        slots = slot_names[style]
        what = slots[slot] if slot < len(slots) else f"ciphertext {slot}"
        return f"{out['ballot_locs'][owner]} {what}"
    for j in dup:
        a, b = int(order[j]), int(order[j + 1])
        v9.fail(name(b), f"ciphertext (alpha) repeats the one at {name(a)} (nonce reused or "
                "ciphertext copied)")


def _pos(contest, k):
    n = len(contest.candidates)
    return f"candidate {contest.candidates[k].code}" if k < n else "blank indicator"


def _recomputed(r):
    """Station tallies from the station tasks, and district tallies as the sum over the
    stations of the contests of each district (evote.tally's rule), as EncryptedTally."""
    stations = {}
    for out in r.outputs:
        stations[out["station_id"]] = EncryptedTally(
            ContestTally(cid, cts, ballots) for cid, (ballots, cts) in out["tallies"].items())
    return stations, district_tallies(r.manifest, stations)


def _compare(v11, where, m, have: EncryptedTally, want: EncryptedTally):
    """Name every contest and position where a published tally differs."""
    if sorted(have) != sorted(want):
        v11.fail(where, f"contests {sorted(have)}, recomputed {sorted(want)}")
    for cid in sorted(set(have) & set(want)):
        v11.checked += 1
        a, b = have[cid], want[cid]
        loc = f"{where} contest {cid}"
        if a.ballots != b.ballots:
            v11.fail(loc, f"ballots {a.ballots}, the CAST ballots that verified are {b.ballots}")
        if len(a.ciphertexts) != len(b.ciphertexts):
            v11.fail(loc, f"{len(a.ciphertexts)} ciphertexts, expected {len(b.ciphertexts)}")
            continue
        contest = m.contest(cid)
        for k, (x, y) in enumerate(zip(a.ciphertexts, b.ciphertexts)):
            if x != y:
                v11.fail(f"{loc} {_pos(contest, k)}", "ciphertext differs from the sum of the "
                         "CAST ballots")


def check_tallies(r):
    v11 = r.c("V11")
    r.districts = None
    r.tally_bytes = None
    if v11.not_run_reason:
        return
    m = r.manifest
    stations, districts = _recomputed(r)
    r.districts, r.electronic = districts, tuple(stations)
    try:
        value, raw = load_json_file(r.full(layout.TALLY), layout.TALLY)
        published = RecordTallies.from_json_obj(value, layout.TALLY)
    except RecordError as exc:
        v11.fail(layout.TALLY, str(exc))
        return
    r.tally_bytes = raw
    if not is_canonical(value, raw):   # record.md 3.0
        v11.fail(layout.TALLY, NOT_CANONICAL)
    if published.manifest_hash != m.hash():
        v11.fail(layout.TALLY, "manifest_hash is not the hash of manifest.json")
    for kind, have, want in (("station", published.stations, stations),
                             ("district", published.districts, districts)):
        for name in sorted(set(have) - set(want)):
            v11.fail(f"{layout.TALLY} {kind} {name}", f"no such {kind} with verified boxes")
        for name in sorted(set(want) - set(have)):
            v11.fail(f"{layout.TALLY} {kind} {name}", f"the {kind}'s tally is missing")
        for name in sorted(set(have) & set(want)):
            _compare(v11, f"{layout.TALLY} {kind} {name}", m, have[name], want[name])


def check_decryption(r):
    v12 = r.c("V12")
    r.decrypted = None
    if v12.not_run_reason or r.districts is None:
        v12.not_run_reason = v12.not_run_reason or "no recomputed tallies (V11)"
        return
    ctx, m = r.context, r.manifest
    try:
        value, raw = load_json_file(r.full(layout.DECRYPTION), layout.DECRYPTION)
        rec = DecryptionRecord.from_json_obj(value, layout.DECRYPTION)
    except (RecordError, EvoteError) as exc:
        v12.fail(layout.DECRYPTION, str(exc))
        return
    if not is_canonical(value, raw):   # record.md 3.0
        v12.fail(layout.DECRYPTION, NOT_CANONICAL)
    decrypted, ok = {}, True
    listed = sorted({c.district_id for c in rec.contests} | set(r.districts))
    for did in listed:
        part = DecryptionRecord(tuple(c for c in rec.contests if c.district_id == did))
        tallies = {did: r.districts[did]} if did in r.districts else {}
        v12.checked += max(len(part.contests), len(tallies.get(did, ())))
        try:
            decrypted.update(verify_decryption_record(ctx, tallies, part, manifest=m))
        except EvoteError as exc:
            v12.fail(f"{layout.DECRYPTION} district {did}", str(exc))
            ok = False
    r.decrypted = decrypted if ok else None
    check_lot(r, v12)


def check_lot(r, v12):
    """V12's lot part: tally/lot.json holds at least t valid shares of the context's lot
    ciphertext (the sum of the n acknowledged contributions, V4), their combination and
    its hash; r.lot_seed is that seed (recomputed here), else None."""
    r.lot_seed = None
    v12.checked += 1
    try:
        value, raw = load_json_file(r.full(layout.LOT), layout.LOT)
        r.lot_seed = LotDecryption.from_json_obj(value, layout.LOT).verify(r.context)
        if not is_canonical(value, raw):   # record.md 3.0 (the seed is still verified)
            v12.fail(layout.LOT, NOT_CANONICAL)
    except (RecordError, EvoteError) as exc:
        msg = str(exc)
        v12.fail(layout.LOT, msg[len(layout.LOT):].lstrip(": ") if msg.startswith(
            layout.LOT) else msg)


def check_listed(r, sid, doc):
    """Every official who signed `doc` (a paper result or declaration of station `sid`)
    is listed for that station and role in the record's election package (V13, V16).
    Without a verified package V1 has failed already and there is nothing to compare."""
    if r.election_package is None:
        return
    plan = r.election_package.find_station(sid)
    if plan is None:
        return   # a station the manifest lacks: named by the caller's own checks
    listed = {(o.role, o.public_key, o.certificate) for o in plan.officials}
    for i, o in enumerate(doc.officials):
        if (o.role, o.public_key, o.certificate) not in listed:
            raise RecordError(f"official {i} ({o.role!r}, key {o.public_key.hex()[:16]}...) "
                              f"is not listed for station {sid!r} and role {o.role!r} in "
                              f"the election package ({layout.PACKAGE})")


def check_paper(r):
    v13 = r.c("V13")
    m = r.manifest
    r.paper = {}
    order = {s.station_id: i for i, s in enumerate(m.stations)}
    for sid in sorted(r.papers, key=lambda s: (order.get(s, len(order)), s)):
        path = r.papers[sid]
        v13.checked += 1
        try:
            value, raw = load_json_file(r.full(path), path)
            pr = PaperResult.from_json_obj(value, path)
            if not is_canonical(value, raw):   # record.md 3.0, like any V13 failure
                raise RecordError(NOT_CANONICAL)
            if pr.station_id != sid:
                raise RecordError(f"names station {pr.station_id!r}")
            if sid in r.boxes and sid not in r.fallbacks:   # record.md 5.4
                raise RecordError(f"station {sid!r} also has ballot boxes "
                                  f"({', '.join(r.boxes[sid])}) and no valid fallback "
                                  f"decision ({layout.fallback_path(sid)})")
            pr.verify(m)
            check_listed(r, sid, pr)
            broken = pr.forms_mismatches()   # the spoiled-forms rule (record.md 5.1)
            if broken:
                raise RecordError("; ".join(broken))
        except (RecordError, EvoteError) as exc:
            v13.fail(path, str(exc))
            continue
        r.paper[sid] = pr


def check_counts_total(r):
    v14 = r.c("V14")
    r.totals = None
    m = r.manifest
    for s in m.stations:
        if s.station_id not in r.boxes and s.station_id not in r.papers:
            v14.fail(f"station {s.station_id}", f"neither a ballot box ({layout.BOXES_DIR}/"
                     f"{s.station_id}/) nor a paper result ({layout.paper_path(s.station_id)})")
    if r.decrypted is None:   # specs/record.md 8.4: a check that already failed is `fail`
        if not v14.failures:
            v14.not_run_reason = (f"the decrypted counts are not all valid (V12, "
                                  f"{layout.DECRYPTION})")
        return
    slot_counts = getattr(r, "slot_counts", {})
    if slot_counts is None:   # a slot contest's counts did not verify (V19, V20)
        if not v14.failures:
            v14.not_run_reason = ("the slot contests' decrypted counts are not all valid "
                                  "(V19, V20)")
        return
    decrypted = merge_decrypted(r.decrypted, slot_counts)   # V20's, in their districts
    try:
        counts, paper_of = combine_counts(   # a fallback station's paper counts add
            m, decrypted, tuple(r.paper.values()),   # to its boxes' (record.md 5.4)
            tuple(s for s in r.electronic if s not in r.fallbacks))
    except EvoteError as exc:
        v14.fail("counts", str(exc))
        return
    for contest, total in zip(m.contests, counts):
        v14.checked += 1
        try:
            check_counts(contest, total)
        except EvoteError as exc:
            v14.fail(f"contest {contest.contest_id}", str(exc))
    r.totals = {c.contest_id: c for c in counts}
    r.paper_of = paper_of


def _published_inputs(v15, value, m, seed):
    """Name, in words a person can act on, a results.json whose lot seed or settings are
    not the ones fixed before the polls (the byte comparison below fails too)."""
    if not isinstance(value, dict):
        return
    if value.get("lot_seed") != seed.hex():
        v15.fail(f"{layout.RESULTS} $.lot_seed", f"{str(value.get('lot_seed'))[:80]!r} is not "
                 f"the lot seed {seed.hex()} decrypted from the guardians' lot contributions "
                 f"({layout.LOT}); results computed with another seed are not this "
                 "election's")
    contests = value.get("contests")
    for i, c in enumerate(contests if isinstance(contests, list) else ()):
        if not isinstance(c, dict):
            continue
        try:
            want = m.contest(c.get("contest_id")).settings.to_json_obj()
        except (EvoteError, KeyError, TypeError):
            continue
        have = c.get("settings")
        if have != want:
            v15.fail(f"{layout.RESULTS} $.contests[{i}].settings",
                     f"contest {c.get('contest_id')}: {json.dumps(have)[:200]} are not the "
                     f"manifest's result settings {json.dumps(want)}; seats are computed "
                     "only under the settings the manifest fixed before the polls")


def _diff(v15, loc, have, want):
    """Name the first differences between the published and recomputed results."""
    if isinstance(have, dict) and isinstance(want, dict):
        for k in sorted(set(have) | set(want)):
            if have.get(k) != want.get(k):
                _diff(v15, f"{loc}.{k}", have.get(k), want.get(k))
        return
    if isinstance(have, list) and isinstance(want, list) and len(have) == len(want):
        for i, (a, b) in enumerate(zip(have, want)):
            if a != b:
                _diff(v15, f"{loc}[{i}]", a, b)
        return
    v15.fail(loc, f"published {json.dumps(have, ensure_ascii=False)[:200]}, recomputed "
             f"{json.dumps(want, ensure_ascii=False)[:200]}")


def check_results(r):
    v15 = r.c("V15")
    m = r.manifest
    r.verified_results = None   # set below when results.json is the recomputation (V18)
    # specs/record.md 8.4: only the combined counts (V14, from V12's decryption of the
    # recomputed tallies) and the lot seed (V12) are inputs; tally/encrypted.json is not.
    if getattr(r, "totals", None) is None:
        v15.not_run_reason = "the counts are not available (V14)"
        return
    if getattr(r, "lot_seed", None) is None:
        v15.not_run_reason = f"the lot seed is not available ({layout.LOT}, V12)"
        return
    # Only what was fixed before the polls decides: each contest's settings are the
    # manifest's, the seed is the one recomputed from the lot shares (V12); nothing of
    # results.json is an input (specs/results.md section 4).
    seed = r.lot_seed
    try:
        value, raw = load_json_file(r.full(layout.RESULTS), layout.RESULTS)
        _published_inputs(v15, value, m, seed)
        results = []
        for contest in m.contests:
            v15.checked += 1
            results.append(compute_result(contest, r.totals[contest.contest_id], seed,
                                          paper_stations=r.paper_of.get(contest.contest_id,
                                                                        ())))
        stations = [StationCounts(sid, c, paper=True) for sid, pr in r.paper.items()
                    for c in pr.contests]
        recomputed = ElectionResults(m, results, stations, seed)
        want = results_to_json_bytes(recomputed)
    except (RecordError, EvoteError) as exc:
        v15.fail(layout.RESULTS, str(exc))
        return
    if raw == want:
        r.verified_results = recomputed
    else:
        _diff(v15, f"{layout.RESULTS} $", value, json.loads(want))
        if not v15.failures:
            v15.fail(layout.RESULTS, "same values but not the canonical bytes "
                     "(evote.results.report_json)")


def _declaration(r, sid, path):
    """The valid declaration of electronic station `sid` in file `path`; RecordError or
    EvoteError saying what is wrong."""
    value, raw = load_json_file(r.full(path), path)
    d = StationDeclaration.from_json_obj(value, "declaration")  # located by the caller
    if d.station_id != sid:
        raise RecordError(f"names station {d.station_id!r}, not the file's {sid!r}")
    if raw != d.to_json_bytes():
        raise RecordError("not in canonical form (specs/record.md section 3)")
    d.verify(r.manifest)
    if sid in r.papers and sid not in r.fallbacks:   # record.md 5.4: only a fallback
        raise RecordError(f"station {sid!r} has a paper result ({r.papers[sid]}) and no "
                          f"valid fallback decision ({layout.fallback_path(sid)}): its "
                          "forms issued are in its paper result, it has no declaration "
                          "(only a station that fell back to paper has both)")
    if sid not in r.boxes:
        raise RecordError(f"station {sid!r} has no ballot boxes ({layout.BOXES_DIR}/{sid}/)")
    return d


def _box_summaries(r, stations):
    """evote.tally.BoxSummary of every box of `stations`, from the station tasks' counts
    (a box the task could not read: ok=False, nothing of it counted)."""
    read = {rel: (out["station_id"], cast, spoiled, close) for out in r.outputs
            for rel, cast, spoiled, close in out.get("boxes", ())}
    out = []
    for sid in stations:
        for rel in r.boxes[sid]:
            if rel in r.excluded:   # V17: not read, not reconciled
                continue
            kiosk = rel.rsplit("/", 1)[-1][:-len(".box")]
            if rel not in read:
                out.append(BoxSummary(rel, sid, kiosk, False))
                continue
            _, cast, spoiled, close = read[rel]
            out.append(BoxSummary(rel, sid, kiosk, True, cast, spoiled, cast, (),
                                  close is not None, *(close or (None, None))))
    return tuple(out)


def check_declarations(r):
    """V16: per electronic station, the officials' declared forms issued (declarations/
    <station>.json, signed and certified) = CAST records in its boxes = its CLOSE counts
    (evote.tally.reconcile_stations); every declaration file is for such a station."""
    v16 = r.c("V16")
    m = r.manifest
    if r.context is None:
        v16.not_run_reason = "the ballot boxes were not read (the election context is not " \
                             "valid, V4)"
        return
    order = {s.station_id: i for i, s in enumerate(m.stations)}
    electronic = [s.station_id for s in m.stations if s.station_id in r.boxes]
    forms = {}
    for sid in sorted(r.declarations, key=lambda s: (order.get(s, len(order)), s)):
        path = r.declarations[sid]
        try:
            d = _declaration(r, sid, path)
            forms[sid] = d.forms_issued   # reconciled even when a signer is not listed
            check_listed(r, sid, d)       # (both failures are then named)
        except (RecordError, EvoteError) as exc:
            v16.fail(path, str(exc))
    for sid in electronic:
        if sid not in r.declarations:
            v16.fail(layout.declaration_path(sid), f"missing: station {sid!r} has ballot boxes "
                     "but no declaration of the forms issued by its officials")
    v16.checked = len(set(electronic) | set(r.declarations))
    note = {}   # V17: the forms an exclusion attributes to its box are taken off
    for sid in sorted(set(forms) & {e.station_id for e in r.excluded.values()}):
        ex = excluded_forms(r, sid)
        if ex > forms[sid]:
            v16.fail(layout.declaration_path(sid), f"station {sid!r}: the exclusions "
                     f"attribute {ex} forms issued to its excluded boxes, more than the "
                     f"{forms[sid]} it declares")
        note[sid] = f" (declared {forms[sid]} - {ex} of excluded boxes)"
        forms[sid] = max(forms[sid] - ex, 0)
    live = [sid for sid in electronic if any(p not in r.excluded for p in r.boxes[sid])]
    for sid in electronic:
        if sid not in live and forms.get(sid, 0):
            v16.fail(layout.declaration_path(sid), f"station {sid!r}: every box is excluded "
                     f"but {forms[sid]} forms issued{note.get(sid, '')} are not attributed "
                     "to them")
    run = TallyRun({}, {}, _box_summaries(r, live), ())
    for rec in reconcile_stations(m, run, {s: f for s, f in forms.items() if s in live}):
        if rec.station_id in live:
            for msg in rec.mismatches:
                v16.fail(layout.declaration_path(rec.station_id),
                         f"station {rec.station_id!r}: {msg}{note.get(rec.station_id, '')}")


def run_all(r, after_decryption=lambda: None):
    """Each check in turn; an unexpected exception fails that check (with the error's
    text) instead of ending the run, so no record can make the verifier crash.
    after_decryption: run after V12 and before V13-V16 (the slot contests' V19 and V20,
    whose counts V14 combines: verify/run.py)."""
    for num, fn, needs in (("V9", check_duplicates, ()),
                           ("V11", check_tallies, ("districts", "tally_bytes")),
                           ("V12", check_decryption, ("decrypted", "lot_seed")),
                           ("V19", lambda r: after_decryption(), ()),
                           ("V13", check_paper, ("paper",)),
                           ("V14", check_counts_total, ("totals", "paper_of")),
                           ("V15", check_results, ()),
                           ("V16", check_declarations, ())):
        try:
            fn(r)
        except Exception as exc:
            r.c(num).fail(f"check {num}", f"unexpected error: {type(exc).__name__}: {exc}")
            for attr in needs:
                setattr(r, attr, None if attr != "paper" else {})
