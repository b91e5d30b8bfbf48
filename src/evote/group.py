"""The ristretto255 group (RFC 9496) and its scalars, over evote's C core.

Scalar: an integer mod l (the group order), canonical, immutable; arithmetic in C in
constant time; use it for secrets. Point: a ristretto255 element, valid by construction,
immutable, stored as its canonical 32-byte encoding (so == and hash compare encodings).

Timing classes: everything here is constant time in its Scalar inputs except the
functions named *_vartime, which are for public data only (verification, tallying).
Python ints (int(s), from_int) are not constant time: keep secrets in Scalar.

Raw wire data stays bytes until it is verified: msm_vartime_raw, validate_points and
aggregate_vartime take blobs of n*32 bytes and validate while decoding, in one C call.
specs/group.md states the encodings and guarantees.
"""
import hmac
import os
from typing import Iterable, List, Sequence, Union

from . import _bindings as _b
from .errors import EvoteTypeError, EvoteValueError, InvalidEncoding

_L = 2**252 + 27742317777372353535851937790883648493
_P = 2**255 - 19
_D = (-121665 * pow(121666, _P - 2, _P)) % _P

__all__ = [
    "Scalar", "Point", "FixedBase", "G_TABLE", "msm_vartime", "msm_vartime_raw",
    "msm_colsum_vartime_raw", "msm_uniform_vartime_raw",
    "double_mul_vartime", "points_from_bytes", "validate_points", "aggregate_vartime",
    "multiples_vartime", "scalars_to_blob",
]


_object_new = object.__new__
_point_is_valid = _b.point_is_valid


def _type_name(x) -> str:
    return type(x).__name__


def _as_bytes(fn: str, name: str, value, length: int) -> bytes:
    if type(value) is bytes and len(value) == length:
        return value
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise EvoteTypeError(f"{fn}: {name} must be bytes, not {_type_name(value)}")
    value = bytes(value)
    if len(value) != length:
        raise InvalidEncoding(f"{fn}: {name} must be {length} bytes, got {len(value)}")
    return value


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


# ================================================================= Scalar

class Scalar:
    """An integer mod l = 2^252 + 27742317777372353535851937790883648493.

    Invariant: _b is the canonical 32-byte little-endian encoding of a value in [0, l).
    Arithmetic (+, -, *, unary -, invert) runs in constant time in C; int operands on
    either side are reduced mod l first. repr never shows the value.
    """

    __slots__ = ("_b",)
    ORDER = _L

    def __init__(self, *args, **kwargs):
        raise EvoteTypeError(
            "Scalar: use Scalar.from_bytes, from_int, from_wide_bytes, random, zero or one"
        )

    def __setattr__(self, name, value):
        raise AttributeError("Scalar is immutable")

    def __delattr__(self, name):
        raise AttributeError("Scalar is immutable")

    # ---- constructors
    @classmethod
    def from_bytes(cls, b) -> "Scalar":
        """32 bytes little-endian, canonical (< l), else InvalidEncoding."""
        b = _as_bytes("Scalar.from_bytes", "b", b, 32)
        if not _b.scalar_is_canonical(b):
            raise InvalidEncoding("Scalar.from_bytes: b is not a canonical scalar (>= l)")
        return _scalar(b)

    @classmethod
    def from_int(cls, n: int) -> "Scalar":
        """Any int (negative too), reduced mod l. Not constant time: public values."""
        if not _is_int(n):
            raise EvoteTypeError(f"Scalar.from_int: n must be int, not {_type_name(n)}")
        return _scalar((n % _L).to_bytes(32, "little"))

    @classmethod
    def from_wide_bytes(cls, b) -> "Scalar":
        """64 bytes little-endian reduced mod l (hash outputs: digest64)."""
        b = _as_bytes("Scalar.from_wide_bytes", "b", b, 64)
        return _scalar(_b.scalar_reduce_wide(b))

    @classmethod
    def random(cls) -> "Scalar":
        """Uniform in [0, l): 64 bytes of os.urandom reduced mod l (bias < 2^-259)."""
        return _scalar(_b.scalar_reduce_wide(os.urandom(64)))

    @classmethod
    def zero(cls) -> "Scalar":
        return _ZERO

    @classmethod
    def one(cls) -> "Scalar":
        return _ONE

    # ---- conversions
    def to_bytes(self) -> bytes:
        return self._b

    def __int__(self) -> int:
        return int.from_bytes(self._b, "little")

    def is_zero(self) -> bool:
        return hmac.compare_digest(self._b, _ZERO_BYTES)

    # ---- arithmetic (constant time in C)
    def __add__(self, other):
        o = _operand(other)
        if o is None:
            return NotImplemented
        return _scalar(_b.scalar_add(self._b, o._b))

    __radd__ = __add__

    def __sub__(self, other):
        o = _operand(other)
        if o is None:
            return NotImplemented
        return _scalar(_b.scalar_sub(self._b, o._b))

    def __rsub__(self, other):
        o = _operand(other)
        if o is None:
            return NotImplemented
        return _scalar(_b.scalar_sub(o._b, self._b))

    def __mul__(self, other):
        if isinstance(other, Point):
            return other._mul(self)
        o = _operand(other)
        if o is None:
            return NotImplemented
        return _scalar(_b.scalar_mul(self._b, o._b))

    __rmul__ = __mul__

    def __neg__(self) -> "Scalar":
        return _scalar(_b.scalar_neg(self._b))

    def invert(self) -> "Scalar":
        """1/s mod l; EvoteValueError for zero."""
        if self.is_zero():
            raise EvoteValueError("Scalar.invert: zero has no inverse")
        return _scalar(_b.scalar_invert(self._b))

    # ---- comparison
    def __eq__(self, other):
        if not isinstance(other, Scalar):
            return NotImplemented
        return hmac.compare_digest(self._b, other._b)

    def __hash__(self):
        return hash((Scalar, self._b))

    def __repr__(self):
        return "Scalar(<hidden>)"

    def __reduce__(self):
        return (Scalar.from_bytes, (self._b,))


# Trusted constructor for bytes already canonical (C outputs, checked inputs): sets the
# slot directly through its descriptor (the class's __setattr__ refuses all writes).
_set_scalar_b = Scalar.__dict__["_b"].__set__


def _scalar(b: bytes) -> Scalar:
    s = _object_new(Scalar)
    _set_scalar_b(s, b)
    return s


def _operand(x):
    """The Scalar for an arithmetic operand (Scalar, or int reduced mod l), else None."""
    if isinstance(x, Scalar):
        return x
    if _is_int(x):
        return _scalar((x % _L).to_bytes(32, "little"))
    return None


_ZERO_BYTES = bytes(32)
_ZERO = _scalar(_ZERO_BYTES)
_ONE = _scalar((1).to_bytes(32, "little"))


def _scalar_bytes(fn: str, name: str, s) -> bytes:
    """The canonical encoding of a Scalar or int operand."""
    if isinstance(s, Scalar):
        return s._b
    if _is_int(s):
        return (s % _L).to_bytes(32, "little")
    raise EvoteTypeError(f"{fn}: {name} must be Scalar or int, not {_type_name(s)}")


# ================================================================= Point

def _why_invalid(b: bytes) -> str:
    """Which rule of RFC 9496 section 4.3.1 the encoding b breaks (diagnostics only:
    called after the C core rejected b; plain Python, not constant time, public data)."""
    s = int.from_bytes(b, "little")
    if s >= _P:
        return "non-canonical field element (s >= p)"
    if s & 1:
        return "negative field element (s is odd)"
    ss = s * s % _P
    u1, u2 = (1 - ss) % _P, (1 + ss) % _P
    v = (-(_D * u1 * u1) - u2 * u2) % _P
    w = v * u2 * u2 % _P
    if w == 0 or pow(w, (_P - 1) // 2, _P) != 1:
        return "non-square x^2: s does not decode to a curve point (v * u2^2 is not a square)"
    if u1 == 0:
        return "s = -1, which gives y = 0 (not a valid point)"
    return "negative xy: the decoded x * y is negative (not a canonical encoding)"


class Point:
    """A ristretto255 group element.

    Invariant: _b is the canonical 32-byte encoding of a valid element (checked by the C
    core when the bytes came from outside; C outputs are canonical by construction).
    """

    __slots__ = ("_b",)

    def __init__(self, *args, **kwargs):
        raise EvoteTypeError(
            "Point: use Point.from_bytes, from_uniform_bytes, generator, identity or mul_base"
        )

    def __setattr__(self, name, value):
        raise AttributeError("Point is immutable")

    def __delattr__(self, name):
        raise AttributeError("Point is immutable")

    # ---- constructors
    @classmethod
    def from_bytes(cls, b) -> "Point":
        """A canonical encoding, else InvalidEncoding naming the rule it breaks."""
        if type(b) is not bytes or len(b) != 32:
            b = _as_bytes("Point.from_bytes", "b", b, 32)
        if not _point_is_valid(b):
            raise InvalidEncoding(f"Point.from_bytes: {_why_invalid(b)}")
        p = _object_new(Point)
        _set_point_b(p, b)
        return p

    @classmethod
    def from_uniform_bytes(cls, b) -> "Point":
        """RFC 9496 hash-to-group: the one-way map of 64 uniform bytes (e.g. digest64)."""
        b = _as_bytes("Point.from_uniform_bytes", "b", b, 64)
        return _point(_b.point_from_uniform(b))

    @classmethod
    def generator(cls) -> "Point":
        return _GENERATOR

    @classmethod
    def identity(cls) -> "Point":
        return _IDENTITY

    @classmethod
    def mul_base(cls, s) -> "Point":
        """s * G with the core's fixed generator table, constant time in s."""
        return _point(_b.scalarmult_base(_scalar_bytes("Point.mul_base", "s", s)))

    # ---- conversions
    def to_bytes(self) -> bytes:
        return self._b

    def is_identity(self) -> bool:
        return self._b == _IDENTITY_BYTES

    # ---- group operations
    def __add__(self, other):
        if not isinstance(other, Point):
            return NotImplemented
        return _point(_b.point_add(self._b, other._b))

    def __sub__(self, other):
        if not isinstance(other, Point):
            return NotImplemented
        return _point(_b.point_sub(self._b, other._b))

    def __neg__(self) -> "Point":
        return _point(_b.point_neg(self._b))

    def _mul(self, s) -> "Point":
        return _point(_b.scalarmult(_scalar_bytes("Point.__mul__", "s", s), self._b))

    def __mul__(self, s):
        """P * s, constant time in s (Scalar, or int reduced mod l)."""
        if not isinstance(s, Scalar) and not _is_int(s):
            return NotImplemented
        return self._mul(s)

    __rmul__ = __mul__

    # ---- comparison
    def __eq__(self, other):
        if not isinstance(other, Point):
            return NotImplemented
        return self._b == other._b

    def __hash__(self):
        return hash((Point, self._b))

    def __repr__(self):
        return f"Point({self._b.hex()})"

    def __reduce__(self):
        return (Point.from_bytes, (self._b,))


_set_point_b = Point.__dict__["_b"].__set__


def _point(b: bytes) -> Point:
    """A Point from a canonical encoding already known valid (C outputs, checked inputs)."""
    p = _object_new(Point)
    _set_point_b(p, b)
    return p


_IDENTITY_BYTES = bytes(32)
_IDENTITY = _point(_IDENTITY_BYTES)
_GENERATOR = _point(
    bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")
)


def _point_bytes(fn: str, name: str, p) -> bytes:
    """A Point's encoding, or raw bytes (validated later by the C call that uses them)."""
    if isinstance(p, Point):
        return p._b
    if isinstance(p, (bytes, bytearray, memoryview)):
        p = bytes(p)
        if len(p) != 32:
            raise InvalidEncoding(f"{fn}: {name} must be 32 bytes, got {len(p)}")
        return p
    raise EvoteTypeError(f"{fn}: {name} must be Point or bytes, not {_type_name(p)}")


# ================================================================= FixedBase

class FixedBase:
    """A long-lived base point with its precomputed table (public), for fast
    constant-time s * B. G_TABLE is the generator's; the election key K gets one too."""

    __slots__ = ("_point", "_table")

    def __init__(self, point: Point):
        if not isinstance(point, Point):
            raise EvoteTypeError(f"FixedBase: point must be Point, not {_type_name(point)}")
        object.__setattr__(self, "_point", point)
        object.__setattr__(self, "_table", _b.basetable_init(point._b))

    def __setattr__(self, name, value):
        raise AttributeError("FixedBase is immutable")

    def __delattr__(self, name):
        raise AttributeError("FixedBase is immutable")

    @property
    def point(self) -> Point:
        return self._point

    @property
    def basetable(self):
        """The binding layer's table object (evote._bindings.BaseTable, public data), for
        the C provers that take a table (evote.protocol.disjunctive)."""
        return self._table

    def mul(self, s) -> Point:
        """s * B, constant time in s."""
        return _point(_b.basetable_mul(self._table, _scalar_bytes("FixedBase.mul", "s", s)))

    def mul2(self, a, other: "FixedBase", b) -> Point:
        """a * self.point + b * other.point, constant time in a and b."""
        if not isinstance(other, FixedBase):
            raise EvoteTypeError(
                f"FixedBase.mul2: other must be FixedBase, not {_type_name(other)}"
            )
        ab = _scalar_bytes("FixedBase.mul2", "a", a)
        bb = _scalar_bytes("FixedBase.mul2", "b", b)
        return _point(_b.basetable_mul2(self._table, ab, other._table, bb))

    def __eq__(self, other):
        if not isinstance(other, FixedBase):
            return NotImplemented
        return self._point == other._point

    def __hash__(self):
        return hash((FixedBase, self._point._b))

    def __repr__(self):
        return f"FixedBase({self._point!r})"


G_TABLE = FixedBase(_GENERATOR)


# ================================================================= variable time (public data)

def msm_vartime(scalars: Sequence[Union[Scalar, int]],
                points: Sequence[Union[Point, bytes]]) -> Point:
    """sum scalars[i] * points[i] in one C call (Straus or Pippenger); empty -> identity.

    Variable time: public scalars and points only. Points may be raw 32-byte encodings,
    validated during the call (InvalidEncoding names the index of the first bad one).
    """
    fn = "msm_vartime"
    scalars = list(scalars) if not isinstance(scalars, (list, tuple)) else scalars
    points = list(points) if not isinstance(points, (list, tuple)) else points
    if len(scalars) != len(points):
        raise EvoteValueError(
            f"{fn}: {len(scalars)} scalars but {len(points)} points (the counts must match)"
        )
    sblob = b"".join([_scalar_bytes(fn, f"scalars[{i}]", s) for i, s in enumerate(scalars)])
    pblob = b"".join([_point_bytes(fn, f"points[{i}]", p) for i, p in enumerate(points)])
    return _point(_b.msm_vartime(sblob, pblob))


def msm_vartime_raw(scalar_blob: bytes, point_blob: bytes) -> Point:
    """msm_vartime over blobs of n canonical scalars and n encodings (n*32 bytes each).

    Decodes each point once; InvalidEncoding names the index of the first bad point or
    non-canonical scalar. Variable time: public data only.
    """
    return _point(_b.msm_vartime(scalar_blob, point_blob))


def msm_uniform_vartime_raw(scalar_blob: bytes, uniform_blob: bytes) -> Point:
    """sum of scalar i times Point.from_uniform_bytes(uniform i) over blobs of n canonical
    scalars (n*32 bytes) and n one-way-map inputs (n*64 bytes, e.g. digest64 outputs):
    an msm over derived generators that never encodes nor decodes them (two lockstep
    square roots per point in C). InvalidEncoding names the index of the first
    non-canonical scalar. Variable time: public data only.
    """
    return _point(_b.msm_uniform_vartime(scalar_blob, uniform_blob))


def msm_colsum_vartime_raw(scalar_blob: bytes, point_blob: bytes, columns: bytes,
                           n_columns: int):
    """(msm_vartime_raw(scalar_blob, point_blob), column sums): from the same decoded
    points, the n_columns encodings sum of points[i] over columns[i] == c (columns: n
    native int32, -1 for none). One decode per point for a batch proof check and a tally.
    Variable time: public data only."""
    total, sums = _b.msm_colsum_vartime(scalar_blob, point_blob, columns, n_columns)
    return _point(total), _split(sums, n_columns)


def double_mul_vartime(a, p, b) -> Point:
    """a * P + b * G. Variable time: public a, P, b only."""
    fn = "double_mul_vartime"
    return _point(_b.double_scalarmult_vartime(
        _scalar_bytes(fn, "a", a), _point_bytes(fn, "p", p), _scalar_bytes(fn, "b", b)))


def validate_points(blob: bytes) -> int:
    """Check that blob is n valid encodings (one C call); returns n. InvalidEncoding
    names the index of the first bad one."""
    return _b.points_validate(blob)


def points_from_bytes(blob: bytes) -> List[Point]:
    """Split n*32 bytes into n Points after one validating C call."""
    n = _b.points_validate(blob)
    blob = bytes(blob)
    return [_point(blob[32 * i:32 * i + 32]) for i in range(n)]


def _split(blob: bytes, n: int) -> List[bytes]:
    return [blob[32 * i:32 * i + 32] for i in range(n)]


def aggregate_vartime(rows_blob: bytes, n_rows: int, width: int) -> List[bytes]:
    """Column sums of an n_rows x width row-major array of encodings: width encodings.

    Each input is decoded once (validated: InvalidEncoding names item, row and column).
    Variable time: public data only (ciphertexts).
    """
    return _split(_b.aggregate_vartime(rows_blob, n_rows, width), width)


def multiples_vartime(base: Point, n: int) -> List[bytes]:
    """[i * base for i in range(n)] as encodings (baby steps for discrete logs)."""
    if not isinstance(base, Point):
        raise EvoteTypeError(f"multiples_vartime: base must be Point, not {_type_name(base)}")
    return _split(_b.multiples_vartime(base._b, n), n)


def scalars_to_blob(scalars: Iterable[Union[Scalar, int]]) -> bytes:
    """Pack Scalars / ints (reduced mod l) into one blob for msm_vartime_raw."""
    return b"".join(
        [_scalar_bytes("scalars_to_blob", f"scalars[{i}]", s) for i, s in enumerate(scalars)]
    )
