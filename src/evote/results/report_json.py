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


# ---------------------------------------------------------------- reading it back

def _bool(o, key):
    from ..errors import RecordError
    x = o.get(key)
    if not isinstance(x, bool):
        raise RecordError(f"{o.at(key)}: expected true or false")
    return x


def _ints(o, key):
    from ..record.fields import as_int
    return tuple(as_int(x, f"{o.at(key)}[{i}]") for i, x in enumerate(o.list(key)))


def _opt_int(o, key):
    return None if o.get(key) is None else o.int(key)


def _settings_from(o):
    from fractions import Fraction

    from ..errors import EvoteError, RecordError
    from .model import ResultSettings
    try:
        return ResultSettings(min_votes=o.int("min_votes"), quota=o.str("quota", 32),
                              threshold=Fraction(o.str("threshold", 64)),
                              independents=o.str("independents", 32),
                              alternate_rounding=o.str("alternate_rounding", 32))
    except (EvoteError, ValueError, ZeroDivisionError) as exc:
        if isinstance(exc, RecordError):
            raise
        raise RecordError(f"{o.where}: {exc}") from None


def _tie_from(o):
    from ..record.fields import Obj
    positions = _ints(o, "positions")
    if len(positions) != 2:
        from ..errors import RecordError
        raise RecordError(f"{o.at('positions')}: expected [first, last]")
    order = tuple(_ints(Obj({"g": g}, f"{o.at('order')}[{i}]"), "g")
                  for i, g in enumerate(o.list("order")))
    draws = tuple((d.int("code"), d.str("draw", 64)) for d in o.objs("draws"))
    return TieDecision(o.str("scope", 255), o.str("score", 255), positions,
                       _ints(o, "codes"), o.str("step", 64), order, draws)


def _contest_from(o):
    from .model import CandidateResult, ListResult
    candidates = tuple(CandidateResult(c.int("code"), c.int("votes"), c.int("rank"),
                                       c.str("status", 16), _opt_int(c, "list_code"))
                       for c in o.objs("candidates"))
    lists = tuple(ListResult(_opt_int(p, "list_code"), _ints(p, "members"), p.int("votes"),
                             _bool(p, "eligible"), p.int("quota_seats"),
                             p.str("remainder", 255), p.int("remainder_seats"),
                             p.int("seats"), p.int("alternates"), _ints(p, "winners"),
                             _ints(p, "alternate_codes"))
                  for p in o.objs("lists"))
    quota = None if o.get("quota") is None else o.str("quota", 255)
    paper = tuple(o.list("paper_stations"))
    for i, s in enumerate(paper):
        if not isinstance(s, str):
            from ..errors import RecordError
            raise RecordError(f"{o.at('paper_stations')}[{i}]: expected a station id")
    return ContestResult(o.str("contest_id", 255), o.str("method", 32), o.int("seats"),
                         o.int("alternates"), o.int("ballots_cast"), o.int("blank"),
                         candidates, _ints(o, "winners"), _ints(o, "alternate_codes"),
                         tuple(_tie_from(t) for t in o.objs("ties")),
                         _settings_from(o.obj("settings")), lists, quota,
                         _bool(o, "lot_used"), paper)


def results_from_json_bytes(manifest, data: bytes, where: str = "results/results.json"):
    """The ElectionResults that results_to_json_bytes wrote as `data`, for `manifest`
    (names come from the manifest). Refuses, with a RecordError naming `where` and the
    JSON path, anything that does not parse or whose bytes are not exactly what
    results_to_json_bytes gives back for what was read (so a report rendered from the
    returned object shows nothing that is not in the file)."""
    from ..errors import EvoteError, RecordError
    from ..record.fields import Obj, as_hex
    from ..record.jsonio import parse_json_bytes
    from .model import ContestCounts, StationCounts
    value = parse_json_bytes(data, where)
    try:
        o = Obj(value, f"{where} $")
        if o.get("version") != RESULTS_VERSION:
            raise RecordError(f"{o.at('version')}: expected {RESULTS_VERSION!r}")
        raw_seed = o.get("lot_seed")
        seed = None if raw_seed is None else as_hex(raw_seed, o.at("lot_seed"),
                                                    len(raw_seed) // 2 if
                                                    isinstance(raw_seed, str) else 32)
        contests = tuple(_contest_from(c) for c in o.objs("contests"))
        stations = tuple(StationCounts(s.str("station_id", 255),
                                       ContestCounts(s.str("contest_id", 255),
                                                     _ints(s, "votes"), s.int("ballots_cast"),
                                                     s.int("blank")), _bool(s, "paper"))
                         for s in o.objs("stations"))
        er = ElectionResults(manifest, contests, stations, seed)
        again = results_to_json_bytes(er)
    except RecordError:
        raise
    except (EvoteError, KeyError, TypeError, ValueError) as exc:
        raise RecordError(f"{where}: {exc}") from None
    if again != bytes(data):
        raise RecordError(f"{where}: not the results file evote writes for what it holds "
                          "(evote.results.report_json: other values, fields or bytes)")
    return er
