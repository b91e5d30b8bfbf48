"""Station officials' signatures on what a station declares, the one scheme shared by the
paper results (paper.py) and the electronic stations' declarations (declaration.py).

The election authority (manifest.authority_key) certifies each official's Ed25519 key for
this election, this station and this role, with a structure of its own (an official's
key must never pass for a kiosk's):

    certificate = Ed25519_authority( digest("evote/v1/official-certificate",
                      manifest_hash, text(station_id), text(role), official public key) )

Each kind of declaration signs its own digest, under its own tag (specs/tally.md
section 5), so a signature made for one kind can never pass for another. In JSON an
official is {"role", "public_key", "certificate", "signature"} (hex).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import nacl.exceptions
import nacl.signing

from ..errors import EvoteError, EvoteTypeError
from ..hashing import digest, text
from .errors import TallyInputError
from .model import _exact_keys

CERT_TAG = "evote/v1/official-certificate"
_HEX = frozenset("0123456789abcdef")
_BAD_SIG = (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError,
            TypeError)


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
    """One official's signature of a declaration, with the authority's certificate."""
    role: str
    public_key: bytes   # Ed25519, 32 bytes
    certificate: bytes  # the authority's signature (64 bytes), see the module docstring
    signature: bytes    # this official's signature of the declaration (64 bytes)

    def to_json_obj(self) -> dict:
        return {"role": self.role, "public_key": self.public_key.hex(),
                "certificate": self.certificate.hex(), "signature": self.signature.hex()}


def parse_hex(where: str, value: Any, size: int) -> bytes:
    """`size` bytes from exactly 2*size lowercase hex digits; TallyInputError otherwise."""
    if not isinstance(value, str) or len(value) != 2 * size or not _HEX.issuperset(value):
        raise TallyInputError(f"{where}: expected {2 * size} lowercase hex digits")
    return bytes.fromhex(value)


def parse_count(where: str, value: Any) -> int:
    """A JSON integer >= 0 (not a bool); TallyInputError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TallyInputError(f"{where}: expected an integer >= 0")
    return value


def officials_from_json(where: str, value: Any) -> tuple:
    """The "officials" list of a declaration's JSON, strictly."""
    if not isinstance(value, list):
        raise TallyInputError(f"{where}.officials: expected a list")
    out = []
    for i, o in enumerate(value):
        w = f"{where}.officials[{i}]"
        if not isinstance(o, dict):
            raise TallyInputError(f"{w}: expected an object")
        _exact_keys(w, o, ("certificate", "public_key", "role", "signature"))
        if not isinstance(o["role"], str) or not o["role"]:
            raise TallyInputError(f"{w}.role: expected a non-empty string")
        out.append(Official(o["role"], parse_hex(f"{w}.public_key", o["public_key"], 32),
                            parse_hex(f"{w}.certificate", o["certificate"], 64),
                            parse_hex(f"{w}.signature", o["signature"], 64)))
    return tuple(out)


def sign_official(officials: tuple, signed_digest: bytes, role: str,
                  key: nacl.signing.SigningKey, certificate: bytes) -> tuple:
    """`officials` with one more: `key` (certified as `role`) signing `signed_digest`."""
    if not isinstance(key, nacl.signing.SigningKey):
        raise EvoteTypeError("key: expected a nacl.signing.SigningKey")
    if not isinstance(role, str) or not role:
        raise TallyInputError("role: expected a non-empty string")
    sig = key.sign(signed_digest).signature
    return officials + (Official(role, bytes(key.verify_key), bytes(certificate), sig),)


def check_station(manifest, where: str, manifest_hash: bytes, station_id: str, error):
    """The manifest's station `station_id`, if the declaration is for this manifest;
    raises `error` (an EvoteError class) otherwise."""
    if manifest_hash != manifest.hash():
        raise error(f"{where}: made for another manifest")
    try:
        return manifest.station(station_id)
    except (EvoteError, KeyError):
        raise error(f"{where}: station is not in the manifest") from None


def missing_roles(officials: Sequence[Official], required_roles) -> list:
    """The required roles no official in `officials` signs under (sorted)."""
    have = {o.role for o in officials}
    return sorted(r for r in required_roles if r not in have)


def verify_officials(manifest, where: str, manifest_hash: bytes, station_id: str,
                     officials: Sequence[Official], signed_digest: bytes, min_officials: int,
                     what: str, error, required_roles=()) -> None:
    """At least min_officials distinct officials (each key and role once), one signing
    under each of `required_roles` (the manifest's signing_roles.station for a complete
    form), each certified by the manifest's authority for this station and role, each
    signing signed_digest. Raises `error` naming `where` and the official or the missing
    role; `what` names the signed object."""
    if len(officials) < min_officials:
        raise error(f"{where}: {len(officials)} official signature(s), "
                    f"{min_officials} required")
    if len({o.public_key for o in officials}) != len(officials) or \
            len({o.role for o in officials}) != len(officials):
        raise error(f"{where}: an official key or role signs twice")
    try:
        authority = nacl.signing.VerifyKey(manifest.authority_key)
    except _BAD_SIG:
        raise error(f"{where}: the manifest's authority key is not an Ed25519 key") from None
    for i, o in enumerate(officials):
        who = f"{where}: official {i} ({o.role!r}, key {o.public_key.hex()[:16]}...)"
        try:
            authority.verify(official_certificate_digest(
                manifest_hash, station_id, o.role, o.public_key), o.certificate)
        except _BAD_SIG:
            raise error(f"{who}: not certified by the election authority for this station "
                        "and role") from None
        try:
            nacl.signing.VerifyKey(o.public_key).verify(signed_digest, o.signature)
        except _BAD_SIG:
            raise error(f"{who}: signature of the {what} does not verify") from None
    missing = missing_roles(officials, required_roles)
    if missing:
        raise error(f"{where}: not signed by the required role(s) {', '.join(missing)} "
                    f"(the manifest's signing_roles.station: "
                    f"{', '.join(required_roles)}; signed by: "
                    f"{', '.join(o.role for o in officials) or 'nobody'})")
