"""The record's encrypted tallies file (specs/record.md section 6).

tally/encrypted.json gathers the tally engine's encrypted tallies (evote.tally,
`evote-encrypted-tally/1` objects) under one versioned object:

    {"version": "evote-record-tallies/1", "manifest_hash": hex,
     "stations":  {station id: <EncryptedTally JSON>, ...},   // every station with boxes
     "districts": {district id: <EncryptedTally JSON>, ...}}  // what is decrypted

tally/decryption.json is the tally engine's DecryptionRecord JSON as it is
(`evote-tally-decryption/1`), paper/<station>.json its PaperResult JSON
(`evote-paper-result/1`) and declarations/<station>.json its StationDeclaration JSON
(`evote-station-declaration/1`): no wrapper needed.
"""
from dataclasses import dataclass
from typing import Mapping

from ..errors import EvoteError, RecordError
from ..tally import EncryptedTally
from .fields import Obj

RECORD_TALLIES_VERSION = "evote-record-tallies/1"


@dataclass(frozen=True)
class RecordTallies:
    manifest_hash: bytes
    stations: Mapping[str, EncryptedTally]
    districts: Mapping[str, EncryptedTally]

    def to_json_obj(self) -> dict:
        return {"version": RECORD_TALLIES_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "stations": {k: t.to_json_obj() for k, t in sorted(self.stations.items())},
                "districts": {k: t.to_json_obj() for k, t in sorted(self.districts.items())}}

    @classmethod
    def from_json_obj(cls, value, where: str = "tally/encrypted.json") -> "RecordTallies":
        """Strict reader; RecordError names the file, the station or district, the field.
        `where` is the name errors start with: the file the value was read from (the
        record's tally/encrypted.json unless said otherwise)."""
        o = Obj(value, where + " $", ("version", "manifest_hash", "stations", "districts"))
        if o.get("version") != RECORD_TALLIES_VERSION:
            raise RecordError(f"{o.at('version')}: {o.get('version')!r} is not "
                              f"{RECORD_TALLIES_VERSION!r}")
        parts = {}
        for key in ("stations", "districts"):
            group = o.obj(key)
            parts[key] = {}
            for name, obj in group.v.items():
                try:
                    parts[key][name] = EncryptedTally.from_json_obj(obj, f"{group.at(name)}")
                except EvoteError as exc:
                    raise RecordError(str(exc)) from None
        return cls(o.hex("manifest_hash", 32), parts["stations"], parts["districts"])
