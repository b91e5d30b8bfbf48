"""The election authority's steps (specs/election.md sections 3 and 4): its signing key,
certificates for kiosks and officials, and the election package.

Every step that signs loads the authority key file and first checks that its public key
is the manifest's authority_key: a certificate or package signed by any other key would
be refused by every kiosk and verifier later, after the polls open; here it is refused
before anything is written.
"""
from __future__ import annotations

import nacl.signing

from ..ballotbox.identity import KioskCertificate, issue_certificate
from ..errors import EvoteError
from ..manifest import load_manifest
from ..protocol.context import ElectionContext
from ..tally.officials import certify_official as _certify_official_key
from .certificates import (CertificateFileError, OfficialCredential,
                           load_kiosk_certificate_file, load_official_certificate_file,
                           write_kiosk_certificate_file, write_official_certificate_file)
from .files import read_json_input, write_new_file
from .keys import load_signing_key, write_new_key_file
from .package import ElectionPackage, KioskEntry, OfficialEntry, PackageError, StationPlan
from .requests import RequestError, check_request_for, load_request


def init_authority(key_out, passphrase, *, opslimit=None, memlimit=None,
                   key: nacl.signing.SigningKey | None = None) -> bytes:
    """A new authority key file (encrypted under `passphrase`); returns the public key.
    `key` lets the demo supply a key derived from its seed; a real authority never does."""
    if passphrase is None:
        raise RequestError("the authority key is always encrypted: give a passphrase")
    key = nacl.signing.SigningKey.generate() if key is None else key
    write_new_key_file(key_out, key, passphrase, opslimit=opslimit, memlimit=memlimit)
    return bytes(key.verify_key)


def _authority(manifest, key_path, passphrase) -> nacl.signing.SigningKey:
    key = load_signing_key(key_path, passphrase)
    if bytes(key.verify_key) != manifest.authority_key:
        raise CertificateFileError(f"authority key {key_path}: its public key is not the "
                                   "manifest's authority_key (another authority's key?)")
    return key


def _request_for(manifest, request_path, kind):
    req = load_request(request_path, kind)
    check_request_for(req, manifest, f"certificate request {request_path}")
    return req


def certify_kiosk(request_path, manifest_path, authority_key_path, passphrase,
                  out) -> KioskCertificate:
    manifest = load_manifest(manifest_path)
    req = _request_for(manifest, request_path, "kiosk")
    authority = _authority(manifest, authority_key_path, passphrase)
    cert = issue_certificate(authority, election_hash=manifest.hash(),
                             station_id=req.station_id, kiosk_id=req.name,
                             kiosk_key=req.public_key)
    write_kiosk_certificate_file(out, cert, inputs=(request_path, manifest_path,
                                                    authority_key_path))
    return cert


def certify_official(request_path, manifest_path, authority_key_path, passphrase,
                     out) -> OfficialCredential:
    manifest = load_manifest(manifest_path)
    req = _request_for(manifest, request_path, "official")
    authority = _authority(manifest, authority_key_path, passphrase)
    cred = OfficialCredential(manifest.hash(), req.station_id, req.name, req.public_key,
                              _certify_official_key(authority, manifest.hash(),
                                                    req.station_id, req.name,
                                                    req.public_key))
    write_official_certificate_file(out, cred, inputs=(request_path, manifest_path,
                                                       authority_key_path))
    return cred


def _load_context(path, manifest) -> ElectionContext:
    obj, _ = read_json_input(path, "election context")
    try:
        ctx = ElectionContext.from_json_obj(obj)
        ctx.verify()
    except EvoteError as exc:
        raise PackageError(f"election context {path}: {exc}") from None
    if ctx.manifest_hash != manifest.hash():
        raise PackageError(f"election context {path}: made for another manifest")
    return ctx


def make_package(manifest_path, context_path, authority_key_path, passphrase,
                 kiosk_cert_paths, official_cert_paths, out) -> ElectionPackage:
    """The signed election package (package.py): one plan per manifest station, in
    manifest order, electronic iff a kiosk certificate is given for it."""
    manifest = load_manifest(manifest_path)
    context = _load_context(context_path, manifest)
    mh = manifest.hash()
    kiosks: dict = {}
    seen: dict = {}
    for p in kiosk_cert_paths:
        cert = load_kiosk_certificate_file(p)
        try:
            cert.verify(manifest.authority_key, election_hash=mh)
            manifest.station(cert.station_id)
        except EvoteError as exc:
            raise PackageError(f"kiosk certificate {p}: {exc}") from None
        if cert.kiosk_id in seen:
            raise PackageError(f"kiosk certificate {p}: kiosk {cert.kiosk_id!r} is also "
                               f"certified by {seen[cert.kiosk_id]}")
        seen[cert.kiosk_id] = p
        kiosks.setdefault(cert.station_id, []).append(KioskEntry(cert.kiosk_id, cert))
    officials: dict = {}
    for p in official_cert_paths:
        cred = load_official_certificate_file(p)
        if cred.manifest_hash != mh:
            raise PackageError(f"official certificate {p}: made for another manifest")
        try:
            manifest.station(cred.station_id)
            cred.verify(manifest.authority_key)
        except EvoteError as exc:
            raise PackageError(f"official certificate {p}: {exc}") from None
        officials.setdefault(cred.station_id, []).append(
            OfficialEntry(cred.role, cred.public_key, cred.certificate))
    plans = []
    for st in manifest.stations:
        ks = sorted(kiosks.get(st.station_id, []), key=lambda k: k.kiosk_id)
        os_ = sorted(officials.get(st.station_id, []), key=lambda o: (o.role, o.public_key))
        plans.append(StationPlan(st.station_id, "electronic" if ks else "paper", tuple(ks),
                                 tuple(os_)))
    authority = _authority(manifest, authority_key_path, passphrase)
    unsigned = ElectionPackage(manifest, context, tuple(plans), bytes(64))
    package = ElectionPackage(manifest, context, tuple(plans),
                              authority.sign(unsigned.hash()).signature)
    package.verify()
    inputs = (manifest_path, context_path, authority_key_path, *kiosk_cert_paths,
              *official_cert_paths)
    write_new_file(out, package.to_bytes(), "election package", inputs=inputs)
    return package
