"""Benaloh challenge: round trip, and every kind of kiosk lie is caught and located."""
import dataclasses
import os

import pytest
from hypothesis import given, settings, strategies as st

from ballot_support import make_context, make_manifest
from evote.errors import InvalidEncoding, InvalidProof
from evote.group import Scalar
from evote.protocol.ballot import PlaintextBallot, PlaintextContest
from evote.protocol.challenge import (ChallengeMismatch, ChallengeRecord, make_challenge,
                                      verify_challenge)
from evote.protocol.encrypt import encrypt_ballot, encrypt_plaintext
from evote.protocol.encrypted_ballot import BallotSecrets

CTX = make_context()
M = make_manifest(((4, 2, "plurality"), (3, 2, "proportional")))
BALLOT, SECRETS = encrypt_ballot(CTX, M, "s", {"c0": [2, 3], "c1": ["191"]}, os.urandom(32))
RECORD = make_challenge(BALLOT, SECRETS)


def _with_contest(secrets, k, **changes):
    contests = list(secrets.contests)
    contests[k] = dataclasses.replace(contests[k], **changes)
    return BallotSecrets(secrets.ballot_id, secrets.style_id, tuple(contests))


def test_round_trip_and_verify():
    raw = RECORD.to_bytes()
    back = ChallengeRecord.from_bytes(raw)
    assert back.ballot == BALLOT and back.to_bytes() == raw
    assert [c.selected for c in back.secrets.contests] == [(2, 3), (102, 103)]
    verify_challenge(CTX, M, back)


def test_blank_ballot_challenge():
    b, s = encrypt_ballot(CTX, M, "s0", {}, os.urandom(32))
    verify_challenge(CTX, M, ChallengeRecord.from_bytes(make_challenge(b, s).to_bytes()))


@pytest.mark.parametrize("selected, words", [
    ((2, 4), "candidate 3 (position 2)"),     # kiosk claims another choice
    ((2,), "candidate 3 (position 2)"),       # claims fewer
    ((), "candidate 2 (position 1)"),         # claims blank
])
def test_revealed_choice_that_was_not_encrypted(selected, words):
    bad = _with_contest(SECRETS, 0, selected=selected)
    with pytest.raises(ChallengeMismatch) as e:
        verify_challenge(CTX, M, ChallengeRecord(BALLOT, bad))
    assert "contest 'c0'" in str(e.value) and words in str(e.value)


def test_wrong_nonce_is_located():
    nonces = list(SECRETS.contests[1].nonces)
    nonces[2] = nonces[2] + 1
    bad = _with_contest(SECRETS, 1, nonces=tuple(nonces))
    with pytest.raises(ChallengeMismatch, match=r"contest 'c1': candidate 103 \(position 2\)"):
        verify_challenge(CTX, M, ChallengeRecord(BALLOT, bad))
    nonces = list(SECRETS.contests[0].nonces)
    nonces[-1] = Scalar.zero()
    bad = _with_contest(SECRETS, 0, nonces=tuple(nonces))
    with pytest.raises(ChallengeMismatch, match="blank indicator"):
        verify_challenge(CTX, M, ChallengeRecord(BALLOT, bad))


def test_kiosk_that_encrypted_something_else_is_caught():
    # The kiosk encrypts candidate 1 but the voter chose candidate 2 (and reveals "2").
    plain = PlaintextBallot("s0", (PlaintextContest("c0", (1,), (1, 0, 0, 0)),))
    ballot, secrets = encrypt_plaintext(CTX, M, plain, os.urandom(32), os.urandom)
    lie = _with_contest(secrets, 0, selected=(2,))
    with pytest.raises(ChallengeMismatch, match=r"candidate 1 \(position 0\)"):
        verify_challenge(CTX, M, ChallengeRecord(ballot, lie))


def test_invalid_revealed_choices_and_shape():
    with pytest.raises(ChallengeMismatch, match="not valid"):
        verify_challenge(CTX, M, ChallengeRecord(BALLOT, _with_contest(SECRETS, 0, selected=(9,))))
    with pytest.raises(ChallengeMismatch, match="candidate order"):
        verify_challenge(CTX, M, ChallengeRecord(BALLOT, _with_contest(SECRETS, 0,
                                                                       selected=(3, 2))))
    short = _with_contest(SECRETS, 0, nonces=SECRETS.contests[0].nonces[:-1])
    with pytest.raises(ChallengeMismatch, match="nonces"):
        verify_challenge(CTX, M, ChallengeRecord(BALLOT, short))
    other, _ = encrypt_ballot(CTX, M, "s", {}, os.urandom(32))
    with pytest.raises(ChallengeMismatch, match="another ballot"):
        verify_challenge(CTX, M, ChallengeRecord(other, SECRETS))


def test_proofs_are_checked_too():
    data = bytearray(BALLOT.to_bytes())
    data[-1] ^= 1  # last response of the last range proof
    from evote.protocol.encrypted_ballot import EncryptedBallot
    bad = EncryptedBallot.from_bytes(bytes(data))
    with pytest.raises(InvalidProof, match="range proof"):
        verify_challenge(CTX, M, ChallengeRecord(bad, SECRETS))
    verify_challenge(CTX, M, ChallengeRecord(bad, SECRETS), check_proofs=False)


RAW = RECORD.to_bytes()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(RAW) - 1), st.integers(1, 255))
def test_any_changed_byte_is_refused(pos, x):
    data = bytearray(RAW)
    data[pos] ^= x
    try:
        rec = ChallengeRecord.from_bytes(bytes(data))
    except InvalidEncoding:
        return
    with pytest.raises(InvalidProof):
        verify_challenge(CTX, M, rec)


@pytest.mark.parametrize("data, words", [
    (b"EVCX" + RAW[4:], "magic"),
    (RAW[:-1], "total length"),
    (RAW[:8] + (len(RAW) + 1).to_bytes(4, "big") + RAW[12:] + b"\0", "trailing"),
])
def test_malformed_records(data, words):
    with pytest.raises(InvalidEncoding, match=words):
        ChallengeRecord.from_bytes(data)


def test_non_canonical_nonce_is_named():
    data = bytearray(RAW)
    data[-32:] = b"\xff" * 32
    with pytest.raises(InvalidEncoding, match="contest 'c1' nonce 3"):
        ChallengeRecord.from_bytes(bytes(data))
