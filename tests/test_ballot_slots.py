"""Ballots holding a per-candidate contest and a slot contest (specs/protocol.md 6.1,
7.1, 7.2): the batch verifier and the one-by-one verifier agree on every ballot, name the
same first fault, and any altered byte of a slot contest is refused (hypothesis)."""
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from evote.errors import EvoteError, InvalidProof
from evote.protocol.encrypt import encrypt_ballot
from evote.protocol.encrypted_ballot import EncryptedBallot
from evote.protocol.verify_ballot import (BatchVerificationError, verify_ballot,
                                          verify_ballots_batch, verify_ballots_batch_summed)

from slot_ballot_support import make_context, slot_manifest

M = slot_manifest(n_slot=9, l_slot=3)
CTX = make_context(21)


def _ballot(k, choices):
    return encrypt_ballot(CTX, M, "s", choices, bytes([k]) * 32)[0]


def _bump(raw32: bytes) -> bytes:
    return ((int.from_bytes(raw32, "little") + 1) % (2 ** 252)).to_bytes(32, "little")


def _forge_slot(b):
    rc = b.contest("sl")
    return EncryptedBallot(b.ballot_id, b.style_id,
                           (b.contests[0], rc._replace(mu=_bump(rc.mu))))


def _forge_pc(b):
    pc = b.contest("pc")
    sel = pc.selections[0]
    p = sel.proof
    bad = sel._replace(proof=p._replace(responses=(_bump(p.responses[0]), p.responses[1])))
    return EncryptedBallot(b.ballot_id, b.style_id,
                           (pc._replace(selections=(bad,) + pc.selections[1:]), b.contests[1]))


BALLOTS = [_ballot(k, {"pc": ["1"], "sl": ["1001", "1005"]} if k % 2 else {}) for k in range(4)]
FORGED = [BALLOTS[0], _forge_slot(BALLOTS[1]), _forge_pc(BALLOTS[2]),
          _forge_slot(_forge_pc(BALLOTS[3]))]


def _exact_error(b) -> str:
    with pytest.raises(InvalidProof) as e:
        verify_ballot(CTX, M, b, exact=True)
    return str(e.value)


def test_batch_and_exact_agree_and_name_the_first_fault():
    assert verify_ballots_batch(CTX, M, BALLOTS) == 4
    sums = verify_ballots_batch_summed(CTX, M, BALLOTS, [True] * 4)
    assert set(sums) == {"pc"}   # a slot contest has no homomorphic sums
    with pytest.raises(BatchVerificationError) as e:
        verify_ballots_batch(CTX, M, FORGED)
    got = {f.index: str(f.error) for f in e.value.failures}
    assert sorted(got) == [1, 2, 3]
    for i, msg in got.items():
        assert msg == _exact_error(FORGED[i])
        with pytest.raises(InvalidProof) as one:
            verify_ballot(CTX, M, FORGED[i])            # the default (one-ballot batch) path
        assert str(one.value) == msg
    assert "contest 'sl'" in got[1]
    assert "contest 'pc'" in got[2] and "contest 'pc'" in got[3]   # ballot order: pc first
    with pytest.raises(BatchVerificationError):
        verify_ballots_batch_summed(CTX, M, FORGED, [True] * 4)


RAW = BALLOTS[1].to_bytes()
SLOT_START = RAW.index(b"EVSL")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=SLOT_START, max_value=len(RAW) - 1), st.integers(1, 255))
def test_any_altered_byte_of_a_slot_contest_is_refused(pos, x):
    data = bytearray(RAW)
    data[pos] ^= x
    try:
        b = EncryptedBallot.from_bytes(bytes(data))
    except EvoteError:
        return   # refused by the parser (a length, the magic, the contest id)
    with pytest.raises(InvalidProof):
        verify_ballot(CTX, M, b)
    with pytest.raises(BatchVerificationError):
        verify_ballots_batch(CTX, M, [BALLOTS[0], b])


def test_a_style_of_slot_contests_only():
    """Style "t" holds only the slot contest: no per-candidate column, no sums (the
    demo's slot city found np.concatenate of nothing raising here)."""
    ballots = [encrypt_ballot(CTX, M, "t", {"sl": ["1008"]} if k else {}, bytes([9, k]) * 16)[0]
               for k in range(3)]
    assert verify_ballots_batch(CTX, M, ballots) == 3
    assert verify_ballots_batch_summed(CTX, M, ballots, [True, False, True]) == {}
    forged = [ballots[0], _forge_only_slot(ballots[1]), ballots[2]]
    with pytest.raises(BatchVerificationError) as e:
        verify_ballots_batch_summed(CTX, M, forged, [True] * 3)
    assert [f.index for f in e.value.failures] == [1]
    from evote.tally.aggregate import Layouts, Tallier
    t = Tallier(Layouts(M))
    for k, b in enumerate(ballots):
        t.add(b.to_bytes(), k)
    assert dict(t.result(["sl"]).items()) == {}
    assert t.slot_bytes() == {"sl": b"".join(b"".join(b.contests[0].ciphertexts)
                                             for b in ballots)}


def _forge_only_slot(b):
    rc = b.contests[0]
    return EncryptedBallot(b.ballot_id, b.style_id, (rc._replace(mu=_bump(rc.mu)),))


@pytest.mark.parametrize("length, words", [
    (0, "slot contest length at offset"),
    ((1 << 24) + 1, "slot contest length at offset"),
    (5, "slot contest at offset"),          # too short for EVSL: its own parser says so
])
def test_a_slot_block_with_a_bad_length_is_refused_at_its_offset(length, words):
    raw = bytearray(RAW)
    at = SLOT_START - 4          # the u32 E before the EVSL bytes
    raw[at:at + 4] = length.to_bytes(4, "big")
    with pytest.raises(EvoteError) as e:
        EncryptedBallot.from_bytes(bytes(raw))
    assert f"contest 1 ('sl') {words}" in str(e.value)
    assert (f"offset {at}" in str(e.value)) or (f"offset {at + 4}" in str(e.value))


def test_tally_refuses_a_slot_block_of_another_shape_naming_it():
    from evote.tally import tally_ballot_blobs
    from evote.tally.errors import BallotRefused
    other = slot_manifest(n_slot=9, l_slot=4)   # L = 4 where the manifest says 3
    b, _ = encrypt_ballot(CTX, other, "s", {}, bytes([3]) * 32)
    with pytest.raises(BallotRefused, match=r"ballot 0: contests \(id, candidates, "
                       r"max_choices\) \[\('pc', 4, 2\), \('sl', 'slots', 4\)\] differ from "
                       r"style 's' in the manifest \[\('pc', 4, 2\), \('sl', 'slots', 3\)\]"):
        tally_ballot_blobs(M, [b.to_bytes()])
    tally = tally_ballot_blobs(M, [x.to_bytes() for x in BALLOTS])
    assert [c for c, _ in tally.items()] == ["pc"]   # no tally for the slot contest
