"""Schnorr proofs of knowledge of a guardian's polynomial coefficients (batch form).

Statement: K = a*G for the coefficient commitment K_ij = a_ij*G of guardian i,
coefficient j. The proof sends its commitment, so proofs batch (specs/key-ceremony.md
section 4):

    h = u*G                       (u a fresh secret nonce)
    c = Scalar.from_wide_bytes(digest64("evote/v1/guardian-schnorr",
            manifest_hash, u64(i), u64(j), K, h))
    v = u + c*a
    verify:  v*G == h + c*K

Verification takes public data only and runs in variable time; proving touches a and u
only through constant-time operations (fixed-base multiplication, Scalar arithmetic).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Sequence

from ..errors import InvalidEncoding, InvalidProof
from ..group import G_TABLE, Point, Scalar, double_mul_vartime
from ..hashing import digest64, u64
from .batch_check import msm_is_identity, random_weights
from .ceremony_wire import require_bytes, require_point, require_scalar

SCHNORR_TAG = "evote/v1/guardian-schnorr"
PROOF_SIZE = 64  # h (32) || v (32)


@dataclass(frozen=True)
class SchnorrProof:
    """(commitment h, response v); valid group element and canonical scalar."""

    commitment: Point
    response: Scalar

    def __post_init__(self) -> None:
        require_point("SchnorrProof.commitment", self.commitment)
        require_scalar("SchnorrProof.response", self.response)

    def to_bytes(self) -> bytes:
        return self.commitment.to_bytes() + self.response.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes, what: str = "schnorr proof") -> "SchnorrProof":
        data = require_bytes(what, data, PROOF_SIZE)
        try:
            h = Point.from_bytes(data[:32])
        except InvalidEncoding as exc:
            raise InvalidEncoding(f"{what}.commitment: {exc}") from None
        try:
            v = Scalar.from_bytes(data[32:])
        except ValueError as exc:
            raise InvalidEncoding(f"{what}.response: {exc}") from None
        return cls(h, v)


def schnorr_challenge(manifest_hash: bytes, guardian: int, coefficient: int,
                      public: Point, commitment: Point) -> Scalar:
    """c = H64("evote/v1/guardian-schnorr"; manifest_hash, u64(i), u64(j), K, h) mod l."""
    return Scalar.from_wide_bytes(digest64(
        SCHNORR_TAG, manifest_hash, u64(guardian), u64(coefficient),
        public.to_bytes(), commitment.to_bytes()))


def prove_schnorr(secret: Scalar, manifest_hash: bytes, guardian: int, coefficient: int,
                  nonce: Scalar | None = None) -> SchnorrProof:
    """Prove knowledge of `secret` for K = secret*G. `nonce` is for test vectors only."""
    require_scalar("secret", secret)
    u = Scalar.random() if nonce is None else require_scalar("nonce", nonce)
    public = G_TABLE.mul(secret)
    h = G_TABLE.mul(u)
    c = schnorr_challenge(manifest_hash, guardian, coefficient, public, h)
    return SchnorrProof(h, u + c * secret)


def verify_schnorr(proof: SchnorrProof, public: Point, manifest_hash: bytes,
                   guardian: int, coefficient: int) -> None:
    """Raise InvalidProof (naming guardian and coefficient) unless v*G == h + c*K."""
    c = schnorr_challenge(manifest_hash, guardian, coefficient, public, proof.commitment)
    # v*G - c*K == h  <=>  v*G == h + c*K
    if double_mul_vartime(-c, public, proof.response) != proof.commitment:
        raise InvalidProof(
            f"guardian {guardian}: Schnorr proof for coefficient {coefficient} does not verify")


# One statement for batching: (proof, K, guardian index, coefficient index).
SchnorrItem = tuple[SchnorrProof, Point, int, int]


def verify_schnorr_batch(items: Sequence[SchnorrItem], manifest_hash: bytes,
                         rng: Callable[[int], bytes] = os.urandom) -> None:
    """Verify every item with one MSM over random weights w_k:

        (sum_k w_k v_k)*G - sum_k w_k*h_k - sum_k (w_k c_k)*K_k == identity

    On failure, check one by one and raise the first item's InvalidProof, so batch and
    one-by-one verification name the same culprit.
    """
    if not items:
        return
    order = Scalar.ORDER
    weights = random_weights(len(items), rng)
    g_coef = 0
    scalars: list[int] = []
    points: list[bytes] = []
    for w, (proof, public, i, j) in zip(weights, items):
        c = int(schnorr_challenge(manifest_hash, i, j, public, proof.commitment))
        g_coef += w * int(proof.response)
        scalars.append(-w)
        points.append(proof.commitment.to_bytes())
        scalars.append(-w * c % order)
        points.append(public.to_bytes())
    scalars.append(g_coef % order)
    points.append(G_TABLE.point.to_bytes())
    if msm_is_identity(scalars, points):
        return
    for proof, public, i, j in items:
        verify_schnorr(proof, public, manifest_hash, i, j)
    # Unreachable unless the batch's random weights hit a 2^-128 event; refuse anyway.
    raise InvalidProof("Schnorr batch failed but no single proof did (retry)")
