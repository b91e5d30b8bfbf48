"""Reopening a box and its mirror: verify both, then repair only what is safe.

Decision table (specs/ballot-box.md section 8). A copy is *damaged* when its scan lists
a problem; a recognisably torn final frame is not damage (it was never acknowledged) and
is cut off with a logged warning. A copy belonging to another election, station or
kiosk stops the box whatever the other copy holds.

    box          mirror        action
    clean        (none)        continue
    damaged      (none)        stop: raise the first problem; nothing rewritten
    clean        clean, equal  continue
    clean        one behind    append the missing record to the mirror (crash between
                               the two writes: the record was never acknowledged)
    clean        clean, one a  the shorter lost acknowledged records: keep it as
                 shorter prefix <file>.damaged-N and restore it from the longer
    damaged      clean (or     if the clean copy holds at least as many records as the
    clean        damaged)      damaged one and its verified prefix: keep the damaged
                               copy as <file>.damaged-N, restore it from the clean one;
                               otherwise stop (MirrorDivergence), nothing rewritten
    damaged      damaged       stop, nothing rewritten
    clean        missing       create the missing copy from the clean one
    (either way)
    clean, clean forked        stop (MirrorDivergence): two different signed histories

Before the table, every copy is checked against the high-water mark (highwater.py,
specs/ballot-box.md section 9): a copy whose verified records lack the mark's record lost
an acknowledged record and counts as damaged, so it is restored from a copy that holds it,
or, when none does, the box stops (BoxDamaged acknowledged-lost) with nothing rewritten.
After the table the mark's torn final entry is cut and the mark catches up with a record
kept but never acknowledged.
"""
import logging
import os
from dataclasses import dataclass, field

from .durability import preserve_copy
from .framing import FRAME_OVERHEAD, MAX_BODY, RecordType
from .highwater import encode_entry, holds, loss, mark_path, read_mark
from .problems import (BoxDamaged, BoxError, BoxMismatch, BoxNotCreated, FramingError,
                       MirrorDivergence)
from .reader import ScanReport, scan_box

log = logging.getLogger("evote.ballotbox")
_CHUNK = 1 << 20
_SECTOR = 512  # a torn write may leave its last sector's padding


@dataclass
class Reconciled:
    report: ScanReport
    sinks: list
    mark: object = None  # the high-water mark's sink
    notes: list = field(default_factory=list)


def _note(notes, message):
    log.warning("%s", message)
    notes.append(message)


def _copy(src_path, sink, start: int, end: int) -> None:
    """Append bytes [start, end) of src_path to sink, then fsync it."""
    with open(src_path, "rb") as f:
        f.seek(start)
        left = end - start
        while left > 0:
            chunk = f.read(min(_CHUNK, left))
            if not chunk:
                raise BoxError(f"box {src_path} shrank while being copied")
            sink.append(chunk)
            left -= len(chunk)
    sink.sync()


def _restore(bad_path, sink, good: ScanReport, notes, why: str) -> None:
    kept = None
    if os.path.exists(bad_path) and os.path.getsize(bad_path) > 0:
        with open(bad_path, "rb") as f:
            kept = preserve_copy(bad_path, f.read(), "damaged")
    sink.truncate(0)
    _copy(good.path, sink, 0, good.clean_length)
    _note(notes, f"box copy {bad_path}: {why}; restored from {good.path} "
          f"({good.n_records} verified records)" + (f", old copy kept as {kept}" if kept else ""))


def _is_prefix(short, long) -> bool:
    return len(short) <= len(long) and long[:len(short)] == short


def reconcile(path, mirror, *, authority_key, election_hash, station_id, kiosk_id, durable,
              sink_factory) -> Reconciled:
    path = str(path)
    mirror = None if mirror is None else str(mirror)
    if mirror is not None and os.path.abspath(mirror) == os.path.abspath(path):
        raise BoxError("mirror: must be a different file from the box")
    paths = [path] + ([] if mirror is None else [mirror])
    sinks, notes = {}, []
    try:
        for p in paths:  # lock first, so no other writer moves while we read
            if os.path.lexists(p):
                try:
                    sinks[p] = sink_factory(p, create=False, durable=durable)
                except OSError as exc:
                    raise BoxError(f"box {p}: cannot open for writing: {exc.strerror}") from None
        if not sinks:
            raise BoxError(f"box {path} does not exist" +
                           ("" if mirror is None else f", nor its mirror {mirror}"))
        mpath = mark_path(path)
        if os.path.lexists(mpath):
            try:
                sinks[mpath] = sink_factory(mpath, create=False, durable=durable)
            except OSError as exc:
                raise BoxError(f"box {mpath}: cannot open for writing: {exc.strerror}") from None
        mark = read_mark(mpath)
        reports = {p: scan_box(p, authority_key=authority_key, election_hash=election_hash,
                               station_id=station_id, kiosk_id=kiosk_id, keep_hashes=True)
                   for p in sinks if p != mpath}
        for rep in reports.values():  # the wrong box is never "repaired" into the right one
            if rep.problems and all(isinstance(x, BoxMismatch) for x in rep.problems):
                raise rep.problems[0]
        if mark is None and path in reports and reports[path].n_records:
            raise BoxDamaged("high-water-missing", f"the box holds records but its high-water "
                             f"mark {mpath} is missing, so which of them were acknowledged is "
                             "unknown; nothing rewritten: keep the files, call technical staff",
                             kiosk_id=reports[path].kiosk_id, path=path)
        for p, rep in list(reports.items()):
            if not holds(rep, mark):  # lost acknowledged records make a copy damaged
                rep.problems.append(loss(rep, mark))
            elif mark is not None and _unacknowledged_damaged_tail(rep):
                reports[p] = _cut_damaged_tail(rep, sinks[p], notes, dict(
                    authority_key=authority_key, election_hash=election_hash,
                    station_id=station_id, kiosk_id=kiosk_id, keep_hashes=True))
        # A copy with no complete record (empty, or only a torn OPEN) was never acknowledged
        # as created: it counts as missing.
        blank = {p for p, rep in reports.items()
                 if rep.n_records == 0 and all(x.check == "empty" for x in rep.problems)}
        if blank == set(reports):
            raise BoxNotCreated(f"box {path}: no complete record in "
                                f"{', '.join(sorted(blank))}; its creation never finished")
        for p in blank:
            del reports[p]
        rewritten = set()
        good = _decide_and_repair(path, mirror, reports, sinks, notes, durable, sink_factory,
                                  rewritten)
        for p, rep in reports.items():
            if p not in rewritten and rep.torn_offset is not None:
                sinks[p].truncate(rep.torn_offset)
                _note(notes, f"box {p}: cut an incomplete final frame of {rep.torn_bytes} "
                      f"bytes at offset {rep.torn_offset} (power cut mid-write; never "
                      "acknowledged)")
        sinks[mpath] = _bring_up_mark(mpath, mark, sinks.get(mpath), good, notes, durable,
                                      sink_factory)
        return Reconciled(report=good, sinks=[sinks[p] for p in paths], mark=sinks[mpath],
                          notes=notes)
    except BaseException:
        for s in sinks.values():
            s.close()
        raise


def _unacknowledged_damaged_tail(rep: ScanReport) -> bool:
    """Is everything wrong with this copy one damaged write after its verified records:
    every problem in the one frame there (none in a frame after it), at most one frame
    long? Only a write that was never acknowledged can be there when
    the copy holds the mark's record: the power cut it with sectors missing (zeros where
    a sector never reached the disk), so it may be complete in length yet fail its frame
    check, or lack its header. That write may itself be a CLOSE (the scan then calls the
    copy closed): what counts is the last *verified* record, since a box whose verified
    records end in CLOSE never writes again, so nothing after that CLOSE is torn."""
    first = rep.problems[0] if rep.problems else None
    return (isinstance(first, FramingError) and first.check != "empty"
            and rep.last_rtype is not RecordType.CLOSE
            and all(x.offset == rep.clean_length for x in rep.problems)  # one frame only
            and rep.file_size - rep.clean_length <= FRAME_OVERHEAD + MAX_BODY + _SECTOR)


def _cut_damaged_tail(rep: ScanReport, sink, notes, scan_opts) -> ScanReport:
    """Keep the damaged unacknowledged write as evidence, cut it, and scan again."""
    with open(rep.path, "rb") as f:
        f.seek(rep.clean_length)
        tail = f.read(rep.file_size - rep.clean_length)
    kept = preserve_copy(rep.path, tail, "torn")
    sink.truncate(rep.clean_length)
    _note(notes, f"box {rep.path}: cut a damaged final write of {len(tail)} bytes at offset "
          f"{rep.clean_length} ({rep.problems[0].check}; after the last acknowledged record, "
          f"so never acknowledged: power cut mid-write); its bytes kept as {kept}")
    return scan_box(rep.path, **scan_opts)


def _bring_up_mark(mpath, mark, sink, good: ScanReport, notes, durable, sink_factory):
    """The mark's sink, its torn final entry cut, holding an entry for the good copy's
    last record (created when the box's medium was replaced: rebuilt from the mirror)."""
    if sink is None:
        try:
            sink = sink_factory(mpath, create=True, durable=durable)
        except OSError as exc:
            raise BoxError(f"box {mpath}: cannot create the high-water mark: "
                           f"{exc.strerror}") from None
        _note(notes, f"box {mpath}: high-water mark missing with the box file; rebuilt "
              f"from {good.path}")
    elif mark.torn:
        sink.truncate(mark.valid_length)
        _note(notes, f"box {mpath}: cut an incomplete final high-water entry (never "
              "acknowledged)")
    last = good.n_records - 1
    if mark is None or mark.empty or mark.seq < last:
        sink.append(encode_entry(good.last_rtype, last, good.clean_length,
                                 good.record_hashes[-1]))
        sink.sync()
    return sink


def _decide_and_repair(path, mirror, reports, sinks, notes, durable, sink_factory, rewritten):
    """Raise if no safe repair exists; else repair, add rewritten paths, return the
    report of the copy that now holds the box."""
    primary, second = reports.get(path), (None if mirror is None else reports.get(mirror))
    if mirror is None:
        if not primary.ok:
            raise primary.problems[0]
        return primary
    if primary is None or second is None:
        present, missing = (primary, mirror) if second is None else (second, path)
        if not present.ok:
            raise present.problems[0]
        if missing in sinks:  # present but blank
            sinks[missing].truncate(0)
        else:
            try:
                sinks[missing] = sink_factory(missing, create=True, durable=durable)
            except OSError as exc:
                raise BoxError(f"box copy {missing}: missing, and it cannot be created: "
                               f"{exc.strerror} (is its medium mounted?); nothing rewritten"
                               ) from None
        rewritten.add(missing)
        _copy(present.path, sinks[missing], 0, present.clean_length)
        _note(notes, f"box copy {missing}: missing; created from {present.path} "
              f"({present.n_records} verified records)")
        return present
    if not primary.ok and not second.ok:
        log.error("box %s and its mirror %s are both damaged; mirror: %s", path, mirror,
                  second.problems[0])
        raise primary.problems[0]
    if primary.ok and second.ok:
        a, b = primary.record_hashes, second.record_hashes
        if a == b:
            return primary
        if not (_is_prefix(a, b) or _is_prefix(b, a)):
            raise MirrorDivergence("mirror-fork", f"box and mirror {mirror} verify but hold "
                                   "different records from record "
                                   f"{next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)}",
                                   kiosk_id=primary.kiosk_id, path=path)
        short, long = (primary, second) if len(a) < len(b) else (second, primary)
        missing = len(long.record_hashes) - len(short.record_hashes)
        if short is second and missing == 1:
            sink = sinks[mirror]
            rewritten.add(mirror)
            sink.truncate(short.clean_length)
            _copy(path, sink, short.clean_length, long.clean_length)
            _note(notes, f"box copy {mirror}: behind the box by one record (crash between "
                  "the two writes); appended it")
        else:
            rewritten.add(short.path)
            _restore(short.path, sinks[short.path], long, notes,
                     f"lacks {missing} record(s) that {long.path} holds (records removed?)")
        return long
    bad, good = (primary, second) if not primary.ok else (second, primary)
    if not _is_prefix(bad.record_hashes, good.record_hashes) or \
            len(good.record_hashes) < bad.n_records:
        raise MirrorDivergence(
            "mirror-divergence", f"{bad.path} is damaged ({bad.problems[0].check} at record "
            f"{bad.problems[0].seq}) and {good.path}, which verifies, does not hold all of its "
            "records; nothing rewritten", kiosk_id=good.kiosk_id, path=path)
    rewritten.add(bad.path)
    _restore(bad.path, sinks[bad.path], good, notes,
             f"damaged ({bad.problems[0]})")
    return good
