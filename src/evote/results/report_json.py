"""The machine-readable results: a JSON object with a fixed key order (sorted keys), so
the same results give the same bytes on every machine (specs/results.md s. 5)."""
import json

from .model import ContestResult, ElectionResults
from .ties import TieDecision

RESULTS_VERSION = "evote-results/1"


def tie_to_json_obj(t: TieDecision) -> dict:
    return {"scope": t.scope, "score": t.score, "positions": list(t.positions),
            "codes": list(t.codes), "step": t.step, "order": [list(g) for g in t.order],
            "draws": [{"code": c, "draw": d} for c, d in t.draws]}


def contest_result_to_json_obj(r: ContestResult, contest=None) -> dict:
    """One contest's result; with its manifest Contest, candidate and list names too."""
    names = {} if contest is None else {c.code: c.name for c in contest.candidates}
    list_names = {} if contest is None else {p.code: p.name for p in contest.lists}
    obj = {
        "contest_id": r.contest_id, "method": r.method, "seats": r.seats,
        "alternates": r.alternates, "ballots_cast": r.ballots_cast, "blank": r.blank,
        "valid": r.valid, "resolved": r.resolved, "unfilled_seats": r.unfilled_seats,
        "winners": list(r.winners),
        "alternate_codes": list(r.alternate_codes), "quota": r.quota,
        "lot_used": r.seed_used, "paper_stations": list(r.paper_stations),
        "settings": r.settings.to_json_obj(),
        "candidates": [dict({"code": c.code, "votes": c.votes, "rank": c.rank,
                             "status": c.status, "list_code": c.list_code},
                            **({"name": names[c.code]} if c.code in names else {}))
                       for c in r.candidates],
        "lists": [dict({"list_code": p.list_code, "members": list(p.members),
                        "votes": p.votes, "eligible": p.eligible,
                        "quota_seats": p.quota_seats, "remainder": p.remainder,
                        "remainder_seats": p.remainder_seats, "seats": p.seats,
                        "alternates": p.alternates, "winners": list(p.winners),
                        "alternate_codes": list(p.alternate_codes)},
                       **({"name": list_names[p.list_code]} if p.list_code in list_names
                          else {}))
                  for p in r.lists],
        "ties": [tie_to_json_obj(t) for t in r.ties],
    }
    return obj


def results_to_json_obj(er: ElectionResults) -> dict:
    m = er.manifest
    return {
        "version": RESULTS_VERSION,
        "election_id": m.election_id,
        "manifest_hash": m.hash().hex(),
        "lot_seed": None if er.lot_seed is None else er.lot_seed.hex(),
        "contests": [contest_result_to_json_obj(r, m.contest(r.contest_id))
                     for r in er.contests],
        "stations": [{"station_id": s.station_id, "contest_id": s.counts.contest_id,
                      "paper": s.paper, "ballots_cast": s.counts.ballots_cast,
                      "blank": s.counts.blank, "votes": list(s.counts.votes)}
                     for s in sorted(er.stations, key=lambda s: (s.station_id,
                                                                 s.counts.contest_id))],
    }


def results_to_json_bytes(er: ElectionResults) -> bytes:
    """UTF-8 JSON, sorted keys, 1-space indent, final newline: deterministic."""
    return (json.dumps(results_to_json_obj(er), sort_keys=True, indent=1,
                       ensure_ascii=False) + "\n").encode("utf-8")
