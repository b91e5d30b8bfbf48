"""Declared results of a station that fell back to paper (specs/record.md section 5).

A paper result states, per contest of the station's ballot style, the hand-counted votes
per candidate (candidate order), ballots cast and blank ballots, and the number of
ballot forms issued. It is signed by the station's officials; each official's Ed25519
key is certified by the election authority (the key in the manifest) for this election,
this station and this role:

    official certificate = Ed25519_authority( digest("evote/v1/official-certificate",
                             manifest_hash, station id, role, official public key) )
    signature            = Ed25519_official( digest("evote/v1/paper-result",
                             canonical JSON of the result without "officials") )

PaperResult.verify(authority_key) raises RecordError naming the station and official.
"""
from dataclasses import dataclass, replace
from typing import Tuple

import nacl.exceptions
import nacl.signing

from ..errors import EvoteError, RecordError
from ..hashing import digest, text
from ..results.model import ContestCounts
from .fields import Obj, as_int
from .jsonio import canonical_bytes

PAPER_VERSION = "evote-paper-result/1"
CERT_TAG = "evote/v1/official-certificate"
SIGN_TAG = "evote/v1/paper-result"


def official_certificate_digest(manifest_hash: bytes, station_id: str, role: str,
                                public_key: bytes) -> bytes:
    return digest(CERT_TAG, manifest_hash, text(station_id), text(role), public_key)


def certify_official(authority: nacl.signing.SigningKey, manifest_hash: bytes,
                     station_id: str, role: str, public_key: bytes) -> bytes:
    """The authority's 64-byte certificate signature for one official of one station."""
    return authority.sign(official_certificate_digest(manifest_hash, station_id, role,
                                                      public_key)).signature


@dataclass(frozen=True)
class Official:
    role: str
    public_key: bytes      # 32 bytes, Ed25519
    certificate: bytes     # 64 bytes, the authority's signature (see module docstring)
    signature: bytes       # 64 bytes, this official's signature of the result

    def to_json_obj(self) -> dict:
        return {"role": self.role, "public_key": self.public_key.hex(),
                "certificate": self.certificate.hex(), "signature": self.signature.hex()}


@dataclass(frozen=True)
class PaperResult:
    manifest_hash: bytes
    station_id: str
    forms_issued: int
    contests: Tuple[ContestCounts, ...]     # the station style's contests, in style order
    officials: Tuple[Official, ...] = ()

    def body_obj(self) -> dict:
        return {"version": PAPER_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "station_id": self.station_id, "forms_issued": self.forms_issued,
                "contests": [{"contest_id": c.contest_id, "votes": list(c.votes),
                              "ballots_cast": c.ballots_cast, "blank": c.blank}
                             for c in self.contests]}

    def signed_digest(self) -> bytes:
        return digest(SIGN_TAG, canonical_bytes(self.body_obj()))

    def to_json_obj(self) -> dict:
        return dict(self.body_obj(), officials=[o.to_json_obj() for o in self.officials])

    def signed_by(self, officials) -> "PaperResult":
        """This result signed by officials: iterable of (role, SigningKey, certificate)."""
        d = self.signed_digest()
        return replace(self, officials=tuple(
            Official(role, bytes(sk.verify_key), cert, sk.sign(d).signature)
            for role, sk, cert in officials))

    @classmethod
    def from_json_obj(cls, value, where: str) -> "PaperResult":
        o = Obj(value, where + " $", ("version", "manifest_hash", "station_id", "forms_issued",
                                     "contests", "officials"))
        if o.get("version") != PAPER_VERSION:
            raise RecordError(f"{o.at('version')}: {o.get('version')!r} is not {PAPER_VERSION!r}")
        contests = []
        for c in o.objs("contests", ("contest_id", "votes", "ballots_cast", "blank")):
            votes = tuple(as_int(v, f"{c.at('votes')}[{i}]") for i, v in enumerate(c.list("votes")))
            try:
                contests.append(ContestCounts(c.str("contest_id", 255), votes,
                                              c.int("ballots_cast"), c.int("blank")))
            except EvoteError as exc:
                raise RecordError(f"{c.where}: {exc}") from None
        officials = tuple(Official(x.str("role", 64), x.hex("public_key", 32),
                                   x.hex("certificate", 64), x.hex("signature", 64))
                          for x in o.objs("officials", ("role", "public_key", "certificate",
                                                        "signature")))
        return cls(o.hex("manifest_hash", 32), o.str("station_id", 64), o.int("forms_issued"),
                   tuple(contests), officials)

    def verify(self, authority_key: bytes) -> None:
        """Every official certified by `authority_key` for this station and signed this
        result; at least one official; no key twice. Raises RecordError."""
        where = f"paper result of station {self.station_id!r}"
        if not self.officials:
            raise RecordError(f"{where}: signed by no official")
        if len({o.public_key for o in self.officials}) != len(self.officials):
            raise RecordError(f"{where}: an official key signs twice")
        d = self.signed_digest()
        try:
            authority = nacl.signing.VerifyKey(authority_key)
        except (nacl.exceptions.CryptoError, ValueError, TypeError):
            raise RecordError(f"{where}: the manifest's authority key is not an Ed25519 key") \
                from None
        for i, o in enumerate(self.officials):
            who = f"{where}: official {i} ({o.role!r})"
            try:
                authority.verify(official_certificate_digest(self.manifest_hash, self.station_id,
                                                             o.role, o.public_key), o.certificate)
            except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
                raise RecordError(f"{who}: not certified by the election authority for this "
                                  "station and role") from None
            try:
                nacl.signing.VerifyKey(o.public_key).verify(d, o.signature)
            except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError,
                    ValueError, TypeError):
                raise RecordError(f"{who}: signature of the declared result does not verify") \
                    from None
