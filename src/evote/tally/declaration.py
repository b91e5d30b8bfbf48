"""An electronic station's declaration of the forms it issued, signed by its officials.

Forms issued = the voters the station's staff authorized to vote = the ballots that should
have been cast in the station's boxes (a challenged ballot is re-done on the same
authorization, so it adds no form). The kiosks sign what they hold; only the officials
can say how many voters they served, so a kiosk that cast more ballots than that
(ballot stuffing) shows as forms issued != CAST ballots (reconcile.py, verifier V16).

Officials sign it with the paper results' certificate scheme (officials.py: keys the
election authority certified for this election, station and role), under a tag of its
own, so a declaration's signature never passes for a paper result's, nor the reverse:

    signature = Ed25519_official( digest("evote/v1/station-declaration", body) )
    body      = canonical JSON (evote.canonical_json) of
                {"version": "evote-station-declaration/1", "manifest_hash",
                 "station_id", "forms_issued"}

The JSON form is the body plus "officials": [{"role", "public_key", "certificate",
"signature"}] (hex). specs/tally.md section 5.2 states it byte for byte. verify() raises
StationDeclarationError naming the station and the official; it never returns False.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Sequence

import nacl.signing

from ..canonical_json import canonical_json_bytes
from ..errors import EvoteTypeError, InvalidSignature
from ..hashing import digest
from .errors import TallyInputError
from .model import _exact_keys
from .officials import (Official, check_station, officials_from_json, parse_count,
                        parse_hex, sign_official, verify_officials)

DECLARATION_VERSION = "evote-station-declaration/1"
DECLARATION_TAG = "evote/v1/station-declaration"
MAX_FORMS = (1 << 63) - 1
_KEYS = ("forms_issued", "manifest_hash", "officials", "station_id", "version")


class StationDeclarationError(InvalidSignature):
    """A station declaration is not signed as required or does not fit the manifest."""


def _forms(where: str, value: Any) -> int:
    n = parse_count(where, value)
    if n > MAX_FORMS:
        raise TallyInputError(f"{where}: {n} is more than {MAX_FORMS}")
    return n


@dataclass(frozen=True)
class StationDeclaration:
    manifest_hash: bytes
    station_id: str
    forms_issued: int        # voters authorized to vote at the station
    officials: tuple = ()    # Official signatures

    def __post_init__(self):
        if not isinstance(self.manifest_hash, bytes) or len(self.manifest_hash) != 32:
            raise TallyInputError("StationDeclaration.manifest_hash: expected 32 bytes")
        if not isinstance(self.station_id, str) or not self.station_id:
            raise TallyInputError("StationDeclaration.station_id: expected a non-empty string")
        _forms(f"{self.where}: forms_issued", self.forms_issued)
        object.__setattr__(self, "officials", tuple(self.officials))
        for o in self.officials:
            if not isinstance(o, Official):
                raise EvoteTypeError("StationDeclaration.officials: expected Official items")

    @property
    def where(self) -> str:
        return f"declaration of station {self.station_id!r}"

    def body_obj(self) -> dict:
        return {"version": DECLARATION_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "station_id": self.station_id, "forms_issued": self.forms_issued}

    def signed_digest(self) -> bytes:
        return digest(DECLARATION_TAG, canonical_json_bytes(self.body_obj()))

    def sign(self, role: str, key: nacl.signing.SigningKey,
             certificate: bytes) -> "StationDeclaration":
        """This declaration with one more official's signature."""
        return replace(self, officials=sign_official(self.officials, self.signed_digest(),
                                                     role, key, certificate))

    def verify(self, manifest, min_officials: int = 1, complete: bool = True) -> None:
        """For this manifest and one of its stations, signed by at least min_officials
        distinct officials (each key and role once), each certified by the authority for
        this station and role, and (complete) one under each of the manifest's
        signing_roles.station. Raises StationDeclarationError. Whether the station is an
        electronic one, and the count itself, are the reconciliation's (reconcile.py)."""
        check_station(manifest, self.where, self.manifest_hash, self.station_id,
                      StationDeclarationError)
        verify_officials(manifest, self.where, self.manifest_hash, self.station_id,
                         self.officials, self.signed_digest(), min_officials, "declaration",
                         StationDeclarationError,
                         manifest.signing_roles.station if complete else ())

    def to_json_obj(self) -> dict:
        return dict(self.body_obj(), officials=[o.to_json_obj() for o in self.officials])

    def to_json_bytes(self) -> bytes:
        return canonical_json_bytes(self.to_json_obj())

    @classmethod
    def from_json_obj(cls, obj: Any, where: str = "station declaration") -> "StationDeclaration":
        """Strict: exactly the five keys, the version, a non-empty station id, 64 hex
        digits of manifest hash, forms_issued an integer >= 0; TallyInputError naming
        `where`, the station and the field otherwise."""
        if not isinstance(obj, dict):
            raise TallyInputError(f"{where}: expected an object")
        _exact_keys(where, obj, _KEYS)
        if obj["version"] != DECLARATION_VERSION:
            raise TallyInputError(f"{where}.version: {obj['version']!r} is not "
                                  f"{DECLARATION_VERSION!r}")
        if not isinstance(obj["station_id"], str) or not obj["station_id"]:
            raise TallyInputError(f"{where}.station_id: expected a non-empty string")
        where = f"{where} of station {obj['station_id']!r}"
        return cls(parse_hex(f"{where}.manifest_hash", obj["manifest_hash"], 32),
                   obj["station_id"], _forms(f"{where}.forms_issued", obj["forms_issued"]),
                   officials_from_json(where, obj["officials"]))

    @classmethod
    def from_json_bytes(cls, data: bytes,
                        where: str = "station declaration") -> "StationDeclaration":
        try:
            obj = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise TallyInputError(f"{where}: not JSON ({exc})") from None
        return cls.from_json_obj(obj, where)


def declared_forms(manifest, declarations: Sequence[StationDeclaration],
                   min_officials: int = 1) -> dict:  # complete declarations only
    """station id -> forms issued, for reconcile_stations(forms_issued=...), after
    verifying each declaration; refuses two for one station (StationDeclarationError)."""
    out = {}
    for d in declarations:
        if not isinstance(d, StationDeclaration):
            raise EvoteTypeError("declarations: expected StationDeclaration items")
        if d.station_id in out:
            raise StationDeclarationError(f"{d.where}: a second declaration for the station")
        d.verify(manifest, min_officials)
        out[d.station_id] = d.forms_issued
    return out
