"""The lot contribution and acknowledgement (specs/key-ceremony.md section 12): against the
pure-Python reference (tests/reference/lot.py), every altered field refused (hypothesis),
a contribution whose plaintext is not the lot secret committed in the record refused,
and the seed the same for any t guardians."""
import itertools
import json

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteError
from evote.group import G_TABLE, Scalar
from evote.protocol.ceremony import run_ceremony
from evote.protocol.context import ElectionContext
from evote.protocol.decryption import compute_decryption_share
from evote.protocol.lot import (H_LOT, LOT_LABEL, Acknowledgement, acknowledge,
                                check_contribution, lot_commitment, make_contribution)
from evote.record.lot import LotDecryption, decrypt_lot
from reference import lot as ref_lot
from reference import ristretto255 as ref

L = ref.L
MH = bytes(range(32))


@pytest.fixture(scope="module")
def ceremony():
    """A 3-of-5 context with the 5 guardians' acknowledgements, and the finished guardians."""
    return run_ceremony(MH, 5, 3)


scalars = st.integers(min_value=1, max_value=L - 1)


def test_the_lot_generator_is_the_reference_hash_to_group_and_not_g():
    assert H_LOT.point.to_bytes() == ref.encode(ref_lot.h_lot())
    assert H_LOT.point != G_TABLE.point
    assert lot_commitment(Scalar.from_int(12345)).to_bytes() == ref_lot.lot_commitment(12345)


def _split(proof: bytes):
    return (proof[:32], proof[32:64], proof[64:96], int.from_bytes(proof[96:128], "little"),
            int.from_bytes(proof[128:], "little"))


@settings(max_examples=8, deadline=None)
@given(m=scalars, k=scalars, r=scalars, s=scalars, i=st.integers(1, 4),
       others=st.lists(scalars, min_size=4, max_size=4))
def test_contribution_matches_the_reference(ceremony, m, k, r, s, i, others):
    ctx, _ = ceremony
    q, key = ctx.base_hash, ctx.joint_key
    ms = list(others)
    ms[i - 1] = m
    cs = [lot_commitment(Scalar.from_int(x)) for x in ms]
    cs_enc = [c.to_bytes() for c in cs]
    ct, proof = make_contribution(q, i, key, cs, Scalar.from_int(m),
                                  nonces=tuple(Scalar.from_int(x) for x in (k, r, s)))
    a, b, t1, t2, t3, z1, z2 = ref_lot.contribute(q, cs_enc, i, key.to_bytes(), m, k, r, s)
    assert (ct.alpha.to_bytes(), ct.beta.to_bytes()) == (a, b)
    assert proof.to_bytes() == (t1 + t2 + t3 + z1.to_bytes(32, "little")
                                + z2.to_bytes(32, "little"))
    assert ref_lot.verify(q, cs_enc, i, key.to_bytes(), a, b, t1, t2, t3, z1, z2)
    assert check_contribution(q, i, key, cs, ct, proof)
    # bound to the guardian index, the base hash and every record's lot commitment:
    # both sides refuse another
    j = i % 4 + 1
    assert not ref_lot.verify(q, cs_enc, j, key.to_bytes(), a, b, t1, t2, t3, z1, z2)
    assert not check_contribution(q, j, key, cs, ct, proof)
    assert not check_contribution(bytes(32), i, key, cs, ct, proof)
    swapped = list(cs)
    swapped[j - 1] = lot_commitment(Scalar.from_int(ms[j - 1] + 1))
    assert not ref_lot.verify(q, [c.to_bytes() for c in swapped], i, key.to_bytes(), a, b,
                              t1, t2, t3, z1, z2)
    assert not check_contribution(q, i, key, swapped, ct, proof)


def _prove_anyway(q, cs, i, key, m):
    """The honest prover's algorithm run for plaintext m*G against the records' lot
    commitments cs, whether or not cs[i-1] commits to m (a false statement if not)."""
    from evote.protocol.elgamal import Ciphertext
    from evote.protocol.lot import ContributionProof, commitments_hash, contribution_challenge
    k, r, s = Scalar.random(), Scalar.random(), Scalar.random()
    ct = Ciphertext(G_TABLE.mul(k), G_TABLE.mul(m) + k * key)
    t = (G_TABLE.mul(r), G_TABLE.mul(s) + r * key, H_LOT.mul(s))
    c = contribution_challenge(q, commitments_hash(cs), i, key, cs[i - 1], ct, t)
    return ct, ContributionProof(*t, r + c * k, s + c * m)


@settings(max_examples=10, deadline=None)
@given(m=scalars, delta=scalars, i=st.integers(1, 5))
def test_a_contribution_whose_plaintext_is_not_the_committed_secret_is_refused(
        ceremony, m, delta, i):
    """Both sides (evote and the reference) accept the honest prover's proof for the
    committed m and refuse it for any other plaintext m + delta (delta != 0)."""
    ctx, _ = ceremony
    q, key = ctx.base_hash, ctx.joint_key
    cs = [rec.lot_commitment for rec in ctx.guardians]
    cs[i - 1] = lot_commitment(Scalar.from_int(m))
    cs_enc = [c.to_bytes() for c in cs]
    for plaintext, ok in ((m, True), ((m + delta) % L, False)):
        ct, proof = _prove_anyway(q, cs, i, key, Scalar.from_int(plaintext))
        assert check_contribution(q, i, key, cs, ct, proof) is ok
        assert ref_lot.verify(q, cs_enc, i, key.to_bytes(), ct.alpha.to_bytes(),
                              ct.beta.to_bytes(), *_split(proof.to_bytes())) is ok
    with pytest.raises(EvoteError, match="not this guardian's lot secret"):
        make_contribution(q, i, key, cs, Scalar.from_int((m + delta) % L))


def test_acknowledgement_digest_and_seed_match_the_reference(ceremony):
    ctx, _ = ceremony
    cs = [rec.lot_commitment for rec in ctx.guardians]
    cs_enc = [c.to_bytes() for c in cs]
    for ack in ctx.acknowledgements:
        a, b = ack.contribution.alpha.to_bytes(), ack.contribution.beta.to_bytes()
        assert ack.digest(cs) == ref_lot.ack_digest(ctx.base_hash, cs_enc, ack.guardian_index,
                                                    a, b, ack.proof.to_bytes())
        assert ref_lot.verify(ctx.base_hash, cs_enc, ack.guardian_index,
                              ctx.joint_key.to_bytes(), a, b, *_split(ack.proof.to_bytes()))


def _shares(ctx, guardians):
    return [compute_decryption_share(g, ctx, [ctx.lot_ciphertext], [LOT_LABEL])
            for g in guardians]


def test_the_seed_is_the_hash_of_the_sum_of_the_contributions_and_any_t_give_it():
    """Known m_i (test-vector entry point): the decrypted point is sum m_i*G, the seed its
    reference hash, and every 3 of the 5 guardians give the same seed."""
    ctx, guardians = run_ceremony(MH, 5, 3)
    ms = [int(g.lot_secret) for g in guardians]       # drawn at generate
    cs = [rec.lot_commitment for rec in ctx.guardians]
    assert cs == [lot_commitment(g.lot_secret) for g in guardians]
    acks = [acknowledge(g, ctx.base_hash, ctx.joint_key, cs,
                        nonces=tuple(Scalar.from_int(x) for x in (7 + k, 5, 9)))
            for k, g in enumerate(guardians)]
    ctx = ElectionContext(ctx.manifest_hash, 5, 3, ctx.guardian_commitments, ctx.joint_key,
                          ctx.base_hash, ctx.guardians, ()).with_acknowledgements(acks)
    shares = _shares(ctx, guardians)
    want_point = ref.encode(ref.mul(sum(ms) % L, ref.GENERATOR))
    seeds = set()
    for subset in itertools.combinations(shares, 3):
        lot = decrypt_lot(ctx, subset)
        assert lot.point.to_bytes() == want_point
        assert lot.seed == ref_lot.seed(ctx.base_hash, want_point)
        assert lot.verify(ctx) == lot.seed
        seeds.add(lot.seed)
    assert len(seeds) == 1                      # withholding a share changes nothing
    with pytest.raises(EvoteError, match="threshold"):
        decrypt_lot(ctx, shares[:2])


def test_a_lot_file_is_refused_for_a_wrong_point_seed_share_or_too_few(ceremony):
    ctx, guardians = ceremony
    lot = decrypt_lot(ctx, _shares(ctx, guardians[:3]))
    obj = lot.to_json_obj()
    other = decrypt_lot(ctx, _shares(ctx, guardians[1:4]))
    for field, value, words in (
            ("seed", "00" * 32, "$.seed"),
            ("point", G_TABLE.mul(Scalar.from_int(5)).to_bytes().hex(), "$.point"),
            ("shares", obj["shares"][:2], "threshold"),
            ("shares", obj["shares"][:2] + [obj["shares"][1]], "repeated")):
        bad = dict(obj, **{field: value})
        with pytest.raises(EvoteError) as exc:
            LotDecryption.from_json_obj(bad).verify(ctx)
        assert words is None or words in str(exc.value), str(exc.value)
    # mixing valid shares of two decryptions: still t valid shares, the same seed
    mixed = dict(obj, shares=obj["shares"][:2] + [other.to_json_obj()["shares"][2]])
    assert LotDecryption.from_json_obj(mixed).verify(ctx) == lot.seed == other.seed
    # a share whose proof is another ciphertext's (a tally position's) is named
    forged = json.loads(json.dumps(obj))
    forged["shares"][0]["partials"][0] = forged["shares"][1]["partials"][0]
    with pytest.raises(EvoteError, match="guardian 1"):
        LotDecryption.from_json_obj(forged).verify(ctx)


# ---- tampering: every field of an acknowledgement, altered, is refused by the context

FIELDS = ("guardian_index", "base_hash", "contribution", "proof", "signature", "version")


def _altered(value, field, k, other_ack):
    """Acknowledgement JSON with one field changed at position k (still well formed where
    the field allows it: another guardian's valid value, or one hex digit changed)."""
    v = dict(value)
    if field == "guardian_index":
        v[field] = other_ack["guardian_index"]
    elif field == "version":
        v[field] = v[field] + "x"
    elif k % 2 and field in ("contribution", "proof", "signature"):
        v[field] = other_ack[field]                  # another guardian's valid value
    else:
        s = v[field]
        j = (k * 7) % len(s)
        v[field] = s[:j] + ("0" if s[j] != "0" else "1") + s[j + 1:]
    return v


@settings(max_examples=60, deadline=None)
@given(who=st.integers(0, 4), field=st.sampled_from(FIELDS), k=st.integers(0, 10 ** 6))
def test_every_altered_acknowledgement_field_is_refused(ceremony, who, field, k):
    ctx, _ = ceremony
    obj = ctx.to_json_obj()
    acks = obj["acknowledgements"]
    other = acks[(who + 1 + k % 4) % 5]
    acks[who] = _altered(acks[who], field, k, other)
    with pytest.raises(EvoteError):
        ElectionContext.from_json_obj(json.loads(json.dumps(obj)))


@settings(max_examples=20, deadline=None)
@given(who=st.integers(0, 4), k=st.integers(0, 10 ** 6))
def test_a_replayed_canceling_or_missing_acknowledgement_is_refused(ceremony, who, k):
    """Swapping two acknowledgements, dropping one, replaying one of another ceremony,
    or a contribution that cancels another (-A_j, -B_j + M, which nobody can prove)."""
    ctx, _ = ceremony
    obj = ctx.to_json_obj()
    acks = obj["acknowledgements"]
    j = (who + 1 + k % 4) % 5
    cases = [dict(obj, acknowledgements=acks[:who] + acks[who + 1:]),
             dict(obj, acknowledgements=[acks[j] if x == who else acks[who] if x == j
                                         else a for x, a in enumerate(acks)])]
    other_ctx, _ = run_ceremony(MH, 5, 3) if k % 5 == 0 else (None, None)
    if other_ctx is not None:
        replay = list(acks)
        replay[who] = other_ctx.acknowledgements[who].to_json_obj()
        cases.append(dict(obj, acknowledgements=replay))
    a = Acknowledgement.from_json_obj(acks[j])
    cancel_ct = a.contribution.__class__(-a.contribution.alpha,
                                         -a.contribution.beta + G_TABLE.mul(Scalar.from_int(k + 1)))
    mine = Acknowledgement.from_json_obj(acks[who])
    cancel = dict(acks[who], contribution=cancel_ct.to_bytes().hex())
    cs = [rec.lot_commitment for rec in ctx.guardians]
    assert not check_contribution(ctx.base_hash, mine.guardian_index, ctx.joint_key, cs,
                                  cancel_ct, mine.proof)
    cases.append(dict(obj, acknowledgements=[cancel if x == who else y
                                             for x, y in enumerate(acks)]))
    for bad in cases:
        with pytest.raises(EvoteError):
            ctx2 = ElectionContext.from_json_obj(json.loads(json.dumps(bad)))
            ctx2.require_acknowledgements()


@settings(max_examples=25, deadline=None)
@given(who=st.integers(0, 4), k=st.integers(0, 10 ** 6))
def test_an_altered_lot_commitment_in_a_record_is_refused(ceremony, who, k):
    """A record's lot_commitment changed (one hex digit, another guardian's, or the
    commitment of a chosen secret) is refused: the record's signature, the commitment
    round and the acknowledgements all bind it."""
    ctx, _ = ceremony
    obj = ctx.to_json_obj()
    rec = obj["guardians"][who]
    s = rec["lot_commitment"]
    choices = [obj["guardians"][(who + 1 + k % 4) % 5]["lot_commitment"],
               lot_commitment(Scalar.from_int(k + 1)).to_bytes().hex()]
    j = (k * 7) % len(s)
    choices.append(s[:j] + ("0" if s[j] != "0" else "1") + s[j + 1:])
    rec["lot_commitment"] = choices[k % 3]
    with pytest.raises(EvoteError):
        ElectionContext.from_json_obj(json.loads(json.dumps(obj)))
