"""msm_uniform_vartime_raw, the shuffle verifier's msm over its generators h_i (points made
by the RFC 9496 one-way map inside C, four square roots in lockstep, never encoded nor
decoded), against the naive sum of s_i * Point.from_uniform_bytes(u_i) and against the
pure-Python RFC 9496 reference: every size through the batch's short last round and the
Straus/Pippenger cut-over, edge scalars, repeated inputs, and the rare field elements t
for which the map's v is 0 (the batch takes the one-at-a-time root there)."""
import os

import pytest

from evote.errors import EvoteValueError, InvalidEncoding
from evote.group import Point, Scalar, msm_uniform_vartime_raw, scalars_to_blob
from reference import ristretto255 as ref

L = Scalar.ORDER
EDGE = [0, 1, 2, L - 1, 2**252, 2**128 + 1, 15, 16]


def _naive(ss, us):
    acc = Point.identity()
    for s, u in zip(ss, us):
        acc = acc + Scalar.from_int(s) * Point.from_uniform_bytes(u)
    return acc


def _sqrt(a: int) -> int:
    """A square root mod p of a square a (p = 5 mod 8)."""
    p = ref.P
    x = pow(a, (p + 3) // 8, p)
    if x * x % p != a % p:
        x = x * ref.SQRT_M1 % p
    assert x * x % p == a % p
    return x


def _zero_v_fields():
    """The t with v = (-1 - r D)(r + D) = 0, r = SQRT_M1 t^2: r = -D or r = -1/D."""
    p, d, i = ref.P, ref.D, ref.SQRT_M1
    out = []
    for r in ((-d) % p, (-pow(d, p - 2, p)) % p):
        t = _sqrt(r * pow(i, p - 2, p) % p)
        out += [t, p - t]
    for t in out:
        r = i * t * t % p
        assert (-1 - r * d) * (r + d) % p == 0
    return out


@pytest.mark.parametrize("n", list(range(10)) + [47, 48, 49, 50, 51, 300])
def test_equals_the_naive_sum(n):
    us = [os.urandom(64) for _ in range(n)]
    if n > 3:
        us[3] = us[1]                                   # a repeated generator
    ss = [EDGE[k % len(EDGE)] if k % 2 else int.from_bytes(os.urandom(32), "little") % L
          for k in range(n)]
    assert msm_uniform_vartime_raw(scalars_to_blob(ss), b"".join(us)) == _naive(ss, us)


def test_unit_scalars_give_the_rfc_map_of_each_input():
    """With scalar 1 on item k and 0 elsewhere the msm is the map of item k: checked
    against the pure-Python RFC 9496 reference, in every lane position of a round."""
    us = [os.urandom(64) for _ in range(5)]
    for k in range(5):
        ss = [1 if j == k else 0 for j in range(5)]
        got = msm_uniform_vartime_raw(scalars_to_blob(ss), b"".join(us))
        assert got.to_bytes() == ref.encode(ref.from_uniform(us[k]))


@pytest.mark.parametrize("half", [0, 1])
def test_inputs_whose_map_has_v_zero(half):
    fields = _zero_v_fields()
    us = []
    for t in fields:
        other = os.urandom(32)
        tb = t.to_bytes(32, "little")
        us.append(tb + other if half == 0 else other + tb)
    us.insert(1, os.urandom(64))                        # mixed with an ordinary lane
    for k in range(len(us)):
        ss = [1 if j == k else 0 for j in range(len(us))]
        got = msm_uniform_vartime_raw(scalars_to_blob(ss), b"".join(us))
        assert got.to_bytes() == ref.encode(ref.from_uniform(us[k])) \
            == Point.from_uniform_bytes(us[k]).to_bytes()


def test_a_non_canonical_scalar_is_named():
    us = b"".join(os.urandom(64) for _ in range(3))
    bad = scalars_to_blob([1, 2]) + L.to_bytes(32, "little")
    with pytest.raises(InvalidEncoding, match="scalars item 2"):
        msm_uniform_vartime_raw(bad, us)


def test_counts_must_match():
    with pytest.raises(EvoteValueError, match="2 scalars but 3 uniform"):
        msm_uniform_vartime_raw(scalars_to_blob([1, 2]), os.urandom(192))
    with pytest.raises(InvalidEncoding, match="64-byte"):
        msm_uniform_vartime_raw(scalars_to_blob([1]), os.urandom(65))
