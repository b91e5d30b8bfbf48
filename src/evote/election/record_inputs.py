"""Reading the parts of an election record that a guardian's decrypt and the tally
centre's combine start from: manifest.json, context.json, tally/encrypted.json, and the
box files under boxes/. Every file is read through files.read_input / read_json_input;
every error names the file and the field.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from ..errors import EvoteError
from ..manifest import Manifest
from ..protocol.context import ElectionContext
from ..record import layout
from ..record.jsonio import parse_json_bytes
from ..record.tallies import RecordTallies
from .files import read_input


class RecordInputError(EvoteError):
    """A record file a step needs is missing, malformed, or of another election."""


@dataclass(frozen=True)
class RecordElection:
    directory: str
    manifest: Manifest
    context: ElectionContext
    manifest_bytes: bytes
    context_bytes: bytes

    def full(self, rel: str) -> str:
        return os.path.join(self.directory, *rel.split("/"))


def _parsed(directory: str, rel: str, parse):
    path = os.path.join(directory, *rel.split("/"))
    data = read_input(path, f"record file {rel}")
    try:
        return parse(parse_json_bytes(data, rel)), data
    except EvoteError as exc:
        msg = str(exc)
        raise RecordInputError(msg if msg.startswith(rel) else f"{rel}: {msg}") from None


def read_election(record_dir) -> RecordElection:
    """The record's manifest and context; the context must be for that manifest."""
    directory = os.path.abspath(os.fspath(record_dir))
    if not os.path.isdir(directory):
        raise RecordInputError(f"record {record_dir}: not a directory")
    manifest, mbytes = _parsed(directory, layout.MANIFEST, Manifest.from_json_obj)
    context, cbytes = _parsed(directory, layout.CONTEXT, ElectionContext.from_json_obj)
    if context.manifest_hash != manifest.hash():
        raise RecordInputError(f"{layout.CONTEXT}.manifest_hash: the context is for another "
                               f"manifest than {layout.MANIFEST}")
    return RecordElection(directory, manifest, context, mbytes, cbytes)


def read_tallies(election: RecordElection) -> tuple:
    """(RecordTallies, the bytes of tally/encrypted.json); its manifest hash must be the
    record's."""
    tallies, data = _parsed(election.directory, layout.TALLY,
                            lambda v: RecordTallies.from_json_obj(v, layout.TALLY))
    if tallies.manifest_hash != election.manifest.hash():
        raise RecordInputError(f"{layout.TALLY}.manifest_hash: not the hash of "
                               f"{layout.MANIFEST}")
    return tallies, data


def box_files(election: RecordElection) -> list:
    """Relative paths boxes/<station>/<kiosk>.box, sorted. Anything else under boxes/
    (another file, a symbolic link, a deeper directory) is refused: a guardian counts
    exactly the boxes it can name."""
    root = election.full(layout.BOXES_DIR)
    if not os.path.isdir(root) or os.path.islink(root):
        raise RecordInputError(f"record {election.directory}: no {layout.BOXES_DIR}/ "
                               "directory")
    out = []
    for station in sorted(os.listdir(root)):
        sdir = os.path.join(root, station)
        rel_s = f"{layout.BOXES_DIR}/{station}"
        if not layout.is_safe_id(station) or not stat.S_ISDIR(os.lstat(sdir).st_mode):
            raise RecordInputError(f"{rel_s}: not a station directory of the record")
        for name in sorted(os.listdir(sdir)):
            rel = f"{rel_s}/{name}"
            if not (name.endswith(".box") and layout.is_safe_id(name[:-4])) or \
                    not stat.S_ISREG(os.lstat(os.path.join(sdir, name)).st_mode):
                raise RecordInputError(f"{rel}: not a box file of the record "
                                       "(boxes/<station>/<kiosk>.box, a regular file)")
            out.append(rel)
    return out
