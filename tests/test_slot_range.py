"""Version 2 of the choice-slot ballot (specs/slot-ballot.md sections 7-10: one aggregated
range proof): the implementation against its pure-Python reference (same bytes for the
same randomness, each verifier accepts the other's proofs and refuses the same forgeries),
honest ballots verify one by one and in batch and decrypt to their values (hypothesis:
blank, one, max, both ends), and every forged statement or altered byte is refused."""
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evote.errors import EvoteValueError, InvalidEncoding, InvalidProof
from evote.group import Point, Scalar
from evote.protocol.ballot import contest_selection
from evote.protocol.encrypt import seeded_rng
from evote.protocol.slot_ballot import SlotBatchError, draw_values, shape_for, slot_shape
from evote.protocol.slot_range import (encrypt_range_slots, encrypt_range_values, prove_gaps,
                                       randomness_size, verify_range_slots,
                                       verify_range_slots_batch)
from evote.protocol.slot_range_codec import decode_range_contest, vector_length
from ballot_support import make_context, make_manifest
from reference import slot_ballot as ref_slots
from reference import slot_range as ref

CTX = make_context(13)
K_ENC = CTX.joint_key.to_bytes()
MANIFEST = make_manifest(((9, 3, "plurality"), (6, 6, "plurality"), (2, 2, "plurality"),
                          (1, 1, "plurality")), extra_style=False)
FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BID = bytes(range(32))


def _decrypt(ct: bytes) -> Point:
    return Point.from_bytes(ct[32:]) - Point.from_bytes(ct[:32]) * CTX.secret


def _gv(v: int) -> Point:
    return Point.generator() * Scalar.from_int(v % Scalar.ORDER)


# ---------------------------------------------------------------- against the reference

@pytest.mark.parametrize("cid,codes", [("c2", [201, 202]), ("c2", []), ("c3", [301])])
def test_same_bytes_as_the_reference_and_cross_verification(cid, codes):
    contest = MANIFEST.contest(cid)
    sh = slot_shape(contest)
    seed = f"range {cid} {codes}".encode()
    rc, opening = encrypt_range_slots(CTX, contest, contest_selection(contest, codes), BID,
                                      seeded_rng(seed))
    values = opening.values
    rng = seeded_rng(seed)
    positions = [i + 1 for i, c in enumerate(contest.candidates) if c.code in codes]
    ref_values = ref_slots.draw_values(tuple(sh)[:3], positions, rng)
    assert tuple(ref_values) == values
    gaps = [v - p - 1 for v, p in zip(values, (0,) + values[:-1])]
    wire = ref.prove(K_ENC, CTX.base_hash, BID, cid, tuple(sh)[:3], gaps,
                     rng(randomness_size(sh)))
    assert rc.to_bytes() == wire
    assert ref.verify(K_ENC, CTX.base_hash, BID, cid, tuple(sh)[:3], wire) == (True, "")
    verify_range_slots(CTX, contest, BID, decode_range_contest(wire))
    for ct, v in zip(rc.ciphertexts, values):
        assert _decrypt(ct) == _gv(v)


@pytest.mark.parametrize("gaps", [(0, -1), (-1, 1), (2, -2), (0, 2 ** 24)])
def test_forged_gaps_refused_by_both(gaps):
    """(0, -1): a candidate twice; (-1, 1): v_1 = 0, outside the contest; (2, -2):
    unsorted; (0, 2^24): a gap of 2^b. Each puts a non-bit in a_L."""
    contest = MANIFEST.contest("c2")
    sh = slot_shape(contest)
    rand = seeded_rng(b"forge " + bytes(str(gaps), "ascii"))(randomness_size(sh))
    rc = prove_gaps(CTX, "c2", sh, list(gaps), BID, rand)
    wire = rc.to_bytes()
    if gaps == (0, -1):      # the same bytes as the reference's forger (once: it is slow)
        assert wire == ref.prove(K_ENC, CTX.base_hash, BID, "c2", tuple(sh)[:3], list(gaps),
                                 rand)
    assert ref.verify(K_ENC, CTX.base_hash, BID, "c2", tuple(sh)[:3], wire) == \
        (False, "W6 t-hat")
    with pytest.raises(InvalidProof, match="W6 equation t-hat fails"):
        verify_range_slots(CTX, contest, BID, rc)
    with pytest.raises(SlotBatchError, match="W6 equation t-hat fails"):
        verify_range_slots_batch(CTX, contest, [(BID, rc)])
    for ct, v in zip(rc.ciphertexts, (gaps[0] + 1, gaps[0] + gaps[1] + 2)):
        assert _decrypt(ct) == _gv(v)      # the forgery encrypts what it claims to


@pytest.mark.parametrize("values", [(1, 1), (0, 2), (2, 1), (1, 9)])
def test_ciphertexts_that_do_not_match_the_commitments_refused_by_the_link(values):
    """A valid range proof on commitments to honest gaps (0, 0), with slot ciphertexts of
    a repeated, a zero, an unsorted or an out-of-range value: only the link catches it."""
    contest = MANIFEST.contest("c2")
    sh = slot_shape(contest)
    rand = seeded_rng(b"link " + bytes(str(values), "ascii"))(randomness_size(sh))
    rc = prove_gaps(CTX, "c2", sh, [0, 0], BID, rand, values=list(values))
    wire = rc.to_bytes()
    if values == (1, 1):     # the same bytes as the reference's forger (once: it is slow)
        assert wire == ref.prove(K_ENC, CTX.base_hash, BID, "c2", tuple(sh)[:3], [0, 0], rand,
                                 values=list(values))
    assert ref.verify(K_ENC, CTX.base_hash, BID, "c2", tuple(sh)[:3], wire) == \
        (False, "W6 link 2")
    with pytest.raises(InvalidProof, match="W6 equation link 2"):
        verify_range_slots(CTX, contest, BID, rc)
    with pytest.raises(SlotBatchError, match="W6 equation link 2"):
        verify_range_slots_batch(CTX, contest, [(BID, rc)])


# ---------------------------------------------------------------- the implementation

@st.composite
def honest_ballots(draw):
    cid = draw(st.sampled_from(["c0", "c1"]))
    contest = MANIFEST.contest(cid)
    n, big_l = len(contest.candidates), contest.max_choices
    k = draw(st.sampled_from([0, 1, big_l]) | st.integers(0, big_l))
    pos = draw(st.sets(st.sampled_from([0, n - 1]) | st.integers(0, n - 1),
                       min_size=k, max_size=k))
    return contest, [contest.candidates[i].code for i in sorted(pos)], \
        draw(st.binary(min_size=32, max_size=32))


@FAST
@given(honest_ballots())
def test_honest_ballots_verify_and_decrypt(case):
    contest, codes, bid = case
    rc, opening = encrypt_range_slots(CTX, contest, contest_selection(contest, codes), bid)
    values = opening.values
    verify_range_slots(CTX, contest, bid, rc)
    assert verify_range_slots_batch(CTX, contest, [(bid, rc), (bid, rc)]) == 2
    assert decode_range_contest(rc.to_bytes()) == rc
    positions = sorted(i + 1 for i, c in enumerate(contest.candidates) if c.code in codes)
    head = positions or [len(contest.candidates) + 1]       # a blank ballot: N + 1
    assert list(values[:len(head)]) == head
    lo, hi = slot_shape(contest).marks
    assert all(lo <= v <= hi for v in values[len(head):])
    for ct, v in zip(rc.ciphertexts, values):
        assert _decrypt(ct) == _gv(v)


def test_size_for_tehran_shape():
    shape = shape_for(3000, 21)
    assert vector_length(21, shape.bits) == shape.length == 512
    rc = encrypt_range_values(CTX, "c0", shape, list(range(1, 22)), BID, os.urandom)
    assert len(rc.to_bytes()) == 10 + 2 + 96 * 21 + 32 * (15 + 2 * 9) == 3084


@FAST
@given(st.data())
def test_any_altered_byte_refused(data):
    contest = MANIFEST.contest("c0")
    rc, _ = encrypt_range_slots(CTX, contest, contest_selection(contest, [1, 9]), BID)
    wire = bytearray(rc.to_bytes())
    head = 10 + len(b"c0")
    pos = data.draw(st.integers(head, len(wire) - 1))
    wire[pos] ^= data.draw(st.integers(1, 255))
    bad = decode_range_contest(bytes(wire))
    with pytest.raises(InvalidProof, match="W[3456]") as one:
        verify_range_slots(CTX, contest, BID, bad)
    with pytest.raises(SlotBatchError) as batch:
        verify_range_slots_batch(CTX, contest, [(BID, bad)])
    assert str(batch.value.failures[0].error) == str(one.value)


def test_wrong_statement_refused():
    contest = MANIFEST.contest("c0")
    rc, _ = encrypt_range_slots(CTX, contest, contest_selection(contest, [2]), BID)
    with pytest.raises(InvalidProof, match="W6"):
        verify_range_slots(CTX, contest, bytes(32), rc)                 # another ballot
    with pytest.raises(InvalidProof, match="W1"):
        verify_range_slots(CTX, MANIFEST.contest("c1"), BID, rc)         # another contest
    other = make_context(14)                                             # another election
    with pytest.raises(InvalidProof, match="W6"):
        verify_range_slots(other, contest, BID, rc)


def test_malformed_fields_are_refused_not_a_traceback():
    contest = MANIFEST.contest("c0")
    rc, _ = encrypt_range_slots(CTX, contest, contest_selection(contest, [2]), BID)
    for bad in (rc._replace(ciphertexts=None), rc._replace(commitments=rc.commitments[:-1]),
                rc._replace(t_hat=b"\0" * 31), rc._replace(link_z=(1, 2, 3))):
        with pytest.raises(InvalidProof, match="W2"):
            verify_range_slots(CTX, contest, BID, bad)
        with pytest.raises(SlotBatchError, match="W2"):
            verify_range_slots_batch(CTX, contest, [(BID, bad)])


def test_too_many_slots_refused():
    contest = MANIFEST.contest("c0")                  # L = 3
    sh = shape_for(9, 4)                              # a proof for 4 slots, same b
    assert sh.bits == slot_shape(contest).bits
    rc = encrypt_range_values(CTX, "c0", sh, [1, 2, 3, 4], BID, os.urandom)
    with pytest.raises(InvalidProof, match="W1"):
        verify_range_slots(CTX, contest, BID, rc)


def test_batch_names_every_failing_item():
    contest = MANIFEST.contest("c1")
    items = []
    for n in range(5):
        bid = bytes([n]) * 32
        items.append((bid, encrypt_range_slots(CTX, contest,
                                               contest_selection(contest, [101 + n]), bid)[0]))
    assert verify_range_slots_batch(CTX, contest, items) == 5
    items[3] = (bytes([9]) * 32, items[3][1])
    with pytest.raises(SlotBatchError) as exc:
        verify_range_slots_batch(CTX, contest, items)
    assert [f.index for f in exc.value.failures] == [3]


def test_kiosk_refuses_invalid_values_and_codec_refusals():
    shape = shape_for(9, 3)
    for values in ([2, 2, 5], [5, 2, 7], [0, 1, 2], [1, 2, 2 ** 24 + 1], [1, 10, 11], [1, 2]):
        with pytest.raises(EvoteValueError):
            encrypt_range_values(CTX, "c0", shape, values, BID, os.urandom)
    wire = encrypt_range_values(CTX, "c0", shape, draw_values(shape, [], os.urandom), BID,
                                os.urandom).to_bytes()
    for bad, what in ((wire[:-1], "bytes"), (wire + b"\0", "bytes"),
                      (b"XVSL" + wire[4:], "magic"), (wire[:4] + b"\1" + wire[5:], "version"),
                      (wire[:6], "shorter")):
        with pytest.raises(InvalidEncoding, match=what):
            decode_range_contest(bad)


# ---------------------------------------------------------------- C against the reference

REF_SLOW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@REF_SLOW
@given(st.data())
def test_c_prover_and_verifier_agree_with_the_reference(data):
    """The C prover's ballots verify under the pure-Python reference, and on honest and
    tampered bytes the C-backed verifier (one by one and in batch) and the reference give
    the same verdict. Small contests: the reference is slow."""
    cid = data.draw(st.sampled_from(["c2", "c3"]))
    contest = MANIFEST.contest(cid)
    codes = data.draw(st.sampled_from([[], [contest.candidates[-1].code]]))
    rc, _ = encrypt_range_slots(CTX, contest, contest_selection(contest, codes), BID)
    wire = bytearray(rc.to_bytes())
    tampered = data.draw(st.booleans())
    if tampered:
        pos = data.draw(st.integers(10 + len(cid), len(wire) - 1))
        wire[pos] ^= data.draw(st.integers(1, 255))
    sh = tuple(slot_shape(contest))[:3]
    ref_ok, _ = ref.verify(K_ENC, CTX.base_hash, BID, cid, sh, bytes(wire))
    bad = decode_range_contest(bytes(wire))
    try:
        verify_range_slots(CTX, contest, BID, bad)
        one_ok = True
    except InvalidProof:
        one_ok = False
    try:
        verify_range_slots_batch(CTX, contest, [(BID, bad)])
        batch_ok = True
    except SlotBatchError:
        batch_ok = False
    assert ref_ok == one_ok == batch_ok == (not tampered)
