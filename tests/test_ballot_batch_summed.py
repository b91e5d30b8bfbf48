"""verify_ballots_batch_summed: the batch proof check that also returns the homomorphic
sums of the counted ballots from the MSM's own decoded points. The sums must equal
aggregate_vartime over the counted ballots, the verdict must equal verify_ballots_batch's,
and the C column-sum binding must refuse what it cannot sum."""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ballot_support import make_context, make_manifest
from evote.errors import EvoteValueError, InvalidEncoding, InvalidProof
from evote.group import (G_TABLE, Point, Scalar, aggregate_vartime, msm_colsum_vartime_raw,
                         msm_vartime_raw)
from evote.protocol.encrypt import encrypt_ballot
from evote.protocol.encrypted_ballot import EncryptedBallot
from evote.protocol.verify_ballot import (BatchVerificationError, verify_ballots_batch,
                                          verify_ballots_batch_summed)

CTX = make_context()
M = make_manifest(((3, 2, "plurality"), (4, 2, "proportional")), extra_style=True)
CHOICES = [{"c0": [1]}, {"c0": [1, 2], "c1": [102]}, {}, {"c1": [191]}, {"c0": [3]}]
FULL = [encrypt_ballot(CTX, M, "s", ch, os.urandom(32))[0] for ch in CHOICES]
SMALL = [encrypt_ballot(CTX, M, "s0", {"c0": [k]}, os.urandom(32))[0] for k in (1, 2)]
POOL = FULL + SMALL


def expected_sums(ballots, counted):
    out = {}
    for b, c in zip(ballots, counted):
        for enc in b.contests:
            out.setdefault(enc.contest_id, [])
            if c:
                out[enc.contest_id].append(enc.ciphertexts_bytes())
    res = {}
    for cid, rows in out.items():
        width = 2 * (len(M.contest(cid).candidates) + 1)
        res[cid] = (aggregate_vartime(b"".join(rows), len(rows), width) if rows
                    else [Point.identity().to_bytes()] * width)
    return res


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(POOL) - 1), st.booleans()), min_size=1, max_size=12))
def test_sums_equal_aggregate_of_the_counted_ballots(picks):
    ballots = [POOL[i] for i, _ in picks]
    counted = [c for _, c in picks]
    sums = verify_ballots_batch_summed(CTX, M, ballots, counted)
    assert sums == expected_sums(ballots, counted)


def _tampered(ballot, field_offset):
    raw = bytearray(ballot.to_bytes())
    raw[field_offset] ^= 1
    return EncryptedBallot.from_bytes(bytes(raw))


@pytest.mark.parametrize("offset_from_end", [1, 33, 200, 1000])
def test_a_bad_ballot_fails_the_same_way_and_gives_no_sums(offset_from_end):
    # the last 1000 bytes are proof fields (32-byte points and scalars): any flip parses
    bad = _tampered(FULL[1], len(FULL[1].to_bytes()) - offset_from_end)
    ballots = [FULL[0], bad, FULL[2]]
    with pytest.raises(BatchVerificationError) as plain:
        verify_ballots_batch(CTX, M, ballots)
    with pytest.raises(BatchVerificationError) as summed:
        verify_ballots_batch_summed(CTX, M, ballots, [True, True, True])
    assert [f.index for f in summed.value.failures] == [f.index for f in plain.value.failures] == [1]
    assert str(summed.value.failures[0].error) == str(plain.value.failures[0].error)


def test_counted_flags_must_match_the_ballots():
    with pytest.raises(EvoteValueError, match="2 counted flags for 3 ballots"):
        verify_ballots_batch_summed(CTX, M, FULL[:3], [True, False])


def test_nothing_counted_gives_identity_sums():
    sums = verify_ballots_batch_summed(CTX, M, FULL[:2], [False, False])
    ident = Point.identity().to_bytes()
    assert sums == {"c0": [ident] * 8, "c1": [ident] * 10}


def _points(n):
    return b"".join(G_TABLE.mul(Scalar.from_int(i + 3)).to_bytes() for i in range(n))


def test_colsum_binding_matches_msm_and_sums():
    n = 9
    pts = _points(n)
    scalars = b"".join(Scalar.from_int(7 * i + 1).to_bytes() for i in range(n))
    cols = np.array([0, -1, 1, 0, 2, -1, 1, 1, 0], dtype=np.int32)
    total, sums = msm_colsum_vartime_raw(scalars, pts, cols.tobytes(), 3)
    assert total == msm_vartime_raw(scalars, pts)
    for c in range(3):
        rows = b"".join(pts[32 * i:32 * i + 32] for i in range(n) if cols[i] == c)
        assert sums[c] == aggregate_vartime(rows, len(rows) // 32, 1)[0]


def test_colsum_binding_refuses_bad_arguments():
    pts = _points(3)
    scalars = bytes(96)
    good = np.array([0, 1, -1], dtype=np.int32).tobytes()
    with pytest.raises(EvoteValueError, match="columns item 1 is not -1 or a column index below 1"):
        msm_colsum_vartime_raw(scalars, pts, good, 1)
    with pytest.raises(EvoteValueError, match="columns item 2"):
        msm_colsum_vartime_raw(scalars, pts, np.array([0, 0, -2], dtype=np.int32).tobytes(), 1)
    with pytest.raises(InvalidEncoding, match="columns must be 12 bytes"):
        msm_colsum_vartime_raw(scalars, pts, good[:8], 2)
    bad_pts = pts[:64] + bytes([1]) + pts[65:]
    with pytest.raises(InvalidEncoding, match="points item 2"):
        msm_colsum_vartime_raw(scalars, bad_pts, good, 2)
