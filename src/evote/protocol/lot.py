"""The lot seed's inputs: each guardian's lot contribution, its acknowledgement of the
ceremony, and the seed derived from the threshold decryption of their sum
(specs/key-ceremony.md section 12).

Guardian i draws its lot secret m_i at `generate` (OS CSPRNG; kept in its encrypted
secret file) and its record, hidden by the commitment round until all n guardians have
committed, publishes C_i = m_i*H_lot (L_i in the spec), with
H_lot = from_uniform(H64("evote/v1/lot-generator")), a generator whose discrete log nobody
knows. After `finish` it picks a fresh k_i (OS CSPRNG, dropped once used) and
publishes, under the joint key K of the context with base hash Q:

    A_i = k_i*G,   B_i = m_i*G + k_i*K          (an ElGamal encryption of M_i = m_i*G)

with one proof of knowledge of (k_i, m_i) for three equations (commitments sent):

    T_1 = r*G,  T_2 = s*G + r*K,  T_3 = s*H_lot  (r, s fresh secret nonces)
    Lc  = H32("evote/v1/lot-commitments"; u64(n), C_1, ..., C_n)   (all n records')
    c   = H64("evote/v1/lot-contribution"; Q, Lc, u64(i), K, C_i, A_i, B_i, T_1, T_2, T_3) mod l
    z_1 = r + c*k_i,   z_2 = s + c*m_i
    verify:  z_1*G == T_1 + c*A_i,  z_2*G + z_1*K == T_2 + c*B_i,  z_2*H_lot == T_3 + c*C_i

so the plaintext m_i*G is the one fixed in the record, before K existed; and signs, with
its identity key (Ed25519), the acknowledgement digest

    H("evote/v1/guardian-acknowledgement"; Q, Lc, u64(i), A_i, B_i,
      T_1 || T_2 || T_3 || z_1 || z_2).

Lc binds every guardian's acknowledgement to the n lot commitments it saw: a guardian that
showed two records (two C_i) cannot pick one after reading the others' contributions.

The lot ciphertext is (sum A_i, sum B_i) over all n guardians; guardians decrypt it with
the tallies (decryption shares with the label LOT_LABEL); the lot seed is
H("evote/v1/lot-seed"; Q, P) for the decrypted point P = sum M_i.

Invariants: an Acknowledgement is well formed by construction (index in range, points
and scalars valid, 32-byte base hash, 64-byte signature); verify() checks the signature
and the proof against a given identity key, joint key and lot commitment C_i. Proving
touches k, m, r, s only through constant-time operations; verification is variable time
(public data).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import EvoteValueError, InvalidEncoding, InvalidProof
from ..group import G_TABLE, FixedBase, Point, Scalar, msm_vartime
from ..hashing import digest, digest64, u64
from . import ceremony_wire as w
from .elgamal import Ciphertext

ACK_VERSION = "evote/guardian-acknowledgement/v1"
CONTRIBUTION_TAG = "evote/v1/lot-contribution"
ACK_TAG = "evote/v1/guardian-acknowledgement"
SEED_TAG = "evote/v1/lot-seed"
GENERATOR_TAG = "evote/v1/lot-generator"
COMMITMENTS_TAG = "evote/v1/lot-commitments"
PROOF_SIZE = 160  # T_1 (32) || T_2 (32) || T_3 (32) || z_1 (32) || z_2 (32)
# H_lot: hash-to-group (RFC 9496 one-way map) of a fixed tag, so nobody knows its discrete
# log to G; C_i = m_i*H_lot then tells nothing usable about m_i*G (computing it is CDH).
H_LOT = FixedBase(Point.from_uniform_bytes(digest64(GENERATOR_TAG)))
# The label bound into each guardian's decryption-share proof of the lot ciphertext.
# A tally position label is u64(len(contest id)) || id || u64(k) with len >= 1
# (decryption.position_label); this one starts with u64(0), so it is never one of them.
LOT_LABEL = u64(0) + b"lot"


@dataclass(frozen=True)
class ContributionProof:
    """(T_1, T_2, T_3, z_1, z_2) of the module docstring."""

    commit_g: Point
    commit_k: Point
    commit_lot: Point
    response_k: Scalar
    response_m: Scalar

    def __post_init__(self) -> None:
        w.require_point("ContributionProof.commit_g", self.commit_g)
        w.require_point("ContributionProof.commit_k", self.commit_k)
        w.require_point("ContributionProof.commit_lot", self.commit_lot)
        w.require_scalar("ContributionProof.response_k", self.response_k)
        w.require_scalar("ContributionProof.response_m", self.response_m)

    def to_bytes(self) -> bytes:
        return (self.commit_g.to_bytes() + self.commit_k.to_bytes()
                + self.commit_lot.to_bytes() + self.response_k.to_bytes()
                + self.response_m.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes, what: str = "lot contribution proof") -> "ContributionProof":
        data = w.require_bytes(what, data, PROOF_SIZE)
        points = []
        for k, name in enumerate(("T_1", "T_2", "T_3")):
            try:
                points.append(Point.from_bytes(data[32 * k:32 * k + 32]))
            except InvalidEncoding as exc:
                raise InvalidEncoding(f"{what}: commitment {name}: {exc}") from None
        scalars = []
        for k, name in enumerate(("z_1", "z_2")):
            try:
                scalars.append(Scalar.from_bytes(data[96 + 32 * k:128 + 32 * k]))
            except ValueError as exc:
                raise InvalidEncoding(f"{what}: response {name}: {exc}") from None
        return cls(points[0], points[1], points[2], scalars[0], scalars[1])


def lot_commitment(lot_secret: Scalar) -> Point:
    """C_i = m_i*H_lot: what guardian i's record publishes (constant time in m_i)."""
    return H_LOT.mul(w.require_scalar("lot secret", lot_secret))


def commitments_hash(lot_commitments) -> bytes:
    """Lc = H32("evote/v1/lot-commitments"; u64(n), C_1, ..., C_n), records in index order."""
    points = [w.require_point(f"lot commitment {j + 1}", p)
              for j, p in enumerate(lot_commitments)]
    w.require_int("number of lot commitments", len(points), 1, w.MAX_GUARDIANS)
    return digest(COMMITMENTS_TAG, u64(len(points)), *(p.to_bytes() for p in points))


def _own(lot_commitments, index: int) -> Point:
    points = tuple(lot_commitments)
    if not 1 <= index <= len(points):
        raise EvoteValueError(f"guardian {index}: no lot commitment among the "
                              f"{len(points)} records")
    return points[index - 1]


def contribution_challenge(base_hash: bytes, commitments_digest: bytes, index: int,
                           joint_key: Point, commitment: Point, contribution: Ciphertext,
                           proof_commitments: tuple[Point, Point, Point]) -> Scalar:
    """c = H64("evote/v1/lot-contribution"; Q, Lc, u64(i), K, C_i, A, B, T_1, T_2, T_3) mod l."""
    return Scalar.from_wide_bytes(digest64(
        CONTRIBUTION_TAG, base_hash, commitments_digest, u64(index), joint_key.to_bytes(),
        commitment.to_bytes(), contribution.alpha.to_bytes(), contribution.beta.to_bytes(),
        *(t.to_bytes() for t in proof_commitments)))


def check_contribution(base_hash: bytes, index: int, joint_key: Point, lot_commitments,
                       contribution: Ciphertext, proof: ContributionProof) -> bool:
    """True iff the three verification equations of the module docstring hold: the
    contribution encrypts m*G for the m of C_i = lot_commitments[i-1] (the n records'
    lot commitments in index order, all bound through Lc)."""
    commitment = _own(lot_commitments, index)
    c = contribution_challenge(base_hash, commitments_hash(lot_commitments), index,
                               joint_key, commitment, contribution,
                               (proof.commit_g, proof.commit_k, proof.commit_lot))
    if msm_vartime([proof.response_k, -c], [G_TABLE.point, contribution.alpha]) \
            != proof.commit_g:
        return False
    if msm_vartime([proof.response_m, proof.response_k, -c],
                   [G_TABLE.point, joint_key, contribution.beta]) != proof.commit_k:
        return False
    return msm_vartime([proof.response_m, -c], [H_LOT.point, commitment]) == proof.commit_lot


def make_contribution(base_hash: bytes, index: int, joint_key: Point, lot_commitments,
                      lot_secret: Scalar, *,
                      nonces: tuple | None = None) -> tuple[Ciphertext, ContributionProof]:
    """The lot contribution encrypting lot_secret*G, and its proof against
    C_i = lot_secret*H_lot (which must be lot_commitments[i-1]). `nonces` = (k, r, s) is
    for test vectors only; otherwise all three come from the OS CSPRNG and are dropped."""
    w.require_bytes("base_hash", base_hash, 32)
    w.require_int("guardian index", index, 1, w.MAX_GUARDIANS)
    w.require_point("joint_key", joint_key)
    m = w.require_scalar("lot secret", lot_secret)
    if _own(lot_commitments, index) != lot_commitment(m):
        raise EvoteValueError(f"guardian {index}: the record's lot commitment is not this "
                              "guardian's lot secret's")
    if nonces is None:
        k, r, s = (Scalar.random() for _ in range(3))
    else:
        k, r, s = (w.require_scalar(f"nonces[{j}]", x) for j, x in enumerate(nonces))
    contribution = Ciphertext(G_TABLE.mul(k), G_TABLE.mul(m) + k * joint_key)
    t1 = G_TABLE.mul(r)
    t2 = G_TABLE.mul(s) + r * joint_key  # constant-time variable-base multiplication
    t3 = H_LOT.mul(s)
    c = contribution_challenge(base_hash, commitments_hash(lot_commitments), index,
                               joint_key, lot_commitment(m), contribution, (t1, t2, t3))
    return contribution, ContributionProof(t1, t2, t3, r + c * k, s + c * m)


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
    def signed_digest(base_hash: bytes, commitments_digest: bytes, index: int,
                      contribution: Ciphertext, proof: ContributionProof) -> bytes:
        return digest(ACK_TAG, base_hash, commitments_digest, u64(index),
                      contribution.alpha.to_bytes(), contribution.beta.to_bytes(),
                      proof.to_bytes())

    def digest(self, lot_commitments) -> bytes:
        """What the guardian signed, given the n records' lot commitments (index order)."""
        return self.signed_digest(self.base_hash, commitments_hash(lot_commitments),
                                  self.guardian_index, self.contribution, self.proof)

    def verify(self, identity_key: bytes, base_hash: bytes, joint_key: Point,
               lot_commitments) -> None:
        """Raise naming the guardian unless this acknowledges `base_hash` and the n
        records' `lot_commitments`, is signed by `identity_key` and its contribution's
        proof verifies under `joint_key` against its own record's lot commitment C_i."""
        from .guardian import verify_ed25519
        i = self.guardian_index
        if self.base_hash != base_hash:
            raise InvalidProof(f"acknowledgement of guardian {i}: acknowledges base hash "
                               f"{self.base_hash.hex()[:16]}..., not this context's "
                               f"{base_hash.hex()[:16]}...")
        lot_commitments = tuple(lot_commitments)
        verify_ed25519(f"acknowledgement of guardian {i} (of these records' lot "
                       "commitments)", identity_key, self.digest(lot_commitments),
                       self.signature)
        if not check_contribution(base_hash, i, joint_key, lot_commitments,
                                  self.contribution, self.proof):
            raise InvalidProof(f"acknowledgement of guardian {i}: the lot contribution's "
                               "proof does not verify (it must encrypt the lot secret "
                               "committed in the guardian's record, lot_commitment)")

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


def acknowledge(guardian, base_hash: bytes, joint_key: Point, lot_commitments, *,
                nonces: tuple | None = None) -> Acknowledgement:
    """Guardian `guardian` (finished, holding `base_hash`) signs its acknowledgement with
    its lot contribution: an encryption of the lot secret its record committed to.
    `nonces` as in make_contribution (test vectors only)."""
    if guardian.base_hash is None:
        raise EvoteValueError(f"guardian {guardian.index} has not finished the ceremony")
    if guardian.base_hash != base_hash:
        raise EvoteValueError(f"guardian {guardian.index} finished a ceremony with another "
                              "base hash")
    lot_commitments = tuple(lot_commitments)
    contribution, proof = make_contribution(base_hash, guardian.index, joint_key,
                                            lot_commitments, guardian.lot_secret,
                                            nonces=nonces)
    signature = guardian.sign(Acknowledgement.signed_digest(
        base_hash, commitments_hash(lot_commitments), guardian.index, contribution, proof))
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
