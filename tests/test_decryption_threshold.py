"""Threshold decryption: any t guardians decrypt the same; fewer are refused; a wrong
share is detected and named, in batch and one by one alike."""
import dataclasses
import json

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteValueError, InvalidProof, TallyMismatch
from evote.group import G_TABLE, Point, Scalar
from evote.protocol.chaum_pedersen import EqualityProof
from evote.protocol.decryption import (DecryptionShare, combine_decryption_shares,
                                       compute_decryption_share, decrypt_tally,
                                       position_label, verify_counts,
                                       verify_decryption_share, verify_decryption_shares)
from evote.protocol.elgamal import Ciphertext, encrypt
from evote.protocol.threshold_errors import NotEnoughShares

from ceremony_support import ceremony, encrypt_counts, subsets

COUNTS = [0, 1, 7, 65535, 65536, 123457]
BOUND = 200000


@pytest.fixture(scope="module")
def tally53():
    ctx, guardians = ceremony(5, 3)
    cts, labels = encrypt_counts(ctx, COUNTS)
    shares = [compute_decryption_share(g, ctx, cts, labels) for g in guardians]
    return ctx, cts, labels, shares


def test_every_t_subset_decrypts_the_same(tally53):
    ctx, cts, labels, shares = tally53
    verify_decryption_shares(ctx, cts, labels, shares)
    for s in shares:
        verify_decryption_share(ctx, cts, labels, s)
    results = set()
    for subset in subsets(5, 3) + subsets(5, 4) + subsets(5, 5):
        chosen = [shares[k] for k in subset]
        results.add(tuple(decrypt_tally(ctx, cts, labels, chosen, BOUND)))
    assert results == {tuple(COUNTS)}


@pytest.mark.parametrize("n,t", [(1, 1), (3, 2)])
def test_small_shapes(n, t):
    ctx, guardians = ceremony(n, t)
    cts, labels = encrypt_counts(ctx, [3, 0, 12])
    shares = [compute_decryption_share(g, ctx, cts, labels) for g in guardians]
    for subset in subsets(n, t):
        assert decrypt_tally(ctx, cts, labels, [shares[k] for k in subset], 12) == [3, 0, 12]


def test_fewer_than_t_refused(tally53):
    ctx, cts, labels, shares = tally53
    for subset in subsets(5, 2):
        with pytest.raises(NotEnoughShares, match="threshold is 3"):
            decrypt_tally(ctx, cts, labels, [shares[k] for k in subset], BOUND)
    with pytest.raises(EvoteValueError, match="repeat a guardian"):
        combine_decryption_shares(ctx, cts, [shares[0], shares[0], shares[1]])


def test_homomorphic_sum_decrypts_to_plaintext_sum():
    ctx, guardians = ceremony(3, 2)
    votes = [[1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0]]
    rows = [[encrypt(v, Scalar.random(), ctx) for v in ballot] for ballot in votes]
    total = [sum((r[k] for r in rows[1:]), rows[0][k]) for k in range(3)]
    labels = [b"x", b"y", b"z"]
    shares = [compute_decryption_share(g, ctx, total, labels) for g in guardians[1:]]
    assert decrypt_tally(ctx, total, labels, shares, len(votes)) == [2, 1, 3]


def _tamper(share, k, field):
    partials, proofs = list(share.partials), list(share.proofs)
    p, g = proofs[k], Point.generator()
    if field == "M":
        partials[k] = partials[k] + g
    elif field == "a":
        proofs[k] = EqualityProof(p.commit_g + g, p.commit_h, p.response)
    elif field == "b":
        proofs[k] = EqualityProof(p.commit_g, p.commit_h + g, p.response)
    else:
        proofs[k] = EqualityProof(p.commit_g, p.commit_h, p.response + 1)
    return DecryptionShare(share.guardian_index, tuple(partials), tuple(proofs))


def _verdicts(ctx, cts, labels, shares):
    one = batch = None
    try:
        for s in shares:
            verify_decryption_share(ctx, cts, labels, s)
    except InvalidProof as exc:
        one = str(exc)
    try:
        verify_decryption_shares(ctx, cts, labels, shares)
    except InvalidProof as exc:
        batch = str(exc)
    return one, batch


@settings(max_examples=25, deadline=None)
@given(who=st.integers(0, 4), k=st.integers(0, len(COUNTS) - 1),
       field=st.sampled_from(["M", "a", "b", "v"]))
def test_wrong_share_named_by_batch_and_one_by_one(tally53, who, k, field):
    ctx, cts, labels, shares = tally53
    bad = list(shares)
    bad[who] = _tamper(shares[who], k, field)
    one, batch = _verdicts(ctx, cts, labels, bad)
    assert one is not None and one == batch
    assert f"guardian {who + 1} at position {k}" in one
    with pytest.raises(InvalidProof, match=f"guardian {who + 1}"):
        decrypt_tally(ctx, cts, labels, bad, BOUND)


def test_proof_bound_to_label_ciphertext_and_guardian(tally53):
    ctx, cts, labels, shares = tally53
    swapped_labels = [labels[1], labels[0]] + labels[2:]
    assert _verdicts(ctx, cts, swapped_labels, shares)[0] is not None
    other = list(cts)
    other[2] = other[2] + encrypt(0, Scalar.random(), ctx)
    assert _verdicts(ctx, other, labels, shares)[0] is not None
    relabelled = DecryptionShare(2, shares[0].partials, shares[0].proofs)
    one, batch = _verdicts(ctx, cts, labels, [relabelled])
    assert one == batch and "guardian 2 at position 0" in one


def test_share_json_round_trip_and_shape_checks(tally53):
    ctx, cts, labels, shares = tally53
    back = DecryptionShare.from_json_obj(json.loads(json.dumps(shares[3].to_json_obj())))
    assert back == shares[3]
    with pytest.raises(EvoteValueError, match="6 ciphertexts"):
        verify_decryption_share(ctx, cts, labels, dataclasses.replace(
            shares[0], partials=shares[0].partials[:-1], proofs=shares[0].proofs[:-1]))
    with pytest.raises(EvoteValueError, match="not one of 1..5"):
        verify_decryption_shares(ctx, cts, labels, [dataclasses.replace(shares[0], guardian_index=6)])


def test_guardian_from_another_election_refused(tally53):
    ctx, cts, labels, _ = tally53
    _, others = ceremony(3, 2)
    with pytest.raises(EvoteValueError, match="another election"):
        compute_decryption_share(others[0], ctx, cts, labels)
    _, guardians = ceremony(5, 3)
    unfinished = dataclasses.replace(guardians[0], key_share=None, base_hash=None)
    with pytest.raises(EvoteValueError, match="not finished"):
        compute_decryption_share(unfinished, ctx, cts, labels)


@settings(max_examples=10, deadline=None)
@given(counts=st.lists(st.integers(0, 3000), min_size=1, max_size=4),
       subset=st.sampled_from(subsets(5, 3)))
def test_decrypt_equals_plaintext(counts, subset):
    ctx, guardians = ceremony(5, 3)
    cts, labels = encrypt_counts(ctx, counts)
    shares = [compute_decryption_share(guardians[k], ctx, cts, labels) for k in subset]
    assert decrypt_tally(ctx, cts, labels, shares, 3000) == counts


def test_verify_counts_and_position_labels(tally53):
    ctx, cts, labels, shares = tally53
    verify_counts(ctx, cts, labels, shares[1:4], COUNTS)
    wrong = list(COUNTS)
    wrong[3] += 1
    with pytest.raises(TallyMismatch, match="position 3"):
        verify_counts(ctx, cts, labels, shares[:3], wrong)
    assert position_label("c1", 7) != position_label("c", 17)
    assert position_label("c1", 7) == b"\x00" * 7 + b"\x02c1" + (7).to_bytes(8, "big")
