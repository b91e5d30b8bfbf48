"""The supervising board's steps for excluding a damaged ballot box (specs/election.md
section 6.1, record.md 5.3): each member signs on their own machine with their own key.

    keygen(key_out, passphrase) -> public key hex        # for the manifest's supervisors
    decide(package_path, box_path, station_id, kiosk_id, forms_excluded, reason,
           role, key_path, passphrase, out) -> Exclusion  # the first signature
    sign(in_path, role, key_path, passphrase, out, package_path) -> Exclusion
    missing(exclusion, manifest) -> [roles still to sign]
    load_exclusions(package, paths, boxes) -> {(station, kiosk): (Exclusion, path)}
                                                          # evote tally's check

Invariants of every step, checked before anything is written: the station is in the
verified package and the kiosk is certified for it there (only a box the package lists
can be excluded); the box file's hash, as the record will hold it at
boxes/<station>/<kiosk>.box, is what the decision names; the member's (role, key) is
listed in the manifest's supervisors; the key file holds that key; signatures already in
the file verify and no role or key signs twice. Output through files.write_new_file
(never replacing a file), canonical JSON. A complete decision (one signature per role of
the manifest's signing_roles.exclusion) is what `evote tally` and V17 accept.
"""
from __future__ import annotations

import os

import nacl.signing

from ..errors import EvoteError
from ..hashing import digest, text
from ..record import layout
from ..tally.exclusion import EXCLUSION_VERSION, Exclusion
from ..tally.officials import missing_roles
from .files import read_input, write_new_file
from .keys import load_signing_key, write_new_key_file
from .package import ElectionPackage, load_package

MAX_BOX_BYTES = 1 << 32          # a box file read whole to hash it (a kiosk's day fits)
MAX_EXCLUSION_BYTES = 1 << 16


class ExclusionStepRefused(EvoteError):
    """A supervisor's step cannot be done (the message names the file and field)."""


def box_file_hash(box_path, station_id: str, kiosk_id: str) -> bytes:
    """The record's file hash of this box at boxes/<station>/<kiosk>.box
    (evote.record.roothash.file_hash of the copy `evote tally` will make)."""
    data = read_input(box_path, "box", MAX_BOX_BYTES)
    return digest("evote/v1/record-file", text(layout.box_path(station_id, kiosk_id)), data)


def keygen(key_out, passphrase, *, opslimit=None, memlimit=None) -> str:
    """A new supervisor key file (from the OS CSPRNG); returns its public key (hex) for
    the manifest's supervisors list."""
    key = nacl.signing.SigningKey.generate()
    write_new_key_file(key_out, key, passphrase, opslimit=opslimit, memlimit=memlimit)
    return bytes(key.verify_key).hex()


def _supervisor(manifest, role: str, key_path, passphrase) -> nacl.signing.SigningKey:
    key = load_signing_key(key_path, passphrase)
    if (role, bytes(key.verify_key)) not in {(s.role, s.public_key)
                                             for s in manifest.supervisors}:
        raise ExclusionStepRefused(f"key file {key_path}: its key is not listed in the "
                                   f"manifest's supervisors with role {role!r}")
    return key


def _check_box(package: ElectionPackage, station_id: str, kiosk_id: str, where: str):
    try:
        plan = package.station(station_id)
    except EvoteError:
        raise ExclusionStepRefused(f"{where}: station {station_id!r} is not in the "
                                   "election package") from None
    if plan.kiosk(kiosk_id) is None:
        raise ExclusionStepRefused(f"{where}: kiosk {kiosk_id!r} is not certified for "
                                   f"station {station_id!r} in the election package (only "
                                   "a listed kiosk's box can be excluded)")


def _sign_and_write(doc: Exclusion, manifest, role, key, out, inputs) -> Exclusion:
    if any(s.role == role for s in doc.signatures):
        raise ExclusionStepRefused(f"role {role!r} has already signed this exclusion")
    if any(s.public_key == bytes(key.verify_key) for s in doc.signatures):
        raise ExclusionStepRefused("this supervisor's key has already signed this exclusion")
    doc = doc.sign(role, key)
    doc.verify(manifest, complete=False)
    write_new_file(out, doc.to_json_bytes(), "exclusion", inputs=inputs)
    return doc


def decide(package_path, box_path, station_id: str, kiosk_id: str, forms_excluded: int,
           reason: str, role: str, key_path, passphrase, out, package=None) -> Exclusion:
    """A new exclusion of the box file `box_path` (station, kiosk), signed by this
    supervisor, written to `out`. package: the package file already loaded (the CLI's)."""
    package = package or load_package(package_path)
    m = package.manifest
    _check_box(package, station_id, kiosk_id, "exclusion")
    if isinstance(forms_excluded, bool) or not isinstance(forms_excluded, int) or \
            forms_excluded < 0:
        raise ExclusionStepRefused(f"forms excluded: expected an integer >= 0, got "
                                   f"{forms_excluded!r}")
    key = _supervisor(m, role, key_path, passphrase)
    doc = Exclusion(m.hash(), station_id, kiosk_id,
                    box_file_hash(box_path, station_id, kiosk_id), forms_excluded, reason)
    return _sign_and_write(doc, m, role, key, out, (package_path, box_path, key_path))


def read_exclusion(path) -> Exclusion:
    data = read_input(path, "exclusion", MAX_EXCLUSION_BYTES)
    return Exclusion.from_json_bytes(data, f"exclusion {os.fspath(path)}")


def sign(in_path, role: str, key_path, passphrase, out, package_path,
         package=None) -> Exclusion:
    """`in_path` with this supervisor's signature added (the signatures already there
    verify first), written to `out`. package: the package file already loaded."""
    package = package or load_package(package_path)
    m = package.manifest
    doc = read_exclusion(in_path)
    _check_box(package, doc.station_id, doc.kiosk_id, f"exclusion {os.fspath(in_path)}")
    doc.verify(m, complete=False)
    key = _supervisor(m, role, key_path, passphrase)
    return _sign_and_write(doc, m, role, key, out, (package_path, in_path, key_path))


def missing(doc: Exclusion, manifest) -> list:
    """Roles of the manifest's signing_roles.exclusion that have not signed yet."""
    return missing_roles(doc.signatures, manifest.signing_roles.exclusion)


def load_exclusions(package: ElectionPackage, paths, problems) -> dict:
    """(station, kiosk) -> (Exclusion, path) for `evote tally`: each file complete and
    valid for the package (station, listed kiosk); every refusal is a problem line."""
    out: dict = {}
    for path in paths:
        where = f"exclusion {os.fspath(path)}"
        try:
            data = read_input(path, "exclusion", MAX_EXCLUSION_BYTES)
            if b'"version":"' + EXCLUSION_VERSION.encode() + b'"' not in data:
                problems.add(f"{where}: not an {EXCLUSION_VERSION} file")
                continue
            doc = Exclusion.from_json_bytes(data, where)
            _check_box(package, doc.station_id, doc.kiosk_id, where)
            doc.verify(package.manifest)
        except EvoteError as exc:
            problems.add(str(exc) if str(exc).startswith(where) else f"{where}: {exc}")
            continue
        k = (doc.station_id, doc.kiosk_id)
        if k in out:
            problems.add(f"{where}: a second exclusion of box {doc.box_path} (the first is "
                         f"{out[k][1]})")
            continue
        out[k] = (doc, path)
    return out


def record_exclusions(directory, manifest) -> dict:
    """box path -> Exclusion for every exclusions/<station>/<kiosk>.json of the record
    at `directory` (what a guardian leaves out before recomputing the tallies): each one
    complete and valid for the manifest, at the path of the box it names, and naming a
    box the record holds by its exact hash. Any that is not refuses the whole record
    (ExclusionStepRefused naming the file): an exclusion never passes half-checked."""
    from ..record.roothash import file_hash
    from ..tally.exclusion import EXCLUSIONS_DIR
    out: dict = {}
    top = os.path.join(os.fspath(directory), EXCLUSIONS_DIR)
    if not os.path.lexists(top):
        return out
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, directory).replace(os.sep, "/")
            doc = read_exclusion(full)
            if doc.path != rel:
                raise ExclusionStepRefused(f"exclusion {rel}: names box {doc.box_path}, "
                                           f"whose exclusion belongs at {doc.path}")
            doc.verify(manifest)
            box = os.path.join(os.fspath(directory), *doc.box_path.split("/"))
            if not os.path.isfile(box) or os.path.islink(box) or \
                    file_hash(os.fspath(directory), doc.box_path) != doc.box_hash:
                raise ExclusionStepRefused(f"exclusion {rel}: the record has no box "
                                           f"{doc.box_path} with the box_hash it names")
            out[doc.box_path] = doc
    return out
