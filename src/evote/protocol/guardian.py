"""Guardian objects of the key ceremony: the secret Guardian and the published records.

- Guardian: one guardian's secrets (identity and transport key seeds, polynomial
  coefficients, lot secret m_i, and after the ceremony its key share s_l). Never published; its repr
  shows no secret; it leaves the process only encrypted (guardian_store.py).
- GuardianRecord: what guardian i publishes: identity key (Ed25519), transport key
  (X25519), coefficient commitments K_ij = a_ij*G with Schnorr proofs, lot commitment
  C_i = m_i*H_lot (lot.py), signed.
- SealedShare: P_i(l) sealed to guardian l's transport key, signed by guardian i.
- Complaint: guardian l's signed, named objection to the share guardian i sent.
Encodings and signed digests: specs/key-ceremony.md sections 3-6.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.public
import nacl.signing

from ..errors import EvoteValueError, InvalidEncoding, InvalidSignature
from ..group import G_TABLE, Point, Scalar, msm_vartime
from ..hashing import digest, text, u64
from . import ceremony_wire as w
from .schnorr import SchnorrProof, verify_schnorr, verify_schnorr_batch

RECORD_VERSION = "evote/guardian-record/v2"  # v2: lot_commitment (v1 had none)
SEALED_VERSION = "evote/sealed-share/v1"
COMPLAINT_VERSION = "evote/complaint/v1"
SECRET_VERSION = "evote/guardian-secret/v2"  # v2: lot_secret (v1 had none)
SHARE_PLAINTEXT_SIZE = 80  # manifest_hash (32) || u64 sender || u64 recipient || share (32)
SEALED_SIZE = 48 + SHARE_PLAINTEXT_SIZE  # SealedBox: ephemeral key (32) + MAC (16)
COMPLAINT_REASONS = ("missing", "bad-signature", "undecryptable", "bad-binding",
                     "share-mismatch")


def verify_ed25519(what: str, identity_key: bytes, message: bytes, signature: bytes) -> None:
    """Raise InvalidSignature naming `what` unless signature is identity_key's on message."""
    try:
        nacl.signing.VerifyKey(identity_key).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError,
            nacl.exceptions.TypeError):
        raise InvalidSignature(f"{what}: Ed25519 signature does not verify") from None


# ---------------------------------------------------------------- secret guardian

@dataclass(frozen=True, repr=False, eq=False)
class Guardian:
    """Guardian `index` of n with threshold t. SECRET: keep it in memory or encrypted.

    Invariants: 1 <= index <= n; len(coefficients) == t; lot_secret is the m_i its
    record commits to (C_i = m_i*H_lot), drawn at generate and never changed; key_share
    and base_hash are both None (ceremony not finished) or both set, and then key_share*G is this
    guardian's public share S_index in the context with that base hash.
    Python cannot wipe these values from memory (see specs/key-ceremony.md section 9).
    """

    manifest_hash: bytes
    n: int
    t: int
    index: int
    signing_seed: bytes
    transport_secret: bytes
    coefficients: tuple[Scalar, ...]
    lot_secret: Scalar
    key_share: Scalar | None = None
    base_hash: bytes | None = None

    def __post_init__(self) -> None:
        w.require_bytes("Guardian.manifest_hash", self.manifest_hash, 32)
        w.require_params(self.n, self.t)
        w.require_int("Guardian.index", self.index, 1, self.n)
        w.require_bytes("Guardian.signing_seed", self.signing_seed, 32)
        w.require_bytes("Guardian.transport_secret", self.transport_secret, 32)
        if not isinstance(self.coefficients, tuple) or len(self.coefficients) != self.t:
            raise EvoteValueError(f"guardian {self.index}: need a tuple of {self.t} coefficients")
        for j, a in enumerate(self.coefficients):
            w.require_scalar(f"guardian {self.index} coefficient {j}", a)
        w.require_scalar(f"guardian {self.index} lot secret", self.lot_secret)
        if (self.key_share is None) != (self.base_hash is None):
            raise EvoteValueError(f"guardian {self.index}: key_share and base_hash go together")
        if self.key_share is not None:
            w.require_scalar(f"guardian {self.index} key_share", self.key_share)
            w.require_bytes(f"guardian {self.index} base_hash", self.base_hash, 32)

    def __repr__(self) -> str:
        state = "finished" if self.key_share is not None else "in ceremony"
        return f"Guardian(index={self.index}, n={self.n}, t={self.t}, {state})"

    @property
    def signing_key(self) -> nacl.signing.SigningKey:
        return nacl.signing.SigningKey(self.signing_seed)

    @property
    def identity_key(self) -> bytes:
        return bytes(self.signing_key.verify_key)

    @property
    def transport_private(self) -> nacl.public.PrivateKey:
        return nacl.public.PrivateKey(self.transport_secret)

    @property
    def transport_key(self) -> bytes:
        return bytes(self.transport_private.public_key)

    def commitments(self) -> tuple[Point, ...]:
        return tuple(G_TABLE.mul(a) for a in self.coefficients)

    def lot_commitment(self) -> Point:
        """C_i = m_i*H_lot, published in the record (specs/key-ceremony.md 3.2)."""
        from .lot import lot_commitment
        return lot_commitment(self.lot_secret)

    def evaluate(self, x: int) -> Scalar:
        """P_index(x) = sum_j a_j x^j mod l, by Horner's rule in constant-time Scalar ops."""
        w.require_int("x", x, 1, self.n)
        acc = self.coefficients[-1]
        for a in reversed(self.coefficients[:-1]):
            acc = acc * x + a
        return acc

    def sign(self, message: bytes) -> bytes:
        return self.signing_key.sign(message).signature

    def finished(self, key_share: Scalar, base_hash: bytes) -> "Guardian":
        return Guardian(self.manifest_hash, self.n, self.t, self.index, self.signing_seed,
                        self.transport_secret, self.coefficients, self.lot_secret,
                        key_share, base_hash)

    # Secret serialization: used only by guardian_store (inside the SecretBox).
    def to_secret_json_obj(self) -> dict[str, Any]:
        return {
            "version": SECRET_VERSION,
            "manifest_hash": self.manifest_hash.hex(),
            "n_guardians": self.n, "threshold": self.t, "index": self.index,
            "signing_seed": self.signing_seed.hex(),
            "transport_secret": self.transport_secret.hex(),
            "coefficients": [a.to_bytes().hex() for a in self.coefficients],
            "lot_secret": self.lot_secret.to_bytes().hex(),
            "key_share": None if self.key_share is None else self.key_share.to_bytes().hex(),
            "base_hash": None if self.base_hash is None else self.base_hash.hex(),
        }

    @classmethod
    def from_secret_json_obj(cls, obj: Any) -> "Guardian":
        what = "guardian secret"
        w.check_version(what, obj, SECRET_VERSION)
        w.check_keys(what, obj, {"version", "manifest_hash", "n_guardians", "threshold",
                                 "index", "signing_seed", "transport_secret",
                                 "coefficients", "lot_secret", "key_share", "base_hash"})
        n = w.read_int(what, obj, "n_guardians", 1, w.MAX_GUARDIANS)
        t = w.read_int(what, obj, "threshold", 1, n)
        coefficients = tuple(w.hex_scalar(f"{what}.coefficients[{j}]", c)
                             for j, c in enumerate(w.read_list(what, obj, "coefficients", t)))
        key_share = obj["key_share"]
        base_hash = obj["base_hash"]
        return cls(w.read_hex(what, obj, "manifest_hash", 32), n, t,
                   w.read_int(what, obj, "index", 1, n),
                   w.read_hex(what, obj, "signing_seed", 32),
                   w.read_hex(what, obj, "transport_secret", 32), coefficients,
                   w.hex_scalar(f"{what}.lot_secret", w.get_field(what, obj, "lot_secret")),
                   None if key_share is None else w.hex_scalar(f"{what}.key_share", key_share),
                   None if base_hash is None else w.hex_bytes(f"{what}.base_hash", base_hash, 32))


# ---------------------------------------------------------------- published record

@dataclass(frozen=True)
class GuardianRecord:
    """What guardian `index` publishes. Structurally valid by construction; call
    verify() (signature and proofs) before trusting it; from_json_obj does."""

    manifest_hash: bytes
    n: int
    t: int
    index: int
    identity_key: bytes
    transport_key: bytes
    commitments: tuple[Point, ...]
    proofs: tuple[SchnorrProof, ...]
    lot_commitment: Point
    signature: bytes

    def __post_init__(self) -> None:
        w.require_bytes("GuardianRecord.manifest_hash", self.manifest_hash, 32)
        w.require_params(self.n, self.t)
        w.require_int("GuardianRecord.index", self.index, 1, self.n)
        who = f"guardian {self.index} record"
        w.require_bytes(f"{who} identity_key", self.identity_key, 32)
        w.require_bytes(f"{who} transport_key", self.transport_key, 32)
        w.require_bytes(f"{who} signature", self.signature, 64)
        w.require_point(f"{who} lot_commitment", self.lot_commitment)
        for name, items, cls in (("commitments", self.commitments, Point),
                                 ("proofs", self.proofs, SchnorrProof)):
            if not isinstance(items, tuple) or len(items) != self.t:
                raise EvoteValueError(f"{who}: {name} must be a tuple of {self.t}")
            for j, item in enumerate(items):
                if not isinstance(item, cls):
                    raise EvoteValueError(f"{who}: {name}[{j}] must be {cls.__name__}")

    @staticmethod
    def signed_digest(manifest_hash: bytes, n: int, t: int, index: int, identity_key: bytes,
                      transport_key: bytes, commitments, proofs, lot_commitment) -> bytes:
        """The 32 bytes guardian `index` signs (specs/key-ceremony.md 3.4)."""
        return digest("evote/v1/guardian-record", manifest_hash, u64(n), u64(t), u64(index),
                      identity_key, transport_key, *(k.to_bytes() for k in commitments),
                      *(p.to_bytes() for p in proofs), lot_commitment.to_bytes())

    def digest(self) -> bytes:
        return self.signed_digest(self.manifest_hash, self.n, self.t, self.index,
                                  self.identity_key, self.transport_key, self.commitments,
                                  self.proofs, self.lot_commitment)

    def verify_signature(self) -> None:
        verify_ed25519(f"guardian {self.index} record", self.identity_key, self.digest(),
                       self.signature)

    def schnorr_items(self):
        return [(p, k, self.index, j) for j, (p, k) in enumerate(zip(self.proofs, self.commitments))]

    def verify(self, batch: bool = True) -> None:
        """Raise InvalidSignature / InvalidProof naming the guardian (and coefficient)."""
        self.verify_signature()
        if batch:
            verify_schnorr_batch(self.schnorr_items(), self.manifest_hash)
        else:
            for p, k, i, j in self.schnorr_items():
                verify_schnorr(p, k, self.manifest_hash, i, j)

    def share_commitment(self, x: int) -> Point:
        """sum_j x^j * K_ij = P_i(x)*G: what the share for guardian x must match."""
        order = Scalar.ORDER
        return msm_vartime([Scalar.from_int(pow(x, j, order)) for j in range(self.t)],
                           list(self.commitments))

    def to_json_obj(self) -> dict[str, Any]:
        return {
            "version": RECORD_VERSION,
            "manifest_hash": self.manifest_hash.hex(),
            "n_guardians": self.n, "threshold": self.t, "index": self.index,
            "identity_key": self.identity_key.hex(),
            "transport_key": self.transport_key.hex(),
            "commitments": [k.to_bytes().hex() for k in self.commitments],
            "proofs": [p.to_bytes().hex() for p in self.proofs],
            "lot_commitment": self.lot_commitment.to_bytes().hex(),
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_json_obj(cls, obj: Any, verify: bool = True) -> "GuardianRecord":
        what = "guardian record"
        w.check_version(what, obj, RECORD_VERSION)   # first: a v1 record is named as such
        w.check_keys(what, obj, {"version", "manifest_hash", "n_guardians", "threshold",
                                 "index", "identity_key", "transport_key", "commitments",
                                 "proofs", "lot_commitment", "signature"})
        n = w.read_int(what, obj, "n_guardians", 1, w.MAX_GUARDIANS)
        t = w.read_int(what, obj, "threshold", 1, n)
        i = w.read_int(what, obj, "index", 1, n)
        what = f"guardian {i} record"
        commitments = tuple(w.hex_point(f"{what}.commitments[{j}]", k)
                            for j, k in enumerate(w.read_list(what, obj, "commitments", t)))
        proofs = tuple(SchnorrProof.from_bytes(w.hex_bytes(f"{what}.proofs[{j}]", p, 64),
                                               f"{what}.proofs[{j}]")
                       for j, p in enumerate(w.read_list(what, obj, "proofs", t)))
        record = cls(w.read_hex(what, obj, "manifest_hash", 32), n, t, i,
                     w.read_hex(what, obj, "identity_key", 32),
                     w.read_hex(what, obj, "transport_key", 32), commitments, proofs,
                     w.hex_point(f"{what}.lot_commitment",
                                 w.get_field(what, obj, "lot_commitment")),
                     w.read_hex(what, obj, "signature", 64))
        if verify:
            record.verify()
        return record


# ---------------------------------------------------------------- sealed share

@dataclass(frozen=True)
class SealedShare:
    """P_sender(recipient) sealed to the recipient's transport key, signed by the sender."""

    manifest_hash: bytes
    sender: int
    recipient: int
    sealed: bytes
    signature: bytes

    def __post_init__(self) -> None:
        w.require_bytes("SealedShare.manifest_hash", self.manifest_hash, 32)
        w.require_int("SealedShare.sender", self.sender, 1, w.MAX_GUARDIANS)
        w.require_int("SealedShare.recipient", self.recipient, 1, w.MAX_GUARDIANS)
        if self.sender == self.recipient:
            raise EvoteValueError(f"sealed share: guardian {self.sender} sent a share to itself")
        w.require_bytes(f"share {self.sender}->{self.recipient} sealed", self.sealed, SEALED_SIZE)
        w.require_bytes(f"share {self.sender}->{self.recipient} signature", self.signature, 64)

    @staticmethod
    def signed_digest(manifest_hash: bytes, sender: int, recipient: int, sealed: bytes) -> bytes:
        return digest("evote/v1/sealed-share", manifest_hash, u64(sender), u64(recipient), sealed)

    def digest(self) -> bytes:
        return self.signed_digest(self.manifest_hash, self.sender, self.recipient, self.sealed)

    def to_json_obj(self) -> dict[str, Any]:
        return {"version": SEALED_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "sender": self.sender, "recipient": self.recipient,
                "sealed": self.sealed.hex(), "signature": self.signature.hex()}

    @classmethod
    def from_json_obj(cls, obj: Any) -> "SealedShare":
        what = "sealed share"
        w.check_keys(what, obj, {"version", "manifest_hash", "sender", "recipient",
                                 "sealed", "signature"})
        w.check_version(what, obj, SEALED_VERSION)
        return cls(w.read_hex(what, obj, "manifest_hash", 32),
                   w.read_int(what, obj, "sender", 1, w.MAX_GUARDIANS),
                   w.read_int(what, obj, "recipient", 1, w.MAX_GUARDIANS),
                   w.read_hex(what, obj, "sealed", SEALED_SIZE),
                   w.read_hex(what, obj, "signature", 64))


def share_plaintext(manifest_hash: bytes, sender: int, recipient: int, share: Scalar) -> bytes:
    """The 80 bytes inside a SealedShare (specs/key-ceremony.md 5.1)."""
    return manifest_hash + u64(sender) + u64(recipient) + share.to_bytes()


# ---------------------------------------------------------------- complaint

@dataclass(frozen=True)
class Complaint:
    """Guardian `accuser` objects to the share from guardian `accused`, signed.

    reason is one of COMPLAINT_REASONS; detail a human sentence; sealed_digest the
    digest of the SealedShare concerned; revealed_share the 32-byte share the accuser
    decrypted (share-mismatch only, else b"") so anyone can check that it fails
    P*G == sum_j l^j K_ij (the share is compromised anyway once its dealer is accused).
    """

    manifest_hash: bytes
    accuser: int
    accused: int
    reason: str
    detail: str
    sealed_digest: bytes
    revealed_share: bytes
    signature: bytes

    def __post_init__(self) -> None:
        w.require_bytes("Complaint.manifest_hash", self.manifest_hash, 32)
        w.require_int("Complaint.accuser", self.accuser, 1, w.MAX_GUARDIANS)
        w.require_int("Complaint.accused", self.accused, 1, w.MAX_GUARDIANS)
        if self.reason not in COMPLAINT_REASONS:
            raise EvoteValueError(f"complaint reason {self.reason!r} not in {COMPLAINT_REASONS}")
        if not isinstance(self.detail, str):
            raise EvoteValueError("complaint detail must be a string")
        w.require_bytes("Complaint.sealed_digest", self.sealed_digest, 32)
        if not isinstance(self.revealed_share, bytes) or len(self.revealed_share) not in (0, 32):
            raise EvoteValueError("complaint revealed_share must be 0 or 32 bytes")
        w.require_bytes("Complaint.signature", self.signature, 64)

    def __str__(self) -> str:
        return (f"guardian {self.accuser} complains about guardian {self.accused}: "
                f"{self.reason}: {self.detail}")

    @staticmethod
    def signed_digest(manifest_hash, accuser, accused, reason, detail, sealed_digest,
                      revealed_share) -> bytes:
        return digest("evote/v1/complaint", manifest_hash, u64(accuser), u64(accused),
                      text(reason), text(detail), sealed_digest, revealed_share)

    def digest(self) -> bytes:
        return self.signed_digest(self.manifest_hash, self.accuser, self.accused, self.reason,
                                  self.detail, self.sealed_digest, self.revealed_share)

    def to_json_obj(self) -> dict[str, Any]:
        return {"version": COMPLAINT_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "accuser": self.accuser, "accused": self.accused, "reason": self.reason,
                "detail": self.detail, "sealed_digest": self.sealed_digest.hex(),
                "revealed_share": self.revealed_share.hex(), "signature": self.signature.hex()}

    @classmethod
    def from_json_obj(cls, obj: Any) -> "Complaint":
        what = "complaint"
        w.check_keys(what, obj, {"version", "manifest_hash", "accuser", "accused", "reason",
                                 "detail", "sealed_digest", "revealed_share", "signature"})
        w.check_version(what, obj, COMPLAINT_VERSION)
        revealed = w.read_hex(what, obj, "revealed_share", None)
        if len(revealed) not in (0, 32):
            raise InvalidEncoding(f"{what}.revealed_share: expected 0 or 32 bytes")
        reason = w.read_str(what, obj, "reason")
        if reason not in COMPLAINT_REASONS:
            raise InvalidEncoding(f"{what}.reason: {reason!r} not in {COMPLAINT_REASONS}")
        return cls(w.read_hex(what, obj, "manifest_hash", 32),
                   w.read_int(what, obj, "accuser", 1, w.MAX_GUARDIANS),
                   w.read_int(what, obj, "accused", 1, w.MAX_GUARDIANS), reason,
                   w.read_str(what, obj, "detail"), w.read_hex(what, obj, "sealed_digest", 32),
                   revealed, w.read_hex(what, obj, "signature", 64))
