"""V17 and who must sign (issue 12 sections 2 and 5), on demo records as a forger who
reseals would publish them:

- a damaged box excluded by the supervising board (both required roles) gives VALID
  with the exclusion listed in the report; without the exclusion the same record fails;
- an exclusion stripped of a required role's signature, re-signed under another role,
  changed after signing, or naming a box the record does not hold fails V17 naming it;
- a paper result or a declaration stripped of one required role's signature fails
  V13 / V16 naming the missing role; one signed by an official the authority certified
  but the election package does not list fails naming the package.
"""
import json
import os

import nacl.signing
import pytest

from evote.demo.election import run_demo
from evote.hashing import digest, u64
from evote.record.jsonio import canonical_bytes
from evote.tally import certify_official
from evote.tally.exclusion import Exclusion
from evote.verify.run import verify_record

from test_verify_support import copy_record, reseal, small_record

PAPER = "paper/city-1-st002.json"


@pytest.fixture(scope="module")
def excluded(tmp_path_factory):
    """A sealed demo record whose box city-1-st001-k1 was damaged and excluded."""
    out = os.path.join(str(tmp_path_factory.mktemp("excluded")), "record")
    outcome = run_demo(out, stations=3, voters_per_station=8, seed=7, jobs=1, paper=False,
                       damaged_box=True, log=lambda m: None)
    return out, outcome


EXCLUSION = "exclusions/city-1-st001/city-1-st001-k1.json"
BOX = "boxes/city-1-st001/city-1-st001-k1.box"


def _failures(report, check):
    return [(f.location, f.message) for f in report.get(check).failures]


def _rewrite(d, rel, edit):
    path = os.path.join(d, *rel.split("/"))
    obj = json.loads(open(path, "rb").read())
    edit(obj)
    with open(path, "wb") as f:
        f.write(canonical_bytes(obj))


def test_honest_exclusion_is_valid_and_listed(excluded):
    record, outcome = excluded
    rep = outcome.report
    assert rep.valid, rep.to_text()
    assert rep.get("V17").checked == 1
    assert [e["box"] for e in rep.exclusions] == [BOX]
    assert rep.exclusions[0]["signed_by"] == ["board-chair", "board-member"]
    assert rep.exclusions[0]["forms_excluded"] == 4
    text = rep.to_text()
    assert "EXCLUDED by the supervising board: 1 box(es)" in text
    assert f"{BOX}: 4 forms issued excluded; reason: a disk error" in text
    assert rep.to_json_obj()["exclusions"][0]["box"] == BOX
    # the same record verified again, any worker count, gives the same listing
    again = verify_record(record, jobs=2)
    assert again.valid and again.exclusions == rep.exclusions


def test_without_the_exclusion_the_damaged_box_fails(excluded, tmp_path):
    d = copy_record(excluded[0], tmp_path)
    os.unlink(os.path.join(d, *EXCLUSION.split("/")))
    assert reseal(d)
    rep = verify_record(d, jobs=1)
    assert not rep.valid
    assert any(loc.startswith(BOX) for loc, _ in _failures(rep, "V6"))
    assert rep.exclusions == ()


@pytest.mark.parametrize("forge, message", [
    (lambda o: o.update(signatures=o["signatures"][:1]),
     "not signed by the required role(s) board-member"),
    (lambda o: o.update(signatures=[]), "not signed by the required role(s) board-chair, "
     "board-member"),
    (lambda o: o["signatures"][1].update(role="board-chair"), "signs twice"),
    (lambda o: o["signatures"][0].update(role="board-member"), "signs twice"),
    (lambda o: o.update(reason="a different reason"), "does not verify"),
    (lambda o: o.update(forms_excluded=3), "does not verify"),
])
def test_forged_exclusions_fail_v17(excluded, tmp_path, forge, message):
    d = copy_record(excluded[0], tmp_path)
    _rewrite(d, EXCLUSION, forge)
    assert reseal(d)
    rep = verify_record(d, jobs=1)
    assert not rep.valid
    fails = _failures(rep, "V17")
    assert [loc for loc, _ in fails] == [EXCLUSION] and message in fails[0][1], fails
    assert rep.exclusions == ()       # an exclusion that fails excludes nothing
    assert any(loc.startswith(BOX) for loc, _ in _failures(rep, "V6"))


def test_exclusion_signed_by_a_key_the_manifest_does_not_list(excluded, tmp_path):
    d = copy_record(excluded[0], tmp_path)
    path = os.path.join(d, *EXCLUSION.split("/"))
    e = Exclusion.from_json_bytes(open(path, "rb").read())
    rogue = nacl.signing.SigningKey.generate()
    forged = Exclusion(e.manifest_hash, e.station_id, e.kiosk_id, e.box_hash,
                       e.forms_excluded, e.reason, e.signatures[:1]).sign("board-member", rogue)
    with open(path, "wb") as f:
        f.write(forged.to_json_bytes())
    assert reseal(d)
    fails = _failures(verify_record(d, jobs=1), "V17")
    assert len(fails) == 1 and "not a supervisor the manifest lists" in fails[0][1]


def test_exclusion_of_a_box_not_in_the_record(excluded, tmp_path):
    d = copy_record(excluded[0], tmp_path)
    os.unlink(os.path.join(d, *BOX.split("/")))
    assert reseal(d)
    fails = _failures(verify_record(d, jobs=1), "V17")
    assert len(fails) == 1 and "not in the record" in fails[0][1]


def test_exclusion_of_other_bytes_or_at_another_path(excluded, tmp_path):
    d = copy_record(excluded[0], tmp_path / "bytes")
    with open(os.path.join(d, *BOX.split("/")), "ab") as f:
        f.write(b"\x00")
    assert reseal(d)
    fails = _failures(verify_record(d, jobs=1), "V17")
    assert len(fails) == 1 and "box_hash is not the hash" in fails[0][1]
    d = copy_record(excluded[0], tmp_path / "path")
    other = "exclusions/city-1-st001/city-1-st001-k2.json"
    os.rename(os.path.join(d, *EXCLUSION.split("/")), os.path.join(d, *other.split("/")))
    assert reseal(d)
    fails = _failures(verify_record(d, jobs=1), "V17")
    assert fails[0][0] == other and "belongs at" in fails[0][1]


@pytest.mark.parametrize("forms, message", [
    (3, "forms issued 5 != ballots cast in the boxes 4 (declared 8 - 3 of excluded boxes)"),
    (5, "forms issued 3 != ballots cast in the boxes 4 (declared 8 - 5 of excluded boxes)"),
    (9, "attribute 9 forms issued to its excluded boxes, more than the 8 it declares"),
])
def test_forms_excluded_must_reconcile(excluded, forms, message):
    """V16 takes the forms the board attributes to the excluded box off the station's
    declared forms issued; any other count than the box's voters fails the station.
    (White box: the signed count cannot be changed without failing V17 first, so the
    verified exclusion's count is replaced in the run and V16 run again.)"""
    import dataclasses
    from evote.verify import tally_checks
    from evote.verify.run import _Run
    r = _Run(excluded[0], 1, None, False, None, None)
    assert r.run().valid
    r.excluded[BOX] = dataclasses.replace(r.excluded[BOX], forms_excluded=forms)
    r.c("V16").failures.clear()
    tally_checks.check_declarations(r)
    fails = _failures(r.rep, "V16")
    assert any(message in m for _, m in fails), fails


# ---- who must sign: every required role, each listed in the package ------------------

@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return small_record(tmp_path_factory)


def _strip_role(d, rel, role):
    """The file without `role`'s signature (the others still verify: each signs the body)."""
    _rewrite(d, rel, lambda o: o.update(officials=[x for x in o["officials"]
                                                   if x["role"] != role]))


@pytest.mark.parametrize("role", ["observer", "station-head"])
def test_paper_result_missing_a_required_role_fails_v13(record, tmp_path, role):
    d = copy_record(record, tmp_path)
    _strip_role(d, PAPER, role)
    assert reseal(d)
    fails = _failures(verify_record(d, jobs=1), "V13")
    assert [loc for loc, _ in fails] == [PAPER]
    assert f"not signed by the required role(s) {role}" in fails[0][1]


@pytest.mark.parametrize("role", ["observer", "station-head"])
def test_declaration_missing_a_required_role_fails_v16(record, tmp_path, role):
    d = copy_record(record, tmp_path)
    rel = "declarations/" + sorted(os.listdir(os.path.join(d, "declarations")))[0]
    _strip_role(d, rel, role)
    assert reseal(d)
    fails = _failures(verify_record(d, jobs=1), "V16")
    assert rel in [loc for loc, _ in fails]
    assert any(f"not signed by the required role(s) {role}" in m for _, m in fails)


def test_certified_but_unlisted_official_fails(record, tmp_path):
    """The authority's key can certify a new official after the count; the package,
    announced before the polls, does not list it."""
    d = copy_record(record, tmp_path)
    authority = nacl.signing.SigningKey(digest("evote/v1/demo-authority", u64(7)))
    path = os.path.join(d, *PAPER.split("/"))
    obj = json.loads(open(path, "rb").read())
    from evote.tally import PaperResult
    pr = PaperResult.from_json_obj(obj)
    rogue = nacl.signing.SigningKey.generate()
    cert = certify_official(authority, pr.manifest_hash, pr.station_id, "observer",
                            bytes(rogue.verify_key))
    head = [o for o in pr.officials if o.role == "station-head"]
    forged = PaperResult(pr.manifest_hash, pr.station_id, pr.forms_issued, pr.contests,
                         tuple(head), pr.spoiled_forms).sign("observer", rogue, cert)
    with open(path, "wb") as f:
        f.write(forged.to_json_bytes())
    assert reseal(d)
    fails = _failures(verify_record(d, jobs=1), "V13")
    assert len(fails) == 1 and "is not listed for station" in fails[0][1] \
        and "election package" in fails[0][1], fails
