"""`evote tally`: the tally centre verifies what the stations handed in and writes the
record (specs/election.md section 7, steps 1-4).

    tally(package_path, box_inputs, declaration_inputs, paper_inputs, out_dir, *,
          jobs=None, progress=None) -> TallyOutcome

Each *_inputs is a list of files or directories (a directory is searched recursively
for *.box, resp. *.json, in sorted order). Every problem is collected, each one line
naming the file and what is wrong; when there is any, nothing is written and
TallyOutcome.problems lists them. Otherwise the record is built under a temporary
directory beside out_dir (`.<name>.partial-<random>`), every file and directory fsynced,
and renamed into place last, so out_dir appears whole or not at all.

Invariants of a written record: every box in it is a byte-for-byte copy that was itself
verified (the copies are what is tallied, so a box changing after it was read cannot get
in), with every ballot's proofs; it sits at boxes/<station>/<kiosk>.box as its OPEN
record says, its kiosk certificate listed in the package for that station and kiosk;
every certified kiosk has exactly one box; every electronic station has one declaration
and every paper station one paper result, each signed only by officials the package
lists for the station; every station reconciles (specs/tally.md section 6);
package.json is the package file byte for byte; every slot contest of the manifest has
its mix input mix/<contest>/input.bin (specs/mix.md 2: the counted CAST ballots' slot
ciphertexts in the one order of tally/slot_inputs.py), which the mix servers shuffle
next (evote mix shuffle / evote mix add). An electronic station with a complete
fallback decision (fallback_inputs, specs/record.md 5.4: signed by every required role,
officials listed in the package, naming exactly the package's kiosks of the station
with the record hash of the box given for each) has its boxes, its declaration (the
forms of its boxes) and a paper result (the forms on paper) all in the record, and
both are counted; a paper result of an electronic station without one is refused.

An unusable input (a missing file, a malformed JSON file, an existing out_dir that is
not an empty directory) raises an EvoteError instead (the CLI's exit 2).
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from typing import Callable, Optional

from ..ballotbox import read_box
from ..ballotbox.records import OpenRecord
from ..errors import EvoteError
from ..fsync import fsync_directory
from ..protocol.mix_file import MixInput
from ..record import layout
from ..record.tallies import RecordTallies
from ..record.writer import RecordWriter
from ..tally import PaperResult, StationDeclaration, reconcile_stations, tally_boxes
from ..tally.declaration import DECLARATION_VERSION
from ..tally.paper import PAPER_VERSION
from .files import copy_new_file, read_input, read_json_input, write_new_file
from .package import MAX_PACKAGE_BYTES, parse_package_bytes
from .exclusion import box_file_hash, load_exclusions
from ..tally.fallback import FALLBACK_VERSION, PaperFallback, package_mismatches
from .station import listed_official


class TallyInputError(EvoteError):
    """An input of `evote tally` cannot be used at all (names the file)."""


@dataclass(frozen=True)
class TallyOutcome:
    record_dir: Optional[str]   # the record written; None when there were problems
    problems: tuple             # one line each; empty when the record was written
    boxes: int = 0
    ballots: int = 0            # CAST ballots counted, over all boxes
    stations: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        """One line: what was written, or how many problems (none written)."""
        if self.problems:
            return f"{len(self.problems)} problem(s); nothing was written"
        return (f"record {self.record_dir}: {self.boxes} boxes, {self.ballots} ballots, "
                f"{self.stations} stations reconciled")


def collect_files(inputs, suffix: str, what: str) -> list:
    """The files named, and those under the directories named (recursively, ending in
    `suffix`), sorted within each directory; the same file given twice counts once."""
    out, seen = [], set()
    for given in inputs or ():
        given = os.fspath(given)
        try:
            st = os.stat(given)
        except OSError:
            raise TallyInputError(f"{what} {given}: no such file or directory") from None
        if stat.S_ISDIR(st.st_mode):
            found = []
            for root, dirs, files in os.walk(given):
                dirs.sort()
                found.extend(os.path.join(root, f) for f in sorted(files) if f.endswith(suffix))
        elif stat.S_ISREG(st.st_mode):
            found = [given]
        else:
            raise TallyInputError(f"{what} {given}: not a file or a directory")
        for path in found:
            s = os.stat(path)
            if (s.st_dev, s.st_ino) not in seen:
                seen.add((s.st_dev, s.st_ino))
                out.append(path)
    return out


def _check_out_dir(out_dir) -> str:
    out_dir = os.path.abspath(os.fspath(out_dir))
    if os.path.islink(out_dir):
        raise TallyInputError(f"record directory {out_dir}: is a symbolic link")
    if os.path.lexists(out_dir):
        if not os.path.isdir(out_dir):
            raise TallyInputError(f"record directory {out_dir}: exists and is not a directory")
        if os.listdir(out_dir):
            raise TallyInputError(f"record directory {out_dir}: exists and is not empty; "
                                  "evote never writes into an existing record")
    if not os.path.isdir(os.path.dirname(out_dir)):
        raise TallyInputError(f"record directory {out_dir}: its parent directory does not "
                              "exist")
    return out_dir


class _Problems(list):
    def add(self, line: str) -> None:
        self.append(line)


def _place_boxes(package, paths, problems) -> dict:
    """(station, kiosk) -> box path, for boxes whose OPEN record reads and whose
    certificate the package lists for that station and kiosk."""
    m = package.manifest
    listed = package.kiosk_certificates()
    modes = {s.station_id: s.mode for s in package.stations}
    placed: dict = {}
    for path in paths:
        try:
            first = next(iter(read_box(path, authority_key=m.authority_key,
                                       election_hash=m.hash())), None)
        except EvoteError as exc:
            problems.add(f"box {path}: does not verify: {exc}")
            continue
        if not isinstance(first, OpenRecord):
            problems.add(f"box {path}: does not begin with an OPEN record")
            continue
        where = (first.station_id, first.kiosk_id)
        who = f"box {path}: kiosk {first.kiosk_id!r} of station {first.station_id!r}"
        if first.station_id not in modes:
            problems.add(f"{who}: the station is not in the election package")
        elif modes[first.station_id] == "paper":
            problems.add(f"{who}: a paper station in the election package (it has no kiosk)")
        elif listed.get(first.certificate.to_bytes()) != where:
            problems.add(f"{who}: its kiosk certificate is not listed in the election package")
        elif where in placed:
            problems.add(f"{who}: a second box for this kiosk (the first is {placed[where]})")
        else:
            placed[where] = path
    for s in package.stations:
        for k in s.kiosks:
            if (s.station_id, k.kiosk_id) not in placed and not any(
                    line.startswith("box ") and f"kiosk {k.kiosk_id!r} " in line
                    for line in problems):
                problems.add(f"station {s.station_id}: kiosk {k.kiosk_id!r} is certified in "
                             "the election package but no box was given for it")
    return placed


def _place_excluded(box_paths, placed, exclusions, problems) -> None:
    """Each excluded box (election/exclusion.py): the given file whose record hash is
    the decision's box_hash; a damaged box may not read far enough to be placed by its
    OPEN record, and then the problems its placing raised are the decision's to settle."""
    for (sid, kid), (doc, path) in sorted(exclusions.items()):
        where = f"exclusion {path}"
        have = placed.get((sid, kid))
        if have is not None:
            if box_file_hash(have, sid, kid) != doc.box_hash:
                problems.add(f"{where}: box {have} of kiosk {kid!r} is not the box it "
                             "excludes (its box_hash differs)")
            continue
        taken = set(placed.values())
        match = next((p for p in box_paths if p not in taken
                      and box_file_hash(p, sid, kid) == doc.box_hash), None)
        if match is None:
            problems.add(f"{where}: no box given has the box_hash it names ({doc.box_path})")
            continue
        placed[(sid, kid)] = match
        settled = (f"box {match}: ", f"station {sid}: kiosk {kid!r} is certified in the "
                   "election package but no box was given for it")
        problems[:] = [line for line in problems
                       if not line.startswith(settled[0]) and line != settled[1]]


def _fallbacks(package, paths, placed, problems) -> dict:
    """station -> (verified PaperFallback, path): complete, every signer listed for the
    station in the package, naming exactly the package's kiosks of the station, each
    with the record file hash of the box placed for it (record.md 5.4)."""
    stations = {s.station_id: s for s in package.stations}
    out: dict = {}
    for path in paths:
        obj, _ = read_json_input(path, "fallback decision", 1 << 24)
        version = obj.get("version") if isinstance(obj, dict) else None
        if version != FALLBACK_VERSION:
            problems.add(f"fallback decision {path}: version {version!r} is not "
                         f"{FALLBACK_VERSION!r}")
            continue
        try:
            doc = PaperFallback.from_json_obj(obj, f"fallback decision {path}")
        except EvoteError as exc:
            raise TallyInputError(str(exc)) from None
        where = f"fallback decision {path} (station {doc.station_id!r})"
        plan = stations.get(doc.station_id)
        if plan is None:
            problems.add(f"{where}: the station is not in the election package")
            continue
        wrong = package_mismatches(doc, plan)
        try:
            doc.verify(package.manifest)
        except EvoteError as exc:
            wrong.append(str(exc))
        wrong += [f"signed by official {o.role!r} (key {o.public_key.hex()[:16]}...), who is "
                  "not listed for the station in the election package"
                  for o in doc.officials
                  if not listed_official(plan, o.role, o.public_key, o.certificate)]
        for b in doc.closed_boxes if not wrong else ():
            have = placed.get((doc.station_id, b.kiosk_id))
            if have is None:
                wrong.append(f"no box was given for kiosk {b.kiosk_id!r}, which it closes")
            elif box_file_hash(have, doc.station_id, b.kiosk_id) != b.box_hash:
                wrong.append(f"box {have} of kiosk {b.kiosk_id!r} is not the box it closes "
                             "(its box_hash differs)")
        if doc.station_id in out:
            wrong.append(f"a second fallback decision for the station (the first is "
                         f"{out[doc.station_id][1]})")
        if wrong:
            problems.extend(f"{where}: {w}" for w in wrong)
            continue
        out[doc.station_id] = (doc, path)
    return out


def _signed_files(package, paths, kind: str, problems, fallbacks=()) -> dict:
    """station -> verified document, for the declarations (kind "declaration") or paper
    results (kind "paper"); every refusal is a problem naming the file. fallbacks: the
    electronic stations whose officials fell back to paper (a paper result for each)."""
    want_version, cls, mode = ((DECLARATION_VERSION, StationDeclaration, "electronic")
                               if kind == "declaration" else
                               (PAPER_VERSION, PaperResult, "paper"))
    label = "declaration" if kind == "declaration" else "paper result"
    modes = {s.station_id: s for s in package.stations}
    out: dict = {}
    for path in paths:
        obj, _ = read_json_input(path, label, 1 << 24)
        version = obj.get("version") if isinstance(obj, dict) else None
        if version != want_version:
            other = {DECLARATION_VERSION: "a declaration of forms issued",
                     PAPER_VERSION: "a paper result"}.get(version)
            problems.add(f"{label} {path}: " + (f"is {other}, given as a {label}" if other else
                                                f"version {version!r} is not {want_version!r}"))
            continue
        try:
            doc = cls.from_json_obj(obj, f"{label} {path}")
        except EvoteError as exc:
            raise TallyInputError(str(exc)) from None
        where = f"{label} {path} (station {doc.station_id!r})"
        plan = modes.get(doc.station_id)
        if plan is None:
            problems.add(f"{where}: the station is not in the election package")
            continue
        if plan.mode != mode and not (kind == "paper" and doc.station_id in fallbacks):
            problems.add(f"{where}: {'an' if plan.mode == 'electronic' else 'a'} "
                         f"{plan.mode} station in the election package; "
                         + ("its result is its boxes (a paper result only with its "
                            "officials' fallback decision, --fallbacks)"
                            if plan.mode == "electronic"
                            else "its officials sign a paper result, not a declaration"))
            continue
        try:
            doc.verify(package.manifest)
        except EvoteError as exc:
            problems.add(f"{where}: {exc}")
            continue
        strangers = [o for o in doc.officials
                     if not listed_official(plan, o.role, o.public_key, o.certificate)]
        if strangers:
            problems.add(f"{where}: signed by official {strangers[0].role!r} (key "
                         f"{strangers[0].public_key.hex()[:16]}...), who is not listed for "
                         "the station in the election package")
            continue
        if doc.station_id in out:
            problems.add(f"{where}: a second {label} for the station (the first is "
                         f"{out[doc.station_id][1]})")
            continue
        out[doc.station_id] = (doc, path)
    for s in package.stations:
        if (s.mode == mode or (kind == "paper" and s.station_id in fallbacks)) and \
                s.station_id not in out and not any(
                f"(station {s.station_id!r})" in line for line in problems):
            problems.add(f"station {s.station_id}: no {label} was given"
                         + (" (evote station declare)" if kind == "declaration"
                            else " (evote station paper)"))
    return out


def _fsync_tree(directory: str) -> None:
    for root, dirs, files in os.walk(directory, topdown=False):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_directory(root)


def tally(package_path, box_inputs, declaration_inputs, paper_inputs, out_dir, *,
          jobs=None, progress: Optional[Callable[[str], None]] = None,
          exclusion_inputs=(), fallback_inputs=()) -> TallyOutcome:
    """Steps 1-4 (module docstring). progress: called with one line per stage (and a
    progress bar on a terminal while the boxes are verified)."""
    say = progress or (lambda line: None)
    out_dir = _check_out_dir(out_dir)
    package_bytes = read_input(package_path, "election package", MAX_PACKAGE_BYTES)
    package = parse_package_bytes(package_bytes, f"election package {package_path}")
    m = package.manifest
    box_paths = collect_files(box_inputs, ".box", "--boxes")
    decl_paths = collect_files(declaration_inputs, ".json", "--declarations")
    paper_paths = collect_files(paper_inputs, ".json", "--paper")
    problems = _Problems()
    placed = _place_boxes(package, box_paths, problems)
    exclusions = load_exclusions(package, collect_files(exclusion_inputs, ".json",
                                                        "--exclusions"), problems)
    _place_excluded(box_paths, placed, exclusions, problems)
    fallbacks = _fallbacks(package, collect_files(fallback_inputs, ".json", "--fallbacks"),
                           placed, problems)
    declarations = _signed_files(package, decl_paths, "declaration", problems)
    papers = _signed_files(package, paper_paths, "paper", problems, fallbacks)
    name = os.path.basename(out_dir)
    tmp = tempfile.mkdtemp(prefix=f".{name}.partial-", dir=os.path.dirname(out_dir))
    try:
        writer = RecordWriter(tmp)
        copies = {}
        say(f"copying {len(placed)} boxes into the record")
        for (sid, kid), src in sorted(placed.items()):
            copies[copy_new_file(src, writer.box_file(sid, kid), "box")] = src
        excluded = {writer.box_file(s, k) for s, k in exclusions if (s, k) in placed}
        say(f"verifying {len(copies) - len(excluded)} boxes (every ballot's proofs); "
            f"{len(excluded)} excluded by the supervising board")
        run = tally_boxes(m, package.context, sorted(set(copies) - excluded),
                          m.authority_key, jobs=jobs, progress=progress is not None,
                          verify_proofs=True)

        def named(line: str) -> str:   # the copies' paths -> the files handed in
            for copy, src in copies.items():
                line = line.replace(copy, src)
            return line
        problems.extend(named(str(p)) for p in run.problems)
        forms = {sid: d.forms_issued for sid, (d, _) in declarations.items()}
        for (sid, _), (doc, path) in sorted(exclusions.items()):
            if sid in forms:   # the forms the board attributes to the excluded box
                forms[sid] -= doc.forms_excluded
        emptied = {s.station_id for s in package.stations if s.kiosks and all(
            (s.station_id, k.kiosk_id) in exclusions for k in s.kiosks)}
        for sid in sorted(forms):
            if forms[sid] < 0 or (sid in emptied and forms[sid]):
                problems.add(f"station {sid}: the forms issued it declares minus those its "
                             f"exclusions attribute to excluded boxes leave {forms[sid]}, "
                             f"not {0 if sid in emptied else 'a count >= 0'}")
        # a fallback station reconciles its boxes with its declaration; its paper
        # result, the forms issued on paper, keeps the spoiled-forms rule on its own
        reconciled = reconcile_stations(m, run, forms, [p for sid, (p, _) in papers.items()
                                                        if sid not in fallbacks],
                                        require_forms=True)
        for sid in sorted(fallbacks):
            if sid in papers:
                problems.extend(f"paper result {papers[sid][1]} (station {sid!r}): {x}"
                                for x in papers[sid][0].forms_mismatches())
        problems.extend(named(f"station {r.station_id}: {x}")
                        for r in reconciled if r.station_id not in emptied
                        for x in r.mismatches)
        if problems:
            return TallyOutcome(None, tuple(problems), len(copies),
                                sum(b.counted for b in run.boxes))
        writer.write_manifest(m)
        writer.write_context(package.context)
        writer.write_package(package_bytes)
        for d, _ in declarations.values():
            writer.write_station_declaration(d)
        for p, _ in papers.values():
            writer.write_paper_result(p)
        for doc, _ in exclusions.values():
            writer.write_exclusion(doc)
        for doc, _ in fallbacks.values():
            writer.write_fallback(doc)
        writer.write_encrypted_tallies(RecordTallies(m.hash(), run.stations, run.districts))
        for contest in m.slot_contests:   # the first mix's input (specs/mix.md 2)
            rel = layout.mix_input_path(contest.contest_id)
            os.makedirs(os.path.dirname(writer.path_of(rel)), exist_ok=True)
            write_new_file(writer.path_of(rel), MixInput(
                contest.contest_id, run.slot_inputs.get(contest.contest_id, b"")).to_bytes(),
                f"record file {rel}")
        _fsync_tree(tmp)
        try:
            os.rename(tmp, out_dir)   # replaces only an empty directory, atomically
        except OSError as exc:
            raise TallyInputError(f"record directory {out_dir}: cannot be put in place "
                                  f"({exc.strerror}); nothing was written") from None
        tmp = None
        fsync_directory(os.path.dirname(out_dir))
        say(f"record written: {out_dir}")
        return TallyOutcome(out_dir, (), len(copies), sum(b.counted for b in run.boxes),
                            len(set(run.stations) | set(papers)))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


__all__ = ["tally", "TallyOutcome", "TallyInputError", "collect_files"]
