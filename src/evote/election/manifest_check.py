"""`evote manifest check`: every error of a manifest file that can be found in one run,
each with its JSON path, or (valid) its hash and the normalized names.

The model validates one object at a time by construction and the loader stops at the
first error; to report more, each district, station, contest and style object is first
built on its own (an error in one does not hide the errors in the others), then, if they
all are valid, the whole manifest (cross-references, unique ids and names).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

from ..errors import ManifestError
from ..manifest import Manifest, load_manifest
from ..manifest import load as _load
from ..manifest.normalize import name_key
from ..paths import checked_path

_PARTS = (("districts", lambda x, p: _load._simple(_load.District, _load._DISTRICT, x, p,
                                                    "district")),
          ("stations", lambda x, p: _load._simple(_load.Station, _load._STATION, x, p,
                                                   "station")),
          ("contests", _load._contest))


@dataclass
class ManifestCheck:
    errors: list = field(default_factory=list)   # "<$.path>: <what is wrong>"
    manifest: Optional[Manifest] = None

    def summary_lines(self, names: bool = False) -> list:
        m = self.manifest
        lines = [f"manifest {m.election_id}: valid", f"manifest hash: {m.hash().hex()}",
                 f"{len(m.districts)} districts, {len(m.stations)} stations, "
                 f"{len(m.contests)} contests, {sum(len(c.candidates) for c in m.contests)} "
                 f"candidates; privacy floor {m.privacy_floor} ballots"]
        for c in m.contests:
            lines.append(f"contest {c.contest_id} ({c.name}): {c.seats} seats, "
                         f"{c.alternates} alternates, up to {c.max_choices} choices, "
                         f"{len(c.candidates)} candidates, {c.method}")
            if names:
                for k in c.candidates:
                    lines.append(f"  {k.code}  {k.name}  [normalized: {name_key(k.name)}]")
        return lines


def _object_errors(obj) -> list:
    """Errors of each part object built on its own (paths absolute, '$.contests[2]...')."""
    errors = []
    if not isinstance(obj, dict):
        return errors
    for key, build in _PARTS:
        items = obj.get(key)
        if not isinstance(items, list):
            continue
        for i, x in enumerate(items):
            try:
                build(x, f"$.{key}[{i}]")
            except ManifestError as exc:
                errors.append(str(exc))
    return errors


def check_manifest_file(path) -> ManifestCheck:
    """ManifestCheck of the file; an unreadable file (missing, not a regular file, not
    UTF-8 JSON) raises ManifestError (the command's exit 2)."""
    path = checked_path(path, "manifest file")
    try:
        return ManifestCheck(manifest=load_manifest(path))
    except ManifestError as first:
        data = _load._read_regular(path)
        try:
            obj = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise first from None  # not JSON at all: the loader's one error says why
        errors = _object_errors(obj)
        text = str(first)
        prefix = f"{path}: "
        text = text[len(prefix):] if text.startswith(prefix) else text
        if text not in errors:
            errors.insert(0, text) if not errors else errors.append(text)
        return ManifestCheck(errors=errors)
