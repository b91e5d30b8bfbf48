"""V17: the supervising board's exclusions (exclusions/<station>/<kiosk>.json,
specs/record.md sections 5.3 and 8).

    check_exclusions(r)   # r: a verify.run._Run after its files and manifest were read

Runs before the station tasks, since a valid exclusion decides what they read: each
exclusion file must parse in canonical form, sit at the path of the box it names, be for
this manifest and a station of it, be signed by one supervisor of each role of the
manifest's signing_roles.exclusion (keys listed in the manifest's supervisors), and name
a box the record holds, by its exact file hash. Each valid one puts its box in
r.excluded (box path -> Exclusion): that box is hashed (V1, V2) but not read (V5-V10),
its ballots are in no tally (V11) and no count, and its station reconciles with the
forms the decision attributes to it taken off (V16). An exclusion that fails excludes
nothing. r.rep.exclusions lists every valid one for the report's summary.
"""
from __future__ import annotations

from ..errors import EvoteError, RecordError
from ..record.jsonio import read_file_bounded
from ..record.roothash import file_hash
from ..tally.exclusion import EXCLUSIONS_DIR, Exclusion

MAX_EXCLUSION_BYTES = 1 << 16


def exclusion_file_place(parts) -> bool:
    """True for exclusions/<station>/<kiosk>.json with ids that can name record files."""
    from ..record import layout
    return (len(parts) == 3 and parts[0] == EXCLUSIONS_DIR and parts[2].endswith(".json")
            and layout.is_safe_id(parts[1]) and layout.is_safe_id(parts[2][:-5]))


def _valid(r, path: str) -> Exclusion:
    data = read_file_bounded(r.full(path), path, MAX_EXCLUSION_BYTES)
    e = Exclusion.from_json_bytes(data, "exclusion")   # located by the caller
    if e.path != path:
        raise RecordError(f"names box {e.box_path}, whose exclusion belongs at {e.path}")
    e.verify(r.manifest)
    if e.box_path not in r.present:
        raise RecordError(f"excludes box {e.box_path}, which is not in the record (only a "
                          "box the record holds can be excluded)")
    if file_hash(r.dir, e.box_path) != e.box_hash:
        raise RecordError(f"box_hash is not the hash of the record's {e.box_path} (the "
                          "decision is about other bytes)")
    return e


def check_exclusions(r) -> None:
    v17 = r.c("V17")
    r.excluded = {}
    for path in sorted(r.exclusion_files):
        v17.checked += 1
        try:
            e = _valid(r, path)
        except (RecordError, EvoteError, OSError) as exc:
            v17.fail(path, str(exc))
            continue
        r.excluded[e.box_path] = e
    r.rep.exclusions = tuple(
        {"box": e.box_path, "station_id": e.station_id, "kiosk_id": e.kiosk_id,
         "forms_excluded": e.forms_excluded, "reason": e.reason,
         "signed_by": [s.role for s in e.signatures]}
        for _, e in sorted(r.excluded.items()))


def excluded_forms(r, station_id: str) -> int:
    """Forms issued the valid exclusions attribute to the station's excluded boxes."""
    return sum(e.forms_excluded for e in r.excluded.values() if e.station_id == station_id)
