"""An electronic station's decision to fall back to paper, signed by its officials
(specs/record.md section 5.4).

When a station's kiosks fail, its officials close them and finish on paper. The decision
names every kiosk the election package lists for the station with the record file hash
of its box, so the boxes are counted with the paper result and can be neither dropped
nor swapped afterwards:

    signature = Ed25519_official( digest("evote/v1/paper-fallback", body) )
    body      = canonical JSON (evote.canonical_json) of
                {"version": "evote-paper-fallback/1", "manifest_hash", "station_id",
                 "reason", "closed_boxes": [{"kiosk_id", "box_hash"}, ...]}

closed_boxes are sorted by kiosk id, each kiosk once. Officials sign with the scheme of
paper results and declarations (officials.py), under a tag of their own, so a signature
of a decision never passes for another form's. The JSON form is the body plus
"officials": [{"role", "public_key", "certificate", "signature"}] (hex).

verify(manifest) checks what the manifest alone allows (station, certificates,
signatures, required roles); whether the station is electronic in the election package,
its officials listed there, its kiosks exactly the package's and the hashes those of
the record's boxes are the caller's (evote tally, verifier V1/V13), which hold the
package and the boxes. Raises PaperFallbackError naming the station; never returns False.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import nacl.signing

from ..canonical_json import canonical_json_bytes
from ..errors import EvoteTypeError, InvalidSignature
from ..hashing import digest
from ..record import layout
from .errors import TallyInputError
from .model import _exact_keys
from .officials import (Official, check_station, officials_from_json, parse_hex,
                        sign_official, verify_officials)

FALLBACK_VERSION = "evote-paper-fallback/1"
FALLBACK_TAG = "evote/v1/paper-fallback"
MAX_REASON = 1000
_KEYS = ("closed_boxes", "manifest_hash", "officials", "reason", "station_id", "version")


class PaperFallbackError(InvalidSignature):
    """A fallback decision is not signed as required or does not fit the manifest."""


def check_reason(where: str, reason: Any) -> str:
    """1-1000 characters, no control character but newline."""
    if not isinstance(reason, str) or not 1 <= len(reason) <= MAX_REASON:
        raise TallyInputError(f"{where}: expected a text of 1 to {MAX_REASON} characters")
    if any((ord(ch) < 32 and ch != "\n") or 0x7f <= ord(ch) < 0xa0 for ch in reason):
        raise TallyInputError(f"{where}: holds a control character (only newline is "
                              "allowed)")
    return reason


@dataclass(frozen=True)
class ClosedBox:
    kiosk_id: str
    box_hash: bytes   # file_hash("boxes/<station>/<kiosk>.box", box bytes), 32 bytes

    def to_json_obj(self) -> dict:
        return {"kiosk_id": self.kiosk_id, "box_hash": self.box_hash.hex()}


@dataclass(frozen=True)
class PaperFallback:
    manifest_hash: bytes
    station_id: str
    reason: str
    closed_boxes: tuple      # ClosedBox, sorted by kiosk id, each kiosk once
    officials: tuple = ()    # Official signatures

    def __post_init__(self):
        if not isinstance(self.manifest_hash, bytes) or len(self.manifest_hash) != 32:
            raise TallyInputError("PaperFallback.manifest_hash: expected 32 bytes")
        if not layout.is_safe_id(self.station_id):
            raise TallyInputError("PaperFallback.station_id: not a station id that can name "
                                  "a record file")
        check_reason(f"{self.where}: reason", self.reason)
        boxes = tuple(self.closed_boxes)
        object.__setattr__(self, "closed_boxes", boxes)
        if not boxes:
            raise TallyInputError(f"{self.where}: closed_boxes: names no box (an electronic "
                                  "station has at least one kiosk)")
        for b in boxes:
            if not isinstance(b, ClosedBox) or not layout.is_safe_id(b.kiosk_id) or \
                    not isinstance(b.box_hash, bytes) or len(b.box_hash) != 32:
                raise TallyInputError(f"{self.where}: closed_boxes: expected ClosedBox items "
                                      "(a kiosk id and a 32-byte hash)")
        ids = [b.kiosk_id for b in boxes]
        if ids != sorted(set(ids)):
            raise TallyInputError(f"{self.where}: closed_boxes: kiosks must be sorted by id, "
                                  "each once")
        object.__setattr__(self, "officials", tuple(self.officials))
        for o in self.officials:
            if not isinstance(o, Official):
                raise EvoteTypeError("PaperFallback.officials: expected Official items")

    @property
    def where(self) -> str:
        return f"fallback decision of station {self.station_id!r}"

    @property
    def path(self) -> str:
        return layout.fallback_path(self.station_id)

    def box_hashes(self) -> dict:
        """kiosk id -> box hash."""
        return {b.kiosk_id: b.box_hash for b in self.closed_boxes}

    def body_obj(self) -> dict:
        return {"version": FALLBACK_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "station_id": self.station_id, "reason": self.reason,
                "closed_boxes": [b.to_json_obj() for b in self.closed_boxes]}

    def signed_digest(self) -> bytes:
        return digest(FALLBACK_TAG, canonical_json_bytes(self.body_obj()))

    def sign(self, role: str, key: nacl.signing.SigningKey,
             certificate: bytes) -> "PaperFallback":
        """This decision with one more official's signature."""
        return replace(self, officials=sign_official(self.officials, self.signed_digest(),
                                                     role, key, certificate))

    def verify(self, manifest, min_officials: int = 1, complete: bool = True) -> None:
        """For this manifest and one of its stations, signed by distinct officials
        certified for this station and role, and (complete) one under each role of the
        manifest's signing_roles.station. Raises PaperFallbackError."""
        check_station(manifest, self.where, self.manifest_hash, self.station_id,
                      PaperFallbackError)
        verify_officials(manifest, self.where, self.manifest_hash, self.station_id,
                         self.officials, self.signed_digest(), min_officials,
                         "fallback decision", PaperFallbackError,
                         manifest.signing_roles.station if complete else ())

    def to_json_obj(self) -> dict:
        return dict(self.body_obj(), officials=[o.to_json_obj() for o in self.officials])

    def to_json_bytes(self) -> bytes:
        return canonical_json_bytes(self.to_json_obj())

    @classmethod
    def from_json_obj(cls, obj: Any, where: str = "fallback decision") -> "PaperFallback":
        """Strict: exactly the six keys, the version, hex of the right length, a reason
        of 1-1000 characters, closed boxes sorted by kiosk id; TallyInputError naming
        `where` and the field otherwise."""
        if not isinstance(obj, dict):
            raise TallyInputError(f"{where}: expected an object")
        _exact_keys(where, obj, _KEYS)
        if obj["version"] != FALLBACK_VERSION:
            raise TallyInputError(f"{where}.version: {obj['version']!r} is not "
                                  f"{FALLBACK_VERSION!r}")
        if not layout.is_safe_id(obj["station_id"]):
            raise TallyInputError(f"{where}.station_id: expected a station id")
        where = f"{where} of station {obj['station_id']!r}"
        boxes = obj["closed_boxes"]
        if not isinstance(boxes, list):
            raise TallyInputError(f"{where}.closed_boxes: expected a list")
        out = []
        for i, b in enumerate(boxes):
            w = f"{where}.closed_boxes[{i}]"
            if not isinstance(b, dict):
                raise TallyInputError(f"{w}: expected an object")
            _exact_keys(w, b, ("box_hash", "kiosk_id"))
            if not layout.is_safe_id(b["kiosk_id"]):
                raise TallyInputError(f"{w}.kiosk_id: expected a kiosk id")
            out.append(ClosedBox(b["kiosk_id"], parse_hex(f"{w}.box_hash", b["box_hash"], 32)))
        return cls(parse_hex(f"{where}.manifest_hash", obj["manifest_hash"], 32),
                   obj["station_id"], check_reason(f"{where}.reason", obj["reason"]),
                   tuple(out), officials_from_json(where, obj["officials"]))

    @classmethod
    def from_json_bytes(cls, data: bytes, where: str = "fallback decision") -> "PaperFallback":
        try:
            obj = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise TallyInputError(f"{where}: not JSON ({exc})") from None
        return cls.from_json_obj(obj, where)


def package_mismatches(decision: PaperFallback, plan) -> list:
    """What is wrong between the decision and the election package's plan of its station
    (election.package StationPlan): the station must be electronic there and the decision
    must name exactly its kiosks. Empty when they agree."""
    if plan.mode != "electronic":
        return [f"station {decision.station_id!r} is a {plan.mode} station in the election "
                "package: it has no kiosk to fall back from (its officials sign a paper "
                "result only)"]
    listed = sorted(k.kiosk_id for k in plan.kiosks)
    named = [b.kiosk_id for b in decision.closed_boxes]
    out = []
    for k in listed:
        if k not in named:
            out.append(f"kiosk {k!r} of the station is listed in the election package but "
                       "the decision does not name its box")
    for k in named:
        if k not in listed:
            out.append(f"kiosk {k!r} is not listed for the station in the election package")
    return out


__all__ = ["PaperFallback", "ClosedBox", "PaperFallbackError", "FALLBACK_VERSION",
           "FALLBACK_TAG", "package_mismatches", "check_reason"]
