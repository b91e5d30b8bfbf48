"""What `evote verify` prints: a WARNING line when the record is not pinned to an
announced package hash (none when it is); each contest's verified winners and alternates
after VALID, never when the record is not valid; a malformed --package is exit 2."""
import json
import os

from click.testing import CliRunner

from evote.cli.main import cli
from evote.manifest import Manifest

from test_verify_package import build_package, packaged_record
from test_verify_support import copy_record, small_record


def run_verify(*args):
    return CliRunner().invoke(cli, ["verify", *args, "--jobs", "1"])


def warning_lines(output):
    return [ln for ln in output.splitlines() if ln.startswith("WARNING:")]


def test_not_pinned_says_so_loudly(tmp_path_factory, tmp_path):
    record = small_record(tmp_path_factory)  # the demo's record holds its package
    out = tmp_path / "report.json"
    result = run_verify(record, "--json", str(out))
    assert result.exit_code == 0, result.output
    (line,) = warning_lines(result.output)
    assert "not pinned to an announced election package hash" in line
    assert "--package HASH" in line
    rep = json.loads(out.read_text())
    assert rep["pinned"] is False and len(rep["package_hash"]) == 64
    quiet = run_verify(record, "--quiet")
    assert quiet.output.splitlines() == [line, "RESULT: VALID"]


def test_pinned_has_no_warning(tmp_path_factory, tmp_path):
    pkg = build_package(small_record(tmp_path_factory))
    d = packaged_record(tmp_path_factory, tmp_path, pkg.to_bytes())
    out = tmp_path / "report.json"
    result = run_verify(d, "--package", pkg.hash().hex().upper(), "--json", str(out))
    assert result.exit_code == 0, result.output
    assert warning_lines(result.output) == []
    assert f"package hash: {pkg.hash().hex()} (pinned: --package)" in result.output
    rep = json.loads(out.read_text())
    assert rep["pinned"] is True and rep["package_hash"] == pkg.hash().hex()
    # the same record unpinned: warned, although it holds a package
    (line,) = warning_lines(run_verify(d).output)
    assert "holds no package.json" not in line


def test_winners_printed_after_valid(tmp_path_factory):
    record = small_record(tmp_path_factory)
    result = run_verify(record)
    assert result.exit_code == 0
    text = result.output
    head, sep, tail = text.partition("RESULT: VALID\n")
    assert sep and tail.startswith("verified results")
    with open(os.path.join(record, "results", "results.json"), "rb") as f:
        results = json.loads(f.read())
    with open(os.path.join(record, "manifest.json"), "rb") as f:
        m = Manifest.from_json_obj(json.loads(f.read()))
    lines = tail.splitlines()
    for c in results["contests"]:
        contest = m.contest(c["contest_id"])
        names = {x.code: x.name for x in contest.candidates}
        votes = {x["code"]: x["votes"] for x in c["candidates"]}
        k = lines.index(f"contest {contest.contest_id}: {contest.name} ({c['seats']} seats)")
        want = [f"  winner {i}: {code} {names[code]} ({votes[code]} votes)"
                for i, code in enumerate(c["winners"], 1)]
        want += [f"  alternate {i}: {code} {names[code]} ({votes[code]} votes)"
                 for i, code in enumerate(c["alternate_codes"], 1)]
        assert c["winners"] and lines[k + 1:k + 1 + len(want)] == want, tail


def test_no_winners_when_not_valid(tmp_path_factory, tmp_path):
    d = copy_record(small_record(tmp_path_factory), tmp_path)
    with open(os.path.join(d, "ROOT"), "w") as f:   # one byte off: V2 fails
        f.write("0" * 64 + "\n")
    out = tmp_path / "report.json"
    result = run_verify(d, "--json", str(out))
    assert result.exit_code == 1
    assert "RESULT: INVALID" in result.output
    head, sep, tail = result.output.partition("RESULT: INVALID\n")
    assert sep and tail == "" and "winner 1" not in result.output
    assert json.loads(out.read_text())["winners"] == []


def test_malformed_package_hash_is_exit_2(tmp_path_factory):
    record = small_record(tmp_path_factory)
    for bad in ("abc", "g" * 64, "0" * 63, "0" * 66, ""):
        result = run_verify(record, "--package", bad)
        assert result.exit_code == 2, (bad, result.output)
        assert "--package:" in result.output and "expected 64 hex digits" in result.output
        assert "Traceback" not in result.output


def test_json_report_never_replaces_a_file(tmp_path_factory, tmp_path):
    # Was: open(json_path, "w"): an existing file (a key, the last report) was replaced,
    # and a symbolic link followed (issue 14 item 1).
    record = small_record(tmp_path_factory)
    out = tmp_path / "report.json"
    out.write_text("an earlier report")
    result = run_verify(record, "--json", str(out))
    assert result.exit_code == 2 and "already exists" in result.output
    assert out.read_text() == "an earlier report"
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    result = run_verify(record, "--json", str(link))
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert not (tmp_path / "elsewhere.json").exists()
    fresh = tmp_path / "new.json"
    assert run_verify(record, "--json", str(fresh)).exit_code == 0
    assert json.loads(fresh.read_text())["valid"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "new.json",
                                                          "report.json"]
