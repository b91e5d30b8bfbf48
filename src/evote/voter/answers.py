"""The answers of `evote ballot` and `evote challenge check` as plain data (the JSON
object of specs/voter.md section 6, `evote-voter-answer/1`) with their exit codes; the
text people read is rendered from the same object (messages.py), so both say the same.
"""
from .challenge_check import check_opening
from ..record import layout
from .lookup import find_ballot, station_page_warning, verify_match

FORMAT = "evote-voter-answer/1"


def _base(command, view, query):
    return {"format": FORMAT, "command": command, "status": None,
            "code": {"kind": query.kind, "value": query.shown()}, "ballot": None,
            "problems": [], "warnings": [], "incomplete": [], "matches": [], "n_matches": 0,
            "root_hash": view.root_hash.hex()}


def _located(match):
    return {"path": match.path, "station_id": match.station_id, "kiosk_id": match.kiosk_id,
            "record": match.seq, "kind": match.kind, "short_code": match.short_code}


def _lookup(command, view, query, expected_root):
    """(answer, exit code or None, Checked or None): the shared first half."""
    a = _base(command, view, query)
    search = find_ballot(view, query)
    a["incomplete"] = [{"path": p, "reason": why} for p, why in search.incomplete]
    a["n_matches"] = search.n_matches
    if search.n_matches == 0:
        a["status"] = "not-found"
        return a, 1, None
    if search.n_matches > 1:
        a["matches"] = [_located(m) for m in search.matches]
        if query.kind == "short":
            a["status"] = "ambiguous"
            return a, 2, None
        a["status"] = "record-problem"
        a["problems"].append(f"the record holds this confirmation code {search.n_matches} "
                             "times (a code is unique to one ballot)")
        return a, 1, None
    match = search.matches[0]
    checked = verify_match(view, match, expected_root)
    a["ballot"] = {"station_id": match.station_id, "station_name": checked.station_name,
                   "kiosk_id": match.kiosk_id, "record": match.seq, "path": match.path,
                   "ballot_id": match.ballot_id.hex(), "code": match.code.hex(),
                   "short_code": match.short_code, "kind": match.kind,
                   "counted": match.kind == "CAST", "station_page": None}
    a["problems"] += checked.problems
    a["warnings"] += checked.warnings
    if not checked.ok:
        a["status"] = "record-problem"
        return a, 1, None
    if match.kind == "CAST":    # a counted ballot is on its station's page of codes
        page = station_page_warning(view, match)
        if page:
            a["warnings"].append(page)
        else:
            a["ballot"]["station_page"] = layout.report_station_codes_path(match.station_id)
    return a, None, checked


def ballot_answer(view, query, expected_root=None):
    """(answer, exit code) of `evote ballot` (specs/voter.md section 3)."""
    a, code, _ = _lookup("ballot", view, query, expected_root)
    if code is not None:
        return a, code
    a["status"] = "found"
    return a, 0


def challenge_answer(view, query, opening=None, expected_root=None):
    """(answer, exit code) of `evote challenge check` (specs/voter.md section 4);
    opening: the kiosk's printed opening (EVOP bytes) from --opening FILE, or None
    (none given: the record holds none)."""
    a, code, checked = _lookup("challenge-check", view, query, expected_root)
    a["choices"], a["opening_source"] = None, None
    if code is not None:
        return a, code
    if checked.match.kind == "CAST":
        a["status"] = "cast-not-challenged"
        return a, 1
    result = check_opening(view, checked, opening)
    a["opening_source"] = result.source
    if result.missing:
        a["status"] = "opening-missing"
        return a, 2
    if not result.ok:
        a["status"] = "opening-failed"
        a["problems"].append(result.failure)
        return a, 1
    a["status"] = "opening-verified"
    a["choices"] = [{"contest_id": c.contest_id, "name": c.name, "blank": c.blank,
                     "candidates": [{"code": k, "name": n} for k, n in c.candidates]}
                    for c in result.choices]
    return a, 0
