"""A dishonest or damaged ceremony is detected and named: complaints, bad records."""
import dataclasses
import json

import nacl.public
import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteError, InvalidProof, InvalidSignature
from evote.group import G_TABLE, Point, Scalar
from evote.protocol import ceremony as cer
from evote.protocol.context import ElectionContext
from evote.protocol.guardian import (Complaint, GuardianRecord, SealedShare,
                                     share_plaintext)
from evote.protocol.schnorr import (SchnorrProof, prove_schnorr, verify_schnorr,
                                    verify_schnorr_batch)

from ceremony_support import manifest_hash_for

N, T = 3, 2
MH = manifest_hash_for("tamper")


@pytest.fixture(scope="module")
def setup():
    guardians = [cer.generate_guardian(MH, i, N, T) for i in range(1, N + 1)]
    records = [cer.publish_record(g) for g in guardians]
    inbox = {g.index: {} for g in guardians}
    for g in guardians:
        for s in cer.deal_shares(g, records):
            inbox[s.recipient][s.sender] = s
    return guardians, records, inbox


def _forge(dealer, recipient_record, plaintext):
    """A share sealed and signed by `dealer`, with arbitrary plaintext."""
    sealed = nacl.public.SealedBox(nacl.public.PublicKey(recipient_record.transport_key)).encrypt(plaintext)
    d = SealedShare.signed_digest(MH, dealer.index, recipient_record.index, sealed)
    return SealedShare(MH, dealer.index, recipient_record.index, sealed, dealer.sign(d))


def _finish_with(setup, recipient, replace):
    guardians, records, inbox = setup
    shares = dict(inbox[recipient])
    shares.update(replace)
    return cer.finish_guardian(guardians[recipient - 1], records,
                               [s for s in shares.values() if s is not None])


def test_honest_shares_give_no_complaint(setup):
    out = _finish_with(setup, 2, {})
    assert out.complaints == () and out.guardian.key_share is not None


def test_wrong_share_value_is_a_named_signed_complaint(setup):
    guardians, records, _ = setup
    dealer = guardians[0]
    wrong = dealer.evaluate(3) + 1
    out = _finish_with(setup, 3, {1: _forge(dealer, records[2], share_plaintext(MH, 1, 3, wrong))})
    assert out.guardian is None
    (c,) = out.complaints
    assert (c.accuser, c.accused, c.reason) == (3, 1, "share-mismatch")
    assert "guardian 3 complains about guardian 1" in str(c)
    assert c.revealed_share == wrong.to_bytes()
    cer.verify_complaint(c, records)  # signed by 3 and founded
    back = Complaint.from_json_obj(json.loads(json.dumps(c.to_json_obj())))
    assert back == c
    # a forged or unfounded complaint is refused
    with pytest.raises(InvalidSignature):
        cer.verify_complaint(dataclasses.replace(c, detail="edited"), records)
    honest = cer.make_complaint(guardians[2], 1, "share-mismatch", "lie", bytes(32),
                                dealer.evaluate(3).to_bytes())
    with pytest.raises(cer.CeremonyError, match="unfounded"):
        cer.verify_complaint(honest, records)
    # the same guardian's genuine complaint from another election is not replayed here
    elsewhere = cer.make_complaint(dataclasses.replace(guardians[2], manifest_hash=b"\x01" * 32),
                                   1, "share-mismatch", "lie", bytes(32), wrong.to_bytes())
    with pytest.raises(cer.CeremonyError, match="another election"):
        cer.verify_complaint(elsewhere, records)


@pytest.mark.parametrize("kind,reason", [
    ("flip-sealed", "bad-signature"),
    ("garbage-sealed", "undecryptable"),
    ("wrong-recipient-inside", "bad-binding"),
    ("wrong-manifest-inside", "bad-binding"),
    ("non-canonical-share", "bad-binding"),
    ("missing", "missing"),
])
def test_bad_delivery_is_named(setup, kind, reason):
    guardians, records, inbox = setup
    dealer, honest = guardians[1], inbox[1][2]
    share = dealer.evaluate(1)
    if kind == "flip-sealed":
        bad = dataclasses.replace(honest, sealed=honest.sealed[:-1] + bytes([honest.sealed[-1] ^ 1]))
    elif kind == "garbage-sealed":
        sealed = bytes(len(honest.sealed))
        bad = SealedShare(MH, 2, 1, sealed, dealer.sign(SealedShare.signed_digest(MH, 2, 1, sealed)))
    elif kind == "wrong-recipient-inside":
        bad = _forge(dealer, records[0], share_plaintext(MH, 2, 3, share))
    elif kind == "wrong-manifest-inside":
        bad = _forge(dealer, records[0], share_plaintext(bytes(32), 2, 1, share))
    elif kind == "non-canonical-share":
        bad = _forge(dealer, records[0], share_plaintext(MH, 2, 1, share)[:48] + b"\xff" * 32)
    else:
        bad = None
    out = _finish_with(setup, 1, {2: bad})
    (c,) = out.complaints
    assert (c.accuser, c.accused, c.reason) == (1, 2, reason)
    cer.verify_complaint(c, records)


def test_inbox_mixups_refused(setup):
    guardians, records, inbox = setup
    with pytest.raises(cer.CeremonyError, match="was given share 2->1"):
        cer.finish_guardian(guardians[2], records, [inbox[1][2]])
    with pytest.raises(cer.CeremonyError, match="two shares"):
        cer.finish_guardian(guardians[0], records, [inbox[1][2], inbox[1][2]])


def test_record_tampering_detected(setup):
    guardians, records, _ = setup
    rec = records[1]
    g2 = Point.generator()
    # changed commitment, signature left: the signature fails
    bad = dataclasses.replace(rec, commitments=(rec.commitments[0] + g2,) + rec.commitments[1:])
    with pytest.raises(InvalidSignature, match="guardian 2"):
        bad.verify()
    # the guardian itself signs a commitment whose proof does not match: proof fails,
    # batch and one by one naming the same coefficient
    resigned = _resign(guardians[1], bad)
    for batch in (True, False):
        with pytest.raises(InvalidProof, match="guardian 2: Schnorr proof for coefficient 0"):
            resigned.verify(batch=batch)
    with pytest.raises(InvalidProof, match="guardian 2"):
        cer.build_context(MH, N, T, [records[0], resigned, records[2]])
    # a changed proof response
    p = rec.proofs[1]
    bad_p = _resign(guardians[1], dataclasses.replace(
        rec, proofs=(rec.proofs[0], SchnorrProof(p.commitment, p.response + 1))))
    with pytest.raises(InvalidProof, match="coefficient 1"):
        bad_p.verify()
    # JSON loader verifies
    obj = bad_p.to_json_obj()
    with pytest.raises(InvalidProof):
        GuardianRecord.from_json_obj(obj)


def _resign(guardian, rec):
    d = rec.digest()
    return dataclasses.replace(rec, signature=guardian.sign(d))


# ---- Schnorr: batch and one-by-one agree on every mutation (hypothesis states it)

@pytest.fixture(scope="module")
def schnorr_items():
    items = []
    for j in range(6):
        a = Scalar.random()
        items.append((prove_schnorr(a, MH, 1 + j % 2, j), G_TABLE.mul(a), 1 + j % 2, j))
    return items


def _verdict_one_by_one(items):
    for p, k, i, j in items:
        try:
            verify_schnorr(p, k, MH, i, j)
        except InvalidProof as exc:
            return str(exc)
    return None


def _verdict_batch(items):
    try:
        verify_schnorr_batch(items, MH)
    except InvalidProof as exc:
        return str(exc)
    return None


@settings(max_examples=30, deadline=None)
@given(which=st.integers(0, 5), field=st.sampled_from(["h", "v", "K", "i", "j"]),
       delta=st.integers(1, 2**32))
def test_schnorr_batch_equals_one_by_one(schnorr_items, which, field, delta):
    items = list(schnorr_items)
    assert _verdict_batch(items) is None and _verdict_one_by_one(items) is None
    p, k, i, j = items[which]
    d = G_TABLE.mul(Scalar.from_int(delta))
    if field == "h":
        p = SchnorrProof(p.commitment + d, p.response)
    elif field == "v":
        p = SchnorrProof(p.commitment, p.response + delta)
    elif field == "K":
        k = k + d
    elif field == "i":
        i = i + delta
    else:
        j = j + delta
    items[which] = (p, k, i, j)
    one = _verdict_one_by_one(items)
    assert one is not None and one == _verdict_batch(items)


def test_schnorr_proof_bound_to_its_position():
    a = Scalar.random()
    k = G_TABLE.mul(a)
    p = prove_schnorr(a, MH, 2, 1)
    verify_schnorr(p, k, MH, 2, 1)
    for args in ((bytes(32), 2, 1), (MH, 3, 1), (MH, 2, 0)):
        with pytest.raises(InvalidProof):
            verify_schnorr(p, k, *args)
    with pytest.raises(EvoteError):
        SchnorrProof.from_bytes(p.to_bytes()[:32] + b"\xff" * 32)
    assert SchnorrProof.from_bytes(p.to_bytes()) == p


def test_envelope_for_another_manifest_is_bad_binding(setup):
    guardians, records, inbox = setup
    honest = inbox[2][3]
    other = bytes(32)
    d = SealedShare.signed_digest(other, 3, 2, honest.sealed)
    bad = SealedShare(other, 3, 2, honest.sealed, guardians[2].sign(d))
    out = _finish_with(setup, 2, {3: bad})
    (c,) = out.complaints
    assert (c.accuser, c.accused, c.reason) == (2, 3, "bad-binding")


def test_shared_transport_key_refused():
    g1 = cer.generate_guardian(MH, 1, 2, 1)
    g2 = cer.guardian_from_randomness(MH, 2, 2, 1, bytes(range(32)), g1.transport_secret,
                                      (Scalar.random(),), Scalar.random())
    records = [cer.publish_record(g1), cer.publish_record(g2)]
    with pytest.raises(cer.CeremonyError, match="same identity or transport key"):
        cer.build_context(MH, 2, 1, records)
    with pytest.raises(cer.CeremonyError, match="same identity or transport key"):
        cer.deal_shares(g1, records)
    # a published context holding such records is refused too (K4), however it is built
    with pytest.raises(cer.CeremonyError, match="same identity or transport key"):
        ElectionContext.derive(MH, 2, 1, [r.commitments for r in records], records)
