"""evote demo end to end: a small election, its record verified (in process and through
the CLI), reproducibility for a seed, the same report for every number of jobs."""
import json
import os

from click.testing import CliRunner

from evote.cli.main import cli
from evote.verify.run import verify_record

from test_verify_support import SMALL, small_outcome, small_record


def test_demo_record_verifies(tmp_path_factory):
    outcome = small_outcome(tmp_path_factory)
    rep = outcome.report
    assert rep.valid and rep.exit_code == 0
    checks = {c.number: c for c in rep.checks}
    assert [c.number for c in rep.checks] == [f"V{i}" for i in range(1, 21)]
    # Everything the demo promises is in the record and was looked at.
    assert checks["V8"].checked > 0 and checks["V10"].checked > 0   # ballots, challenges
    assert checks["V13"].checked == 1                               # one paper station
    assert checks["V4"].checked == 5                                # 5 guardians
    assert checks["V18"].checked >= 2                               # html, txt, csv
    assert outcome.root.hex() == rep.root_hash
    with open(os.path.join(outcome.record_dir, "ROOT")) as f:
        assert f.read() == outcome.root.hex() + "\n"
    assert os.path.getsize(outcome.html_path) > 1000
    dec = json.load(open(os.path.join(outcome.record_dir, "tally/decryption.json")))
    for c in dec["contests"]:  # 4 of 5 guardians, guardian 4 absent
        assert sorted(s["guardian_index"] for s in c["shares"]) == [1, 2, 3, 5]
    res = json.load(open(os.path.join(outcome.record_dir, "results/results.json")))
    assert res["contests"][0]["paper_stations"] == ["city-1-st002"]


def test_cli_verify_exit_code_and_json(tmp_path_factory, tmp_path):
    record = small_record(tmp_path_factory)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["verify", record, "--jobs", "1", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "RESULT: VALID" in result.output
    rep = json.loads(out.read_text())
    assert rep["valid"] is True and len(rep["checks"]) == 20
    root = open(os.path.join(record, "ROOT")).read().strip()
    ok = CliRunner().invoke(cli, ["verify", record, "--jobs", "1", "--root", root])
    assert ok.exit_code == 0
    wrong = CliRunner().invoke(cli, ["verify", record, "--jobs", "1", "--root", "00" * 32])
    assert wrong.exit_code == 1 and "--root" in wrong.output


def test_reports_identical_for_any_jobs(tmp_path_factory):
    record = small_record(tmp_path_factory)
    one = verify_record(record, jobs=1)
    two = verify_record(record, jobs=2)
    assert one.to_text() == two.to_text()
    assert one.to_json() == two.to_json()


def test_same_seed_same_election(tmp_path_factory, tmp_path):
    from evote.demo.election import run_demo
    first = small_outcome(tmp_path_factory)
    again = run_demo(str(tmp_path / "again"), jobs=2, log=lambda m: None, **SMALL)
    assert again.report.valid
    for rel in ("manifest.json", "results/results.json"):
        a = open(os.path.join(first.record_dir, rel), "rb").read()
        b = open(os.path.join(again.record_dir, rel), "rb").read()
        if rel == "manifest.json":
            # The supervising board's and the mix servers' keys are fresh (os.urandom) and
            # the voting window is the hours around the run (demo/board.py, mixing.py):
            # everything else is the seed's.
            a, b = json.loads(a), json.loads(b)
            for field in ("supervisors", "mix_servers", "voting_window"):
                assert a.pop(field) != b.pop(field) or field == "voting_window"
        if rel.startswith("results"):
            # The lot seed is the guardians' fresh lot contributions' (specs/key-ceremony.md
            # 12): it differs, and so may what a draw by lot decided; the counts do not, and
            # a contest that drew no lot is the same in every field.
            a, b = json.loads(a), json.loads(b)
            assert a.pop("lot_seed") != b.pop("lot_seed")
            a.pop("manifest_hash"), b.pop("manifest_hash")   # the board's keys (above)
            for x, y in zip(a.pop("contests"), b.pop("contests")):
                assert [(c["code"], c["votes"]) for c in x["candidates"]] == \
                    [(c["code"], c["votes"]) for c in y["candidates"]]
                assert (x["ballots_cast"], x["blank"]) == (y["ballots_cast"], y["blank"])
                assert x["lot_used"] or y["lot_used"] or x == y, x["contest_id"]
        assert a == b, rel
    # Fresh nonces: the ballots (and so the root) differ.
    assert again.root != first.root


def test_cli_demo_runs(tmp_path):
    out = tmp_path / "rec"
    result = CliRunner().invoke(
        cli, ["demo", "--out", str(out), "--stations", "2", "--voters-per-station", "3",
              "--seed", "3", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "root hash:" in result.stdout and "VALID" in result.stdout
    assert "results.html" in result.stdout
    assert "key ceremony" in result.stderr
    refused = CliRunner().invoke(cli, ["demo", "--out", str(out)])  # not empty: refused
    assert refused.exit_code == 2
