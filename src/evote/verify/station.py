"""One verifier task: everything about one station's ballot boxes (checks V5-V8, V10 and
the station's share of V9 and V11), as a pure function of the record's files.

A task gets the record directory, a station id, the box files found for it and the
manifest and context bytes; it returns plain, picklable data (so it runs the same in this
process, in a multiprocessing pool or on a Dask worker): file hashes, how many items each
check saw, failures (check, location, message), the recomputed station tally, the
ballot ids and ciphertext fingerprints for the record-wide duplicate check, and each
box's CAST, SPOIL and CLOSE counts for the station reconciliation (V16).

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

BATCH = 256                 # ballots per batch verification (one MSM each)
FINGERPRINT = 16            # bytes of alpha kept for the duplicate-ciphertext check
_CERT_CHECKS = {"certificate", "certificate-binding", "election", "station", "kiosk"}




class _Out:
    def __init__(self, station_id):
        self.d = {"station_id": station_id, "file_hashes": {}, "failures": [],
                  "checked": {"V5": 0, "V6": 0, "V7": 0, "V8": 0, "V10": 0},
                  "kiosks": [], "tallies": {}, "ballot_ids": b"", "ballot_locs": [],
                  "alphas": b"", "per_ballot": 1, "boxes": [],
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
    """The station's ballots, streamed: decoded ballots wait in `pending` until BATCH of
    them are there, then are batch-verified, fingerprinted and (CAST ones that verified)
    added to the running station tally, and dropped. Memory stays bounded by BATCH
    ballots plus 16 bytes per ciphertext and one location per ballot."""

    def __init__(self, out, context, manifest, style_id):
        self.out, self.context, self.manifest = out, context, manifest
        self.contests = [(cid, len(manifest.contest(cid).candidates))
                         for cid in manifest.style(style_id).contest_ids]
        self.pending = []
        self.sums = {cid: (0, [bytes(32)] * (2 * (n + 1))) for cid, n in self.contests}
        self.ids, self.locs, self.alphas, self.owners = [], [], [], []
        self.per_ballot = sum(n + 1 for _, n in self.contests)

    def add(self, ballot, where, is_cast):
        self.pending.append((ballot, where, is_cast))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self):
        chunk, self.pending = self.pending, []
        if not chunk:
            return
        out = self.out
        out.count("V8", len(chunk))
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
                out.fail("V8" if chunk[f.index][2] else "V10", chunk[f.index][1],
                         msg[len(prefix):] if msg.startswith(prefix) else msg)
        for ballot, where, _ in chunk:
            fps = [s.alpha[:FINGERPRINT] for c in ballot.contests
                   for s in (*c.selections, c.blank)]
            if len(fps) == self.per_ballot:  # else it failed V8 for its shape
                self.owners.append(len(self.locs))
                self.alphas.extend(fps)
            self.ids.append(ballot.ballot_id)
            self.locs.append(where)
        good = [chunk[i][0] for i in range(len(chunk)) if i not in bad and chunk[i][2]]
        for cid, n in self.contests:
            ballots, prev = self.sums[cid]
            if sums is not None and cid in sums:   # every ballot verified: merge the sums
                rows = [b"".join(prev), b"".join(sums[cid])]
            else:                                  # sum the CAST ballots that verified
                rows = [b"".join(prev)] + [b.contest(cid).ciphertexts_bytes() for b in good]
            self.sums[cid] = (ballots + len(good),
                              aggregate_vartime(b"".join(rows), len(rows), 2 * (n + 1)))

    def finish(self):
        self.flush()
        d = self.out.d
        d["ballot_ids"] = b"".join(self.ids)
        d["ballot_locs"] = self.locs
        d["alphas"] = b"".join(self.alphas)
        d["per_ballot"] = self.per_ballot
        d["alpha_owners"] = self.owners  # ballot index of each per_ballot run of alphas
        for cid, n in self.contests:
            ballots, cols = self.sums[cid]
            d["tallies"][cid] = (ballots, [cols[2 * k] + cols[2 * k + 1] for k in range(n + 1)])


def _read_box(out, record_dir, rel, station_id, kiosk_id, manifest, style_id, ballots):
    """Scan one box (chain, signatures, certificate), feed its ballots to `ballots`,
    check its spoiled ballots' challenges."""
    full = os.path.join(record_dir, *rel.split("/"))
    gen = walk_box(full, authority_key=manifest.authority_key, election_hash=manifest.hash(),
                   station_id=station_id, kiosk_id=kiosk_id)
    out.count("V5")
    report = close = None
    try:
        while True:
            record, problems = next(gen)
            for p in problems:
                where = _loc(rel, p.seq) + ("" if p.offset is None else f" (offset {p.offset})")
                out.fail(_problem_check(p.check), where, f"{p.check}: {p.detail}")
            if record is None:
                continue
            _check_window(out, rel, record, manifest.voting_window)
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
    garbage. A SPOIL record holds no opening (the reader refuses one: spoil-opening)."""
    out.count("V7")
    is_cast = isinstance(record, CastRecord)
    check = "V8" if is_cast else "V10"
    if not is_cast:
        out.count("V10")
    if is_cast:   # the station's page of codes (V18, evote.results.report_codes)
        out.d["cast_codes"].append((rel.rsplit("/", 1)[-1][:-len(".box")], record.seq,
                                    record.code))
    where = _loc(rel, record.seq, record.ballot_id)
    try:
        ballot = EncryptedBallot.from_bytes(record.payload)
    except EvoteError as exc:
        out.count("V8")
        out.fail(check, where, f"the ballot does not decode: {exc}")
        return
    if ballot.ballot_id != record.ballot_id:
        out.count("V8")
        out.fail(check, where, f"the encrypted ballot carries another ballot id "
                 f"({ballot.ballot_id.hex()})")
        return
    if ballot.style_id != style_id:
        out.count("V8")
        out.fail(check, where, f"ballot style {ballot.style_id!r} is not the station's "
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
    ballots = _Ballots(out, context, manifest, style_id)
    for rel in box_paths:
        kiosk_id = rel.rsplit("/", 1)[-1][:-len(".box")]
        try:
            out.d["file_hashes"][rel] = file_hash(record_dir, rel).hex()
            _read_box(out, record_dir, rel, station_id, kiosk_id, manifest, style_id, ballots)
        except (EvoteError, OSError, ValueError) as exc:
            out.fail("V6", rel, f"the box cannot be read: {type(exc).__name__}: {exc}")
        except Exception as exc:  # never a traceback for what a record holds
            out.fail("V6", rel, f"unexpected error while reading the box: "
                     f"{type(exc).__name__}: {exc}")
    try:
        ballots.finish()
    except Exception as exc:  # never a traceback for what a record holds
        out.fail("V8", f"station {station_id}", f"ballots cannot be checked: "
                 f"{type(exc).__name__}: {exc}")
    return out.d
