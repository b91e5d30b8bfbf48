"""Hypothesis properties of evote.group, stated as the spec (C core, no oracle).

Compared: group laws (associativity, commutativity, identity, inverse) and scalar-field
laws (ring laws, distributivity, inverses) on Scalar/Point values; decode(encode(P)) == P
and canonical encodings (the C core re-encodes what it decodes byte for byte); scalar
multiplication is a homomorphism ((a+b)P = aP + bP, (ab)P = a(bP)); the constant-time paths
(scalarmult, the generator table, FixedBase, mul2) equal the variable-time ones
(double_mul_vartime, msm_vartime) on the same inputs.
"""
from hypothesis import given, settings
from hypothesis import strategies as st

from evote.group import (G_TABLE, FixedBase, Point, Scalar, double_mul_vartime, msm_vartime,
                         points_from_bytes)
from reference.strategies import nonzero_scalars, points, scalar_ints, scalars

L = Scalar.ORDER
FAST = settings(max_examples=60, deadline=None)
SLOW = settings(max_examples=15, deadline=None)  # tests that build tables


@FAST
@given(scalars(), scalars(), scalars())
def test_scalar_ring_laws(a, b, c):
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert (a * b) * c == a * (b * c)
    assert a * b == b * a
    assert a * (b + c) == a * b + a * c
    assert a + Scalar.zero() == a and a * Scalar.one() == a
    assert a + (-a) == Scalar.zero()
    assert a - b == a + (-b)


@FAST
@given(scalar_ints(), scalar_ints())
def test_scalar_arithmetic_matches_integers(x, y):
    a, b = Scalar.from_int(x), Scalar.from_int(y)
    assert int(a + b) == (x + y) % L
    assert int(a - b) == (x - y) % L
    assert int(a * b) == (x * y) % L
    assert int(-a) == (-x) % L
    assert a.to_bytes() == x.to_bytes(32, "little")
    assert Scalar.from_bytes(a.to_bytes()) == a


@FAST
@given(nonzero_scalars())
def test_scalar_inverse(a):
    assert a * a.invert() == Scalar.one()
    assert a.invert().invert() == a
    assert int(a.invert()) == pow(int(a), -1, L)


@FAST
@given(st.binary(min_size=64, max_size=64))
def test_wide_reduction(b):
    assert int(Scalar.from_wide_bytes(b)) == int.from_bytes(b, "little") % L


@FAST
@given(points(), points(), points())
def test_group_laws(p, q, r):
    o = Point.identity()
    assert (p + q) + r == p + (q + r)
    assert p + q == q + p
    assert p + o == p == o + p
    assert p + (-p) == o
    assert p - q == p + (-q)
    assert -(-p) == p


@FAST
@given(points())
def test_decode_encode_roundtrip_and_canonical(p):
    b = p.to_bytes()
    q = Point.from_bytes(b)
    assert q == p and q.to_bytes() == b
    # the low bit (sign) of a canonical encoding is clear and it is below p
    assert b[0] & 1 == 0 and int.from_bytes(b, "little") < 2**255 - 19
    # an encoding is canonical: equal group elements reached by other routes encode alike
    assert (p + p - p).to_bytes() == b


@FAST
@given(scalars(), scalars(), points())
def test_scalar_multiplication_homomorphism(a, b, p):
    assert (a + b) * p == a * p + b * p
    assert (a * b) * p == a * (b * p)
    assert (-a) * p == -(a * p)
    assert Scalar.one() * p == p and Scalar.zero() * p == Point.identity()
    assert Point.mul_base(a * b) == a * Point.mul_base(b)


@FAST
@given(scalar_ints())
def test_order_annihilates(x):
    g = Point.generator()
    assert Point.mul_base(L - 1) + g == Point.identity()
    assert Point.mul_base(x) == Point.mul_base(x + L) == Point.mul_base(x - L)


@FAST
@given(scalars(), points(), scalars())
def test_constant_time_equals_vartime(a, p, b):
    ct = a * p + Point.mul_base(b)
    assert double_mul_vartime(a, p, b) == ct
    assert double_mul_vartime(a, p.to_bytes(), b) == ct
    assert msm_vartime([a, b], [p, Point.generator()]) == ct
    assert msm_vartime([a], [p]) == a * p == p * a
    assert G_TABLE.mul(b) == Point.mul_base(b) == b * Point.generator()


@SLOW
@given(points(), scalars(), scalars(), points())
def test_fixed_base_equals_scalar_multiplication(p, a, b, q):
    fp, fq = FixedBase(p), FixedBase(q)
    assert fp.point == p
    assert fp.mul(a) == a * p
    assert fp.mul2(a, fq, b) == a * p + b * q
    assert fp.mul2(a, G_TABLE, b) == double_mul_vartime(a, p, b)
    assert fp.mul2(a, fp, b) == (a + b) * p


@FAST
@given(st.lists(points(), max_size=12))
def test_batch_decoding_equals_one_by_one(ps):
    blob = b"".join(p.to_bytes() for p in ps)
    assert points_from_bytes(blob) == ps


@FAST
@given(st.binary(min_size=32, max_size=32))
def test_decoding_arbitrary_bytes_is_all_or_nothing(b):
    """Random bytes either decode to a point that re-encodes to the same bytes, or raise
    InvalidEncoding (never another exception, never a non-canonical acceptance)."""
    from evote.errors import InvalidEncoding

    try:
        p = Point.from_bytes(b)
    except InvalidEncoding:
        return
    assert p.to_bytes() == b


_ANY_NON_BYTES = st.one_of(st.integers(), st.text(max_size=40), st.floats(), st.none(),
                           st.lists(st.integers(0, 255), max_size=40))


@FAST
@given(st.binary(max_size=100).filter(lambda b: len(b) not in (32, 64)))
def test_wrong_lengths_raise_value_errors(b):
    from evote.errors import InvalidEncoding

    for ctor in (Scalar.from_bytes, Point.from_bytes, Scalar.from_wide_bytes,
                 Point.from_uniform_bytes):
        try:
            ctor(b)
        except InvalidEncoding as exc:
            assert isinstance(exc, ValueError) and str(len(b)) in str(exc)
        else:
            raise AssertionError(f"{ctor.__qualname__} accepted {len(b)} bytes")


@FAST
@given(_ANY_NON_BYTES)
def test_wrong_types_raise_type_errors(x):
    from evote.errors import EvoteTypeError

    calls = [Scalar.from_bytes, Point.from_bytes, Scalar.from_wide_bytes,
             Point.from_uniform_bytes, points_from_bytes, FixedBase]
    if not isinstance(x, int) or isinstance(x, bool):
        calls += [Point.mul_base, G_TABLE.mul, Scalar.from_int]
    for call in calls:
        try:
            call(x)
        except EvoteTypeError as exc:
            assert isinstance(exc, TypeError)
        else:
            raise AssertionError(f"{call} accepted {x!r}")
