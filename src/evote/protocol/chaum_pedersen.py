"""Chaum-Pedersen proof that two discrete logs are equal, in batch-verifiable form.

Statement: X = x*G and Y = x*H for the same secret x (H any public base, for example a
ciphertext's alpha; X a guardian's public share S_l; Y its decryption share M_l).

    a = u*G,  b = u*H               (u a fresh secret nonce; both commitments are sent)
    c = challenge(a, b)             (the caller's Fiat-Shamir hash; it must bind the
                                     base hash, the position, X, H, Y, a and b)
    v = u + c*x
    verify:  v*G == a + c*X   and   v*H == b + c*Y

The prover uses x and u only in constant-time operations. Verifiers are variable time.
The challenge function is the caller's so each use has its own domain tag
(decryption.py uses "evote/v1/decryption-share").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, MutableMapping

from ..errors import InvalidEncoding
from ..group import G_TABLE, Point, Scalar, double_mul_vartime, msm_vartime
from .ceremony_wire import require_bytes, require_point, require_scalar

PROOF_SIZE = 96  # a (32) || b (32) || v (32)


@dataclass(frozen=True)
class EqualityProof:
    """(commitment a = u*G, commitment b = u*H, response v)."""

    commit_g: Point
    commit_h: Point
    response: Scalar

    def __post_init__(self) -> None:
        require_point("EqualityProof.commit_g", self.commit_g)
        require_point("EqualityProof.commit_h", self.commit_h)
        require_scalar("EqualityProof.response", self.response)

    def to_bytes(self) -> bytes:
        return self.commit_g.to_bytes() + self.commit_h.to_bytes() + self.response.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes, what: str = "equality proof") -> "EqualityProof":
        data = require_bytes(what, data, PROOF_SIZE)
        try:
            a = Point.from_bytes(data[:32])
            b = Point.from_bytes(data[32:64])
        except InvalidEncoding as exc:
            raise InvalidEncoding(f"{what}: commitment {exc}") from None
        try:
            v = Scalar.from_bytes(data[64:])
        except ValueError as exc:
            raise InvalidEncoding(f"{what}.response: {exc}") from None
        return cls(a, b, v)


def prove_equal_logs(secret: Scalar, base: Point,
                     challenge: Callable[[Point, Point], Scalar],
                     nonce: Scalar | None = None) -> EqualityProof:
    """Prove log_G(secret*G) == log_base(secret*base). `nonce` is for test vectors only."""
    require_scalar("secret", secret)
    require_point("base", base)
    u = Scalar.random() if nonce is None else require_scalar("nonce", nonce)
    a = G_TABLE.mul(u)
    b = u * base  # constant-time variable-base multiplication
    c = challenge(a, b)
    return EqualityProof(a, b, u + c * secret)


def check_equal_logs(proof: EqualityProof, c: Scalar, public_g: Point, base: Point,
                     public_h: Point) -> bool:
    """True iff v*G == a + c*X and v*H == b + c*Y (c is the recomputed challenge)."""
    if double_mul_vartime(-c, public_g, proof.response) != proof.commit_g:
        return False
    return msm_vartime([proof.response, -c], [base, public_h]) == proof.commit_h


def add_batch_terms(acc: MutableMapping[bytes, int], proof: EqualityProof, c: int,
                    public_g: bytes, base: bytes, public_h: bytes, w1: int, w2: int) -> int:
    """Add w1*(v*G - a - c*X) + w2*(v*H - b - c*Y) to `acc` (point encoding -> scalar,
    so a point shared by many equations gets one merged coefficient). Returns the
    coefficient of G (w1*v), which the caller sums and adds once."""
    v = int(proof.response)
    for point, coef in ((proof.commit_g.to_bytes(), -w1), (public_g, -w1 * c),
                        (base, w2 * v), (proof.commit_h.to_bytes(), -w2),
                        (public_h, -w2 * c)):
        acc[point] = acc.get(point, 0) + coef
    return w1 * v
