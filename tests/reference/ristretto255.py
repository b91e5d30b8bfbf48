"""A small pure-Python ristretto255 (RFC 9496), written from the RFC as a test oracle.

Independent of csrc/: plain Python integers mod p, affine-free extended coordinates,
double-and-add scalar multiplication. Slow (milliseconds per operation) and NOT constant
time: tests only, never for secrets. Section numbers refer to RFC 9496.

Points are tuples (X, Y, Z, T) of ints mod P on -x^2 + y^2 = 1 + d x^2 y^2 with
x = X/Z, y = Y/Z, x*y = T/Z. Two tuples may represent the same ristretto255 element
(equal() implements the RFC's equality; encode() gives the canonical bytes).
"""

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493  # the group order

D = (-121665 * pow(121666, P - 2, P)) % P
# Constants of RFC 9496 section 4.1, checked below by their defining equations.
SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752
SQRT_AD_MINUS_ONE = 25063068953384623474111414158702152701244531502492656460079210482610430750235
INVSQRT_A_MINUS_D = 54469307008909316920995813868745141605393597292927456921205312896311721017578
ONE_MINUS_D_SQ = 1159843021668779879193775521855586647937357759715417654439879720876111806838
D_MINUS_ONE_SQ = 40440834346308536858101042469323190826248399146238708352240133220865137265952

assert SQRT_M1 * SQRT_M1 % P == P - 1
assert SQRT_AD_MINUS_ONE**2 % P == (-D - 1) % P  # a = -1: a*d - 1
assert INVSQRT_A_MINUS_D**2 * (-1 - D) % P == 1
assert ONE_MINUS_D_SQ == (1 - D * D) % P
assert D_MINUS_ONE_SQ == (D - 1) ** 2 % P


def _inv(x: int) -> int:
    return pow(x, P - 2, P)


def is_negative(x: int) -> bool:
    """RFC 9496 section 4.2: negative means the canonical value is odd."""
    return (x % P) & 1 == 1


def _abs(x: int) -> int:
    x %= P
    return P - x if is_negative(x) else x


def sqrt_ratio_m1(u: int, v: int):
    """Section 4.2 SQRT_RATIO_M1: (was_square, non-negative sqrt(u/v) or sqrt(i*u/v))."""
    u %= P
    v %= P
    r = (u * pow(v, 3, P)) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    check = v * r * r % P
    correct = check == u
    flipped = check == (-u) % P
    flipped_i = check == (-u * SQRT_M1) % P
    if flipped or flipped_i:
        r = r * SQRT_M1 % P
    return correct or flipped, _abs(r)


IDENTITY = (0, 1, 1, 0)


def _from_affine(x: int, y: int):
    return (x % P, y % P, 1, x * y % P)


# The generator: the Ed25519 base point (y = 4/5, x non-negative).
_GY = 4 * _inv(5) % P
_GX2 = (_GY * _GY - 1) * _inv(D * _GY * _GY + 1) % P
_ok, _GX = sqrt_ratio_m1(_GX2, 1)
assert _ok
GENERATOR = _from_affine(_GX, _GY)


def add(p1, p2):
    """Unified extended-coordinates addition on a = -1 twisted Edwards (complete)."""
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = x1 * x2 % P
    b = y1 * y2 % P
    c = D * t1 * t2 % P
    d = z1 * z2 % P
    e = ((x1 + y1) * (x2 + y2) - a - b) % P
    f = (d - c) % P
    g = (d + c) % P
    h = (b + a) % P  # b - a*a_curve with a_curve = -1
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def neg(p1):
    x, y, z, t = p1
    return ((-x) % P, y, z, (-t) % P)


def sub(p1, p2):
    return add(p1, neg(p2))


def mul(k: int, p1):
    """k * p1 for any integer k (double-and-add; variable time)."""
    if k < 0:
        return mul(-k, neg(p1))
    acc = IDENTITY
    while k:
        if k & 1:
            acc = add(acc, p1)
        p1 = add(p1, p1)
        k >>= 1
    return acc


def equal(p1, p2) -> bool:
    """Section 4.3.3: x1*y2 == y1*x2 or y1*y2 == x1*x2."""
    x1, y1, _, _ = p1
    x2, y2, _, _ = p2
    return (x1 * y2 - y1 * x2) % P == 0 or (y1 * y2 - x1 * x2) % P == 0


class DecodeError(ValueError):
    """Bytes that are not a canonical ristretto255 encoding; .rule says which rule."""

    def __init__(self, rule: str):
        super().__init__(rule)
        self.rule = rule


def decode(b: bytes):
    """Section 4.3.1. Raises DecodeError naming the rule the input breaks."""
    if len(b) != 32:
        raise DecodeError("length")
    s = int.from_bytes(b, "little")
    # Step 1: canonical (s < p, which includes the top bit clear) and non-negative.
    if s >= P:
        raise DecodeError("non-canonical")
    if is_negative(s):
        raise DecodeError("negative")
    # Step 2.
    ss = s * s % P
    u1 = (1 - ss) % P
    u2 = (1 + ss) % P
    u2_sqr = u2 * u2 % P
    v = (-(D * u1 * u1) - u2_sqr) % P
    was_square, invsqrt = sqrt_ratio_m1(1, v * u2_sqr)
    den_x = invsqrt * u2 % P
    den_y = invsqrt * den_x * v % P
    x = _abs(2 * s * den_x)
    y = u1 * den_y % P
    t = x * y % P
    # Step 3.
    if not was_square:
        raise DecodeError("non-square")
    if is_negative(t):
        raise DecodeError("negative xy")
    if y == 0:
        raise DecodeError("y = 0")
    return (x, y, 1, t)


def encode(p1) -> bytes:
    """Section 4.3.2: the canonical 32-byte encoding of the element p1 represents."""
    x0, y0, z0, t0 = p1
    u1 = (z0 + y0) * (z0 - y0) % P
    u2 = x0 * y0 % P
    _, invsqrt = sqrt_ratio_m1(1, u1 * u2 * u2)
    den1 = invsqrt * u1 % P
    den2 = invsqrt * u2 % P
    z_inv = den1 * den2 * t0 % P
    ix0 = x0 * SQRT_M1 % P
    iy0 = y0 * SQRT_M1 % P
    enchanted = den1 * INVSQRT_A_MINUS_D % P
    rotate = is_negative(t0 * z_inv)
    if rotate:
        x, y, den_inv = iy0, ix0, enchanted
    else:
        x, y, den_inv = x0, y0, den2
    if is_negative(x * z_inv):
        y = (-y) % P
    s = _abs(den_inv * (z0 - y))
    return s.to_bytes(32, "little")


def _map(t: int):
    """Section 4.3.4 MAP: one field element to a point (Elligator)."""
    r = SQRT_M1 * t * t % P
    u = (r + 1) * ONE_MINUS_D_SQ % P
    v = (-1 - r * D) * (r + D) % P
    was_square, s = sqrt_ratio_m1(u, v)
    s_prime = (-_abs(s * t)) % P
    if not was_square:
        s = s_prime
    c = P - 1 if was_square else r
    n = (c * (r - 1) * D_MINUS_ONE_SQ - v) % P
    w0 = 2 * s * v % P
    w1 = n * SQRT_AD_MINUS_ONE % P
    w2 = (1 - s * s) % P
    w3 = (1 + s * s) % P
    return (w0 * w3 % P, w2 * w1 % P, w1 * w3 % P, w0 * w2 % P)


def from_uniform(b: bytes):
    """Section 4.3.4 one-way map of 64 bytes: MAP(lower 255 bits of each half, mod p)."""
    if len(b) != 64:
        raise ValueError("from_uniform needs 64 bytes")
    t1 = (int.from_bytes(b[:32], "little") & ((1 << 255) - 1)) % P
    t2 = (int.from_bytes(b[32:], "little") & ((1 << 255) - 1)) % P
    return add(_map(t1), _map(t2))


# ---- Ed25519 point encoding (RFC 8032 section 5.1.3), to read libsodium's outputs ----

def ed25519_decode(b: bytes):
    """An RFC 8032 point encoding (y, sign of x) to extended coordinates."""
    if len(b) != 32:
        raise ValueError("ed25519 point needs 32 bytes")
    n = int.from_bytes(b, "little")
    sign = n >> 255
    y = n & ((1 << 255) - 1)
    if y >= P:
        raise ValueError("non-canonical y")
    x2 = (y * y - 1) * _inv(D * y * y + 1) % P
    ok, x = sqrt_ratio_m1(x2, 1)
    if not ok:
        raise ValueError("not on the curve")
    if x == 0 and sign:
        raise ValueError("x = 0 with sign bit set")
    if (x & 1) != sign:
        x = P - x
    return _from_affine(x, y)


def ed25519_encode(p1) -> bytes:
    x, y, z, _ = p1
    zi = _inv(z)
    x = x * zi % P
    y = y * zi % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def scalar_from_bytes(b: bytes) -> int:
    return int.from_bytes(b, "little")


def scalar_to_bytes(n: int) -> bytes:
    return (n % L).to_bytes(32, "little")
