"""Declared results of a station that fell back to paper, signed by its officials.

A PaperResult states, for each contest of the station's ballot style (style order), the
hand-counted votes per candidate (manifest order), ballots cast (blank included) and
blank ballots, the number of ballot forms issued at the station and how many of them
were spoiled (a voter's mistake, replaced by a new form; kept, never counted), so that
forms issued = ballots cast + spoiled forms (reconcile.py checks it). Officials sign it
with Ed25519 keys that the election authority (manifest.authority_key) certified for
this election, this station and this role (officials.py: the scheme shared with the
electronic stations' declarations, declaration.py):

    certificate = Ed25519_authority( digest("evote/v1/official-certificate",
                      manifest_hash, text(station_id), text(role), official public key) )
    signature   = Ed25519_official( digest("evote/v1/paper-result", body) )
    body        = canonical JSON (sorted keys, no spaces, UTF-8) of
                  {"version", "manifest_hash", "station_id", "forms_issued",
                   "spoiled_forms",
                   "contests": [{"contest_id", "votes", "ballots_cast", "blank"}, ...]}

The JSON form is the body plus "officials": [{"role", "public_key", "certificate",
"signature"}] (hex). specs/tally.md section 5.1 states it. verify() raises
PaperResultError naming the station and the official; it never returns False.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Sequence

import nacl.signing

from ..canonical_json import canonical_json_bytes
from ..errors import EvoteError, EvoteTypeError, InvalidSignature
from ..hashing import digest
from ..results.count import check_counts
from ..results.model import ContestCounts
from .errors import TallyInputError
from .model import _exact_keys
from .officials import (Official, check_station, officials_from_json, sign_official,
                        verify_officials)
from .officials import parse_count as _int
from .officials import parse_hex as _hex

PAPER_VERSION = "evote-paper-result/1"
SIGN_TAG = "evote/v1/paper-result"


class PaperResultError(InvalidSignature):
    """A paper result is not signed as required or does not fit the manifest."""


canonical_bytes = canonical_json_bytes  # the shared canonical form (evote.canonical_json)


@dataclass(frozen=True)
class PaperResult:
    manifest_hash: bytes
    station_id: str
    forms_issued: int
    contests: tuple          # ContestCounts, the station style's contests in style order
    officials: tuple = ()    # Official signatures
    spoiled_forms: int = 0   # forms spoiled by voters and replaced (never counted)

    def __post_init__(self):
        if not isinstance(self.manifest_hash, bytes) or len(self.manifest_hash) != 32:
            raise TallyInputError("PaperResult.manifest_hash: expected 32 bytes")
        if not isinstance(self.station_id, str) or not self.station_id:
            raise TallyInputError("PaperResult.station_id: expected a non-empty string")
        _int(f"paper result of station {self.station_id!r}: forms_issued", self.forms_issued)
        _int(f"paper result of station {self.station_id!r}: spoiled_forms", self.spoiled_forms)
        object.__setattr__(self, "contests", tuple(self.contests))
        object.__setattr__(self, "officials", tuple(self.officials))
        for c in self.contests:
            if not isinstance(c, ContestCounts):
                raise EvoteTypeError("PaperResult.contests: expected ContestCounts items")
        for o in self.officials:
            if not isinstance(o, Official):
                raise EvoteTypeError("PaperResult.officials: expected Official items")

    @property
    def where(self) -> str:
        return f"paper result of station {self.station_id!r}"

    def body_obj(self) -> dict:
        return {"version": PAPER_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "station_id": self.station_id, "forms_issued": self.forms_issued,
                "spoiled_forms": self.spoiled_forms,
                "contests": [{"contest_id": c.contest_id, "votes": list(c.votes),
                              "ballots_cast": c.ballots_cast, "blank": c.blank}
                             for c in self.contests]}

    def signed_digest(self) -> bytes:
        return digest(SIGN_TAG, canonical_bytes(self.body_obj()))

    def sign(self, role: str, key: nacl.signing.SigningKey, certificate: bytes) -> "PaperResult":
        """This result with one more official's signature."""
        return replace(self, officials=sign_official(self.officials, self.signed_digest(),
                                                     role, key, certificate))

    def counts(self) -> dict:
        return {c.contest_id: c for c in self.contests}

    def forms_mismatches(self) -> list:
        """The spoiled-forms rule (specs/record.md 5.1, the one rule V13, evote tally and
        reconcile.py apply): for every contest, ballots cast + spoiled forms = forms
        issued. One message per contest that breaks it."""
        return [f"paper contest {c.contest_id!r}: {c.ballots_cast} ballots cast + "
                f"{self.spoiled_forms} spoiled forms != {self.forms_issued} forms issued"
                for c in self.contests
                if c.ballots_cast + self.spoiled_forms != self.forms_issued]

    def verify(self, manifest, min_officials: int = 1, complete: bool = True) -> None:
        """Signed by at least min_officials distinct certified officials (each key and
        role once) and (complete) one under each of the manifest's signing_roles.station,
        for this manifest, this station, and the station style's contests with plausible
        counts. Raises PaperResultError."""
        where = self.where
        station = check_station(manifest, where, self.manifest_hash, self.station_id,
                                PaperResultError)
        want = manifest.style(station.style_id).contest_ids
        have = tuple(c.contest_id for c in self.contests)
        if have != want:
            raise PaperResultError(f"{where}: contests {list(have)} are not the station's "
                                   f"{list(want)} in order")
        for c in self.contests:
            try:
                check_counts(manifest.contest(c.contest_id), c)
            except EvoteError as exc:
                raise PaperResultError(f"{where}: {exc}") from None
        verify_officials(manifest, where, self.manifest_hash, self.station_id, self.officials,
                         self.signed_digest(), min_officials, "declared result",
                         PaperResultError,
                         manifest.signing_roles.station if complete else ())

    def to_json_obj(self) -> dict:
        return dict(self.body_obj(), officials=[o.to_json_obj() for o in self.officials])

    def to_json_bytes(self) -> bytes:
        return canonical_bytes(self.to_json_obj())

    @classmethod
    def from_json_obj(cls, obj: Any, where: str = "paper result") -> "PaperResult":
        if not isinstance(obj, dict):
            raise TallyInputError(f"{where}: expected an object")
        _exact_keys(where, obj, ("contests", "forms_issued", "manifest_hash", "officials",
                                 "spoiled_forms", "station_id", "version"))
        if obj["version"] != PAPER_VERSION:
            raise TallyInputError(f"{where}.version: {obj['version']!r} is not {PAPER_VERSION!r}")
        if not isinstance(obj["station_id"], str):
            raise TallyInputError(f"{where}.station_id: expected a string")
        where = f"{where} of station {obj['station_id']!r}"
        contests = []
        if not isinstance(obj["contests"], list) or not isinstance(obj["officials"], list):
            raise TallyInputError(f"{where}: contests and officials must be lists")
        for i, c in enumerate(obj["contests"]):
            w = f"{where}.contests[{i}]"
            if not isinstance(c, dict):
                raise TallyInputError(f"{w}: expected an object")
            _exact_keys(w, c, ("ballots_cast", "blank", "contest_id", "votes"))
            if not isinstance(c["votes"], list) or not isinstance(c["contest_id"], str):
                raise TallyInputError(f"{w}: contest_id must be a string and votes a list")
            votes = tuple(_int(f"{w}.votes[{k}]", v) for k, v in enumerate(c["votes"]))
            try:
                contests.append(ContestCounts(c["contest_id"], votes,
                                              _int(f"{w}.ballots_cast", c["ballots_cast"]),
                                              _int(f"{w}.blank", c["blank"])))
            except EvoteError as exc:
                raise TallyInputError(f"{w}: {exc}") from None
        officials = officials_from_json(where, obj["officials"])
        return cls(_hex(f"{where}.manifest_hash", obj["manifest_hash"], 32), obj["station_id"],
                   _int(f"{where}.forms_issued", obj["forms_issued"]), tuple(contests),
                   tuple(officials), _int(f"{where}.spoiled_forms", obj["spoiled_forms"]))

    @classmethod
    def from_json_bytes(cls, data: bytes, where: str = "paper result") -> "PaperResult":
        try:
            obj = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise TallyInputError(f"{where}: not JSON ({exc})") from None
        return cls.from_json_obj(obj, where)


def verify_paper_results(manifest, results: Sequence[PaperResult],
                         min_officials: int = 1) -> None:
    """Verify each; refuse two results for one station."""
    seen = set()
    for r in results:
        if not isinstance(r, PaperResult):
            raise EvoteTypeError("paper results: expected PaperResult items")
        if r.station_id in seen:
            raise PaperResultError(f"{r.where}: a second paper result for the station")
        seen.add(r.station_id)
        r.verify(manifest, min_officials)
