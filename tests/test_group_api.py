"""evote.group's API contract: types, lengths, immutability, equality, hashing, repr.

Compared: the exception class (EvoteTypeError is a TypeError; InvalidEncoding and
EvoteValueError are ValueErrors) and the parameter named in the message, for every
constructor and operation given a wrong type or length; plus the documented behaviour of
int operands, zero inversion and secret-free reprs.
"""
import pickle

import pytest

from evote.errors import EvoteError, EvoteTypeError, EvoteValueError, InvalidEncoding
from evote.group import (G_TABLE, FixedBase, Point, Scalar, aggregate_vartime,
                         double_mul_vartime, msm_vartime, msm_vartime_raw, multiples_vartime,
                         points_from_bytes, scalars_to_blob, validate_points)

L = Scalar.ORDER
G = Point.generator()
WRONG_TYPES = ["00" * 32, 5, 1.0, None, [0] * 32, object()]


def test_order():
    assert L == 2**252 + 27742317777372353535851937790883648493


@pytest.mark.parametrize("bad", WRONG_TYPES)
def test_constructors_reject_wrong_types(bad):
    for ctor in (Scalar.from_bytes, Scalar.from_wide_bytes, Point.from_bytes,
                 Point.from_uniform_bytes):
        with pytest.raises(EvoteTypeError) as ei:
            ctor(bad)
        assert isinstance(ei.value, TypeError) and isinstance(ei.value, EvoteError)
        assert " b must be bytes" in str(ei.value)


@pytest.mark.parametrize("n", [0, 1, 31, 33, 63, 64, 65])
def test_constructors_reject_wrong_lengths(n):
    if n != 32:
        for ctor in (Scalar.from_bytes, Point.from_bytes):
            with pytest.raises(InvalidEncoding, match=f"32 bytes, got {n}"):
                ctor(bytes(n))
    if n != 64:
        for ctor in (Scalar.from_wide_bytes, Point.from_uniform_bytes):
            with pytest.raises(InvalidEncoding, match=f"64 bytes, got {n}"):
                ctor(bytes(n))


def test_bytes_like_inputs_accepted():
    g = G.to_bytes()
    assert Point.from_bytes(bytearray(g)) == G
    assert Point.from_bytes(memoryview(g)) == G
    assert Scalar.from_bytes(bytearray(32)) == Scalar.zero()


def test_scalar_from_bytes_rejects_non_canonical():
    for v in (L, L + 1, 2**256 - 1, 2**255):
        with pytest.raises(InvalidEncoding, match="canonical"):
            Scalar.from_bytes(v.to_bytes(32, "little"))
    assert int(Scalar.from_bytes((L - 1).to_bytes(32, "little"))) == L - 1


def test_scalar_from_int():
    assert int(Scalar.from_int(-1)) == L - 1
    assert int(Scalar.from_int(L)) == 0
    assert int(Scalar.from_int(2**600 + 5)) == (2**600 + 5) % L
    for bad in (True, 1.0, "1", None, b"\x01"):
        with pytest.raises(EvoteTypeError, match="n must be int"):
            Scalar.from_int(bad)


def test_scalar_constructors_are_not_public():
    with pytest.raises(TypeError):
        Scalar(1)
    with pytest.raises(TypeError):
        Point(b"\0" * 32)


def test_immutability():
    s, p = Scalar.one(), G
    for obj in (s, p, G_TABLE):
        with pytest.raises(AttributeError):
            obj._b = bytes(32)
        with pytest.raises(AttributeError):
            obj.anything = 1
    with pytest.raises(AttributeError):
        del s._b


def test_int_operands_on_both_sides():
    s = Scalar.from_int(10)
    assert int(s + 5) == 15 and int(5 + s) == 15
    assert int(s - 11) == L - 1 and int(11 - s) == 1
    assert int(s * 3) == 30 and int(3 * s) == 30
    assert int(-s) == L - 10
    assert 3 * G == G * 3 == Scalar.from_int(3) * G == G * Scalar.from_int(3)
    assert -1 * G == -G


@pytest.mark.parametrize("bad", [1.5, "x", None, b"\x01" * 32, [1]])
def test_arithmetic_rejects_wrong_types(bad):
    s = Scalar.one()
    for op in (lambda: s + bad, lambda: bad + s, lambda: s - bad, lambda: bad - s,
               lambda: s * bad, lambda: bad * s, lambda: G + bad, lambda: G - bad,
               lambda: G * bad, lambda: bad * G):
        with pytest.raises(TypeError):
            op()
    for op in (lambda: Point.mul_base(bad), lambda: G_TABLE.mul(bad),
               lambda: G_TABLE.mul2(bad, G_TABLE, 1), lambda: G_TABLE.mul2(1, G_TABLE, bad)):
        with pytest.raises(EvoteTypeError):
            op()
    with pytest.raises(TypeError):
        s + G  # noqa: B018  (scalar plus point is meaningless)


def test_invert():
    s = Scalar.from_int(7)
    assert s * s.invert() == Scalar.one()
    with pytest.raises(EvoteValueError, match="zero"):
        Scalar.zero().invert()


def test_equality_and_hash():
    a, b = Scalar.from_int(5), Scalar.from_bytes((5).to_bytes(32, "little"))
    assert a == b and hash(a) == hash(b) and a != Scalar.one()
    assert len({a, b, Scalar.one()}) == 2
    assert (a == 5) is False  # Scalars compare only with Scalars
    p, q = Point.mul_base(5), Point.from_bytes(Point.mul_base(5).to_bytes())
    assert p == q and hash(p) == hash(q) and p != G
    assert len({p, q, G}) == 2
    assert (p == p.to_bytes()) is False


def test_repr_hides_scalars():
    s = Scalar.from_int(123456789)
    assert "123456789" not in repr(s) and s.to_bytes().hex() not in repr(s)
    assert repr(G) == f"Point({G.to_bytes().hex()})"


def test_pickle_roundtrip():
    s, p = Scalar.random(), Point.mul_base(77)
    assert pickle.loads(pickle.dumps(s)) == s
    assert pickle.loads(pickle.dumps(p)) == p


def test_random_scalars_differ():
    assert len({Scalar.random() for _ in range(50)}) == 50


def test_identity_and_zero():
    assert Point.identity().to_bytes() == bytes(32)
    assert Point.identity().is_identity() and not G.is_identity()
    assert Scalar.zero().is_zero() and not Scalar.one().is_zero()
    assert G - G == Point.identity()
    assert Point.mul_base(0) == Point.identity() == 0 * G


def test_fixed_base_type_checks():
    with pytest.raises(EvoteTypeError, match="point must be Point"):
        FixedBase(G.to_bytes())
    with pytest.raises(EvoteTypeError, match="other must be FixedBase"):
        G_TABLE.mul2(1, G, 1)
    assert G_TABLE.point == G
    assert FixedBase(G) == G_TABLE and hash(FixedBase(G)) == hash(G_TABLE)


def test_msm_argument_errors():
    with pytest.raises(EvoteValueError, match="2 scalars but 1 points"):
        msm_vartime([1, 2], [G])
    with pytest.raises(EvoteTypeError, match=r"scalars\[1\]"):
        msm_vartime([1, 2.0], [G, G])
    with pytest.raises(EvoteTypeError, match=r"points\[0\]"):
        msm_vartime([1], ["G"])
    with pytest.raises(InvalidEncoding, match=r"points\[0\] must be 32 bytes"):
        msm_vartime([1], [b"\x00" * 31])
    with pytest.raises(EvoteTypeError):
        msm_vartime_raw([1], G.to_bytes())
    with pytest.raises(InvalidEncoding, match="whole number of 32-byte"):
        msm_vartime_raw(bytes(32), bytes(33))
    with pytest.raises(EvoteValueError, match="counts must match"):
        msm_vartime_raw(bytes(64), bytes(32))
    with pytest.raises(InvalidEncoding, match=r"scalars item 1 is not a canonical"):
        msm_vartime_raw(bytes(32) + L.to_bytes(32, "little"), G.to_bytes() * 2)
    assert msm_vartime_raw(b"", b"") == Point.identity()
    assert msm_vartime_raw(scalars_to_blob([2, Scalar.one()]), G.to_bytes() * 2) == 3 * G


def test_array_function_argument_errors():
    with pytest.raises(EvoteTypeError):
        validate_points("ab")
    with pytest.raises(InvalidEncoding, match="whole number"):
        points_from_bytes(bytes(40))
    assert points_from_bytes(b"") == []
    with pytest.raises(EvoteValueError, match="n_rows \\* width"):
        aggregate_vartime(bytes(64), 3, 1)
    with pytest.raises(EvoteTypeError, match="n_rows must be int"):
        aggregate_vartime(bytes(64), 2.0, 1)
    with pytest.raises(EvoteValueError, match="width must be in"):
        aggregate_vartime(bytes(64), 2, -1)
    assert aggregate_vartime(b"", 0, 3) == [bytes(32)] * 3
    assert aggregate_vartime(b"", 5, 0) == []
    with pytest.raises(EvoteTypeError, match="base must be Point"):
        multiples_vartime(G.to_bytes(), 3)
    with pytest.raises(EvoteTypeError, match="n must be int"):
        multiples_vartime(G, "3")
    with pytest.raises(EvoteValueError, match="n must be in"):
        multiples_vartime(G, -1)
    with pytest.raises(EvoteTypeError, match="a must be Scalar or int"):
        double_mul_vartime(1.0, G, 1)
    with pytest.raises(EvoteTypeError, match="p must be Point or bytes"):
        double_mul_vartime(1, None, 1)


def test_edge_points_and_scalars_in_every_multiplication():
    """Identity base, zero and l-1 scalars through each ct and vartime multiplication."""
    o, g = Point.identity(), G
    fo = FixedBase(o)
    for s in (0, 1, L - 1, 2**252):
        assert fo.mul(s) == o == s * o == double_mul_vartime(s, o, 0)
        assert fo.mul2(s, G_TABLE, s) == Point.mul_base(s)
        assert msm_vartime([s, s], [o, g]) == Point.mul_base(s)
    assert Point.mul_base(L - 1) == -g == (L - 1) * g == G_TABLE.mul(L - 1)
    assert double_mul_vartime(L - 1, g, L - 1) == Point.mul_base(L - 2)
    assert Scalar.one().invert() == Scalar.one()
    assert Scalar.from_int(-1).invert() == Scalar.from_int(-1)
