"""The Benaloh challenge (specs/protocol.md section 8).

Before casting, a voter may challenge the ballot the kiosk just encrypted: the ballot is
spoiled (never counted; its ciphertext alone goes into the box) and the kiosk gives the
voter, and only the voter, a signed Opening (its nonces and choices, bound to election,
station, kiosk, position, ballot id and code). The voter's check rebuilds the
ChallengeRecord (the published ballot with the opening's secrets) and runs
verify_challenge: it re-encrypts every revealed choice with its revealed nonce and
compares the result with the published ciphertext byte for byte, so a kiosk that
encrypted anything other than the voter's choices is caught. The opening is never
published: it would reveal the vote the same voter casts next (section 8.1).

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
      a per-candidate contest:
        32*(n+1)  the nonces of the n selections then of the blank indicator (scalars, LE)
      a slot contest (the ballot says which):
        4 + E     u32 E, then the slot opening "EVSO" (slot_opening.py: values and nonces)

A slot contest's revealed codes must be exactly the candidates its opened slots hold
(check_slot_opening reproduces every slot ciphertext from the opening).

Opening (the voter's printout), format EVOP version 1: section 8.3, Opening below.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import nacl.exceptions
import nacl.signing

from evote.errors import (EvoteError, EvoteTypeError, EvoteValueError, InvalidEncoding,
                          InvalidProof, InvalidSignature)
from evote.hashing import digest
from evote.group import G_TABLE, Scalar
from evote.manifest import Manifest

from .ballot import contest_selection
from .ballot_codec import HEADER_SIZE as BALLOT_HEADER_SIZE
from .ballot_codec import decode_ballot
from .context import check_context
from .encrypted_ballot import (BallotSecrets, ContestSecrets, EncryptedBallot,
                               SlotContestSecrets, is_slot_contest)
from .slot_opening import SlotOpening, check_slot_opening, decode_opening, encode_opening
from .verify_ballot import verify_ballot

MAGIC = b"EVCH"
VERSION = 1
_HEAD = struct.Struct(">4sBBHI")
_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
MAX_SLOT_OPENING = 1 << 20   # bytes of one slot contest's opening (21 slots: ~800)


def _slot_opening_bytes(c: SlotContestSecrets) -> bytes:
    """u32 E || the E bytes of the contest's slot opening (EVSO)."""
    if not isinstance(c.opening, SlotOpening):
        raise EvoteTypeError(f"contest {c.contest_id!r}: a slot contest's secrets need a "
                             "SlotOpening")
    raw = encode_opening(c.opening)
    return _U32.pack(len(raw)) + raw


def _read_slot_opening(take, where: str, what: str, offset) -> SlotOpening:
    """The u32-prefixed slot opening at the cursor (`take(size, field)`), strictly."""
    size = _U32.unpack(take(4, f"{where} slot opening length"))[0]
    if not 1 <= size <= MAX_SLOT_OPENING:
        raise InvalidEncoding(f"{what}: {where} slot opening length at offset {offset() - 4} "
                              f"is {size}, not in [1, {MAX_SLOT_OPENING}]")
    at = offset()
    raw = take(size, f"{where} slot opening")
    try:
        return decode_opening(raw)
    except InvalidEncoding as exc:
        raise InvalidEncoding(f"{what}: {where} slot opening at offset {at} (offsets below "
                              f"are from there): {exc}") from None


class ChallengeMismatch(InvalidProof):
    """A challenged ballot does not encrypt the revealed choices with the revealed nonces."""


@dataclass(frozen=True)
class ChallengeRecord:
    """A spoiled ballot with everything needed to open it. Held by the kiosk at the
    challenge and rebuilt by the voter's check from the published ballot and the
    voter's Opening; never written to the box."""

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
            if isinstance(c, SlotContestSecrets):
                parts.append(_slot_opening_bytes(c))
                continue
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
            if is_slot_contest(enc):
                contests.append(SlotContestSecrets(enc.contest_id, codes, _read_slot_opening(
                    take, where, "challenge bytes", lambda: pos)))
                continue
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
        if is_slot_contest(enc) or isinstance(sec, SlotContestSecrets):
            _check_slot_contest(context, contest, ballot.ballot_id, enc, sec, plain, where)
            continue
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


def _check_slot_contest(context, contest, ballot_id, enc, sec, plain, where) -> None:
    """A slot contest of a challenge: the opening reproduces every slot ciphertext
    (check_slot_opening) and its slots hold exactly the revealed candidates."""
    if not (is_slot_contest(enc) and isinstance(sec, SlotContestSecrets)):
        raise ChallengeMismatch(f"{where}: the ballot and the secrets disagree on the "
                                "contest's encoding (slots or per candidate)")
    try:
        positions = check_slot_opening(context, contest, ballot_id, enc, sec.opening)
    except InvalidProof as e:
        raise ChallengeMismatch(f"{where}: {e}") from None
    chosen = tuple(i for i, m in enumerate(plain.votes) if m == 1)
    if tuple(sorted(positions)) != chosen:
        held = [contest.candidates[i].code for i in sorted(positions)]
        raise ChallengeMismatch(f"{where}: the slots hold candidates {held}, the revealed "
                                f"choices are {list(plain.selected)}")


# -- the voter's printed opening (specs/protocol.md section 8.3) ----------------------

OPENING_MAGIC = b"EVOP"
OPENING_VERSION = 1
OPENING_TAG = "evote/v1/challenge-opening"
MAX_OPENING_LABEL = 256
_SIG = 64


class OpeningMismatch(ChallengeMismatch):
    """An opening names another ballot than the one it is checked against (says which field)."""


def _label(value: str, what: str) -> bytes:
    if not isinstance(value, str):
        raise EvoteTypeError(f"Opening: {what} must be str")
    raw = value.encode("utf-8")
    if not 1 <= len(raw) <= MAX_OPENING_LABEL:
        raise EvoteValueError(f"Opening: {what} must be 1..{MAX_OPENING_LABEL} UTF-8 bytes")
    return _U16.pack(len(raw)) + raw


@dataclass(frozen=True, repr=False)
class Opening:
    """A challenged ballot's opening as the kiosk hands it to the voter (printout, QR):
    the secrets of every contest, bound to the SPOIL record they open (election hash,
    station, kiosk, sequence number, ballot id, confirmation code) and signed by the
    kiosk. Holds secrets of the voter's intended choices: never published, never in
    repr."""

    election_hash: bytes
    station_id: str
    kiosk_id: str
    seq: int
    ballot_id: bytes
    code: bytes
    contests: tuple          # ContestSecrets, in ballot order
    signature: bytes

    def __post_init__(self):
        for name in ("election_hash", "ballot_id", "code"):
            v = getattr(self, name)
            if not isinstance(v, bytes) or len(v) != 32:
                raise EvoteValueError(f"Opening: {name} must be 32 bytes")
        if not isinstance(self.seq, int) or isinstance(self.seq, bool) or \
                not 1 <= self.seq < 2 ** 64:
            raise EvoteValueError("Opening: seq must be a ballot record's position (1 .. 2**64-1)")
        if not isinstance(self.contests, tuple) or not self.contests or \
                not all(isinstance(c, (ContestSecrets, SlotContestSecrets))
                        for c in self.contests):
            raise EvoteTypeError("Opening: contests must be a non-empty tuple of ContestSecrets "
                                 "or SlotContestSecrets")
        if not isinstance(self.signature, bytes) or len(self.signature) != _SIG:
            raise EvoteValueError(f"Opening: signature must be {_SIG} bytes")
        _label(self.station_id, "station_id")
        _label(self.kiosk_id, "kiosk_id")

    def __repr__(self) -> str:
        return (f"Opening(station={self.station_id!r}, kiosk={self.kiosk_id!r}, "
                f"seq={self.seq}, <secrets hidden>)")

    def _unsigned(self) -> bytes:
        parts = [self.election_hash, _label(self.station_id, "station_id"),
                 _label(self.kiosk_id, "kiosk_id"), _U64.pack(self.seq), self.ballot_id,
                 self.code]
        for c in self.contests:
            parts.append(_label(c.contest_id, "contest id"))
            parts.append(_U16.pack(len(c.selected)))
            parts.extend(_U64.pack(code) for code in c.selected)
            if isinstance(c, SlotContestSecrets):   # nonce count 0 announces a slot opening
                parts.append(_U16.pack(0) + _slot_opening_bytes(c))
                continue
            parts.append(_U16.pack(len(c.nonces)))
            parts.extend(r.to_bytes() for r in c.nonces)
        body = b"".join(parts)
        total = _HEAD.size + len(body) + _SIG
        return _HEAD.pack(OPENING_MAGIC, OPENING_VERSION, 0, len(self.contests), total) + body

    def signed_digest(self) -> bytes:
        """What the kiosk signs: digest(OPENING_TAG, every byte before the signature)."""
        return digest(OPENING_TAG, self._unsigned())

    def to_bytes(self) -> bytes:
        return self._unsigned() + self.signature

    @classmethod
    def from_bytes(cls, data) -> "Opening":
        """Parse exactly (InvalidEncoding names the field and its offset)."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise EvoteTypeError(f"opening bytes: expected bytes, got {type(data).__name__}")
        data = bytes(data)
        if len(data) < _HEAD.size:
            raise InvalidEncoding(f"opening bytes: only {len(data)} bytes")
        magic, version, reserved, n_contests, total = _HEAD.unpack_from(data)
        if magic != OPENING_MAGIC:
            raise InvalidEncoding(f"opening bytes: magic at offset 0 is {magic!r}, not "
                                  f"{OPENING_MAGIC!r}")
        if version != OPENING_VERSION:
            raise InvalidEncoding(f"opening bytes: unknown version {version} at offset 4")
        if reserved != 0:
            raise InvalidEncoding("opening bytes: reserved byte at offset 5 is not 0")
        if total != len(data):
            raise InvalidEncoding(f"opening bytes: total length at offset 8 says {total}, "
                                  f"the opening has {len(data)} bytes")
        if n_contests == 0:
            raise InvalidEncoding("opening bytes: no contest (offset 6)")
        end = len(data) - _SIG
        pos = _HEAD.size

        def take(size: int, what: str) -> bytes:
            nonlocal pos
            if size < 0 or pos + size > end:
                raise InvalidEncoding(f"opening bytes: {what} at offset {pos} is truncated")
            pos += size
            return data[pos - size:pos]

        def label(what: str) -> str:
            n = _U16.unpack(take(2, f"{what} length"))[0]
            at = pos
            raw = take(n, what)
            try:
                value = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidEncoding(f"opening bytes: {what} at offset {at} is not "
                                      "UTF-8") from None
            if not 1 <= n <= MAX_OPENING_LABEL:
                raise InvalidEncoding(f"opening bytes: {what} at offset {at} has {n} bytes "
                                      f"(1..{MAX_OPENING_LABEL})")
            return value

        election_hash = take(32, "election hash")
        station_id, kiosk_id = label("station id"), label("kiosk id")
        seq = _U64.unpack(take(8, "sequence number"))[0]
        ballot_id, code = take(32, "ballot id"), take(32, "confirmation code")
        contests = []
        for j in range(n_contests):
            cid = label(f"contest {j} id")
            where = f"contest {cid!r}"
            k = _U16.unpack(take(2, f"{where} choice count"))[0]
            codes = tuple(_U64.unpack(take(8, f"{where} code {i}"))[0] for i in range(k))
            m = _U16.unpack(take(2, f"{where} nonce count"))[0]
            if m == 0:   # a slot contest (a per-candidate contest has n + 1 >= 2 nonces)
                contests.append(SlotContestSecrets(cid, codes, _read_slot_opening(
                    take, where, "opening bytes", lambda: pos)))
                continue
            nonces = []
            for i in range(m):
                raw = take(32, f"{where} nonce {i}")
                try:
                    nonces.append(Scalar.from_bytes(raw))
                except InvalidEncoding:
                    raise InvalidEncoding(f"opening bytes: {where} nonce {i} at offset "
                                          f"{pos - 32} is not a canonical scalar") from None
            contests.append(ContestSecrets(cid, codes, tuple(nonces)))
        if pos != end:
            raise InvalidEncoding(f"opening bytes: {end - pos} bytes between the last contest "
                                  f"(offset {pos}) and the signature")
        if seq == 0:
            raise InvalidEncoding("opening bytes: sequence number 0 is the OPEN record, not a "
                                  "ballot")
        return cls(election_hash, station_id, kiosk_id, seq, ballot_id, code, tuple(contests),
                   data[end:])

    def verify_signature(self, kiosk_key: bytes) -> None:
        """InvalidSignature unless the kiosk key (32 bytes, Ed25519) signed this opening."""
        if not isinstance(kiosk_key, bytes) or len(kiosk_key) != 32:
            raise EvoteValueError("kiosk_key must be 32 bytes (Ed25519)")
        try:
            nacl.signing.VerifyKey(kiosk_key).verify(self.signed_digest(), self.signature)
        except nacl.exceptions.BadSignatureError:
            raise InvalidSignature(f"opening of kiosk {self.kiosk_id!r} record {self.seq}: "
                                   "the kiosk signature does not verify") from None

    def challenge_record(self, ballot: EncryptedBallot) -> ChallengeRecord:
        """The published `ballot` with this opening's secrets (verify_challenge checks it)."""
        return ChallengeRecord(ballot, BallotSecrets(self.ballot_id, ballot.style_id,
                                                     self.contests))


def sign_opening(record: ChallengeRecord, *, election_hash: bytes, station_id: str,
                 kiosk_id: str, seq: int, code: bytes, kiosk_key) -> Opening:
    """The kiosk's Opening of the challenge `record`, spoiled as record `seq` of its box
    with confirmation code `code`, signed with its key (a nacl.signing.SigningKey)."""
    if not isinstance(record, ChallengeRecord):
        raise EvoteTypeError("sign_opening: record must be a ChallengeRecord")
    if not isinstance(kiosk_key, nacl.signing.SigningKey):
        raise EvoteTypeError("sign_opening: kiosk_key must be a nacl.signing.SigningKey")
    unsigned = Opening(election_hash, station_id, kiosk_id, seq, record.ballot.ballot_id, code,
                       record.secrets.contests, bytes(_SIG))
    sig = kiosk_key.sign(unsigned.signed_digest()).signature
    return Opening(election_hash, station_id, kiosk_id, seq, record.ballot.ballot_id, code,
                   record.secrets.contests, sig)


def check_opening(context, manifest, opening: Opening, *, ballot_bytes: bytes,
                  election_hash: bytes, station_id: str, kiosk_id: str, seq: int,
                  ballot_id: bytes, code: bytes, kiosk_key: bytes) -> ChallengeRecord:
    """Check `opening` against the published SPOIL record it claims to open (its fields
    given here, as verified in the box) and return the opened ChallengeRecord. Raises
    OpeningMismatch (a field names another ballot), InvalidSignature (not the kiosk's),
    InvalidEncoding (the published ballot does not decode), ChallengeMismatch or
    InvalidProof (the opening does not open the ciphertext: verify_challenge)."""
    if not isinstance(opening, Opening):
        raise EvoteTypeError("check_opening: opening must be an Opening (from_bytes parses one)")
    for what, have, want in (("election hash", opening.election_hash, election_hash),
                             ("station id", opening.station_id, station_id),
                             ("kiosk id", opening.kiosk_id, kiosk_id),
                             ("sequence number", opening.seq, seq),
                             ("ballot id", opening.ballot_id, ballot_id),
                             ("confirmation code", opening.code, code)):
        if have != want:
            shown = (lambda v: v.hex() if isinstance(v, bytes) else repr(v))
            raise OpeningMismatch(f"the opening is for {what} {shown(have)}, the spoiled "
                                  f"ballot's is {shown(want)}")
    opening.verify_signature(kiosk_key)
    ballot = decode_ballot(ballot_bytes)
    record = opening.challenge_record(ballot)
    verify_challenge(context, manifest, record, check_proofs=True)
    return record
