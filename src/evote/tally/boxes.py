"""Tallying signed ballot boxes: per station, per district, in parallel, with checks.

tally_boxes(manifest, context, box_paths, authority_key, jobs=None, progress=True):

1. Each box is read with ballotbox.read_box (certificate, chain, signatures, CLOSE
   counts; the election hash must be the manifest's). A box that does not verify is
   excluded whole and listed as a problem; it counts nothing.
2. Only CAST records are counted, never SPOIL ones. A CAST ballot is refused (listed,
   not counted) if its payload's ballot id differs from the record's, if its style is
   not its station's, if its structure or a ciphertext encoding is bad, or (when
   verify_proofs, the default) if its proofs do not verify (one batch per box).
3. Duplicates anywhere across all boxes: a ballot id, or a ciphertext (alpha||beta),
   seen twice is refused where it appears the second time (boxes in the order given,
   records in sequence order) and both places are named. Detection keeps 8 bytes per
   ciphertext (the first 8 bytes of alpha) and confirms candidates by re-reading the
   two ballots, so a prefix collision is never reported as a duplicate.
4. Station tally = merge of its boxes' tallies (zero tallies for a station whose boxes
   hold no ballot); district tally = merge, over all stations, of the contests whose
   district is that district.

Boxes are independent, so they are tallied in worker processes (multiprocessing, every
core by default) and merged in the parent; the result does not depend on `jobs`.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional

import numpy as np

from ..ballotbox import read_box
from ..ballotbox.records import CastRecord, CloseRecord, OpenRecord, SpoilRecord
from ..errors import BoxError, EvoteError, EvoteTypeError, EvoteValueError
from ..protocol.ballot_codec import decode_ballot
from ..protocol.verify_ballot import BatchVerificationError, verify_ballots_batch
from ..protocol.ballot_codec import MAGIC
from .aggregate import (BALLOT_ID, STYLE_OFFSET, Layouts, Tallier, describe_bad_blob,
                        style_of)
from .errors import BallotRefused
from .slot_inputs import mix_inputs, station_slots
from .model import EncryptedTally, merge_tallies


@dataclass(frozen=True)
class TallyProblem:
    """Something the tally refused or could not use. kind: "box" (the box is excluded),
    "ballot" (one ballot refused), "duplicate-ballot-id", "duplicate-ciphertext"."""
    kind: str
    box: str
    seq: Optional[int]
    detail: str

    def __str__(self) -> str:
        at = self.box if self.seq is None else f"{self.box} record {self.seq}"
        return f"{self.kind}: {at}: {self.detail}"

    def to_json_obj(self) -> dict:
        return {"kind": self.kind, "box": self.box, "seq": self.seq, "detail": self.detail}


@dataclass(frozen=True)
class BoxSummary:
    """What one box held. counted <= cast; refused lists the sequences of refused CAST
    ballots. ok=False: the box did not verify and nothing of it was counted."""
    path: str
    station_id: Optional[str]
    kiosk_id: Optional[str]
    ok: bool
    cast: int = 0
    spoiled: int = 0
    counted: int = 0
    refused: tuple = ()
    closed: bool = False
    close_cast: Optional[int] = None
    close_spoiled: Optional[int] = None

    def to_json_obj(self) -> dict:
        return {"path": self.path, "station_id": self.station_id, "kiosk_id": self.kiosk_id,
                "ok": self.ok, "cast": self.cast, "spoiled": self.spoiled,
                "counted": self.counted, "refused": list(self.refused), "closed": self.closed,
                "close_cast": self.close_cast, "close_spoiled": self.close_spoiled}


@dataclass(frozen=True)
class TallyRun:
    """The outcome of tally_boxes. stations / districts: id -> EncryptedTally (sorted
    by id). ok: no problem at all (every box verified, nothing refused)."""
    stations: Mapping[str, EncryptedTally]
    districts: Mapping[str, EncryptedTally]
    boxes: tuple
    problems: tuple
    # slot contest id -> its canonical mix input (tally/slot_inputs.py: the counted CAST
    # ballots' slot ciphertexts; every slot contest of the manifest, b"" if none)
    slot_inputs: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def boxes_of(self, station_id: str) -> tuple:
        return tuple(b for b in self.boxes if b.station_id == station_id)


@dataclass
class _Outcome:
    """A worker's result for one box (pickled back to the parent)."""
    index: int
    summary: BoxSummary
    tally: Optional[EncryptedTally]
    problems: list
    ids: bytes = b""                                  # ballot ids of counted ballots
    seqs: list = field(default_factory=list)          # their record sequences
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, "<u8"))
    per_ballot: int = 0
    slots: dict = field(default_factory=dict)         # slot contest id -> bytes (record order)


# ------------------------------------------------------------------ one box (worker)

_STATE: dict = {}


def _init_worker(manifest, context, authority_key, verify_proofs):
    _STATE.update(manifest=manifest, context=context, authority_key=authority_key,
                  verify_proofs=verify_proofs, layouts=Layouts(manifest),
                  election_hash=manifest.hash())


def _tally_one(args) -> _Outcome:
    index, path, exclude = args
    problems: list = []
    exclude = set(exclude)
    while True:
        try:
            return _pass(index, path, exclude, problems)
        except BallotRefused as exc:  # one bad ballot: refuse it and tally the box again
            problems.append(TallyProblem("ballot", path, exc.where, str(exc)))
            exclude.add(exc.where)


def _pass(index, path, exclude, problems) -> _Outcome:
    st = _STATE
    manifest = st["manifest"]
    tallier = Tallier(st["layouts"], name=lambda seq: f"box {path} record {seq}",
                      keep_keys=True)
    station = kiosk = style_raw = None
    cast = spoiled = 0
    pending_verify = []  # (seq, payload)
    ids_by_seq = {}
    close = None
    reader = read_box(path, authority_key=st["authority_key"],
                      election_hash=st["election_hash"])
    try:
        for rec in reader:
            if isinstance(rec, OpenRecord):
                station, kiosk = rec.station_id, rec.kiosk_id
                try:
                    style_id = manifest.style(manifest.station(station).style_id).style_id
                except (EvoteError, KeyError):
                    return _failed(index, path, station, kiosk, problems,
                                   f"station {station!r} is not in the manifest")
                style_raw = style_id.encode("ascii")
            elif isinstance(rec, CastRecord):
                cast += 1
                if rec.seq in exclude:
                    continue
                why = None
                if len(rec.payload) <= STYLE_OFFSET or rec.payload[:4] != MAGIC:
                    why = describe_bad_blob(rec.payload, None, b"")
                elif rec.payload[BALLOT_ID] != rec.ballot_id:
                    why = "the ballot's own id differs from the record's ballot id"
                elif style_of(rec.payload) != style_raw:
                    why = (f"ballot style {style_of(rec.payload).decode('ascii', 'replace')!r}"
                           f" is not station {station!r}'s style {style_raw.decode()!r}")
                if why is not None:
                    problems.append(TallyProblem("ballot", path, rec.seq, why))
                    exclude.add(rec.seq)
                    continue
                if st["verify_proofs"]:
                    pending_verify.append((rec.seq, rec.payload))
                tallier.add(rec.payload, rec.seq)
                ids_by_seq[rec.seq] = rec.ballot_id
            elif isinstance(rec, SpoilRecord):
                spoiled += 1  # challenged ballots are never counted
            elif isinstance(rec, CloseRecord):
                close = rec
    except BoxError as exc:
        return _failed(index, path, station, kiosk, problems, str(exc))
    if pending_verify:
        bad = _verify(pending_verify)
        if bad:  # refuse them and tally again without them
            for seq, msg in bad:
                problems.append(TallyProblem("ballot", path, seq, msg))
                exclude.add(seq)
            return _pass(index, path, exclude, problems)
    contest_ids = manifest.style(style_raw.decode()).contest_ids
    tally = tallier.result(contest_ids)
    seqs = [w for w, _ in tallier.key_wheres]
    per_ballot = tallier.key_wheres[0][1] if tallier.key_wheres else 0
    keys = np.concatenate(tallier.keys) if tallier.keys else np.zeros(0, "<u8")
    summary = BoxSummary(path, station, kiosk, True, cast, spoiled, len(seqs),
                         tuple(sorted(exclude)), close is not None,
                         None if close is None else close.n_cast,
                         None if close is None else close.n_spoiled)
    ids = b"".join(ids_by_seq[w] for w in seqs)  # record order, as the keys
    return _Outcome(index, summary, tally, problems, ids, seqs, keys, per_ballot,
                    tallier.slot_bytes())


def _verify(items) -> list:
    """(seq, message) of every ballot whose proofs fail (one batch for the box)."""
    st = _STATE
    ballots, seqs, bad = [], [], []
    for seq, payload in items:
        try:
            ballots.append(decode_ballot(payload))
            seqs.append(seq)
        except EvoteError as exc:
            bad.append((seq, str(exc)))
    try:
        verify_ballots_batch(st["context"], st["manifest"], ballots)
    except BatchVerificationError as exc:
        bad.extend((seqs[f.index], f"proof does not verify: {f.error}") for f in exc.failures)
    return bad


def _failed(index, path, station, kiosk, problems, detail) -> _Outcome:
    problems.append(TallyProblem("box", path, None, detail + "; the box is not counted"))
    return _Outcome(index, BoxSummary(path, station, kiosk, False), None, problems)


# ------------------------------------------------------------------ the parent

def _run_all(tasks, jobs: int, progress: bool, init_args) -> list:
    """Run _tally_one over tasks (in processes when jobs > 1); outcomes by box index."""
    out = []
    bar = _progress_bar(progress, len(tasks))
    try:
        if jobs <= 1 or len(tasks) <= 1:
            _init_worker(*init_args)
            for t in tasks:
                out.append(_tally_one(t))
                bar.advance()
        else:
            import multiprocessing as mp
            methods = mp.get_all_start_methods()
            ctx = mp.get_context("fork" if "fork" in methods else "spawn")
            with ctx.Pool(min(jobs, len(tasks)), initializer=_init_worker,
                          initargs=init_args) as pool:
                for o in pool.imap_unordered(_tally_one, tasks, chunksize=1):
                    out.append(o)
                    bar.advance()
    finally:
        bar.close()
    return sorted(out, key=lambda o: o.index)


class _NoBar:
    def advance(self):
        pass

    def close(self):
        pass


class _RichBar:
    def __init__(self, total: int):
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeRemainingColumn)
        self.p = Progress(TextColumn("tallying boxes"), BarColumn(), MofNCompleteColumn(),
                          TimeRemainingColumn(), transient=True)
        self.p.start()
        self.task = self.p.add_task("boxes", total=total)

    def advance(self):
        self.p.advance(self.task)

    def close(self):
        self.p.stop()


def _progress_bar(progress: bool, total: int):
    """A rich progress bar on an interactive terminal (stderr), else nothing."""
    if progress and total > 1 and sys.stderr.isatty():
        return _RichBar(total)
    return _NoBar()


def _first_dups(keys: np.ndarray) -> np.ndarray:
    """Pairs (i, j), i < j, of positions holding equal keys (every later copy paired
    with the first occurrence of its key)."""
    if len(keys) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    s = keys[order]
    same = np.nonzero(s[1:] == s[:-1])[0]
    if not len(same):
        return np.zeros((0, 2), dtype=np.int64)
    # first occurrence of each run: walk back while equal (runs are short)
    pairs = []
    for d in same:
        start = d
        while start > 0 and s[start - 1] == s[d]:
            start -= 1
        pairs.append((order[start], order[d + 1]))
    return np.array(sorted(pairs, key=lambda p: p[1]), dtype=np.int64)


def _ballot_payload(path: str, seq: int, authority_key) -> bytes:
    for rec in read_box(path, authority_key=authority_key):
        if rec.seq == seq:
            return rec.payload
    raise BoxError(f"box {path}: record {seq} not found on re-reading")


def _find_duplicates(outcomes: list, authority_key) -> list:
    """[(TallyProblem, outcome index, seq to refuse)] for every duplicate ballot id and
    every duplicate ciphertext; the later copy (box order, then record order) is refused."""
    good = [o for o in outcomes if o.tally is not None]
    found = []
    refused = set()
    # ballot ids: exact, 32 bytes each
    seen = {}
    for o in good:
        for i, seq in enumerate(o.seqs):
            bid = o.ids[32 * i:32 * i + 32]
            first = seen.get(bid)
            if first is None:
                seen[bid] = (o.summary.path, seq)
                continue
            p = TallyProblem("duplicate-ballot-id", o.summary.path, seq,
                             f"ballot id {bid.hex()[:16]}... also at {first[0]} record {first[1]};"
                             " this copy is refused")
            found.append((p, o.index, seq))
            refused.add((o.index, seq))
    # ciphertexts: 8-byte alpha prefixes, confirmed on the full 64 bytes
    if any(len(o.keys) for o in good):
        keys = np.concatenate([o.keys for o in good])
        starts = np.cumsum([0] + [len(o.keys) for o in good])
        for i, j in _first_dups(keys):
            a = _locate(good, starts, int(i))
            b = _locate(good, starts, int(j))
            if (b[0].index, b[1]) in refused:
                continue
            ca, where_a = _ciphertext_at(a, authority_key)
            cb, where_b = _ciphertext_at(b, authority_key)
            if ca != cb:
                continue  # prefix collision only
            ob, seq_b, _ = b
            p = TallyProblem("duplicate-ciphertext", ob.summary.path, seq_b,
                             f"the ciphertext of {where_b} ({cb.hex()[:16]}...) is also the "
                             f"ciphertext of {where_a} in {a[0].summary.path} record {a[1]}; "
                             "this ballot is refused")
            found.append((p, ob.index, seq_b))
            refused.add((ob.index, seq_b))
    return found


def _locate(good, starts, k):
    """(outcome, seq, position in the ballot) of global key index k."""
    n = int(np.searchsorted(starts, k, side="right")) - 1
    o = good[n]
    ballot, pos = divmod(k - int(starts[n]), o.per_ballot)
    return o, o.seqs[ballot], pos


def _ciphertext_at(loc, authority_key) -> tuple:
    """(64 bytes, description) of ciphertext `pos` of a ballot (contest order,
    candidates then blank), re-read from its box."""
    o, seq, pos = loc
    ballot = decode_ballot(_ballot_payload(o.summary.path, seq, authority_key))
    for c in ballot.contests:
        if hasattr(c, "slots"):   # a slot contest: its L slot ciphertexts (aggregate.py)
            if pos < c.slots:
                return c.ciphertexts[pos], f"contest {c.contest_id!r} slot {pos + 1}"
            pos -= c.slots
            continue
        if pos <= len(c.selections):
            what = "the blank indicator" if pos == len(c.selections) else f"position {pos}"
            return (c.ciphertexts_bytes()[64 * pos:64 * pos + 64],
                    f"contest {c.contest_id!r} {what}")
        pos -= len(c.selections) + 1
    raise BoxError(f"box {o.summary.path}: record {seq} has no ciphertext {loc[2]}")


def _check_args(manifest, context, box_paths, authority_key, jobs):
    from ..manifest import Manifest
    if not isinstance(manifest, Manifest):
        raise EvoteTypeError(f"manifest: expected Manifest, got {type(manifest).__name__}")
    if getattr(context, "manifest_hash", manifest.hash()) != manifest.hash():
        raise EvoteValueError("context: its manifest hash is not this manifest's hash")
    if isinstance(box_paths, (str, bytes, os.PathLike)):
        raise EvoteTypeError("box_paths: expected a list of paths, got a single path")
    paths = [os.fspath(p) for p in box_paths]
    if not isinstance(authority_key, bytes) or len(authority_key) != 32:
        raise EvoteValueError("authority_key: expected the 32-byte Ed25519 public key")
    if jobs is None:
        jobs = os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise EvoteValueError(f"jobs: expected an int >= 1, got {jobs!r}")
    return paths, jobs


def tally_boxes(manifest, context, box_paths: Iterable, authority_key: bytes,
                jobs: Optional[int] = None, progress: bool = True, *,
                verify_proofs: bool = True) -> TallyRun:
    """Tally ballot boxes (see the module docstring). jobs: worker processes (default:
    every core). progress: a progress bar on a terminal. Problems never raise: they are
    listed in TallyRun.problems and what they concern is not counted."""
    paths, jobs = _check_args(manifest, context, box_paths, authority_key, jobs)
    init = (manifest, context, authority_key, verify_proofs)
    outcomes = _run_all([(i, p, ()) for i, p in enumerate(paths)], jobs, progress, init)
    dups = _find_duplicates(outcomes, authority_key)
    problems_extra = {}
    if dups:
        exclude = {}
        for p, idx, seq in dups:
            exclude.setdefault(idx, set()).add(seq)
            problems_extra.setdefault(idx, []).append(p)
        again = [(idx, paths[idx], tuple(sorted(set(outcomes[idx].summary.refused) | seqs)))
                 for idx, seqs in sorted(exclude.items())]
        for o in _run_all(again, jobs, False, init):
            o.problems = outcomes[o.index].problems + o.problems  # the first pass's stay
            outcomes[o.index] = o
    problems = []
    for o in outcomes:
        problems.extend(o.problems)
        problems.extend(problems_extra.get(o.index, []))
    return _assemble(manifest, outcomes, problems)


def _assemble(manifest, outcomes, problems) -> TallyRun:
    by_station: dict = {}
    for o in outcomes:
        if o.tally is not None:
            by_station.setdefault(o.summary.station_id, []).append(o.tally)
    stations = {sid: merge_tallies(ts) for sid, ts in sorted(by_station.items())}
    slot_boxes: dict = {}   # station id -> [(kiosk id, {contest id: bytes})]
    for o in outcomes:
        if o.tally is not None:
            slot_boxes.setdefault(o.summary.station_id, []).append((o.summary.kiosk_id, o.slots))
    slots = mix_inputs(manifest, {sid: station_slots(b) for sid, b in slot_boxes.items()})
    return TallyRun(stations, district_tallies(manifest, stations),
                    tuple(o.summary for o in outcomes), tuple(problems), slots)


def district_tallies(manifest, stations: Mapping[str, EncryptedTally]) -> dict:
    """district id -> merge over the stations of the contests of that district."""
    per_district: dict = {}
    for tally in stations.values():
        for cid, ct in tally.items():
            did = manifest.contest(cid).district_id
            per_district.setdefault(did, []).append(EncryptedTally((ct,)))
    return {did: merge_tallies(ts) for did, ts in sorted(per_district.items())}
