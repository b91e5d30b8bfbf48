"""The kiosk session (specs/election.md section 9): one kiosk's voting day over its box.

    kiosk = Kiosk.start(package_path, key_path, certificate_path, box_path,
                        mirror_path=None, passphrase=None)   # opens or recovers the box
    codes = kiosk.parse_codes(contest_id, "12 ۳۴ ٥٦")          # typed codes -> ints
    review = kiosk.review({contest_id: codes})               # names to show the voter
    draft = kiosk.encrypt({contest_id: codes})               # for the box's next ballot id
    draft.short_code                                         # shown before cast/challenge
    receipt = kiosk.cast(draft)          # or kiosk.challenge(draft): spoiled, re-vote
    challenged.opening                   # (from kiosk.challenge) print it for the voter
    kiosk.close()                        # the day's CLOSE record; release() only lets go

Invariants of a Kiosk: its package verified (the authority's, context for the manifest);
its certificate is byte for byte the one the package lists for this station and kiosk,
the station is electronic, and its key is the certified one; its box is this kiosk's
box of this election (open_box checks election, station, kiosk and key on reopen).
Nothing reaches the box unless it is a well-formed ballot (decode_ballot, canonical
bytes) of the station's style, carries the box's next ballot id, and its proofs verify;
a challenge is written only when its secrets open the ballot (verify_challenge).
The ballot secrets live only on a Draft (never in its repr) and are dropped once it is
cast or challenged. A challenge writes only the ballot into the box (a SPOIL record);
its opening, signed by the kiosk, is returned once (Challenged.opening) for the voter's
printout and is kept nowhere: publishing it would reveal the vote the voter casts next.
"""
from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass

import nacl.signing

from ..ballotbox import KioskCertificate, open_box
from ..ballotbox.records import short_code
from ..errors import EvoteError, EvoteTypeError, EvoteValueError
from ..protocol.ballot_codec import decode_ballot
from ..protocol.challenge import (ChallengeRecord, make_challenge, sign_opening,
                                  verify_challenge)
from ..protocol.encrypt import encrypt_ballot
from ..protocol.encrypted_ballot import EncryptedBallot
from ..protocol.verify_ballot import verify_ballot
from .codes import CodeEntryError, parse_codes


class KioskError(EvoteError):
    """Base of the kiosk session's refusals."""


class KioskSetupError(KioskError, EvoteValueError):
    """The package, key, certificate or box cannot make this kiosk (names which, why)."""


class BallotRefused(KioskError, EvoteValueError):
    """A ballot or challenge that must not enter the box (says why); nothing was written."""


class Draft:
    """An encrypted ballot not yet cast or challenged, for the box's next ballot id.

    ballot (EncryptedBallot), payload (its wire bytes), ballot_id, confirmation_code (the
    32-byte code it gets if it is cast or challenged next) and short_code (what the
    voter reads). The secrets that open it are kept private and never shown in repr."""

    __slots__ = ("ballot", "payload", "ballot_id", "confirmation_code", "_secrets")

    def __init__(self, ballot: EncryptedBallot, secrets, confirmation_code: bytes):
        self.ballot = ballot
        self.payload = ballot.to_bytes()
        self.ballot_id = ballot.ballot_id
        self.confirmation_code = confirmation_code
        self._secrets = secrets

    @property
    def short_code(self) -> str:
        return short_code(self.confirmation_code)

    @property
    def spent(self) -> bool:
        """True once cast or challenged (its secrets are gone)."""
        return self._secrets is None

    def __repr__(self) -> str:
        return (f"Draft(ballot_id={self.ballot_id.hex()[:16]}..., code={self.short_code}, "
                "secrets=<hidden>)")


@dataclass(frozen=True, repr=False)
class Challenged:
    """What Kiosk.challenge returns: the SPOIL record now in the box (public) and the
    voter's printed opening (specs/protocol.md section 8.3: `opening` the EVOP bytes,
    `opening_hex` the text a QR code or printout carries). The opening is the voter's
    alone: print it, hand it over, keep no copy and never log it."""
    spoil: object            # ballotbox SpoilRecord
    opening: bytes

    @property
    def seq(self) -> int:
        return self.spoil.seq

    @property
    def code(self) -> bytes:
        return self.spoil.code

    @property
    def ballot_id(self) -> bytes:
        return self.spoil.ballot_id

    @property
    def short_code(self) -> str:
        return short_code(self.spoil.code)

    @property
    def opening_hex(self) -> str:
        return self.opening.hex()

    def __repr__(self) -> str:
        return f"Challenged(seq={self.seq}, code={self.short_code}, opening=<for the voter>)"


def _ask_passphrase(key_path) -> str:
    return getpass.getpass(f"passphrase of kiosk key {key_path}: ")


class Kiosk:
    """One kiosk's session over its ballot box. Build with Kiosk.start (files) or
    Kiosk.from_parts (objects); see the module docstring for the invariants."""

    def __init__(self, package, key, certificate, box):  # use start or from_parts
        self.package = package
        self.manifest = package.manifest
        self.context = package.context
        self.certificate = certificate
        self._key = key
        self.box = box
        self.style_id = self.manifest.station(certificate.station_id).style_id
        self.contests = self.manifest.station_contests(certificate.station_id)
        self._contest = {c.contest_id: c for c in self.contests}
        self._prepared = None   # slot contest id -> precomputation for the next ballot

    # -- construction ---------------------------------------------------------------

    @classmethod
    def start(cls, package_path, key_path, certificate_path, box_path, *, mirror_path=None,
              passphrase=None, durable: bool = True) -> "Kiosk":
        """Load and check the package, the certificate, then the key, and open or recover
        the box. passphrase None: the key is read as an unencrypted key file, and if that
        fails and there is a terminal, the passphrase is asked there (only once the
        certificate is known to fit)."""
        from ..election.certificates import load_kiosk_certificate_file
        from ..election.keys import load_signing_key
        from ..election.package import load_package
        package = load_package(package_path)
        certificate = load_kiosk_certificate_file(certificate_path)
        where = f"kiosk certificate {certificate_path}"
        cls._check_certificate(package, certificate, where)
        key = cls._load_key(load_signing_key, key_path, passphrase)
        cls._check_key(key, certificate, f"kiosk key {key_path}")
        return cls._open(package, key, certificate, box_path, mirror_path, durable)

    @staticmethod
    def _load_key(load_signing_key, key_path, passphrase):
        if passphrase is not None:
            return load_signing_key(key_path, passphrase)
        try:
            return load_signing_key(key_path, None)
        except EvoteError:
            if not sys.stdin.isatty():
                raise
        return load_signing_key(key_path, _ask_passphrase(key_path))

    @classmethod
    def from_parts(cls, package, key, certificate, box_path, *, mirror_path=None,
                   durable: bool = True) -> "Kiosk":
        """The same checks as start, from a loaded ElectionPackage, a
        nacl.signing.SigningKey and a KioskCertificate (tests, the demo)."""
        from ..election.package import ElectionPackage, PackageError
        if not isinstance(package, ElectionPackage):
            raise EvoteTypeError(f"package: expected an ElectionPackage, got "
                                 f"{type(package).__name__}")
        try:
            package.verify()
        except PackageError as exc:
            raise KioskSetupError(f"election package: {exc}") from None
        cls._check_certificate(package, certificate, "kiosk certificate")
        cls._check_key(key, certificate, "kiosk key")
        return cls._open(package, key, certificate, box_path, mirror_path, durable)

    @staticmethod
    def _check_certificate(package, certificate, where: str) -> None:
        if not isinstance(certificate, KioskCertificate):
            raise EvoteTypeError(f"{where}: expected a KioskCertificate, got "
                                 f"{type(certificate).__name__}")
        cid = f"{where} (station {certificate.station_id!r}, kiosk {certificate.kiosk_id!r})"
        if certificate.election_hash != package.manifest.hash():
            raise KioskSetupError(f"{cid}: is for another election (election hash "
                                  f"{certificate.election_hash.hex()[:16]}..., the package's "
                                  f"is {package.manifest.hash().hex()[:16]}...)")
        try:
            station = package.station(certificate.station_id)
        except EvoteError as exc:
            raise KioskSetupError(f"{cid}: {exc}") from None
        if station.mode != "electronic":
            raise KioskSetupError(f"{cid}: station {station.station_id!r} votes on paper in "
                                  "this package; no kiosk may take ballots there")
        entry = station.kiosk(certificate.kiosk_id)
        if entry is None:
            raise KioskSetupError(f"{cid}: the package lists no kiosk {certificate.kiosk_id!r} "
                                  f"at station {station.station_id!r}")
        if entry.certificate.to_bytes() != certificate.to_bytes():
            raise KioskSetupError(f"{cid}: is not the certificate the package lists for this "
                                  "kiosk (a re-issued or foreign certificate)")

    @staticmethod
    def _check_key(key, certificate, where: str) -> None:
        if not isinstance(key, nacl.signing.SigningKey):
            raise EvoteTypeError(f"{where}: expected a nacl.signing.SigningKey, got "
                                 f"{type(key).__name__}")
        if bytes(key.verify_key) != certificate.kiosk_key:
            raise KioskSetupError(f"{where}: is not the key the certificate of kiosk "
                                  f"{certificate.kiosk_id!r} certifies")

    @classmethod
    def _open(cls, package, key, certificate, box_path, mirror_path, durable) -> "Kiosk":
        # open_box creates the box (and mirror) when neither exists, else verifies and
        # reopens it, refusing a box of another election, station, kiosk or key.
        box = open_box(box_path, kiosk_key=key, certificate=certificate,
                       authority_key=package.manifest.authority_key, mirror=mirror_path,
                       durable=durable)
        return cls(package, key, certificate, box)

    # -- what the kiosk shows --------------------------------------------------------

    @property
    def station_id(self) -> str:
        return self.certificate.station_id

    @property
    def kiosk_id(self) -> str:
        return self.certificate.kiosk_id

    @property
    def recovery(self) -> tuple:
        """What reopening the box found and did (human-readable notes; empty when new or
        clean)."""
        return self.box.recovery

    @property
    def n_cast(self) -> int:
        return self.box.n_cast

    @property
    def n_spoiled(self) -> int:
        return self.box.n_spoiled

    @property
    def closed(self) -> bool:
        return self.box.closed

    def contest(self, contest_id: str):
        """The contest `contest_id` of this station's style."""
        try:
            return self._contest[contest_id]
        except (KeyError, TypeError):
            raise CodeEntryError(f"contest {contest_id!r} is not on the ballot of station "
                                 f"{self.station_id!r} (style {self.style_id!r})") from None

    def parse_codes(self, contest_id: str, typed) -> tuple:
        """The codes typed for one contest of the style (evote.kiosk.codes.parse_codes)."""
        return parse_codes(self.contest(contest_id), typed)

    def choices(self, choices) -> dict:
        """Every contest of the style -> its checked codes (a contest not named: blank)."""
        if not isinstance(choices, dict):
            raise EvoteTypeError(f"choices: expected a dict contest id -> typed codes, got "
                                 f"{type(choices).__name__}")
        for cid in choices:
            self.contest(cid)
        return {c.contest_id: parse_codes(c, choices.get(c.contest_id, ()))
                for c in self.contests}

    def review(self, choices) -> list:
        """[(contest name, [(code, candidate or list name), ...]), ...] in ballot order,
        for the voter to check before the ballot is encrypted; [] for a blank contest."""
        out = []
        for c, codes in zip(self.contests, self.choices(choices).values()):
            names = {x.code: x.name for x in c.candidates}
            names.update({x.code: x.name for x in c.lists})
            out.append((c.name, [(code, names[code]) for code in codes]))
        return out

    # -- the voter's ballot ----------------------------------------------------------

    def prepare(self) -> None:
        """The slot contests' vote-independent work for the next ballot (marks, nonces
        and their products with the generators: slot_range.precompute), done while no
        voter waits, e.g. right after a ballot is cast; the next encrypt then does only
        the part that depends on the choices. Held secret (never in a repr), used by one
        encrypt and dropped, whether or not that ballot is cast. No slot contest: nothing."""
        from ..protocol.slot_range import precompute
        self._prepared = {c.contest_id: precompute(self.context, c)
                          for c in self.contests if c.uses_slots} or None

    def encrypt(self, choices) -> Draft:
        """Encrypt `choices` (contest id -> typed text or codes) for the box's next ballot
        id; the Draft's short_code is what the voter sees before casting or challenging.
        Uses (and drops) what prepare() made, if anything."""
        codes = self.choices(choices)
        ballot_id = self.box.next_ballot_id()
        prepared, self._prepared = self._prepared, None   # never used for two ballots
        ballot, secrets = encrypt_ballot(self.context, self.manifest, self.style_id, codes,
                                         ballot_id, prepared)
        return Draft(ballot, secrets, self.box.preview_code(ballot_id, ballot.to_bytes()))

    def _admissible(self, item) -> tuple:
        """(ballot, payload) of a Draft, EncryptedBallot or wire bytes that may enter the
        box next; BallotRefused otherwise (module docstring)."""
        if isinstance(item, Draft):
            if item.spent:
                raise BallotRefused(f"ballot {item.ballot_id.hex()[:16]}...: this draft was "
                                    "already cast or challenged")
            ballot, payload = item.ballot, item.payload
        elif isinstance(item, EncryptedBallot):
            ballot, payload = item, item.to_bytes()
        elif isinstance(item, (bytes, bytearray, memoryview)):
            payload = bytes(item)
            try:
                ballot = decode_ballot(payload)
            except EvoteError as exc:
                raise BallotRefused(f"ballot bytes: not a well-formed ballot: {exc}") from None
            if ballot.to_bytes() != payload:
                raise BallotRefused("ballot bytes: not in the canonical wire form")
        else:
            raise EvoteTypeError(f"ballot: expected a Draft, an EncryptedBallot or bytes, got "
                                 f"{type(item).__name__}")
        bid = ballot.ballot_id.hex()[:16] + "..."
        want = self.box.next_ballot_id()
        if ballot.ballot_id != want:
            raise BallotRefused(f"ballot {bid}: its ballot id is not the next ballot id of "
                                f"kiosk {self.kiosk_id!r} ({want.hex()[:16]}...); encrypt it "
                                "again")
        if ballot.style_id != self.style_id:
            raise BallotRefused(f"ballot {bid}: style {ballot.style_id!r} is not the style "
                                f"{self.style_id!r} of station {self.station_id!r}")
        try:
            verify_ballot(self.context, self.manifest, ballot)
        except EvoteError as exc:
            raise BallotRefused(f"ballot {bid}: does not verify: {exc}") from None
        return ballot, payload

    def cast(self, item):
        """Cast a Draft, an EncryptedBallot or wire bytes (from another encryption path);
        returns the box's Receipt once the CAST record is durable."""
        ballot, payload = self._admissible(item)
        receipt = self.box.cast(ballot.ballot_id, payload)
        if isinstance(item, Draft):
            item._secrets = None
        return receipt

    def challenge(self, item) -> Challenged:
        """Spoil a Draft (or a ChallengeRecord made elsewhere) once its secrets are
        checked to open the ballot: the ballot alone goes into a SPOIL record. Returns a
        Challenged: the SpoilRecord and the voter's signed opening (print it for the
        voter, keep no copy); the voter then votes again (a new encrypt)."""
        if isinstance(item, Draft):
            ballot, payload = self._admissible(item)
            try:
                record = make_challenge(ballot, item._secrets)
            except EvoteError as exc:
                raise BallotRefused(f"challenge of ballot {ballot.ballot_id.hex()[:16]}...: "
                                    f"{exc}") from None
        elif isinstance(item, ChallengeRecord):
            record = item
            ballot, payload = self._admissible(record.ballot)
        else:
            raise EvoteTypeError(f"challenge: expected a Draft or a ChallengeRecord, got "
                                 f"{type(item).__name__}")
        try:
            # The proofs were checked by _admissible; this compares the re-encryption.
            verify_challenge(self.context, self.manifest, record, check_proofs=False)
        except EvoteError as exc:
            raise BallotRefused(f"challenge refused, the secrets do not open the ballot: "
                                f"{exc}") from None
        spoiled = self.box.challenge(ballot.ballot_id, payload)
        if isinstance(item, Draft):
            item._secrets = None
        opening = sign_opening(record, election_hash=self.box.election_hash,
                               station_id=self.station_id, kiosk_id=self.kiosk_id,
                               seq=spoiled.seq, code=spoiled.code, kiosk_key=self._key)
        return Challenged(spoiled, opening.to_bytes())

    # -- the end of the day ----------------------------------------------------------

    def close(self):
        """Append the box's CLOSE record (the day is over: no further ballot)."""
        return self.box.close()

    def release(self) -> None:
        """Let go of the box files (the box stays open; a restart resumes it)."""
        self.box.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    def __repr__(self) -> str:
        return (f"Kiosk(station={self.station_id!r}, kiosk={self.kiosk_id!r}, "
                f"cast={self.n_cast}, spoiled={self.n_spoiled}, closed={self.closed})")
