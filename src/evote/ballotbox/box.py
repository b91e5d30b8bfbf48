"""The kiosk's ballot box: an append-only, signed, hash-chained, fsynced record log.

    box = open_box(path, kiosk_key=sk, certificate=cert, authority_key=auth_pk, mirror=m)
    bid = box.next_ballot_id()             # bound into the encrypted ballot's proofs
    code = box.preview_code(bid, payload)  # shown before the voter casts or challenges
    receipt = box.cast(bid, payload)       # returns only after the record is durable
    spoiled = box.challenge(bid, payload)  # the opening goes to the voter, never here
    closing = box.close()                  # a closed box refuses every further write
    box.release()                          # let go of the files (the box stays open)

Invariants: every record the box acknowledged (cast/challenge/close returned) is written,
flushed and fsynced in the file and, when configured, in the mirror, in that order; both
were then found to still be the files at their paths; then the record's entry was
appended and fsynced to the high-water mark `<path>.hwm` (highwater.py). A failed write
acknowledges nothing and leaves the copies at the last acknowledged record (or, if even
the rollback fails, the box refuses writes until it is reopened). Reopening verifies
everything (reader.py) against the mark and repairs only as recovery.py allows; a box
that lost an acknowledged record stops (specs/ballot-box.md sections 8-10).
"""
import logging
import os
import time

import nacl.signing

from ..errors import EvoteTypeError, EvoteValueError
from ..paths import checked_path
from .durability import FileSink, factory_op
from .framing import ZERO_HASH, RecordType, U64_MAX, record_hash, seal, signed_bytes
from .highwater import encode_entry, mark_path, read_mark
from .identity import KioskCertificate, check_bytes32
from .problems import (BoxClosed, BoxDamaged, BoxError, BoxMismatch, BoxNotCreated,
                       BoxWriteError, CopyVanished)
from .records import (BALLOT_TYPES, MAX_PAYLOAD, NO_TIME, CloseRecord, Receipt, SpoilRecord,
                      ballot_id_for, encode_body, next_code)
from .recovery import reconcile

log = logging.getLogger("evote.ballotbox")
# A record's time may lead this machine's clock by at most this much: a time far in the
# future would pin every later record's time there (times never go backwards).
CLOCK_LEAD_US = 5 * 60 * 1_000_000


def _now_us() -> int:
    return time.time_ns() // 1000


def _check_payload(name: str, value) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise EvoteTypeError(f"{name}: expected bytes, got {type(value).__name__}")
    value = bytes(value)
    if not 1 <= len(value) <= MAX_PAYLOAD:
        raise EvoteValueError(f"{name}: {len(value)} bytes; must be 1..{MAX_PAYLOAD}")
    return value


def _check_time_us(time_us) -> int:
    if not isinstance(time_us, int) or isinstance(time_us, bool) or not 0 <= time_us <= U64_MAX:
        raise EvoteValueError(f"time_us: {time_us!r} is not a u64 count of microseconds")
    if time_us > _now_us() + CLOCK_LEAD_US:
        raise EvoteValueError(f"time_us: {time_us} is more than {CLOCK_LEAD_US // 60_000_000} "
                              "minutes ahead of this machine's clock")
    return time_us


def _checked_paths(path, mirror) -> tuple:
    """(box path, mirror path or None) as str, checked before any file is touched (str()
    made None a file named 'None' and a bytes path one named "b'...'")."""
    return checked_path(path, "path"), None if mirror is None else checked_path(mirror, "mirror")


def _discard(paths, sink_factory=FileSink) -> None:
    """Remove the files of a box whose creation failed: they hold nothing acknowledged,
    and no half-made box may be left behind. The mark (first in `paths`) goes last, so a
    box file never exists without it."""
    unlink, sync_dir = factory_op(sink_factory, "unlink"), factory_op(sink_factory,
                                                                      "sync_directory")
    for p in list(paths[1:]) + list(paths[:1]):
        try:
            unlink(p)
            sync_dir(os.path.dirname(os.path.abspath(p)))
        except OSError:
            pass


def _check_key(kiosk_key) -> nacl.signing.SigningKey:
    if not isinstance(kiosk_key, nacl.signing.SigningKey):
        raise EvoteTypeError("kiosk_key: expected a nacl.signing.SigningKey")
    return kiosk_key


class BallotBox:
    """One kiosk's open ballot box. Build it with open_box, BallotBox.create or
    BallotBox.reopen; never directly."""

    def __init__(self, *, path, sinks, mark, kiosk_key, state, recovery=()):
        self.path = str(path)
        self._sinks = sinks
        self._mark = mark  # the high-water mark's sink (highwater.py)
        self._key = kiosk_key
        self._failed = False
        self.recovery = tuple(recovery)  # what reopening found and did (human-readable)
        (self.election_hash, self.station_id, self.kiosk_id, self.open_hash, self._seq,
         self._last_hash, self._code, self._last_time, self.n_cast, self.n_spoiled,
         self.closed, self._length) = state
        self._mark_length = 0 if mark is None else mark.size()

    # -- construction ---------------------------------------------------------------

    @classmethod
    def create(cls, path, *, kiosk_key, certificate: KioskCertificate, authority_key: bytes,
               mirror=None, durable=True, sink_factory=FileSink, time_us=None) -> "BallotBox":
        """Create a new box (and mirror) holding its OPEN record. Refuses existing files."""
        # Every argument is checked before a file is created: a refusal leaves nothing behind.
        kiosk_key = _check_key(kiosk_key)
        path, mirror = _checked_paths(path, mirror)
        paths = [path] + ([] if mirror is None else [mirror])
        if time_us is not None:
            _check_time_us(time_us)
        if not isinstance(certificate, KioskCertificate):
            raise EvoteTypeError("certificate: expected a KioskCertificate")
        certificate.verify(authority_key)
        if certificate.kiosk_key != bytes(kiosk_key.verify_key):
            raise BoxMismatch("kiosk-key", "the kiosk key is not the one the certificate "
                              "certifies", kiosk_id=certificate.kiosk_id, path=path)
        if len(set(os.path.abspath(p) for p in paths)) != len(paths):
            raise EvoteValueError("mirror: must be a different file from the box")
        # The mark is created (and its directory fsynced) before the box file, so a box
        # file never exists without its mark (specs/ballot-box.md section 9).
        files = [mark_path(path)] + paths
        for p in files:
            if os.path.lexists(p):
                raise BoxError(f"box {p} already exists; reopen it instead of creating it")
        body = encode_body(RecordType.OPEN, election_hash=certificate.election_hash,
                           station_id=certificate.station_id, kiosk_id=certificate.kiosk_id,
                           certificate=certificate)
        sinks = []
        try:
            for p in files:
                sinks.append(sink_factory(p, create=True, durable=durable))
        except OSError as exc:
            for s in sinks:
                s.close()
            _discard(files[:len(sinks)], sink_factory)
            raise BoxWriteError(f"box {path}: cannot create {p}: {exc.strerror}") from None
        state = (certificate.election_hash, certificate.station_id, certificate.kiosk_id,
                 None, 0, ZERO_HASH, None, 0, 0, 0, False, 0)
        box = cls(path=path, sinks=sinks[1:], mark=sinks[0], kiosk_key=kiosk_key, state=state)
        try:
            _, open_hash = box._append(RecordType.OPEN, body,
                                       _now_us() if time_us is None else time_us)
        except BaseException:
            box.release()  # an unreleased sink would keep the file locked in this process
            _discard(files, sink_factory)
            raise
        box.open_hash = box._code = open_hash
        return box

    @classmethod
    def reopen(cls, path, *, kiosk_key, authority_key: bytes, election_hash=None,
               station_id=None, kiosk_id=None, mirror=None, durable=True,
               sink_factory=FileSink) -> "BallotBox":
        """Reopen an existing box: verify it (and its mirror), cut a torn final frame,
        repair a copy from the other only when that is safe, then continue the chain."""
        kiosk_key = _check_key(kiosk_key)
        path, mirror = _checked_paths(path, mirror)
        result = reconcile(path, mirror, authority_key=check_bytes32("authority_key", authority_key),
                           election_hash=election_hash, station_id=station_id,
                           kiosk_id=kiosk_id, durable=durable, sink_factory=sink_factory)
        rep = result.report
        if rep.kiosk_key != bytes(kiosk_key.verify_key):
            for s in result.sinks + [result.mark]:
                s.close()
            raise BoxMismatch("kiosk-key", "the box was opened by another kiosk key",
                              kiosk_id=rep.kiosk_id, path=path)
        state = (rep.election_hash, rep.station_id, rep.kiosk_id, rep.open_hash, rep.n_records,
                 rep.last_hash, rep.chain_head, rep.last_time_us, rep.n_cast, rep.n_spoiled,
                 rep.closed, rep.clean_length)
        return cls(path=path, sinks=result.sinks, mark=result.mark, kiosk_key=kiosk_key,
                   state=state, recovery=result.notes)

    # -- what the kiosk asks ----------------------------------------------------------

    @property
    def next_seq(self) -> int:
        return self._seq

    @property
    def chain_head(self) -> bytes:
        """The last confirmation code (the OPEN record hash before any ballot)."""
        return self._code

    def next_ballot_id(self) -> bytes:
        """The ballot id the next CAST or SPOIL record must carry."""
        return ballot_id_for(self.election_hash, self.kiosk_id, self.open_hash, self._seq)

    def preview_code(self, ballot_id: bytes, payload: bytes) -> bytes:
        """The confirmation code the ballot will get if it is cast or challenged next."""
        ballot_id = self._expect_ballot_id(ballot_id)
        return next_code(self._code, ballot_id, _check_payload("payload", payload))

    def cast(self, ballot_id: bytes, payload: bytes) -> Receipt:
        """Append a CAST record (no time: records.NO_TIME); return the receipt once it
        is durable."""
        ballot_id = self._expect_ballot_id(ballot_id)
        payload = _check_payload("payload", payload)
        code = next_code(self._code, ballot_id, payload)
        body = encode_body(RecordType.CAST, ballot_id=ballot_id, code=code, payload=payload)
        seq, _ = self._append(RecordType.CAST, body, NO_TIME)
        self._code = code
        self.n_cast += 1
        return Receipt(kiosk_id=self.kiosk_id, station_id=self.station_id, seq=seq,
                       ballot_id=ballot_id, code=code)

    def challenge(self, ballot_id: bytes, payload: bytes) -> SpoilRecord:
        """Append a SPOIL record: the challenged ballot only (no time, no opening: the
        opening goes to the voter, specs/protocol.md section 8)."""
        ballot_id = self._expect_ballot_id(ballot_id)
        payload = _check_payload("payload", payload)
        code = next_code(self._code, ballot_id, payload)
        body = encode_body(RecordType.SPOIL, ballot_id=ballot_id, code=code, payload=payload)
        prev = self._last_hash
        seq, rhash = self._append(RecordType.SPOIL, body, NO_TIME)
        self._code = code
        self.n_spoiled += 1
        return SpoilRecord(seq=seq, time_us=NO_TIME, prev_hash=prev, record_hash=rhash,
                           ballot_id=ballot_id, code=code, payload=payload)

    def close(self) -> CloseRecord:
        """Append the CLOSE record (counts and chain head). The box then refuses writes."""
        return self.close_at_time(self._clock())

    def close_at_time(self, time_us: int) -> CloseRecord:
        body = encode_body(RecordType.CLOSE, n_cast=self.n_cast, n_spoiled=self.n_spoiled,
                           chain_head=self._code)
        prev = self._last_hash
        seq, rhash = self._append(RecordType.CLOSE, body, time_us)
        self.closed = True
        return CloseRecord(seq=seq, time_us=time_us, prev_hash=prev, record_hash=rhash,
                           n_cast=self.n_cast, n_spoiled=self.n_spoiled, chain_head=self._code)

    def release(self) -> None:
        """Close the files and their locks. The box itself stays open (no CLOSE record)."""
        for s in self._sinks + ([] if self._mark is None else [self._mark]):
            s.close()
        self._sinks, self._mark = [], None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    # -- internals ----------------------------------------------------------------------

    def _clock(self) -> int:
        # The kiosk clock may step back (NTP); records never do.
        return max(_now_us(), self._last_time)

    def _expect_ballot_id(self, ballot_id) -> bytes:
        ballot_id = check_bytes32("ballot_id", ballot_id)
        if ballot_id != self.next_ballot_id():
            raise EvoteValueError(f"ballot_id {ballot_id.hex()[:16]}... is not the next "
                                  f"ballot id of kiosk {self.kiosk_id!r} (record {self._seq}); "
                                  "ask next_ballot_id()")
        return ballot_id

    def _append(self, rtype: RecordType, body: bytes, time_us: int):
        """Sign, write, flush and fsync one record to every copy. Returns (seq, hash)."""
        if self.closed:
            raise BoxClosed(f"box {self.path} of kiosk {self.kiosk_id!r} is closed; "
                            f"{rtype.name} refused")
        if self._failed or not self._sinks:
            raise BoxWriteError(f"box {self.path}: stopped after a failed write or released; "
                                "reopen it")
        _check_time_us(time_us)
        if rtype in BALLOT_TYPES:   # ballots are untimed; OPEN and CLOSE never go back
            if time_us != NO_TIME:
                raise EvoteValueError(f"{rtype.name} records carry no time (got {time_us})")
        elif time_us < self._last_time:
            raise EvoteValueError(f"time_us {time_us} is before the last record's {self._last_time}")
        seq = self._seq
        signed = signed_bytes(rtype, seq, time_us, self._last_hash, body)
        rhash = record_hash(signed)
        frame = seal(signed, self._key.sign(rhash).signature)
        written = []
        for sink in self._sinks:
            written.append(sink)
            step = "write"
            try:
                sink.append(frame)
                step = "fsync"
                sink.sync()
            except OSError as exc:
                if step == "fsync":
                    self._failed = True  # the page cache can no longer be trusted
                self._rollback(written)
                raise BoxWriteError(
                    f"box {sink.path}: {step} of record {seq} ({rtype.name}) failed: "
                    f"{exc.strerror or exc}; nothing acknowledged, box "
                    f"{'stopped (reopen it)' if self._failed else 'unchanged'}") from None
        self._check_still_there(self._sinks, written, seq, rtype)
        self._write_mark(encode_entry(rtype, seq, self._length + len(frame), rhash), seq,
                         rtype)
        self._seq = seq + 1
        self._last_hash = rhash
        self._last_time = max(self._last_time, time_us)
        self._length += len(frame)
        return seq, rhash

    def _check_still_there(self, sinks, written, seq, rtype) -> None:
        """Every copy must still be the file at its path (a removed mirror directory or
        a pulled medium leaves the box writing into a file nobody will find)."""
        for sink in sinks:
            if not sink.still_at_path():
                self._failed = True
                self._rollback(written)
                raise CopyVanished(
                    f"box {self.path}: copy {sink.path} is no longer the file at its path "
                    f"(removed, replaced or its medium pulled); record {seq} ({rtype.name}) "
                    "not acknowledged; box stopped: restore the medium, then reopen")

    def _write_mark(self, entry: bytes, seq: int, rtype: RecordType) -> None:
        """Append and fsync the record's high-water entry: the last step before the
        record counts as acknowledged. On failure the mark is cut back first; only when
        that worked are the copies cut back too (a mark that may name the record must
        never be left over copies that lack it), and the box stops either way."""
        mark, before = self._mark, self._mark_length
        try:
            mark.append(entry)
            mark.sync()
            ok, why = mark.still_at_path(), "is no longer the file at its path"
        except OSError as exc:
            ok, why = False, f"write failed: {exc.strerror or exc}"
        if ok:
            self._mark_length = before + len(entry)
            return
        self._failed = True
        try:
            mark.truncate(before)
            cut = True
        except OSError:
            cut = False
        if cut:
            self._rollback(self._sinks)
        raise BoxWriteError(f"box {self.path}: high-water mark {mark.path} {why}; record "
                            f"{seq} ({rtype.name}) not acknowledged; box stopped (reopen it)")

    def _rollback(self, sinks) -> None:
        for sink in sinks:
            try:
                sink.truncate(self._length)
            except OSError:
                self._failed = True
                log.error("box %s: could not cut a failed write back to %d bytes; the box "
                          "stops and reopening will cut the torn tail", sink.path, self._length)


def open_box(path, *, kiosk_key, certificate: KioskCertificate, authority_key: bytes,
             mirror=None, durable=True, sink_factory=FileSink) -> BallotBox:
    """Open this kiosk's box: create it if neither the box nor its mirror exists,
    otherwise reopen it, checking it belongs to the certificate's election, station and
    kiosk."""
    path, mirror = _checked_paths(path, mirror)
    if not os.path.lexists(path) and (mirror is None or not os.path.lexists(mirror)):
        _forget_unfinished_mark(path, sink_factory)
        return BallotBox.create(path, kiosk_key=kiosk_key, certificate=certificate,
                                authority_key=authority_key, mirror=mirror, durable=durable,
                                sink_factory=sink_factory)
    if not isinstance(certificate, KioskCertificate):
        raise EvoteTypeError("certificate: expected a KioskCertificate")
    try:
        return BallotBox.reopen(path, kiosk_key=kiosk_key, authority_key=authority_key,
                                election_hash=certificate.election_hash,
                                station_id=certificate.station_id, kiosk_id=certificate.kiosk_id,
                                mirror=mirror, durable=durable, sink_factory=sink_factory)
    except BoxNotCreated as exc:
        log.warning("%s; creating it afresh", exc)
        for p in [path] + ([] if mirror is None else [mirror]):
            if os.path.lexists(p):
                factory_op(sink_factory, "unlink")(p)
        _forget_unfinished_mark(path, sink_factory)
        return BallotBox.create(path, kiosk_key=kiosk_key, certificate=certificate,
                                authority_key=authority_key, mirror=mirror, durable=durable,
                                sink_factory=sink_factory)


def _forget_unfinished_mark(path, sink_factory) -> None:
    """Before a box is created where none is: a mark with no complete entry is left by a
    creation that never returned (remove it); a mark with an entry means this box
    acknowledged records and then vanished with its mirror (stop: never start afresh)."""
    mark = read_mark(mark_path(path))
    if mark is None:
        return
    if not mark.empty:
        raise BoxDamaged("box-missing", f"the box and its mirror are gone, but the "
                         f"high-water mark {mark.path} says {mark.describe()} was "
                         "acknowledged; nothing created: keep the files, call technical staff",
                         seq=mark.seq, path=path)
    log.warning("box %s: removing the high-water mark of a creation that never finished",
                path)
    factory_op(sink_factory, "unlink")(mark.path)
