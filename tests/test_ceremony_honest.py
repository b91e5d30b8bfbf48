"""An honest key ceremony: in-process and as file-exchanging steps; the context."""
import json

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteError, EvoteValueError, InvalidEncoding
from evote.group import G_TABLE, Point, Scalar
from evote.protocol import ceremony as cer
from evote.protocol.ceremony_wire import canonical_json
from evote.protocol.context import ElectionContext, compute_base_hash
from evote.protocol.decryption import lagrange_coefficients
from evote.protocol.guardian import GuardianRecord, SealedShare

from ceremony_support import ceremony, manifest_hash_for, subsets

SHAPES = [(1, 1), (3, 2), (5, 3)]


@pytest.mark.parametrize("n,t", SHAPES)
def test_joint_key_and_shares(n, t):
    ctx, guardians = ceremony(n, t)
    assert (ctx.n_guardians, ctx.threshold, len(guardians)) == (n, t, n)
    secret = sum(int(g.coefficients[0]) for g in guardians)
    assert ctx.joint_key == G_TABLE.mul(Scalar.from_int(secret))
    for g in guardians:
        # s_l = sum_i P_i(l), and S_l from the commitments alone equals s_l*G
        assert int(g.key_share) == sum(int(h.evaluate(g.index)) for h in guardians) % Scalar.ORDER
        assert G_TABLE.mul(g.key_share) == ctx.public_share(g.index)
        assert g.base_hash == ctx.base_hash
    # any t key shares interpolate to the joint secret at 0
    for subset in subsets(n, t):
        idx = [guardians[k].index for k in subset]
        lam = lagrange_coefficients(idx)
        s = sum(lam[guardians[k].index] * int(guardians[k].key_share) for k in subset)
        assert s % Scalar.ORDER == secret % Scalar.ORDER


@pytest.mark.parametrize("n,t", SHAPES)
def test_context_json_round_trip(n, t):
    ctx, _ = ceremony(n, t)
    raw = ctx.to_canonical_bytes()
    back = ElectionContext.from_json_obj(json.loads(raw))
    assert back.to_canonical_bytes() == raw
    assert back.base_hash == ctx.base_hash and back.joint_key == ctx.joint_key
    assert back.public_shares == ctx.public_shares
    assert raw == canonical_json(json.loads(raw))


def test_base_hash_binds_every_input():
    ctx, _ = ceremony(3, 2)
    rows = ctx.guardian_commitments
    ref = compute_base_hash(ctx.manifest_hash, 3, 2, rows, ctx.joint_key)
    assert ref == ctx.base_hash
    other = Point.generator()
    variants = [
        compute_base_hash(bytes(32), 3, 2, rows, ctx.joint_key),
        compute_base_hash(ctx.manifest_hash, 4, 2, rows, ctx.joint_key),
        compute_base_hash(ctx.manifest_hash, 3, 3, rows, ctx.joint_key),
        compute_base_hash(ctx.manifest_hash, 3, 2, rows, other),
        compute_base_hash(ctx.manifest_hash, 3, 2, (rows[1], rows[0], rows[2]), ctx.joint_key),
    ]
    assert len({ref, *variants}) == 6


def test_context_constructor_refuses_wrong_derived_values():
    ctx, _ = ceremony(3, 2)
    args = (ctx.manifest_hash, 3, 2, ctx.guardian_commitments)
    with pytest.raises(EvoteValueError, match="joint_key"):
        ElectionContext(*args, ctx.joint_key + Point.generator(), ctx.base_hash)
    with pytest.raises(EvoteValueError, match="base_hash"):
        ElectionContext(*args, ctx.joint_key, bytes(32))
    with pytest.raises(EvoteValueError):
        ElectionContext(ctx.manifest_hash, 3, 4, ctx.guardian_commitments, ctx.joint_key,
                        ctx.base_hash)
    # the contract's six-field form (no records) is accepted
    bare = ElectionContext(*args, ctx.joint_key, ctx.base_hash)
    assert bare.guardians == () and bare.public_shares == ctx.public_shares


def _mutated(obj, path, value):
    obj = json.loads(json.dumps(obj))
    target = obj
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return obj


@pytest.mark.parametrize("path,value,expect", [
    (("version",), "evote/election-context/v2", "version"),
    (("group",), "P-256", "group"),
    (("base_hash",), "00" * 32, "base_hash"),
    (("base_hash",), "zz" * 32, "hex"),
    (("joint_key",), "ff" * 32, "joint_key"),
    (("threshold",), 4, "threshold"),
    (("threshold",), True, "integer"),
    (("n_guardians",), KeyError, "missing"),
    (("extra",), 1, "unknown"),
    (("guardian_commitments", 1, 0), "AB" * 32, "lowercase"),
    (("guardians", 0, "signature"), "00" * 64, "signature"),
])
def test_context_loader_names_the_bad_field(path, value, expect):
    ctx, _ = ceremony(3, 2)
    bad = _mutated(ctx.to_json_obj(), path, value)
    with pytest.raises(EvoteError) as info:
        ElectionContext.from_json_obj(bad)
    assert expect in str(info.value).lower()


def test_k_table_is_built_once():
    ctx, _ = ceremony(3, 2)
    assert ctx.k_table is ctx.k_table
    assert ctx.k_table.point == ctx.joint_key


def test_steps_exchanging_files(tmp_path):
    """Every step's output goes through its JSON file form before the next step reads it."""
    n, t = 3, 2
    mh = manifest_hash_for("file exchange")
    guardians = [cer.generate_guardian(mh, i, n, t) for i in range(1, n + 1)]

    def through_file(name, obj):
        path = tmp_path / name
        path.write_bytes(canonical_json(obj.to_json_obj()))
        return json.loads(path.read_bytes())

    records = [GuardianRecord.from_json_obj(through_file(f"record-{g.index}.json",
                                                         cer.publish_record(g)))
               for g in guardians]
    inbox = {g.index: [] for g in guardians}
    for g in guardians:
        for s in cer.deal_shares(g, records[::-1]):  # any order of records is fine
            inbox[s.recipient].append(SealedShare.from_json_obj(
                through_file(f"share-{s.sender}-{s.recipient}.json", s)))
    finished = []
    for g in guardians:
        outcome = cer.finish_guardian(g, records, inbox[g.index])
        assert outcome.complaints == ()
        finished.append(outcome.guardian)
    ctx = cer.build_context(mh, n, t, records)
    assert ElectionContext.from_json_obj(through_file("context.json", ctx)).base_hash == ctx.base_hash
    for g in finished:
        assert G_TABLE.mul(g.key_share) == ctx.public_share(g.index)


@pytest.mark.parametrize("n,t,index", [(3, 4, 1), (3, 0, 1), (0, 0, 1), (3, 2, 0), (3, 2, 4)])
def test_parameters_refused(n, t, index):
    with pytest.raises(EvoteValueError):
        cer.generate_guardian(manifest_hash_for("p"), index, n, t)


def test_records_must_be_complete_and_distinct():
    ctx, _ = ceremony(3, 2)
    recs = list(ctx.guardians)
    with pytest.raises(EvoteValueError, match="missing"):
        cer.build_context(ctx.manifest_hash, 3, 2, recs[:2])
    with pytest.raises(EvoteValueError, match="two records"):
        cer.build_context(ctx.manifest_hash, 3, 2, recs + [recs[0]])
    with pytest.raises(cer.CeremonyError, match="another ceremony"):
        cer.build_context(bytes(32), 3, 2, recs)


@settings(max_examples=8, deadline=None)
@given(shape=st.tuples(st.integers(1, 6), st.integers(1, 6)).filter(lambda s: s[1] <= s[0]),
       data=st.data())
def test_any_t_key_shares_reconstruct_the_joint_secret(shape, data):
    """Feldman VSS as specified: for any (n, t), any t-subset of the key shares s_l
    interpolates at 0 to sum_i a_i0, whose multiple of G is the joint key."""
    n, t = shape
    ctx, guardians = cer.run_ceremony(manifest_hash_for(f"hyp {n} {t}"), n, t)
    subset = data.draw(st.lists(st.sampled_from(range(n)), min_size=t, max_size=t, unique=True))
    idx = [guardians[k].index for k in subset]
    lam = lagrange_coefficients(idx)
    s = sum(lam[guardians[k].index] * int(guardians[k].key_share) for k in subset)
    assert G_TABLE.mul(Scalar.from_int(s)) == ctx.joint_key
