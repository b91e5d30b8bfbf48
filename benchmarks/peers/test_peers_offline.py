"""Checks of the benchmark machinery that need no peer installed (seconds):

    python -m pytest benchmarks/peers/test_peers_offline.py -q

Not part of the default suite (testpaths is tests/). What they pin down: a ratio divides
each peer run by the evote runs that bracket it (not by a figure from elsewhere); a peer
that fails makes its row "not run" with the reason, never a figure; the tables are written
only between their markers; targets are judged on the median; libsodium's answers are
checked against evote's before anything is timed.
"""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests"))

import report  # noqa: E402
import targets  # noqa: E402
from interleave import Figure, interleave  # noqa: E402


def _seq(values):
    it = iter(values)
    return lambda: next(it)


def test_ratio_uses_the_two_bracketing_evote_runs():
    # evote 1, peer 100, evote 3, peer 300, evote 1: brackets (1+3)/2=2 and (3+1)/2=2
    fig = interleave("x", _seq([1.0, 3.0, 1.0]), _seq([100.0, 300.0]), 2, log=lambda *a: None)
    assert fig.ratios == [50.0, 150.0]
    s = fig.summary()
    assert s["ratio_median"] == 100.0 and s["ratio_low"] == 50.0 and s["ratio_high"] == 150.0
    assert s["ratio_of_minimums"] == 100.0
    assert s["evote_median"] == 1.0 and s["evote_min"] == 1.0
    assert len(s["loads"]) == 2


def test_group_rows_are_evote_over_peer():
    fig = interleave("g", _seq([0.8, 0.8]), _seq([1.0]), 1, log=lambda *a: None,
                     evote_over_peer=True)
    assert fig.ratios == [pytest.approx(0.8)]
    assert fig.summary()["ratio_of_minimums"] == pytest.approx(0.8)


def test_a_failing_peer_gives_not_run_and_no_ratio():
    def boom():
        raise RuntimeError("belenios-tool election verify failed: bad archive")

    fig = interleave("x", _seq([1.0, 1.0]), boom, 3, log=lambda *a: None)
    s = fig.summary()
    assert "ratio_median" not in s
    assert "bad archive" in s["not_run"]


def test_targets_judged_on_the_median_and_missing_rows_not_run():
    rows = {"encrypt 9 of 50 vs ElectionGuard": {"ratio_median": 99.9},
            "encrypt 21 of 200 vs ElectionGuard": {"ratio_median": 100.0},
            "scalar multiplication (core) vs libsodium": {"ratio_median": 0.86}}
    verdicts = {label: v for label, _, _, v in targets.judge(rows)}
    assert verdicts["encrypt, 9 of 50, vs ElectionGuard"] == "not met"
    assert verdicts["encrypt, 21 of 200, vs ElectionGuard"] == "met"
    assert verdicts["core scalar multiplication / libsodium's ristretto255"] == "not met"
    assert verdicts["verify one ballot, 9 of 50, vs ElectionGuard"].startswith("not run")


def _run():
    fig = Figure("scalar multiplication (core) vs libsodium", evote=[1e-5, 1e-5],
                 peer=[2e-5], loads=[1.0], evote_over_peer=True)
    rows = {fig.name: dict(fig.summary(), unit="s", group=True),
            "encrypt 9 of 50 vs ElectionGuard": dict(
                Figure("e", evote=[1e-3, 1e-3], peer=[0.5], loads=[2.0]).summary(), unit="s"),
            "encrypt 9 of 50 vs Belenios": {"name": "b", "not_run": "not installed",
                                             "loads": [], "unit": "s"}}
    meta = {"started": "2026-12-07 00:00 UTC", "finished": "00:10 UTC",
            "command": "python benchmarks/run_all.py", "load_start": (1.0, 1.0, 1.0),
            "load_end": (2.0, 2.0, 2.0), "cpus": 2, "machine": "x86_64", "pairs": 1,
            "group_pairs": 1, "libsodium": "1.0.18", "electionguard": "ElectionGuard 1.4.0",
            "belenios": "not run: not installed"}
    return {"meta": meta, "rows": rows}


def test_render_shows_not_run_and_the_loads():
    text = report.render(_run())
    assert "not run: not installed" in text
    assert "| 500x | 500x | 2.0 |" in text
    assert "| scalar multiplication (core) | 10 us (10 us) | 20 us (20 us) | 0.5 | 0.5 |" in text


def test_write_touches_only_the_text_between_markers(tmp_path):
    bench, readme, js = tmp_path / "b.md", tmp_path / "r.md", tmp_path / "run.json"
    bench.write_text(f"before\n{report.RUN_BEGIN}\nold\n{report.RUN_END}\nafter\n")
    readme.write_text(f"top\n{report.SPEED_BEGIN}\nold\n{report.SPEED_END}\nbottom\n")
    report.write(_run(), str(bench), str(readme), str(js))
    b, r = bench.read_text(), readme.read_text()
    assert b.startswith("before\n") and b.endswith("after\n") and "old" not in b
    assert r.startswith("top\n") and r.endswith("bottom\n") and "500x faster" in r
    assert js.exists()


def test_write_refuses_a_file_without_its_markers(tmp_path):
    bench, readme = tmp_path / "b.md", tmp_path / "r.md"
    bench.write_text("no markers\n")
    readme.write_text(f"{report.SPEED_BEGIN}\n{report.SPEED_END}\n")
    with pytest.raises(SystemExit):
        report.write(_run(), str(bench), str(readme), str(tmp_path / "j.json"))
    assert bench.read_text() == "no markers\n"


def test_libsodium_answers_are_checked_against_evote(monkeypatch):
    sr = pytest.importorskip("sodium_ristretto")
    try:
        lib = sr.load()
    except OSError:
        pytest.skip("no system libsodium")
    sr.Operations(lib)  # agrees on s*P, s*G, the hash map and validity

    class Wrong:
        def __getattr__(self, name):
            return getattr(lib, name)

        def crypto_scalarmult_ristretto255(self, out, n, p):
            rc = lib.crypto_scalarmult_ristretto255(out, n, p)
            out[0] ^= 1
            return rc

    with pytest.raises(AssertionError, match="disagree"):
        sr.Operations(Wrong())
