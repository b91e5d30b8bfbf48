"""Exponential ElGamal over ristretto255 under the election's joint key K.

    Enc(m; r) = (alpha, beta) = (r*G, m*G + r*K)

Adding two ciphertexts component-wise adds the plaintexts (the homomorphic tally).
The nonce r and the plaintext m are secrets: they enter the C core only through the
constant-time fixed-base tables (group.G_TABLE and context.k_table), never through a
variable-base or variable-time routine.

Ciphertext holds decoded, valid points (valid by construction). Raw wire data that has
not been verified yet stays bytes (see ballot_codec and verify_ballot).
"""
from __future__ import annotations

from dataclasses import dataclass

from evote.errors import EvoteTypeError, EvoteValueError, InvalidEncoding
from evote.group import G_TABLE, FixedBase, Point, Scalar

CIPHERTEXT_SIZE = 64  # alpha (32) || beta (32)


@dataclass(frozen=True)
class Ciphertext:
    """An ElGamal ciphertext (alpha, beta); both fields are valid group elements."""

    alpha: Point
    beta: Point

    def __post_init__(self) -> None:
        if not isinstance(self.alpha, Point) or not isinstance(self.beta, Point):
            raise EvoteTypeError("Ciphertext: alpha and beta must be Point")

    def __add__(self, other: "Ciphertext") -> "Ciphertext":
        if not isinstance(other, Ciphertext):
            return NotImplemented
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)

    def __sub__(self, other: "Ciphertext") -> "Ciphertext":
        if not isinstance(other, Ciphertext):
            return NotImplemented
        return Ciphertext(self.alpha - other.alpha, self.beta - other.beta)

    @classmethod
    def zero(cls) -> "Ciphertext":
        """The encryption of 0 with nonce 0 (identity, identity): the neutral element of +."""
        return cls(Point.identity(), Point.identity())

    def to_bytes(self) -> bytes:
        """64 bytes: the canonical encodings of alpha then beta."""
        return self.alpha.to_bytes() + self.beta.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes, what: str = "ciphertext") -> "Ciphertext":
        """Decode 64 bytes; InvalidEncoding names `what` and the bad half."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise EvoteTypeError(f"{what}: expected bytes, got {type(data).__name__}")
        data = bytes(data)
        if len(data) != CIPHERTEXT_SIZE:
            raise InvalidEncoding(f"{what}: expected {CIPHERTEXT_SIZE} bytes, got {len(data)}")
        try:
            alpha = Point.from_bytes(data[:32])
        except InvalidEncoding as e:
            raise InvalidEncoding(f"{what}.alpha: {e}") from None
        try:
            beta = Point.from_bytes(data[32:])
        except InvalidEncoding as e:
            raise InvalidEncoding(f"{what}.beta: {e}") from None
        return cls(alpha, beta)


def encrypt_with_tables(m: Scalar, r: Scalar, k_table: FixedBase) -> Ciphertext:
    """(r*G, m*G + r*K) with both products on fixed-base tables (constant time in m, r)."""
    alpha = G_TABLE.mul(r)
    beta = G_TABLE.mul2(m, k_table, r)
    return Ciphertext(alpha, beta)


def encrypt(m: int | Scalar, r: Scalar, context) -> Ciphertext:
    """Encrypt plaintext m (an int >= 0 or a Scalar) with nonce r under context.joint_key.

    `context` is an ElectionContext (any object with .k_table, a FixedBase of K).
    """
    if isinstance(m, bool) or not isinstance(m, (int, Scalar)):
        raise EvoteTypeError(f"encrypt: m must be int or Scalar, got {type(m).__name__}")
    if not isinstance(r, Scalar):
        raise EvoteTypeError(f"encrypt: r must be Scalar, got {type(r).__name__}")
    if isinstance(m, int):
        if m < 0:
            raise EvoteValueError(f"encrypt: m must be >= 0, got {m}")
        m = Scalar.from_int(m)
    return encrypt_with_tables(m, r, context.k_table)
