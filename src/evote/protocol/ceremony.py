"""The key ceremony (Feldman VSS, n guardians, threshold t), step by step.

Each step is one function a guardian (or anyone, for the public steps) runs on its own
machine; the objects it reads and writes have JSON forms, so the steps can exchange
files (specs/key-ceremony.md section 8). run_ceremony chains the same functions
in-process for tests and the demo.

  1. generate_guardian(manifest_hash, index, n, t)             -> Guardian (secret; holds
     its lot secret m_i from now on)
  1b. ceremony_commitment.commit(guardian)                     -> CeremonyCommitment (public,
     published by all n before any record: the commitment round)
  2. publish_record(guardian)                                  -> GuardianRecord (public)
  3. deal_shares(guardian, records)                            -> SealedShare for each other
  4. finish_guardian(guardian, records, sealed_shares_to_me)   -> CeremonyOutcome
     (the guardian with its key share s_l, or signed Complaints naming the bad dealers)
  5. build_context(manifest_hash, n, t, records)               -> ElectionContext (anyone)
  6. lot.acknowledge(guardian, base_hash, joint_key, lot_commitments) -> Acknowledgement (public;
     the context an election uses carries all n: ElectionContext.with_acknowledgements)

Randomness enters at the outer functions only; the inner *_from_randomness functions
take it as arguments so vectors replay byte for byte.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Sequence

import nacl.exceptions
import nacl.public

from ..errors import EvoteError, EvoteValueError, InvalidEncoding
from ..group import G_TABLE, Scalar
from . import ceremony_wire as w
from .context import ElectionContext
from .guardian import (SHARE_PLAINTEXT_SIZE, Complaint, Guardian, GuardianRecord,
                       SealedShare, share_plaintext, verify_ed25519)
from .schnorr import prove_schnorr
from .ceremony_commitment import commit
from .lot import acknowledge
from .threshold_errors import CeremonyError


# ---- step 1 ----

def generate_guardian(manifest_hash: bytes, index: int, n: int, t: int) -> Guardian:
    """A new guardian: fresh identity and transport keys, a random polynomial and a
    random lot secret m_i (fixed here, before any record or joint key exists)."""
    w.require_params(n, t)
    return guardian_from_randomness(manifest_hash, index, n, t, os.urandom(32), os.urandom(32),
                                    tuple(Scalar.random() for _ in range(t)), Scalar.random())


def guardian_from_randomness(manifest_hash: bytes, index: int, n: int, t: int,
                             signing_seed: bytes, transport_secret: bytes,
                             coefficients: tuple[Scalar, ...], lot_secret: Scalar) -> Guardian:
    """Inner entry point of step 1: all randomness given (test vectors)."""
    return Guardian(manifest_hash, n, t, index, signing_seed, transport_secret,
                    tuple(coefficients), lot_secret)


# ---- step 2 ----

def publish_record(guardian: Guardian, nonces: Sequence[Scalar] | None = None) -> GuardianRecord:
    """Commitments K_ij = a_ij*G, a Schnorr proof for each, signed. `nonces` (one per
    coefficient) is for test vectors only."""
    if not isinstance(guardian, Guardian):
        raise EvoteValueError("publish_record: expected a Guardian")
    if nonces is not None and len(nonces) != guardian.t:
        raise EvoteValueError(f"publish_record: need {guardian.t} nonces")
    commitments = guardian.commitments()
    proofs = tuple(prove_schnorr(a, guardian.manifest_hash, guardian.index, j,
                                 None if nonces is None else nonces[j])
                   for j, a in enumerate(guardian.coefficients))
    identity, transport = guardian.identity_key, guardian.transport_key
    lot_commitment = guardian.lot_commitment()
    d = GuardianRecord.signed_digest(guardian.manifest_hash, guardian.n, guardian.t,
                                     guardian.index, identity, transport, commitments, proofs,
                                     lot_commitment)
    return GuardianRecord(guardian.manifest_hash, guardian.n, guardian.t, guardian.index,
                          identity, transport, commitments, proofs, lot_commitment,
                          guardian.sign(d))


def verify_records(manifest_hash: bytes, n: int, t: int,
                   records: Iterable[GuardianRecord]) -> tuple[GuardianRecord, ...]:
    """All n records, one per index, for this ceremony, signatures and proofs valid,
    keys distinct (R1-R6). Returns them ordered by index. Raises naming the guardian."""
    return _checked_context(manifest_hash, n, t, records).guardians


def _checked_context(manifest_hash, n, t, records) -> ElectionContext:
    """The context of the records after checks R1-R6 (specs/key-ceremony.md 3.6-3.7)."""
    w.require_bytes("manifest_hash", manifest_hash, 32)
    w.require_params(n, t)
    records = list(records)
    for rec in records:
        if not isinstance(rec, GuardianRecord):
            raise EvoteValueError("records: expected GuardianRecord items")
        if (rec.manifest_hash, rec.n, rec.t) != (manifest_hash, n, t):
            raise CeremonyError(f"guardian {rec.index} record is for another ceremony "
                                "(manifest hash, n or t differ)")
    return ElectionContext.from_records(manifest_hash, n, t, records)  # R1, R3-R6


# ---- step 3 ----

def deal_shares(guardian: Guardian, records: Sequence[GuardianRecord]) -> tuple[SealedShare, ...]:
    """P_i(l) for every other guardian l, sealed to l's transport key and signed."""
    ordered = verify_records(guardian.manifest_hash, guardian.n, guardian.t, records)
    if ordered[guardian.index - 1].identity_key != guardian.identity_key:
        raise CeremonyError(f"guardian {guardian.index}: the published record is not mine")
    out = []
    for rec in ordered:
        if rec.index == guardian.index:
            continue
        plaintext = share_plaintext(guardian.manifest_hash, guardian.index, rec.index,
                                    guardian.evaluate(rec.index))
        sealed = nacl.public.SealedBox(nacl.public.PublicKey(rec.transport_key)).encrypt(plaintext)
        d = SealedShare.signed_digest(guardian.manifest_hash, guardian.index, rec.index, sealed)
        out.append(SealedShare(guardian.manifest_hash, guardian.index, rec.index, sealed,
                               guardian.sign(d)))
    return tuple(out)


# ---- step 4 ----

def make_complaint(guardian: Guardian, accused: int, reason: str, detail: str,
                   sealed_digest: bytes = bytes(32), revealed_share: bytes = b"") -> Complaint:
    d = Complaint.signed_digest(guardian.manifest_hash, guardian.index, accused, reason, detail,
                                sealed_digest, revealed_share)
    return Complaint(guardian.manifest_hash, guardian.index, accused, reason, detail,
                     sealed_digest, revealed_share, guardian.sign(d))


def open_share(guardian: Guardian, sender: GuardianRecord,
               sealed: SealedShare) -> Scalar | Complaint:
    """Guardian l opens the share guardian i sent it and checks
    P_i(l)*G == sum_j l^j K_ij. Returns the share, or a signed Complaint naming i."""
    if (sealed.recipient, sealed.sender) != (guardian.index, sender.index):
        raise EvoteValueError(f"share {sealed.sender}->{sealed.recipient} given to guardian "
                              f"{guardian.index} as coming from guardian {sender.index}")
    i, l, d = sender.index, guardian.index, sealed.digest()
    if sealed.manifest_hash != guardian.manifest_hash:
        return make_complaint(guardian, i, "bad-binding", "sealed share names another manifest", d)
    try:
        verify_ed25519(f"share {i}->{l}", sender.identity_key, d, sealed.signature)
    except EvoteError:
        return make_complaint(guardian, i, "bad-signature",
                              f"share {i}->{l} is not signed by guardian {i}", d)
    try:
        plain = nacl.public.SealedBox(guardian.transport_private).decrypt(sealed.sealed)
    except nacl.exceptions.CryptoError:
        return make_complaint(guardian, i, "undecryptable",
                              f"share {i}->{l} does not open with my transport key", d)
    if len(plain) != SHARE_PLAINTEXT_SIZE or plain[:48] != share_plaintext(
            guardian.manifest_hash, i, l, Scalar.zero())[:48]:
        return make_complaint(guardian, i, "bad-binding",
                              f"share {i}->{l} plaintext is not bound to this ceremony and "
                              "position", d)
    try:
        share = Scalar.from_bytes(plain[48:])
    except (EvoteError, ValueError):
        return make_complaint(guardian, i, "bad-binding", f"share {i}->{l} is not a scalar", d)
    if G_TABLE.mul(share) != sender.share_commitment(l):
        return make_complaint(guardian, i, "share-mismatch",
                              f"P_{i}({l})*G != sum_j {l}^j K_{i}j", d, share.to_bytes())
    return share


@dataclass(frozen=True, repr=False)
class CeremonyOutcome:
    """Result of step 4 for one guardian: `guardian` (with its key share) when every
    share checked out, else None and the signed complaints to publish."""

    guardian: Guardian | None
    complaints: tuple[Complaint, ...]
    context: ElectionContext | None

    def __repr__(self) -> str:
        return f"CeremonyOutcome(guardian={self.guardian!r}, complaints={len(self.complaints)})"


def finish_guardian(guardian: Guardian, records: Sequence[GuardianRecord],
                    sealed_shares: Iterable[SealedShare]) -> CeremonyOutcome:
    """Open and check every share sent to this guardian; without complaints, return the
    guardian holding s_l = sum_i P_i(l) (checked against S_l of the context)."""
    ctx = _checked_context(guardian.manifest_hash, guardian.n, guardian.t, records)
    l = guardian.index
    if ctx.guardians[l - 1].identity_key != guardian.identity_key:
        raise CeremonyError(f"guardian {l}: the published record is not mine")
    by_sender: dict[int, SealedShare] = {}
    for s in sealed_shares:
        if not isinstance(s, SealedShare):
            raise EvoteValueError("sealed_shares: expected SealedShare items")
        if s.recipient != l:
            raise CeremonyError(f"guardian {l} was given share {s.sender}->{s.recipient}")
        if s.sender in by_sender:
            raise CeremonyError(f"guardian {l} was given two shares from guardian {s.sender}")
        if not 1 <= s.sender <= guardian.n:
            raise CeremonyError(f"guardian {l} was given a share from unknown guardian {s.sender}")
        by_sender[s.sender] = s
    total = guardian.evaluate(l)
    complaints = []
    for rec in ctx.guardians:
        if rec.index == l:
            continue
        sealed = by_sender.get(rec.index)
        if sealed is None:
            complaints.append(make_complaint(guardian, rec.index, "missing",
                                             f"no share from guardian {rec.index}"))
            continue
        result = open_share(guardian, rec, sealed)
        if isinstance(result, Complaint):
            complaints.append(result)
        else:
            total = total + result
    if complaints:
        return CeremonyOutcome(None, tuple(complaints), ctx)
    if G_TABLE.mul(total) != ctx.public_share(l):
        # Cannot happen when every share matched its commitments (S_l is their sum).
        raise CeremonyError(f"guardian {l}: key share does not match public share S_{l}")
    return CeremonyOutcome(guardian.finished(total, ctx.base_hash), (), ctx)


def verify_complaint(complaint: Complaint, records: Sequence[GuardianRecord]) -> None:
    """Anyone: the complaint is about this ceremony (its manifest hash is the records'),
    signed by its accuser, and a share-mismatch complaint's revealed share indeed fails
    the accused's commitments. Raises otherwise."""
    by_index = {r.index: r for r in records}
    accuser, accused = by_index.get(complaint.accuser), by_index.get(complaint.accused)
    if accuser is None or accused is None:
        raise CeremonyError(f"complaint names unknown guardian(s) {complaint.accuser}, "
                            f"{complaint.accused}")
    if complaint.manifest_hash != accuser.manifest_hash:   # a genuine one, replayed
        raise CeremonyError(f"complaint of guardian {complaint.accuser} is for another "
                            f"election (manifest hash {complaint.manifest_hash.hex()[:16]}...)")
    verify_ed25519(f"complaint of guardian {complaint.accuser}", accuser.identity_key,
                   complaint.digest(), complaint.signature)
    if complaint.reason == "share-mismatch":
        if len(complaint.revealed_share) != 32:
            raise CeremonyError("share-mismatch complaint reveals no share")
        try:
            share = Scalar.from_bytes(complaint.revealed_share)
        except (EvoteError, ValueError):
            raise InvalidEncoding("complaint revealed_share is not a canonical scalar") from None
        if G_TABLE.mul(share) == accused.share_commitment(complaint.accuser):
            raise CeremonyError(f"complaint of guardian {complaint.accuser} against guardian "
                                f"{complaint.accused} is unfounded: the revealed share matches")


# ---- step 5 ----

def build_context(manifest_hash: bytes, n: int, t: int,
                  records: Iterable[GuardianRecord]) -> ElectionContext:
    """The election context from the n verified records (anyone can run this)."""
    return _checked_context(manifest_hash, n, t, records)


# ---- all steps in one process ----

def run_ceremony(manifest_hash: bytes, n: int, t: int) -> tuple[ElectionContext, tuple[Guardian, ...]]:
    """Run every step for n fresh guardians in this process (tests, demo)."""
    w.require_params(n, t)
    return run_ceremony_with(manifest_hash,
                             [generate_guardian(manifest_hash, i, n, t) for i in range(1, n + 1)])


def run_ceremony_with(manifest_hash: bytes, guardians: Sequence[Guardian],
                      nonces: Sequence[Sequence[Scalar]] | None = None,
                      lot_nonces: Sequence[tuple] | None = None
                      ) -> tuple[ElectionContext, tuple[Guardian, ...]]:
    """Inner entry point: the ceremony for given guardians (and Schnorr nonces, and each
    guardian's lot contribution nonces (k, r, s): test vectors only; the lot secret m is
    the guardian's own, from step 1)."""
    commitments = [commit(g) for g in guardians]   # the commitment round, first
    records = [publish_record(g, None if nonces is None else nonces[k])
               for k, g in enumerate(guardians)]
    ctx = build_context(manifest_hash, len(guardians), guardians[0].t, records)
    ctx = ctx.with_ceremony_commitments(commitments)
    inbox: dict[int, list[SealedShare]] = {g.index: [] for g in guardians}
    for g in guardians:
        for s in deal_shares(g, ctx.guardians):
            inbox[s.recipient].append(s)
    finished = []
    for g in guardians:
        outcome = finish_guardian(g, ctx.guardians, inbox[g.index])
        if outcome.complaints:
            raise CeremonyError("; ".join(str(c) for c in outcome.complaints))
        finished.append(outcome.guardian)
    # Step 6: each guardian acknowledges the base hash with its lot contribution.
    lot_commitments = [rec.lot_commitment for rec in ctx.guardians]
    acks = [acknowledge(g, ctx.base_hash, ctx.joint_key, lot_commitments,
                        nonces=None if lot_nonces is None else lot_nonces[k])
            for k, g in enumerate(finished)]
    return ctx.with_acknowledgements(acks), tuple(finished)
