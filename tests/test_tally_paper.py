"""Paper stations: signed declared results (sign / verify / JSON, tampering named),
reconciliation mismatches, and district results that combine encrypted and paper parts
with the paper stations marked in every output."""
import dataclasses
import random

import nacl.signing
import pytest

from evote.results.model import ContestCounts
from evote.results.report_csv import station_csv
from evote.results.report_json import results_to_json_obj
from evote.results.report_text import render_text
from evote.tally import (PaperResult, PaperResultError, TallyInputError, certify_official,
                         election_results, reconcile_stations, tally_boxes)
from evote.tally.decrypt import decrypt_district_tallies, verify_decryption_record

from test_tally_support import AUTHORITY, election, make_box

CHAIR = nacl.signing.SigningKey(bytes([1]) * 32)
CLERK = nacl.signing.SigningKey(bytes([2]) * 32)


def _paper(station="c1", forms=7, votes=(3, 2, 0, 1, 4, 2), ballots=7, blank=1):
    manifest = election()[0]
    counts = ContestCounts("city-council", votes, ballots, blank)
    p = PaperResult(manifest.hash(), station, forms, (counts,))
    for role, key in (("station-head", CHAIR), ("observer", CLERK)):
        cert = certify_official(AUTHORITY, manifest.hash(), station, role,
                                bytes(key.verify_key))
        p = p.sign(role, key, cert)
    return p


def test_signed_paper_result_verifies_and_round_trips():
    manifest = election()[0]
    p = _paper()
    p.verify(manifest, min_officials=2)
    again = PaperResult.from_json_bytes(p.to_json_bytes())
    assert again == p
    again.verify(manifest)


@pytest.mark.parametrize("tamper,message", [
    (lambda p: dataclasses.replace(p, forms_issued=8), "official 0 .'station-head'"),
    (lambda p: dataclasses.replace(p, spoiled_forms=1), "signature of the declared"),
    (lambda p: dataclasses.replace(p, contests=(ContestCounts(
        "city-council", (4, 2, 0, 1, 4, 2), 7, 1),)), "signature of the declared result"),
    (lambda p: dataclasses.replace(p, station_id="c0"), "not certified"),
    (lambda p: dataclasses.replace(p, officials=p.officials[:1]), "2 required"),
    (lambda p: dataclasses.replace(p, officials=p.officials[:1] * 2), "signs twice"),
    (lambda p: dataclasses.replace(p, officials=(dataclasses.replace(
        p.officials[0], role="observer"), p.officials[1])), "signs twice"),
    (lambda p: dataclasses.replace(p, officials=(dataclasses.replace(
        p.officials[0], role="clerk"),) + p.officials[1:]), "not certified"),
    (lambda p: dataclasses.replace(p, manifest_hash=bytes(32)), "another manifest"),
    (lambda p: dataclasses.replace(p, station_id="nowhere"), "not in the manifest"),
])
def test_tampered_paper_results_are_named(tamper, message):
    with pytest.raises(PaperResultError, match=message):
        tamper(_paper()).verify(election()[0], min_officials=2)


def test_uncertified_official_and_implausible_counts():
    manifest = election()[0]
    rogue = nacl.signing.SigningKey(bytes([9]) * 32)
    p = _paper()
    bad = p.sign("deputy", rogue, bytes(64))
    with pytest.raises(PaperResultError, match="official 2 .'deputy'.*not certified"):
        bad.verify(manifest)
    # more votes for a candidate than non-blank ballots
    with pytest.raises(PaperResultError, match="candidate 100 has 9 votes"):
        _paper(votes=(9, 0, 0, 0, 0, 0)).verify(manifest)


@pytest.mark.parametrize("mutate,message", [
    (lambda o: o.update(version="v0"), "version"),
    (lambda o: o.pop("officials"), "missing field"),
    (lambda o: o.update(forms_issued=-1), "forms_issued"),
    (lambda o: o.update(spoiled_forms="1"), "spoiled_forms"),
    (lambda o: o["contests"][0].update(blank=99), "blank 99 > ballots cast"),
    (lambda o: o["officials"][0].update(signature="00"), "signature"),
])
def test_from_json_refusals(mutate, message):
    o = _paper().to_json_obj()
    mutate(o)
    with pytest.raises(TallyInputError, match=message):
        PaperResult.from_json_obj(o)


@pytest.fixture(scope="module")
def electronic(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("paperboxes"))
    manifest, context, guardians = election()
    rng = random.Random(21)
    b0 = make_box(d, manifest, context, "c0", "k1", "ccsc", rng)
    bv = make_box(d, manifest, context, "v0", "k1", "cc", rng, close=False)
    run = tally_boxes(manifest, context, [b0[0], bv[0]], bytes(AUTHORITY.verify_key),
                      jobs=1, progress=False)
    return run, b0, bv


def test_reconciliation_reports_every_mismatch(electronic):
    manifest = election()[0]
    run, b0, bv = electronic
    paper = _paper(forms=8)  # 8 forms issued, 7 ballots cast on paper
    rec = {r.station_id: r for r in reconcile_stations(manifest, run, {"c0": 3, "v0": 5},
                                                       [paper])}
    assert rec["c0"].ok and rec["c0"].kind == "electronic"
    assert (rec["c0"].cast, rec["c0"].spoiled, rec["c0"].close_cast) == (3, 1, 3)
    assert rec["c0"].forms_issued == 3 and rec["c0"].counted == 3
    off = reconcile_stations(manifest, run, {"c0": 4})[0]
    assert off.mismatches == ("forms issued 4 != ballots cast in the boxes 3",)
    assert rec["c1"].kind == "paper"
    assert rec["c1"].mismatches == ("paper contest 'city-council': 7 ballots cast + 0 spoiled "
                                    "forms != 8 forms issued",)
    balanced = dataclasses.replace(paper, spoiled_forms=1)
    assert reconcile_stations(manifest, run, {"c0": 3}, [balanced])[1].ok
    assert rec["v0"].close_cast is None
    assert any("no CLOSE record" in m for m in rec["v0"].mismatches)
    assert any("forms issued 5 != ballots cast in the boxes 2" in m for m in rec["v0"].mismatches)
    both = reconcile_stations(manifest, run, {}, [_paper(station="c0")])
    assert "both ballot boxes and a paper result" in both[0].mismatches[0]


def test_results_combine_encrypted_and_paper_parts(electronic):
    manifest, context, guardians = election()
    run, b0, bv = electronic
    record = decrypt_district_tallies(context, guardians[:2], run.districts, manifest=manifest)
    counts = verify_decryption_record(context, run.districts, record, manifest=manifest)
    paper = _paper()
    er = election_results(manifest, counts, [paper], electronic_stations=run.stations,
                          seed=b"seed")
    city = er.result("city-council")
    enc = counts["city"][0]
    assert city.ballots_cast == enc.ballots_cast + 7
    assert [c.votes for c in city.candidates] == [a + b for a, b in zip(enc.votes,
                                                                        paper.contests[0].votes)]
    assert city.paper_stations == ("c1",)
    assert er.result("village-council").paper_stations == ()
    obj = results_to_json_obj(er)
    assert obj["contests"][0]["paper_stations"] == ["c1"]
    assert [s["paper"] for s in obj["stations"]] == [True]
    assert "c1" in station_csv(er, "city-council")
    assert render_text(er)
    with pytest.raises(TallyInputError, match="count twice"):
        election_results(manifest, counts, [_paper(station="c0")],
                         electronic_stations=run.stations)
