"""The Benaloh challenge (specs/protocol.md section 8).

Before casting, a voter may challenge the ballot the kiosk just encrypted: the kiosk
reveals its nonces and choices in a ChallengeRecord and the ballot is spoiled (never
counted). Anyone can then run verify_challenge: it re-encrypts every revealed choice with
its revealed nonce and compares the result with the published ciphertext byte for byte,
so a kiosk that encrypted anything other than the voter's choices is caught.

Challenge wire format, version 1 (big-endian):
    0   4   magic "EVCH"
    4   1   version = 1
    5   1   reserved = 0
    6   2   number of contests (must equal the ballot's)
    8   4   total length of the record in bytes
    12  ..  the encrypted ballot's wire bytes (self-delimiting: its own total length)
    then per contest of the ballot, in order:
        2         k = number of chosen candidates
        8 * k     their codes (u64), in candidate order
        32*(n+1)  the nonces of the n selections then of the blank indicator (scalars, LE)
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from evote.errors import EvoteError, EvoteTypeError, InvalidEncoding, InvalidProof
from evote.group import G_TABLE, Scalar
from evote.manifest import Manifest

from .ballot import contest_selection
from .ballot_codec import HEADER_SIZE as BALLOT_HEADER_SIZE
from .ballot_codec import decode_ballot
from .context import check_context
from .encrypted_ballot import BallotSecrets, ContestSecrets, EncryptedBallot
from .verify_ballot import verify_ballot

MAGIC = b"EVCH"
VERSION = 1
_HEAD = struct.Struct(">4sBBHI")
_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")


class ChallengeMismatch(InvalidProof):
    """A challenged ballot does not encrypt the revealed choices with the revealed nonces."""


@dataclass(frozen=True)
class ChallengeRecord:
    """A spoiled ballot with everything needed to open it (published: the ballot is void)."""

    ballot: EncryptedBallot
    secrets: BallotSecrets

    def __post_init__(self):
        if not isinstance(self.ballot, EncryptedBallot):
            raise EvoteTypeError("ChallengeRecord: ballot must be an EncryptedBallot")
        if not isinstance(self.secrets, BallotSecrets):
            raise EvoteTypeError("ChallengeRecord: secrets must be BallotSecrets")

    def to_bytes(self) -> bytes:
        parts = [self.ballot.to_bytes()]
        for c in self.secrets.contests:
            parts.append(_U16.pack(len(c.selected)))
            parts.extend(_U64.pack(code) for code in c.selected)
            parts.extend(r.to_bytes() for r in c.nonces)
        body = b"".join(parts)
        return _HEAD.pack(MAGIC, VERSION, 0, len(self.secrets.contests),
                          _HEAD.size + len(body)) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> "ChallengeRecord":
        """Parse (structure, lengths, canonical nonces); InvalidEncoding names the field."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise EvoteTypeError(f"challenge bytes: expected bytes, got {type(data).__name__}")
        data = bytes(data)
        if len(data) < _HEAD.size + BALLOT_HEADER_SIZE:
            raise InvalidEncoding(f"challenge bytes: only {len(data)} bytes")
        magic, version, reserved, n_contests, total = _HEAD.unpack_from(data)
        if magic != MAGIC:
            raise InvalidEncoding(f"challenge bytes: magic at offset 0 is {magic!r}")
        if version != VERSION:
            raise InvalidEncoding(f"challenge bytes: unknown version {version} at offset 4")
        if reserved != 0:
            raise InvalidEncoding("challenge bytes: reserved byte at offset 5 is not 0")
        if total != len(data):
            raise InvalidEncoding(f"challenge bytes: total length at offset 8 says {total}, "
                                  f"the record has {len(data)} bytes")
        pos = _HEAD.size
        blen = _U32.unpack_from(data, pos + 8)[0]
        if pos + blen > len(data):
            raise InvalidEncoding(f"challenge bytes: ballot at offset {pos} is truncated")
        ballot = decode_ballot(data[pos:pos + blen])
        pos += blen
        if n_contests != len(ballot.contests):
            raise InvalidEncoding(f"challenge bytes: {n_contests} contests of secrets, the "
                                  f"ballot has {len(ballot.contests)}")

        def take(size: int, what: str) -> bytes:
            nonlocal pos
            if pos + size > len(data):
                raise InvalidEncoding(f"challenge bytes: {what} at offset {pos} is truncated")
            pos += size
            return data[pos - size:pos]

        contests = []
        for enc in ballot.contests:
            where = f"contest {enc.contest_id!r}"
            k = _U16.unpack(take(2, f"{where} choice count"))[0]
            codes = tuple(_U64.unpack(take(8, f"{where} code {i}"))[0] for i in range(k))
            nonces = []
            for i in range(len(enc.selections) + 1):
                raw = take(32, f"{where} nonce {i}")
                try:
                    nonces.append(Scalar.from_bytes(raw))
                except InvalidEncoding:
                    raise InvalidEncoding(f"challenge bytes: {where} nonce {i} at offset "
                                          f"{pos - 32} is not a canonical scalar") from None
            contests.append(ContestSecrets(enc.contest_id, codes, tuple(nonces)))
        if pos != len(data):
            raise InvalidEncoding(f"challenge bytes: {len(data) - pos} trailing bytes")
        return cls(ballot, BallotSecrets(ballot.ballot_id, ballot.style_id, tuple(contests)))


def make_challenge(ballot: EncryptedBallot, secrets: BallotSecrets) -> ChallengeRecord:
    """The record a kiosk publishes when the voter challenges `ballot`."""
    record = ChallengeRecord(ballot, secrets)  # checks the types
    if secrets.ballot_id != ballot.ballot_id:
        raise EvoteTypeError("make_challenge: the secrets belong to another ballot")
    return record


def verify_challenge(context, manifest, record: ChallengeRecord, check_proofs: bool = True) -> None:
    """Re-encrypt the revealed choices with the revealed nonces and compare exactly with
    the published ciphertexts; raise ChallengeMismatch naming the contest and candidate
    (InvalidProof from verify_ballot when check_proofs and a proof fails)."""
    if not isinstance(record, ChallengeRecord):
        raise EvoteTypeError(f"verify_challenge: record must be a ChallengeRecord (from_bytes "
                             f"parses one), got {type(record).__name__}")
    if not isinstance(manifest, Manifest):
        raise EvoteTypeError(f"verify_challenge: manifest must be an evote.manifest.Manifest, "
                             f"got {type(manifest).__name__}")
    check_context(context)
    ballot, secrets = record.ballot, record.secrets
    bid = ballot.ballot_id.hex()
    if secrets.ballot_id != ballot.ballot_id or secrets.style_id != ballot.style_id:
        raise ChallengeMismatch(f"challenge of ballot {bid}: the secrets are for another ballot")
    if tuple(c.contest_id for c in secrets.contests) != \
            tuple(c.contest_id for c in ballot.contests):
        raise ChallengeMismatch(f"challenge of ballot {bid}: contests of the secrets and of "
                                "the ballot differ")
    if check_proofs:
        verify_ballot(context, manifest, ballot)
    k_table = context.k_table
    for enc, sec in zip(ballot.contests, secrets.contests):
        where = f"challenge of ballot {bid}: contest {enc.contest_id!r}"
        try:
            contest = manifest.contest(enc.contest_id)
            plain = contest_selection(contest, list(sec.selected))
        except EvoteError as e:
            raise ChallengeMismatch(f"{where}: the revealed choices are not valid: {e}") from None
        if plain.selected != tuple(sec.selected):
            raise ChallengeMismatch(f"{where}: the revealed codes are not in candidate order")
        if len(sec.nonces) != len(enc.selections) + 1:
            raise ChallengeMismatch(f"{where}: {len(sec.nonces)} nonces for "
                                    f"{len(enc.selections) + 1} ciphertexts")
        slots = list(zip(plain.votes, enc.selections, sec.nonces))
        slots.append((plain.blank, enc.blank, sec.nonces[-1]))
        for i, (m, sel, r) in enumerate(slots):
            # The nonces are public now (the ballot is spoiled): no secret is handled here.
            alpha = G_TABLE.mul(r).to_bytes()
            beta = G_TABLE.mul2(m, k_table, r).to_bytes()
            if alpha != sel.alpha or beta != sel.beta:
                slot = (f"candidate {contest.candidates[i].code} (position {i})"
                        if i < len(enc.selections) else "blank indicator")
                half = "alpha" if alpha != sel.alpha else "beta"
                raise ChallengeMismatch(f"{where}: {slot}: the ciphertext is not the "
                                        f"encryption of {m} with the revealed nonce ({half} "
                                        "differs)")
