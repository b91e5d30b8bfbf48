"""Kiosk identity: labels, the authority-signed kiosk certificate, and signing keys.

Certificate (specs/ballot-box.md section 2): a small signed structure, not X.509.

    offset  size  field
    0       4     magic "EVKC"
    4       1     version (1)
    5       32    election hash
    37      32    authority public key (Ed25519) that signed this certificate
    69      32    kiosk public key (Ed25519)
    101     2+s   station id: u16 big-endian length s, then s bytes of UTF-8
    ...     2+k   kiosk id: u16 length k, then k bytes of UTF-8
    ...     64    authority signature of digest("evote/v1/kiosk-certificate", all bytes above)

A KioskCertificate object is the parsed structure (any well-formed bytes); verify()
checks the signature and bindings and raises CertificateError, never returns False.
"""
import dataclasses
import unicodedata
from dataclasses import dataclass

import nacl.exceptions
import nacl.signing

from ..errors import EvoteTypeError, EvoteValueError
from ..hashing import digest
from .problems import CertificateError

CERT_MAGIC = b"EVKC"
CERT_VERSION = 1
CERT_TAG = "evote/v1/kiosk-certificate"
MAX_LABEL_BYTES = 64


def check_bytes32(name: str, value) -> bytes:
    """`value` as 32 bytes, or EvoteTypeError/EvoteValueError naming `name`."""
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise EvoteTypeError(f"{name}: expected 32 bytes, got {type(value).__name__}")
    value = bytes(value)
    if len(value) != 32:
        raise EvoteValueError(f"{name}: expected 32 bytes, got {len(value)}")
    return value


def check_label(name: str, value) -> str:
    """A kiosk or station id: NFC text, 1..64 UTF-8 bytes, printable (no control or
    format characters), so it prints unambiguously in a report."""
    if not isinstance(value, str):
        raise EvoteTypeError(f"{name}: expected str, got {type(value).__name__}")
    if unicodedata.normalize("NFC", value) != value:
        raise EvoteValueError(f"{name} {value!r} is not in Unicode NFC form")
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EvoteValueError(f"{name} {value!r} is not valid Unicode text") from exc
    if not 1 <= len(raw) <= MAX_LABEL_BYTES:
        raise EvoteValueError(f"{name} {value!r} must be 1..{MAX_LABEL_BYTES} UTF-8 bytes, "
                              f"is {len(raw)}")
    if not value.isprintable() or value != value.strip():
        raise EvoteValueError(f"{name} {value!r} has control characters or outer spaces")
    return value


def encode_label(value: str) -> bytes:
    raw = value.encode("utf-8")
    return len(raw).to_bytes(2, "big") + raw


def decode_label(name: str, data: bytes, pos: int, error) -> tuple[str, int]:
    """Read a u16-prefixed label at `pos`; `error(check, detail)` builds the exception."""
    if pos + 2 > len(data):
        raise error(name, "ends before the length of " + name)
    n = int.from_bytes(data[pos:pos + 2], "big")
    end = pos + 2 + n
    if end > len(data):
        raise error(name, f"{name} length {n} runs past the end")
    try:
        value = data[pos + 2:end].decode("utf-8")
        check_label(name, value)
    except (UnicodeDecodeError, EvoteValueError) as exc:
        raise error(name, f"{name} is not a valid label: {exc}") from None
    return value, end


def verify_key_of(public_key: bytes, name: str) -> nacl.signing.VerifyKey:
    public_key = check_bytes32(name, public_key)
    try:
        return nacl.signing.VerifyKey(public_key)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise EvoteValueError(f"{name}: not an Ed25519 public key") from exc


@dataclass(frozen=True)
class KioskCertificate:
    """The authority's statement: this kiosk key belongs to this kiosk at this station
    for this election. Parsed, not yet trusted: call verify()."""
    election_hash: bytes
    authority_key: bytes
    kiosk_key: bytes
    station_id: str
    kiosk_id: str
    signature: bytes

    def signed_part(self) -> bytes:
        return b"".join((CERT_MAGIC, bytes([CERT_VERSION]), self.election_hash,
                         self.authority_key, self.kiosk_key, encode_label(self.station_id),
                         encode_label(self.kiosk_id)))

    def to_bytes(self) -> bytes:
        return self.signed_part() + self.signature

    @classmethod
    def from_bytes(cls, data) -> "KioskCertificate":
        """Parse a certificate; CertificateError names the malformed field."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise EvoteTypeError(f"certificate: expected bytes, got {type(data).__name__}")
        data = bytes(data)

        def error(check, detail):
            return CertificateError("certificate", f"{check}: {detail}")
        if len(data) < 101 + 4 + 64 or data[:4] != CERT_MAGIC:
            raise error("magic", "not a kiosk certificate (magic or size)")
        if data[4] != CERT_VERSION:
            raise error("version", f"certificate version {data[4]} is not {CERT_VERSION}")
        station, pos = decode_label("station id", data, 101, error)
        kiosk, pos = decode_label("kiosk id", data, pos, error)
        if len(data) != pos + 64:
            raise error("length", f"{len(data) - pos} bytes after the kiosk id, expected 64")
        return cls(election_hash=data[5:37], authority_key=data[37:69], kiosk_key=data[69:101],
                   station_id=station, kiosk_id=kiosk, signature=data[pos:])

    def verify(self, authority_key: bytes, *, election_hash=None, station_id=None,
               kiosk_id=None) -> None:
        """Raise CertificateError unless `authority_key` signed this certificate and the
        given bindings (those not None) match."""
        authority_key = check_bytes32("authority_key", authority_key)
        if self.authority_key != authority_key:
            raise CertificateError("certificate", "issued by another authority key "
                                   f"({self.authority_key.hex()[:16]}...)", kiosk_id=self.kiosk_id)
        try:
            verify_key_of(authority_key, "authority_key").verify(
                digest(CERT_TAG, self.signed_part()), self.signature)
        except nacl.exceptions.BadSignatureError:
            raise CertificateError("certificate", "authority signature does not verify",
                                   kiosk_id=self.kiosk_id) from None
        for what, want, have in (("election hash", election_hash, self.election_hash),
                                 ("station id", station_id, self.station_id),
                                 ("kiosk id", kiosk_id, self.kiosk_id)):
            if want is not None and want != have:
                shown = have.hex() if isinstance(have, bytes) else repr(have)
                raise CertificateError("certificate", f"certifies {what} {shown}, expected "
                                       f"{want.hex() if isinstance(want, bytes) else repr(want)}",
                                       kiosk_id=self.kiosk_id)


def issue_certificate(authority: nacl.signing.SigningKey, *, election_hash: bytes,
                      station_id: str, kiosk_id: str, kiosk_key: bytes) -> KioskCertificate:
    """The authority certifies `kiosk_key` (32-byte Ed25519 public key) for one kiosk at
    one station of one election."""
    if not isinstance(authority, nacl.signing.SigningKey):
        raise EvoteTypeError("authority: expected a nacl.signing.SigningKey")
    cert = KioskCertificate(election_hash=check_bytes32("election_hash", election_hash),
                            authority_key=bytes(authority.verify_key),
                            kiosk_key=bytes(verify_key_of(kiosk_key, "kiosk_key")),
                            station_id=check_label("station_id", station_id),
                            kiosk_id=check_label("kiosk_id", kiosk_id), signature=bytes(64))
    sig = authority.sign(digest(CERT_TAG, cert.signed_part())).signature
    return dataclasses.replace(cert, signature=sig)
