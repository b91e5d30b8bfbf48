"""Per-station reconciliation: what the boxes hold vs their CLOSE records vs the forms
the station declares it issued (and, for a paper station, its declared counts).

Rules (specs/tally.md section 6), each broken rule is one mismatch line:
  - every box of the station verified (else it counted nothing) and has a CLOSE record;
  - CLOSE counts (cast, spoiled) = the CAST and SPOIL records in the box;
  - every CAST ballot was counted (refused ballots are listed);
  - forms issued, declared by the station's officials (declaration.py), = ballots cast
    at the station (a voter gets one form and casts one ballot; challenged ballots are
    re-done on the same form); with require_forms, an electronic station must declare;
  - a paper station: forms issued = each contest's ballots cast + spoiled forms;
  - a station is electronic or paper, never both, and has at least one of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from ..errors import EvoteTypeError
from .boxes import TallyRun
from .paper import PaperResult


@dataclass(frozen=True)
class StationReconciliation:
    station_id: str
    kind: str                      # "electronic" | "paper" | "both" | "missing"
    boxes: int = 0
    cast: int = 0                  # CAST records in the station's verified boxes
    spoiled: int = 0               # SPOIL records (never counted)
    counted: int = 0               # CAST ballots in the tally
    close_cast: Optional[int] = None     # sums of the CLOSE records (None: a box has none)
    close_spoiled: Optional[int] = None
    forms_issued: Optional[int] = None   # declared; None if not declared
    mismatches: tuple = ()

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def to_json_obj(self) -> dict:
        return {"station_id": self.station_id, "kind": self.kind, "boxes": self.boxes,
                "cast": self.cast, "spoiled": self.spoiled, "counted": self.counted,
                "close_cast": self.close_cast, "close_spoiled": self.close_spoiled,
                "forms_issued": self.forms_issued, "mismatches": list(self.mismatches)}


def _electronic(sid, boxes, forms, out):
    cast = sum(b.cast for b in boxes if b.ok)
    spoiled = sum(b.spoiled for b in boxes if b.ok)
    counted = sum(b.counted for b in boxes if b.ok)
    closed = all(b.ok and b.closed for b in boxes)
    for b in boxes:
        if not b.ok:
            out.append(f"box {b.path} did not verify; none of its ballots is counted")
        elif not b.closed:
            out.append(f"box {b.path} has no CLOSE record (or none that verifies)")
        elif (b.close_cast, b.close_spoiled) != (b.cast, b.spoiled):
            out.append(f"box {b.path}: CLOSE says {b.close_cast} cast, {b.close_spoiled} "
                       f"spoiled; the box holds {b.cast} cast, {b.spoiled} spoiled")
        if b.ok and b.refused:
            out.append(f"box {b.path}: {len(b.refused)} CAST ballot(s) refused (records "
                       f"{', '.join(map(str, b.refused))})")
    if forms is not None and forms != cast:
        out.append(f"forms issued {forms} != ballots cast in the boxes {cast}")
    close_cast = sum(b.close_cast for b in boxes) if closed else None
    close_spoiled = sum(b.close_spoiled for b in boxes) if closed else None
    return cast, spoiled, counted, close_cast, close_spoiled


def reconcile_stations(manifest, run: Optional[TallyRun] = None,
                       forms_issued: Mapping[str, int] = None,
                       paper_results: Sequence[PaperResult] = (),
                       require_forms: bool = False) -> tuple:
    """One StationReconciliation per station of the manifest (manifest order), plus one
    for any station id met in the boxes, paper results or forms that the manifest lacks.
    forms_issued: declared forms per electronic station (paper results carry their own),
    e.g. declaration.declared_forms(manifest, declarations); require_forms: an electronic
    station that declares none is a mismatch."""
    forms_issued = dict(forms_issued or {})
    boxes: dict = {}
    if run is not None:
        if not isinstance(run, TallyRun):
            raise EvoteTypeError("run: expected TallyRun")
        for b in run.boxes:
            sid = "(unknown station)" if b.station_id is None else b.station_id
            boxes.setdefault(sid, []).append(b)
    paper = {}
    for p in paper_results:
        if not isinstance(p, PaperResult):
            raise EvoteTypeError("paper_results: expected PaperResult items")
        paper.setdefault(p.station_id, []).append(p)
    ids = [s.station_id for s in manifest.stations]
    extra = sorted((set(boxes) | set(paper) | set(forms_issued)) - set(ids), key=str)
    out = []
    for sid in ids + extra:
        mism = []
        if sid in extra:
            mism.append("station is not in the manifest")
        bx, pp = boxes.get(sid, []), paper.get(sid, [])
        kind = ("both" if bx and pp else "electronic" if bx else "paper" if pp else "missing")
        if kind == "both":
            mism.append("station has both ballot boxes and a paper result")
        if kind == "missing":
            mism.append("no ballot box and no paper result")
        if len(pp) > 1:
            mism.append(f"{len(pp)} paper results")
        forms = forms_issued.get(sid)
        cast = spoiled = counted = 0
        close_cast = close_spoiled = None
        if bx and not pp and forms is None and require_forms:
            mism.append("no declaration of the forms issued (voters authorized to vote)")
        if bx:
            cast, spoiled, counted, close_cast, close_spoiled = _electronic(sid, bx, forms, mism)
        if pp:
            p = pp[0]
            if forms is not None and forms != p.forms_issued:
                mism.append(f"forms issued declared {forms}, the paper result says "
                            f"{p.forms_issued}")
            forms = p.forms_issued
            mism.extend(p.forms_mismatches())   # the spoiled-forms rule (record.md 5.1)
        out.append(StationReconciliation(sid, kind, len(bx), cast, spoiled, counted,
                                         close_cast, close_spoiled, forms, tuple(mism)))
    return tuple(out)
