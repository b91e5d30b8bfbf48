"""The choice-slot ballot against its pure-Python reference (tests/reference/slot_ballot.py,
written from specs/slot-ballot.md without evote code): for the same randomness the kiosk
and the reference give the same wire bytes; each verifier accepts the other's ballots and
computes the same slot ciphertexts; a forged ballot is refused by both at the same slot
and bit. Small contests only (the reference is pure Python)."""
import pytest

from evote.errors import InvalidProof
from evote.group import Point, Scalar
from evote.protocol.ballot import contest_selection
from evote.protocol.encrypt import seeded_rng
from evote.protocol.slot_ballot import (encrypt_slots, slot_ciphertexts, slot_shape,
                                        verify_slots, verify_slots_batch)
from evote.protocol.slot_codec import decode_slot_contest
from ballot_support import make_context, make_manifest
from reference import slot_ballot as ref

CTX = make_context(5)
K_ENC = CTX.joint_key.to_bytes()
MANIFEST = make_manifest(((5, 2, "plurality"), (2, 2, "plurality")), extra_style=False)
BID = bytes(range(32))


@pytest.mark.parametrize("cid,codes", [("c0", []), ("c0", [5]), ("c0", [1, 5]),
                                       ("c1", [101, 102])])
def test_same_bytes_and_both_verifiers_agree(cid, codes):
    contest = MANIFEST.contest(cid)
    sh = slot_shape(contest)
    assert tuple(ref.shape(sh.n, sh.slots)) == tuple(sh)
    seed = f"slot {cid} {codes}".encode()
    sc, secrets = encrypt_slots(CTX, contest, contest_selection(contest, codes), BID,
                                seeded_rng(seed))
    rng = seeded_rng(seed)
    positions = [i + 1 for i, c in enumerate(contest.candidates) if c.code in codes]
    values = ref.draw_values(tuple(sh), positions, rng)
    assert tuple(values) == secrets.values
    wire = ref.prove(K_ENC, CTX.base_hash, BID, cid, tuple(sh), values, rng)
    assert sc.to_bytes() == wire
    assert ref.verify(K_ENC, CTX.base_hash, BID, cid, tuple(sh), wire) == (True, "")
    verify_slots(CTX, contest, BID, decode_slot_contest(wire))
    assert list(slot_ciphertexts(sc)) == ref.slot_ciphertexts(wire)
    # the slot ciphertexts decrypt to the values (the secret key is the test context's)
    for ct, v in zip(slot_ciphertexts(sc), values):
        m = Point.from_bytes(ct[32:]) - Point.from_bytes(ct[:32]) * CTX.secret
        assert m == Point.generator() * Scalar.from_int(v)


@pytest.mark.parametrize("gaps,where", [
    ((0, -1), "slot 2 bit 0"),      # v_2 == v_1: a candidate twice
    ((-1, 1), "slot 1 bit 0"),      # v_1 = 0: not a position of the contest
    ((3, -2), "slot 2 bit 0"),      # v_2 < v_1: unsorted
    ((0, 4), "slot 2 bit 0"),       # a gap of 2^b: not a b-bit number
])
def test_forged_gaps_refused_by_both(gaps, where):
    contest = MANIFEST.contest("c1")
    sh = tuple(slot_shape(contest))
    wire = ref.prove_gaps(K_ENC, CTX.base_hash, BID, "c1", sh, gaps, seeded_rng(b"forge"))
    ok, reason = ref.verify(K_ENC, CTX.base_hash, BID, "c1", sh, wire)
    assert not ok and reason.startswith(where)
    sc = decode_slot_contest(wire)
    with pytest.raises(InvalidProof, match=f"{where}: V5"):
        verify_slots(CTX, contest, BID, sc)
    with pytest.raises(InvalidProof, match=f"{where}: V5"):
        verify_slots_batch(CTX, contest, [(BID, sc)])
