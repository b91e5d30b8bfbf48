"""Differential tests against libsodium (through pynacl's nacl.bindings).

libsodium exposes Ed25519, not ristretto255, through pynacl; ristretto255 elements are
classes of Edwards points, so the comparisons are:
- scalars: byte-for-byte equality of our Scalar +, -, *, negation, inversion and wide
  reduction with crypto_core_ed25519_scalar_add/sub/mul/negate/invert/reduce (same l);
- fixed base: for random a, our encoding of a*G equals the RISTRETTO encoding (computed by
  the pure-Python oracle) of the Edwards point that crypto_scalarmult_ed25519_base_noclamp(a)
  returns (decoded from its RFC 8032 form by the oracle). G is the Ed25519 base point, so
  both sides are the same group element; only the encoding step is the oracle's.
- variable base: a base Q_ed in the prime-order subgroup from crypto_core_ed25519_from_uniform
  (an independent hash-to-curve, cofactor cleared) or from base_noclamp(b); its ristretto
  encoding Q (oracle) goes into our C scalarmult; compared with the oracle's ristretto
  encoding of crypto_scalarmult_ed25519_noclamp(a, Q_ed).
- addition: our P + Q and P - Q against crypto_core_ed25519_add/sub on the Edwards forms.
- a relation that holds in both groups, checked without the oracle: the scalar libsodium
  computes for a*b gives the same point as our a*(b*G).
"""
import os

import nacl.bindings as nb
from hypothesis import given, settings
from hypothesis import strategies as st

from evote.group import Point, Scalar
from reference import ristretto255 as ref

L = Scalar.ORDER
DIFF = settings(max_examples=40, deadline=None)


def nonzero_ints():
    return st.integers(min_value=1, max_value=L - 1)


def _b(n: int) -> bytes:
    return n.to_bytes(32, "little")


def _ristretto_of_ed(ed: bytes) -> bytes:
    """The ristretto255 encoding of the element an Ed25519 point encoding stands for."""
    return ref.encode(ref.ed25519_decode(ed))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=L - 1), st.integers(min_value=0, max_value=L - 1))
def test_scalar_arithmetic_matches_libsodium(x, y):
    a, b = Scalar.from_int(x), Scalar.from_int(y)
    assert (a + b).to_bytes() == nb.crypto_core_ed25519_scalar_add(_b(x), _b(y))
    assert (a - b).to_bytes() == nb.crypto_core_ed25519_scalar_sub(_b(x), _b(y))
    assert (a * b).to_bytes() == nb.crypto_core_ed25519_scalar_mul(_b(x), _b(y))
    assert (-a).to_bytes() == nb.crypto_core_ed25519_scalar_negate(_b(x))
    if x:
        assert a.invert().to_bytes() == nb.crypto_core_ed25519_scalar_invert(_b(x))


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=64, max_size=64))
def test_wide_reduction_matches_libsodium(wide):
    assert Scalar.from_wide_bytes(wide).to_bytes() == nb.crypto_core_ed25519_scalar_reduce(wide)


@DIFF
@given(nonzero_ints())
def test_fixed_base_matches_libsodium(a):
    ed = nb.crypto_scalarmult_ed25519_base_noclamp(_b(a))
    assert Point.mul_base(a).to_bytes() == _ristretto_of_ed(ed)


@DIFF
@given(nonzero_ints(), st.binary(min_size=32, max_size=32))
def test_variable_base_matches_libsodium(a, r):
    q_ed = nb.crypto_core_ed25519_from_uniform(r)
    q = Point.from_bytes(_ristretto_of_ed(q_ed))
    got = Scalar.from_int(a) * q
    if got.is_identity():  # libsodium refuses to output the identity
        return
    ed = nb.crypto_scalarmult_ed25519_noclamp(_b(a), q_ed)
    assert got.to_bytes() == _ristretto_of_ed(ed)


@DIFF
@given(nonzero_ints(), nonzero_ints())
def test_add_sub_match_libsodium(x, y):
    p_ed = nb.crypto_scalarmult_ed25519_base_noclamp(_b(x))
    q_ed = nb.crypto_core_ed25519_from_uniform(_b(y))
    p, q = Point.mul_base(x), Point.from_bytes(_ristretto_of_ed(q_ed))
    assert (p + q).to_bytes() == _ristretto_of_ed(nb.crypto_core_ed25519_add(p_ed, q_ed))
    assert (p - q).to_bytes() == _ristretto_of_ed(nb.crypto_core_ed25519_sub(p_ed, q_ed))


@DIFF
@given(nonzero_ints(), nonzero_ints())
def test_product_relation_with_libsodium_scalar(x, y):
    """(x*y)*G == x*(y*G) where x*y comes from libsodium's scalar_mul (no oracle)."""
    xy = nb.crypto_core_ed25519_scalar_mul(_b(x), _b(y))
    assert Point.mul_base(Scalar.from_bytes(xy)) == x * Point.mul_base(y)


def test_random_batch_against_libsodium():
    """A plain loop (no shrinking) over fresh os.urandom scalars: fixed and variable base."""
    base_ed = nb.crypto_core_ed25519_from_uniform(os.urandom(32))
    base = Point.from_bytes(_ristretto_of_ed(base_ed))
    for _ in range(20):
        a = int.from_bytes(os.urandom(32), "little") % (L - 1) + 1
        assert Point.mul_base(a).to_bytes() == _ristretto_of_ed(
            nb.crypto_scalarmult_ed25519_base_noclamp(_b(a)))
        assert (a * base).to_bytes() == _ristretto_of_ed(
            nb.crypto_scalarmult_ed25519_noclamp(_b(a), base_ed))
