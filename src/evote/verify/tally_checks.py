"""Record-wide checks that follow the station tasks: V9 duplicates, V11 encrypted tallies,
V12 decryption, V13 paper results, V14 counts, V15 results (specs/record.md section 8).

Each check reads what it needs from the run (`r`, a verify.run._Run) and leaves what the
next check needs on it; a check whose inputs are missing says why it did not run.
"""
import json
from fractions import Fraction

import numpy as np

from ..errors import EvoteError, RecordError
from ..group import G_TABLE, Scalar, aggregate_vartime
from ..protocol.decryption import combine_decryption_shares, verify_decryption_shares
from ..protocol.elgamal import Ciphertext
from ..record import layout
from ..record.fields import Obj, as_hex
from ..record.jsonio import load_json_file
from ..record.paper import PaperResult
from ..record.tallies import DecryptionRecord, EncryptedTallies, tally_labels
from ..results import ContestCounts, ResultSettings, StationCounts, check_counts, compute_result
from ..results.model import ElectionResults
from ..results.report_json import results_to_json_bytes
from .station import FINGERPRINT

IDENTITY_CT = bytes(64)


def _slots(manifest, style_id):
    """Slot number -> 'contest X candidate C' / 'contest X blank indicator'."""
    out = []
    for cid in manifest.style(style_id).contest_ids:
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
    where = []  # global index -> (output index, local index)
    for i, b in enumerate(blobs):
        where.extend((i, k) for k in range(len(b) // FINGERPRINT))

    def name(g):
        i, k = where[g]
        out = r.outputs[i]
        run, slot = divmod(k, out["per_ballot"])  # ballots of the style's layout only
        owner = out["alpha_owners"][run]
        style = r.manifest.station(out["station_id"]).style_id
        slots = _slots(r.manifest, style)
        what = slots[slot] if slot < len(slots) else f"ciphertext {slot}"
        return f"{out['ballot_locs'][owner]} {what}"
    for j in dup:
        a, b = int(order[j]), int(order[j + 1])
        v9.fail(name(b), f"ciphertext (alpha) repeats the one at {name(a)} (nonce reused or "
                "ciphertext copied)")


def _sum_tallies(rows, width):
    """Sum tallies (each a list of 64-byte ciphertexts) position by position."""
    blob = b"".join(b"".join(t) for t in rows)
    cols = aggregate_vartime(blob, len(rows), 2 * width)
    return [cols[2 * k] + cols[2 * k + 1] for k in range(width)]


def _pos(contest, k):
    n = len(contest.candidates)
    return f"candidate {contest.candidates[k].code}" if k < n else "blank indicator"


def check_tallies(r):
    v11 = r.c("V11")
    r.contest_tallies = None
    r.tally_bytes = None
    if v11.not_run_reason:
        return
    m = r.manifest
    station_t = {out["station_id"]: out["tallies"] for out in r.outputs}
    totals = {}
    for contest in m.contests:
        cid, n = contest.contest_id, len(contest.candidates)
        rows = [station_t[s.station_id][cid] for s in m.stations
                if s.station_id in station_t and cid in station_t[s.station_id]]
        ballots = sum(b for b, _ in rows)
        cts = _sum_tallies([t for _, t in rows], n + 1) if rows else [IDENTITY_CT] * (n + 1)
        totals[cid] = (ballots, cts)
    r.contest_tallies = totals
    try:
        value, raw = load_json_file(r.full(layout.TALLY), layout.TALLY)
        published = EncryptedTallies.from_json_obj(value, layout.TALLY)
    except RecordError as exc:
        v11.fail(layout.TALLY, str(exc))
        return
    r.tally_bytes = raw
    if published.manifest_hash != m.hash():
        v11.fail(layout.TALLY, "manifest_hash is not the hash of manifest.json")
    want_st = [s.station_id for s in m.stations if s.station_id in station_t]
    have_st = [s.station_id for s in published.stations]
    if have_st != want_st:
        v11.fail(layout.TALLY, f"lists stations {have_st}, the boxes give {want_st} "
                 "(manifest order)")

    def compare(loc, contest, tally, want):
        v11.checked += 1
        ballots, cts = want
        if tally.ballots != ballots:
            v11.fail(loc, f"ballots {tally.ballots}, the CAST ballots that verified are {ballots}")
        if len(tally.ciphertexts) != len(cts):
            v11.fail(loc, f"{len(tally.ciphertexts)} ciphertexts, expected {len(cts)}")
            return
        for k, (a, b) in enumerate(zip(tally.ciphertexts, cts)):
            if a != b:
                v11.fail(f"{loc} {_pos(contest, k)}", "ciphertext differs from the sum of the "
                         "CAST ballots")
    for st in published.stations:
        if st.station_id not in station_t:
            continue
        style = m.station(st.station_id).style_id
        want_c = list(m.style(style).contest_ids)
        have_c = [c.contest_id for c in st.contests]
        loc = f"{layout.TALLY} station {st.station_id}"
        if have_c != want_c:
            v11.fail(loc, f"contests {have_c}, the station's style has {want_c}")
            continue
        for t in st.contests:
            compare(f"{loc} contest {t.contest_id}", m.contest(t.contest_id), t,
                    station_t[st.station_id][t.contest_id])
    have_c = [c.contest_id for c in published.contests]
    want_c = [c.contest_id for c in m.contests]
    if have_c != want_c:
        v11.fail(layout.TALLY, f"contest tallies {have_c}, the manifest has {want_c}")
        return
    for t in published.contests:
        compare(f"{layout.TALLY} contest {t.contest_id}", m.contest(t.contest_id), t,
                totals[t.contest_id])


def check_decryption(r):
    v12 = r.c("V12")
    r.decrypted = None
    if v12.not_run_reason or r.contest_tallies is None:
        v12.not_run_reason = v12.not_run_reason or "no recomputed tallies (V11)"
        return
    ctx, m = r.context, r.manifest
    try:
        value, _ = load_json_file(r.full(layout.DECRYPTION), layout.DECRYPTION)
        rec = DecryptionRecord.from_json_obj(value, layout.DECRYPTION)
    except RecordError as exc:
        v12.fail(layout.DECRYPTION, str(exc))
        return
    if rec.base_hash != ctx.base_hash:
        v12.fail(layout.DECRYPTION, "base_hash is not the election context's")
        return
    have_c = [c.contest_id for c in rec.contests]
    want_c = [c.contest_id for c in m.contests]
    if have_c != want_c:
        v12.fail(layout.DECRYPTION, f"decrypts contests {have_c}, the manifest has {want_c}")
        return
    decrypted = {}
    for d in rec.contests:
        v12.checked += 1
        contest = m.contest(d.contest_id)
        n = len(contest.candidates)
        loc = f"{layout.DECRYPTION} contest {d.contest_id}"
        ballots, cts = r.contest_tallies[d.contest_id]
        guardians = [s.guardian_index for s in d.shares]
        if len(set(guardians)) != len(guardians):
            v12.fail(loc, f"a guardian's share appears twice: {guardians}")
            continue
        if len(guardians) < ctx.threshold:
            v12.fail(loc, f"{len(guardians)} decryption shares, the threshold is {ctx.threshold}")
            continue
        if len(d.votes) != n:
            v12.fail(loc, f"{len(d.votes)} vote counts for {n} candidates")
            continue
        try:
            vector = [Ciphertext.from_bytes(c) for c in cts]
            labels = tally_labels(d.contest_id, n)
            verify_decryption_shares(ctx, vector, labels, d.shares)
            points = combine_decryption_shares(ctx, vector, d.shares)
        except EvoteError as exc:
            v12.fail(loc, str(exc))
            continue
        ok = True
        for k, (count, point) in enumerate(zip(list(d.votes) + [d.blank], points)):
            if G_TABLE.mul(Scalar.from_int(count)) != point:
                v12.fail(f"{loc} {_pos(contest, k)}", f"the shares decrypt to another count "
                         f"than the published {count}")
                ok = False
        if ok:
            try:
                decrypted[d.contest_id] = ContestCounts(d.contest_id, d.votes, ballots, d.blank)
            except EvoteError as exc:
                v12.fail(loc, str(exc))
    r.decrypted = decrypted


def check_paper(r):
    v13 = r.c("V13")
    m = r.manifest
    r.paper = {}
    order = {s.station_id: i for i, s in enumerate(m.stations)}
    for sid in sorted(r.papers, key=lambda s: (order.get(s, len(order)), s)):
        path = r.papers[sid]
        v13.checked += 1
        try:
            value, _ = load_json_file(r.full(path), path)
            pr = PaperResult.from_json_obj(value, path)
            if pr.station_id != sid:
                raise RecordError(f"{path}: names station {pr.station_id!r}")
            if sid not in order:
                raise RecordError(f"{path}: station {sid!r} is not in the manifest")
            if pr.manifest_hash != m.hash():
                raise RecordError(f"{path}: manifest_hash is not the hash of manifest.json")
            if sid in r.boxes:
                raise RecordError(f"{path}: station {sid!r} also has ballot boxes "
                                  f"({', '.join(r.boxes[sid])})")
            want = list(m.style(m.station(sid).style_id).contest_ids)
            have = [c.contest_id for c in pr.contests]
            if have != want:
                raise RecordError(f"{path}: contests {have}, the station's style has {want}")
            for c in pr.contests:
                try:
                    check_counts(m.contest(c.contest_id), c)
                except EvoteError as exc:
                    raise RecordError(f"{path} contest {c.contest_id}: {exc}") from None
                if c.ballots_cast > pr.forms_issued:
                    raise RecordError(f"{path} contest {c.contest_id}: {c.ballots_cast} ballots "
                                      f"cast but {pr.forms_issued} forms issued")
            pr.verify(m.authority_key)
        except RecordError as exc:
            msg = str(exc)
            v13.fail(path, msg[len(path) + 2:] if msg.startswith(path + ": ") else msg)
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
    if r.decrypted is None or len(r.decrypted) != len(m.contests):
        v14.not_run_reason = "the decrypted counts are not all valid (V12)"
        return
    totals, paper_of = {}, {}
    for contest in m.contests:
        cid = contest.contest_id
        v14.checked += 1
        total = r.decrypted[cid]
        paper_of[cid] = []
        for sid, pr in r.paper.items():
            for c in pr.contests:
                if c.contest_id == cid:
                    total = total + c
                    paper_of[cid].append(sid)
        try:
            check_counts(contest, total)
        except EvoteError as exc:
            v14.fail(f"contest {cid}", str(exc))
        totals[cid] = total
    r.totals, r.paper_of = totals, paper_of


def _settings(obj, where):
    o = Obj(obj, where, ("min_votes", "quota", "threshold", "independents",
                         "alternate_rounding"))
    try:
        return ResultSettings(min_votes=o.int("min_votes"), quota=o.str("quota", 32),
                              threshold=Fraction(o.str("threshold", 64)),
                              independents=o.str("independents", 32),
                              alternate_rounding=o.str("alternate_rounding", 32))
    except (EvoteError, ValueError, ZeroDivisionError) as exc:
        raise RecordError(f"{where}: {exc}") from None


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
    if getattr(r, "totals", None) is None or r.tally_bytes is None:
        v15.not_run_reason = "the counts are not available (V11, V12, V14)"
        return
    try:
        value, raw = load_json_file(r.full(layout.RESULTS), layout.RESULTS)
        o = Obj(value, layout.RESULTS + " $")
        raw_seed = o.get("lot_seed")
        seed = None if raw_seed is None else as_hex(raw_seed, o.at("lot_seed"), 32)
        published = {}
        for i, c in enumerate(o.list("contests")):
            co = Obj(c, f"{layout.RESULTS} $.contests[{i}]")
            published[co.str("contest_id", 255)] = _settings(co.get("settings"),
                                                             co.at("settings"))
        results = []
        for contest in m.contests:
            cid = contest.contest_id
            v15.checked += 1
            settings = published.get(cid)
            if settings is None:
                raise RecordError(f"{layout.RESULTS}: no result for contest {cid}")
            results.append(compute_result(contest, r.totals[cid], seed, settings,
                                          r.paper_of[cid]))
        stations = [StationCounts(sid, c, paper=True) for sid, pr in r.paper.items()
                    for c in pr.contests]
        want = results_to_json_bytes(ElectionResults(m, results, stations, seed))
    except (RecordError, EvoteError) as exc:
        v15.fail(layout.RESULTS, str(exc))
        return
    if raw != want:
        _diff(v15, f"{layout.RESULTS} $", value, json.loads(want))
        if not v15.failures:
            v15.fail(layout.RESULTS, "same values but not the canonical bytes "
                     "(evote.results.report_json)")


def run_all(r):
    """Each check in turn; an unexpected exception fails that check (with the error's
    text) instead of ending the run, so no record can make the verifier crash."""
    for num, fn, needs in (("V9", check_duplicates, ()),
                           ("V11", check_tallies, ("contest_tallies", "tally_bytes")),
                           ("V12", check_decryption, ("decrypted",)),
                           ("V13", check_paper, ("paper",)),
                           ("V14", check_counts_total, ("totals", "paper_of")),
                           ("V15", check_results, ())):
        try:
            fn(r)
        except Exception as exc:
            r.c(num).fail(f"check {num}", f"unexpected error: {type(exc).__name__}: {exc}")
            for attr in needs:
                setattr(r, attr, None if attr != "paper" else {})
