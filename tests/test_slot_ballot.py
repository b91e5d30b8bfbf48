"""The choice-slot ballot (specs/slot-ballot.md): honest ballots verify one by one and in
batch and their slot ciphertexts decrypt to the encoded values; every forged statement
(a repeated code, a code outside the contest, too many slots, unsorted slots, a gap that
is not a b-bit number) and every altered proof field is refused, by both verifiers, with
the slot and bit named. Forgeries come from a cheating kiosk that proves false 0/1
statements with the reference prover disjunctive._prove_unchecked."""
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evote.errors import EvoteValueError, InvalidEncoding, InvalidProof
from evote.group import G_TABLE, Point, Scalar
from evote.hashing import text, u64
from evote.protocol import disjunctive
from evote.protocol.ballot import contest_selection
from evote.protocol.encrypt import seeded_rng
from evote.protocol.encrypted_ballot import EncryptedSelection
from evote.protocol.slot_ballot import (SLOT_BIT_TAG, SlotBatchError, draw_values,
                                        encrypt_slot_values, encrypt_slots, shape_for,
                                        slot_ciphertexts, slot_shape, verify_slots,
                                        verify_slots_batch)
from evote.protocol.slot_codec import SlotContest, decode_slot_contest
from ballot_support import make_context, make_manifest

CTX = make_context(11)
MANIFEST = make_manifest(((9, 3, "plurality"), (6, 6, "plurality"), (4, 2, "proportional")),
                         extra_style=False)
FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def _decrypt(ct: bytes) -> int:
    m = Point.from_bytes(ct[32:]) - Point.from_bytes(ct[:32]) * CTX.secret
    for v in range(0, 1 << 12):
        if m == Point.generator() * Scalar.from_int(v):
            return v
    raise AssertionError("slot value out of the test's table")


@st.composite
def honest_ballots(draw):
    cid = draw(st.sampled_from(["c0", "c1"]))
    contest = MANIFEST.contest(cid)
    n, big_l = len(contest.candidates), contest.max_choices
    k = draw(st.sampled_from([0, 1, big_l]) | st.integers(0, big_l))
    # both ends of the range are drawn often: first and last candidate
    pos = draw(st.sets(st.sampled_from([0, n - 1]) | st.integers(0, n - 1),
                       min_size=k, max_size=k))
    codes = [contest.candidates[i].code for i in sorted(pos)]
    return contest, codes, draw(st.binary(min_size=32, max_size=32))


@FAST
@given(honest_ballots())
def test_honest_ballots_verify_and_decrypt(case):
    contest, codes, bid = case
    sc, secrets = encrypt_slots(CTX, contest, contest_selection(contest, codes), bid)
    shape = slot_shape(contest)
    verify_slots(CTX, contest, bid, sc)
    assert verify_slots_batch(CTX, contest, [(bid, sc), (bid, sc)]) == 2
    assert decode_slot_contest(sc.to_bytes()) == sc
    values = [_decrypt(ct) for ct in slot_ciphertexts(sc)]
    assert tuple(values) == secrets.values
    positions = sorted(i + 1 for i, c in enumerate(contest.candidates) if c.code in codes)
    assert values[:len(codes)] == positions
    lo, hi = shape.marks
    assert all(lo <= v <= hi for v in values[len(codes):])
    assert all(a < b for a, b in zip(values, values[1:]))


def test_proportional_list_code_is_its_members():
    contest = MANIFEST.contest("c2")
    plain = contest_selection(contest, [290])      # list a2: the first half, 2 members
    sc, secrets = encrypt_slots(CTX, contest, plain, bytes(32))
    verify_slots(CTX, contest, bytes(32), sc)
    assert secrets.values == (1, 2)     # L = 2, both slots the list's two members


def test_shape():
    assert shape_for(3000, 21) == (3000, 21, 12)
    assert shape_for(5, 2) == (5, 2, 3)
    assert shape_for(1, 1) == (1, 1, 1)
    assert shape_for(4096 - 21, 21).bits == 12 and shape_for(4096 - 20, 21).bits == 13
    with pytest.raises(EvoteValueError):
        shape_for(3, 4)


def test_marks_are_uniform_over_the_reserved_range():
    shape = shape_for(5, 2)           # marks 6, 7, 8
    seen = {}
    rng = seeded_rng(b"marks")
    for _ in range(600):
        for v in draw_values(shape, [], rng):
            seen[v] = seen.get(v, 0) + 1
    assert set(seen) == {6, 7, 8}
    assert all(300 < c < 500 for c in seen.values())   # 400 expected each


# ---------------------------------------------------------------- a cheating kiosk

def _forge(contest, bid, gaps, slots=None, bits=None, base_hash=None) -> SlotContest:
    """Bit ciphertexts for arbitrary gaps (a gap that is not a b-bit number puts the
    whole gap in bit 0), each with a 0/1 proof made anyway by the unchecked prover."""
    shape = slot_shape(contest)
    b = bits or shape.bits
    base = base_hash or CTX.base_hash
    records = []
    for j, d in enumerate(gaps, 1):
        bitvals = [(d >> i) & 1 for i in range(b)] if 0 <= d < (1 << b) else [d] + [0] * (b - 1)
        for i, m in enumerate(bitvals):
            r = Scalar.random()
            ms = Scalar.from_int(m % Scalar.ORDER)
            alpha = G_TABLE.mul(r).to_bytes()
            beta = G_TABLE.mul2(ms, CTX.k_table, r).to_bytes()
            fields = (base, bid, text(contest.contest_id), u64(shape.n),
                      u64(slots or shape.slots), u64(b), u64(j), u64(i), alpha + beta)
            proof = disjunctive._prove_unchecked(ms, r, 0, 1, CTX.k_table, SLOT_BIT_TAG,
                                                 fields, os.urandom(256))
            records.append(EncryptedSelection(alpha, beta, proof))
    return SlotContest(contest.contest_id, slots or shape.slots, b, tuple(records))


def _refused(contest, bid, sc, match):
    with pytest.raises(InvalidProof, match=match) as one:
        verify_slots(CTX, contest, bid, sc)
    with pytest.raises(SlotBatchError) as batch:
        verify_slots_batch(CTX, contest, [(bid, sc)])
    assert str(batch.value.failures[0].error) == str(one.value)


def test_forger_makes_valid_ballots_from_valid_gaps():
    contest = MANIFEST.contest("c0")     # 9 candidates, 3 slots, b = 4
    sc = _forge(contest, bytes(32), [0, 0, 5])       # values 1, 2, 8
    verify_slots(CTX, contest, bytes(32), sc)
    assert [_decrypt(ct) for ct in slot_ciphertexts(sc)] == [1, 2, 8]


@FAST
@given(st.integers(0, 2), st.sampled_from([-1, -2, -7, 16, 17, 100, Scalar.ORDER - 1]))
def test_forged_gaps_refused(j, bad):
    """A repeated code (gap -1), unsorted slots (gap < -1), a code outside the contest
    (v_1 <= 0 when j = 0), a gap of 2^b or more: each needs a non-bit, refused at slot j+1."""
    contest = MANIFEST.contest("c0")
    gaps = [0, 1, 2]
    gaps[j] = bad
    _refused(contest, bytes(32), _forge(contest, bytes(32), gaps), f"slot {j + 1} bit 0: V5")


def test_too_many_or_too_few_slots_refused():
    contest = MANIFEST.contest("c0")
    _refused(contest, bytes(32), _forge(contest, bytes(32), [0, 0, 0, 0], slots=4), "V1")
    sc = _forge(contest, bytes(32), [0, 0, 0])
    shorter = SlotContest(sc.contest_id, sc.slots, sc.bits, sc.records[:-1])
    _refused(contest, bytes(32), shorter, "V2")
    _refused(contest, bytes(32), _forge(contest, bytes(32), [0, 0, 0], bits=5), "V1")


def test_malformed_fields_are_refused_not_a_traceback():
    contest = MANIFEST.contest("c0")
    sc, _ = encrypt_slots(CTX, contest, contest_selection(contest, [1]), bytes(32))
    rec = sc.records[0]
    for bad in (sc._replace(records=list(sc.records)), sc._replace(records=(1,) * len(sc.records)),
                sc._replace(records=(rec._replace(alpha=b"x"),) + sc.records[1:]),
                sc._replace(records=(rec._replace(proof=None),) + sc.records[1:])):
        _refused(contest, bytes(32), bad, "V2")


def test_wrong_statement_refused():
    contest = MANIFEST.contest("c0")
    sc, _ = encrypt_slots(CTX, contest, contest_selection(contest, [1]), bytes(32))
    _refused(contest, bytes([1]) * 32, sc, "slot 1 bit 0: V5")          # other ballot
    _refused(MANIFEST.contest("c1"), bytes(32), sc, "V1")                # other contest
    other = _forge(contest, bytes(32), [0, 1, 2], base_hash=bytes(32))   # other election
    _refused(contest, bytes(32), other, "slot 1 bit 0: V5")


@FAST
@given(st.data())
def test_any_altered_proof_field_refused(data):
    contest = MANIFEST.contest("c0")
    sc, _ = encrypt_slots(CTX, contest, contest_selection(contest, [2, 9]), bytes(32))
    k = data.draw(st.integers(0, len(sc.records) - 1))
    field = data.draw(st.integers(0, 8))
    pos = data.draw(st.integers(0, 31))
    flip = data.draw(st.integers(1, 255))
    rec = sc.records[k]
    p = rec.proof
    fields = [rec.alpha, rec.beta, *p.commitments, *p.challenges, *p.responses]
    f = bytearray(fields[field])
    f[pos] ^= flip
    fields[field] = bytes(f)
    new = EncryptedSelection(fields[0], fields[1], disjunctive.DisjunctiveProof(
        tuple(fields[2:6]), (fields[6],), tuple(fields[7:9])))
    records = list(sc.records)
    records[k] = new
    bad = SlotContest(sc.contest_id, sc.slots, sc.bits, tuple(records))
    j, i = divmod(k, sc.bits)
    _refused(contest, bytes(32), bad, f"slot {j + 1} bit {i}: V[345]")


def test_batch_names_every_failing_item_and_passes_good_ones():
    contest = MANIFEST.contest("c1")
    items = []
    for n in range(6):
        bid = bytes([n]) * 32
        sc, _ = encrypt_slots(CTX, contest, contest_selection(contest, [101 + n]), bid)
        items.append((bid, sc))
    assert verify_slots_batch(CTX, contest, items) == 6
    items[1] = (bytes([9]) * 32, items[1][1])               # proof for another ballot
    items[4] = (items[4][0], _forge(contest, items[4][0], [0, -1, 0, 0, 0, 0]))
    with pytest.raises(SlotBatchError) as exc:
        verify_slots_batch(CTX, contest, items)
    assert [f.index for f in exc.value.failures] == [1, 4]
    assert "slot 2 bit 0" in str(exc.value.failures[1].error)


def test_kiosk_refuses_invalid_values():
    contest = MANIFEST.contest("c0")
    shape = slot_shape(contest)          # values in [1, 16]
    for values in ([2, 2, 5], [5, 2, 7], [0, 1, 2], [1, 2, 17], [1, 2], [1, 2, 3, 4]):
        with pytest.raises(EvoteValueError):
            encrypt_slot_values(CTX, "c0", shape, values, bytes(32), os.urandom)


def test_codec_refusals():
    contest = MANIFEST.contest("c1")
    wire = encrypt_slots(CTX, contest, contest_selection(contest, []), bytes(32))[0].to_bytes()
    for bad, what in ((wire[:-1], "bytes"), (wire + b"\0", "bytes"), (b"XVSL" + wire[4:], "magic"),
                      (wire[:4] + b"\2" + wire[5:], "version"), (wire[:8], "shorter")):
        with pytest.raises(InvalidEncoding, match=what):
            decode_slot_contest(bad)
