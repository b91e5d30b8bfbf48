"""V6's voting window (issue 12 section 6): every time a box record holds lies inside the
manifest's voting window widened by its tolerance; a record outside is named (box path
and record number). The manifest's window is bound by its hash (anchors.py)."""
import dataclasses
import os
import random
import time

import pytest

from evote.errors import ManifestError
from evote.manifest import Manifest
from evote.manifest.anchors import VotingWindow, format_utc
from evote.protocol.ceremony import run_ceremony
from evote.verify.station import verify_station

from test_tally_support import make_box, make_election_manifest


def _utc(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _station_run(tmp_path, window):
    manifest = dataclasses.replace(make_election_manifest(), voting_window=window)
    context, _ = run_ceremony(manifest.hash(), 3, 2)
    boxes = tmp_path / "boxes" / "c0"
    boxes.mkdir(parents=True)
    path, _, _ = make_box(str(boxes), manifest, context, "c0", "k1", "cc", random.Random(5))
    os.rename(path, boxes / "k1.box")
    return verify_station(str(tmp_path), "c0", ("boxes/c0/k1.box",),
                          manifest.to_canonical_bytes(), _ctx_bytes(context))


def _ctx_bytes(context):
    from evote.canonical_json import canonical_json_bytes
    return canonical_json_bytes(context.to_json_obj())


def _ballots_untimed(out):
    from evote.ballotbox import records
    return hasattr(records, "NO_TIME")


def _window_failures(out):
    return [f for f in out["failures"] if "outside-voting-window" in f[2]]


def test_box_inside_the_window_passes(tmp_path):
    now = time.time()
    out = _station_run(tmp_path, VotingWindow(_utc(now - 3600), _utc(now + 3600), 60))
    assert out["failures"] == []
    assert out["checked"]["V6"] == 4   # OPEN, 2 CAST, CLOSE


def test_box_after_the_window_closes_is_named(tmp_path):
    now = time.time()
    out = _station_run(tmp_path, VotingWindow(_utc(now - 7200), _utc(now - 3600), 300))
    bad = _window_failures(out)
    # OPEN (record 0) and CLOSE (record 3) are timed; CAST and SPOIL records carry no
    # time (specs/ballot-box.md), so there is nothing of theirs to check
    timed = [0, 3] if _ballots_untimed(out) else [0, 1, 2, 3]
    assert [f[1] for f in bad] == [f"boxes/c0/k1.box record {i}" for i in timed]
    assert all(f[0] == "V6" and "after the voting window closes" in f[2] for f in bad)


def test_box_before_the_window_opens_is_named(tmp_path):
    now = time.time()
    out = _station_run(tmp_path, VotingWindow(_utc(now + 3600), _utc(now + 7200), 0))
    bad = _window_failures(out)
    assert len(bad) == (2 if _ballots_untimed(out) else 4) and "before the voting window opens" in bad[0][2]


def test_tolerance_widens_the_window():
    w = VotingWindow("2026-06-19T08:00:00Z", "2026-06-19T20:00:00Z", 300)
    opens_us = w.earliest_us + 300 * 10**6
    assert w.outside(opens_us - 300 * 10**6) is None
    assert "before" in w.outside(opens_us - 300 * 10**6 - 1)
    closes_us = w.latest_us - 300 * 10**6
    assert w.outside(closes_us + 300 * 10**6) is None
    assert "after" in w.outside(closes_us + 300 * 10**6 + 1)
    assert format_utc(closes_us) == "2026-06-19T20:00:00.000000Z"


@pytest.mark.parametrize("window, match", [
    ({"opens": "2026-06-19T08:00:00Z", "closes": "2026-06-19T08:00:00Z",
      "tolerance_seconds": 0}, r"\$\.voting_window\.closes: .*not after"),
    ({"opens": "2026-06-19 08:00:00", "closes": "2026-06-19T20:00:00Z",
      "tolerance_seconds": 0}, r"\$\.voting_window\.opens: .*not a UTC time"),
    ({"opens": "2026-02-30T08:00:00Z", "closes": "2026-06-19T20:00:00Z",
      "tolerance_seconds": 0}, r"\$\.voting_window\.opens: .*not a valid time"),
    ({"opens": "2026-06-19T08:00:00Z", "closes": "2026-06-19T20:00:00Z",
      "tolerance_seconds": 3601}, r"\$\.voting_window\.tolerance_seconds"),
    ({"opens": "2026-06-19T08:00:00Z", "closes": "2026-06-19T20:00:00Z"},
     r"\$\.voting_window\.tolerance_seconds: missing"),
    ({"opens": "2026-06-01T08:00:00Z", "closes": "2026-07-19T20:00:00Z",
      "tolerance_seconds": 0}, r"at most 31 days"),
])
def test_bad_windows_are_refused_with_their_path(window, match):
    obj = make_election_manifest().to_json_obj()
    obj["voting_window"] = window
    with pytest.raises(ManifestError, match=match):
        Manifest.from_json_obj(obj)


def test_window_round_trips_and_changes_the_hash():
    m = make_election_manifest()
    w = dataclasses.replace(m, voting_window=VotingWindow("2026-06-19T08:00:00Z",
                                                           "2026-06-19T20:00:00Z", 120))
    again = Manifest.from_json_obj(w.to_json_obj())
    assert again.voting_window == w.voting_window and again.hash() == w.hash()
    assert w.hash() != m.hash()
    assert m.to_json_obj()["voting_window"] is None
