"""The choice-slot encoding (specs/slot-ballot.md sections 1, 2, 4, 5, 11): the shape rule,
the marks (uniform over E = [N+2, 2^b], never the blank mark N+1, which only a blank ballot
carries, in slot 1), what a decrypted value counts as, the table of decryptable points,
and the opening a challenged ballot prints (encoded strictly, checked slot by slot),
against the reference tests/reference/slot_ballot.py where one applies."""
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evote.errors import EvoteValueError, InvalidEncoding, InvalidProof
from evote.group import Point, Scalar
from evote.protocol.ballot import contest_selection
from evote.protocol.encrypt import seeded_rng
from evote.protocol.slot_ballot import (MIN_BITS, classify_slot_value, draw_values,
                                        honest_values_error, shape_for, slot_shape,
                                        slot_value_points)
from evote.protocol.slot_opening import (SlotOpening, check_slot_opening, decode_opening,
                                         encode_opening)
from evote.protocol.slot_range import encrypt_range_slots, precompute, slot_ciphertexts
from ballot_support import make_context, make_manifest
from reference import slot_ballot as ref

CTX = make_context(11)
MANIFEST = make_manifest(((9, 3, "plurality"), (6, 6, "plurality"), (4, 2, "proportional")),
                         extra_style=False)
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BID = bytes(range(32))


def _decrypt_point(ct: bytes) -> bytes:
    return (Point.from_bytes(ct[32:]) - Point.from_bytes(ct[:32]) * CTX.secret).to_bytes()


def test_shape_rule():
    assert shape_for(3000, 21) == (3000, 21, 24, 512)        # 504 bit positions -> 512
    assert shape_for(10, 3) == (10, 3, 24, 128)               # a village: 72 -> 128
    assert shape_for(1, 1) == (1, 1, 24, 32)
    assert shape_for(2 ** 24 - 22, 21).bits == 24            # 2^24 >= N + 1 + L exactly
    assert shape_for(2 ** 24 - 21, 21).bits == 25
    for n, big_l in ((3000, 21), (10, 3), (2 ** 24 - 21, 21), (7, 7)):
        assert tuple(shape_for(n, big_l))[:3] == ref.shape(n, big_l)
    with pytest.raises(EvoteValueError):
        shape_for(3, 4)
    with pytest.raises(EvoteValueError):
        shape_for(2 ** 32, 1)                                 # values travel as u32
    assert MIN_BITS == 24


@FAST
@given(st.integers(1, 12), st.data())
def test_values_follow_the_rule_and_the_reference(n, data):
    big_l = data.draw(st.integers(1, n))
    shape = shape_for(n, big_l)
    k = data.draw(st.integers(0, big_l))
    pos = sorted(data.draw(st.sets(st.integers(1, n), min_size=k, max_size=k)))
    seed = data.draw(st.binary(min_size=1, max_size=8))
    values = draw_values(shape, pos, seeded_rng(seed))
    assert list(values) == ref.draw_values(tuple(shape), pos, seeded_rng(seed))
    assert honest_values_error(shape, values) == ""
    lo, hi = shape.marks
    assert (lo, hi) == (n + 2, 1 << shape.bits)
    if k == 0:
        assert values[0] == n + 1 and all(lo <= v <= hi for v in values[1:])
    else:
        assert list(values[:k]) == pos and all(lo <= v <= hi for v in values[k:])
    kinds = [classify_slot_value(shape, v)[0] for v in values]
    assert kinds == [ref.classify(tuple(shape), v) for v in values]
    assert kinds.count("blank") == (k == 0) and kinds.count("vote") == k


def test_marks_are_uniform_over_e():
    """A tiny E for the test (a real one has >= 2^24 - N - 1 values): N = 2^24 - 6, L = 2
    -> E = [2^24 - 4, 2^24], five marks; a one-choice ballot has one mark, each of the five
    about a fifth of the time, never the blank mark N + 1."""
    shape = shape_for(2 ** 24 - 6, 2)
    assert shape.bits == 24 and shape.marks == (2 ** 24 - 4, 2 ** 24)
    rng = seeded_rng(b"marks")
    seen = {}
    for _ in range(1000):
        v = draw_values(shape, [3], rng)[1]
        seen[v] = seen.get(v, 0) + 1
    assert set(seen) == set(range(2 ** 24 - 4, 2 ** 24 + 1))
    assert all(140 < c < 260 for c in seen.values())          # 200 expected each


def test_classify_and_value_points():
    shape = shape_for(9, 3)
    assert classify_slot_value(shape, 1) == ("vote", 0)
    assert classify_slot_value(shape, 9) == ("vote", 8)
    assert classify_slot_value(shape, 10) == ("blank",)
    assert classify_slot_value(shape, 11) == ("mark",)
    assert classify_slot_value(shape, 0) == ("mark",)
    pts = slot_value_points(shape)
    assert len(pts) == 10
    for v in (1, 5, 10):
        assert pts[(Point.generator() * Scalar.from_int(v)).to_bytes()] == v
    assert (Point.generator() * Scalar.from_int(11)).to_bytes() not in pts
    pts.clear()                                               # a copy: the cache survives
    assert len(slot_value_points(shape)) == 10


def test_honest_values_refusals_name_the_slot():
    shape = shape_for(9, 3)
    assert "slot 2: the blank mark" in honest_values_error(shape, (1, 10, 20))
    assert "slot 2: values are not strictly" in honest_values_error(shape, (5, 5, 20))
    assert "slot 3: value is not an integer" in honest_values_error(shape, (5, 6, 2 ** 24 + 1))
    assert "2 slot values" in honest_values_error(shape, (5, 6))
    assert honest_values_error(shape, (10, 11, 2 ** 24)) == ""


def test_blank_ballot_encrypts_the_blank_mark_and_decrypts_to_it():
    contest = MANIFEST.contest("c0")                          # 9 candidates, L = 3
    shape = slot_shape(contest)
    rc, opening = encrypt_range_slots(CTX, contest, contest_selection(contest, []), BID)
    assert opening.values[0] == 10
    pts = slot_value_points(shape)
    decrypted = [pts.get(_decrypt_point(ct)) for ct in slot_ciphertexts(rc)]
    assert decrypted[0] == 10 and classify_slot_value(shape, decrypted[0]) == ("blank",)
    assert decrypted[1:] == [None, None]                      # marks: not in the table
    assert check_slot_opening(CTX, contest, BID, rc, opening) == ()


def test_ballot_with_votes_has_no_blank_mark():
    contest = MANIFEST.contest("c0")
    shape = slot_shape(contest)
    rc, opening = encrypt_range_slots(CTX, contest, contest_selection(contest, [9, 2]), BID)
    pts = slot_value_points(shape)
    decrypted = [pts.get(_decrypt_point(ct)) for ct in slot_ciphertexts(rc)]
    assert decrypted == [2, 9, None]
    assert check_slot_opening(CTX, contest, BID, rc, opening) == (1, 8)


def test_proportional_list_code_is_its_members():
    contest = MANIFEST.contest("c2")
    plain = contest_selection(contest, [290])      # list a2: the first half, 2 members
    rc, opening = encrypt_range_slots(CTX, contest, plain, BID)
    assert opening.values == (1, 2)
    assert check_slot_opening(CTX, contest, BID, rc, opening) == (0, 1)


def test_opening_round_trip_and_strict_decoding():
    contest = MANIFEST.contest("c0")
    rc, opening = encrypt_range_slots(CTX, contest, contest_selection(contest, [3]), BID)
    assert "hidden" in repr(opening) and str(opening.values[0]) not in repr(opening)
    data = encode_opening(opening)
    assert len(data) == 9 + 2 + 36 * 3
    assert decode_opening(data) == opening
    bad_nonce = data[:11 + 4] + (Scalar.ORDER).to_bytes(32, "little") + data[11 + 36:]
    for bad, what in ((data[:-1], "exactly"), (data + b"\0", "exactly"),
                      (b"XVSO" + data[4:], "magic"), (data[:4] + b"\2" + data[5:], "version"),
                      (data[:5], "shorter"), (bad_nonce, "slot 1 at offset 15")):
        with pytest.raises(InvalidEncoding, match=what):
            decode_opening(bad)


def test_opening_that_does_not_reproduce_a_slot_is_refused_naming_it():
    contest = MANIFEST.contest("c0")
    rc, opening = encrypt_range_slots(CTX, contest, contest_selection(contest, [3]), BID)
    vals, nonces = list(opening.values), list(opening.nonces)
    for j in range(3):
        lie = SlotOpening("c0", tuple(vals[:j] + [vals[j] + 1] + vals[j + 1:]),
                          tuple(nonces))
        with pytest.raises(InvalidProof, match=f"slot {j + 1}: the opening does not"):
            check_slot_opening(CTX, contest, BID, rc, lie)
    swapped = SlotOpening("c0", tuple(vals), (nonces[1], nonces[0], nonces[2]))
    with pytest.raises(InvalidProof, match="slot 1: the opening does not"):
        check_slot_opening(CTX, contest, BID, rc, swapped)
    with pytest.raises(InvalidProof, match="another contest"):
        check_slot_opening(CTX, contest, BID, rc, SlotOpening("c1", opening.values,
                                                              opening.nonces))


def test_a_kiosk_adding_the_blank_mark_to_a_vote_is_caught_by_the_opening():
    """The range proof cannot see it (spec 6.4); the challenge check can."""
    from evote.protocol.slot_range import _offline, _prove, randomness_size
    contest = MANIFEST.contest("c0")
    shape = slot_shape(contest)
    values = (3, 10, 2 ** 23)                   # a vote for candidate 2, then N+1
    gaps = (2, 6, 2 ** 23 - 11)
    st_ = _offline(CTX, shape, os.urandom(randomness_size(shape)))
    rc = _prove(CTX, "c0", shape, gaps, BID, st_)
    lie = SlotOpening("c0", values, tuple(st_["r"]))
    with pytest.raises(InvalidProof, match="slot 2: the blank mark after a choice"):
        check_slot_opening(CTX, contest, BID, rc, lie)


def test_precomputation_is_used_once_and_for_its_contest():
    contest = MANIFEST.contest("c0")
    pre = precompute(CTX, contest)
    assert "hidden" in repr(pre)
    encrypt_range_slots(CTX, contest, contest_selection(contest, [1]), BID, precomputed=pre)
    with pytest.raises(EvoteValueError, match="already used"):
        encrypt_range_slots(CTX, contest, contest_selection(contest, [1]), BID,
                            precomputed=pre)
    other = precompute(CTX, MANIFEST.contest("c1"))
    with pytest.raises(EvoteValueError, match="another election or contest"):
        encrypt_range_slots(CTX, contest, contest_selection(contest, [1]), BID,
                            precomputed=other)
