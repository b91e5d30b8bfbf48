"""specs/vectors/results-json-v1.json: results.json byte for byte (specs/results.md 5.0).

Three ways: evote's writer gives the vector's bytes from the vector's inputs; a serialiser
written here from 5.0's text alone (not json.dumps) gives the same bytes from the parsed
value; and the layout rules of 5.0 hold on every case (draws in draw order, recomputed
from the lot formula of section 4; lot_used, resolved, unfilled_seats, valid, quota,
lists, names, stations)."""
import json
import os

import pytest

from evote.hashing import digest, text, u64
from evote.manifest import Manifest
from evote.results import ContestCounts, StationCounts, compute_result
from evote.results.model import ElectionResults
from evote.results.report_json import results_to_json_bytes

VECTOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "specs", "vectors", "results-json-v1.json")
with open(VECTOR, "rb") as _f:
    CASES = json.loads(_f.read())["cases"]
IDS = [c["name"] for c in CASES]


def _inputs(case):
    m = Manifest.from_json_obj(case["manifest"])
    counts = {c["contest_id"]: ContestCounts(c["contest_id"], tuple(c["votes"]),
                                             c["ballots_cast"], c["blank"])
              for c in case["counts"]}
    rows = [StationCounts(s["station_id"], ContestCounts(s["contest_id"], tuple(s["votes"]),
                                                         s["ballots_cast"], s["blank"]),
                          paper=True) for s in case["paper_stations"]]
    seed = None if case["lot_seed"] is None else bytes.fromhex(case["lot_seed"])
    return m, counts, rows, seed


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_evote_writes_the_vector_bytes(case):
    m, counts, rows, seed = _inputs(case)
    paper = {}
    for r in rows:
        paper.setdefault(r.counts.contest_id, []).append(r.station_id)
    results = [compute_result(c, counts[c.contest_id], seed,
                              paper_stations=tuple(paper.get(c.contest_id, ())))
               for c in m.contests]
    got = results_to_json_bytes(ElectionResults(m, results, rows, seed))
    assert got == case["results_json"].encode("utf-8")


# ---------------------------------------------------------------- 5.0's serialisation

_ESC = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
        "\t": "\\t"}


def _string(s: str) -> str:
    out = []
    for ch in s:
        if ch in _ESC:
            out.append(_ESC[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _write(v, depth: int) -> str:
    pad, inner = " " * depth, " " * (depth + 1)
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list):
        if not v:
            return "[]"
        return "[\n" + ",\n".join(inner + _write(x, depth + 1) for x in v) + "\n" + pad + "]"
    assert isinstance(v, dict)
    if not v:
        return "{}"
    keys = sorted(v)   # code point order (all ASCII)
    return ("{\n" + ",\n".join(inner + _string(k) + ": " + _write(v[k], depth + 1)
                               for k in keys) + "\n" + pad + "}")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_serialisation_as_the_text_says(case):
    value = json.loads(case["results_json"])
    assert (_write(value, 0) + "\n").encode("utf-8") == case["results_json"].encode("utf-8")


def test_serialiser_escapes():
    """The escapes 5.0 names, on strings the vectors do not hold."""
    assert _write({"a": 'x"\\\n\x01\u200c\u2028'}, 0) == '{\n "a": "x\\"\\\\\\n\\u0001\u200c\u2028"\n}'
    assert json.dumps('\x01\u2028\x7f', ensure_ascii=False) == _string('\x01\u2028\x7f')


# ---------------------------------------------------------------- 5.0's layout rules

def _draw(seed, contest_id, scope, codes, code):
    tied = sorted(codes)
    return digest("evote/v1/lot", seed, text(contest_id), text(scope), u64(len(tied)),
                  *[u64(c) for c in tied], u64(code)).hex()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_layout_rules(case):
    r = json.loads(case["results_json"])
    m = Manifest.from_json_obj(case["manifest"])
    assert r["version"] == "evote-results/1" and r["election_id"] == m.election_id
    assert r["manifest_hash"] == m.hash().hex() and r["lot_seed"] == case["lot_seed"]
    assert [c["contest_id"] for c in r["contests"]] == [c.contest_id for c in m.contests]
    keys = [(s["station_id"], s["contest_id"]) for s in r["stations"]]
    assert keys == sorted(keys) and all(s["paper"] is True for s in r["stations"])
    for c in r["contests"]:
        contest = m.contest(c["contest_id"])
        steps = [t["step"] for t in c["ties"]]
        assert c["lot_used"] == ("lot" in steps)
        assert c["resolved"] == ("unresolved" not in steps)
        assert c["unfilled_seats"] == c["seats"] - len(c["winners"])
        assert c["valid"] == c["ballots_cast"] - c["blank"]
        assert c["settings"] == contest.settings.to_json_obj()
        assert [x["code"] for x in c["candidates"]] == list(contest.codes)
        assert all(x["name"] == contest.candidate(x["code"]).name for x in c["candidates"])
        assert {x["status"] for x in c["candidates"]} <= {"winner", "alternate", "none",
                                                           "undecided"}
        if c["method"] == "plurality":
            assert c["lists"] == [] and c["quota"] is None
        for p in c["lists"]:
            assert ("name" in p) == (p["list_code"] is not None)
            assert p["seats"] == p["quota_seats"] + p["remainder_seats"]
            assert isinstance(p["remainder"], str)
        for t in c["ties"]:
            assert isinstance(t["score"], str) and len(t["positions"]) == 2
            assert all(isinstance(x, int) for x in t["positions"])
            assert t["codes"] == sorted(t["codes"])
            assert all(g == sorted(g) for g in t["order"])
            if t["step"] != "lot":
                assert t["draws"] == []
                continue
            seed = bytes.fromhex(r["lot_seed"])
            want = sorted((_draw(seed, c["contest_id"], t["scope"], t["codes"], k), k)
                          for k in t["codes"])
            assert [(d["draw"], d["code"]) for d in t["draws"]] == want   # draw order
            assert t["order"] == [[k] for _, k in want]


def test_the_cases_show_what_they_are_about():
    """The features the text describes appear in the vectors (not only in prose)."""
    ties = [(case["name"], t) for case in CASES
            for c in json.loads(case["results_json"])["contests"] for t in c["ties"]]
    lots = [t for _, t in ties if t["step"] == "lot"]
    assert any([d["code"] for d in t["draws"]] != sorted(t["codes"]) for t in lots)
    assert any(t["step"] == "unresolved" for _, t in ties)
    assert any(t["step"] not in ("lot", "unresolved") and len(t["order"]) == 1
               for _, t in ties)
    scopes = {t["scope"].split(" ")[0] for _, t in ties}
    assert {"lists", "list", "alternate"} <= scopes
    pools = [p for case in CASES for c in json.loads(case["results_json"])["contests"]
             for p in c["lists"]]
    assert any(not p["eligible"] for p in pools)
    assert any(p["list_code"] is None and len(p["members"]) == 1 for p in pools)
    assert any("/" in p["remainder"] for p in pools)
