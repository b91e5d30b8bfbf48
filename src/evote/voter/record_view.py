"""The parts of a published record a voter's check reads (specs/voter.md section 2),
through the library's readers: the index (format, root hash, listed files), the
manifest, the election context, and the listed ballot boxes.

    view = open_record(path)     # RecordUnusable (one line naming the file) if it cannot be used
    view.boxes                   # [(path, station_id, kiosk_id)] as record.json lists them
    view.index_problems(rel...)  # the listed hashes of these files vs their bytes
"""
import os
import stat
from dataclasses import dataclass

from ..errors import EvoteError, RecordError
from ..manifest import Manifest
from ..protocol.context import ElectionContext
from ..record import layout
from ..record.fields import Obj
from ..record.jsonio import load_json_file
from ..record.roothash import file_hash, root_hash


class RecordUnusable(RecordError):
    """The record cannot be used at all (missing or malformed index, manifest, context,
    wrong version); the message names the file."""


@dataclass
class RecordView:
    directory: str
    root_hash: bytes              # as record.json states it
    listed: dict                  # path -> file hash, as record.json lists it
    manifest: Manifest
    context: ElectionContext
    boxes: list                   # [(path, station_id, kiosk_id)], path order

    def full(self, rel: str) -> str:
        return os.path.join(self.directory, *rel.split("/"))

    def not_followed(self, rel: str):
        """Why the file `rel` is not read (None: it may be): a symbolic link or a special
        file anywhere on its path. A record holds regular files in real directories
        (specs/record.md section 1); a link could point at bytes the record does not
        hold, so it is never followed. A missing file is left to the reader to name."""
        path, parts = self.directory, rel.split("/")
        for i, part in enumerate(parts):
            path = os.path.join(path, part)
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                return None
            except OSError as exc:
                return f"cannot be read: {exc.strerror or exc}"
            if stat.S_ISLNK(mode):
                where = "" if i == len(parts) - 1 else f" ({'/'.join(parts[:i + 1])})"
                return (f"a symbolic link{where}, never followed: a record holds regular "
                        "files only")
            if not (stat.S_ISREG(mode) if i == len(parts) - 1 else stat.S_ISDIR(mode)):
                return "not a regular file"
        return None

    def index_problems(self, *rels, expected_root=None) -> list:
        """What is wrong between record.json and these files (empty: they are the files
        it lists, and its root hash is the root of what it lists [and expected_root])."""
        out = []
        if root_hash(self.listed) != self.root_hash:
            out.append(f"{layout.INDEX}: root_hash is not the root of the files it lists")
        if expected_root is not None and expected_root != self.root_hash:
            out.append(f"{layout.INDEX}: root hash {self.root_hash.hex()} is not the "
                       f"announced root {expected_root.hex()} (--root)")
        for rel in rels:
            if rel not in self.listed:
                out.append(f"{rel}: not listed in {layout.INDEX}")
                continue
            why = self.not_followed(rel)
            if why:
                out.append(f"{rel}: {why}")
                continue
            try:
                if file_hash(self.directory, rel) != self.listed[rel]:
                    out.append(f"{rel}: content differs from {layout.INDEX} (file changed)")
            except OSError as exc:
                out.append(f"{rel}: cannot be read: {exc.strerror or exc}")
        return out


def _box_entry(path: str):
    parts = path.split("/")
    if (len(parts) == 3 and parts[0] == layout.BOXES_DIR and parts[2].endswith(".box")
            and layout.is_safe_id(parts[1]) and layout.is_safe_id(parts[2][:-4])):
        return path, parts[1], parts[2][:-4]
    return None


def open_record(directory) -> RecordView:
    """Read the index, manifest and context of the record in `directory`."""
    directory = os.path.abspath(os.fspath(directory))
    if not os.path.isdir(directory):
        raise RecordUnusable(f"{directory}: not a directory (give the record's directory)")
    full = lambda rel: os.path.join(directory, *rel.split("/"))  # noqa: E731
    try:
        value, _ = load_json_file(full(layout.INDEX), layout.INDEX)
        o = Obj(value, layout.INDEX + " $")
        fmt = o.get("format")
        if fmt != layout.FORMAT:
            raise RecordError(f"{o.at('format')}: record format {fmt!r:.40} is not "
                              f"{layout.FORMAT!r} (wrong version)")
        root = o.hex("root_hash", 32)
        listed = {}
        for f in o.objs("files"):
            path = f.str("path", 1024)
            if path in listed:
                raise RecordError(f"{layout.INDEX} {f.where}: {path!r} is listed twice")
            listed[path] = f.hex("hash", 32)
    except RecordError as exc:
        raise RecordUnusable(str(exc)) from None
    try:
        value, _ = load_json_file(full(layout.MANIFEST), layout.MANIFEST)
        manifest = Manifest.from_json_obj(value)
    except EvoteError as exc:
        raise RecordUnusable(f"{layout.MANIFEST}: {exc}" if not str(exc).startswith(
            layout.MANIFEST) else str(exc)) from None
    try:
        value, _ = load_json_file(full(layout.CONTEXT), layout.CONTEXT)
        context = ElectionContext.from_json_obj(value)
    except RecordError as exc:
        raise RecordUnusable(str(exc)) from None
    except (EvoteError, KeyError, TypeError, ValueError) as exc:
        raise RecordUnusable(f"{layout.CONTEXT}: {type(exc).__name__}: {exc}") from None
    if context.manifest_hash != manifest.hash():
        raise RecordUnusable(f"{layout.CONTEXT}: manifest_hash is not the hash of "
                             f"{layout.MANIFEST} (a context of another election)")
    boxes = sorted(filter(None, map(_box_entry, listed)), key=lambda b: b[0].encode())
    return RecordView(directory, root, listed, manifest, context, boxes)
