"""A supervising board's signed decision excluding one ballot box from the count
(`evote-exclusion/1`, specs/record.md section 5.3; issue 12 section 5).

After an honest fault (a disk error, a faulty kiosk) the board annuls the box: its
ballots are not tallied, not decrypted, not counted, and the station reconciles without
them. The decision names the box by its station, kiosk and content hash (so it excludes
exactly those bytes and nothing else), states a reason, and the forms issued the board
attributes to the box (the station's declared forms issued minus these must equal the
CAST ballots of its other boxes, V16). It is signed by one supervisor of each role the
manifest requires (`signing_roles.exclusion`), each key listed in the manifest's
`supervisors` (manifest/anchors.py): keys and roles fixed before the vote.

    body      = {"version": "evote-exclusion/1", "manifest_hash": hex32,
                 "station_id", "kiosk_id", "box_hash": hex32, "forms_excluded": int,
                 "reason": text}
    box_hash  = H("evote/v1/record-file"; text("boxes/<station>/<kiosk>.box"), box bytes)
                (the record's own file hash, evote.record.roothash.file_hash)
    signature = Ed25519_supervisor( H("evote/v1/exclusion"; canonical_bytes(body)) )
    file      = canonical JSON of body + {"signatures": [{"role", "public_key",
                                                          "signature"}, ...]}

verify() raises ExclusionError naming the station, kiosk and supervisor; it never returns
False. Whether the box is in the record with that hash is the caller's (verify/
exclusions.py, election/exclusion.py).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

import nacl.exceptions
import nacl.signing

from ..canonical_json import canonical_json_bytes
from ..errors import EvoteError, EvoteTypeError, InvalidSignature
from ..hashing import digest
from ..record import layout
from .errors import TallyInputError
from .model import _exact_keys
from .officials import missing_roles, parse_count, parse_hex

EXCLUSION_VERSION = "evote-exclusion/1"
EXCLUSION_TAG = "evote/v1/exclusion"
MAX_REASON_CHARS = 1000
MAX_FORMS = (1 << 63) - 1
_KEYS = ("box_hash", "forms_excluded", "kiosk_id", "manifest_hash", "reason", "signatures",
         "station_id", "version")
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_SIG = (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError,
            TypeError)


class ExclusionError(InvalidSignature):
    """An exclusion decision that is not signed as required or does not fit the manifest."""


@dataclass(frozen=True)
class SupervisorSignature:
    role: str
    public_key: bytes   # Ed25519, listed in the manifest's supervisors with this role
    signature: bytes    # of the decision's digest

    def to_json_obj(self) -> dict:
        return {"role": self.role, "public_key": self.public_key.hex(),
                "signature": self.signature.hex()}


def check_reason(where: str, reason: Any) -> str:
    """1..MAX_REASON_CHARS characters, no control character but newline."""
    if not isinstance(reason, str) or not reason.strip():
        raise TallyInputError(f"{where}.reason: expected a non-empty text")
    if len(reason) > MAX_REASON_CHARS:
        raise TallyInputError(f"{where}.reason: longer than {MAX_REASON_CHARS} characters")
    bad = _CONTROL.search(reason)
    if bad:
        raise TallyInputError(f"{where}.reason: holds U+{ord(bad.group()):04X} (a control "
                              "character or a lone surrogate)")
    return reason


@dataclass(frozen=True)
class Exclusion:
    manifest_hash: bytes
    station_id: str
    kiosk_id: str
    box_hash: bytes          # file hash of boxes/<station>/<kiosk>.box (module docstring)
    forms_excluded: int      # forms issued the board attributes to this box
    reason: str
    signatures: tuple = ()   # SupervisorSignature

    def __post_init__(self):
        for name in ("manifest_hash", "box_hash"):
            v = getattr(self, name)
            if not isinstance(v, bytes) or len(v) != 32:
                raise TallyInputError(f"Exclusion.{name}: expected 32 bytes")
        for name in ("station_id", "kiosk_id"):
            if not layout.is_safe_id(getattr(self, name)):
                raise TallyInputError(f"Exclusion.{name}: {getattr(self, name)!r} cannot "
                                      "name a record file")
        n = parse_count(f"{self.where}: forms_excluded", self.forms_excluded)
        if n > MAX_FORMS:
            raise TallyInputError(f"{self.where}: forms_excluded {n} is more than {MAX_FORMS}")
        check_reason(self.where, self.reason)
        object.__setattr__(self, "signatures", tuple(self.signatures))
        for s in self.signatures:
            if not isinstance(s, SupervisorSignature):
                raise EvoteTypeError("Exclusion.signatures: expected SupervisorSignature items")

    @property
    def where(self) -> str:
        return f"exclusion of box {self.box_path}"

    @property
    def box_path(self) -> str:
        return layout.box_path(self.station_id, self.kiosk_id)

    @property
    def path(self) -> str:
        """Its place in the record: exclusions/<station>/<kiosk>.json."""
        return exclusion_path(self.station_id, self.kiosk_id)

    def body_obj(self) -> dict:
        return {"version": EXCLUSION_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "station_id": self.station_id, "kiosk_id": self.kiosk_id,
                "box_hash": self.box_hash.hex(), "forms_excluded": self.forms_excluded,
                "reason": self.reason}

    def signed_digest(self) -> bytes:
        return digest(EXCLUSION_TAG, canonical_json_bytes(self.body_obj()))

    def sign(self, role: str, key: nacl.signing.SigningKey) -> "Exclusion":
        """This decision with one more supervisor's signature."""
        if not isinstance(key, nacl.signing.SigningKey):
            raise EvoteTypeError("key: expected a nacl.signing.SigningKey")
        sig = SupervisorSignature(role, bytes(key.verify_key),
                                  key.sign(self.signed_digest()).signature)
        return replace(self, signatures=self.signatures + (sig,))

    def verify(self, manifest, complete: bool = True) -> None:
        """For this manifest and one of its stations; every signature valid and by a
        supervisor the manifest lists with that role; no key or role twice; (complete)
        one signature under each role of the manifest's signing_roles.exclusion."""
        where = self.where
        if self.manifest_hash != manifest.hash():
            raise ExclusionError(f"{where}: made for another manifest")
        try:
            manifest.station(self.station_id)
        except (EvoteError, KeyError):
            raise ExclusionError(f"{where}: station {self.station_id!r} is not in the "
                                 "manifest") from None
        sigs = self.signatures
        if len({s.public_key for s in sigs}) != len(sigs) or \
                len({s.role for s in sigs}) != len(sigs):
            raise ExclusionError(f"{where}: a supervisor key or role signs twice")
        listed = {(s.role, s.public_key) for s in manifest.supervisors}
        d = self.signed_digest()
        for i, s in enumerate(sigs):
            who = f"{where}: signature {i} ({s.role!r}, key {s.public_key.hex()[:16]}...)"
            if (s.role, s.public_key) not in listed:
                raise ExclusionError(f"{who}: not a supervisor the manifest lists with this "
                                     "role (manifest supervisors)")
            try:
                nacl.signing.VerifyKey(s.public_key).verify(d, s.signature)
            except _BAD_SIG:
                raise ExclusionError(f"{who}: the signature of the decision does not "
                                     "verify") from None
        required = manifest.signing_roles.exclusion
        missing = missing_roles(sigs, required) if complete else []
        if missing:
            raise ExclusionError(f"{where}: not signed by the required role(s) "
                                 f"{', '.join(missing)} (the manifest's "
                                 f"signing_roles.exclusion: {', '.join(required)}; signed by: "
                                 f"{', '.join(s.role for s in sigs) or 'nobody'})")

    def to_json_obj(self) -> dict:
        return dict(self.body_obj(), signatures=[s.to_json_obj() for s in self.signatures])

    def to_json_bytes(self) -> bytes:
        return canonical_json_bytes(self.to_json_obj())

    @classmethod
    def from_json_obj(cls, obj: Any, where: str = "exclusion") -> "Exclusion":
        """Strict: exactly the eight keys, the version, hex of the right lengths, ids that
        can name record files, an integer count, a reason; TallyInputError naming
        `where` and the field otherwise."""
        if not isinstance(obj, dict):
            raise TallyInputError(f"{where}: expected an object")
        _exact_keys(where, obj, _KEYS)
        if obj["version"] != EXCLUSION_VERSION:
            raise TallyInputError(f"{where}.version: {obj['version']!r} is not "
                                  f"{EXCLUSION_VERSION!r}")
        for k in ("station_id", "kiosk_id"):
            if not layout.is_safe_id(obj[k]):
                raise TallyInputError(f"{where}.{k}: {obj[k]!r:.80} cannot name a record file")
        sigs = obj["signatures"]
        if not isinstance(sigs, list):
            raise TallyInputError(f"{where}.signatures: expected a list")
        out = []
        for i, s in enumerate(sigs):
            w = f"{where}.signatures[{i}]"
            if not isinstance(s, dict):
                raise TallyInputError(f"{w}: expected an object")
            _exact_keys(w, s, ("public_key", "role", "signature"))
            if not isinstance(s["role"], str) or not s["role"]:
                raise TallyInputError(f"{w}.role: expected a non-empty string")
            out.append(SupervisorSignature(s["role"], parse_hex(f"{w}.public_key",
                                                                s["public_key"], 32),
                                           parse_hex(f"{w}.signature", s["signature"], 64)))
        check_reason(where, obj["reason"])
        return cls(parse_hex(f"{where}.manifest_hash", obj["manifest_hash"], 32),
                   obj["station_id"], obj["kiosk_id"],
                   parse_hex(f"{where}.box_hash", obj["box_hash"], 32),
                   parse_count(f"{where}.forms_excluded", obj["forms_excluded"]),
                   obj["reason"], tuple(out))

    @classmethod
    def from_json_bytes(cls, data: bytes, where: str = "exclusion") -> "Exclusion":
        """Parsed, and the bytes must be the canonical form (what was signed is what
        is published)."""
        try:
            obj = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise TallyInputError(f"{where}: not JSON ({exc})") from None
        e = cls.from_json_obj(obj, where)
        if e.to_json_bytes() != data:
            raise TallyInputError(f"{where}: not in canonical form (specs/record.md "
                                  "section 3)")
        return e


def exclusion_path(station_id: str, kiosk_id: str) -> str:
    return f"{EXCLUSIONS_DIR}/{station_id}/{kiosk_id}.json"


EXCLUSIONS_DIR = "exclusions"   # exclusions/<station_id>/<kiosk_id>.json in the record
