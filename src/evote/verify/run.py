"""verify_record(path) -> Report: every check of specs/record.md section 8, in order.

    V1  record index        V6  ballot boxes          V11 encrypted tallies
    V2  root hash           V7  confirmation codes    V12 decryption
    V3  manifest            V8  ballot proofs         V13 paper results
    V4  election context    V9  no duplicates         V14 counts
    V5  kiosk certificates  V10 spoiled ballots       V15 results
                                                      V16 station reconciliation
                                                      V17 exclusions
                                                      V18 reports
                                                      V19 mixes
                                                      V20 slot decryption

The station-level work (V5-V8, V10, parts of V9 and V11) runs as one task per station
(station.py) on executors.py; everything else runs here. Unusable input (no record, no
readable index, manifest or context, or a wrong format version) stops verification with
Report.unusable set (exit code 2). Nothing in the record can raise out of here: every
problem is a failure at its location. The record's election package (package.json) is
checked under V1 (package_check.py); after VALID, the report carries the verified
winners (winners.py).
"""
import os
import stat
import sys

from ..errors import EvoteError, EvoteValueError, RecordError
from ..manifest import Manifest
from ..protocol.context import ElectionContext
from ..record import layout
from ..record.fields import Obj
from ..record.jsonio import canonical_bytes, load_json_file
from ..record.roothash import file_hash, root_hash
from . import tally_checks
from .executors import run_tasks
from .package_check import PACKAGE, check_package
from .report import Report
from .reports_check import check_reports
from .exclusions import check_exclusions, exclusion_file_place
from .mixes import check_mixes, slot_contests
from .slot_decryption import check_slot_decryption
from .station import verify_station
from .winners import verified_winners

CHECKS = (
    ("V1", "record index: format, every file listed, present and unchanged; the election "
     "package", "files"),
    ("V2", "root hash over every covered file", "files"),
    ("V3", "manifest: valid, canonical, its hash", "manifests"),
    ("V4", "election context: guardian signatures and proofs, joint key, base hash, every "
     "guardian's acknowledgement and lot contribution", "guardians"),
    ("V5", "kiosk certificates: signed by the authority, bound to election, station, kiosk",
     "boxes"),
    ("V6", "ballot boxes: signatures, chain, sequence, OPEN/CLOSE, counts", "records"),
    ("V7", "confirmation codes", "ballots"),
    ("V8", "ballot proofs (batch verification), ballot ids and styles", "ballots"),
    ("V9", "no duplicate ballot id or ciphertext anywhere in the record", "ciphertexts"),
    ("V10", "spoiled ballots: well formed, proofs verify, no opening published", "ballots"),
    ("V11", "encrypted tallies recomputed from the CAST ballots", "tallies"),
    ("V12", "decryption shares and proofs, counts they decrypt to", "contests"),
    ("V13", "paper-station results: signed by certified officials, consistent", "stations"),
    ("V14", "counts: every station accounted for, totals plausible", "contests"),
    ("V15", "results: seats, alternates and ties recomputed from counts and rules", "contests"),
    ("V16", "station reconciliation: declared forms issued vs ballots cast in the boxes vs "
     "CLOSE counts", "stations"),
    ("V17", "exclusions: each excluded box decided and signed by the supervising board's "
     "required roles, and present in the record", "exclusions"),
    ("V18", "reports: every file under reports/ regenerated from the verified results, "
     "byte for byte", "reports"),
    ("V19", "mixes of the slot contests: input recomputed from the ballots, each mix "
     "signed by the manifest's mix server and its shuffle proof", "files"),
    ("V20", "slot decryption: guardians' shares and proofs, decrypted values, counts",
     "contests"),
)


class _Unusable(Exception):
    pass


class _Run:
    def __init__(self, record_dir, jobs, scheduler, progress, expected_root,
                 expected_package):
        self.dir = os.path.abspath(str(record_dir))
        self.jobs, self.scheduler, self.progress = jobs, scheduler, progress
        self.expected_root, self.expected_package = expected_root, expected_package
        self.rep = Report()
        for num, title, unit in CHECKS:
            self.rep.check(num, title, unit)
        self.listed = {}        # path -> (size, hash bytes) from record.json
        self.present = {}       # path -> size of the regular files found on disk
        self.actual = {}        # path -> file hash computed here
        self.manifest = self.context = None
        self.manifest_bytes = self.context_bytes = b""
        self.manifest_raw = self.context_raw = b""   # the files' bytes, as read
        self.boxes = {}         # station id -> [box paths]
        self.papers = {}        # station id -> paper path
        self.declarations = {}  # station id -> declarations/<station>.json path
        self.fallback_files = {}   # station id -> fallback/<station>.json path
        self.fallbacks = {}     # station id -> PaperFallback, the valid ones (fallback.py)
        self.outputs = []       # station task outputs, manifest station order
        self.election_package = None   # the verified package.json (package_check), if any
        self.exclusion_files = []   # exclusions/<station>/<kiosk>.json paths
        self.excluded = {}      # box path -> Exclusion, the valid ones (V17, exclusions.py)
        # Filled by tally_checks, each check for the next (None: not available).
        self.districts = self.tally_bytes = self.decrypted = self.totals = None
        self.electronic, self.paper, self.paper_of = (), {}, {}
        self.mixed = {}         # slot contest id -> its last mix's path, V19 passed (mixes.py)
        self.slot_counts = {}   # district id -> ContestCounts of its slot contests (V20);
                                # None: not all available (V14 does not run)

    def c(self, num):
        return self.rep.get(num)

    def full(self, rel):
        return os.path.join(self.dir, *rel.split("/"))

    # ---------------------------------------------------------------- V1, V2

    def read_index(self):
        if not os.path.isdir(self.dir):
            raise _Unusable(f"{self.dir} is not a directory")
        try:
            value, raw = load_json_file(self.full(layout.INDEX), layout.INDEX)
            o = Obj(value, layout.INDEX + " $", ("format", "election_id", "root_hash", "files"))
            fmt = o.get("format")
            if fmt != layout.FORMAT:
                raise RecordError(f"{o.at('format')}: record format {fmt!r} is not "
                                  f"{layout.FORMAT!r} (wrong version)")
            self.rep.record_format = fmt
            self.rep.election_id = o.str("election_id", 255)
            self.index_root = o.hex("root_hash", 32)
            for f in o.objs("files", ("path", "size", "hash")):
                path = f.str("path", 1024)
                if path in self.listed:
                    self.c("V1").fail(f"{layout.INDEX} {f.where}", f"{path} is listed twice")
                    continue
                if not _valid_rel(path) or not layout.is_covered(path):
                    self.c("V1").fail(f"{layout.INDEX} {f.where}",
                                      f"{path!r} is not a path the record may list")
                    continue
                self.listed[path] = (f.int("size"), f.hex("hash", 32))
            self.check_index_form(value, raw)
        except RecordError as exc:
            raise _Unusable(str(exc)) from None

    def check_index_form(self, value, raw):
        """record.md 3.0/3.1: the index is canonical JSON and lists its files in the
        order of section 2 (bytes of the UTF-8 paths), each once; else V1 fails."""
        v1 = self.c("V1")
        if raw != canonical_bytes(value):
            v1.fail(layout.INDEX, "not in canonical form (specs/record.md 3.0)")
        paths = [f.get("path") for f in value["files"]]
        for k in range(1, len(paths)):
            a, b = paths[k - 1], paths[k]
            if isinstance(a, str) and isinstance(b, str) and \
                    a.encode("utf-8", "replace") >= b.encode("utf-8", "replace"):
                v1.fail(f"{layout.INDEX} $.files[{k}]", f"{b!r} is listed after {a!r}: "
                        "files must be sorted by the bytes of their UTF-8 paths, each once "
                        "(specs/record.md 3.1)")

    def walk(self):
        """Every covered file on disk; symlinks and special files are failures."""
        for dirpath, dirnames, filenames in os.walk(self.dir):
            dirnames.sort()
            for name in sorted(dirnames) + sorted(filenames):
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, self.dir).replace(os.sep, "/")
                try:
                    rel.encode("utf-8")
                except UnicodeEncodeError:
                    self.c("V1").fail(repr(rel), "file name is not UTF-8")
                    continue
                st = os.lstat(full)
                if name in dirnames:
                    if stat.S_ISLNK(st.st_mode):
                        self.c("V1").fail(rel, "a symbolic link (not followed)")
                    continue
                if not layout.is_covered(rel):
                    continue
                if not stat.S_ISREG(st.st_mode):
                    self.c("V1").fail(rel, "not a regular file (symbolic link or special file)")
                    continue
                self.present[rel] = st.st_size

    def check_files(self):
        v1 = self.c("V1")
        for path in sorted(set(self.listed) - set(self.present)):
            v1.fail(path, f"listed in {layout.INDEX} but missing")
        for path in sorted(set(self.present) - set(self.listed)):
            v1.fail(path, f"present but not listed in {layout.INDEX}")
        station_files = {layout.PAPER_DIR: self.papers, layout.DECLARATIONS_DIR: self.declarations,
                         layout.FALLBACK_DIR: self.fallback_files}
        for path in sorted(self.present):
            parts = path.split("/")
            if path.startswith(layout.BOXES_DIR + "/"):
                if (len(parts) == 3 and parts[2].endswith(".box")
                        and layout.is_safe_id(parts[1]) and layout.is_safe_id(parts[2][:-4])):
                    self.boxes.setdefault(parts[1], []).append(path)
                    continue
            elif parts[0] in station_files:   # paper/<station>.json, declarations/<station>.json
                if (len(parts) == 2 and parts[1].endswith(".json")
                        and layout.is_safe_id(parts[1][:-5])):
                    station_files[parts[0]][parts[1][:-5]] = path
                    self.hash_here(path)
                    continue
            elif exclusion_file_place(parts):   # exclusions/<station>/<kiosk>.json (V17)
                self.exclusion_files.append(path)
                self.hash_here(path)
                continue
            elif layout.is_mix_record_path(path):   # mix/<contest>/... (V19, V20)
                self.hash_here(path)
                continue
            elif path in (layout.MANIFEST, layout.CONTEXT, layout.TALLY, layout.DECRYPTION,
                          layout.LOT, layout.RESULTS, PACKAGE):
                self.hash_here(path)
                continue
            v1.fail(path, "a file the record format does not define")
            self.hash_here(path)

    def hash_here(self, path):
        try:
            self.actual[path] = file_hash(self.dir, path)
        except OSError as exc:
            self.c("V1").fail(path, f"cannot be read: {exc.strerror or exc}")

    def compare_hashes(self):
        v1, v2 = self.c("V1"), self.c("V2")
        v1.checked = len(set(self.listed) | set(self.present))
        for path, h in sorted(self.actual.items()):
            if path in self.listed:
                size, want = self.listed[path]
                if size != self.present.get(path):
                    v1.fail(path, f"size {self.present.get(path)} bytes, {layout.INDEX} says {size}")
                if h != want:
                    v1.fail(path, f"content hash differs from {layout.INDEX} (file changed)")
        listed_root = root_hash({p: h for p, (_, h) in self.listed.items()})
        actual_root = root_hash(self.actual)
        self.rep.root_hash = actual_root.hex()
        v2.checked = len(self.actual)
        if listed_root != self.index_root:
            v2.fail(layout.INDEX, "root_hash is not the root of the files it lists")
        if actual_root != self.index_root:
            v2.fail(layout.INDEX, f"root of the files present {actual_root.hex()} differs from "
                    f"the root_hash {self.index_root.hex()}")
        try:
            raw = self.read_small(layout.ROOT)
            if raw != (self.index_root.hex() + "\n").encode():
                v2.fail(layout.ROOT, "does not hold the root hash of record.json "
                        "(64 lowercase hex digits and a newline)")
        except RecordError as exc:
            v2.fail(layout.ROOT, str(exc))
        if self.expected_root is not None and self.expected_root != actual_root:
            v2.fail("--root", f"the record's root {actual_root.hex()} is not the announced root "
                    f"{self.expected_root.hex()}")

    def read_small(self, rel):
        from ..record.jsonio import read_file_bounded
        return read_file_bounded(self.full(rel), rel, 1 << 16)

    # ---------------------------------------------------------------- V3, V4

    def read_manifest(self):
        v3 = self.c("V3")
        v3.checked = 1
        try:
            value, raw = load_json_file(self.full(layout.MANIFEST), layout.MANIFEST)
            self.manifest = Manifest.from_json_obj(value)
        except EvoteError as exc:
            raise _Unusable(f"{layout.MANIFEST}: {exc}") from None
        self.manifest_raw = raw
        self.manifest_bytes = self.manifest.to_canonical_bytes()
        self.rep.manifest_hash = self.manifest.hash().hex()
        if raw != self.manifest_bytes:
            v3.fail(layout.MANIFEST, "not in canonical form (specs/manifest.md section 4)")
        if self.rep.election_id != self.manifest.election_id:
            v3.fail(layout.INDEX, f"election_id {self.rep.election_id!r} is not the manifest's "
                    f"{self.manifest.election_id!r}")

    def read_context(self):
        v4 = self.c("V4")
        try:
            value, raw = load_json_file(self.full(layout.CONTEXT), layout.CONTEXT)
        except RecordError as exc:
            raise _Unusable(str(exc)) from None
        self.context_raw = raw
        if isinstance(value, dict) and isinstance(value.get("guardians"), list):
            v4.checked = len(value["guardians"])
        try:
            ctx = ElectionContext.from_json_obj(value)
        except (EvoteError, KeyError, TypeError, ValueError) as exc:
            v4.fail(layout.CONTEXT, f"{type(exc).__name__}: {exc}")
            return
        if raw != canonical_bytes(ctx.to_json_obj()):
            v4.fail(layout.CONTEXT, "not in canonical form")
        if ctx.manifest_hash != self.manifest.hash():
            v4.fail(layout.CONTEXT, "manifest_hash is not the hash of manifest.json")
            return
        if not ctx.guardians:
            v4.fail(layout.CONTEXT, "holds no guardian records (proofs cannot be checked)")
            return
        if len(ctx.acknowledgements) != ctx.n_guardians:  # each verified by from_json_obj
            v4.fail(f"{layout.CONTEXT} $.acknowledgements", f"{len(ctx.acknowledgements)} of "
                    f"the {ctx.n_guardians} guardians' acknowledgements; every guardian signs "
                    "one with its lot contribution after the ceremony (specs/key-ceremony.md "
                    "12), so the context cannot be built while a guardian objects and the "
                    "lot seed has every guardian's input")
            return
        if len(ctx.ceremony_commitments) != ctx.n_guardians:  # each checked by from_json_obj
            v4.fail(f"{layout.CONTEXT} $.ceremony_commitments",
                    f"{len(ctx.ceremony_commitments)} of the {ctx.n_guardians} guardians' "
                    "ceremony commitments; each guardian commits to its key part before any "
                    "record is published (specs/key-ceremony.md 13), so that no one chose "
                    "its part of the joint key after seeing the others'")
            return
        self.context, self.context_bytes = ctx, raw

    # ---------------------------------------------------------------- stations

    def run_stations(self):
        known = {s.station_id for s in self.manifest.stations}
        for sid in sorted(self.boxes):
            if sid not in known:
                for path in self.boxes[sid]:
                    self.c("V5").fail(path, f"station {sid!r} is not in the manifest")
                    self.hash_here(path)
        live = {sid: [p for p in paths if p not in self.excluded]   # V17: an excluded
                for sid, paths in self.boxes.items()}                # box is hashed, not read
        for path in sorted(self.excluded):
            self.hash_here(path)
        stations = [s.station_id for s in self.manifest.stations if live.get(s.station_id)]
        if self.context is None:
            for num in ("V5", "V6", "V7", "V8", "V9", "V10", "V11", "V12"):
                self.c(num).not_run_reason = "the election context is not valid (V4)"
            for sid in stations:
                for path in self.boxes[sid]:
                    self.hash_here(path)
            return
        args = [(self.dir, sid, tuple(live[sid]), self.manifest_bytes, self.context_bytes)
                for sid in stations]
        bar = _Progress(len(args), self.progress)
        size = [sum(self.present.get(p, 0) for p in live[sid]) for sid in stations]
        order = sorted(range(len(args)), key=lambda k: (-size[k], k))  # largest first
        try:
            self.outputs = run_tasks(verify_station, args, self.jobs, self.scheduler, bar.done,
                                     order)
        finally:
            bar.close()
        for out in self.outputs:
            for path, h in out["file_hashes"].items():
                self.actual[path] = bytes.fromhex(h)
            for num, n in out["checked"].items():
                self.c(num).checked += n
            for num, loc, msg in out["failures"]:
                self.c(num).fail(loc, msg)
        seen_ids, seen_keys = {}, {}
        for out in self.outputs:
            for path, kiosk_id, key in out["kiosks"]:
                for what, value, seen in (("kiosk id", kiosk_id, seen_ids),
                                          ("kiosk key", key, seen_keys)):
                    if value in seen:
                        self.c("V5").fail(path, f"{what} {value} is also used by {seen[value]}")
                    else:
                        seen[value] = path

    def package(self):
        """V1's election package part; an unexpected error fails V1, never the run."""
        try:
            check_package(self, self.expected_package)
        except Exception as exc:
            self.c("V1").fail(PACKAGE, f"unexpected error: {type(exc).__name__}: {exc}")

    def exclusions(self):
        """V17 (exclusions.py), before the station tasks it decides; an unexpected error
        fails V17 and excludes nothing, never the run."""
        try:
            check_exclusions(self)
        except Exception as exc:
            self.excluded = {}
            self.c("V17").fail("exclusions", f"unexpected error: {type(exc).__name__}: {exc}")

    def reports(self):
        """V18 (reports_check.py); an unexpected error fails V18, never the run."""
        try:
            check_reports(self)
        except Exception as exc:
            self.c("V18").fail(layout.REPORTS_DIR, f"unexpected error: {type(exc).__name__}: "
                               f"{exc}")

    def slot_checks(self):
        """V19 (mixes.py), then V20 (the slot decryption); both run before V14, which
        counts what V20 decrypted. An unexpected error fails the check, never the run."""
        try:
            check_mixes(self)
        except Exception as exc:
            self.mixed = {}
            self.c("V19").fail(layout.MIX_DIR, f"unexpected error: {type(exc).__name__}: "
                               f"{exc}")
        try:
            self.slot_decryption()
        except Exception as exc:
            self.slot_counts = None
            self.c("V20").fail(layout.MIX_DIR, f"unexpected error: {type(exc).__name__}: "
                               f"{exc}")

    def slot_decryption(self):
        """V20 (specs/slot-decryption.md): sets self.slot_counts. Without slot contests
        there is nothing to decrypt (pass, 0 checked)."""
        check_slot_decryption(self)   # verify/slot_decryption.py

    def run(self):
        try:
            self.read_index()
            self.walk()
            self.check_files()
            self.read_manifest()
            self.read_context()
            self.exclusions()
            self.run_stations()
            self.compare_hashes()
            self.package()
            tally_checks.run_all(self, after_decryption=self.slot_checks)
            self.reports()
            if self.rep.valid:
                self.rep.winners = verified_winners(self.dir, self.manifest,
                                                    self.actual[layout.RESULTS])
        except (_Unusable, Exception) as exc:  # never a traceback, whatever the record holds
            self.rep.mark_unusable(str(exc) if isinstance(exc, (_Unusable, EvoteError))
                                   else f"unexpected error: {type(exc).__name__}: {exc}")
        return self.rep


def _valid_rel(path: str) -> bool:
    parts = path.split("/")
    return (bool(path) and not path.startswith("/") and "\\" not in path and "\x00" not in path
            and all(p not in ("", ".", "..") for p in parts))


class _Progress:
    """A progress bar on stderr when it is a terminal (never part of the report). It
    starts at the first finished task: worker processes are forked before its thread."""

    def __init__(self, total, enabled):
        self.bar = None
        self.enabled = enabled and total > 1 and sys.stderr.isatty()
        self.total = total

    def done(self, k):
        if not self.enabled:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import Progress
            self.bar = Progress(console=Console(file=sys.stderr), transient=True)
            self.task = self.bar.add_task("verifying stations", total=self.total)
            self.bar.start()
        self.bar.advance(self.task)

    def close(self):
        if self.bar is not None:
            self.bar.stop()


def verify_record(record_dir, *, jobs=None, scheduler=None, progress=False,
                  expected_root: bytes | None = None,
                  expected_package: bytes | None = None) -> Report:
    """Verify the record in `record_dir`; the Report says valid/invalid/unusable
    (report.exit_code: 0, 1, 2). jobs: worker processes (None: every core);
    scheduler: a Dask scheduler address (runs the station tasks there);
    expected_root / expected_package: the announced root hash / election package hash
    (32 bytes each): V2 / V1 fail unless the record has exactly that one."""
    if not isinstance(record_dir, (str, os.PathLike)):
        raise EvoteValueError(f"record_dir: expected a path (str or os.PathLike), got "
                              f"{type(record_dir).__name__}")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise EvoteValueError(f"jobs: expected None or an int >= 1, got {jobs!r:.40}")
    for name, value in (("expected_root", expected_root),
                        ("expected_package", expected_package)):
        if value is not None and (not isinstance(value, bytes) or len(value) != 32):
            raise EvoteValueError(f"{name}: expected 32 bytes (a hash), got {value!r:.80}")
    return _Run(record_dir, jobs, scheduler, progress, expected_root, expected_package).run()
