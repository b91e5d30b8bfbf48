"""Writing an election record (specs/record.md): the tally centre's and the demo's call.

    w = RecordWriter(out_dir)                  # a new or empty directory
    w.write_manifest(manifest); w.write_context(context)
    w.write_package(package_bytes)             # the election package file, byte for byte
    path = w.box_file(station_id, kiosk_id)    # where a kiosk's box goes (or w.add_box)
    w.write_paper_result(paper)                # evote.tally.PaperResult, signed
    w.write_station_declaration(declaration)   # evote.tally.StationDeclaration, signed
    w.write_exclusion(exclusion)               # evote.tally.exclusion.Exclusion, signed
    w.write_encrypted_tallies(record_tallies)  # evote.record.tallies.RecordTallies
    w.write_decryption(decryption)             # evote.tally.DecryptionRecord
    w.write_results(results_json_bytes)        # evote.results.report_json bytes
    root = w.seal()                            # record.json + ROOT; returns the root hash

Every JSON object is written in canonical form; every file goes through evote.new_files
(whole or not at all, fsynced, never replacing a file). seal() hashes
every covered file by streaming it (roothash.py), so boxes never need to fit in memory.
"""
import os

from ..errors import RecordError
from . import layout
from .jsonio import canonical_bytes, load_json_file, write_bytes
from .roothash import file_hash, list_covered_files, root_hash


class RecordWriter:
    def __init__(self, directory):
        self.dir = os.path.abspath(str(directory))
        if os.path.exists(self.dir) and not os.path.isdir(self.dir):
            raise RecordError(f"record directory {self.dir} exists and is not a directory")
        try:
            if os.path.isdir(self.dir) and os.listdir(self.dir):
                raise RecordError(f"record directory {self.dir} exists and is not empty")
            os.makedirs(self.dir, exist_ok=True)
        except OSError as exc:
            raise RecordError(f"record directory {self.dir}: cannot create: "
                              f"{exc.strerror or exc}") from None

    def path_of(self, rel: str) -> str:
        return os.path.join(self.dir, *rel.split("/"))

    def _json(self, rel: str, obj) -> bytes:
        data = canonical_bytes(obj)
        write_bytes(self.path_of(rel), data)
        return data

    def write_manifest(self, manifest) -> None:
        write_bytes(self.path_of(layout.MANIFEST), manifest.to_canonical_bytes())

    def write_context(self, context) -> None:
        self._json(layout.CONTEXT, context.to_json_obj())

    def write_package(self, package_bytes: bytes) -> None:
        """package.json: the election package file exactly as the authority signed it
        (its hash is the announced one, so not a byte may change)."""
        if not isinstance(package_bytes, (bytes, bytearray)):
            raise RecordError("package: expected the bytes of the package file")
        write_bytes(self.path_of(layout.PACKAGE), bytes(package_bytes))

    def box_file(self, station_id: str, kiosk_id: str) -> str:
        """Absolute path of boxes/<station>/<kiosk>.box (its directory created)."""
        for what, v in (("station id", station_id), ("kiosk id", kiosk_id)):
            if not layout.is_safe_id(v):
                raise RecordError(f"{what} {v!r} cannot name a record file "
                                  "(letters, digits, '_', '.', '-'; at most 64)")
        path = self.path_of(layout.box_path(station_id, kiosk_id))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path

    def add_box(self, station_id: str, kiosk_id: str, source) -> str:
        """Copy a closed box file into the record."""
        dest = self.box_file(station_id, kiosk_id)
        if os.path.exists(dest):
            raise RecordError(f"the record already holds a box for kiosk {kiosk_id!r}")
        from ..new_files import StepFileError, copy_new_file
        try:
            return copy_new_file(source, dest, "ballot box")  # whole or not at all, fsynced
        except StepFileError as exc:
            raise RecordError(str(exc)) from None

    def write_paper_result(self, paper) -> None:
        if not layout.is_safe_id(paper.station_id):
            raise RecordError(f"station id {paper.station_id!r} cannot name a record file")
        self._json(layout.paper_path(paper.station_id), paper.to_json_obj())

    def write_station_declaration(self, declaration) -> None:
        """declarations/<station>.json: an electronic station's signed forms issued."""
        if not layout.is_safe_id(declaration.station_id):
            raise RecordError(f"station id {declaration.station_id!r} cannot name a record "
                              "file")
        self._json(layout.declaration_path(declaration.station_id),
                   declaration.to_json_obj())

    def write_fallback(self, fallback) -> None:
        """fallback/<station>.json: the officials' signed decision that the electronic
        station fell back to paper (evote.tally.fallback.PaperFallback; record.md 5.4)."""
        if not layout.is_safe_id(fallback.station_id):
            raise RecordError(f"station id {fallback.station_id!r} cannot name a record file")
        write_bytes(self.path_of(layout.fallback_path(fallback.station_id)),
                    fallback.to_json_bytes())

    def write_exclusion(self, exclusion) -> None:
        """exclusions/<station>/<kiosk>.json: the supervising board's signed decision
        excluding that box (evote.tally.exclusion.Exclusion; V17), byte for byte."""
        for v in (exclusion.station_id, exclusion.kiosk_id):
            if not layout.is_safe_id(v):
                raise RecordError(f"id {v!r} cannot name a record file")
        write_bytes(self.path_of(exclusion.path), exclusion.to_json_bytes())

    def write_encrypted_tallies(self, tallies) -> bytes:
        return self._json(layout.TALLY, tallies.to_json_obj())

    def write_decryption(self, decryption) -> None:
        self._json(layout.DECRYPTION, decryption.to_json_obj())

    def write_results(self, results_json: bytes) -> None:
        write_bytes(self.path_of(layout.RESULTS), results_json)

    def reports_dir(self) -> str:
        path = self.path_of(layout.REPORTS_DIR)
        os.makedirs(path, exist_ok=True)
        return path

    def seal(self) -> bytes:
        return seal_record(self.dir)


def seal_record(directory) -> bytes:
    """Hash every covered file, write record.json and ROOT, return the root hash."""
    directory = os.path.abspath(str(directory))
    manifest, _ = load_json_file(os.path.join(directory, layout.MANIFEST), layout.MANIFEST)
    files = list_covered_files(directory)
    try:
        hashes = {p: file_hash(directory, p) for p in files}
    except OSError as exc:   # a file that is not regular, or unreadable: named, no traceback
        raise RecordError(f"cannot hash a record file: {exc.strerror or exc}") from None
    root = root_hash(hashes)
    index = {
        "format": layout.FORMAT,
        "election_id": manifest.get("election_id", "") if isinstance(manifest, dict) else "",
        "root_hash": root.hex(),
        "files": [{"path": p, "size": os.path.getsize(os.path.join(directory, *p.split("/"))),
                   "hash": hashes[p].hex()} for p in files],
    }
    for name in (layout.INDEX, layout.ROOT):
        if os.path.exists(os.path.join(directory, name)):
            raise RecordError(f"{name} already exists: the record is sealed")
    write_bytes(os.path.join(directory, layout.INDEX), canonical_bytes(index))
    write_bytes(os.path.join(directory, layout.ROOT), (root.hex() + "\n").encode("ascii"))
    return root
