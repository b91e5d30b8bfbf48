"""Issue 12 section 1 as forgeries a tally centre could publish, each resealed (reports
regenerated) and refused with the check's number and a message a person can act on:
results computed under other settings or with another lot seed (V15), a context short of
an acknowledgement or a ceremony commitment, or with a bad acknowledgement (V4, and
`evote package`), a lot file that lies (V12)."""
import dataclasses
import json
import os

import pytest

from evote.election import results_step
from evote.election.record_inputs import read_election, read_tallies
from evote.record import layout
from evote.results.report_json import results_to_json_bytes
from evote.tally import DecryptionRecord, election_results, verify_decryption_record
from evote.verify.run import verify_record

from test_verify_support import copy_record, reseal, small_record


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return small_record(tmp_path_factory)


def _forged_results(d, manifest=None, seed=None) -> None:
    """Recompute results/results.json as `evote results` does, but under `manifest` (other
    settings) or with `seed` (another lot seed): what a dishonest tally centre would do."""
    election = read_election(d)
    m = election.manifest
    tallies, _ = read_tallies(election)
    value = json.load(open(os.path.join(d, *layout.DECRYPTION.split("/")), "rb"))
    decrypted = verify_decryption_record(election.context, tallies.districts,
                                         DecryptionRecord.from_json_obj(value), manifest=m)
    papers = results_step._paper_results(election)
    if seed is None:
        seed = results_step.verified_lot_seed(election)
    er = election_results(manifest or m, decrypted, papers,
                          electronic_stations=tuple(tallies.stations), seed=seed)
    obj = json.loads(results_to_json_bytes(er))
    obj["manifest_hash"] = m.hash().hex()        # the forger keeps the real manifest
    path = os.path.join(d, *layout.RESULTS.split("/"))
    os.unlink(path)
    with open(path, "wb") as f:
        f.write(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode())


def _failures(rep, num):
    c = rep.get(num)
    assert rep.exit_code == 1 and c.status == "fail", rep.to_text()
    return [f"{f.location}: {f.message}" for f in c.failures]


def test_results_with_min_votes_raised_on_one_contest_are_refused(record, tmp_path):
    d = copy_record(record, tmp_path)
    m = read_election(d).manifest
    city = m.contests[0]
    winners = json.load(open(os.path.join(d, *layout.RESULTS.split("/"))))["contests"][0]
    lowest = min(c["votes"] for c in winners["candidates"] if c["status"] == "winner")
    raised = dataclasses.replace(city, settings=dataclasses.replace(city.settings,
                                                                    min_votes=lowest + 1))
    _forged_results(d, manifest=dataclasses.replace(m, contests=(raised,) + m.contests[1:]))
    assert reseal(d)
    fails = _failures(verify_record(d, jobs=1), "V15")
    assert any("$.contests[0].settings" in f and "manifest's result settings" in f
               and f"min_votes\": {lowest + 1}" in f for f in fails), fails
    assert any("$.contests[0].winners" in f for f in fails), fails     # seats moved too


def test_results_with_another_lot_seed_are_refused(record, tmp_path):
    d = copy_record(record, tmp_path)
    real = results_step.verified_lot_seed(read_election(d))
    forged = bytes(b ^ 0xFF for b in real)
    _forged_results(d, seed=forged)
    assert reseal(d)
    fails = _failures(verify_record(d, jobs=1), "V15")
    assert any("$.lot_seed" in f and forged.hex() in f and real.hex() in f
               and layout.LOT in f for f in fails), fails


def test_results_fail_when_the_lot_file_is_forged_or_missing(record, tmp_path):
    for case in ("seed", "shares", "missing"):
        d = copy_record(record, tmp_path / case)
        path = os.path.join(d, *layout.LOT.split("/"))
        obj = json.load(open(path))
        os.unlink(path)
        if case != "missing":
            obj = dict(obj, seed="11" * 32) if case == "seed" else \
                dict(obj, shares=obj["shares"][:1])
            with open(path, "w") as f:
                json.dump(obj, f)
        assert reseal(d)
        rep = verify_record(d, jobs=1)
        fails = _failures(rep, "V12")
        assert any(f.startswith(layout.LOT) for f in fails), fails
        assert rep.get("V15").status != "ok"


def _edit_context(d, edit) -> None:
    """Change context.json and the package's copy of it alike (the forger's best try)."""
    for rel, key in ((layout.CONTEXT, None), (layout.PACKAGE, "context")):
        path = os.path.join(d, rel)
        obj = json.load(open(path, encoding="utf-8"))
        edit(obj if key is None else obj[key])
        os.unlink(path)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False)


@pytest.mark.parametrize("case", ["missing", "bad-proof", "missing-commitment"])
def test_a_context_short_of_an_acknowledgement_or_with_a_bad_one_fails_v4(record, tmp_path,
                                                                          case):
    d = copy_record(record, tmp_path)

    def edit(ctx):
        acks = ctx["acknowledgements"]
        if case == "missing-commitment":
            ctx["ceremony_commitments"].pop()
        elif case == "missing":
            acks.pop()
        else:
            p = acks[1]["proof"]                 # T_1 and T_2 swapped: valid points
            acks[1]["proof"] = p[64:128] + p[:64] + p[128:]
    _edit_context(d, edit)
    assert reseal(d)
    fails = _failures(verify_record(d, jobs=1), "V4")
    want = {"missing": "4 of the 5 guardians' acknowledgements",
            "bad-proof": "acknowledgement of guardian 2",
            "missing-commitment": "4 of the 5 guardians' ceremony commitments"}[case]
    assert any(layout.CONTEXT in f and want in f for f in fails), fails


def test_evote_package_refuses_a_context_short_of_an_acknowledgement_or_commitment(record):
    """ElectionPackage.verify, which `evote package` runs before it writes the package."""
    from evote.election.package import ElectionPackage, PackageError
    obj = json.load(open(os.path.join(record, layout.PACKAGE), encoding="utf-8"))
    ElectionPackage.from_json_obj(obj).verify()             # as published: accepted
    for key in ("acknowledgements", "ceremony_commitments"):
        short = json.loads(json.dumps(obj))
        short["context"][key] = []
        with pytest.raises(PackageError, match=f"0 of the 5 guardians' "
                           f"{key.replace('ceremony_', 'ceremony ')}"):
            ElectionPackage.from_json_obj(short).verify()
