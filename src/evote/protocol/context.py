"""ElectionContext: the public parameters every ballot, proof and tally binds to.

    K = sum_i K_i0                                   (the joint election key)
    base_hash = digest("evote/v1/base-hash", manifest_hash, "ristretto255", u64(n),
                       u64(t), K_10, ..., K_1(t-1), K_20, ..., K_n(t-1), K)
    S_l = sum_i sum_j l^j K_ij                        (guardian l's public share)

Valid by construction: the constructor recomputes K and base_hash from the commitments
and refuses values that differ. guardian records (signed, with Schnorr proofs) may ride
along; verify() checks them, and from_json_obj / from_records call it.

acknowledgements (lot.py, specs/key-ceremony.md section 12): empty, or one per guardian
in index order, each signed by that guardian's identity key, acknowledging this base
hash and the records' lot commitments, its lot contribution proven under K to encrypt
the lot secret its record committed to (only with the guardian records, whose identity
keys and lot commitments they are checked against). They are not part of the base hash (they sign
it); lot_ciphertext is their sum. A context for an election (V4, `evote package`) must
carry all n: require_acknowledgements().

ceremony_commitments (ceremony_commitment.py, specs/key-ceremony.md section 13): empty, or
one per guardian in index order, signed, each the hash of the guardian's coefficient
commitments and lot commitment, published before any record; verify() checks every record against its
commitment. An election's context carries all n: require_ceremony_commitments().
specs/key-ceremony.md section 7 states this byte for byte.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

from ..errors import EvoteTypeError, EvoteValueError, InvalidEncoding
from ..group import FixedBase, Point, Scalar, msm_vartime_raw
from ..hashing import digest, text, u64
from . import ceremony_wire as w
from .ceremony_commitment import CeremonyCommitment
from .guardian import GuardianRecord
from .lot import Acknowledgement, lot_ciphertext
from .schnorr import verify_schnorr_batch
from .threshold_errors import CeremonyError

CONTEXT_VERSION = "evote/election-context/v1"
GROUP_NAME = "ristretto255"


def check_context(context) -> None:
    """EvoteTypeError unless `context` has what ballot code uses: a 32-byte base_hash and
    a FixedBase k_table (an ElectionContext, or a stand-in with those fields)."""
    base_hash = getattr(context, "base_hash", None)
    if not isinstance(base_hash, bytes) or len(base_hash) != 32 or \
            not isinstance(getattr(context, "k_table", None), FixedBase):
        raise EvoteTypeError("context must be an ElectionContext (32-byte base_hash, k_table)")


def joint_key_of(commitments: Sequence[Sequence[Point]]) -> Point:
    """K = sum over guardians of the constant-term commitments K_i0."""
    total = Point.identity()
    for row in commitments:
        total = total + row[0]
    return total


def compute_base_hash(manifest_hash: bytes, n: int, t: int,
                      commitments: Sequence[Sequence[Point]], joint_key: Point) -> bytes:
    return digest("evote/v1/base-hash", manifest_hash, text(GROUP_NAME), u64(n), u64(t),
                  *(k.to_bytes() for row in commitments for k in row), joint_key.to_bytes())


@dataclass(frozen=True, eq=False)
class ElectionContext:
    manifest_hash: bytes
    n_guardians: int
    threshold: int
    guardian_commitments: tuple[tuple[Point, ...], ...]  # [i-1][j] = K_ij
    joint_key: Point
    base_hash: bytes
    guardians: tuple[GuardianRecord, ...] = ()  # empty, or the n signed records in order
    acknowledgements: tuple[Acknowledgement, ...] = ()  # empty, or n, in guardian order
    ceremony_commitments: tuple[CeremonyCommitment, ...] = ()  # empty, or n, in order

    def __post_init__(self) -> None:
        w.require_bytes("ElectionContext.manifest_hash", self.manifest_hash, 32)
        n, t = w.require_params(self.n_guardians, self.threshold)
        rows = self.guardian_commitments
        if isinstance(rows, (list, tuple)) and all(isinstance(r, (list, tuple)) for r in rows):
            rows = tuple(tuple(r) for r in rows)  # accept lists; store tuples (immutable)
            object.__setattr__(self, "guardian_commitments", rows)
        if isinstance(self.guardians, list):
            object.__setattr__(self, "guardians", tuple(self.guardians))
        if isinstance(self.acknowledgements, list):
            object.__setattr__(self, "acknowledgements", tuple(self.acknowledgements))
        if isinstance(self.ceremony_commitments, list):
            object.__setattr__(self, "ceremony_commitments",
                               tuple(self.ceremony_commitments))
        if not isinstance(rows, tuple) or len(rows) != n:
            raise EvoteValueError(f"election context: need a tuple of {n} commitment rows")
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, tuple) or len(row) != t:
                raise EvoteValueError(f"election context: guardian {i} needs {t} commitments")
            for j, k in enumerate(row):
                w.require_point(f"election context: commitment K_{i},{j}", k)
        w.require_point("ElectionContext.joint_key", self.joint_key)
        w.require_bytes("ElectionContext.base_hash", self.base_hash, 32)
        if joint_key_of(rows) != self.joint_key:
            raise EvoteValueError("election context: joint_key is not the sum of the K_i0")
        if compute_base_hash(self.manifest_hash, n, t, rows, self.joint_key) != self.base_hash:
            raise EvoteValueError("election context: base_hash does not match its inputs")
        if not isinstance(self.guardians, tuple):
            raise EvoteValueError("election context: guardians must be a tuple")
        if self.guardians:
            if len(self.guardians) != n:
                raise EvoteValueError(f"election context: need all {n} guardian records")
            for i, rec in enumerate(self.guardians, start=1):
                if not isinstance(rec, GuardianRecord):
                    raise EvoteValueError(f"election context: guardians[{i - 1}] is not a record")
                if (rec.index, rec.n, rec.t, rec.manifest_hash) != (i, n, t, self.manifest_hash):
                    raise EvoteValueError(
                        f"election context: guardian {i} record is for another ceremony/position")
                if rec.commitments != rows[i - 1]:
                    raise EvoteValueError(
                        f"election context: guardian {i} record commitments differ")
            # R6: one party holding two guardians' keys would hold two shares
            if (len({r.identity_key for r in self.guardians}) != n
                    or len({r.transport_key for r in self.guardians}) != n):
                raise CeremonyError("election context: two guardians publish the same "
                                    "identity or transport key")
        self._check_acknowledgement_shape()
        self._check_commitment_shape()

    def _check_commitment_shape(self) -> None:
        comms = self.ceremony_commitments
        if not isinstance(comms, tuple):
            raise EvoteValueError("election context: ceremony_commitments must be a tuple")
        if not comms:
            return
        if not self.guardians:
            raise EvoteValueError("election context: ceremony commitments need the guardian "
                                  "records (they are checked against them)")
        if len(comms) != self.n_guardians:
            raise EvoteValueError(f"election context: {len(comms)} of the "
                                  f"{self.n_guardians} guardians' ceremony commitments; each "
                                  "guardian runs `evote guardian commit` before publishing "
                                  "its record and the context carries all of them")
        for i, c in enumerate(comms, start=1):
            if not isinstance(c, CeremonyCommitment):
                raise EvoteValueError(f"election context: ceremony_commitments[{i - 1}] is "
                                      "not a CeremonyCommitment")
            if c.guardian_index != i:
                raise EvoteValueError(f"election context: ceremony_commitments[{i - 1}] is "
                                      f"guardian {c.guardian_index}'s, expected guardian "
                                      f"{i}'s (one per guardian, in index order)")

    def _check_acknowledgement_shape(self) -> None:
        acks = self.acknowledgements
        if not isinstance(acks, tuple):
            raise EvoteValueError("election context: acknowledgements must be a tuple")
        if not acks:
            return
        if not self.guardians:
            raise EvoteValueError("election context: acknowledgements need the guardian "
                                  "records (their identity keys sign them)")
        if len(acks) != self.n_guardians:
            raise EvoteValueError(f"election context: {len(acks)} of the {self.n_guardians} "
                                  "guardians' acknowledgements; each guardian runs `evote "
                                  "guardian acknowledge` and the context carries all of them")
        for i, ack in enumerate(acks, start=1):
            if not isinstance(ack, Acknowledgement):
                raise EvoteValueError(f"election context: acknowledgements[{i - 1}] is not "
                                      "an Acknowledgement")
            if ack.guardian_index != i:
                raise EvoteValueError(f"election context: acknowledgements[{i - 1}] is "
                                      f"guardian {ack.guardian_index}'s, expected guardian "
                                      f"{i}'s (one per guardian, in index order)")
        if len({a.contribution.alpha for a in acks}) != len(acks):
            raise CeremonyError("election context: two acknowledgements carry the same lot "
                                "contribution")

    @classmethod
    def derive(cls, manifest_hash: bytes, n_guardians: int, threshold: int,
               guardian_commitments: Sequence[Sequence[Point]],
               guardians: Sequence[GuardianRecord] = ()) -> "ElectionContext":
        """Compute K and the base hash from the commitments."""
        rows = tuple(tuple(row) for row in guardian_commitments)
        if len(rows) != n_guardians or any(len(r) == 0 for r in rows):
            raise EvoteValueError(f"election context: need {n_guardians} commitment rows")
        k = joint_key_of(rows)
        return cls(manifest_hash, n_guardians, threshold, rows, k,
                   compute_base_hash(manifest_hash, n_guardians, threshold, rows, k),
                   tuple(guardians))

    @classmethod
    def from_records(cls, manifest_hash: bytes, n_guardians: int, threshold: int,
                     records: Sequence[GuardianRecord]) -> "ElectionContext":
        """The context from the n published records (any order), all verified."""
        by_index = {}
        for rec in records:
            if not isinstance(rec, GuardianRecord):
                raise EvoteValueError("from_records: expected GuardianRecord items")
            if rec.index in by_index:
                raise EvoteValueError(f"from_records: two records for guardian {rec.index}")
            by_index[rec.index] = rec
        missing = [i for i in range(1, n_guardians + 1) if i not in by_index]
        if missing or len(by_index) != n_guardians:
            raise EvoteValueError(f"from_records: missing record(s) of guardian(s) {missing}")
        ordered = [by_index[i] for i in range(1, n_guardians + 1)]
        ctx = cls.derive(manifest_hash, n_guardians, threshold,
                         [r.commitments for r in ordered], ordered)
        ctx.verify()
        return ctx

    def verify(self) -> None:
        """Check every guardian record's signature and (in one batch) every Schnorr
        proof. Raises InvalidSignature / InvalidProof naming the guardian."""
        items = []
        for rec in self.guardians:
            rec.verify_signature()
            items.extend(rec.schnorr_items())
        verify_schnorr_batch(items, self.manifest_hash)
        lot_commitments = tuple(rec.lot_commitment for rec in self.guardians)
        for rec, ack in zip(self.guardians, self.acknowledgements):
            ack.verify(rec.identity_key, self.base_hash, self.joint_key, lot_commitments)
        for rec, com in zip(self.guardians, self.ceremony_commitments):
            com.verify_signature()
            com.check_record(rec)

    def _one_per_guardian(self, items, what: str, twice: str, rule: str) -> tuple:
        """items sorted by guardian_index; EvoteValueError naming the guardians when one
        appears twice or one of the n is missing."""
        out = sorted(items, key=lambda x: getattr(x, "guardian_index", 0))
        indices = [getattr(x, "guardian_index", None) for x in out]
        if len(set(indices)) != len(indices):
            raise EvoteValueError(f"{what}: guardian(s) "
                                  f"{sorted({i for i in indices if indices.count(i) > 1})} "
                                  f"{twice}")
        missing = [i for i in range(1, self.n_guardians + 1) if i not in indices]
        if missing:
            raise EvoteValueError(f"{what}: none from guardian(s) "
                                  f"{', '.join(map(str, missing))}; {rule}")
        return tuple(out)

    def with_ceremony_commitments(self, commitments) -> "ElectionContext":
        """This context carrying the n ceremony commitments (any order), each verified
        against its guardian's record."""
        comms = self._one_per_guardian(commitments, "ceremony commitments", "commit twice",
                                       "every guardian commits before the records are "
                                       "published")
        ctx = ElectionContext(self.manifest_hash, self.n_guardians, self.threshold,
                              self.guardian_commitments, self.joint_key, self.base_hash,
                              self.guardians, self.acknowledgements, comms)
        ctx.verify()
        return ctx

    def require_ceremony_commitments(self) -> None:
        """CeremonyError unless this context carries every guardian's commitment."""
        if len(self.ceremony_commitments) != self.n_guardians:
            raise CeremonyError(f"election context: {len(self.ceremony_commitments)} of the "
                                f"{self.n_guardians} guardians' ceremony commitments; each "
                                "guardian runs `evote guardian commit` before publishing its "
                                "record, and the context is built with all of them")

    def with_acknowledgements(self, acknowledgements) -> "ElectionContext":
        """This context carrying the n acknowledgements (any order; sorted by guardian),
        every one verified."""
        acks = self._one_per_guardian(acknowledgements, "acknowledgements",
                                      "acknowledge twice",
                                      "every guardian acknowledges the context")
        ctx = ElectionContext(self.manifest_hash, self.n_guardians, self.threshold,
                              self.guardian_commitments, self.joint_key, self.base_hash,
                              self.guardians, acks, self.ceremony_commitments)
        ctx.verify()
        return ctx

    def require_acknowledgements(self) -> None:
        """CeremonyError unless this context carries every guardian's acknowledgement
        (what an election needs: the lot ciphertext; the guardians' consent)."""
        if len(self.acknowledgements) != self.n_guardians:
            raise CeremonyError(f"election context: {len(self.acknowledgements)} of the "
                                f"{self.n_guardians} guardians' acknowledgements; each "
                                "guardian runs `evote guardian acknowledge` after finish and "
                                "the context is built with all of them")

    @cached_property
    def lot_ciphertext(self):
        """The sum of the n lot contributions (require_acknowledgements first)."""
        self.require_acknowledgements()
        return lot_ciphertext(self.acknowledgements)

    @cached_property
    def k_table(self) -> FixedBase:
        """Fixed-base table of the joint key K (built once, on first use)."""
        return FixedBase(self.joint_key)

    @cached_property
    def public_shares(self) -> tuple[Point, ...]:
        """S_l for l = 1..n (index l-1): sum_i sum_j l^j K_ij, one MSM each."""
        order = Scalar.ORDER
        points = b"".join(k.to_bytes() for row in self.guardian_commitments for k in row)
        out = []
        for l in range(1, self.n_guardians + 1):
            powers = [pow(l, j, order).to_bytes(32, "little") for j in range(self.threshold)]
            out.append(msm_vartime_raw(b"".join(powers) * self.n_guardians, points))
        return tuple(out)

    def public_share(self, index: int) -> Point:
        w.require_int("guardian index", index, 1, self.n_guardians)
        return self.public_shares[index - 1]

    def to_json_obj(self) -> dict[str, Any]:
        return {
            "version": CONTEXT_VERSION,
            "group": GROUP_NAME,
            "manifest_hash": self.manifest_hash.hex(),
            "n_guardians": self.n_guardians,
            "threshold": self.threshold,
            "guardian_commitments": [[k.to_bytes().hex() for k in row]
                                     for row in self.guardian_commitments],
            "joint_key": self.joint_key.to_bytes().hex(),
            "base_hash": self.base_hash.hex(),
            "guardians": [rec.to_json_obj() for rec in self.guardians],
            "acknowledgements": [a.to_json_obj() for a in self.acknowledgements],
            "ceremony_commitments": [c.to_json_obj() for c in self.ceremony_commitments],
        }

    def to_canonical_bytes(self) -> bytes:
        return w.canonical_json(self.to_json_obj())

    @classmethod
    def from_json_obj(cls, obj: Any) -> "ElectionContext":
        """Load and check everything: shapes, encodings, K, base hash, and every guardian
        record's signature and proofs. Errors name the field."""
        what = "election context"
        w.check_keys(what, obj, {"version", "group", "manifest_hash", "n_guardians",
                                 "threshold", "guardian_commitments", "joint_key",
                                 "base_hash", "guardians", "acknowledgements",
                                 "ceremony_commitments"})
        w.check_version(what, obj, CONTEXT_VERSION)
        if obj["group"] != GROUP_NAME:
            raise InvalidEncoding(f"{what}.group: {obj['group']!r} is not {GROUP_NAME!r}")
        n = w.read_int(what, obj, "n_guardians", 1, w.MAX_GUARDIANS)
        t = w.read_int(what, obj, "threshold", 1, n)
        rows = []
        for i, row in enumerate(w.read_list(what, obj, "guardian_commitments", n), start=1):
            if not isinstance(row, list) or len(row) != t:
                raise InvalidEncoding(f"{what}.guardian_commitments[{i - 1}]: need {t} items")
            rows.append(tuple(w.hex_point(f"{what}: commitment K_{i},{j}", k)
                              for j, k in enumerate(row)))
        records = tuple(GuardianRecord.from_json_obj(r, verify=False)
                        for r in w.read_list(what, obj, "guardians"))
        acks = tuple(Acknowledgement.from_json_obj(a, f"{what}.acknowledgements[{k}]")
                     for k, a in enumerate(w.read_list(what, obj, "acknowledgements")))
        comms = tuple(CeremonyCommitment.from_json_obj(c, f"{what}.ceremony_commitments[{k}]")
                      for k, c in enumerate(w.read_list(what, obj, "ceremony_commitments")))
        try:
            ctx = cls(w.read_hex(what, obj, "manifest_hash", 32), n, t, tuple(rows),
                      w.hex_point(f"{what}.joint_key", obj["joint_key"]),
                      w.read_hex(what, obj, "base_hash", 32), records, acks, comms)
        except EvoteValueError as exc:
            raise InvalidEncoding(str(exc)) from None
        ctx.verify()
        return ctx
