"""The encrypted ballot (public) and the ballot secrets (private), as immutable objects.

EncryptedBallot is what the kiosk publishes: ballot id, style id and, per contest of the
style (in style order), either (a per-candidate contest, EncryptedContest) one ciphertext
per candidate with its 0/1 proof, the blank indicator's ciphertext with its 0/1 proof,
and the contest's range proof, or (a slot contest, SlotRangeContest of slot_range_codec)
max_choices slot ciphertexts with one aggregated range proof (specs/slot-ballot.md). Every crypto
field is held as its raw 32-byte encoding, exactly as on the wire: it is checked by the
verifier (verify_ballot), not on construction (a raw wire type, like a compressed point).

BallotSecrets holds the nonces and the choices. It is never published; it exists to
answer a Benaloh challenge (challenge.py), after which the ballot is spoiled.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Tuple

from evote.errors import EvoteTypeError, EvoteValueError
from evote.group import Scalar
from evote.hashing import U64_MAX  # a revealed code is a u64 on the wire (challenge.py)

from .disjunctive import DisjunctiveProof
from .elgamal import Ciphertext
from .slot_range_codec import SlotRangeContest

BALLOT_ID_SIZE = 32


class EncryptedSelection(NamedTuple):
    """One ciphertext (alpha, beta encodings) with its 0/1 proof (branches 0 and 1)."""

    alpha: bytes
    beta: bytes
    proof: DisjunctiveProof

    def ciphertext_bytes(self) -> bytes:
        return self.alpha + self.beta

    def ciphertext(self) -> Ciphertext:
        """Decode (validates; InvalidEncoding on a bad point)."""
        return Ciphertext.from_bytes(self.alpha + self.beta)


class EncryptedContest(NamedTuple):
    """A contest: selections in candidate order, the blank indicator, the range proof
    that (sum of selections) + max_choices * blank encrypts a value in [1, max_choices]."""

    contest_id: str
    selections: Tuple[EncryptedSelection, ...]
    blank: EncryptedSelection
    range_proof: DisjunctiveProof

    def ciphertexts_bytes(self) -> bytes:
        """alpha||beta of every selection then of the blank indicator ((n+1) * 64 bytes):
        the rows a tally aggregates, and the statement the range proof's hash binds."""
        return b"".join([s.alpha + s.beta for s in self.selections]) + \
            self.blank.alpha + self.blank.beta


CONTEST_TYPES = (EncryptedContest, SlotRangeContest)


def is_slot_contest(enc) -> bool:
    """True for a contest block carried as choice slots."""
    return isinstance(enc, SlotRangeContest)


@dataclass(frozen=True)
class EncryptedBallot:
    """The public encrypted ballot. to_bytes()/from_bytes() are the wire format
    (ballot_codec, specs/protocol.md section 6)."""

    ballot_id: bytes
    style_id: str
    contests: Tuple[EncryptedContest, ...]

    def __post_init__(self):
        if not isinstance(self.ballot_id, bytes) or len(self.ballot_id) != BALLOT_ID_SIZE:
            raise EvoteValueError("EncryptedBallot: ballot_id must be 32 bytes")
        if not isinstance(self.style_id, str):
            raise EvoteTypeError("EncryptedBallot: style_id must be str")
        if not isinstance(self.contests, (tuple, list)) or \
                not all(isinstance(c, CONTEST_TYPES) for c in self.contests):
            raise EvoteTypeError("EncryptedBallot: contests must be a tuple of EncryptedContest "
                                 "or SlotRangeContest")
        object.__setattr__(self, "contests", tuple(self.contests))

    def per_candidate_contests(self) -> Tuple[EncryptedContest, ...]:
        """The contests summed homomorphically (one ciphertext per candidate)."""
        return tuple(c for c in self.contests if isinstance(c, EncryptedContest))

    def slot_contests(self) -> Tuple[SlotRangeContest, ...]:
        """The contests carried as choice slots (mixed, then decrypted)."""
        return tuple(c for c in self.contests if isinstance(c, SlotRangeContest))

    def ciphertext_alphas(self) -> Tuple[bytes, ...]:
        """Every ciphertext's alpha encoding, in ballot order: per contest, a per-candidate
        contest's selections then its blank indicator, a slot contest's slots 1..L (the
        keys of the record-wide duplicate-ciphertext check, V9)."""
        out = []
        for c in self.contests:
            if isinstance(c, SlotRangeContest):
                out.extend(ct[:32] for ct in c.ciphertexts)
            else:
                out.extend(s.alpha for s in (*c.selections, c.blank))
        return tuple(out)

    def contest(self, contest_id: str) -> EncryptedContest:
        for c in self.contests:
            if c.contest_id == contest_id:
                return c
        raise EvoteValueError(f"ballot {self.ballot_id.hex()} has no contest {contest_id!r}")

    def to_bytes(self) -> bytes:
        from .ballot_codec import encode_ballot
        return encode_ballot(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> "EncryptedBallot":
        """Parse the wire format: structure and lengths only (InvalidEncoding names the
        field); points and scalars stay raw until the verifier checks them."""
        from .ballot_codec import decode_ballot
        return decode_ballot(data)


@dataclass(frozen=True, repr=False)
class ContestSecrets:
    """A contest's secrets: the chosen candidate codes (candidate order) and the nonces
    of the n selections then of the blank indicator (n + 1 Scalars). Invariant: the
    types and ranges are those of the wire format (their values are verify_challenge's)."""

    contest_id: str
    selected: Tuple[int, ...]
    nonces: Tuple[Scalar, ...]

    def __post_init__(self):
        if not isinstance(self.contest_id, str):
            raise EvoteTypeError("ContestSecrets: contest_id must be str")
        if not isinstance(self.selected, tuple) or not all(
                isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= U64_MAX for c in self.selected):
            raise EvoteTypeError(f"ContestSecrets {self.contest_id!r}: selected must be a "
                                 "tuple of codes (int, 0 .. 2**64 - 1)")
        if not isinstance(self.nonces, tuple) or \
                not all(isinstance(r, Scalar) for r in self.nonces):
            raise EvoteTypeError(f"ContestSecrets {self.contest_id!r}: nonces must be a "
                                 "tuple of Scalar")

    def __repr__(self) -> str:
        return f"ContestSecrets({self.contest_id!r}, <hidden>)"


@dataclass(frozen=True, repr=False)
class SlotContestSecrets:
    """A slot contest's secrets: the chosen candidate codes (candidate order) and the
    slot opening (slot_range.SlotOpening: the L slot values and nonces), which
    reproduces the slot ciphertexts exactly (slot_range.check_slot_opening)."""

    contest_id: str
    selected: Tuple[int, ...]
    opening: object

    def __post_init__(self):
        if not isinstance(self.contest_id, str):
            raise EvoteTypeError("SlotContestSecrets: contest_id must be str")
        if not isinstance(self.selected, tuple) or not all(
                isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= U64_MAX for c in self.selected):
            raise EvoteTypeError(f"SlotContestSecrets {self.contest_id!r}: selected must be a "
                                 "tuple of codes (int, 0 .. 2**64 - 1)")

    def __repr__(self) -> str:
        return f"SlotContestSecrets({self.contest_id!r}, <hidden>)"


@dataclass(frozen=True, repr=False)
class BallotSecrets:
    """Everything needed to open a ballot. Never published except in a challenge."""

    ballot_id: bytes
    style_id: str
    contests: Tuple[ContestSecrets, ...]

    def __post_init__(self):
        if not isinstance(self.ballot_id, bytes) or len(self.ballot_id) != BALLOT_ID_SIZE:
            raise EvoteValueError("BallotSecrets: ballot_id must be 32 bytes")
        if not isinstance(self.style_id, str):
            raise EvoteTypeError("BallotSecrets: style_id must be str")
        if not isinstance(self.contests, tuple) or \
                not all(isinstance(c, (ContestSecrets, SlotContestSecrets)) for c in self.contests):
            raise EvoteTypeError("BallotSecrets: contests must be a tuple of ContestSecrets "
                                 "or SlotContestSecrets")

    def __repr__(self) -> str:
        return f"BallotSecrets({self.ballot_id.hex()}, <hidden>)"
