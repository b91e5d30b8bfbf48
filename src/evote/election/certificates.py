"""Certificate files (specs/election.md section 3): what the authority hands back to a
kiosk or an official after certifying its key.

    kiosk:    {"version": "evote-kiosk-certificate/1", "station_id", "kiosk_id",
               "certificate": hex of the KioskCertificate bytes (specs/ballot-box.md 2)}
    official: {"version": "evote-official-certificate/1", "manifest_hash": hex32,
               "station_id", "role", "public_key": hex32, "certificate": hex64}

Loading parses and checks the fields (a kiosk file's ids must be the certificate's own);
it does not trust the file: callers verify the certificate against the authority key of
the manifest (KioskCertificate.verify, OfficialCredential.verify).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import nacl.exceptions
import nacl.signing

from ..ballotbox.identity import KioskCertificate
from ..errors import EvoteError
from ..tally.officials import official_certificate_digest
from .files import read_json_input, write_new_json
from .json_fields import exact_fields, hex_field, text_field

KIOSK_VERSION = "evote-kiosk-certificate/1"
OFFICIAL_VERSION = "evote-official-certificate/1"


class CertificateFileError(EvoteError):
    """A certificate file that is malformed, or a certificate that does not verify."""


_fields = partial(exact_fields, error=CertificateFileError)
_hex = partial(hex_field, error=CertificateFileError)
_text = partial(text_field, error=CertificateFileError)


def _version(where: str, obj, want: str) -> None:
    if obj.get("version") != want:
        raise CertificateFileError(f"{where}.version: {obj.get('version')!r} is not {want!r}")


# ---- kiosks --------------------------------------------------------------------------

def write_kiosk_certificate_file(path, cert: KioskCertificate, *, inputs=()) -> str:
    if not isinstance(cert, KioskCertificate):
        raise CertificateFileError("cert: expected a KioskCertificate")
    return write_new_json(path, {"version": KIOSK_VERSION, "station_id": cert.station_id,
                                 "kiosk_id": cert.kiosk_id,
                                 "certificate": cert.to_bytes().hex()},
                          "kiosk certificate file", inputs=inputs)


def load_kiosk_certificate_file(path) -> KioskCertificate:
    obj, _ = read_json_input(path, "kiosk certificate file", 1 << 16)
    where = f"kiosk certificate file {path}"
    obj = _fields(where, obj, ("certificate", "kiosk_id", "station_id", "version"))
    _version(where, obj, KIOSK_VERSION)
    try:
        cert = KioskCertificate.from_bytes(_hex(f"{where}.certificate", obj["certificate"]))
    except CertificateFileError:
        raise
    except EvoteError as exc:
        raise CertificateFileError(f"{where}.certificate: {exc}") from None
    for key, have in (("station_id", cert.station_id), ("kiosk_id", cert.kiosk_id)):
        if _text(f"{where}.{key}", obj[key]) != have:
            raise CertificateFileError(f"{where}.{key}: {obj[key]!r}, but the certificate "
                                       f"says {have!r}")
    return cert


# ---- officials -----------------------------------------------------------------------

@dataclass(frozen=True)
class OfficialCredential:
    """The authority's certificate of one official's key for one station and role."""
    manifest_hash: bytes
    station_id: str
    role: str
    public_key: bytes
    certificate: bytes

    def to_json_obj(self) -> dict:
        return {"version": OFFICIAL_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "station_id": self.station_id, "role": self.role,
                "public_key": self.public_key.hex(), "certificate": self.certificate.hex()}

    def verify(self, authority_key: bytes) -> None:
        """CertificateFileError unless `authority_key` certified this key, station, role."""
        try:
            nacl.signing.VerifyKey(bytes(authority_key)).verify(
                official_certificate_digest(self.manifest_hash, self.station_id, self.role,
                                            self.public_key), self.certificate)
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError,
                TypeError):
            raise CertificateFileError(
                f"official certificate ({self.role!r} at station {self.station_id!r}): not "
                "signed by the election authority for this election, station and role") from None


def write_official_certificate_file(path, cred: OfficialCredential, *, inputs=()) -> str:
    if not isinstance(cred, OfficialCredential):
        raise CertificateFileError("cred: expected an OfficialCredential")
    return write_new_json(path, cred.to_json_obj(), "official certificate file",
                          inputs=inputs)


def load_official_certificate_file(path) -> OfficialCredential:
    obj, _ = read_json_input(path, "official certificate file", 1 << 16)
    where = f"official certificate file {path}"
    obj = _fields(where, obj, ("certificate", "manifest_hash", "public_key", "role",
                               "station_id", "version"))
    _version(where, obj, OFFICIAL_VERSION)
    return OfficialCredential(_hex(f"{where}.manifest_hash", obj["manifest_hash"], 32),
                              _text(f"{where}.station_id", obj["station_id"]),
                              _text(f"{where}.role", obj["role"]),
                              _hex(f"{where}.public_key", obj["public_key"], 32),
                              _hex(f"{where}.certificate", obj["certificate"], 64))
