"""The ceremony's commitment round (specs/key-ceremony.md section 13): a guardian that
changes its key part or its lot secret after the commitments (to steer the joint key or
the lot seed after seeing the others' records) is refused, and every altered field of a
commitment is refused."""
import json

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteError
from evote.group import Scalar
from evote.protocol.ceremony import (build_context, generate_guardian,
                                     guardian_from_randomness, publish_record, run_ceremony)
from evote.protocol.ceremony_commitment import commit
from evote.protocol.context import ElectionContext

MH = bytes(range(1, 33))


@pytest.fixture(scope="module")
def ceremony():
    return run_ceremony(MH, 4, 3)


def test_a_key_part_chosen_after_the_commitments_is_refused():
    """Guardian 3 commits, sees the others' records, then publishes a record with other
    coefficients (same identity key): the context refuses it, naming guardian 3."""
    guardians = [generate_guardian(MH, i, 3, 2) for i in (1, 2, 3)]
    commitments = [commit(g) for g in guardians]
    g3 = guardians[2]
    steered = guardian_from_randomness(MH, 3, 3, 2, g3.signing_seed, g3.transport_secret,
                                       (Scalar.random(), Scalar.random()), g3.lot_secret)
    records = [publish_record(g) for g in guardians[:2]] + [publish_record(steered)]
    ctx = build_context(MH, 3, 2, records)
    with pytest.raises(EvoteError, match="guardian 3's record: its coefficient commitments "
                       "or lot commitment are not the ones it committed to"):
        ctx.with_ceremony_commitments(commitments)
    honest = build_context(MH, 3, 2, [publish_record(g) for g in guardians])
    assert len(honest.with_ceremony_commitments(commitments).ceremony_commitments) == 3


def test_a_lot_secret_chosen_after_the_commitments_is_refused():
    """Guardian 3 commits, then publishes its record with the same polynomial but another
    lot secret (so another lot commitment m_3*H_lot): refused, naming guardian 3."""
    guardians = [generate_guardian(MH, i, 3, 2) for i in (1, 2, 3)]
    commitments = [commit(g) for g in guardians]
    g3 = guardians[2]
    steered = guardian_from_randomness(MH, 3, 3, 2, g3.signing_seed, g3.transport_secret,
                                       g3.coefficients, Scalar.random())
    records = [publish_record(g) for g in guardians[:2]] + [publish_record(steered)]
    assert records[2].commitments == publish_record(g3).commitments
    ctx = build_context(MH, 3, 2, records)
    with pytest.raises(EvoteError, match="guardian 3's record: its coefficient commitments "
                       "or lot commitment are not the ones it committed to"):
        ctx.with_ceremony_commitments(commitments)


FIELDS = ("manifest_hash", "n", "t", "guardian_index", "identity_key", "commitment",
          "signature", "version")


@settings(max_examples=40, deadline=None)
@given(who=st.integers(0, 3), field=st.sampled_from(FIELDS), k=st.integers(0, 10 ** 6))
def test_every_altered_commitment_field_is_refused(ceremony, who, field, k):
    ctx, _ = ceremony
    obj = ctx.to_json_obj()
    com = dict(obj["ceremony_commitments"][who])
    other = obj["ceremony_commitments"][(who + 1 + k % 3) % 4]
    if field in ("n", "t"):
        com[field] = com[field] + 1 + k % 3
    elif field == "guardian_index":
        com[field] = other[field]
    elif field == "version":
        com[field] += "x"
    elif k % 2 and field in ("identity_key", "commitment", "signature"):
        com[field] = other[field]
    else:
        s = com[field]
        j = (k * 7) % len(s)
        com[field] = s[:j] + ("0" if s[j] != "0" else "1") + s[j + 1:]
    obj["ceremony_commitments"][who] = com
    with pytest.raises(EvoteError):
        ElectionContext.from_json_obj(json.loads(json.dumps(obj)))


def test_a_context_short_of_a_commitment_is_refused(ceremony):
    ctx, _ = ceremony
    obj = ctx.to_json_obj()
    obj["ceremony_commitments"].pop(2)
    with pytest.raises(EvoteError, match="3 of the 4 guardians' ceremony commitments"):
        ElectionContext.from_json_obj(obj)
    obj["ceremony_commitments"] = []
    short = ElectionContext.from_json_obj(obj)         # a context may be built without ...
    with pytest.raises(EvoteError, match="0 of the 4 guardians' ceremony commitments"):
        short.require_ceremony_commitments()           # ... but no election uses it
