"""The election package (`evote-election-package/1`, specs/election.md section 4): what
kiosks install and what the record is pinned to. Fixed before the polls open.

    {"version": "evote-election-package/1",
     "manifest": <the manifest's JSON object>, "context": <the context's JSON object>,
     "stations": [{"station_id", "mode": "electronic" | "paper",
                   "kiosks": [{"kiosk_id", "certificate": hex}],             # kiosk id order
                   "officials": [{"role", "public_key": hex32, "certificate": hex64}]}],
                                                                 # (role, key) order
     "authority_signature": hex64}

body = the object without "authority_signature";
package_hash = H("evote/v1/election-package"; canonical_bytes(body));
authority_signature = Ed25519 by the manifest's authority key of package_hash.

Invariants of a loaded ElectionPackage (verify() establishes them; load_package calls it):
every station of the manifest appears once, in manifest order, and no other; an
electronic station has at least one kiosk and a paper station none; every kiosk
certificate is the authority's, for this manifest, station and kiosk id, kiosk ids unique
in the whole package, kiosk keys unique; every official certificate is the authority's for
this manifest, station and role; the context is for this manifest.
"""
from __future__ import annotations

from functools import cached_property, partial
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.signing

from ..ballotbox.identity import KioskCertificate
from ..canonical_json import canonical_json_bytes
from ..errors import EvoteError
from ..hashing import digest
from ..manifest import Manifest
from ..protocol.context import ElectionContext
from ..tally.officials import official_certificate_digest
from .files import read_json_input
from .json_fields import exact_fields, hex_field, text_field

VERSION = "evote-election-package/1"
HASH_TAG = "evote/v1/election-package"
MODES = ("electronic", "paper")
MAX_PACKAGE_BYTES = 256 * 1024 * 1024


class PackageError(EvoteError):
    """An election package that is malformed or does not verify (names the field)."""


_keys = partial(exact_fields, error=PackageError)
_hex = partial(hex_field, error=PackageError)
_str = partial(text_field, error=PackageError)


@dataclass(frozen=True)
class KioskEntry:
    kiosk_id: str
    certificate: KioskCertificate

    def to_json_obj(self) -> dict:
        return {"kiosk_id": self.kiosk_id, "certificate": self.certificate.to_bytes().hex()}


@dataclass(frozen=True)
class OfficialEntry:
    role: str
    public_key: bytes
    certificate: bytes

    def to_json_obj(self) -> dict:
        return {"role": self.role, "public_key": self.public_key.hex(),
                "certificate": self.certificate.hex()}


@dataclass(frozen=True)
class StationPlan:
    station_id: str
    mode: str
    kiosks: tuple      # KioskEntry, by kiosk id
    officials: tuple   # OfficialEntry, by (role, public key)

    def to_json_obj(self) -> dict:
        return {"station_id": self.station_id, "mode": self.mode,
                "kiosks": [k.to_json_obj() for k in self.kiosks],
                "officials": [o.to_json_obj() for o in self.officials]}

    def kiosk(self, kiosk_id: str):
        return next((k for k in self.kiosks if k.kiosk_id == kiosk_id), None)


@dataclass(frozen=True)
class ElectionPackage:
    manifest: Manifest
    context: ElectionContext
    stations: tuple            # StationPlan, manifest station order
    authority_signature: bytes

    def body_obj(self) -> dict:
        return {"version": VERSION, "manifest": self.manifest.to_json_obj(),
                "context": self.context.to_json_obj(),
                "stations": [s.to_json_obj() for s in self.stations]}

    def hash(self) -> bytes:
        return package_hash(self.body_obj())

    def to_json_obj(self) -> dict:
        return dict(self.body_obj(), authority_signature=self.authority_signature.hex())

    def to_bytes(self) -> bytes:
        return canonical_json_bytes(self.to_json_obj())

    @cached_property
    def _plans_by_id(self) -> dict:
        """station id -> StationPlan, built once (a package lists every station of the
        election, tens of thousands: a scan per lookup made the verifier quadratic)."""
        return {s.station_id: s for s in self.stations}

    def find_station(self, station_id: str) -> StationPlan | None:
        """The station's plan, or None when the package does not list it."""
        return self._plans_by_id.get(station_id)

    def station(self, station_id: str) -> StationPlan:
        plan = self.find_station(station_id)
        if plan is None:
            raise PackageError(f"station {station_id!r} is not in the election package")
        return plan

    def kiosk_certificates(self) -> dict:
        """kiosk certificate bytes -> (station id, kiosk id), for every kiosk listed."""
        return {k.certificate.to_bytes(): (s.station_id, k.kiosk_id)
                for s in self.stations for k in s.kiosks}

    def verify(self) -> None:
        """Raise PackageError unless every invariant of the module docstring holds."""
        m, mh = self.manifest, self.manifest.hash()
        if self.context.manifest_hash != mh:
            raise PackageError("context: made for another manifest (manifest_hash "
                               f"{self.context.manifest_hash.hex()[:16]}...)")
        try:  # every guardian's acknowledgement and lot contribution (key-ceremony.md 12)
            self.context.require_acknowledgements()
            self.context.require_ceremony_commitments()
        except EvoteError as exc:
            raise PackageError(f"context: {exc}") from None
        want = [s.station_id for s in m.stations]
        have = [s.station_id for s in self.stations]
        if have != want:
            missing = [x for x in want if x not in have]
            extra = [x for x in have if x not in want]
            detail = (f"station {missing[0]!r} of the manifest is missing" if missing else
                      f"station {extra[0]!r} is not in the manifest" if extra else
                      "not every station once, in manifest order")
            raise PackageError(f"stations: {detail}")
        try:
            authority = nacl.signing.VerifyKey(m.authority_key)
            authority.verify(self.hash(), self.authority_signature)
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError):
            raise PackageError("authority_signature: not the manifest authority's signature "
                               "of this package") from None
        kiosk_ids, kiosk_keys = set(), set()
        for i, s in enumerate(self.stations):
            where = f"stations[{i}] ({s.station_id})"
            if s.mode not in MODES:
                raise PackageError(f"{where}.mode: {s.mode!r} is not one of {MODES}")
            if (s.mode == "electronic") != bool(s.kiosks):
                raise PackageError(f"{where}: a {s.mode} station must have "
                                   f"{'at least one kiosk' if s.mode == 'electronic' else 'no kiosk'}")
            if [k.kiosk_id for k in s.kiosks] != sorted(k.kiosk_id for k in s.kiosks):
                raise PackageError(f"{where}.kiosks: not sorted by kiosk id")
            for j, k in enumerate(s.kiosks):
                kw = f"{where}.kiosks[{j}] ({k.kiosk_id})"
                if k.kiosk_id in kiosk_ids:
                    raise PackageError(f"{kw}: kiosk id listed twice in the package")
                if k.certificate.kiosk_key in kiosk_keys:
                    raise PackageError(f"{kw}: kiosk key certified for another kiosk too")
                kiosk_ids.add(k.kiosk_id)
                kiosk_keys.add(k.certificate.kiosk_key)
                try:
                    k.certificate.verify(m.authority_key, election_hash=mh,
                                         station_id=s.station_id, kiosk_id=k.kiosk_id)
                except EvoteError as exc:
                    raise PackageError(f"{kw}.certificate: {exc}") from None
            order = [(o.role, o.public_key) for o in s.officials]
            if order != sorted(set(order)):
                raise PackageError(f"{where}.officials: not sorted by (role, key) or repeated")
            for j, o in enumerate(s.officials):
                try:
                    authority.verify(official_certificate_digest(mh, s.station_id, o.role,
                                                                 o.public_key), o.certificate)
                except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError,
                        ValueError):
                    raise PackageError(f"{where}.officials[{j}] ({o.role}): certificate not "
                                       "the authority's for this station and role") from None

    @classmethod
    def from_json_obj(cls, obj: Any) -> "ElectionPackage":
        """Parse (strictly; not yet verified: call verify())."""
        obj = _keys("package", obj, ("authority_signature", "context", "manifest", "stations",
                                     "version"))
        if obj["version"] != VERSION:
            raise PackageError(f"version: {obj['version']!r} is not {VERSION!r}")
        try:
            manifest = Manifest.from_json_obj(obj["manifest"])
        except EvoteError as exc:
            raise PackageError(f"manifest: {exc}") from None
        try:
            context = ElectionContext.from_json_obj(obj["context"])
        except EvoteError as exc:
            raise PackageError(f"context: {exc}") from None
        if not isinstance(obj["stations"], list):
            raise PackageError("stations: expected a list")
        stations = []
        for i, s in enumerate(obj["stations"]):
            where = f"stations[{i}]"
            s = _keys(where, s, ("kiosks", "mode", "officials", "station_id"))
            sid = _str(f"{where}.station_id", s["station_id"])
            mode = _str(f"{where}.mode", s["mode"])
            if not isinstance(s["kiosks"], list) or not isinstance(s["officials"], list):
                raise PackageError(f"{where}: kiosks and officials must be lists")
            kiosks = []
            for j, k in enumerate(s["kiosks"]):
                kw = f"{where}.kiosks[{j}]"
                k = _keys(kw, k, ("certificate", "kiosk_id"))
                try:
                    cert = KioskCertificate.from_bytes(_hex(f"{kw}.certificate",
                                                            k["certificate"]))
                except EvoteError as exc:
                    raise PackageError(f"{kw}.certificate: {exc}") from None
                kiosks.append(KioskEntry(_str(f"{kw}.kiosk_id", k["kiosk_id"]), cert))
            officials = []
            for j, o in enumerate(s["officials"]):
                ow = f"{where}.officials[{j}]"
                o = _keys(ow, o, ("certificate", "public_key", "role"))
                officials.append(OfficialEntry(_str(f"{ow}.role", o["role"]),
                                               _hex(f"{ow}.public_key", o["public_key"], 32),
                                               _hex(f"{ow}.certificate", o["certificate"], 64)))
            stations.append(StationPlan(sid, mode, tuple(kiosks), tuple(officials)))
        return cls(manifest, context, tuple(stations),
                   _hex("authority_signature", obj["authority_signature"], 64))


def package_hash(body_obj: dict) -> bytes:
    return digest(HASH_TAG, canonical_json_bytes(body_obj))


def parse_package_bytes(data: bytes, what: str = "election package") -> ElectionPackage:
    """A verified package from the bytes of a package file (canonical JSON required)."""
    from ..errors import RecordError
    from ..record.jsonio import parse_json_bytes
    try:
        obj = parse_json_bytes(data, what)
    except RecordError as exc:
        raise PackageError(str(exc)) from None
    return package_from_obj(obj, data, what)


def package_from_obj(obj, data: bytes, what: str = "election package") -> ElectionPackage:
    """A verified package from a package file's parsed JSON `obj` and its bytes `data`
    (for the canonical-form check): for callers that have parsed the file already."""
    try:
        pkg = ElectionPackage.from_json_obj(obj)
    except PackageError as exc:
        raise PackageError(f"{what}: {exc}") from None
    if canonical_json_bytes(obj) != data:
        raise PackageError(f"{what}: not in canonical form (was it edited?)")
    try:
        pkg.verify()
    except PackageError as exc:
        raise PackageError(f"{what}: {exc}") from None
    return pkg


def load_package(path) -> ElectionPackage:
    """Read and verify a package file; PackageError/StepFileError name the file and field."""
    obj, data = read_json_input(path, "election package", MAX_PACKAGE_BYTES)
    return package_from_obj(obj, data, f"election package {path}")


def parse_package_hash(text: str) -> bytes:
    """The 32-byte hash from its 64 hex digits (as announced)."""
    value = text.strip().lower() if isinstance(text, str) else text
    return _hex("package hash", value, 32)
