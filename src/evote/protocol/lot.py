"""The lot seed's inputs: each guardian's lot contribution, its acknowledgement of the
ceremony, and the seed derived from the threshold decryption of their sum
(specs/key-ceremony.md section 12).

Guardian i, after `finish`, picks fresh m_i, k_i (OS CSPRNG, discarded once used) and
publishes, under the joint key K of the context with base hash Q:

    A_i = k_i*G,   B_i = m_i*G + k_i*K          (an ElGamal encryption of M_i = m_i*G)

with a proof of knowledge of (k_i, m_i) (two-secret Schnorr, commitments sent):

    T_1 = r*G,  T_2 = s*G + r*K                  (r, s fresh secret nonces)
    c   = H64("evote/v1/lot-contribution"; Q, u64(i), K, A_i, B_i, T_1, T_2) mod l
    z_1 = r + c*k_i,   z_2 = s + c*m_i
    verify:  z_1*G == T_1 + c*A_i   and   z_2*G + z_1*K == T_2 + c*B_i

and signs, with its identity key (Ed25519), the acknowledgement digest

    H("evote/v1/guardian-acknowledgement"; Q, u64(i), A_i, B_i, T_1, T_2, z_1, z_2).

The lot ciphertext is (sum A_i, sum B_i) over all n guardians; guardians decrypt it with
the tallies (decryption shares with the label LOT_LABEL); the lot seed is
H("evote/v1/lot-seed"; Q, P) for the decrypted point P = sum M_i.

Invariants: an Acknowledgement is well formed by construction (index in range, points
and scalars valid, 32-byte base hash, 64-byte signature); verify() checks the signature
and the proof against a given identity key and joint key. Proving touches k, m, r, s
only through constant-time operations; verification is variable time (public data).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import EvoteValueError, InvalidEncoding, InvalidProof
from ..group import G_TABLE, Point, Scalar, msm_vartime
from ..hashing import digest, digest64, u64
from . import ceremony_wire as w
from .elgamal import Ciphertext

ACK_VERSION = "evote/guardian-acknowledgement/v1"
CONTRIBUTION_TAG = "evote/v1/lot-contribution"
ACK_TAG = "evote/v1/guardian-acknowledgement"
SEED_TAG = "evote/v1/lot-seed"
PROOF_SIZE = 128  # T_1 (32) || T_2 (32) || z_1 (32) || z_2 (32)
# The label bound into each guardian's decryption-share proof of the lot ciphertext.
# A tally position label is u64(len(contest id)) || id || u64(k) with len >= 1
# (decryption.position_label); this one starts with u64(0), so it is never one of them.
LOT_LABEL = u64(0) + b"lot"


@dataclass(frozen=True)
class ContributionProof:
    """(T_1, T_2, z_1, z_2) of the module docstring."""

    commit_g: Point
    commit_k: Point
    response_k: Scalar
    response_m: Scalar

    def __post_init__(self) -> None:
        w.require_point("ContributionProof.commit_g", self.commit_g)
        w.require_point("ContributionProof.commit_k", self.commit_k)
        w.require_scalar("ContributionProof.response_k", self.response_k)
        w.require_scalar("ContributionProof.response_m", self.response_m)

    def to_bytes(self) -> bytes:
        return (self.commit_g.to_bytes() + self.commit_k.to_bytes()
                + self.response_k.to_bytes() + self.response_m.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes, what: str = "lot contribution proof") -> "ContributionProof":
        data = w.require_bytes(what, data, PROOF_SIZE)
        points = []
        for k, name in enumerate(("T_1", "T_2")):
            try:
                points.append(Point.from_bytes(data[32 * k:32 * k + 32]))
            except InvalidEncoding as exc:
                raise InvalidEncoding(f"{what}: commitment {name}: {exc}") from None
        scalars = []
        for k, name in enumerate(("z_1", "z_2")):
            try:
                scalars.append(Scalar.from_bytes(data[64 + 32 * k:96 + 32 * k]))
            except ValueError as exc:
                raise InvalidEncoding(f"{what}: response {name}: {exc}") from None
        return cls(points[0], points[1], scalars[0], scalars[1])


def contribution_challenge(base_hash: bytes, index: int, joint_key: Point,
                           contribution: Ciphertext, commit_g: Point,
                           commit_k: Point) -> Scalar:
    """c = H64("evote/v1/lot-contribution"; Q, u64(i), K, A, B, T_1, T_2) mod l."""
    return Scalar.from_wide_bytes(digest64(
        CONTRIBUTION_TAG, base_hash, u64(index), joint_key.to_bytes(),
        contribution.alpha.to_bytes(), contribution.beta.to_bytes(),
        commit_g.to_bytes(), commit_k.to_bytes()))


def check_contribution(base_hash: bytes, index: int, joint_key: Point,
                       contribution: Ciphertext, proof: ContributionProof) -> bool:
    """True iff both verification equations of the module docstring hold."""
    c = contribution_challenge(base_hash, index, joint_key, contribution, proof.commit_g,
                               proof.commit_k)
    if msm_vartime([proof.response_k, -c], [G_TABLE.point, contribution.alpha]) \
            != proof.commit_g:
        return False
    return msm_vartime([proof.response_m, proof.response_k, -c],
                       [G_TABLE.point, joint_key, contribution.beta]) == proof.commit_k


def make_contribution(base_hash: bytes, index: int, joint_key: Point, *,
                      secrets: tuple | None = None) -> tuple[Ciphertext, ContributionProof]:
    """A fresh lot contribution and its proof. `secrets` = (m, k, r, s) is for test
    vectors only; otherwise all four come from the OS CSPRNG and are dropped here."""
    w.require_bytes("base_hash", base_hash, 32)
    w.require_int("guardian index", index, 1, w.MAX_GUARDIANS)
    w.require_point("joint_key", joint_key)
    if secrets is None:
        m, k, r, s = (Scalar.random() for _ in range(4))
    else:
        m, k, r, s = (w.require_scalar(f"secrets[{j}]", x) for j, x in enumerate(secrets))
    contribution = Ciphertext(G_TABLE.mul(k), G_TABLE.mul(m) + k * joint_key)
    t1 = G_TABLE.mul(r)
    t2 = G_TABLE.mul(s) + r * joint_key  # constant-time variable-base multiplication
    c = contribution_challenge(base_hash, index, joint_key, contribution, t1, t2)
    return contribution, ContributionProof(t1, t2, r + c * k, s + c * m)


@dataclass(frozen=True)
class Acknowledgement:
    """Guardian `guardian_index` acknowledges the context with `base_hash` (it finished
    the ceremony without complaint) and adds its lot contribution. Public."""

    guardian_index: int
    base_hash: bytes
    contribution: Ciphertext
    proof: ContributionProof
    signature: bytes

    def __post_init__(self) -> None:
        w.require_int("Acknowledgement.guardian_index", self.guardian_index, 1,
                      w.MAX_GUARDIANS)
        w.require_bytes("Acknowledgement.base_hash", self.base_hash, 32)
        if not isinstance(self.contribution, Ciphertext):
            raise InvalidEncoding("Acknowledgement.contribution: expected Ciphertext")
        if not isinstance(self.proof, ContributionProof):
            raise InvalidEncoding("Acknowledgement.proof: expected ContributionProof")
        w.require_bytes("Acknowledgement.signature", self.signature, 64)

    @staticmethod
    def signed_digest(base_hash: bytes, index: int, contribution: Ciphertext,
                      proof: ContributionProof) -> bytes:
        return digest(ACK_TAG, base_hash, u64(index), contribution.alpha.to_bytes(),
                      contribution.beta.to_bytes(), proof.to_bytes())

    def digest(self) -> bytes:
        return self.signed_digest(self.base_hash, self.guardian_index, self.contribution,
                                  self.proof)

    def verify(self, identity_key: bytes, base_hash: bytes, joint_key: Point) -> None:
        """Raise naming the guardian unless this acknowledges `base_hash`, is signed by
        `identity_key` and its contribution's proof verifies under `joint_key`."""
        from .guardian import verify_ed25519
        i = self.guardian_index
        if self.base_hash != base_hash:
            raise InvalidProof(f"acknowledgement of guardian {i}: acknowledges base hash "
                               f"{self.base_hash.hex()[:16]}..., not this context's "
                               f"{base_hash.hex()[:16]}...")
        verify_ed25519(f"acknowledgement of guardian {i}", identity_key, self.digest(),
                       self.signature)
        if not check_contribution(base_hash, i, joint_key, self.contribution, self.proof):
            raise InvalidProof(f"acknowledgement of guardian {i}: the lot contribution's "
                               "proof of knowledge does not verify")

    def to_json_obj(self) -> dict[str, Any]:
        return {"version": ACK_VERSION, "guardian_index": self.guardian_index,
                "base_hash": self.base_hash.hex(),
                "contribution": self.contribution.to_bytes().hex(),
                "proof": self.proof.to_bytes().hex(), "signature": self.signature.hex()}

    @classmethod
    def from_json_obj(cls, obj: Any, what: str = "acknowledgement") -> "Acknowledgement":
        """Shape and encodings only; verify() checks signature and proof."""
        w.check_keys(what, obj, {"version", "guardian_index", "base_hash", "contribution",
                                 "proof", "signature"})
        w.check_version(what, obj, ACK_VERSION)
        i = w.read_int(what, obj, "guardian_index", 1, w.MAX_GUARDIANS)
        what = f"{what} of guardian {i}"
        contribution = Ciphertext.from_bytes(
            w.read_hex(what, obj, "contribution", 64), f"{what}.contribution")
        proof = ContributionProof.from_bytes(w.read_hex(what, obj, "proof", PROOF_SIZE),
                                             f"{what}.proof")
        return cls(i, w.read_hex(what, obj, "base_hash", 32), contribution, proof,
                   w.read_hex(what, obj, "signature", 64))


def acknowledge(guardian, base_hash: bytes, joint_key: Point, *,
                secrets: tuple | None = None) -> Acknowledgement:
    """Guardian `guardian` (finished, holding `base_hash`) signs its acknowledgement with
    a fresh lot contribution. `secrets` as in make_contribution (test vectors only)."""
    if guardian.base_hash is None:
        raise EvoteValueError(f"guardian {guardian.index} has not finished the ceremony")
    if guardian.base_hash != base_hash:
        raise EvoteValueError(f"guardian {guardian.index} finished a ceremony with another "
                              "base hash")
    contribution, proof = make_contribution(base_hash, guardian.index, joint_key,
                                            secrets=secrets)
    signature = guardian.sign(Acknowledgement.signed_digest(base_hash, guardian.index,
                                                            contribution, proof))
    return Acknowledgement(guardian.index, base_hash, contribution, proof, signature)


def lot_ciphertext(acknowledgements) -> Ciphertext:
    """(sum A_i, sum B_i) over the acknowledgements (all n of a context)."""
    total = Ciphertext.zero()
    for ack in acknowledgements:
        total = total + ack.contribution
    return total


def lot_seed(base_hash: bytes, point: Point) -> bytes:
    """H("evote/v1/lot-seed"; Q, P): 32 bytes, P the decrypted lot point."""
    w.require_bytes("base_hash", base_hash, 32)
    w.require_point("lot point", point)
    return digest(SEED_TAG, base_hash, point.to_bytes())
