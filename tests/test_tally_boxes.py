"""tally_boxes: station and district tallies from signed boxes equal the plaintext sums
of the CAST ballots (spoiled ones never count), parallel == serial, and every refusal
(bad box, duplicate ballot id, duplicate ciphertext, bad payload) is named."""
import random
import shutil

import nacl.signing
import pytest

from evote.ballotbox import issue_certificate, open_box
from evote.protocol.encrypt import encrypt_ballot
from evote.tally import reconcile_stations, tally_boxes

from test_tally_support import (AUTHORITY, add_plain, decrypt_with_secret, election, make_box,
                                random_choices)

AK = bytes(AUTHORITY.verify_key)


@pytest.fixture(scope="module")
def boxes(tmp_path_factory):
    d = tmp_path_factory.mktemp("boxes")
    manifest, context, _ = election()
    rng = random.Random(7)
    made = {
        "c0a": make_box(str(d), manifest, context, "c0", "k1", "ccsccs", rng),
        "c0b": make_box(str(d), manifest, context, "c0", "k2", "scc", rng),
        "c1": make_box(str(d), manifest, context, "c1", "k1", "cc", rng),
        "v0": make_box(str(d), manifest, context, "v0", "k1", "csc", rng),
    }
    return d, made


def _open(d, station, kiosk):
    manifest = election()[0]
    key = nacl.signing.SigningKey(bytes([len(kiosk)]) * 32)
    cert = issue_certificate(AUTHORITY, election_hash=manifest.hash(), station_id=station,
                             kiosk_id=kiosk, kiosk_key=bytes(key.verify_key))
    path = str(d / f"{station}-{kiosk}.box")
    return path, open_box(path, kiosk_key=key, certificate=cert, authority_key=AK,
                          durable=False)


def _plain(tally):
    manifest, context, guardians = election()
    return {cid: [decrypt_with_secret(guardians, context, c) for c in ct.ciphertexts]
            for cid, ct in tally.items()}


def _sum(*expects):
    out = {}
    for e in expects:
        for cid, v in e.items():
            out[cid] = [a + b for a, b in zip(out.get(cid, [0] * len(v)), v)]
    return out


def test_station_and_district_tallies_equal_plaintext_sums(boxes):
    d, made = boxes
    manifest, context, _ = election()
    paths = [made[k][0] for k in ("c0a", "c0b", "c1", "v0")]
    run = tally_boxes(manifest, context, paths, AK, jobs=1, progress=False)
    assert run.ok, run.problems
    assert _plain(run.stations["c0"]) == _sum(made["c0a"][1], made["c0b"][1])
    assert _plain(run.stations["c1"]) == made["c1"][1]
    assert _plain(run.districts["city"]) == _sum(made["c0a"][1], made["c0b"][1], made["c1"][1])
    assert _plain(run.districts["village"]) == made["v0"][1]
    assert run.districts["city"]["city-council"].ballots == 4 + 2 + 2
    # spoiled ballots are in the box but never in the tally
    summary = {b.kiosk_id + b.station_id: b for b in run.boxes}
    assert (summary["k1c0"].cast, summary["k1c0"].spoiled, summary["k1c0"].counted) == (4, 2, 4)
    assert (summary["k2c0"].cast, summary["k2c0"].spoiled) == (2, 1)
    # parallel == serial, whatever the order the workers finish in
    run2 = tally_boxes(manifest, context, paths, AK, jobs=2, progress=False)
    assert run2.stations == run.stations and run2.districts == run.districts
    assert run2.boxes == run.boxes


def test_a_copied_box_is_refused_ballot_by_ballot(boxes, tmp_path):
    d, made = boxes
    manifest, context, _ = election()
    copy = str(tmp_path / "copy.box")
    shutil.copy(made["c1"][0], copy)
    run = tally_boxes(manifest, context, [made["c1"][0], copy], AK, jobs=2, progress=False)
    dups = [p for p in run.problems if p.kind == "duplicate-ballot-id"]
    assert [(p.box, p.seq) for p in dups] == [(copy, s) for s, _ in made["c1"][2]]
    assert all(made["c1"][0] in p.detail for p in dups)
    assert _plain(run.stations["c1"]) == made["c1"][1]  # the copy counts nothing
    assert run.boxes[1].refused == tuple(s for s, _ in made["c1"][2])


def test_tampered_box_is_excluded_and_named(boxes, tmp_path):
    d, made = boxes
    manifest, context, _ = election()
    bad = tmp_path / "bad.box"
    data = bytearray(open(made["c1"][0], "rb").read())
    data[len(data) // 2] ^= 1
    bad.write_bytes(bytes(data))
    run = tally_boxes(manifest, context, [made["v0"][0], str(bad)], AK, jobs=1, progress=False)
    assert [p.kind for p in run.problems] == ["box"]
    assert str(bad) in str(run.problems[0]) and "not counted" in run.problems[0].detail
    assert not run.boxes[1].ok and "c1" not in run.stations
    rec = {r.station_id: r for r in reconcile_stations(manifest, run)}
    assert rec["c1"].mismatches == (f"box {bad} did not verify; none of its ballots is counted",)
    assert rec["v0"].ok and rec["c0"].kind == "missing"
    assert _plain(run.districts["village"]) == made["v0"][1]


def test_duplicate_ciphertext_and_bad_payloads_are_refused(boxes, tmp_path):
    d, made = boxes
    manifest, context, _ = election()
    rng = random.Random(3)
    victim = made["c1"][2][0][1]  # a ballot cast in box c1
    path, box = _open(tmp_path, "c0", "k3")
    expect = {}
    try:
        # 1: a good ballot; 2: garbage; 3: another box's ballot under this record's id
        # (its proofs are bound to the other id); 4: its own id inside differs; 5: good
        choices = random_choices(rng, manifest, "s-city")
        bid = box.next_ballot_id()
        box.cast(bid, encrypt_ballot(context, manifest, "s-city", choices, bid)[0].to_bytes())
        add_plain(expect, manifest, choices)
        box.cast(box.next_ballot_id(), b"not a ballot at all")
        bid = box.next_ballot_id()
        box.cast(bid, victim[:12] + bid + victim[44:])
        bid = box.next_ballot_id()
        other = encrypt_ballot(context, manifest, "s-city", choices, bytes(32))[0].to_bytes()
        box.cast(bid, other)
        choices = random_choices(rng, manifest, "s-city")
        bid = box.next_ballot_id()
        box.cast(bid, encrypt_ballot(context, manifest, "s-city", choices, bid)[0].to_bytes())
        add_plain(expect, manifest, choices)
        box.close()
    finally:
        box.release()
    for verify in (False, True):
        run = tally_boxes(manifest, context, [made["c1"][0], path], AK, jobs=1, progress=False,
                          verify_proofs=verify)
        probs = {p.seq: p for p in run.problems}
        assert sorted(probs) == [2, 3, 4], run.problems
        assert probs[2].kind == "ballot" and "magic" in probs[2].detail
        assert "own id differs" in probs[4].detail
        if verify:
            assert probs[3].kind == "ballot" and "proof" in probs[3].detail
        else:
            assert probs[3].kind == "duplicate-ciphertext"
            assert made["c1"][0] in probs[3].detail and "record 1" in probs[3].detail
        assert run.boxes[1].counted == 2 and run.boxes[1].refused == (2, 3, 4)
        c0 = reconcile_stations(manifest, run, {"c0": 5})[0]
        assert c0.mismatches == (f"box {path}: 3 CAST ballot(s) refused (records 2, 3, 4)",)
        assert _plain(run.stations["c0"]) == expect
        assert _plain(run.stations["c1"]) == made["c1"][1]


def test_unclosed_box_and_wrong_station(boxes, tmp_path):
    manifest, context, _ = election()
    rng = random.Random(4)
    path, _, _ = make_box(str(tmp_path), manifest, context, "c1", "k9", "c", rng, close=False)
    run = tally_boxes(manifest, context, [path], AK, progress=False)
    assert run.ok and not run.boxes[0].closed and run.boxes[0].counted == 1
    with pytest.raises(Exception, match="box_paths"):
        tally_boxes(manifest, context, path, AK)
