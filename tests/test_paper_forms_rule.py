"""specs/record.md 5.1 and V13 state one spoiled-forms rule: for every contest of a
paper result, ballots cast + spoiled forms == forms issued. The case the old 5.1 text
allowed (ballots cast < forms issued, no spoiled form: forms gone unaccounted) is refused
by the rule itself, by the reconciliation `evote tally` runs, and by the verifier."""
import json
import os

import pytest

from evote.record.jsonio import canonical_bytes
from evote.results.model import ContestCounts
from evote.tally import PaperResult, reconcile_stations
from evote.verify import tally_checks
from evote.verify.run import verify_record

from test_tally_support import election
from test_verify_support import copy_record, reseal, small_record

PAPER = "paper/city-1-st002.json"


def _paper(forms, spoiled, cast):
    m = election()[0]
    return PaperResult(m.hash(), "c1", forms, (ContestCounts("city-council", (cast, 0, 0, 0,
                                                                               0, 0), cast, 0),),
                       spoiled_forms=spoiled)


@pytest.mark.parametrize("forms, spoiled, cast, ok", [
    (7, 0, 7, True), (7, 2, 5, True), (0, 0, 0, True),
    (7, 0, 6, False),   # the old 5.1 text (ballots_cast <= forms_issued) let this pass
    (7, 1, 7, False), (7, 8, 0, False),
])
def test_one_rule(forms, spoiled, cast, ok):
    p = _paper(forms, spoiled, cast)
    assert (p.forms_mismatches() == []) is ok
    rec = {r.station_id: r for r in reconcile_stations(election()[0], None, {}, [p])}["c1"]
    assert any("spoiled forms != " in x for x in rec.mismatches) is (not ok)


def test_the_verifier_applies_the_rule(tmp_path_factory, tmp_path, monkeypatch):
    """White box: the forged result cannot be re-signed by the package's officials (their
    keys are the demo's), so their checks are switched off here to reach the rule."""
    d = copy_record(small_record(tmp_path_factory), tmp_path)
    path = os.path.join(d, *PAPER.split("/"))
    obj = json.loads(open(path, "rb").read())
    obj["spoiled_forms"] = 0
    for c in obj["contests"]:
        c["ballots_cast"] = obj["forms_issued"] - 1   # one form unaccounted
    with open(path, "wb") as f:
        f.write(canonical_bytes(obj))
    assert reseal(d)
    monkeypatch.setattr(PaperResult, "verify", lambda self, m, *a, **k: None)
    monkeypatch.setattr(tally_checks, "check_listed", lambda r, sid, doc: None)
    rep = verify_record(d, jobs=1)
    fails = [(f.location, f.message) for f in rep.get("V13").failures]
    want = obj["forms_issued"]
    assert fails and fails[0][0] == PAPER
    assert f"{want - 1} ballots cast + 0 spoiled forms != {want} forms issued" in fails[0][1]
