"""Slot contests in the station checks and the mix input (specs/record.md 6.5 and 8):
V8 verifies a station's slot ballots in its batches and names a forged one (ballot and
contest), V10 its spoiled ones, V9 fingerprints every slot ciphertext, V11's sums have no
slot contest; the mix input is the counted CAST ballots' slots in canonical order, and
`evote tally`'s pass (tally_boxes, any --jobs) and the verifier's station tasks give the
same bytes."""
import os
import random

import nacl.signing
import pytest

from evote.ballotbox import issue_certificate, open_box
from evote.protocol.ceremony import run_ceremony
from evote.protocol.encrypt import encrypt_ballot
from evote.protocol.encrypted_ballot import EncryptedBallot
from evote.record.election import parsed_election
from evote.canonical_json import canonical_json_bytes
from evote.tally import tally_boxes
from evote.tally.slot_inputs import ballots_in, mix_inputs, station_slots
from evote.verify.station import FINGERPRINT, verify_station

from slot_ballot_support import slot_manifest
from test_tally_support import AUTHORITY

MANIFEST = slot_manifest(n_slot=10, l_slot=3, stations=("st1", "st2"),
                         authority_key=bytes(AUTHORITY.verify_key))
CONTEXT, _ = run_ceremony(MANIFEST.hash(), 3, 2)
M_BYTES = MANIFEST.to_canonical_bytes()
C_BYTES = canonical_json_bytes(CONTEXT.to_json_obj())


def _forge(payload: bytes) -> bytes:
    """The same ballot with one scalar of its slot contest's range proof changed (still
    canonical): it decodes, but its proof is false."""
    b = EncryptedBallot.from_bytes(payload)
    rc = b.contest("sl")
    t_hat = (int.from_bytes(rc.t_hat, "little") + 1).to_bytes(32, "little")
    forged = tuple(rc._replace(t_hat=t_hat) if c is rc else c for c in b.contests)
    return EncryptedBallot(b.ballot_id, b.style_id, forged).to_bytes()


def _box(record, station, kiosk, ops, rng):
    """boxes/<station>/<kiosk>.box with ops: 'c' cast, 's' spoil, 'f' cast a forged slot
    ballot, 'g' spoil a forged one, 'd' cast one whose slot contest is the previous one's. Returns the CAST ballots' slot bytes (honest only)."""
    key = nacl.signing.SigningKey(rng.randbytes(32))
    cert = issue_certificate(AUTHORITY, election_hash=MANIFEST.hash(), station_id=station,
                             kiosk_id=kiosk, kiosk_key=bytes(key.verify_key))
    d = os.path.join(record, "boxes", station)
    os.makedirs(d, exist_ok=True)
    box = open_box(os.path.join(d, f"{kiosk}.box"), kiosk_key=key, certificate=cert,
                   authority_key=bytes(AUTHORITY.verify_key), durable=False)
    slots, forged, last = b"", [], None
    try:
        for op in ops:
            bid = box.next_ballot_id()
            sl = rng.sample([c.code for c in MANIFEST.contest("sl").candidates], rng.randint(0, 3))
            ballot, _ = encrypt_ballot(CONTEXT, MANIFEST, "s", {"sl": sl}, bid)
            if op == "d":   # a copy of the previous ballot's slot contest (proof now false)
                ballot = EncryptedBallot(bid, "s", (ballot.contests[0], last.contests[1]))
                op = "f"
            last = ballot
            payload = ballot.to_bytes()
            if op in "fg":
                payload = _forge(payload)
                forged.append(bid)
            if op in "cf":
                box.cast(bid, payload)
            else:
                box.challenge(bid, payload)
            if op == "c":
                slots += b"".join(ballot.contest("sl").ciphertexts)
        box.close()
    finally:
        box.release()
    return f"boxes/{station}/{kiosk}.box", slots, forged


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("slotrec"))
    rng = random.Random(15)
    boxes = {("st1", "k2"): _box(d, "st1", "k2", "ccs", rng),
             ("st1", "k1"): _box(d, "st1", "k1", "cc", rng),
             ("st2", "k1"): _box(d, "st2", "k1", "csc", rng)}
    return d, boxes


def _station(d, boxes, sid, order):
    return verify_station(d, sid, tuple(boxes[(sid, k)][0] for k in order), M_BYTES, C_BYTES)


def test_station_task_checks_slot_ballots_and_keeps_the_mix_input(record):
    d, boxes = record
    out = _station(d, boxes, "st1", ("k2", "k1"))   # given out of kiosk order
    assert out["failures"] == []
    assert out["checked"]["V8"] == 5 and out["checked"]["V10"] == 1
    # V11: the per-candidate contest is summed, the slot contest has no tally
    assert set(out["tallies"]) == {"pc"}
    # the mix input: kiosk-id order (k1 before k2), CAST ballots in record order
    assert out["slot_inputs"]["sl"] == boxes[("st1", "k1")][1] + boxes[("st1", "k2")][1]
    assert ballots_in(MANIFEST.contest("sl"), out["slot_inputs"]["sl"]) == 4
    # V9: per ballot 5 per-candidate ciphertexts (4 candidates + blank) and 3 slots,
    # fingerprinted (16 bytes of alpha) for every ballot checked, CAST and SPOIL
    assert out["per_ballot"] == 5 + 3
    assert len(out["alphas"]) == 5 * 8 * FINGERPRINT
    slots = boxes[("st1", "k1")][1]
    assert slots[:FINGERPRINT] in out["alphas"]


def test_forged_slot_ballots_are_named_by_v8_and_v10(tmp_path):
    rng = random.Random(16)
    rel, good, forged = _box(str(tmp_path), "st1", "k1", "cfcg", rng)
    out = verify_station(str(tmp_path), "st1", (rel,), M_BYTES, C_BYTES)
    fails = {(check, loc) for check, loc, _ in out["failures"]}
    assert fails == {("V8", f"{rel} record 2 ballot {forged[0].hex()}"),
                     ("V10", f"{rel} record 4 ballot {forged[1].hex()}")}
    for check, _, msg in out["failures"]:
        assert "contest 'sl'" in msg, msg
    # the forged CAST ballot is not in the mix input; the honest ones are
    assert out["slot_inputs"]["sl"] == good


def test_the_wrong_encoding_is_refused(tmp_path):
    """A ballot carrying per-candidate ciphertexts for the manifest's slot contest (made
    under a manifest that says per-candidate) fails V8 naming the contest."""
    import dataclasses
    other = dataclasses.replace(MANIFEST, contests=(MANIFEST.contest("pc"), dataclasses.replace(
        MANIFEST.contest("sl"), encoding="per-candidate")), mix_servers=())
    bid = bytes(32)
    ballot, _ = encrypt_ballot(CONTEXT, other, "s", {"sl": [1001]}, bid)
    from evote.protocol.verify_ballot import verify_ballot
    from evote.errors import InvalidProof
    with pytest.raises(InvalidProof, match="contest 'sl': the manifest's encoding is 'slots'"):
        verify_ballot(CONTEXT, MANIFEST, ballot)


@pytest.mark.parametrize("jobs", [1, 2])
def test_tally_and_verifier_give_the_same_mix_input(record, jobs):
    d, boxes = record
    paths = [os.path.join(d, *boxes[k][0].split("/")) for k in
             (("st2", "k1"), ("st1", "k2"), ("st1", "k1"))]   # any order in, one order out
    run = tally_boxes(MANIFEST, CONTEXT, paths, bytes(AUTHORITY.verify_key), jobs=jobs,
                      progress=False)
    assert run.ok, run.problems
    want = boxes[("st1", "k1")][1] + boxes[("st1", "k2")][1] + boxes[("st2", "k1")][1]
    assert run.slot_inputs == {"sl": want}
    # no encrypted tally for the slot contest
    assert all(set(t) == {"pc"} for t in run.stations.values())
    per_station = {sid: _station(d, boxes, sid, ks)["slot_inputs"]
                   for sid, ks in (("st2", ("k1",)), ("st1", ("k1", "k2")))}
    assert mix_inputs(MANIFEST, per_station) == run.slot_inputs


def test_mix_inputs_order_and_refusals():
    m = MANIFEST
    unit = 64 * 3
    a, b, c = b"a" * unit, b"b" * unit, b"c" * 2 * unit
    assert station_slots([("k2", {"sl": b}), ("k1", {"sl": a})]) == {"sl": a + b}
    assert mix_inputs(m, {"st2": {"sl": c}, "st1": {"sl": a}}) == {"sl": a + c}
    assert mix_inputs(m, {}) == {"sl": b""}
    with pytest.raises(ValueError, match="not a whole number of ballots"):
        mix_inputs(m, {"st1": {"sl": b"x" * 65}})


def test_a_copied_slot_ciphertext_is_a_duplicate_for_the_tally(tmp_path):
    """Without proof checks (verify_proofs=False) the tally still refuses the second copy
    of a slot ciphertext, naming the contest and slot (tally/boxes.py, aggregate keys)."""
    rng = random.Random(17)
    rel, _, _ = _box(str(tmp_path), "st1", "k1", "cd", rng)
    run = tally_boxes(MANIFEST, CONTEXT, [os.path.join(str(tmp_path), *rel.split("/"))],
                      bytes(AUTHORITY.verify_key), jobs=1, progress=False,
                      verify_proofs=False)
    dups = [p for p in run.problems if p.kind == "duplicate-ciphertext"]
    assert len(dups) == 1 and dups[0].seq == 2, run.problems
    assert "contest 'sl' slot 1" in dups[0].detail
    assert ballots_in(MANIFEST.contest("sl"), run.slot_inputs["sl"]) == 1


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=50, deadline=None)
@given(st.permutations([("st1", "k1"), ("st1", "k2"), ("st1", "k10"), ("st2", "a"),
                        ("st2", "k1")]))
def test_the_mix_input_does_not_depend_on_the_order_boxes_come_in(order):
    """Any order of boxes (as parallel tasks finish) gives the one canonical list."""
    unit = 64 * 3
    data = {box: bytes([i + 1]) * unit * (i % 2 + 1) for i, box in enumerate(sorted(order))}
    per_station = {}
    for sid, kid in order:
        per_station.setdefault(sid, []).append((kid, {"sl": data[(sid, kid)]}))
    got = mix_inputs(MANIFEST, {sid: station_slots(b) for sid, b in per_station.items()})
    want = b"".join(data[b] for b in [("st1", "k1"), ("st1", "k10"), ("st1", "k2"),
                                      ("st2", "a"), ("st2", "k1")])
    assert got == {"sl": want}
