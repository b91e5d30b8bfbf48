"""The election package in the record (`package.json`, specs/election.md section 4), part
of check V1 (specs/record.md section 8, "V1: the election package").

    check_package(r, expected)   # r: a verify.run._Run after its files, manifest, context

The record must hold package.json (a record without it is not valid: otherwise
whoever publishes could strip it and escape every check below), and it must:
- parse and verify (evote.election.package.parse_package_bytes: canonical JSON, every
  certificate and the signature the manifest authority's);
- embed exactly the record's manifest and context: the canonical bytes of its "manifest"
  and "context" objects are byte for byte manifest.json and context.json;
- agree with the record's stations: every box boxes/<S>/<K>.box is of an electronic
  station S of the package whose kiosk K is listed with the very certificate the box's
  OPEN record carries; every listed kiosk has its box; a paper result only for a paper
  station of the package, or for an electronic one with a valid fallback decision
  (fallback.py: fallback/<S>.json, specs/record.md 5.4, checked here against the
  package and the boxes, V1, and as a signed form, V13).
With `expected` (the announced hash, `evote verify --package HASH`), package.json must
exist and its package hash (ElectionPackage.hash) be exactly `expected`; both hashes are
named otherwise.

Sets r.rep.package_hash (hex of the hash of the package found, "" when there is none or
it does not parse far enough to be hashed) and r.rep.pinned (expected was given). Every
problem is a V1 failure at its file; nothing here raises for what the record holds.
"""
from __future__ import annotations

from ..ballotbox.reader import walk_box
from ..ballotbox.records import OpenRecord
from ..canonical_json import canonical_json_bytes
from ..errors import EvoteError
from ..election.package import (MAX_PACKAGE_BYTES, package_from_obj, package_hash,
                                parse_package_bytes)
from ..record import layout
from ..record.jsonio import parse_json_bytes, read_file_bounded
from .fallback import check_fallbacks

PACKAGE = layout.PACKAGE   # package.json (record.md section 1)


def _parsed(data: bytes):
    """(JSON object, its package hash) of package.json's bytes when they are a JSON
    object (the hash also when the package does not verify, so the report can name it);
    (None, None) otherwise."""
    try:
        obj = parse_json_bytes(data, PACKAGE)
    except EvoteError:
        return None, None
    if not isinstance(obj, dict):
        return None, None
    body = {k: v for k, v in obj.items() if k != "authority_signature"}
    try:
        return obj, package_hash(body)
    except (TypeError, ValueError):
        return obj, None


def _open_certificate(r, rel: str, station_id: str, kiosk_id: str):
    """The kiosk certificate bytes of the box's OPEN record (first frame), or a string
    saying why there is none. Only the first frame is read; V5/V6 check the rest."""
    m = r.manifest
    try:
        gen = walk_box(r.full(rel), authority_key=m.authority_key, election_hash=m.hash(),
                       station_id=station_id, kiosk_id=kiosk_id)
        try:
            record, _ = next(gen)
        finally:
            gen.close()
    except StopIteration:
        record = None
    except EvoteError as exc:
        return f"cannot be read ({exc})"
    if not isinstance(record, OpenRecord):
        return "its first record is not a readable OPEN record (see V6)"
    return record.certificate.to_bytes()


def _check_stations(r, pkg, v1) -> None:
    for sid in sorted(r.boxes):
        try:
            plan = pkg.station(sid)
        except EvoteError:
            continue            # a station the manifest lacks: V5 names its boxes
        for rel in r.boxes[sid]:
            kid = rel.rsplit("/", 1)[-1][:-len(".box")]
            if rel in r.excluded:   # V17: a damaged box excluded by the board is not read
                continue
            if plan.mode != "electronic":
                v1.fail(rel, f"a ballot box of station {sid!r}, whose mode in the election "
                        f"package ({PACKAGE}) is {plan.mode!r}")
                continue
            entry = plan.kiosk(kid)
            if entry is None:
                v1.fail(rel, f"kiosk {kid!r} is not listed for station {sid!r} in the "
                        f"election package ({PACKAGE})")
                continue
            cert = _open_certificate(r, rel, sid, kid)
            if isinstance(cert, str):
                v1.fail(rel, f"{cert}; its kiosk certificate cannot be compared with the "
                        f"election package's")
            elif cert != entry.certificate.to_bytes():
                v1.fail(rel, f"its kiosk certificate (OPEN record) is not the one the "
                        f"election package ({PACKAGE}) lists for station {sid!r} kiosk "
                        f"{kid!r}")
    for plan in pkg.stations:
        for entry in plan.kiosks:
            rel = layout.box_path(plan.station_id, entry.kiosk_id)
            if rel not in r.boxes.get(plan.station_id, ()):
                v1.fail(rel, f"missing: kiosk {entry.kiosk_id!r} of station "
                        f"{plan.station_id!r} is certified in the election package "
                        f"({PACKAGE}) but the record has no box of it")


def _check_papers(r, pkg, v1) -> None:
    """A paper result only for a paper station, or an electronic one with a valid
    fallback decision (r.fallbacks, set by check_fallbacks)."""
    for sid in sorted(r.papers):
        try:
            plan = pkg.station(sid)
        except EvoteError:
            continue            # V13 names a paper result of a station not in the manifest
        if plan.mode != "paper" and sid not in r.fallbacks:
            fb = layout.fallback_path(sid)
            why = (f"its fallback decision {fb} is not valid (see V13 and V1 at {fb})"
                   if sid in r.fallback_files else
                   f"without a fallback decision {fb} signed by its officials (evote "
                   "station fallback, specs/record.md 5.4)")
            v1.fail(r.papers[sid], f"a paper result of station {sid!r}, whose mode in the "
                    f"election package ({PACKAGE}) is {plan.mode!r}, {why}")


def check_package(r, expected: bytes | None) -> None:
    """The checks of the module docstring, as V1 failures on r (and the fallback
    decisions', V1 and V13); sets r.rep.package_hash, r.rep.pinned, r.fallbacks."""
    _check_package(r, expected)
    pkg = r.election_package
    check_fallbacks(r, pkg)
    if pkg is not None:
        _check_papers(r, pkg, r.c("V1"))


def _check_package(r, expected: bytes | None) -> None:
    v1 = r.c("V1")
    r.rep.pinned = expected is not None
    r.rep.package_hash = ""
    if PACKAGE not in r.present:  # required: a record stripped of it could not be pinned
        v1.fail(PACKAGE, "missing: every record holds its election package" + (
            f", and this one cannot be the announced package {expected.hex()} (--package)"
            if expected is not None else ""))
        return
    try:
        data = read_file_bounded(r.full(PACKAGE), PACKAGE, MAX_PACKAGE_BYTES)
    except EvoteError as exc:
        v1.fail(PACKAGE, str(exc))
        return
    obj, found = _parsed(data)
    r.rep.package_hash = "" if found is None else found.hex()
    if expected is not None and found != expected:
        have = found.hex() if found else "(none: not a JSON object)"
        v1.fail(PACKAGE, f"package hash {have} is not the announced package hash "
                f"{expected.hex()} (--package)")
    try:  # parsed once: a package of 72,000 stations is tens of MB
        pkg = (parse_package_bytes(data, PACKAGE) if obj is None   # (for its error)
               else package_from_obj(obj, data, PACKAGE))
    except EvoteError as exc:
        v1.fail(PACKAGE, str(exc))
        return
    for key, rel, raw in (("manifest", layout.MANIFEST, r.manifest_raw),
                          ("context", layout.CONTEXT, r.context_raw)):
        if canonical_json_bytes(obj[key]) != raw:
            v1.fail(PACKAGE, f"its {key} is not byte for byte the record's {rel} (the "
                    f"package is of another election, or {rel} was changed)")
            return  # the stations cannot be compared against another election's package
    r.election_package = pkg   # V13, V16: the officials listed per station
    _check_stations(r, pkg, v1)
