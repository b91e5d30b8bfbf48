"""Ballot encryption: honest ballots verify (both ways), ciphertexts hold the choices,
the prover refuses impossible statements and no forged proof verifies."""
import os
import re

import pytest
from hypothesis import given, settings, strategies as st

from ballot_support import make_context, make_manifest
from evote.errors import BallotError, EvoteValueError, InvalidProof
from evote.group import Point, Scalar
from evote.protocol import disjunctive
from evote.protocol.ballot import PlaintextBallot, PlaintextContest, plaintext_ballot
from evote.protocol.encrypt import encrypt_ballot, encrypt_plaintext, seeded_rng
from evote.protocol.verify_ballot import (BatchVerificationError, verify_ballot,
                                          verify_ballots_batch)

CTX = make_context()
M = make_manifest(((4, 2, "plurality"), (3, 3, "proportional")))
# c0: candidates 1..4, max 2. c1: candidates 101..103 (lists 190 = {101}, 191 = {102, 103}).


def decrypt_votes(contest_enc):
    """m_i by brute force from beta - s*alpha (test context knows s)."""
    out = []
    for sel in (*contest_enc.selections, contest_enc.blank):
        mg = Point.from_bytes(sel.beta) - CTX.secret * Point.from_bytes(sel.alpha)
        for m in range(4):
            if mg == Point.mul_base(m):
                out.append(m)
                break
        else:
            out.append(None)
    return out


def bid():
    return os.urandom(32)


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(1, 4), unique=True, max_size=2),
       st.lists(st.sampled_from(["101", "190", "191", "102", "103"]), max_size=2))
def test_honest_ballots_verify_and_hold_the_choices(c0, c1):
    choices = {"c0": c0}
    try:
        plain = plaintext_ballot(M, "s", {"c0": c0, "c1": c1})
        choices["c1"] = c1
    except BallotError:
        plain = plaintext_ballot(M, "s", choices)
    ballot, secrets = encrypt_ballot(CTX, M, "s", choices, bid())
    verify_ballot(CTX, M, ballot)
    verify_ballot(CTX, M, ballot, exact=True)
    assert verify_ballots_batch(CTX, M, [ballot]) == 1
    for enc, p in zip(ballot.contests, plain.contests):
        assert decrypt_votes(enc) == list(p.votes) + [p.blank]
    assert [c.selected for c in secrets.contests] == [p.selected for p in plain.contests]


def test_blank_ballot():
    ballot, _ = encrypt_ballot(CTX, M, "s", {}, bid())
    verify_ballot(CTX, M, ballot)
    assert decrypt_votes(ballot.contests[0]) == [0, 0, 0, 0, 1]


def test_full_ballot_at_max_choices():
    ballot, _ = encrypt_ballot(CTX, M, "s", {"c0": [3, 4], "c1": ["190", "191"]}, bid())
    verify_ballots_batch(CTX, M, [ballot])
    assert decrypt_votes(ballot.contests[1]) == [1, 1, 1, 0]


def test_homomorphic_sum_counts_votes_and_blanks():
    ballots = [encrypt_ballot(CTX, M, "s0", ch, bid())[0]
               for ch in ({"c0": [1, 2]}, {"c0": [2]}, {}, {"c0": [4, 2]})]
    sums = []
    for slot in range(5):
        a = Point.identity()
        b = Point.identity()
        for bal in ballots:
            sel = (*bal.contests[0].selections, bal.contests[0].blank)[slot]
            a = a + Point.from_bytes(sel.alpha)
            b = b + Point.from_bytes(sel.beta)
        mg = b - CTX.secret * a
        sums.append(next(m for m in range(5) if Point.mul_base(m) == mg))
    assert sums == [1, 3, 0, 1, 1]  # candidates 1..4, then blank ballots


def test_encryption_is_randomized_and_replayable():
    plain = plaintext_ballot(M, "s0", {"c0": [1]})
    i = bytes(32)
    a = encrypt_plaintext(CTX, M, plain, i, seeded_rng(b"x"))[0]
    b = encrypt_plaintext(CTX, M, plain, i, seeded_rng(b"x"))[0]
    c = encrypt_plaintext(CTX, M, plain, i, seeded_rng(b"y"))[0]
    assert a.to_bytes() == b.to_bytes() != c.to_bytes()


def test_secrets_never_in_repr():
    ballot, secrets = encrypt_ballot(CTX, M, "s0", {"c0": [1]}, bid())
    r = secrets.contests[0].nonces[0]
    assert r.to_bytes().hex() not in repr(secrets) and "hidden" in repr(secrets)
    assert "hidden" in repr(secrets.contests[0])


def test_prover_refuses_a_two_in_a_zero_one_slot():
    with pytest.raises(EvoteValueError, match="cannot prove that 2 lies in"):
        disjunctive.prove(2, Scalar.random(), 0, 1, CTX.k_table, "evote/v1/x", (b"",),
                          os.urandom(disjunctive.randomness_size(0, 1)))
    plain = PlaintextBallot("s0", (PlaintextContest("c0", (1,), (2, 0, 0, 0)),))
    with pytest.raises(EvoteValueError, match="contest 'c0': .*cannot prove"):
        encrypt_plaintext(CTX, M, plain, bid(), os.urandom)


def test_prover_refuses_too_many_choices():
    with pytest.raises(BallotError):
        encrypt_ballot(CTX, M, "s0", {"c0": [1, 2, 3]}, bid())
    # Past the validator: the range proof itself refuses 3 > L = 2.
    plain = PlaintextBallot("s0", (PlaintextContest("c0", (1, 2, 3), (1, 1, 1, 0)),))
    with pytest.raises(EvoteValueError, match=r"contest 'c0': .*cannot prove that 3 lies in \[1, 2\]"):
        encrypt_plaintext(CTX, M, plain, bid(), os.urandom)


def _forging(monkeypatch):
    """Let the prover emit proofs of false statements (as a cheating kiosk would)."""
    def unchecked(value, nonce, lo, hi, *rest):
        return disjunctive._prove_unchecked(Scalar.from_int(value), nonce, lo, hi, *rest)
    monkeypatch.setattr(disjunctive, "prove", unchecked)


@pytest.mark.parametrize("votes, selected, where", [
    ((2, 0, 0, 0), (1,), "candidate 1 (position 0)"),          # a 2 in a 0/1 slot
    ((1, 1, 1, 0), (1, 2, 3), "range proof"),                  # over-vote: 3 > max 2
    ((0, 0, 0, 0), (1,), "range proof"),                       # nothing chosen, yet b = 0
])
def test_forged_proofs_do_not_verify(monkeypatch, votes, selected, where):
    _forging(monkeypatch)
    contest = PlaintextContest("c0", selected, votes)  # blank = 0: `selected` is not empty
    plain = PlaintextBallot("s0", (contest,))
    ballot, _ = encrypt_plaintext(CTX, M, plain, bid(), os.urandom)
    with pytest.raises(InvalidProof) as e1:
        verify_ballot(CTX, M, ballot)
    assert "contest 'c0'" in str(e1.value) and where in str(e1.value)
    with pytest.raises(InvalidProof, match=re.escape(where)):
        verify_ballot(CTX, M, ballot, exact=True)
    with pytest.raises(BatchVerificationError) as e2:
        verify_ballots_batch(CTX, M, [ballot])
    assert [f.index for f in e2.value.failures] == [0]


def test_blank_with_a_vote_does_not_verify(monkeypatch):
    # b = 1 together with one vote: sum + L*b = 3 is outside [1, 2].
    _forging(monkeypatch)
    plain = PlaintextBallot("s0", (PlaintextContest("c0", (), (0, 1, 0, 0)),))
    ballot, _ = encrypt_plaintext(CTX, M, plain, bid(), os.urandom)
    with pytest.raises(InvalidProof, match="range proof"):
        verify_ballot(CTX, M, ballot)
    with pytest.raises(BatchVerificationError):
        verify_ballots_batch(CTX, M, [ballot])


def test_proof_bound_to_ballot_id_and_election():
    ballot, _ = encrypt_ballot(CTX, M, "s0", {"c0": [1]}, bid())
    moved = type(ballot)(bid(), ballot.style_id, ballot.contests)
    with pytest.raises(InvalidProof):
        verify_ballot(CTX, M, moved)
    other = make_context()
    with pytest.raises(InvalidProof):
        verify_ballot(other, M, ballot)
    with pytest.raises(BatchVerificationError):
        verify_ballots_batch(other, M, [ballot])


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_every_contest_shape_verifies(data):
    n = data.draw(st.integers(1, 5), label="n")
    big_l = data.draw(st.integers(1, n), label="L")
    manifest = make_manifest(((n, big_l, "plurality"),), extra_style=False)
    chosen = data.draw(st.lists(st.integers(1, n), unique=True, max_size=big_l), label="chosen")
    ballot, _ = encrypt_ballot(CTX, manifest, "s", {"c0": chosen}, bid())
    assert ballot.contests[0].range_proof.branches == big_l
    verify_ballot(CTX, manifest, ballot)
    verify_ballots_batch(CTX, manifest, [ballot])
    assert decrypt_votes(ballot.contests[0]) == [int(i in chosen) for i in range(1, n + 1)] \
        + [int(not chosen)]


def test_bad_arguments_are_named():
    from evote.errors import EvoteTypeError
    with pytest.raises(EvoteTypeError, match="ballot_id must be bytes"):
        encrypt_ballot(CTX, M, "s0", {}, "00" * 32)
    with pytest.raises(EvoteValueError, match="ballot_id must be 32 bytes, got 31"):
        encrypt_ballot(CTX, M, "s0", {}, bytes(31))
    with pytest.raises(EvoteTypeError, match="context"):
        encrypt_ballot(object(), M, "s0", {}, bid())
