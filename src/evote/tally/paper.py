"""Declared results of a station that fell back to paper, signed by its officials.

A PaperResult states, for each contest of the station's ballot style (style order), the
hand-counted votes per candidate (manifest order), ballots cast (blank included) and
blank ballots, the number of ballot forms issued at the station and how many of them
were spoiled (a voter's mistake, replaced by a new form; kept, never counted), so that
forms issued = ballots cast + spoiled forms (reconcile.py checks it). Officials sign it
with Ed25519 keys that the election authority (manifest.authority_key) certified for
this election, this station and this role, the same way it certifies kiosks but with a
structure of its own (an official's key must never pass for a kiosk's):

    certificate = Ed25519_authority( digest("evote/v1/official-certificate",
                      manifest_hash, text(station_id), text(role), official public key) )
    signature   = Ed25519_official( digest("evote/v1/paper-result", body) )
    body        = canonical JSON (sorted keys, no spaces, UTF-8) of
                  {"version", "manifest_hash", "station_id", "forms_issued",
                   "spoiled_forms",
                   "contests": [{"contest_id", "votes", "ballots_cast", "blank"}, ...]}

The JSON form is the body plus "officials": [{"role", "public_key", "certificate",
"signature"}] (hex). specs/tally.md section 5 states it. verify() raises
PaperResultError naming the station and the official; it never returns False.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Sequence

import nacl.exceptions
import nacl.signing

from ..canonical_json import canonical_json_bytes
from ..errors import EvoteError, EvoteTypeError, InvalidSignature
from ..hashing import digest, text
from ..results.count import check_counts
from ..results.model import ContestCounts
from .errors import TallyInputError
from .model import _exact_keys

PAPER_VERSION = "evote-paper-result/1"
CERT_TAG = "evote/v1/official-certificate"
SIGN_TAG = "evote/v1/paper-result"
_HEX = frozenset("0123456789abcdef")


class PaperResultError(InvalidSignature):
    """A paper result is not signed as required or does not fit the manifest."""


canonical_bytes = canonical_json_bytes  # the shared canonical form (evote.canonical_json)


def official_certificate_digest(manifest_hash: bytes, station_id: str, role: str,
                                public_key: bytes) -> bytes:
    return digest(CERT_TAG, manifest_hash, text(station_id), text(role), public_key)


def certify_official(authority: nacl.signing.SigningKey, manifest_hash: bytes,
                     station_id: str, role: str, public_key: bytes) -> bytes:
    """The authority's 64-byte certificate for one official's key at one station."""
    if not isinstance(authority, nacl.signing.SigningKey):
        raise EvoteTypeError("authority: expected a nacl.signing.SigningKey")
    return authority.sign(official_certificate_digest(
        manifest_hash, station_id, role, public_key)).signature


@dataclass(frozen=True)
class Official:
    """One official's signature of a paper result, with the authority's certificate."""
    role: str
    public_key: bytes   # Ed25519, 32 bytes
    certificate: bytes  # the authority's signature (64 bytes), see the module docstring
    signature: bytes    # this official's signature of the result (64 bytes)

    def to_json_obj(self) -> dict:
        return {"role": self.role, "public_key": self.public_key.hex(),
                "certificate": self.certificate.hex(), "signature": self.signature.hex()}


def _hex(where: str, value: Any, size: int) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size or not _HEX.issuperset(value):
        raise TallyInputError(f"{where}: expected {2 * size} lowercase hex digits")
    return bytes.fromhex(value)


def _int(where: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TallyInputError(f"{where}: expected an integer >= 0")
    return value


@dataclass(frozen=True)
class PaperResult:
    manifest_hash: bytes
    station_id: str
    forms_issued: int
    contests: tuple          # ContestCounts, the station style's contests in style order
    officials: tuple = ()    # Official signatures
    spoiled_forms: int = 0   # forms spoiled by voters and replaced (never counted)

    def __post_init__(self):
        if not isinstance(self.manifest_hash, bytes) or len(self.manifest_hash) != 32:
            raise TallyInputError("PaperResult.manifest_hash: expected 32 bytes")
        if not isinstance(self.station_id, str) or not self.station_id:
            raise TallyInputError("PaperResult.station_id: expected a non-empty string")
        _int(f"paper result of station {self.station_id!r}: forms_issued", self.forms_issued)
        _int(f"paper result of station {self.station_id!r}: spoiled_forms", self.spoiled_forms)
        object.__setattr__(self, "contests", tuple(self.contests))
        object.__setattr__(self, "officials", tuple(self.officials))
        for c in self.contests:
            if not isinstance(c, ContestCounts):
                raise EvoteTypeError("PaperResult.contests: expected ContestCounts items")
        for o in self.officials:
            if not isinstance(o, Official):
                raise EvoteTypeError("PaperResult.officials: expected Official items")

    @property
    def where(self) -> str:
        return f"paper result of station {self.station_id!r}"

    def body_obj(self) -> dict:
        return {"version": PAPER_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "station_id": self.station_id, "forms_issued": self.forms_issued,
                "spoiled_forms": self.spoiled_forms,
                "contests": [{"contest_id": c.contest_id, "votes": list(c.votes),
                              "ballots_cast": c.ballots_cast, "blank": c.blank}
                             for c in self.contests]}

    def signed_digest(self) -> bytes:
        return digest(SIGN_TAG, canonical_bytes(self.body_obj()))

    def sign(self, role: str, key: nacl.signing.SigningKey, certificate: bytes) -> "PaperResult":
        """This result with one more official's signature."""
        if not isinstance(key, nacl.signing.SigningKey):
            raise EvoteTypeError("key: expected a nacl.signing.SigningKey")
        if not isinstance(role, str) or not role:
            raise TallyInputError("role: expected a non-empty string")
        sig = key.sign(self.signed_digest()).signature
        return replace(self, officials=self.officials + (
            Official(role, bytes(key.verify_key), bytes(certificate), sig),))

    def counts(self) -> dict:
        return {c.contest_id: c for c in self.contests}

    def verify(self, manifest, min_officials: int = 1) -> None:
        """Signed by at least min_officials distinct certified officials (each key and
        role once), for this manifest, this station, and the station style's contests
        with plausible counts. Raises PaperResultError."""
        where = self.where
        if self.manifest_hash != manifest.hash():
            raise PaperResultError(f"{where}: made for another manifest")
        try:
            station = manifest.station(self.station_id)
        except (EvoteError, KeyError):
            raise PaperResultError(f"{where}: station is not in the manifest") from None
        want = manifest.style(station.style_id).contest_ids
        have = tuple(c.contest_id for c in self.contests)
        if have != want:
            raise PaperResultError(f"{where}: contests {list(have)} are not the station's "
                                   f"{list(want)} in order")
        for c in self.contests:
            try:
                check_counts(manifest.contest(c.contest_id), c)
            except EvoteError as exc:
                raise PaperResultError(f"{where}: {exc}") from None
        if len(self.officials) < min_officials:
            raise PaperResultError(f"{where}: {len(self.officials)} official signature(s), "
                                   f"{min_officials} required")
        if len({o.public_key for o in self.officials}) != len(self.officials) or \
                len({o.role for o in self.officials}) != len(self.officials):
            raise PaperResultError(f"{where}: an official key or role signs twice")
        try:
            authority = nacl.signing.VerifyKey(manifest.authority_key)
        except (nacl.exceptions.CryptoError, ValueError, TypeError):
            raise PaperResultError(f"{where}: the manifest's authority key is not an Ed25519 "
                                   "key") from None
        d = self.signed_digest()
        for i, o in enumerate(self.officials):
            who = f"{where}: official {i} ({o.role!r}, key {o.public_key.hex()[:16]}...)"
            try:
                authority.verify(official_certificate_digest(
                    self.manifest_hash, self.station_id, o.role, o.public_key), o.certificate)
            except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError,
                    ValueError, TypeError):
                raise PaperResultError(f"{who}: not certified by the election authority for "
                                       "this station and role") from None
            try:
                nacl.signing.VerifyKey(o.public_key).verify(d, o.signature)
            except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError,
                    ValueError, TypeError):
                raise PaperResultError(f"{who}: signature of the declared result does not "
                                       "verify") from None

    def to_json_obj(self) -> dict:
        return dict(self.body_obj(), officials=[o.to_json_obj() for o in self.officials])

    def to_json_bytes(self) -> bytes:
        return canonical_bytes(self.to_json_obj())

    @classmethod
    def from_json_obj(cls, obj: Any, where: str = "paper result") -> "PaperResult":
        if not isinstance(obj, dict):
            raise TallyInputError(f"{where}: expected an object")
        _exact_keys(where, obj, ("contests", "forms_issued", "manifest_hash", "officials",
                                 "spoiled_forms", "station_id", "version"))
        if obj["version"] != PAPER_VERSION:
            raise TallyInputError(f"{where}.version: {obj['version']!r} is not {PAPER_VERSION!r}")
        if not isinstance(obj["station_id"], str):
            raise TallyInputError(f"{where}.station_id: expected a string")
        where = f"{where} of station {obj['station_id']!r}"
        contests = []
        if not isinstance(obj["contests"], list) or not isinstance(obj["officials"], list):
            raise TallyInputError(f"{where}: contests and officials must be lists")
        for i, c in enumerate(obj["contests"]):
            w = f"{where}.contests[{i}]"
            if not isinstance(c, dict):
                raise TallyInputError(f"{w}: expected an object")
            _exact_keys(w, c, ("ballots_cast", "blank", "contest_id", "votes"))
            if not isinstance(c["votes"], list) or not isinstance(c["contest_id"], str):
                raise TallyInputError(f"{w}: contest_id must be a string and votes a list")
            votes = tuple(_int(f"{w}.votes[{k}]", v) for k, v in enumerate(c["votes"]))
            try:
                contests.append(ContestCounts(c["contest_id"], votes,
                                              _int(f"{w}.ballots_cast", c["ballots_cast"]),
                                              _int(f"{w}.blank", c["blank"])))
            except EvoteError as exc:
                raise TallyInputError(f"{w}: {exc}") from None
        officials = []
        for i, o in enumerate(obj["officials"]):
            w = f"{where}.officials[{i}]"
            if not isinstance(o, dict):
                raise TallyInputError(f"{w}: expected an object")
            _exact_keys(w, o, ("certificate", "public_key", "role", "signature"))
            if not isinstance(o["role"], str) or not o["role"]:
                raise TallyInputError(f"{w}.role: expected a non-empty string")
            officials.append(Official(o["role"], _hex(f"{w}.public_key", o["public_key"], 32),
                                      _hex(f"{w}.certificate", o["certificate"], 64),
                                      _hex(f"{w}.signature", o["signature"], 64)))
        return cls(_hex(f"{where}.manifest_hash", obj["manifest_hash"], 32), obj["station_id"],
                   _int(f"{where}.forms_issued", obj["forms_issued"]), tuple(contests),
                   tuple(officials), _int(f"{where}.spoiled_forms", obj["spoiled_forms"]))

    @classmethod
    def from_json_bytes(cls, data: bytes, where: str = "paper result") -> "PaperResult":
        try:
            obj = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise TallyInputError(f"{where}: not JSON ({exc})") from None
        return cls.from_json_obj(obj, where)


def verify_paper_results(manifest, results: Sequence[PaperResult],
                         min_officials: int = 1) -> None:
    """Verify each; refuse two results for one station."""
    seen = set()
    for r in results:
        if not isinstance(r, PaperResult):
            raise EvoteTypeError("paper results: expected PaperResult items")
        if r.station_id in seen:
            raise PaperResultError(f"{r.where}: a second paper result for the station")
        seen.add(r.station_id)
        r.verify(manifest, min_officials)
