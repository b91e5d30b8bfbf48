"""One verifier task: everything about one station's ballot boxes (checks V5-V8, V10 and
the station's share of V9 and V11), as a pure function of the record's files.

A task gets the record directory, a station id, the box files found for it and the
manifest and context bytes; it returns plain, picklable data (so it runs the same in this
process, in a multiprocessing pool or on a Dask worker): file hashes, how many items each
check saw, failures (check, location, message), the recomputed station tally, the
ballot ids and ciphertext fingerprints for the record-wide duplicate check, and each
box's CAST, SPOIL and CLOSE counts for the station reconciliation (V16), and per slot
contest the station's part of its mix input (tally/slot_inputs.py: the slot ciphertexts
of the CAST ballots that verify, boxes in kiosk-id order, records in box order), from the
same pass as the tallies, so V19 and `evote tally` share one definition.

The faulty-box rule (specs/record.md 8.2): V5, V6 and V7 read every box; only a box with
no V5, V6 or V7 problem has its ballots checked (V8, V10), fingerprinted (V9) and its
CAST ballots that verify summed (V11) or, for a slot contest, kept for the mix input.
A faulty box contributes nothing else. Slot contests are verified in V8/V10 (in the same
batches: verify_ballot runs one slot batch per contest) and fingerprinted in V9 (16 bytes
of each slot's alpha); they have no tally.

Never raises for anything in the record: every problem becomes a failure at its location.
"""
import os

from ..ballotbox.reader import walk_box
from ..ballotbox.records import CastRecord, CloseRecord, OpenRecord, SpoilRecord
from ..errors import EvoteError
from ..group import aggregate_vartime
from ..protocol.encrypted_ballot import EncryptedBallot
from ..protocol.verify_ballot import BatchVerificationError, verify_ballots_batch_summed
from ..record.election import parsed_election
from ..record.roothash import file_hash
from ..tally.slot_inputs import ballot_slots, station_slots

BATCH = 256                 # ballots per batch verification (one MSM each)
FINGERPRINT = 16            # bytes of alpha kept for the duplicate-ciphertext check
_CERT_CHECKS = {"certificate", "certificate-binding", "election", "station", "kiosk"}




class _Out:
    def __init__(self, station_id):
        self.d = {"station_id": station_id, "file_hashes": {}, "failures": [],
                  "checked": {"V5": 0, "V6": 0, "V7": 0, "V8": 0, "V10": 0},
                  "kiosks": [], "tallies": {}, "ballot_ids": b"", "ballot_locs": [],
                  "alphas": b"", "per_ballot": 1, "boxes": [], "slot_inputs": {},
                  "cast_codes": []}   # (kiosk id, record, code) of every CAST record (V18)

    def fail(self, check, location, message):
        self.d["failures"].append((check, location, message))

    def count(self, check, n=1):
        self.d["checked"][check] += n


def _problem_check(check: str) -> str:
    if check in _CERT_CHECKS:
        return "V5"
    if check == "spoil-opening":   # a published opening reveals the vote cast after it
        return "V10"
    if check == "confirmation-code":
        return "V7"
    return "V6"


def _loc(rel, seq=None, bid=None) -> str:
    out = rel
    if seq is not None:
        out += f" record {seq}"
    if bid is not None:
        out += f" ballot {bid.hex()}"
    return out


class _Ballots:
    """The ballots of ONE box, streamed: decoded ballots wait in `pending` until BATCH of
    them are there, then are batch-verified, fingerprinted and (CAST ones that verified)
    added to the box's running tally, and dropped. Memory stays bounded by BATCH ballots
    plus 16 bytes per ciphertext and one location per ballot.

    Invariant (specs/record.md 8.2, the faulty-box rule): nothing of a box reaches the
    station's results (V8, V9, V10 failures and counts, V11 sums) until the whole box has
    been read without a V5, V6 or V7 problem; `kill` drops everything of a faulty box
    and stops its proof work."""

    def __init__(self, context, manifest, contests, slot_contests=(), per_ballot=None,
                 kiosk_id=""):
        self.context, self.manifest, self.contests = context, manifest, contests
        self.pending = []
        self.sums = {cid: (0, [bytes(32)] * (2 * (n + 1))) for cid, n in contests}
        self.slot_contests, self.kiosk_id = tuple(slot_contests), kiosk_id
        self.slots = {cid: [] for cid in self.slot_contests}   # CAST ballots that verify
        self.ids, self.locs, self.alphas, self.owners = [], [], [], []
        self.per_ballot = sum(n + 1 for _, n in contests) if per_ballot is None else per_ballot
        self.failures, self.counts = [], {"V8": 0, "V10": 0}
        self.dead = False

    def kill(self):
        """The box is faulty: none of its ballots is checked or counted (V8-V11)."""
        self.dead, self.pending = True, []

    def fail(self, check, location, message):
        self.failures.append((check, location, message))

    def count(self, check, n=1):
        self.counts[check] += n

    def add(self, ballot, where, is_cast):
        if self.dead:
            return
        self.pending.append((ballot, where, is_cast))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self):
        chunk, self.pending = self.pending, []
        if not chunk or self.dead:
            return
        self.count("V8", len(chunk))
        bad = set()
        sums = None   # the CAST ballots' sums, from the proof check's own MSM
        try:
            sums = verify_ballots_batch_summed(self.context, self.manifest,
                                               [b for b, _, _ in chunk],
                                               [cast for _, _, cast in chunk])
        except BatchVerificationError as exc:
            for f in exc.failures:
                bad.add(f.index)
                msg, prefix = str(f.error), f"ballot {chunk[f.index][0].ballot_id.hex()}: "
                # a spoiled ballot's proofs are V10's: the kiosk cannot spoil garbage
                self.fail("V8" if chunk[f.index][2] else "V10", chunk[f.index][1],
                          msg[len(prefix):] if msg.startswith(prefix) else msg)
        for ballot, where, _ in chunk:
            fps = [a[:FINGERPRINT] for a in ballot.ciphertext_alphas()]
            if len(fps) == self.per_ballot:  # else it failed V8 for its shape
                self.owners.append(len(self.locs))
                self.alphas.extend(fps)
            self.ids.append(ballot.ballot_id)
            self.locs.append(where)
        good = [chunk[i][0] for i in range(len(chunk)) if i not in bad and chunk[i][2]]
        for cid in self.slot_contests:   # record order (the mix input, slot_inputs.py)
            self.slots[cid].extend(ballot_slots(b.contest(cid)) for b in good)
        for cid, n in self.contests:
            ballots, prev = self.sums[cid]
            if sums is not None and cid in sums:   # every ballot verified: merge the sums
                rows = [b"".join(prev), b"".join(sums[cid])]
            else:                                  # sum the CAST ballots that verified
                rows = [b"".join(prev)] + [b.contest(cid).ciphertexts_bytes() for b in good]
            self.sums[cid] = (ballots + len(good),
                              aggregate_vartime(b"".join(rows), len(rows), 2 * (n + 1)))


class _StationBallots:
    """What the station's boxes that verify contribute, merged box by box (`take`)."""

    def __init__(self, out, context, manifest, style_id):
        self.out, self.context, self.manifest = out, context, manifest
        style = [manifest.contest(cid) for cid in manifest.style(style_id).contest_ids]
        self.contests = [(c.contest_id, len(c.candidates)) for c in style if not c.uses_slots]
        self.slot_contests = [c.contest_id for c in style if c.uses_slots]
        self.sums = {cid: (0, [bytes(32)] * (2 * (n + 1))) for cid, n in self.contests}
        self.ids, self.locs, self.alphas, self.owners = [], [], [], []
        # ciphertexts per ballot: n + 1 per per-candidate contest, L per slot contest
        self.per_ballot = sum(n + 1 for _, n in self.contests) + sum(
            c.max_choices for c in style if c.uses_slots)
        self.slot_boxes = []   # (kiosk id, {contest id: bytes}) of the boxes that verify

    def box(self, kiosk_id: str = "") -> _Ballots:
        return _Ballots(self.context, self.manifest, self.contests, self.slot_contests,
                        self.per_ballot, kiosk_id)

    def take(self, box: _Ballots):
        """Merge a box read without a V5-V7 problem: its checks' failures and counts,
        its ballots for V9, its CAST sums for V11."""
        box.flush()
        if box.dead:
            return
        for check, loc, msg in box.failures:
            self.out.fail(check, loc, msg)
        for check, n in box.counts.items():
            self.out.count(check, n)
        base = len(self.locs)
        self.owners.extend(base + k for k in box.owners)
        self.ids.extend(box.ids)
        self.locs.extend(box.locs)
        self.alphas.extend(box.alphas)
        self.slot_boxes.append((box.kiosk_id, {cid: b"".join(rows)
                                               for cid, rows in box.slots.items()}))
        for cid, n in self.contests:
            (a, prev), (b, more) = self.sums[cid], box.sums[cid]
            self.sums[cid] = (a + b, aggregate_vartime(b"".join(prev) + b"".join(more), 2,
                                                       2 * (n + 1)))

    def finish(self):
        d = self.out.d
        d["ballot_ids"] = b"".join(self.ids)
        d["ballot_locs"] = self.locs
        d["alphas"] = b"".join(self.alphas)
        d["per_ballot"] = self.per_ballot
        d["alpha_owners"] = self.owners  # ballot index of each per_ballot run of alphas
        d["slot_inputs"] = station_slots(self.slot_boxes)   # slot contest id -> bytes
        for cid, n in self.contests:
            ballots, cols = self.sums[cid]
            d["tallies"][cid] = (ballots, [cols[2 * k] + cols[2 * k + 1] for k in range(n + 1)])


def _read_box(out, record_dir, rel, station_id, kiosk_id, manifest, style_id, ballots):
    """Scan one box (chain, signatures, certificate, codes: V5-V7), feeding its ballots to
    `ballots` (this box's _Ballots). Returns True when the box verifies: no V5, V6 or V7
    problem at it (specs/record.md 8.2); otherwise `ballots` is killed."""
    full = os.path.join(record_dir, *rel.split("/"))
    gen = walk_box(full, authority_key=manifest.authority_key, election_hash=manifest.hash(),
                   station_id=station_id, kiosk_id=kiosk_id)
    out.count("V5")
    report = close = None
    n_failures = len(out.d["failures"])
    try:
        while True:
            record, problems = next(gen)
            for p in problems:
                where = _loc(rel, p.seq) + ("" if p.offset is None else f" (offset {p.offset})")
                out.fail(_problem_check(p.check), where, f"{p.check}: {p.detail}")
            if record is not None:
                _check_window(out, rel, record, manifest.voting_window)
            if len(out.d["failures"]) != n_failures:
                ballots.kill()   # faulty: the box's ballots are neither checked nor counted
            if record is None:
                continue
            if isinstance(record, OpenRecord):
                out.d["kiosks"].append((rel, record.kiosk_id, record.certificate.kiosk_key.hex()))
            elif isinstance(record, (CastRecord, SpoilRecord)):
                _ballot_record(out, rel, record, style_id, ballots)
            elif isinstance(record, CloseRecord):
                close = (record.n_cast, record.n_spoiled)
    except StopIteration as stop:
        report = stop.value
    if report is not None:
        # for V16: CAST and SPOIL records read, and the counts of a CLOSE that verified
        out.d["boxes"].append((rel, report.n_cast, report.n_spoiled, close))
        out.count("V6", report.n_records)
        if report.torn_offset is not None:
            out.fail("V6", _loc(rel, report.n_records) + f" (offset {report.torn_offset})",
                     f"torn-frame: {report.torn_bytes} bytes of an incomplete final frame")
        if not report.closed:
            out.fail("V6", _loc(rel), "not-closed: the box has no CLOSE record")
    ok = report is not None and len(out.d["failures"]) == n_failures
    if not ok:
        ballots.kill()
    return ok


def _check_window(out, rel, record, window):
    """V6: a record's time (whatever time the record holds) lies inside the manifest's
    voting window widened by its tolerance (manifest/anchors.py); no window stated, no
    check."""
    time_us = getattr(record, "time_us", None)
    if window is None or time_us is None:
        return
    if time_us == 0 and isinstance(record, (CastRecord, SpoilRecord)):
        return   # a ballot record carries no time (ballotbox/records.py NO_TIME)
    why = window.outside(time_us)
    if why is not None:
        out.fail("V6", _loc(rel, record.seq), f"outside-voting-window: {why}")


def _ballot_record(out, rel, record, style_id, ballots):
    """A CAST ballot is V8's, a SPOIL ballot V10's: the same checks (decodes, its own
    ballot id, the station's style, proofs in the batch), so a kiosk cannot spoil
    garbage. A SPOIL record holds no opening (the reader refuses one: spoil-opening).
    V7 counts every ballot record read; V8 and V10 counts and failures go to the box's
    accumulator, kept only if the box verifies."""
    out.count("V7")
    is_cast = isinstance(record, CastRecord)
    if is_cast:   # the station's page of codes (V18, evote.results.report_codes)
        out.d["cast_codes"].append((rel.rsplit("/", 1)[-1][:-len(".box")], record.seq,
                                    record.code))
    if ballots.dead:
        return
    check = "V8" if is_cast else "V10"
    if not is_cast:
        ballots.count("V10")
    where = _loc(rel, record.seq, record.ballot_id)
    try:
        ballot = EncryptedBallot.from_bytes(record.payload)
    except EvoteError as exc:
        ballots.count("V8")
        ballots.fail(check, where, f"the ballot does not decode: {exc}")
        return
    if ballot.ballot_id != record.ballot_id:
        ballots.count("V8")
        ballots.fail(check, where, f"the encrypted ballot carries another ballot id "
                     f"({ballot.ballot_id.hex()})")
        return
    if ballot.style_id != style_id:
        ballots.count("V8")
        ballots.fail(check, where, f"ballot style {ballot.style_id!r} is not the station's "
                     f"style {style_id!r}")
        return
    ballots.add(ballot, where, is_cast)


def verify_station(record_dir: str, station_id: str, box_paths, manifest_bytes: bytes,
                   context_bytes: bytes) -> dict:
    """Verify one station's boxes (record-relative paths boxes/<station>/<kiosk>.box)."""
    out = _Out(station_id)
    try:
        manifest, context = parsed_election(manifest_bytes, context_bytes)
        style_id = manifest.station(station_id).style_id
    except EvoteError as exc:  # the parent checked both; a file changed under us
        out.fail("V6", f"station {station_id}", f"cannot load manifest/context: {exc}")
        return out.d
    station = _StationBallots(out, context, manifest, style_id)
    for rel in box_paths:
        kiosk_id = rel.rsplit("/", 1)[-1][:-len(".box")]
        ballots = station.box(kiosk_id)
        try:
            out.d["file_hashes"][rel] = file_hash(record_dir, rel).hex()
            if _read_box(out, record_dir, rel, station_id, kiosk_id, manifest, style_id,
                         ballots):
                station.take(ballots)   # only a box that verifies counts (record.md 8.2)
        except (EvoteError, OSError, ValueError) as exc:
            out.fail("V6", rel, f"the box cannot be read: {type(exc).__name__}: {exc}")
        except Exception as exc:  # never a traceback for what a record holds
            out.fail("V6", rel, f"unexpected error while reading the box: "
                     f"{type(exc).__name__}: {exc}")
    try:
        station.finish()
    except Exception as exc:  # never a traceback for what a record holds
        out.fail("V8", f"station {station_id}", f"ballots cannot be checked: "
                 f"{type(exc).__name__}: {exc}")
    return out.d
