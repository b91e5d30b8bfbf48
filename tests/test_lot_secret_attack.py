"""The lot-seed bias of specs/key-ceremony.md 12.7 as an attack, refused: a guardian that
chooses its lot secret at acknowledge time (after t colluding guardians could decrypt
the others' contributions) instead of the m_i its record committed to. The forged
acknowledgement is built as well as the attacker can (its own signature, the proof
computed honestly for the new secret) and is refused by the context's checks, by V4 of
`evote verify` and by `evote package` (ElectionPackage.verify); so is the variant that
also swaps the guardian's record for one committing to the new secret, and the one where
the guardian showed two records and keeps the one it likes."""
import dataclasses
import json
import os

import pytest

from evote.errors import EvoteError
from evote.group import G_TABLE, Scalar
from evote.protocol.ceremony import publish_record
from evote.protocol.context import ElectionContext
from evote.protocol.elgamal import Ciphertext
from evote.protocol.lot import (H_LOT, Acknowledgement, ContributionProof, acknowledge,
                                commitments_hash, contribution_challenge, lot_commitment)
from evote.record import layout
from evote.verify.run import verify_record

from guardian_support import make_election, make_record, write_package
from test_verify_support import reseal


def steered_acknowledgement(guardian, ctx, new_secret: Scalar) -> Acknowledgement:
    """Guardian's acknowledgement whose contribution encrypts new_secret*G (not its
    committed m_i), with the proof computed as the honest prover would for new_secret,
    against the records' lot commitments, and signed with the guardian's own key."""
    cs = [rec.lot_commitment for rec in ctx.guardians]
    k, r, s = Scalar.random(), Scalar.random(), Scalar.random()
    key = ctx.joint_key
    ct = Ciphertext(G_TABLE.mul(k), G_TABLE.mul(new_secret) + k * key)
    t = (G_TABLE.mul(r), G_TABLE.mul(s) + r * key, H_LOT.mul(s))
    c = contribution_challenge(ctx.base_hash, commitments_hash(cs), guardian.index, key,
                               cs[guardian.index - 1], ct, t)
    proof = ContributionProof(*t, r + c * k, s + c * new_secret)
    sig = guardian.sign(Acknowledgement.signed_digest(
        ctx.base_hash, commitments_hash(cs), guardian.index, ct, proof))
    return Acknowledgement(guardian.index, ctx.base_hash, ct, proof, sig)


@pytest.fixture(scope="module")
def election():
    return make_election(seed=11)


def _with_ack(ctx, ack) -> dict:
    obj = ctx.to_json_obj()
    obj["acknowledgements"][ack.guardian_index - 1] = ack.to_json_obj()
    return json.loads(json.dumps(obj))


def test_a_lot_secret_chosen_at_acknowledge_time_is_refused_by_the_context(election):
    ctx, g2 = election.context, election.guardians[1]
    forged = steered_acknowledgement(g2, ctx, Scalar.random())
    with pytest.raises(EvoteError, match="acknowledgement of guardian 2: the lot "
                       "contribution's proof does not verify"):
        ElectionContext.from_json_obj(_with_ack(ctx, forged))
    # the same forger using its committed secret passes: the check refuses the choice,
    # not the forger's code
    honest = steered_acknowledgement(g2, ctx, g2.lot_secret)
    ElectionContext.from_json_obj(_with_ack(ctx, honest))


def test_a_record_swapped_for_the_new_secret_is_refused(election):
    """The attacker also republishes its record with C = m'*H_lot (re-signed): its
    ceremony commitment (K7) and the other guardians' acknowledgements (which bind the
    lot commitments they saw, L) both refuse it."""
    ctx, guardians = election.context, election.guardians
    g2 = guardians[1]
    new = Scalar.random()
    g2_new = dataclasses.replace(g2, lot_secret=new)
    records = list(ctx.guardians)
    records[1] = publish_record(g2_new)
    swapped = ElectionContext.derive(ctx.manifest_hash, ctx.n_guardians, ctx.threshold,
                                     [r.commitments for r in records], records)
    assert swapped.base_hash == ctx.base_hash            # the base hash binds only K_ij
    cs = [r.lot_commitment for r in records]
    acks = list(ctx.acknowledgements)
    acks[1] = acknowledge(g2_new, ctx.base_hash, ctx.joint_key, cs)
    obj = swapped.to_json_obj()
    obj["acknowledgements"] = [a.to_json_obj() for a in acks]
    obj["ceremony_commitments"] = [c.to_json_obj() for c in ctx.ceremony_commitments]
    with pytest.raises(EvoteError, match="guardian 1"):   # its ack saw the other C_2
        ElectionContext.from_json_obj(json.loads(json.dumps(obj)))
    # even with every other guardian re-acknowledging, the commitment round refuses it
    obj["acknowledgements"] = [acknowledge(g, ctx.base_hash, ctx.joint_key, cs).to_json_obj()
                               for g in [guardians[0], g2_new, guardians[2]]]
    with pytest.raises(EvoteError, match="guardian 2's record: its coefficient commitments "
                       "or lot commitment are not the ones it committed to"):
        ElectionContext.from_json_obj(json.loads(json.dumps(obj)))


@pytest.fixture(scope="module")
def forged_record(election, tmp_path_factory):
    """A record and package of the election whose context carries guardian 2's steered
    acknowledgement (context.json and the package's copy alike)."""
    d, _ = make_record(election, tmp_path_factory.mktemp("steered") / "record", voters=2)
    write_package(election, d)
    forged = steered_acknowledgement(election.guardians[1], election.context,
                                     Scalar.random()).to_json_obj()
    for rel, key in ((layout.CONTEXT, None), (layout.PACKAGE, "context")):
        path = os.path.join(d, rel)
        obj = json.load(open(path, encoding="utf-8"))
        (obj if key is None else obj[key])["acknowledgements"][1] = forged
        os.unlink(path)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False)
    assert reseal(d)                      # sealed as a forger would
    return d


def test_v4_refuses_a_lot_secret_chosen_at_acknowledge_time(forged_record):
    rep = verify_record(forged_record, jobs=1)
    v4 = rep.get("V4")
    assert rep.exit_code != 0 and v4.status == "fail", rep.to_text()
    fails = [f"{f.location}: {f.message}" for f in v4.failures]
    assert any(layout.CONTEXT in f and "acknowledgement of guardian 2" in f
               for f in fails), fails


def test_evote_package_refuses_a_lot_secret_chosen_at_acknowledge_time(forged_record):
    from evote.election.package import ElectionPackage
    obj = json.load(open(os.path.join(forged_record, layout.PACKAGE), encoding="utf-8"))
    with pytest.raises(EvoteError, match="acknowledgement of guardian 2"):
        ElectionPackage.from_json_obj(obj).verify()
