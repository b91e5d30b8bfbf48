"""One verifier task: everything about one station's ballot boxes (checks V5-V8, V10 and
the station's share of V9 and V11), as a pure function of the record's files.

A task gets the record directory, a station id, the box files found for it and the
manifest and context bytes; it returns plain, picklable data (so it runs the same in this
process, in a multiprocessing pool or on a Dask worker): file hashes, how many items each
check saw, failures (check, location, message), the recomputed station tally, and the
ballot ids and ciphertext fingerprints for the record-wide duplicate check.

Never raises for anything in the record: every problem becomes a failure at its location.
"""
import os
from array import array

from ..ballotbox.reader import _walk  # a public iterator of (record, problems) is asked for
from ..ballotbox.records import CastRecord, CloseRecord, OpenRecord, SpoilRecord
from ..errors import EvoteError
from ..group import aggregate_vartime
from ..hashing import digest
from ..manifest import Manifest
from ..protocol.challenge import ChallengeRecord, verify_challenge
from ..protocol.context import ElectionContext
from ..protocol.encrypted_ballot import EncryptedBallot
from ..protocol.verify_ballot import BatchVerificationError, verify_ballots_batch
from ..record.jsonio import parse_json_bytes
from ..record.roothash import file_hash

BATCH = 256                 # ballots per batch verification (one MSM each)
FINGERPRINT = 16            # bytes of alpha kept for the duplicate-ciphertext check
_CERT_CHECKS = {"certificate", "certificate-binding", "election", "station", "kiosk"}
_cache = {}


def _parsed(manifest_bytes: bytes, context_bytes: bytes):
    """Manifest and context, parsed once per process (they were checked by the parent)."""
    key = digest("evote/v1/verifier-cache", manifest_bytes, context_bytes)
    if key not in _cache:
        _cache.clear()
        manifest = Manifest.from_json_obj(parse_json_bytes(manifest_bytes, "manifest.json"))
        context = ElectionContext.from_json_obj(parse_json_bytes(context_bytes, "context.json"))
        _cache[key] = (manifest, context)
    return _cache[key]


class _Out:
    def __init__(self, station_id):
        self.d = {"station_id": station_id, "file_hashes": {}, "failures": [],
                  "checked": {"V5": 0, "V6": 0, "V7": 0, "V8": 0, "V10": 0},
                  "kiosks": [], "tallies": {}, "ballot_ids": b"", "ballot_locs": [],
                  "alphas": b"", "alpha_owner": array("I"), "alpha_slot": array("I")}

    def fail(self, check, location, message):
        self.d["failures"].append((check, location, message))

    def count(self, check, n=1):
        self.d["checked"][check] += n


def _problem_check(check: str) -> str:
    if check in _CERT_CHECKS:
        return "V5"
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


def _read_box(out, record_dir, rel, station_id, kiosk_id, manifest, style_id):
    """Scan one box: chain, signatures, certificate; decode its ballots. Returns
    (list of (EncryptedBallot, location, is_cast)), list of (ChallengeRecord, location))."""
    full = os.path.join(record_dir, *rel.split("/"))
    ballots, spoiled = [], []
    gen = _walk(full, authority_key=manifest.authority_key, election_hash=manifest.hash(),
                station_id=station_id, kiosk_id=kiosk_id)
    out.count("V5")
    report = None
    try:
        while True:
            record, problems = next(gen)
            for p in problems:
                seq = p.seq if p.seq is not None else None
                where = _loc(rel, seq) + ("" if p.offset is None else f" (offset {p.offset})")
                out.fail(_problem_check(p.check), where, f"{p.check}: {p.detail}")
            if record is None:
                continue
            if isinstance(record, OpenRecord):
                out.d["kiosks"].append((rel, record.kiosk_id, record.certificate.kiosk_key.hex()))
            elif isinstance(record, (CastRecord, SpoilRecord)):
                out.count("V7")
                is_cast = isinstance(record, CastRecord)
                where = _loc(rel, record.seq, record.ballot_id)
                try:
                    ballot = EncryptedBallot.from_bytes(record.payload)
                except EvoteError as exc:
                    out.count("V8")
                    out.fail("V8", where, f"the ballot does not decode: {exc}")
                    continue
                if ballot.ballot_id != record.ballot_id:
                    out.count("V8")
                    out.fail("V8", where, "the encrypted ballot carries another ballot id "
                             f"({ballot.ballot_id.hex()})")
                    continue
                if ballot.style_id != style_id:
                    out.count("V8")
                    out.fail("V8", where, f"ballot style {ballot.style_id!r} is not the "
                             f"station's style {style_id!r}")
                    continue
                ballots.append((ballot, where, is_cast))
                if not is_cast:
                    out.count("V10")
                    try:
                        ch = ChallengeRecord.from_bytes(record.secrets)
                    except EvoteError as exc:
                        out.fail("V10", where, f"the revealed secrets do not decode: {exc}")
                        continue
                    if ch.ballot.to_bytes() != record.payload:
                        out.fail("V10", where, "the challenge record opens another ballot than "
                                 "the one spoiled")
                        continue
                    spoiled.append((ch, where))
    except StopIteration as stop:
        report = stop.value
    if report is not None:
        out.count("V6", report.n_records)
        if report.torn_offset is not None:
            out.fail("V6", _loc(rel, report.n_records) + f" (offset {report.torn_offset})",
                     f"torn-frame: {report.torn_bytes} bytes of an incomplete final frame")
        if not report.closed:
            out.fail("V6", _loc(rel), "not-closed: the box has no CLOSE record")
    return ballots, spoiled


def _verify_ballots(out, context, manifest, ballots):
    """Batch-verify (chunks of BATCH); return the indices that verified."""
    good = []
    for start in range(0, len(ballots), BATCH):
        chunk = ballots[start:start + BATCH]
        out.count("V8", len(chunk))
        bad = set()
        try:
            verify_ballots_batch(context, manifest, [b for b, _, _ in chunk])
        except BatchVerificationError as exc:
            for f in exc.failures:
                bad.add(f.index)
                out.fail("V8", chunk[f.index][1], str(f.error))
        good.extend(start + i for i in range(len(chunk)) if i not in bad)
    return good


def _fingerprints(out, ballots, good):
    ids, locs = [], []
    alphas = []
    for k, (ballot, where, _) in enumerate(ballots):
        ids.append(ballot.ballot_id)
        locs.append(where)
        slot = 0
        for c in ballot.contests:
            for s in (*c.selections, c.blank):
                alphas.append(s.alpha[:FINGERPRINT])
                out.d["alpha_owner"].append(k)
                out.d["alpha_slot"].append(slot)
                slot += 1
    out.d["ballot_ids"] = b"".join(ids)
    out.d["ballot_locs"] = locs
    out.d["alphas"] = b"".join(alphas)


def _tally(out, manifest, style_id, ballots, good):
    for cid in manifest.style(style_id).contest_ids:
        n = len(manifest.contest(cid).candidates)
        rows = [ballots[i][0].contest(cid).ciphertexts_bytes()
                for i in good if ballots[i][2]]
        cols = aggregate_vartime(b"".join(rows), len(rows), 2 * (n + 1))
        out.d["tallies"][cid] = (len(rows), [cols[2 * k] + cols[2 * k + 1] for k in range(n + 1)])


def verify_station(record_dir: str, station_id: str, box_paths, manifest_bytes: bytes,
                   context_bytes: bytes) -> dict:
    """Verify one station's boxes (record-relative paths boxes/<station>/<kiosk>.box)."""
    out = _Out(station_id)
    try:
        manifest, context = _parsed(manifest_bytes, context_bytes)
        style_id = manifest.station(station_id).style_id
    except EvoteError as exc:  # the parent checked both; a file changed under us
        out.fail("V6", f"station {station_id}", f"cannot load manifest/context: {exc}")
        return out.d
    ballots, spoiled = [], []
    for rel in box_paths:
        kiosk_id = rel.rsplit("/", 1)[-1][:-len(".box")]
        try:
            out.d["file_hashes"][rel] = file_hash(record_dir, rel).hex()
            b, s = _read_box(out, record_dir, rel, station_id, kiosk_id, manifest, style_id)
            ballots.extend(b)
            spoiled.extend(s)
        except (EvoteError, OSError, ValueError) as exc:
            out.fail("V6", rel, f"the box cannot be read: {type(exc).__name__}: {exc}")
        except Exception as exc:  # never a traceback for what a record holds
            out.fail("V6", rel, f"unexpected error while reading the box: "
                     f"{type(exc).__name__}: {exc}")
    try:
        good = _verify_ballots(out, context, manifest, ballots)
        for ch, where in spoiled:
            try:
                verify_challenge(context, manifest, ch, check_proofs=False)
            except EvoteError as exc:
                out.fail("V10", where, str(exc))
        _fingerprints(out, ballots, good)
        _tally(out, manifest, style_id, ballots, good)
    except Exception as exc:  # never a traceback for what a record holds
        out.fail("V8", f"station {station_id}", f"ballots cannot be checked: "
                 f"{type(exc).__name__}: {exc}")
    return out.d
