"""docs/examples/kiosk_station.py run as a kiosk would be: a voters file, a restart on the
same box (it resumes), a close; the box then holds as many CAST and SPOIL records as the
voters asked for. Also: bad input exits 2 with one line and writes nothing."""
import json
import os
import subprocess
import sys

import nacl.pwhash
import pytest

from evote.ballotbox import read_box
from evote.ballotbox.keyfile import write_key_file
from evote.ballotbox.records import CastRecord, SpoilRecord

from kiosk_support import CITY, make_election, write_package

certificates = pytest.importorskip("evote.election.certificates")  # helper A's module
pytest.importorskip("evote.election.keys")

PROGRAM = os.path.join(os.path.dirname(__file__), "..", "docs", "examples", "kiosk_station.py")
K1 = f"{CITY}-k1"


@pytest.fixture(scope="module")
def election():
    return make_election(seed=5)


@pytest.fixture
def files(election, tmp_path):
    write_package(tmp_path / "package.json", election.package)
    (tmp_path / "passphrase").write_text("correct horse\n")
    # small argon2id limits: the test's speed, not the key's strength, is at stake
    write_key_file(tmp_path / "kiosk.key", election.keys[K1], passphrase="correct horse",
                   opslimit=1, memlimit=8192 * 1024)
    certificates.write_kiosk_certificate_file(tmp_path / "kiosk.cert.json",
                                              election.certificates[K1])
    return tmp_path


def voters_file(path, election, rows):
    contest = election.manifest.station_contests(CITY)[0]
    persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    with open(path, "w", encoding="utf-8") as f:
        for i, (n, challenge) in enumerate(rows):
            codes = [str(c) for c in contest.codes[i:i + n]]
            if i % 2:
                codes = [c.translate(persian) for c in codes]
            f.write(json.dumps({"choices": {contest.contest_id: "، ".join(codes)},
                                "challenge": challenge}, ensure_ascii=False) + "\n")
    return path


def run(d, voters, *extra):
    args = [sys.executable, PROGRAM, "--package", d / "package.json", "--key", d / "kiosk.key",
            "--certificate", d / "kiosk.cert.json", "--box", d / "k1.box",
            "--mirror", d / "mirror.box", "--passphrase-file", d / "passphrase",
            "--voters", voters, *extra]
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def test_a_day_with_a_restart(election, files):
    morning = voters_file(files / "morning.jsonl", election, [(2, False), (1, True), (0, False)])
    afternoon = voters_file(files / "afternoon.jsonl", election, [(3, True), (1, False)])
    first = run(files, morning)
    assert first.returncode == 0, first.stderr
    lines = [x for x in first.stdout.splitlines() if x.startswith("voter ")]
    assert len(lines) == 3 and "challenged" in lines[1] and "blank" in lines[2]
    printed = lines[1].split("opening printed: ")[1].split(" | ")[0]   # the voter's printout
    from evote.protocol.challenge import Opening
    opening = Opening.from_bytes(bytes.fromhex(open(printed).read()))
    opening.verify_signature(election.certificates[K1].kiosk_key)
    assert os.path.dirname(printed) == str(files / "printouts") and opening.seq == 2
    contest = election.manifest.station_contests(CITY)[0]
    assert contest.candidate(contest.codes[0]).name in lines[0]
    second = run(files, afternoon, "--close")
    assert second.returncode == 0, second.stderr
    assert "3 cast and 1 spoiled before this run" in second.stdout
    assert "closed" in second.stdout.splitlines()[-1]
    reader = read_box(files / "k1.box", authority_key=election.manifest.authority_key,
                      election_hash=election.manifest.hash(), kiosk_id=K1, require_closed=True)
    records = list(reader)
    assert sum(isinstance(r, CastRecord) for r in records) == 5
    assert sum(isinstance(r, SpoilRecord) for r in records) == 2
    assert (files / "k1.box").read_bytes() == (files / "mirror.box").read_bytes()


@pytest.mark.parametrize("line,message", [
    ('{"choices": {"council-city-1": "0"}}', "line 2: contest 'council-city-1': code '0'"),
    ('{"choices": {"nowhere": "1"}}', "line 2: contest 'nowhere' is not on the ballot"),
    ('{"choices": 5}', "line 2: choices: expected"),
    ('{"choices": {}, "challenge": "yes"}', "line 2: challenge: expected"),
    ('not json', "line 2: not JSON"),
])
def test_bad_voters_file_writes_nothing(election, files, line, message):
    bad = files / "bad.jsonl"
    bad.write_text('{"choices": {}}\n' + line + "\n", encoding="utf-8")
    result = run(files, bad)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stderr.startswith("kiosk_station: ")
    assert "Traceback" not in result.stderr
    if not (files / "k1.box").exists():
        return
    reader = read_box(files / "k1.box", authority_key=election.manifest.authority_key)
    assert not any(isinstance(r, CastRecord) for r in reader)


def test_wrong_passphrase(election, files):
    (files / "passphrase").write_text("wrong\n")
    result = run(files, voters_file(files / "v.jsonl", election, [(1, False)]))
    assert result.returncode == 2 and result.stderr.startswith("kiosk_station: ")
    assert not (files / "k1.box").exists()
