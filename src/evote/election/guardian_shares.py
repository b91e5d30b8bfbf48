"""The guardian's share file (`evote-guardian-shares/1`, specs/election.md section 7):
what `evote guardian decrypt` writes on the guardian's machine and `evote combine` reads.

    {"version": "evote-guardian-shares/2", "manifest_hash": hex32,
     "guardian_index": int, "tally_hash": hex32,
     "contests": [{"district_id", "contest_id", "ballots", "share": <DecryptionShare>}],
     "lot": <DecryptionShare of the context's lot ciphertext, label lot.LOT_LABEL>,
     "slot_shares": [{"contest_id", "file", "hash"}]}   # only with slot contests

slot_shares (present only when the guardian decrypted slot contests; absent otherwise,
so a file of an election without them keeps its bytes): for each slot contest, in
manifest order, the name of a binary file in the same directory holding the guardian's
slot shares (`EVDS`, specs/slot-decryption.md 6) and H("evote/v1/slot-shares-file";
its bytes). Binary beside the JSON, not inside it: 32 bytes per slot (2 GB for Tehran's
63 million slots) would be 4 GB of hex in one JSON value; the hash binds each file to
this one. `contests` may be empty when slot_shares is not (an election of slot contests
only).

tally_hash = H("evote/v1/tally-file"; bytes of the record's tally/encrypted.json): the
file is for that tally and no other. Invariants of a parsed GuardianShares: contests
sorted by (district, contest), none repeated; every share (the lot's too, one partial) is
the file's guardian's.
Public (partial decryptions with proofs); it holds no secret.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from ..errors import EvoteError, InvalidEncoding
from ..hashing import digest
from ..protocol import ceremony_wire as w
from ..protocol.decryption import DecryptionShare
from .json_fields import exact_fields, hex_field

VERSION = "evote-guardian-shares/2"
TALLY_FILE_TAG = "evote/v1/tally-file"
SLOT_FILE_TAG = "evote/v1/slot-shares-file"


class GuardianSharesError(InvalidEncoding):
    """A share file that is malformed (names the file and the field)."""


_exact = partial(exact_fields, error=GuardianSharesError)
_hex32 = partial(hex_field, size=32, error=GuardianSharesError)


def tally_file_hash(tally_bytes: bytes) -> bytes:
    """H("evote/v1/tally-file"; the bytes of tally/encrypted.json)."""
    return digest(TALLY_FILE_TAG, bytes(tally_bytes))


def slot_file_hash(data: bytes) -> bytes:
    """H("evote/v1/slot-shares-file"; the bytes of a guardian's EVDS slot shares file)."""
    return digest(SLOT_FILE_TAG, bytes(data))


@dataclass(frozen=True)
class SlotSharesEntry:
    """A slot contest's shares: the binary file's name (beside the JSON) and hash."""
    contest_id: str
    file: str
    hash: bytes

    def to_json_obj(self) -> dict:
        return {"contest_id": self.contest_id, "file": self.file, "hash": self.hash.hex()}


@dataclass(frozen=True)
class ContestShare:
    district_id: str
    contest_id: str
    ballots: int
    share: DecryptionShare

    def to_json_obj(self) -> dict:
        return {"district_id": self.district_id, "contest_id": self.contest_id,
                "ballots": self.ballots, "share": self.share.to_json_obj()}


@dataclass(frozen=True)
class GuardianShares:
    manifest_hash: bytes
    guardian_index: int
    tally_hash: bytes
    contests: tuple          # ContestShare, sorted by (district, contest)
    lot: DecryptionShare     # of the context's lot ciphertext (specs/key-ceremony.md 12)
    slot_shares: tuple = ()  # SlotSharesEntry, one per decrypted slot contest

    def to_json_obj(self) -> dict:
        out = {"version": VERSION, "manifest_hash": self.manifest_hash.hex(),
               "guardian_index": self.guardian_index, "tally_hash": self.tally_hash.hex(),
               "contests": [c.to_json_obj() for c in self.contests],
               "lot": self.lot.to_json_obj()}
        if self.slot_shares:
            out["slot_shares"] = [e.to_json_obj() for e in self.slot_shares]
        return out

    def by_contest(self) -> dict:
        return {(c.district_id, c.contest_id): c for c in self.contests}

    @classmethod
    def from_json_obj(cls, obj: Any, where: str = "share file") -> "GuardianShares":
        keys = ("version", "manifest_hash", "guardian_index", "tally_hash", "contests", "lot")
        _exact(where, obj, keys + (("slot_shares",) if isinstance(obj, dict) and
                                   "slot_shares" in obj else ()))
        if obj["version"] != VERSION:
            raise GuardianSharesError(f"{where}.version: {obj['version']!r} is not "
                                      f"{VERSION!r}")
        mh = _hex32(f"{where}.manifest_hash", obj["manifest_hash"])
        th = _hex32(f"{where}.tally_hash", obj["tally_hash"])
        index = obj["guardian_index"]
        if isinstance(index, bool) or not isinstance(index, int) or \
                not 1 <= index <= w.MAX_GUARDIANS:
            raise GuardianSharesError(f"{where}.guardian_index: expected an integer in "
                                      f"1..{w.MAX_GUARDIANS}")
        slots = _slot_entries(f"{where}.slot_shares", obj["slot_shares"]) \
            if "slot_shares" in obj else ()
        if not isinstance(obj["contests"], list) or not (obj["contests"] or slots):
            raise GuardianSharesError(f"{where}.contests: expected a non-empty list")
        contests = tuple(_contest(f"{where}.contests[{i}]", c, index)
                         for i, c in enumerate(obj["contests"]))
        keys = [(c.district_id, c.contest_id) for c in contests]
        if keys != sorted(set(keys)):
            raise GuardianSharesError(f"{where}.contests: not sorted by (district, contest) "
                                      "or a contest is repeated")
        try:
            lot = DecryptionShare.from_json_obj(obj["lot"])
        except EvoteError as exc:
            raise GuardianSharesError(f"{where}.lot: {exc}") from None
        if lot.guardian_index != index or len(lot.partials) != 1:
            raise GuardianSharesError(f"{where}.lot: expected one partial decryption of "
                                      f"guardian {index}")
        return cls(mh, index, th, contests, lot, slots)


def is_share_file_obj(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("version") == VERSION


def _slot_entries(where: str, value: Any) -> tuple:
    if not isinstance(value, list) or not value:
        raise GuardianSharesError(f"{where}: expected a non-empty list")
    out = []
    for i, e in enumerate(value):
        w_i = f"{where}[{i}]"
        _exact(w_i, e, ("contest_id", "file", "hash"))
        for key in ("contest_id", "file"):
            if not isinstance(e[key], str) or not e[key]:
                raise GuardianSharesError(f"{w_i}.{key}: expected a non-empty string")
        if "/" in e["file"] or "\\" in e["file"] or e["file"] in (".", ".."):
            raise GuardianSharesError(f"{w_i}.file: a file name in the share file's "
                                      "directory, not a path")
        out.append(SlotSharesEntry(e["contest_id"], e["file"],
                                   _hex32(f"{w_i}.hash", e["hash"])))
    ids = [e.contest_id for e in out]
    if len(set(ids)) != len(ids):
        raise GuardianSharesError(f"{where}: a contest is repeated")
    return tuple(out)

def _contest(where: str, obj: Any, index: int) -> ContestShare:
    _exact(where, obj, ("district_id", "contest_id", "ballots", "share"))
    for key in ("district_id", "contest_id"):
        if not isinstance(obj[key], str) or not obj[key]:
            raise GuardianSharesError(f"{where}.{key}: expected a non-empty string")
    where = f"{where} (district {obj['district_id']!r}, contest {obj['contest_id']!r})"
    ballots = obj["ballots"]
    if isinstance(ballots, bool) or not isinstance(ballots, int) or ballots < 0:
        raise GuardianSharesError(f"{where}.ballots: expected an integer >= 0")
    try:
        share = DecryptionShare.from_json_obj(obj["share"])
    except EvoteError as exc:
        raise GuardianSharesError(f"{where}.share: {exc}") from None
    if share.guardian_index != index:
        raise GuardianSharesError(f"{where}.share: a share of guardian "
                                  f"{share.guardian_index} in guardian {index}'s file")
    return ContestShare(obj["district_id"], obj["contest_id"], ballots, share)
