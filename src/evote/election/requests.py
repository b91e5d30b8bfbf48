"""Certificate requests (specs/election.md section 3): a kiosk operator or an official
makes a key and asks the election authority to certify it.

    {"version": "evote-certificate-request/1", "kind": "kiosk" | "official",
     "manifest_hash": hex32, "station_id": id, "name": kiosk id | role,
     "public_key": hex32, "signature": hex64}

signature = Ed25519 by the requesting key of
H("evote/v1/certificate-request"; canonical_bytes(body)), body = the object without
"signature": a parsed request has proved possession of its key. Whether the request is
for the authority's election (manifest, station, a kiosk id that can name a record file)
is checked by check_request_for, which the authority's steps call before signing.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import nacl.exceptions
import nacl.signing

from ..ballotbox.identity import check_label
from ..canonical_json import canonical_json_bytes
from ..errors import EvoteError
from ..hashing import digest
from ..manifest import Manifest, load_manifest
from ..record.layout import is_safe_id
from .files import check_output, read_json_input, write_new_json
from .keys import write_new_key_file
from .json_fields import exact_fields, hex_field

VERSION = "evote-certificate-request/1"
HASH_TAG = "evote/v1/certificate-request"
KINDS = ("kiosk", "official")
MAX_REQUEST_BYTES = 1 << 16
_FIELDS = ("kind", "manifest_hash", "name", "public_key", "signature", "station_id",
           "version")


class RequestError(EvoteError):
    """A certificate request that is malformed, not signed by its key, or not for this
    election (the message names the file and the field)."""


_hex = partial(hex_field, error=RequestError)


@dataclass(frozen=True)
class CertificateRequest:
    """A request whose signature has been checked (parse_request) or just made."""
    kind: str
    manifest_hash: bytes
    station_id: str
    name: str            # kiosk id (kind "kiosk") or role (kind "official")
    public_key: bytes
    signature: bytes

    def body_obj(self) -> dict:
        return {"version": VERSION, "kind": self.kind,
                "manifest_hash": self.manifest_hash.hex(), "station_id": self.station_id,
                "name": self.name, "public_key": self.public_key.hex()}

    def to_json_obj(self) -> dict:
        return dict(self.body_obj(), signature=self.signature.hex())


def request_digest(body_obj: dict) -> bytes:
    return digest(HASH_TAG, canonical_json_bytes(body_obj))


def _check_name(kind: str, name, where: str) -> str:
    """A kiosk id names a record file (boxes/<station>/<kiosk>.box), so it must be a safe
    path component; a role is a printable label (NFC, 1..64 UTF-8 bytes)."""
    what = "kiosk id" if kind == "kiosk" else "role"
    if not isinstance(name, str) or not name:
        raise RequestError(f"{where}: the {what} must be a non-empty string")
    try:
        check_label(what, name)
    except EvoteError as exc:
        raise RequestError(f"{where}: {exc}") from None
    if kind == "kiosk" and not is_safe_id(name):
        raise RequestError(f"{where}: kiosk id {name!r} cannot name a record file (letters, "
                           "digits, '.', '_', '-', at most 64, starting with a letter or digit)")
    return name


def make_request(kind: str, manifest_hash: bytes, station_id: str, name: str,
                 key: nacl.signing.SigningKey) -> dict:
    """The JSON object of a request for `key`, signed by `key`."""
    if kind not in KINDS:
        raise RequestError(f"kind: {kind!r} is not one of {KINDS}")
    if not isinstance(key, nacl.signing.SigningKey):
        raise RequestError("key: expected a nacl.signing.SigningKey")
    if not isinstance(manifest_hash, bytes) or len(manifest_hash) != 32:
        raise RequestError("manifest_hash: expected 32 bytes")
    if not isinstance(station_id, str) or not station_id:
        raise RequestError("station_id: expected a non-empty string")
    _check_name(kind, name, "name")
    req = CertificateRequest(kind, manifest_hash, station_id, name, bytes(key.verify_key),
                             bytes(64))
    body = req.body_obj()
    return dict(body, signature=key.sign(request_digest(body)).signature.hex())




def parse_request(obj, where: str) -> CertificateRequest:
    """The request in `obj`, strictly, with its signature verified; RequestError naming
    `where` and the field otherwise."""
    exact_fields(where, obj, _FIELDS, error=RequestError)
    if obj["version"] != VERSION:
        raise RequestError(f"{where}.version: {obj['version']!r} is not {VERSION!r}")
    if obj["kind"] not in KINDS:
        raise RequestError(f"{where}.kind: {obj['kind']!r} is not one of {KINDS}")
    if not isinstance(obj["station_id"], str) or not obj["station_id"]:
        raise RequestError(f"{where}.station_id: expected a non-empty string")
    req = CertificateRequest(obj["kind"], _hex(f"{where}.manifest_hash", obj["manifest_hash"], 32),
                             obj["station_id"],
                             _check_name(obj["kind"], obj["name"], f"{where}.name"),
                             _hex(f"{where}.public_key", obj["public_key"], 32),
                             _hex(f"{where}.signature", obj["signature"], 64))
    try:
        nacl.signing.VerifyKey(req.public_key).verify(request_digest(req.body_obj()),
                                                      req.signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError,
            TypeError):
        raise RequestError(f"{where}.signature: not the signature of the request's own key "
                           "(the request was altered, or not made with this key)") from None
    return req


def load_request(path, kind: str | None = None) -> CertificateRequest:
    """A verified request read from `path` (of `kind`, when given)."""
    obj, _ = read_json_input(path, "certificate request", MAX_REQUEST_BYTES)
    where = f"certificate request {path}"
    req = parse_request(obj, where)
    if kind is not None and req.kind != kind:
        raise RequestError(f"{where}.kind: a {req.kind} request, not a {kind} request")
    return req


def check_request_for(req: CertificateRequest, manifest: Manifest, where: str) -> None:
    """RequestError unless `req` is for this manifest and one of its stations."""
    if req.manifest_hash != manifest.hash():
        raise RequestError(f"{where}.manifest_hash: made for another manifest "
                           f"({req.manifest_hash.hex()[:16]}..., this manifest is "
                           f"{manifest.hash().hex()[:16]}...)")
    try:
        manifest.station(req.station_id)
    except EvoteError:
        raise RequestError(f"{where}.station_id: station {req.station_id!r} is not in the "
                           f"manifest of election {manifest.election_id!r}") from None


def keygen(kind: str, manifest_path, station_id: str, name: str, key_out, request_out,
           passphrase, *, opslimit=None, memlimit=None) -> CertificateRequest:
    """A new key (written to key_out, mode 0600) and its request (to request_out) for
    kind "kiosk" (name = kiosk id) or "official" (name = role). Everything is checked
    before anything is written; passphrase None (an unencrypted key) only for a kiosk."""
    if kind not in KINDS:
        raise RequestError(f"kind: {kind!r} is not one of {KINDS}")
    if passphrase is None and kind != "kiosk":
        raise RequestError("an official's key file must be encrypted under a passphrase")
    manifest = load_manifest(manifest_path)
    key = nacl.signing.SigningKey.generate()
    obj = make_request(kind, manifest.hash(), station_id, name, key)
    req = parse_request(obj, "request")
    check_request_for(req, manifest, f"manifest {manifest_path}: request")
    inputs = (manifest_path,)
    # the request is public and written last: a request never exists without its key;
    # its path is checked first, so a refused request leaves no orphan key behind
    check_output(request_out, "certificate request", inputs=inputs + (key_out,))
    write_new_key_file(key_out, key, passphrase, opslimit=opslimit, memlimit=memlimit,
                       inputs=inputs + (request_out,))
    write_new_json(request_out, obj, "certificate request", inputs=inputs + (key_out,))
    return req
