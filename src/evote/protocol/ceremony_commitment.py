"""The ceremony's commitment round (specs/key-ceremony.md section 13): before any guardian
publishes its record, each publishes a signed hash of its coefficient commitments and its
lot commitment, so that no guardian (the last to publish, in particular) can choose its
K_i0 after seeing the others' and so steer the joint key K = sum K_i0, nor its lot secret.

    C_i = H32("evote/v1/ceremony-commitment"; manifest_hash, u64(n), u64(t), u64(i),
              K_i0, ..., K_i(t-1), L_i)       (L_i = m_i*H_lot, the record's lot_commitment)
    signed: D = H32("evote/v1/ceremony-commitment-signature"; manifest_hash, u64(n),
              u64(t), u64(i), identity_key, C_i)   (Ed25519, the guardian's identity key)

Invariants of a CeremonyCommitment: fields well formed (32-byte hashes and key, 64-byte
signature, 1 <= index <= n, valid (n, t)). verify_signature() checks D's signature;
check_record(record) that a published record is the one committed to (same election,
position, identity key, and C_i of its commitments and lot commitment).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidProof
from ..hashing import digest, u64
from . import ceremony_wire as w

COMMITMENT_VERSION = "evote/ceremony-commitment/v1"
COMMITMENT_TAG = "evote/v1/ceremony-commitment"
SIGNATURE_TAG = "evote/v1/ceremony-commitment-signature"


def commitment_hash(manifest_hash: bytes, n: int, t: int, index: int, commitments,
                    lot_commitment) -> bytes:
    """C_i of the module docstring over the points K_i0..K_i(t-1) and L_i."""
    return digest(COMMITMENT_TAG, manifest_hash, u64(n), u64(t), u64(index),
                  *(k.to_bytes() for k in commitments), lot_commitment.to_bytes())


@dataclass(frozen=True)
class CeremonyCommitment:
    manifest_hash: bytes
    n: int
    t: int
    guardian_index: int
    identity_key: bytes
    commitment: bytes
    signature: bytes

    def __post_init__(self) -> None:
        w.require_bytes("CeremonyCommitment.manifest_hash", self.manifest_hash, 32)
        w.require_params(self.n, self.t)
        w.require_int("CeremonyCommitment.guardian_index", self.guardian_index, 1, self.n)
        w.require_bytes("CeremonyCommitment.identity_key", self.identity_key, 32)
        w.require_bytes("CeremonyCommitment.commitment", self.commitment, 32)
        w.require_bytes("CeremonyCommitment.signature", self.signature, 64)

    def digest(self) -> bytes:
        return digest(SIGNATURE_TAG, self.manifest_hash, u64(self.n), u64(self.t),
                      u64(self.guardian_index), self.identity_key, self.commitment)

    def verify_signature(self) -> None:
        from .guardian import verify_ed25519
        verify_ed25519(f"ceremony commitment of guardian {self.guardian_index}",
                       self.identity_key, self.digest(), self.signature)

    def check_record(self, record) -> None:
        """InvalidProof naming the guardian unless `record` is the one committed to."""
        i = self.guardian_index
        if (record.manifest_hash, record.n, record.t, record.index) != \
                (self.manifest_hash, self.n, self.t, i):
            raise InvalidProof(f"ceremony commitment of guardian {i}: for another ceremony "
                               "or position than the record")
        if record.identity_key != self.identity_key:
            raise InvalidProof(f"ceremony commitment of guardian {i}: signed by another "
                               "identity key than the record's")
        if commitment_hash(self.manifest_hash, self.n, self.t, i, record.commitments,
                           record.lot_commitment) != self.commitment:
            raise InvalidProof(f"guardian {i}'s record: its coefficient commitments or lot "
                               "commitment are not the ones it committed to before the "
                               "records were published")

    def to_json_obj(self) -> dict[str, Any]:
        return {"version": COMMITMENT_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "n": self.n, "t": self.t, "guardian_index": self.guardian_index,
                "identity_key": self.identity_key.hex(), "commitment": self.commitment.hex(),
                "signature": self.signature.hex()}

    @classmethod
    def from_json_obj(cls, obj: Any, what: str = "ceremony commitment") -> "CeremonyCommitment":
        """Shape and encodings; verify_signature() and check_record() do the rest."""
        w.check_keys(what, obj, {"version", "manifest_hash", "n", "t", "guardian_index",
                                 "identity_key", "commitment", "signature"})
        w.check_version(what, obj, COMMITMENT_VERSION)
        n = w.read_int(what, obj, "n", 1, w.MAX_GUARDIANS)
        t = w.read_int(what, obj, "t", 1, n)
        i = w.read_int(what, obj, "guardian_index", 1, n)
        what = f"{what} of guardian {i}"
        return cls(w.read_hex(what, obj, "manifest_hash", 32), n, t, i,
                   w.read_hex(what, obj, "identity_key", 32),
                   w.read_hex(what, obj, "commitment", 32),
                   w.read_hex(what, obj, "signature", 64))


def commit(guardian) -> CeremonyCommitment:
    """Guardian's commitment to its coefficient commitments (before its record)."""
    c = commitment_hash(guardian.manifest_hash, guardian.n, guardian.t, guardian.index,
                        guardian.commitments(), guardian.lot_commitment())
    unsigned = CeremonyCommitment(guardian.manifest_hash, guardian.n, guardian.t,
                                  guardian.index, guardian.identity_key, c, bytes(64))
    return CeremonyCommitment(guardian.manifest_hash, guardian.n, guardian.t, guardian.index,
                              guardian.identity_key, c, guardian.sign(unsigned.digest()))
