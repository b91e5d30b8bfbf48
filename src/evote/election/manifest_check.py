"""`evote manifest check`: every error of a manifest file that can be found in one run,
each with its JSON path, or (valid) its hash and the normalized names.

The model validates one object at a time by construction and the loader stops at the
first error. To report more: (1) each top-level field is checked on its own; (2) each
district, station, contest and style object is built on its own, so an error in one
does not hide the errors in the others; (3) the cross-references (unique ids and names,
every reference resolving, a station's style holding only its district's contests) are
checked over the objects that built, each rule collecting every offender. A reference to
an object that failed in (2) is not reported again as unknown.

Invariant: the result is valid (errors empty, manifest set) if and only if the loader
accepts the file; whatever the collected checks miss, the loader's own first error is
reported, so a manifest is never called valid by this command and refused elsewhere.
"""
from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Optional

from ..errors import ManifestError
from ..manifest import Manifest, load_manifest
from ..manifest import load as _load
from ..manifest import model as _model
from ..manifest.normalize import name_key
from ..paths import checked_path


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
        if m.mix_servers:   # specs/manifest.md 1.3: every slot contest, in this order
            lines.append("mix servers, in mixing order: " + ", ".join(
                f"{x.mix_id} ({x.key.hex()[:16]}...)" for x in m.mix_servers))
        for c in m.contests:
            lines.append(f"contest {c.contest_id} ({c.name}): {c.seats} seats, "
                         f"{c.alternates} alternates, up to {c.max_choices} choices, "
                         f"{len(c.candidates)} candidates, {c.method}"
                         + (", choice slots (mixed, then decrypted)" if c.uses_slots else ""))
            if names:
                for k in c.candidates:
                    lines.append(f"  {k.code}  {k.name}  [normalized: {name_key(k.name)}]")
        return lines


def _style(obj, path: str):
    _load._fields(obj, _load._STYLE, path, "style")
    ids = [_load._str(c, f"{path}.contest_ids[{j}]")
           for j, c in enumerate(_load._array(obj["contest_ids"], f"{path}.contest_ids"))]
    return _load._build(_model.BallotStyle, path,
                        style_id=_load._str(obj["style_id"], f"{path}.style_id"),
                        contest_ids=tuple(ids))


# (manifest key, builder(obj, path), id field)
_PARTS = (
    ("districts", lambda x, p: _load._simple(_model.District, _load._DISTRICT, x, p,
                                              "district"), "district_id"),
    ("stations", lambda x, p: _load._simple(_model.Station, _load._STATION, x, p,
                                             "station"), "station_id"),
    ("contests", _load._contest, "contest_id"),
    ("styles", _style, "style_id"),
)


def _top_level_errors(obj: dict, errors: list) -> None:
    for k in obj:
        if k not in _load._MANIFEST:
            errors.append(f"$.{_load._key_step(k)}: unknown field in manifest")
    for k, required in _load._MANIFEST.items():
        if required and k not in obj:
            errors.append(f"$.{k}: missing field of manifest")
    checks = (
        ("version", lambda v: None if v == _model.VERSION else _model.manifest_error(
            "", f"unsupported version {v!r}, expected {_model.VERSION!r}")),
        ("election_id", lambda v: _model.check_id(v, "", "election id")),
        ("name", lambda v: _model.check_text(v, "", "election name")),
        ("election_date", _date),
        ("authority_key", _authority_key),
        ("privacy_floor", lambda v: _model.check_int(v, "", 1, _model.MAX_PRIVACY_FLOOR,
                                                     "privacy floor")),
    )
    for key, check in checks:
        if key not in obj:
            continue
        try:
            problem = check(obj[key])
        except ManifestError as exc:
            problem = exc
        if isinstance(problem, ManifestError):
            errors.append(f"$.{key}: {getattr(problem, 'detail', str(problem))}")
    for key, _, _ in _PARTS:
        if key in obj and not isinstance(obj[key], list):
            errors.append(f"$.{key}: must be a JSON array, got {_load._jtype(obj[key])}")


def _date(value):
    if not isinstance(value, str) or not _model._DATE.match(value):
        return _model.manifest_error("", f"election date {value!r} is not yyyy-mm-dd")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return _model.manifest_error("", f"election date {value!r} is not a date")
    return None


def _authority_key(value):
    if not isinstance(value, str) or len(value) != 64 or \
            any(ch not in "0123456789abcdef" for ch in value):
        return _model.manifest_error("", "must be 64 lowercase hex characters (a 32-byte "
                                     "Ed25519 public key)")
    return None


def _build_parts(obj: dict, errors: list) -> tuple:
    """(built objects per kind: list of (index, object), ids named by any object)."""
    built, named = {}, {}
    for key, build, id_field in _PARTS:
        built[key], named[key] = [], set()
        items = obj.get(key)
        if not isinstance(items, list):
            continue
        for i, x in enumerate(items):
            if isinstance(x, dict) and isinstance(x.get(id_field), str):
                named[key].add(x[id_field])
            try:
                built[key].append((i, build(x, f"$.{key}[{i}]")))
            except ManifestError as exc:
                errors.append(str(exc))
    return built, named


def _unique(items, key_of, path_of, what, errors) -> None:
    seen = {}
    for i, x in items:
        k = key_of(x)
        if k in seen:
            errors.append(f"{path_of(i)}: duplicate {what} {k!r} (also at index {seen[k]})")
        else:
            seen[k] = i


def _cross_reference_errors(built: dict, named: dict, errors: list) -> None:
    d, s, c, y = (built[k] for k in ("districts", "stations", "contests", "styles"))
    for items, kind, attr in ((d, "districts", "district_id"), (s, "stations", "station_id"),
                              (c, "contests", "contest_id"), (y, "styles", "style_id")):
        _unique(items, lambda x, a=attr: getattr(x, a),
                lambda i, k=kind, a=attr: f"$.{k}[{i}].{a}", attr.replace("_", " "), errors)
    seen = {}
    for i, x in d:
        k = name_key(x.name)
        if k in seen:
            j, other = seen[k]
            errors.append(f"$.districts[{i}].name: district name {x.name!r} collides with "
                          f"district {j} ({other!r}) after Persian normalization")
        else:
            seen[k] = (i, x.name)
    contests = {x.contest_id: x for _, x in c}
    styles = {x.style_id: x for _, x in y}
    for i, x in c:
        if x.district_id not in named["districts"]:
            errors.append(f"$.contests[{i}].district_id: contest {x.contest_id!r} is in "
                          f"unknown district {x.district_id!r}")
    for i, x in y:
        for j, cid in enumerate(x.contest_ids):
            if cid not in named["contests"]:
                errors.append(f"$.styles[{i}].contest_ids[{j}]: style {x.style_id!r} names "
                              f"unknown contest {cid!r}")
    for i, st in s:
        if st.district_id not in named["districts"]:
            errors.append(f"$.stations[{i}].district_id: station {st.station_id!r} is in "
                          f"unknown district {st.district_id!r}")
        if st.style_id not in named["styles"]:
            errors.append(f"$.stations[{i}].style_id: station {st.station_id!r} has unknown "
                          f"style {st.style_id!r}")
        for cid in getattr(styles.get(st.style_id), "contest_ids", ()):
            other = contests.get(cid)
            if other is not None and other.district_id != st.district_id:
                errors.append(f"$.stations[{i}].style_id: station {st.station_id!r} "
                              f"(district {st.district_id!r}) has style {st.style_id!r} with "
                              f"contest {cid!r} of district {other.district_id!r}")
    for kind, items in (("station", s), ("contest", c)):
        seen = {}
        for i, x in items:
            k = (x.district_id, name_key(x.name))
            if k in seen:
                j, other = seen[k]
                errors.append(f"$.{kind}s[{i}].name: {kind} name {x.name!r} collides with "
                              f"{kind} {j} ({other!r}) of district {x.district_id!r} after "
                              "Persian normalization")
            else:
                seen[k] = (i, x.name)


def collect_errors(obj) -> list:
    """Every error of a parsed manifest object that the checks above can find."""
    if not isinstance(obj, dict):
        return [f"$: manifest must be a JSON object, got {_load._jtype(obj)}"]
    errors: list = []
    _top_level_errors(obj, errors)
    built, named = _build_parts(obj, errors)
    _cross_reference_errors(built, named, errors)
    return errors


def check_manifest_file(path) -> ManifestCheck:
    """ManifestCheck of the file; an unreadable file (missing, not a regular file, not
    UTF-8 JSON, duplicate keys, floats) raises ManifestError (the command's exit 2)."""
    path = checked_path(path, "manifest file")
    try:
        return ManifestCheck(manifest=load_manifest(path))
    except ManifestError as first:
        data = _load._read_regular(path)
        try:
            obj = json.loads(data.decode("utf-8"), object_pairs_hook=_load._no_duplicate_keys,
                             parse_float=_load._no_float, parse_constant=_load._no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise first from None  # not strict JSON at all: the loader's error says why
        errors = collect_errors(obj)
        text = str(first)
        prefix = f"{path}: "
        text = text[len(prefix):] if text.startswith(prefix) else text
        if text not in errors:   # the invariant: never fewer than the loader's error
            errors.append(text)
        return ManifestCheck(errors=errors)
