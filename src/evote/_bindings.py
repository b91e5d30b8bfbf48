"""The one binding layer over the C core: the only module that touches evote._native.

Every function here checks the type and length of every argument itself (no caller is
trusted, not even evote.group), allocates its outputs, makes exactly one C call for the
job (array functions take one bytes blob of n*32 bytes), checks the return code and copies
the result out as bytes. Errors name the function and parameter:
  wrong type                     -> EvoteTypeError
  wrong length of an encoding    -> InvalidEncoding
  bytes that do not decode       -> InvalidEncoding (for arrays: the index of the first)
  scalar not canonical (>= l)    -> InvalidEncoding
  other bad values (counts, 0^-1)-> EvoteValueError

Timing: functions without _vartime in their name call constant-time C code for their
scalar arguments. The Python objects holding secrets (bytes) cannot be wiped; see
specs/group.md.
"""
from ._version import __version__
from .errors import EvoteError, EvoteTypeError, EvoteValueError, InvalidEncoding

try:
    from ._native import ffi, lib
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise EvoteError(
        f"the C core evote._native is not built or cannot load ({exc}): "
        "rebuild with pip install ."
    ) from exc

_CORE_VERSION = ffi.string(lib.evote_core_version()).decode("ascii", "replace")
if _CORE_VERSION != __version__:
    raise EvoteError(
        f"stale build: the C core is version {_CORE_VERSION} but the package is "
        f"{__version__}: rebuild with pip install ."
    )

_OK = lib.EVOTE_OK
_ERR_ENCODING = lib.EVOTE_ERR_ENCODING
_ERR_SCALAR = lib.EVOTE_ERR_SCALAR
_ERR_ZERO = lib.EVOTE_ERR_ZERO
_ERR_ARGUMENT = lib.EVOTE_ERR_ARGUMENT

# Largest element count passed as size_t: also bounds n*32 well inside Py_ssize_t.
_MAX_COUNT = (1 << (8 * ffi.sizeof("size_t") - 6)) - 1

_BYTES_TYPES = (bytes, bytearray, memoryview)


# ---------------------------------------------------------------- argument checks

def _bytes(fn: str, name: str, value, length: int) -> bytes:
    """value as bytes of exactly `length` bytes, else a precise error."""
    if type(value) is bytes and len(value) == length:  # the common case, checked first
        return value
    if not isinstance(value, _BYTES_TYPES):
        raise EvoteTypeError(f"{fn}: {name} must be bytes, not {type(value).__name__}")
    if type(value) is not bytes:
        value = bytes(value)
    if len(value) != length:
        raise InvalidEncoding(f"{fn}: {name} must be {length} bytes, got {len(value)}")
    return value


def _blob(fn: str, name: str, value, item: int = 32) -> bytes:
    """value as bytes whose length is a multiple of `item`."""
    if not isinstance(value, _BYTES_TYPES):
        raise EvoteTypeError(f"{fn}: {name} must be bytes, not {type(value).__name__}")
    if type(value) is not bytes:
        value = bytes(value)
    if len(value) % item:
        raise InvalidEncoding(
            f"{fn}: {name} must be a whole number of {item}-byte encodings, "
            f"got {len(value)} bytes"
        )
    return value


def _count(fn: str, name: str, value) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise EvoteTypeError(f"{fn}: {name} must be int, not {type(value).__name__}")
    if not 0 <= value <= _MAX_COUNT:
        raise EvoteValueError(f"{fn}: {name} must be in [0, {_MAX_COUNT}], got {value}")
    return value


# Inputs: CFFI passes a bytes object to a `const uint8_t *` parameter as a pointer to its
# buffer (no copy); the C side never writes through const pointers. Outputs are fresh
# zeroed arrays owned by this module, copied out as bytes.
_U8_32 = ffi.typeof("uint8_t[32]")
_U8_ARRAY = ffi.typeof("uint8_t[]")
_new = ffi.new
_buffer = ffi.buffer


def _out(n: int = 32):
    return _new(_U8_32) if n == 32 else _new(_U8_ARRAY, n)


def _copy(buf, n: int = 32) -> bytes:
    return _buffer(buf, n)[:]


def _scalar_error(fn: str, scalars: dict) -> InvalidEncoding:
    """The error for EVOTE_ERR_SCALAR: names the first non-canonical scalar argument."""
    for name, s in scalars.items():
        if not lib.evote_scalar_is_canonical(s):
            return InvalidEncoding(f"{fn}: {name} is not a canonical scalar (it is >= l)")
    return InvalidEncoding(f"{fn}: a scalar argument is not canonical")


def _point_error(fn: str, points: dict) -> InvalidEncoding:
    """The error for EVOTE_ERR_ENCODING: names the first point argument that fails."""
    for name, p in points.items():
        if not lib.evote_point_is_valid(p):
            return InvalidEncoding(f"{fn}: {name} is not a valid ristretto255 encoding")
    return InvalidEncoding(f"{fn}: a point argument is not a valid ristretto255 encoding")


def _check(rc: int, fn: str, scalars: dict = None, points: dict = None) -> None:
    """Raise the precise error for a non-zero return code of a C call."""
    if rc == _OK:
        return
    if rc == _ERR_SCALAR and scalars:
        raise _scalar_error(fn, scalars)
    if rc == _ERR_ENCODING and points:
        raise _point_error(fn, points)
    if rc == _ERR_ZERO:
        raise EvoteValueError(f"{fn}: the scalar is zero (zero has no inverse)")
    if rc == _ERR_ARGUMENT:
        raise EvoteValueError(f"{fn}: the C core rejected an argument")
    raise EvoteError(f"{fn}: the C core returned unexpected code {rc}")


def _array_check(rc: int, fn: str, bad, scalars_name: str, points_name: str) -> None:
    """Return-code check for the array functions (bad[0] indexes the first bad item)."""
    if rc == _OK:
        return
    if rc == _ERR_ENCODING:
        raise InvalidEncoding(
            f"{fn}: {points_name} item {bad[0]} is not a valid ristretto255 encoding"
        )
    if rc == _ERR_SCALAR:
        raise InvalidEncoding(
            f"{fn}: {scalars_name} item {bad[0]} is not a canonical scalar (it is >= l)"
        )
    _check(rc, fn)


# ---------------------------------------------------------------- the core

def core_version() -> str:
    """The C core's version string (equal to evote.__version__, checked at import)."""
    return _CORE_VERSION


def core_uses_int128() -> bool:
    """True when the core was compiled with the radix-2^51 (__int128) field."""
    return bool(lib.evote_core_uses_int128())


# ---------------------------------------------------------------- scalars (constant time)

def scalar_is_canonical(s) -> bool:
    s = _bytes("scalar_is_canonical", "s", s, 32)
    return bool(lib.evote_scalar_is_canonical(s))


def scalar_reduce_wide(b) -> bytes:
    """64 bytes (little-endian 512-bit integer) mod l."""
    b = _bytes("scalar_reduce_wide", "b", b, 64)
    out = _out()
    lib.evote_scalar_reduce_wide(out, b)
    return _copy(out)


def _binop(fn: str, cfun, kind: str):
    """A checked binding for `int cfun(out, a, b)` over two 32-byte encodings; kind is
    "scalars" or "points" and says how _check names a rejected argument."""

    def op(a, b) -> bytes:
        # argument checks inlined for well-formed bytes (hot path of the protocol code)
        if type(a) is not bytes or len(a) != 32:
            a = _bytes(fn, "a", a, 32)
        if type(b) is not bytes or len(b) != 32:
            b = _bytes(fn, "b", b, 32)
        out = _new(_U8_32)
        rc = cfun(out, a, b)
        if rc:
            _check(rc, fn, **{kind: {"a": a, "b": b}})
        return _buffer(out)[:]

    op.__name__ = op.__qualname__ = fn
    return op


scalar_add = _binop("scalar_add", lib.evote_scalar_add, "scalars")
scalar_sub = _binop("scalar_sub", lib.evote_scalar_sub, "scalars")
scalar_mul = _binop("scalar_mul", lib.evote_scalar_mul, "scalars")


def scalar_neg(a) -> bytes:
    a = _bytes("scalar_neg", "a", a, 32)
    out = _out()
    _check(lib.evote_scalar_neg(out, a), "scalar_neg", scalars={"a": a})
    return _copy(out)


def scalar_invert(a) -> bytes:
    """1/a mod l; EvoteValueError when a is zero."""
    a = _bytes("scalar_invert", "a", a, 32)
    out = _out()
    _check(lib.evote_scalar_invert(out, a), "scalar_invert", scalars={"a": a})
    return _copy(out)


# ---------------------------------------------------------------- points

_c_point_is_valid = lib.evote_point_is_valid


def point_is_valid(p) -> bool:
    # Hot path (every decode): the argument check is inlined for well-formed bytes.
    if type(p) is not bytes or len(p) != 32:
        p = _bytes("point_is_valid", "p", p, 32)
    return _c_point_is_valid(p) == 1


point_add = _binop("point_add", lib.evote_point_add, "points")
point_sub = _binop("point_sub", lib.evote_point_sub, "points")


def point_neg(a) -> bytes:
    a = _bytes("point_neg", "a", a, 32)
    out = _out()
    _check(lib.evote_point_neg(out, a), "point_neg", points={"a": a})
    return _copy(out)


def point_from_uniform(b) -> bytes:
    """RFC 9496 one-way map of 64 uniform bytes to a group element."""
    b = _bytes("point_from_uniform", "b", b, 64)
    out = _out()
    lib.evote_point_from_uniform(out, b)
    return _copy(out)


def points_validate(blob) -> int:
    """Check n encodings in one C call; returns n, or raises naming the first bad index."""
    blob = _blob("points_validate", "blob", blob)
    n = len(blob) // 32
    bad = ffi.new("size_t *")
    rc = lib.evote_points_validate(blob, n, bad)
    _array_check(rc, "points_validate", bad, "scalars", "blob")
    return n


# ---------------------------------------------------------------- constant-time scalarmult

def scalarmult(s, p) -> bytes:
    """s * P, constant time in s."""
    s = _bytes("scalarmult", "s", s, 32)
    p = _bytes("scalarmult", "p", p, 32)
    out = _out()
    rc = lib.evote_scalarmult(out, s, p)
    if rc:
        _check(rc, "scalarmult", scalars={"s": s}, points={"p": p})
    return _copy(out)


def scalarmult_base(s) -> bytes:
    """s * G with the core's generator table, constant time in s."""
    s = _bytes("scalarmult_base", "s", s, 32)
    out = _out()
    rc = lib.evote_scalarmult_base(out, s)
    if rc:
        _check(rc, "scalarmult_base", scalars={"s": s})
    return _copy(out)


class BaseTable:
    """An opaque precomputed table of one base point (C memory, owned by this object).

    Made only by basetable_init(); read only by basetable_mul/mul2. Holds public data.
    """

    __slots__ = ("_buf", "point")

    def __init__(self, buf, point: bytes):
        self._buf = buf
        self.point = point


_BASETABLE_SIZE = int(lib.evote_basetable_size())


def basetable_size() -> int:
    return _BASETABLE_SIZE


def basetable_init(p) -> BaseTable:
    p = _bytes("basetable_init", "p", p, 32)
    buf = _out(_BASETABLE_SIZE)
    _check(lib.evote_basetable_init(buf, p), "basetable_init", points={"p": p})
    return BaseTable(buf, p)


def _table(fn: str, name: str, t) -> BaseTable:
    if not isinstance(t, BaseTable):
        raise EvoteTypeError(f"{fn}: {name} must be a BaseTable, not {type(t).__name__}")
    return t


def basetable_mul(table, s) -> bytes:
    """s * B for the table's base B, constant time in s."""
    table = _table("basetable_mul", "table", table)
    s = _bytes("basetable_mul", "s", s, 32)
    out = _out()
    rc = lib.evote_basetable_mul(out, table._buf, s)
    if rc:
        _check(rc, "basetable_mul", scalars={"s": s})
    return _copy(out)


def basetable_mul2(table_a, a, table_b, b) -> bytes:
    """a * A + b * B for two tables, constant time in a and b."""
    table_a = _table("basetable_mul2", "table_a", table_a)
    table_b = _table("basetable_mul2", "table_b", table_b)
    a = _bytes("basetable_mul2", "a", a, 32)
    b = _bytes("basetable_mul2", "b", b, 32)
    out = _out()
    rc = lib.evote_basetable_mul2(out, table_a._buf, a, table_b._buf, b)
    _check(rc, "basetable_mul2", scalars={"a": a, "b": b})
    return _copy(out)


# ---------------------------------------------------------------- variable time (public data)

def double_scalarmult_vartime(a, p, b) -> bytes:
    """a * P + b * G. Variable time: public a, P, b only."""
    fn = "double_scalarmult_vartime"
    a = _bytes(fn, "a", a, 32)
    p = _bytes(fn, "p", p, 32)
    b = _bytes(fn, "b", b, 32)
    out = _out()
    _check(lib.evote_double_scalarmult_vartime(out, a, p, b), fn,
           scalars={"a": a, "b": b}, points={"p": p})
    return _copy(out)


def _msm_args(fn: str, scalars, points) -> tuple:
    """(scalars, points, n) checked: two blobs of the same number n of 32-byte items."""
    scalars = _blob(fn, "scalars", scalars)
    points = _blob(fn, "points", points)
    n = len(points) // 32
    if len(scalars) // 32 != n:
        raise EvoteValueError(
            f"{fn}: {len(scalars) // 32} scalars but {n} points (the counts must match)"
        )
    return scalars, points, n


def msm_vartime(scalars, points) -> bytes:
    """sum scalars[i] * points[i] over two blobs of n*32 bytes, one C call.

    Variable time: public data only. Raises InvalidEncoding naming the first bad item.
    """
    fn = "msm_vartime"
    scalars, points, n = _msm_args(fn, scalars, points)
    out = _out()
    bad = ffi.new("size_t *")
    rc = lib.evote_msm_vartime(out, scalars, points, n, bad)
    _array_check(rc, fn, bad, "scalars", "points")
    return _copy(out)


def msm_uniform_vartime(scalars, uniform) -> bytes:
    """sum scalars[i] * from_uniform(uniform[i]): n*32 bytes of scalars, n*64 bytes of
    one-way-map inputs (RFC 9496), one C call; the points are never encoded or decoded.

    Variable time: public data only. Raises InvalidEncoding naming the first bad scalar.
    """
    fn = "msm_uniform_vartime"
    scalars = _blob(fn, "scalars", scalars)
    uniform = _blob(fn, "uniform", uniform, 64)
    n = len(uniform) // 64
    if len(scalars) // 32 != n:
        raise EvoteValueError(
            f"{fn}: {len(scalars) // 32} scalars but {n} uniform strings (the counts must match)"
        )
    out = _out()
    bad = ffi.new("size_t *")
    rc = lib.evote_msm_uniform_vartime(out, scalars, uniform, n, bad)
    _array_check(rc, fn, bad, "scalars", "uniform")
    return _copy(out)


def shuffle_chunk_vartime(u_digests, sp, has_next, params, points, gen_uniform) -> bytes:
    """enc(P) || le32(prod u_i) for one chunk of the shuffle verifier's batch
    (csrc/shuffle_verify.c): m = len(u_digests) // 64 items. Raises InvalidEncoding
    naming the first non-canonical sp item or the first point that does not decode.
    Variable time: public data only."""
    fn = "shuffle_chunk_vartime"
    u_digests = _blob(fn, "u_digests", u_digests, 64)
    m = len(u_digests) // 64
    sp = _bytes(fn, "sp", sp, 32 * (m + (1 if has_next else 0)))
    params = _bytes(fn, "params", params, 288)
    points = _bytes(fn, "points", points, 192 * m)
    gen_uniform = _bytes(fn, "gen_uniform", gen_uniform, 64 * m)
    out = _out(64)
    bad = ffi.new("size_t *")
    rc = lib.evote_shuffle_chunk_vartime(out, u_digests, sp, 1 if has_next else 0, params,
                                         points, gen_uniform, m, bad)
    _array_check(rc, fn, bad, "sp", "points")
    return _copy(out, 64)


def shuffle_chain_chunk_vartime(n_mixes, u_digests, sp, has_next, params, proof_points,
                                lists, gen_uniform) -> bytes:
    """enc(P) || le32(prod u_i of each mix) for one chunk of a chain of n_mixes shuffles
    (csrc/shuffle_verify.c; per-mix blocks one after the other, lists 0..n_mixes).
    Raises InvalidEncoding naming the first non-canonical sp item or the first point that
    does not decode (index in proof_points then lists). Variable time: public data."""
    fn = "shuffle_chain_chunk_vartime"
    k = _count(fn, "n_mixes", n_mixes)
    if not 1 <= k <= 64:
        raise EvoteValueError(f"{fn}: n_mixes must be in 1..64, got {k}")
    u_digests = _blob(fn, "u_digests", u_digests, 64 * k)
    m = len(u_digests) // (64 * k)
    sp = _bytes(fn, "sp", sp, 32 * k * (m + (1 if has_next else 0)))
    params = _bytes(fn, "params", params, 288 * k)
    proof_points = _bytes(fn, "proof_points", proof_points, 64 * m * k)
    lists = _bytes(fn, "lists", lists, 64 * m * (k + 1))
    gen_uniform = _bytes(fn, "gen_uniform", gen_uniform, 64 * m)
    out = _out(32 + 32 * k)
    bad = ffi.new("size_t *")
    rc = lib.evote_shuffle_chain_chunk_vartime(out, k, u_digests, sp, 1 if has_next else 0,
                                               params, proof_points, lists, gen_uniform, m,
                                               bad)
    _array_check(rc, fn, bad, "sp", "points")
    return _copy(out, 32 + 32 * k)


def msm_colsum_vartime(scalars, points, columns, n_columns) -> tuple:
    """(msm, sums): msm_vartime(scalars, points), and from the same decoded points the
    column sums sums[c] = sum of points[i] with columns[i] == c (n_columns*32 bytes).

    columns: n native-endian int32 (n*4 bytes, e.g. numpy int32 .tobytes()), each -1 (no
    column) or in [0, n_columns). Variable time. Raises InvalidEncoding naming the first
    bad point or scalar, EvoteValueError naming the first bad column index.
    """
    fn = "msm_colsum_vartime"
    scalars, points, n = _msm_args(fn, scalars, points)
    columns = _bytes(fn, "columns", columns, 4 * n)
    n_columns = _count(fn, "n_columns", n_columns)
    if n_columns > 1 << 24:
        raise EvoteValueError(f"{fn}: n_columns must be at most 2^24, got {n_columns}")
    out = _out()
    sums = _out(max(32 * n_columns, 1))
    bad = ffi.new("size_t *")
    cols = ffi.from_buffer("int32_t[]", columns)
    rc = lib.evote_msm_colsum_vartime(out, sums, scalars, points, cols, n, n_columns, bad)
    if rc == _ERR_ARGUMENT and n > 0:
        raise EvoteValueError(
            f"{fn}: columns item {bad[0]} is not -1 or a column index below {n_columns}"
        )
    _array_check(rc, fn, bad, "scalars", "points")
    return _copy(out), _copy(sums, 32 * n_columns)


def verify01_coefs_vartime(proofs, weights, extra) -> tuple:
    """(coefficients, g, k): the batch verifier's scalars for k 0/1 proofs (evote.h,
    evote_verify01_coefs_vartime). proofs: k * 160 bytes (digest, c_0, v_0, v_1 per
    proof); weights: k * 64 bytes (four 128-bit weights per proof); extra: 128 bytes.
    coefficients: k * 192 bytes; g, k: 32-byte scalars. Variable time (public data).
    Raises InvalidEncoding naming the first proof with a non-canonical scalar."""
    fn = "verify01_coefs_vartime"
    proofs = _blob(fn, "proofs", proofs, 160)
    k = len(proofs) // 160
    weights = _bytes(fn, "weights", weights, 64 * k)
    extra = _bytes(fn, "extra", extra, 128)
    out = _out(max(192 * k, 1))
    gk = _out(64)
    bad = ffi.new("size_t *")
    rc = lib.evote_verify01_coefs_vartime(out, gk, proofs, weights, extra, k, bad)
    if rc == _ERR_SCALAR:
        raise InvalidEncoding(f"{fn}: proofs item {bad[0]} has a scalar that is not "
                              f"canonical (>= l)")
    _check(rc, fn)
    g = _copy(gk, 64)
    return _copy(out, 192 * k), g[:32], g[32:]


def multiples_vartime(base, n) -> bytes:
    """i * base for i in [0, n), concatenated (n*32 bytes). Variable time."""
    fn = "multiples_vartime"
    base = _bytes(fn, "base", base, 32)
    n = _count(fn, "n", n)
    out = _out(max(32 * n, 1))
    _check(lib.evote_multiples_vartime(out, base, n), fn, points={"base": base})
    return _copy(out, 32 * n)


def aggregate_vartime(rows, n_rows, width) -> bytes:
    """Column sums of an n_rows x width array of encodings (row-major), width*32 bytes.

    Variable time. Raises InvalidEncoding naming the row and column of the first bad one.
    """
    fn = "aggregate_vartime"
    rows = _blob(fn, "rows", rows)
    n_rows = _count(fn, "n_rows", n_rows)
    width = _count(fn, "width", width)
    if n_rows * width * 32 != len(rows):
        raise EvoteValueError(
            f"{fn}: rows holds {len(rows) // 32} encodings, but n_rows * width = "
            f"{n_rows} * {width} = {n_rows * width}"
        )
    out = _out(max(32 * width, 1))
    bad = ffi.new("size_t *")
    rc = lib.evote_aggregate_vartime(out, rows, n_rows, width, bad)
    if rc == _ERR_ENCODING:
        i, j = divmod(bad[0], width)
        raise InvalidEncoding(
            f"{fn}: rows item {bad[0]} (row {i}, column {j}) is not a valid "
            "ristretto255 encoding"
        )
    _check(rc, fn)
    return _copy(out, 32 * width)


# ---------------------------------------------------------------- ballot provers (constant time)
# csrc/prove.c: the kiosk's ciphertexts and disjunctive proofs (specs/protocol.md 4.2), in
# two calls around the Fiat-Shamir hash that the caller computes. Secret arguments: bits,
# value, nonce, randomness (checked here for type and length only; the C side checks the
# values in constant time). Python cannot wipe the bytes objects holding them.

_PROVE01_RAND = 320     # r, c_0, a_0, c_1, a_1: 64 bytes each
_PROVE01_OUT = 192      # alpha, beta, A_0, B_0, A_1, B_1
_PROVE01_RESP = 96      # c_0', v_0, v_1
_RANGE_MAX_HI = 0xFFFF  # hi < 2^16


def _bits_and_randomness(fn: str, bits, randomness) -> tuple:
    if not isinstance(bits, _BYTES_TYPES):
        raise EvoteTypeError(f"{fn}: bits must be bytes, not {type(bits).__name__}")
    bits = bytes(bits) if type(bits) is not bytes else bits
    k = len(bits)
    randomness = _bytes(fn, "randomness", randomness, _PROVE01_RAND * k)
    return bits, randomness, k


def prove01_commit(table_k, bits, randomness) -> tuple:
    """k 0/1 ciphertexts and their proof commitments, for bits (k bytes, each 0 or 1) and
    randomness (k * 320 bytes: r, c_0, a_0, c_1, a_1 per ciphertext). Returns
    (out, nonces): out holds alpha, beta, A_0, B_0, A_1, B_1 per ciphertext (k * 192
    bytes), nonces the r_i mod l (k * 32 bytes, secret). Constant time in the secrets."""
    fn = "prove01_commit"
    table_k = _table(fn, "table_k", table_k)
    bits, randomness, k = _bits_and_randomness(fn, bits, randomness)
    out = _out(max(_PROVE01_OUT * k, 1))
    nonces = _out(max(32 * k, 1))
    rc = lib.evote_prove01_commit(out, nonces, table_k._buf, bits, randomness, k)
    if rc == _ERR_ARGUMENT:
        raise EvoteValueError(f"{fn}: every item of bits must be 0 or 1")
    _check(rc, fn)
    return _copy(out, _PROVE01_OUT * k), _copy(nonces, 32 * k)


def prove01_respond(bits, randomness, challenges) -> bytes:
    """The responses c_0', v_0, v_1 (k * 96 bytes) of the k proofs begun by
    prove01_commit(table_k, bits, randomness), given their k 64-byte challenge digests
    (k * 64 bytes). Constant time in the secrets."""
    fn = "prove01_respond"
    bits, randomness, k = _bits_and_randomness(fn, bits, randomness)
    challenges = _bytes(fn, "challenges", challenges, 64 * k)
    out = _out(max(_PROVE01_RESP * k, 1))
    rc = lib.evote_prove01_respond(out, bits, randomness, challenges, k)
    if rc == _ERR_ARGUMENT:
        raise EvoteValueError(f"{fn}: every item of bits must be 0 or 1")
    _check(rc, fn)
    return _copy(out, _PROVE01_RESP * k)


def _range_args(fn: str, value, lo, hi, randomness) -> tuple:
    for name, x in (("value", value), ("lo", lo), ("hi", hi)):
        if not isinstance(x, int) or isinstance(x, bool):
            raise EvoteTypeError(f"{fn}: {name} must be int, not {type(x).__name__}")
    if not 0 <= lo <= hi <= _RANGE_MAX_HI:
        raise EvoteValueError(f"{fn}: need 0 <= lo <= hi <= {_RANGE_MAX_HI}, got [{lo}, {hi}]")
    if not 0 <= value <= 0xFFFFFFFF:
        raise EvoteValueError(f"{fn}: value is not in [{lo}, {hi}]")
    nb = hi - lo + 1
    return _bytes(fn, "randomness", randomness, 128 * nb), nb


def disjunctive_commit(table_k, value, lo, hi, randomness) -> bytes:
    """Commitments A_lo, B_lo, ..., A_hi, B_hi (nb * 64 bytes, nb = hi - lo + 1) of a
    proof that Enc(value; r) encrypts a value in [lo, hi]; randomness is nb * 128 bytes
    (c_j, a_j per branch). Constant time in value and randomness."""
    fn = "disjunctive_commit"
    table_k = _table(fn, "table_k", table_k)
    randomness, nb = _range_args(fn, value, lo, hi, randomness)
    out = _out(64 * nb)
    rc = lib.evote_disjunctive_commit(out, table_k._buf, value, lo, hi, randomness)
    if rc == _ERR_ARGUMENT:
        raise EvoteValueError(f"{fn}: value is not in [{lo}, {hi}]")
    _check(rc, fn)
    return _copy(out, 64 * nb)


def disjunctive_respond(value, lo, hi, nonce, randomness, challenge) -> bytes:
    """Challenges c_lo', ..., c_{hi-1}' then responses v_lo, ..., v_hi ((2 nb - 1) * 32
    bytes) of the proof begun by disjunctive_commit, given the nonce r (canonical 32
    bytes) and the 64-byte challenge digest. Constant time in value, nonce, randomness."""
    fn = "disjunctive_respond"
    randomness, nb = _range_args(fn, value, lo, hi, randomness)
    nonce = _bytes(fn, "nonce", nonce, 32)
    challenge = _bytes(fn, "challenge", challenge, 64)
    out = _out(32 * (2 * nb - 1))
    rc = lib.evote_disjunctive_respond(out, value, lo, hi, nonce, randomness, challenge)
    if rc == _ERR_ARGUMENT:
        raise EvoteValueError(f"{fn}: value is not in [{lo}, {hi}]")
    _check(rc, fn, scalars={"nonce": nonce})
    return _copy(out, 32 * (2 * nb - 1))


# ---------------------------------------------------------------- choice-slot range proof

def _slot_shape(fn: str, slots, bits) -> int:
    """The vector length n (smallest power of two >= slots * bits), checked."""
    slots = _count(fn, "slots", slots)
    bits = _count(fn, "bits", bits)
    if not 1 <= bits <= 64 or not 1 <= slots <= 1 << 16 or slots * bits > 1 << 16:
        raise EvoteValueError(f"{fn}: slots ({slots}) and bits ({bits}) out of range")
    return 1 << max(0, (slots * bits - 1).bit_length())


def slot_range_coefs_vartime(acc, scalars, us, u_invs, slots, bits) -> bytes:
    """acc (2n * 32 bytes: coefficients of g_0..g_{n-1} then h_0..h_{n-1}) plus one
    proof's inner-product coefficients (evote.h, evote_slot_range_coefs_vartime);
    scalars: y^-1, z, a, b, w (160 bytes); us, u_invs: log2(n) * 32 bytes each."""
    fn = "slot_range_coefs_vartime"
    n = _slot_shape(fn, slots, bits)
    rounds = n.bit_length() - 1
    acc = _bytes(fn, "acc", acc, 64 * n)
    scalars = _bytes(fn, "scalars", scalars, 160)
    us = _bytes(fn, "us", us, 32 * rounds)
    u_invs = _bytes(fn, "u_invs", u_invs, 32 * rounds)
    out = _out(64 * n)
    _buffer(out, 64 * n)[:] = acc
    rc = lib.evote_slot_range_coefs_vartime(out, scalars, us, u_invs, slots, bits)
    if rc == _ERR_SCALAR:
        raise InvalidEncoding(f"{fn}: a scalar of acc, scalars, us or u_invs is not "
                              f"canonical (>= l)")
    _check(rc, fn)
    return _copy(out, 64 * n)


class SlotGenerators:
    """The prover's decoded vector generators (C memory, owned by this object): made only
    by slot_gens_init(); read by slot_a_commit and the inner-product rounds. Public."""

    __slots__ = ("_buf", "n")

    def __init__(self, buf, n: int):
        self._buf = buf
        self.n = n


def slot_gens_init(g, h, u) -> SlotGenerators:
    """Decode g_0..g_{n-1}, h_0..h_{n-1} (n * 32 bytes each) and U once."""
    fn = "slot_gens_init"
    g = _blob(fn, "g", g)
    n = len(g) // 32
    h = _bytes(fn, "h", h, 32 * n)
    u = _bytes(fn, "u", u, 32)
    size = int(lib.evote_slot_gens_size(n))
    if size == 0:
        raise EvoteValueError(f"{fn}: {n} generators is not a power of two in [1, 2^16]")
    buf = _out(size)
    rc = lib.evote_slot_gens_init(buf, g, h, u, n)
    if rc == _ERR_ENCODING:
        raise InvalidEncoding(f"{fn}: a generator is not a valid ristretto255 encoding")
    _check(rc, fn)
    return SlotGenerators(buf, n)


def _gens(fn: str, gens) -> SlotGenerators:
    if not isinstance(gens, SlotGenerators):
        raise EvoteTypeError(f"{fn}: gens must be SlotGenerators, not {type(gens).__name__}")
    return gens


def slot_a_commit(gens, bits, alpha_h) -> bytes:
    """A = alpha_h - sum h_t + sum bits[t] (g_t + h_t); bits: n bytes in {0, 1}.
    Constant time in bits and alpha_h."""
    fn = "slot_a_commit"
    gens = _gens(fn, gens)
    bits = _bytes(fn, "bits", bits, gens.n)
    alpha_h = _bytes(fn, "alpha_h", alpha_h, 32)
    out = _out()
    rc = lib.evote_slot_a_commit(out, gens._buf, bits, alpha_h)
    if rc == _ERR_ARGUMENT:
        raise EvoteValueError(f"{fn}: bits must be bytes 0 or 1")
    _check(rc, fn, points={"alpha_h": alpha_h})
    return _copy(out)


def _poly_args(fn: str, bits, s_l, s_r, slots, b) -> tuple:
    n = _slot_shape(fn, slots, b)
    return (n, _bytes(fn, "bits", bits, n), _bytes(fn, "s_l", s_l, 32 * n),
            _bytes(fn, "s_r", s_r, 32 * n))


def _poly_check(rc: int, fn: str) -> None:
    if rc == _ERR_ARGUMENT:
        raise EvoteValueError(f"{fn}: bits must be bytes 0 or 1")
    if rc == _ERR_SCALAR:
        raise InvalidEncoding(f"{fn}: a scalar argument is not canonical (>= l)")
    _check(rc, fn)


def slot_prover_t(bits, s_l, s_r, yz, slots, b) -> tuple:
    """(t_1, t_2) of the range proof (evote.h). Constant time in bits, s_l, s_r."""
    fn = "slot_prover_t"
    n, bits, s_l, s_r = _poly_args(fn, bits, s_l, s_r, slots, b)
    yz = _bytes(fn, "yz", yz, 64)
    out = _out(64)
    _poly_check(lib.evote_slot_prover_t(out, bits, s_l, s_r, yz, slots, b), fn)
    raw = _copy(out, 64)
    return raw[:32], raw[32:]


def slot_prover_lr(bits, s_l, s_r, yzx, y_inv, slots, b) -> tuple:
    """(state, t_hat): l(x), r(x) and the inner-product coefficients as the state of
    slot_ipa_round_vartime (4n * 32 bytes), and <l, r>. Constant time in bits, s_l, s_r."""
    fn = "slot_prover_lr"
    n, bits, s_l, s_r = _poly_args(fn, bits, s_l, s_r, slots, b)
    yzx = _bytes(fn, "yzx", yzx, 96)
    y_inv = _bytes(fn, "y_inv", y_inv, 32)
    state = _out(128 * n)
    t_hat = _out()
    _poly_check(lib.evote_slot_prover_lr(state, t_hat, bits, s_l, s_r, yzx, y_inv, slots, b),
                fn)
    return _copy(state, 128 * n), _copy(t_hat)


def _ipa_state(fn: str, gens, state, n_cur) -> tuple:
    gens = _gens(fn, gens)
    n_cur = _count(fn, "n_cur", n_cur)
    if not 2 <= n_cur <= gens.n or n_cur & (n_cur - 1):
        raise EvoteValueError(f"{fn}: n_cur must be a power of two in [2, {gens.n}]")
    return gens, _bytes(fn, "state", state, 64 * (n_cur + gens.n)), n_cur


def slot_ipa_round_vartime(state, gens, n_cur, x_ip) -> tuple:
    """(L_k, R_k) of one inner-product round over the state of length n_cur."""
    fn = "slot_ipa_round_vartime"
    gens, state, n_cur = _ipa_state(fn, gens, state, n_cur)
    x_ip = _bytes(fn, "x_ip", x_ip, 32)
    out = _out(64)
    rc = lib.evote_slot_ipa_round_vartime(out, state, gens._buf, n_cur, x_ip)
    if rc == _ERR_SCALAR:
        raise InvalidEncoding(f"{fn}: a scalar of state or x_ip is not canonical (>= l)")
    _check(rc, fn)
    raw = _copy(out, 64)
    return raw[:32], raw[32:]


def slot_ipa_fold(state, gens, n_cur, u) -> bytes:
    """The state of length n_cur / 2 after the round's challenge u (nonzero)."""
    fn = "slot_ipa_fold"
    gens, state, n_cur = _ipa_state(fn, gens, state, n_cur)
    u = _bytes(fn, "u", u, 32)
    size = 32 * (n_cur + 2 * gens.n)
    out = _out(size)
    rc = lib.evote_slot_ipa_fold(out, state, gens._buf, n_cur, u)
    if rc == _ERR_SCALAR:
        raise InvalidEncoding(f"{fn}: a scalar of state or u is not canonical (>= l)")
    _check(rc, fn)
    return _copy(out, size)
