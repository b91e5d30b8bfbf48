"""Fallback decisions (fallback/<station>.json, specs/record.md 5.4): an electronic
station whose officials fell back to paper. Part of V1 (against the election package
and the boxes) and V13 (the decision itself), run from package_check.check_package once
the package is verified, before V13's paper results and the count.

    check_fallbacks(r, pkg)     # r: verify.run._Run; pkg: the verified package or None

Sets r.fallbacks: station id -> PaperFallback, only the decisions with no failure at
all; only those admit a paper result for an electronic station (V1), its boxes beside
it (V13), its declaration (V16) and both counts (V14). Failures:
- V13 at the decision's path: does not parse, not canonical, names another station than
  its file, another manifest, a required role missing, an official not certified, a bad
  signature, a key or role twice, a signer not listed for the station and role in the
  package, or the station has no paper result;
- V1 at the decision's path: the station is not in the package, is a paper station, the
  decision does not name exactly the package's kiosks of the station, a box it closes
  is not in the record or has another record file hash than its box_hash.
Without a verified package (V1 failed already) no decision is valid; each is named.
Never raises for what the record holds.
"""
from __future__ import annotations

from ..errors import EvoteError, RecordError
from ..record import layout
from ..record.jsonio import load_json_file
from ..tally.fallback import PaperFallback, package_mismatches
from .tally_checks import check_listed


def _decision(r, sid: str, path: str) -> PaperFallback:
    """The decision of file `path`, checked as V13 checks it; RecordError/EvoteError."""
    value, raw = load_json_file(r.full(path), path)
    doc = PaperFallback.from_json_obj(value, "fallback decision")   # located by the caller
    if doc.station_id != sid:
        raise RecordError(f"names station {doc.station_id!r}, not the file's {sid!r}")
    if raw != doc.to_json_bytes():
        raise RecordError("not in canonical form (specs/record.md section 3)")
    doc.verify(r.manifest)
    check_listed(r, sid, doc)
    if sid not in r.papers:
        raise RecordError(f"station {sid!r} has no paper result ({layout.paper_path(sid)}): "
                          "a station that falls back to paper publishes the count of its "
                          "paper forms, signed by its officials")
    return doc


def _package_failures(r, pkg, doc: PaperFallback) -> list:
    """V1: the decision against the package's plan of its station and the record's boxes."""
    sid = doc.station_id
    try:
        plan = pkg.station(sid)
    except EvoteError:
        return [f"station {sid!r} is not in the election package ({layout.PACKAGE})"]
    wrong = [f"{w} ({layout.PACKAGE})" for w in package_mismatches(doc, plan)]
    if wrong:
        return wrong
    have = set(r.boxes.get(sid, ()))
    for b in doc.closed_boxes:
        rel = layout.box_path(sid, b.kiosk_id)
        if rel not in have:
            wrong.append(f"the box {rel} it closes is not in the record")
        elif r.actual.get(rel) != b.box_hash:
            found = r.actual.get(rel)
            wrong.append(f"the box {rel} in the record has record file hash "
                         f"{found.hex() if found else '(unreadable)'}, not the box_hash "
                         f"{b.box_hash.hex()} the officials closed: the box was changed or "
                         "swapped after the decision")
    return wrong


def check_fallbacks(r, pkg) -> None:
    """The checks of the module docstring; sets r.fallbacks."""
    r.fallbacks = {}
    v1, v13 = r.c("V1"), r.c("V13")
    order = {s.station_id: i for i, s in enumerate(r.manifest.stations)}
    for sid in sorted(r.fallback_files, key=lambda s: (order.get(s, len(order)), s)):
        path = r.fallback_files[sid]
        v13.checked += 1
        if pkg is None:
            v13.fail(path, f"cannot be checked: the record has no verified election package "
                     f"({layout.PACKAGE}, V1), which lists the station's officials and kiosks")
            continue
        try:
            doc = _decision(r, sid, path)
        except (RecordError, EvoteError) as exc:
            v13.fail(path, str(exc))
            doc = None
            try:   # still compared with the package and boxes when it parses (V1)
                value, _ = load_json_file(r.full(path), path)
                parsed = PaperFallback.from_json_obj(value, path)
            except (RecordError, EvoteError):
                continue
            for w in _package_failures(r, pkg, parsed) if parsed.station_id == sid else ():
                v1.fail(path, w)
            continue
        wrong = _package_failures(r, pkg, doc)
        for w in wrong:
            v1.fail(path, w)
        if not wrong:
            r.fallbacks[sid] = doc
    r.rep.fallbacks = tuple(
        {"station_id": sid, "path": layout.fallback_path(sid),
         "kiosks": [b.kiosk_id for b in doc.closed_boxes],
         "reason": doc.reason, "signed_by": [o.role for o in doc.officials]}
        for sid, doc in sorted(r.fallbacks.items()))
