"""Reading a ballot box: stream its frames and verify everything a record promises.

    read_box(path, authority_key=..., election_hash=...)  -> iterator of verified records,
        raising the first problem (a BoxProblem subclass naming kiosk, record, check);
    scan_box(path, authority_key=...)                      -> ScanReport listing every
        problem found, never raising for the box's contents (for `evote box check`).

Checks per record, in this order (names as in specs/ballot-box.md section 7): framing and
frame check; OPEN first and only once, nothing after CLOSE; sequence = position; previous
hash = hash of the record before; time: none (0) on CAST/SPOIL, not going backwards on
OPEN/CLOSE; SPOIL: no opening after the ballot; OPEN: certificate signed by
the authority and matching the OPEN fields and the expected election/station/kiosk;
CAST/SPOIL: ballot id = the id of its position, confirmation code = the chained code;
CLOSE: counts and chain head; finally the kiosk signature of the record hash.

Records are yielded as they verify; a consumer must trust what it read only once the
iterator has finished without raising. Reading streams one frame at a time.
"""
import logging
import os
import stat
from dataclasses import dataclass, field

import nacl.exceptions
import nacl.signing

from .framing import ZERO_HASH, RecordType, iter_frames
from .identity import KioskCertificate, check_bytes32, check_label
from ..errors import BoxError
from ..paths import checked_path
from .problems import (BoxMismatch, CertificateError, ChainError, FramingError,
                       RecordSignatureError, TornFrame)
from .records import (BALLOT_TYPES, NO_TIME, CastRecord, CloseRecord, OpenRecord, SpoilRecord,
                      ballot_id_for, decode_body, next_code)

log = logging.getLogger("evote.ballotbox")
_READ_BUFFER = 1 << 20


@dataclass
class ScanReport:
    """What a scan found. `problems` is empty exactly when every record verified.

    clean_records / clean_length: how many records (and bytes) verified before the first
    problem; record_hashes (when asked for) are their hashes, in order. torn_offset is
    where a recognisably torn final frame starts (None if there is none).
    """
    path: str
    file_size: int = 0
    kiosk_id: str | None = None
    station_id: str | None = None
    election_hash: bytes | None = None
    kiosk_key: bytes | None = None
    open_hash: bytes | None = None
    n_records: int = 0
    n_cast: int = 0
    n_spoiled: int = 0
    closed: bool = False
    chain_head: bytes | None = None
    last_hash: bytes = ZERO_HASH
    last_time_us: int = 0
    torn_offset: int | None = None
    problems: list = field(default_factory=list)
    clean_records: int = 0
    clean_length: int = 0
    record_hashes: list = field(default_factory=list)
    frames: list = field(default_factory=list)  # (offset, size) of clean records, if kept
    last_rtype: RecordType | None = None  # type of the last clean record
    certificate_checked: bool = True  # False: scanned without the authority's key

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def torn_bytes(self) -> int:
        return 0 if self.torn_offset is None else self.file_size - self.torn_offset


class _Verifier:
    """The record-by-record state machine shared by read_box, scan_box and the box."""

    def __init__(self, report: ScanReport, authority_key: bytes, election_hash, station_id,
                 kiosk_id):
        self.r = report
        # None only through scan_box(..., authority_key=None): everything but the
        # certificate's signature is checked, and the report says so.
        self.authority_key = None if authority_key is None else \
            check_bytes32("authority_key", authority_key)
        report.certificate_checked = authority_key is not None
        self.want_election = None if election_hash is None else check_bytes32("election_hash",
                                                                             election_hash)
        self.want_station = None if station_id is None else check_label("station_id", station_id)
        self.want_kiosk = None if kiosk_id is None else check_label("kiosk_id", kiosk_id)
        self.verify_key = None

    def feed(self, frame):
        """Verify one frame; return (record or None, list of problems)."""
        r, seq = self.r, self.r.n_records
        problems = []

        def bad(cls, check, detail):
            problems.append(cls(check, detail, seq=seq, offset=frame.offset,
                                kiosk_id=r.kiosk_id, path=r.path))
        if not frame.frame_check_ok:
            bad(FramingError, "frame-check", "frame CRC-32 does not match (damaged bytes)")
        try:
            fields = decode_body(frame.rtype, frame.body)
        except FramingError as exc:
            bad(FramingError, exc.check, exc.detail)
            fields = None
        rtype = frame.rtype
        if r.closed:
            bad(ChainError, "after-close", f"{rtype.name} record after the CLOSE record")
        if seq == 0 and rtype is not RecordType.OPEN:
            bad(ChainError, "open-first", f"first record is {rtype.name}, not OPEN")
        elif seq > 0 and rtype is RecordType.OPEN:
            bad(ChainError, "open-repeated", "a second OPEN record")
        if frame.seq != seq:
            bad(ChainError, "sequence", f"carries sequence number {frame.seq}, expected {seq}")
        if frame.prev_hash != r.last_hash:
            bad(ChainError, "prev-hash", "previous-record hash does not match the record "
                "before it (record removed, inserted, reordered or changed)")
        if rtype in BALLOT_TYPES:
            if frame.time_us != NO_TIME:
                bad(ChainError, "time", f"{rtype.name} record carries a time ({frame.time_us} "
                    "us); ballot records carry none (version 2)")
        elif frame.time_us < r.last_time_us:
            bad(ChainError, "time", f"time {frame.time_us} us is before the previous record's "
                f"{r.last_time_us} us")
        record = None
        if fields is not None:
            record = self._check_body(frame, rtype, fields, seq, bad)
        if self.verify_key is None:
            bad(RecordSignatureError, "signature", "no certified kiosk key to check against")
        else:
            try:
                self.verify_key.verify(frame.record_hash, frame.signature)
            except nacl.exceptions.BadSignatureError:
                bad(RecordSignatureError, "signature", "kiosk signature does not verify")
        # Chain state follows what this record states, so one damaged record is reported
        # where it is (and at most once more, by the next record's link), not forever after.
        r.n_records += 1
        r.last_hash = frame.record_hash
        r.last_time_us = max(r.last_time_us, frame.time_us)
        if problems:
            record = None
        return record, problems

    def _check_body(self, frame, rtype, f, seq, bad):
        r = self.r
        common = dict(seq=frame.seq, time_us=frame.time_us, prev_hash=frame.prev_hash,
                      record_hash=frame.record_hash)
        if rtype is RecordType.OPEN:
            try:
                cert = KioskCertificate.from_bytes(f["certificate_bytes"])
            except CertificateError as exc:
                bad(CertificateError, "certificate", exc.detail)
                return None
            if r.open_hash is None:
                # Name the box by what the authority signed, not by the OPEN's own copy.
                r.kiosk_id, r.station_id = cert.kiosk_id, cert.station_id
                r.election_hash, r.kiosk_key = cert.election_hash, cert.kiosk_key
                r.open_hash = r.chain_head = frame.record_hash
                self.verify_key = nacl.signing.VerifyKey(cert.kiosk_key)
            try:
                if self.authority_key is not None:
                    cert.verify(self.authority_key)
            except CertificateError as exc:
                bad(CertificateError, "certificate", exc.detail)
            for what, have, cert_has in (("election hash", f["election_hash"], cert.election_hash),
                                         ("station id", f["station_id"], cert.station_id),
                                         ("kiosk id", f["kiosk_id"], cert.kiosk_id)):
                if have != cert_has:
                    bad(CertificateError, "certificate-binding",
                        f"OPEN {what} differs from the certificate's")
            for check, want, have in (("election", self.want_election, f["election_hash"]),
                                      ("station", self.want_station, f["station_id"]),
                                      ("kiosk", self.want_kiosk, f["kiosk_id"])):
                if want is not None and want != have:
                    shown = have.hex() if isinstance(have, bytes) else repr(have)
                    wanted = want.hex() if isinstance(want, bytes) else repr(want)
                    bad(BoxMismatch, check, f"box is for {check} {shown}, expected {wanted}")
            return OpenRecord(**common, election_hash=f["election_hash"],
                              station_id=f["station_id"], kiosk_id=f["kiosk_id"], certificate=cert)
        if rtype in (RecordType.CAST, RecordType.SPOIL):
            if r.open_hash is not None:
                want_id = ballot_id_for(r.election_hash, r.kiosk_id, r.open_hash, seq)
                if f["ballot_id"] != want_id:
                    bad(ChainError, "ballot-id", f"ballot id {f['ballot_id'].hex()[:16]}... is not "
                        f"the id of position {seq}")
                if f["code"] != next_code(r.chain_head, f["ballot_id"], f["payload"]):
                    bad(ChainError, "confirmation-code", "confirmation code does not follow "
                        "from the previous code and this ballot")
            r.chain_head = f["code"]
            if rtype is RecordType.CAST:
                r.n_cast += 1
                return CastRecord(**common, ballot_id=f["ballot_id"], code=f["code"],
                                  payload=f["payload"])
            r.n_spoiled += 1
            return SpoilRecord(**common, ballot_id=f["ballot_id"], code=f["code"],
                               payload=f["payload"])
        if (f["n_cast"], f["n_spoiled"]) != (r.n_cast, r.n_spoiled):
            bad(ChainError, "close-counts", f"CLOSE counts {f['n_cast']} cast, {f['n_spoiled']} "
                f"spoiled; the box holds {r.n_cast} cast, {r.n_spoiled} spoiled")
        if f["chain_head"] != r.chain_head:
            bad(ChainError, "close-chain-head", "CLOSE chain head is not the last confirmation code")
        r.closed = True
        return CloseRecord(**common, n_cast=f["n_cast"], n_spoiled=f["n_spoiled"],
                           chain_head=f["chain_head"])


def _open_regular(path):
    """The box file opened for reading; BoxError unless it is a regular file. Opened
    non-blocking, so a FIFO is refused instead of waiting for a writer forever."""
    path = checked_path(path, "box path")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise BoxError(f"box {path}: cannot open: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise BoxError(f"box {path}: not a regular file")
    return os.fdopen(fd, "rb", buffering=_READ_BUFFER)


def walk_box(path, *, authority_key, election_hash, station_id, kiosk_id, keep_hashes=False):
    """Generator of (record, problems) pairs for every frame of a box, verifying as it
    goes and never raising for the box's contents (only BoxError when the file cannot be
    opened); fills and finally returns (as StopIteration.value) its ScanReport. For
    callers that must both use every record and name every problem (the verifier);
    read_box (raises at the first problem) and scan_box (problems only) are built on it.

    A torn tail is recorded in report.torn_offset (not as a problem), except after a
    CLOSE record, where any byte is an `after-close` problem; a framing error that makes
    the rest unreadable is the last problem.
    """
    report = ScanReport(path=str(path))
    verifier = _Verifier(report, authority_key, election_hash, station_id, kiosk_id)
    f = _open_regular(path)
    with f:
        report.file_size = os.fstat(f.fileno()).st_size
        frames = iter_frames(f, limit=report.file_size)
        clean = True
        try:
            for frame in frames:
                record, problems = verifier.feed(frame)
                if problems:
                    clean = False
                    report.problems.extend(problems)
                elif clean:
                    report.clean_records += 1
                    report.clean_length = frame.offset + frame.size
                    report.last_rtype = frame.rtype
                    if keep_hashes:
                        report.record_hashes.append(frame.record_hash)
                        report.frames.append((frame.offset, frame.size))
                yield record, problems
        except TornFrame as exc:
            if report.closed:  # a closed box never writes again: nothing after it is torn
                problem = ChainError("after-close", f"{report.file_size - exc.offset} bytes "
                                     "after the CLOSE record", seq=report.n_records,
                                     offset=exc.offset, kiosk_id=report.kiosk_id,
                                     path=report.path)
                report.problems.append(problem)
                yield None, [problem]
            else:
                report.torn_offset = exc.offset
        except FramingError as exc:
            problem = FramingError(exc.check, exc.detail + "; nothing after it can be read",
                                   seq=report.n_records, offset=exc.offset,
                                   kiosk_id=report.kiosk_id, path=report.path)
            report.problems.append(problem)
            yield None, [problem]
    if report.n_records == 0 and not report.problems:
        problem = FramingError("empty", "the box holds no complete record (no OPEN)",
                               seq=0, offset=0, path=report.path)
        report.problems.append(problem)
        yield None, [problem]
    return report


def scan_box(path, *, authority_key, election_hash=None, station_id=None,
             kiosk_id=None, keep_hashes=False) -> ScanReport:
    """Verify a whole box read-only and list every problem found (never raises for the
    box's contents; raises BoxError if the file cannot be read at all).

    authority_key=None (for a quick look without the manifest) checks everything except
    the authority's signature on the kiosk certificate; report.certificate_checked is
    then False and the box must not be called verified."""
    gen = walk_box(path, authority_key=authority_key, election_hash=election_hash,
                   station_id=station_id, kiosk_id=kiosk_id, keep_hashes=keep_hashes)
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


class BoxReader:
    """Iterator over the verified records of one box (what read_box returns).

    Raises the first problem found; once iteration has ended without raising, `report`
    holds the box's ScanReport (kiosk, station, counts, chain head, closed, ...).
    """

    def __init__(self, path, *, authority_key, election_hash=None, station_id=None,
                 kiosk_id=None, require_closed=False, allow_torn_tail=False):
        check_bytes32("authority_key", authority_key)  # required here, unlike scan_box
        self.report = None
        self._gen = self._run(path, dict(authority_key=authority_key,
                                         election_hash=election_hash, station_id=station_id,
                                         kiosk_id=kiosk_id), require_closed, allow_torn_tail)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._gen)

    def _run(self, path, opts, require_closed, allow_torn_tail):
        gen = walk_box(path, **opts)
        try:
            while True:
                record, problems = next(gen)
                if problems:
                    raise problems[0]
                yield record
        except StopIteration as stop:
            report = stop.value
        if report.torn_offset is not None:
            torn = TornFrame("torn-frame", f"{report.torn_bytes} bytes of an incomplete final "
                             "frame", seq=report.n_records, offset=report.torn_offset,
                             kiosk_id=report.kiosk_id, path=report.path)
            if not allow_torn_tail:
                raise torn
            log.warning("%s (never acknowledged; ignored)", torn)
        if require_closed and not report.closed:
            raise ChainError("not-closed", "the box has no CLOSE record", seq=report.n_records,
                             kiosk_id=report.kiosk_id, path=report.path)
        self.report = report


def read_box(path, *, authority_key: bytes, election_hash=None, station_id=None,
             kiosk_id=None, require_closed=False, allow_torn_tail=False) -> BoxReader:
    """Stream the verified records of a box (OpenRecord, CastRecord, SpoilRecord,
    CloseRecord) in order, raising the first problem found (a BoxProblem subclass:
    FramingError, ChainError, CertificateError, RecordSignatureError, BoxMismatch, or
    TornFrame unless allow_torn_tail, in which case a torn tail is logged and skipped).
    The returned BoxReader's `.report` is the summary once iteration has finished."""
    return BoxReader(path, authority_key=authority_key, election_hash=election_hash,
                     station_id=station_id, kiosk_id=kiosk_id, require_closed=require_closed,
                     allow_torn_tail=allow_torn_tail)


__all__ = ["ScanReport", "BoxReader", "scan_box", "read_box"]
