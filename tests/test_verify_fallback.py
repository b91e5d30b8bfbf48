"""The verifier on an electronic station that fell back to paper (specs/record.md 5.4),
on a demo record (`run_demo(paper_fallback=True)`) and forgeries of it as a publisher
who reseals would make them:

- honest: VALID, the station's boxes and its paper count both counted;
- the decision removed, a required role stripped, the decision changed after signing,
  a box changed after the decision, the boxes (and declaration) replaced by the paper
  count, the decision moved to a paper station, a decision without a paper result:
  each refused by the check the V-table names (V1, V13, V16), with the path and a
  message that says what to do.
"""
import json
import os
import shutil

import pytest

from evote.demo.election import run_demo
from evote.record import layout
from evote.record.jsonio import canonical_bytes
from evote.verify.run import verify_record

from test_verify_support import copy_record, reseal

STATION = "city-1-st002"
FALLBACK = layout.fallback_path(STATION)
PAPER = layout.paper_path(STATION)
DECLARATION = layout.declaration_path(STATION)
BOXES = [layout.box_path(STATION, f"{STATION}-k{j}") for j in (1, 2)]
VOTERS = 8


@pytest.fixture(scope="module")
def fallen(tmp_path_factory):
    out = os.path.join(str(tmp_path_factory.mktemp("fallback")), "record")
    outcome = run_demo(out, stations=3, voters_per_station=VOTERS, seed=7, jobs=1,
                       paper=False, paper_fallback=True, log=lambda m: None)
    return out, outcome


def _failures(report, check):
    return [(f.location, f.message) for f in report.get(check).failures]


def _full(d, rel):
    return os.path.join(d, *rel.split("/"))


def _rewrite(d, rel, edit):
    obj = json.loads(open(_full(d, rel), "rb").read())
    edit(obj)
    with open(_full(d, rel), "wb") as f:
        f.write(canonical_bytes(obj))


def _forged(fallen, tmp_path, change):
    d = copy_record(fallen[0], tmp_path)
    change(d)
    assert reseal(d)
    rep = verify_record(d, jobs=1)
    assert not rep.valid
    return rep


def test_honest_fallback_is_valid_and_counts_both(fallen):
    record, outcome = fallen
    rep = outcome.report
    assert rep.valid, rep.to_text()
    assert rep.get("V13").checked == 2        # the decision and the paper result
    paper = json.loads(open(_full(record, PAPER), "rb").read())
    res = json.loads(open(_full(record, layout.RESULTS), "rb").read())
    city = next(c for c in res["contests"] if c["contest_id"] == "council-city-1")
    assert city["paper_stations"] == [STATION]
    # both city stations' ballots cast in their boxes, plus the paper forms counted
    paper_cast = paper["contests"][0]["ballots_cast"]
    assert paper_cast >= 1
    assert city["ballots_cast"] == 2 * VOTERS + paper_cast
    decl = json.loads(open(_full(record, DECLARATION), "rb").read())
    assert decl["forms_issued"] == VOTERS      # the forms of the boxes only
    for rel in BOXES:
        assert os.path.isfile(_full(record, rel))
    # a pure function of the record: any worker count gives the same verdict
    assert verify_record(record, jobs=2).valid
    # listed in the report, never silent (specs/record.md 9)
    (f,) = rep.fallbacks
    assert (f["station_id"], f["path"]) == (STATION, FALLBACK)
    assert f["kiosks"] == [f"{STATION}-k1", f"{STATION}-k2"]
    assert sorted(f["signed_by"]) == ["observer", "station-head"]
    assert rep.to_json_obj()["fallbacks"] == [f]
    text = rep.to_text()
    assert "PAPER FALLBACK decided by the station officials: 1 station(s)" in text
    assert f"  {STATION} ({FALLBACK}): kiosks {STATION}-k1, {STATION}-k2;" in text


def test_without_the_decision_the_paper_result_fails_v1(fallen, tmp_path):
    rep = _forged(fallen, tmp_path, lambda d: os.unlink(_full(d, FALLBACK)))
    assert rep.fallbacks == () and "PAPER FALLBACK" not in rep.to_text()
    v1 = _failures(rep, "V1")
    assert [loc for loc, _ in v1] == [PAPER], v1
    assert "without a fallback decision" in v1[0][1] and "evote station fallback" in v1[0][1]
    assert any(loc == PAPER and "also has ballot boxes" in m for loc, m in _failures(rep, "V13"))
    assert any(loc == DECLARATION and "no valid fallback decision" in m
               for loc, m in _failures(rep, "V16"))


@pytest.mark.parametrize("role", ["observer", "station-head"])
def test_a_missing_role_fails_v13_and_the_paper_result_v1(fallen, tmp_path, role):
    rep = _forged(fallen, tmp_path, lambda d: _rewrite(
        d, FALLBACK, lambda o: o.update(officials=[x for x in o["officials"]
                                                   if x["role"] != role])))
    v13 = _failures(rep, "V13")
    assert any(loc == FALLBACK and f"not signed by the required role(s) {role}" in m
               for loc, m in v13), v13
    v1 = _failures(rep, "V1")
    assert [loc for loc, _ in v1] == [PAPER] and "is not valid (see V13" in v1[0][1]


def test_a_decision_changed_after_signing_fails_v13(fallen, tmp_path):
    rep = _forged(fallen, tmp_path, lambda d: _rewrite(
        d, FALLBACK, lambda o: o.update(reason="another reason")))
    assert any(loc == FALLBACK and "signature of the fallback decision does not verify" in m
               for loc, m in _failures(rep, "V13"))


def test_a_box_changed_after_the_decision_fails_v1(fallen, tmp_path):
    """The box the officials closed is not the one published (here: one byte more);
    V1 names the decision and both hashes (V6 fails the box's torn tail as well)."""
    def grow(d):
        with open(_full(d, BOXES[0]), "ab") as f:
            f.write(b"\x00")
    rep = _forged(fallen, tmp_path, grow)
    v1 = _failures(rep, "V1")
    assert any(loc == FALLBACK and f"the box {BOXES[0]} in the record has record file hash"
               in m and "not the box_hash" in m for loc, m in v1), v1


def test_boxes_replaced_by_the_paper_count_fail_v1(fallen, tmp_path):
    """The publisher drops the station's boxes and declaration, keeping the decision and
    the paper count: the certified kiosks' boxes are missing, and the decision closes
    boxes that are not there."""
    def drop(d):
        shutil.rmtree(_full(d, f"boxes/{STATION}"))
        os.unlink(_full(d, DECLARATION))
    rep = _forged(fallen, tmp_path, drop)
    v1 = _failures(rep, "V1")
    for rel in BOXES:
        assert any(loc == rel and m.startswith("missing") for loc, m in v1), v1
        assert any(loc == FALLBACK and f"the box {rel} it closes is not in the record" in m
                   for loc, m in v1), v1


def test_a_decision_for_a_paper_station_fails_v1(tmp_path_factory, fallen, tmp_path):
    """A demo record with a paper station: the decision copied to it (re-signing is not
    possible without the officials' keys, so V13 fails too; V1 names the real error)."""
    base = os.path.join(str(tmp_path_factory.mktemp("paperstation")), "record")
    run_demo(base, stations=3, voters_per_station=VOTERS, seed=7, jobs=1, paper=True,
             verify=False, log=lambda m: None)
    d = copy_record(base, tmp_path)
    src = json.loads(open(_full(fallen[0], FALLBACK), "rb").read())
    paper_station = sorted(os.listdir(_full(d, layout.PAPER_DIR)))[0][:-len(".json")]
    src["station_id"] = paper_station
    os.makedirs(_full(d, layout.FALLBACK_DIR))
    with open(_full(d, layout.fallback_path(paper_station)), "wb") as f:
        f.write(canonical_bytes(src))
    assert reseal(d)
    rep = verify_record(d, jobs=1)
    assert not rep.valid
    rel = layout.fallback_path(paper_station)
    assert any(loc == rel and "is a paper station in the election package" in m
               for loc, m in _failures(rep, "V1")), _failures(rep, "V1")
    assert any(loc == rel for loc, _ in _failures(rep, "V13"))


def test_a_decision_without_a_paper_result_fails_v13(fallen, tmp_path):
    rep = _forged(fallen, tmp_path, lambda d: os.unlink(_full(d, PAPER)))
    v13 = _failures(rep, "V13")
    assert any(loc == FALLBACK and "has no paper result" in m for loc, m in v13), v13
    assert not _failures(rep, "V1")


def test_a_decision_at_another_station_path_fails_v13(fallen, tmp_path):
    other = layout.fallback_path("city-1-st001")
    rep = _forged(fallen, tmp_path, lambda d: os.rename(_full(d, FALLBACK), _full(d, other)))
    assert any(loc == other and "names station" in m for loc, m in _failures(rep, "V13"))
    assert any(loc == PAPER and "is not valid" not in m and "without a fallback decision"
               in m for loc, m in _failures(rep, "V1"))
