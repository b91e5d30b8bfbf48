"""Station officials' steps (specs/election.md section 6): each official signs on their
own machine with their own key, so no process holds two officials' keys.

    declare(package_path, station_id, forms_issued, key_path, certificate_path,
            passphrase, out) -> StationDeclaration     # an electronic station's forms
    paper(package_path, station_id, counts_path, key_path, certificate_path,
          passphrase, out) -> PaperResult              # a paper station's hand count
    fallback(package_path, station_id, box_paths, reason, key_path, certificate_path,
             passphrase, out) -> PaperFallback         # an electronic station goes to paper
    sign(in_path, key_path, certificate_path, passphrase, out, package_path=None)
        -> StationDeclaration | PaperResult | PaperFallback  # one more signature

Invariants of every step, checked before anything is written:
- the station is in the verified package, and its mode fits the step (a declaration
  and a fallback decision only for an electronic station, a paper result only for a
  paper one or for an electronic one whose officials give their fallback decision);
- a fallback decision names every kiosk the package lists for the station, each with
  the record file hash of its box, given by the officials; each box verifies to its
  CLOSE record (signatures, chain, the listed kiosk certificate) before it is named;
- the official's certificate file is for the package's manifest and this station, and
  its (role, public key, certificate) is listed for this station in the package;
- the key file's key is the certified key;
- no role or key signs twice; the signatures already in a file verify first (and each
  of those officials is listed in the package too);
- a file is complete once one official of each role of the manifest's
  signing_roles.station has signed it (roles_missing() names the roles still to sign);
  the steps write incomplete files (each official signs in turn), `evote tally` and the
  verifier (V13, V16) accept only complete ones;
- `sign` without a package (an official who holds only the file to countersign) checks
  less: the certificate is for the file's manifest hash and station, the key is the
  certified one, and the signatures already in the file are valid Ed25519 signatures
  of its body; who certified them is left to the tally centre and the verifier, which
  check everything against the package.
- the output is written through files.write_new_file (never replacing a file, never an
  input), in canonical JSON; the key is never printed or kept beyond the signing.
"""
from __future__ import annotations

import os
from typing import Any

import nacl.exceptions
import nacl.signing

from ..canonical_json import canonical_json_bytes
from ..errors import EvoteError
from ..manifest import parse_candidate_code
from ..results import ContestCounts
from ..tally import PaperResult, StationDeclaration
from ..ballotbox import read_box
from ..ballotbox.records import OpenRecord
from ..tally.declaration import DECLARATION_VERSION, MAX_FORMS
from ..tally.fallback import FALLBACK_VERSION, ClosedBox, PaperFallback, check_reason
from ..tally.officials import missing_roles
from ..tally.paper import PAPER_VERSION
from .certificates import load_official_certificate_file
from .files import read_json_input, write_new_file
from .keys import load_signing_key
from .package import ElectionPackage, load_package


class StationStepRefused(EvoteError):
    """An official's step cannot be done: the station, the official, the key or the file
    is not what the package and the step require (the message names which)."""


class CountsError(EvoteError):
    """A COUNTS file that does not parse or does not fit the station (names the field)."""


def _plan(package: ElectionPackage, station_id: str, mode: str, what: str,
          fallback: bool = False):
    """The package's plan of the station; its mode must be `mode` (with `fallback`, a
    paper result may also be of an electronic station: its officials fell back)."""
    if not isinstance(station_id, str) or not any(s.station_id == station_id
                                                  for s in package.stations):
        raise StationStepRefused(f"station {station_id!r} is not in the election package")
    plan = package.station(station_id)
    if fallback and mode == "paper" and plan.mode == "electronic":
        return plan
    if plan.mode != mode:
        other = ("evote station paper: a paper station's officials sign its hand count"
                 if plan.mode == "paper" else
                 "evote station declare: an electronic station's officials declare the "
                 "forms issued")
        raise StationStepRefused(f"station {station_id!r} is a {plan.mode} station in the "
                                 f"election package; a {what} is not made for it ({other})")
    return plan


def listed_official(plan, role: str, public_key: bytes, certificate: bytes) -> bool:
    """True if the package lists exactly this (role, key, certificate) for the station."""
    return any((o.role, o.public_key, o.certificate) == (role, public_key, certificate)
               for o in plan.officials)


def _official(package: ElectionPackage, plan, key_path, certificate_path, passphrase):
    """(role, signing key, certificate bytes) of the official, after every check of the
    module docstring about the official and the key."""
    cred = load_official_certificate_file(certificate_path)
    where = f"official certificate file {certificate_path}"
    if cred.manifest_hash != package.manifest.hash():
        raise StationStepRefused(f"{where}.manifest_hash: not the election package's "
                                 "manifest (a certificate of another election)")
    if cred.station_id != plan.station_id:
        raise StationStepRefused(f"{where}.station_id: certifies an official of station "
                                 f"{cred.station_id!r}, not of station {plan.station_id!r}")
    if not listed_official(plan, cred.role, cred.public_key, cred.certificate):
        raise StationStepRefused(f"{where}: official {cred.role!r} (key "
                                 f"{cred.public_key.hex()[:16]}...) is not listed for station "
                                 f"{plan.station_id!r} in the election package")
    key = load_signing_key(key_path, passphrase)
    if bytes(key.verify_key) != cred.public_key:
        raise StationStepRefused(f"key file {key_path}: not the key the certificate "
                                 f"{certificate_path} certifies")
    return cred.role, key, cred.certificate


def _check_signers(plan, doc, where: str, role: str, public_key: bytes) -> None:
    for o in doc.officials:
        if not listed_official(plan, o.role, o.public_key, o.certificate):
            raise StationStepRefused(f"{where}: official {o.role!r} (key "
                                     f"{o.public_key.hex()[:16]}...) who signed it is not "
                                     f"listed for station {plan.station_id!r} in the package")
        if o.role == role:
            raise StationStepRefused(f"{where}: role {role!r} has already signed it")
        if o.public_key == public_key:
            raise StationStepRefused(f"{where}: this official's key has already signed it")


def roles_missing(doc, manifest_roles) -> list:
    """The roles of the manifest's signing_roles.station that have not signed `doc` yet:
    `evote tally` and the verifier refuse the form until this is empty."""
    return missing_roles(doc.officials, manifest_roles)


def _write(out, doc, what: str, inputs) -> None:
    write_new_file(out, canonical_json_bytes(doc.to_json_obj()), what, inputs=inputs)


def declare(package_path, station_id: str, forms_issued: int, key_path, certificate_path,
            passphrase, out, package=None) -> StationDeclaration:
    """An electronic station's declaration of the forms it issued, signed by this
    official, written to `out`. package: the package file already loaded (the CLI's)."""
    package = package or load_package(package_path)
    plan = _plan(package, station_id, "electronic", "declaration of forms issued")
    if isinstance(forms_issued, bool) or not isinstance(forms_issued, int) or \
            not 0 <= forms_issued <= MAX_FORMS:
        raise StationStepRefused(f"forms issued: expected an integer in [0, {MAX_FORMS}], "
                                 f"got {forms_issued!r}")
    role, key, cert = _official(package, plan, key_path, certificate_path, passphrase)
    doc = StationDeclaration(package.manifest.hash(), station_id, forms_issued)
    doc = doc.sign(role, key, cert)
    doc.verify(package.manifest, complete=False)   # the other roles countersign (sign)
    _write(out, doc, "declaration", (package_path, key_path, certificate_path))
    return doc


# ------------------------------------------------------------------ COUNTS files

def _fields(where: str, obj: Any, keys: tuple) -> dict:
    if not isinstance(obj, dict):
        raise CountsError(f"{where}: expected an object")
    for k in sorted(keys):
        if k not in obj:
            raise CountsError(f"{where}: missing field {k!r}")
    for k in sorted(obj):
        if k not in keys:
            raise CountsError(f"{where}: unknown field {k!r}")
    return obj


def _count(where: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FORMS:
        raise CountsError(f"{where}: expected an integer >= 0")
    return value


def _votes(where: str, contest, obj: Any) -> tuple:
    """Votes per candidate, in the contest's candidate order, from {"<code>": int}."""
    if not isinstance(obj, dict):
        raise CountsError(f"{where}: expected an object of candidate code -> votes")
    codes = {c.code for c in contest.candidates}
    got: dict = {}
    for text in sorted(obj):
        w = f"{where}[{canonical_json_bytes(text).decode('utf-8')}]"
        try:
            code = parse_candidate_code(text)
        except EvoteError as exc:
            raise CountsError(f"{w}: not a candidate code ({exc})") from None
        if code not in codes:
            raise CountsError(f"{w}: candidate {code} is not a candidate of contest "
                              f"{contest.contest_id!r}")
        if code in got:
            raise CountsError(f"{w}: candidate {code} is given twice (as {got[code][0]!r} "
                              f"and {text!r})")
        got[code] = (text, _count(w, obj[text]))
    missing = [c.code for c in contest.candidates if c.code not in got]
    if missing:
        raise CountsError(f"{where}: no votes given for candidate {missing[0]} (every "
                          "candidate is listed, 0 when none)")
    return tuple(got[c.code][1] for c in contest.candidates)


def parse_counts(counts_path, manifest, station_id: str) -> tuple:
    """(forms_issued, spoiled_forms, ContestCounts of the station style's contests in
    style order) from a COUNTS file (specs/election.md section 6); CountsError naming the
    file and the field otherwise, e.g. `counts.json: contests.c1.votes["17"]: ...`."""
    name = os.fspath(counts_path)
    obj, _ = read_json_input(counts_path, "counts file", 1 << 24)
    obj = _fields(name, obj, ("contests", "forms_issued", "spoiled_forms"))
    forms = _count(f"{name}: forms_issued", obj["forms_issued"])
    spoiled = _count(f"{name}: spoiled_forms", obj["spoiled_forms"])
    want = manifest.style(manifest.station(station_id).style_id).contest_ids
    given = obj["contests"]
    if not isinstance(given, dict):
        raise CountsError(f"{name}: contests: expected an object of contest id -> counts")
    for cid in sorted(given):
        if cid not in want:
            raise CountsError(f"{name}: contests.{cid}: not a contest of station "
                              f"{station_id!r} (its contests: {', '.join(want)})")
    out = []
    for cid in want:
        where = f"{name}: contests.{cid}"
        if cid not in given:
            raise CountsError(f"{where}: missing (every contest of the station is given)")
        c = _fields(where, given[cid], ("ballots_cast", "blank", "votes"))
        votes = _votes(f"{where}.votes", manifest.contest(cid), c["votes"])
        cast = _count(f"{where}.ballots_cast", c["ballots_cast"])
        blank = _count(f"{where}.blank", c["blank"])
        if blank > cast:
            raise CountsError(f"{where}.blank: {blank} blank ballots but {cast} ballots cast")
        if cast + spoiled != forms:
            raise CountsError(f"{where}.ballots_cast: {cast} ballots cast + {spoiled} "
                              f"spoiled forms != {forms} forms issued")
        out.append(ContestCounts(cid, votes, cast, blank))
    return forms, spoiled, tuple(out)


def paper(package_path, station_id: str, counts_path, key_path, certificate_path,
          passphrase, out, package=None, fallback: bool = False) -> PaperResult:
    """A paper station's declared result from its COUNTS file, signed by this official,
    written to `out`. package: the package file already loaded (the CLI's). fallback:
    the station is electronic and fell back to paper (its officials sign a fallback
    decision too, `fallback()`); the counts are then those of the paper forms only."""
    package = package or load_package(package_path)
    plan = _plan(package, station_id, "paper", "paper result", fallback)
    forms, spoiled, contests = parse_counts(counts_path, package.manifest, station_id)
    role, key, cert = _official(package, plan, key_path, certificate_path, passphrase)
    doc = PaperResult(package.manifest.hash(), station_id, forms, contests,
                      spoiled_forms=spoiled)
    try:
        doc.verify(package.manifest, min_officials=0, complete=False)  # the counts' checks
    except EvoteError as exc:
        raise CountsError(f"{os.fspath(counts_path)}: {exc}") from None
    doc = doc.sign(role, key, cert)
    doc.verify(package.manifest, complete=False)   # the other roles countersign (sign)
    _write(out, doc, "paper result", (package_path, counts_path, key_path, certificate_path))
    return doc


def _read_signed(path):
    """(document, mode, what) of a declaration, paper result or fallback decision file,
    by its version."""
    obj, _ = read_json_input(path, "station file", 1 << 24)
    version = obj.get("version") if isinstance(obj, dict) else None
    where = f"{os.fspath(path)}"
    if version == DECLARATION_VERSION:
        return (StationDeclaration.from_json_obj(obj, where), "electronic",
                "declaration of forms issued")
    if version == PAPER_VERSION:
        return PaperResult.from_json_obj(obj, where), "paper", "paper result"
    if version == FALLBACK_VERSION:
        return PaperFallback.from_json_obj(obj, where), "electronic", "fallback decision"
    raise StationStepRefused(f"{where}.version: {version!r} is neither "
                             f"{DECLARATION_VERSION!r}, {PAPER_VERSION!r} nor "
                             f"{FALLBACK_VERSION!r}")


def load_signed(path, package: ElectionPackage):
    """A declaration or paper result file (by its version) whose signatures verify, each
    signer listed in the package for the station, the station's mode fitting the kind."""
    doc, mode, what = _read_signed(path)
    where = os.fspath(path)
    try:
        plan = _plan(package, doc.station_id, mode, what, fallback=True)
    except StationStepRefused as exc:
        raise StationStepRefused(f"{where}: {exc}") from None
    doc.verify(package.manifest, min_officials=0, complete=False)
    _check_signers(plan, doc, where, role="", public_key=b"")
    return doc, plan


def _official_unpackaged(doc, where: str, key_path, certificate_path, passphrase):
    """(role, key, certificate) checked against the file alone (module docstring)."""
    cred = load_official_certificate_file(certificate_path)
    cwhere = f"official certificate file {certificate_path}"
    if cred.manifest_hash != doc.manifest_hash:
        raise StationStepRefused(f"{cwhere}.manifest_hash: not the manifest of {where} (a "
                                 "certificate of another election)")
    if cred.station_id != doc.station_id:
        raise StationStepRefused(f"{cwhere}.station_id: certifies an official of station "
                                 f"{cred.station_id!r}, but {where} is for station "
                                 f"{doc.station_id!r}")
    for i, o in enumerate(doc.officials):
        try:
            nacl.signing.VerifyKey(o.public_key).verify(doc.signed_digest(), o.signature)
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError):
            raise StationStepRefused(f"{where}: official {i} ({o.role!r}): the signature "
                                     "does not verify (the file was changed after signing)"
                                     ) from None
    if len({o.role for o in doc.officials}) != len(doc.officials) or \
            len({o.public_key for o in doc.officials}) != len(doc.officials):
        raise StationStepRefused(f"{where}: an official key or role signs twice")
    key = load_signing_key(key_path, passphrase)
    if bytes(key.verify_key) != cred.public_key:
        raise StationStepRefused(f"key file {key_path}: not the key the certificate "
                                 f"{certificate_path} certifies")
    return cred.role, key, cred.certificate


def sign(in_path, key_path, certificate_path, passphrase, out, package_path=None,
         package=None):
    """`in_path` (a declaration or a paper result) with this official's signature added,
    written to `out`; the signatures already there must verify first. With package_path
    everything is checked against the package (`package`: that file already loaded);
    without it, what the file alone allows."""
    where = os.fspath(in_path)
    if package_path is not None:
        package = package or load_package(package_path)
        doc, plan = load_signed(in_path, package)
        role, key, cert = _official(package, plan, key_path, certificate_path, passphrase)
        _check_signers(plan, doc, where, role, bytes(key.verify_key))
    else:
        doc, _, _ = _read_signed(in_path)
        role, key, cert = _official_unpackaged(doc, where, key_path, certificate_path,
                                               passphrase)
        for o in doc.officials:
            if o.role == role:
                raise StationStepRefused(f"{where}: role {role!r} has already signed it")
            if o.public_key == bytes(key.verify_key):
                raise StationStepRefused(f"{where}: this official's key has already "
                                         "signed it")
    doc = doc.sign(role, key, cert)
    if package_path is not None:
        doc.verify(package.manifest, complete=False)  # roles_missing() says who is left
    what = ("declaration" if isinstance(doc, StationDeclaration) else
            "fallback decision" if isinstance(doc, PaperFallback) else "paper result")
    inputs = tuple(p for p in (package_path, in_path, key_path, certificate_path)
                   if p is not None)
    _write(out, doc, what, inputs)
    return doc


# ------------------------------------------------------------------ fallback to paper

def closed_box(package: ElectionPackage, plan, path):
    """ClosedBox of the box file `path`: it verifies to its CLOSE record (signatures,
    chain, certificate of this election), it is of this station, and its kiosk
    certificate is the one the package lists; StationStepRefused naming the file
    otherwise."""
    from .exclusion import box_file_hash   # election/exclusion.py: the record's file hash
    m = package.manifest
    where = f"box {os.fspath(path)}"
    reader = read_box(path, authority_key=m.authority_key, election_hash=m.hash(),
                      require_closed=True)
    first = None
    try:
        for record in reader:
            first = first or record
    except EvoteError as exc:
        raise StationStepRefused(f"{where}: does not verify to its CLOSE record ({exc}); a "
                                 "box that cannot be closed is the supervising board's "
                                 "to exclude (evote exclusion decide)") from None
    if not isinstance(first, OpenRecord):
        raise StationStepRefused(f"{where}: does not begin with an OPEN record")
    if first.station_id != plan.station_id:
        raise StationStepRefused(f"{where}: a box of station {first.station_id!r}, not of "
                                 f"station {plan.station_id!r}")
    entry = plan.kiosk(first.kiosk_id)
    if entry is None or entry.certificate.to_bytes() != first.certificate.to_bytes():
        raise StationStepRefused(f"{where}: kiosk {first.kiosk_id!r} with this certificate "
                                 f"is not listed for station {plan.station_id!r} in the "
                                 "election package")
    return ClosedBox(first.kiosk_id, box_file_hash(path, plan.station_id, first.kiosk_id))


def fallback(package_path, station_id: str, box_paths, reason: str, key_path,
             certificate_path, passphrase, out, package=None) -> PaperFallback:
    """The station's decision to fall back to paper (specs/record.md 5.4), naming each of
    its kiosks' closed boxes (box_paths: one file per kiosk the package lists) by its
    record file hash, signed by this official, written to `out`."""
    package = package or load_package(package_path)
    plan = _plan(package, station_id, "electronic", "fallback decision")
    try:
        reason = check_reason("reason", reason)
    except EvoteError as exc:
        raise StationStepRefused(str(exc)) from None
    boxes: dict = {}
    for path in box_paths:
        b = closed_box(package, plan, path)
        if b.kiosk_id in boxes:
            raise StationStepRefused(f"box {os.fspath(path)}: a second box of kiosk "
                                     f"{b.kiosk_id!r} (the first is {boxes[b.kiosk_id][1]})")
        boxes[b.kiosk_id] = (b, os.fspath(path))
    missing = [k.kiosk_id for k in plan.kiosks if k.kiosk_id not in boxes]
    if missing:
        raise StationStepRefused(f"station {station_id!r}: no box given for kiosk(s) "
                                 f"{', '.join(missing)}; the decision names every kiosk the "
                                 "election package lists for the station (--box, one per "
                                 "kiosk)")
    role, key, cert = _official(package, plan, key_path, certificate_path, passphrase)
    doc = PaperFallback(package.manifest.hash(), station_id, reason,
                        tuple(b for b, _ in sorted(boxes.values(),
                                                   key=lambda v: v[0].kiosk_id)))
    doc = doc.sign(role, key, cert)
    doc.verify(package.manifest, complete=False)   # the other roles countersign (sign)
    _write(out, doc, "fallback decision",
           (package_path, key_path, certificate_path, *box_paths))
    return doc
