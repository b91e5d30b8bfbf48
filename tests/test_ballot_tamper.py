"""Any change to a ballot makes both verifiers fail, and batch and one-by-one agree."""
import os
import random

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from ballot_support import make_context, make_manifest
from evote.errors import InvalidEncoding, InvalidProof
from evote.protocol.encrypt import encrypt_ballot
from evote.protocol.encrypted_ballot import EncryptedBallot, EncryptedContest
from evote.protocol.verify_ballot import (BatchVerificationError, verify_ballot,
                                          verify_ballots_batch)

CTX = make_context()
M = make_manifest(((2, 2, "plurality"), (3, 1, "plurality")), extra_style=True)
POOL = [encrypt_ballot(CTX, M, "s", ch, os.urandom(32))[0]
        for ch in ({"c0": [1]}, {"c0": [1, 2], "c1": [102]}, {}, {"c1": [103]})]
SMALL = encrypt_ballot(CTX, M, "s0", {"c0": [2]}, os.urandom(32))[0]
RAW = SMALL.to_bytes()


def crypto_fields(ballot):
    """(name, offset) of every 32-byte field after the ballot id, from the documented
    layout (specs/protocol.md section 6)."""
    out = []
    pos = 12 + 32 + 1 + len(ballot.style_id)
    for c in ballot.contests:
        pos += 1 + len(c.contest_id) + 4
        n = len(c.selections)
        names = ["alpha", "beta", "A0", "B0", "A1", "B1", "c0", "v0", "v1"]
        for i in range(n + 1):
            for f in names:
                out.append((f"{c.contest_id} slot {i} {f}", pos))
                pos += 32
        big_l = c.range_proof.branches
        for f in ([f"{x}{j}" for j in range(1, big_l + 1) for x in "AB"]
                  + [f"c{j}" for j in range(1, big_l)] + [f"v{j}" for j in range(1, big_l + 1)]):
            out.append((f"{c.contest_id} range {f}", pos))
            pos += 32
    assert pos == len(ballot.to_bytes())
    return out


def both_fail(ballot):
    with pytest.raises(InvalidProof) as one:
        verify_ballot(CTX, M, ballot)
    with pytest.raises(InvalidProof) as exact:
        verify_ballot(CTX, M, ballot, exact=True)
    assert str(exact.value) == str(one.value)
    with pytest.raises(BatchVerificationError) as batch:
        verify_ballots_batch(CTX, M, [ballot])
    assert [f.index for f in batch.value.failures] == [0]
    assert str(batch.value.failures[0].error) == str(one.value)
    return str(one.value)


def test_honest_pool_verifies():
    for b in POOL + [SMALL]:
        verify_ballot(CTX, M, b)
        verify_ballot(CTX, M, b, exact=True)
    assert verify_ballots_batch(CTX, M, POOL + [SMALL]) == 5


@pytest.mark.parametrize("name, offset", crypto_fields(SMALL))
def test_changing_any_byte_of_any_field_fails(name, offset):
    rnd = random.Random(offset)
    for k in (0, rnd.randrange(1, 31), 31):
        data = bytearray(RAW)
        data[offset + k] ^= rnd.randrange(1, 256)
        ballot = EncryptedBallot.from_bytes(bytes(data))  # structure is intact
        msg = both_fail(ballot)
        assert "contest 'c0'" in msg, (name, msg)


def test_changing_the_ballot_id_fails():
    data = bytearray(RAW)
    data[20] ^= 4
    both_fail(EncryptedBallot.from_bytes(bytes(data)))


def test_error_names_candidate_branch_and_equation():
    data = bytearray(RAW)
    off = dict(crypto_fields(SMALL))["c0 slot 1 A1"]
    data[off:off + 32] = SMALL.contests[0].selections[0].proof.commitments[2]  # a valid point
    msg = both_fail(EncryptedBallot.from_bytes(bytes(data)))
    assert "candidate 2 (position 1): branch 1: equation E1" in msg


def test_swapped_selections_fail():
    c = SMALL.contests[0]
    swapped = EncryptedContest(c.contest_id, c.selections[::-1], c.blank, c.range_proof)
    msg = both_fail(EncryptedBallot(SMALL.ballot_id, SMALL.style_id, (swapped,)))
    assert "position 0" in msg


def test_wrong_style_or_contest_order_fails():
    b = POOL[1]
    both_fail(EncryptedBallot(b.ballot_id, b.style_id, b.contests[::-1]))
    both_fail(EncryptedBallot(b.ballot_id, "s0", b.contests))
    both_fail(EncryptedBallot(b.ballot_id, "nope", b.contests))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(RAW) - 1), st.integers(1, 255))
def test_any_byte_of_the_wire_fails(pos, x):
    data = bytearray(RAW)
    data[pos] ^= x
    try:
        ballot = EncryptedBallot.from_bytes(bytes(data))
    except InvalidEncoding:
        return
    both_fail(ballot)


tamperings = st.lists(st.tuples(st.integers(0, len(POOL) - 1), st.integers(0, 10 ** 6),
                                st.integers(1, 255)), max_size=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tamperings)
@example([(0, 12, 1), (0, 2395, 16)])   # ballot id changed and a range response >= l: the
def test_batch_and_one_by_one_agree(changes):   # exact path meets a failing equation first
    raws = [bytearray(b.to_bytes()) for b in POOL]
    for i, pos, x in changes:
        raws[i][pos % len(raws[i])] ^= x
    ballots = []
    for r in raws:
        try:
            ballots.append(EncryptedBallot.from_bytes(bytes(r)))
        except InvalidEncoding:
            pass
    expected, exact = {}, {}
    for i, b in enumerate(ballots):
        try:
            verify_ballot(CTX, M, b)
        except InvalidProof as e:
            expected[i] = str(e)
        try:
            verify_ballot(CTX, M, b, exact=True)
        except InvalidProof as e:
            exact[i] = str(e)
    assert exact == expected
    if not expected:
        assert verify_ballots_batch(CTX, M, ballots) == len(ballots)
    else:
        with pytest.raises(BatchVerificationError) as e:
            verify_ballots_batch(CTX, M, ballots)
        assert {f.index: str(f.error) for f in e.value.failures} == expected


def test_fields_of_the_wrong_size_fail_alike():
    c = SMALL.contests[0]
    s = c.selections[0]
    a0, b0, a1, b1 = s.proof.commitments
    odd = s._replace(proof=s.proof._replace(commitments=(a0[:31], b0 + b"\0", a1, b1)))
    bad = EncryptedContest(c.contest_id, (odd,) + c.selections[1:], c.blank, c.range_proof)
    msg = both_fail(EncryptedBallot(SMALL.ballot_id, SMALL.style_id, (bad,)))
    assert "commitment 0 is not 32 bytes" in msg
    short = s._replace(alpha=s.alpha[:31])
    bad = EncryptedContest(c.contest_id, (short,) + c.selections[1:], c.blank, c.range_proof)
    assert "not 32 bytes" in both_fail(EncryptedBallot(SMALL.ballot_id, SMALL.style_id, (bad,)))


def test_the_first_fault_in_order_is_named_alike():
    """Several faults in one contest: every verifier names the first, in the order of
    verify_ballot's checks (selections, blank indicator, range proof)."""
    c = SMALL.contests[0]
    high = b"\xff" * 32   # not a canonical scalar
    s0, s1 = c.selections[:2]
    a0, b0, a1, b1 = s1.proof.commitments
    sels = (s0._replace(proof=s0.proof._replace(responses=(s0.proof.responses[0], high))),
            s1._replace(proof=s1.proof._replace(commitments=(a0[:31], b0, a1, b1)))) \
        + c.selections[2:]
    bad = EncryptedContest(c.contest_id, sels, c.blank, c.range_proof)
    msg = both_fail(EncryptedBallot(SMALL.ballot_id, SMALL.style_id, (bad,) + SMALL.contests[1:]))
    assert "(position 0)" in msg and "response v_1" in msg, msg
    b, rp = c.blank, c.range_proof
    blank = b._replace(proof=b.proof._replace(challenges=(high,)))
    rp_bad = rp._replace(responses=(high,) + rp.responses[1:])
    bad = EncryptedContest(c.contest_id, c.selections, blank, rp_bad)
    msg = both_fail(EncryptedBallot(SMALL.ballot_id, SMALL.style_id, (bad,) + SMALL.contests[1:]))
    assert "blank indicator" in msg and "challenge c_0" in msg, msg
    bad = EncryptedContest(c.contest_id, c.selections, c.blank, rp_bad)
    msg = both_fail(EncryptedBallot(SMALL.ballot_id, SMALL.style_id, (bad,) + SMALL.contests[1:]))
    assert "range proof" in msg and "response v_1" in msg, msg
