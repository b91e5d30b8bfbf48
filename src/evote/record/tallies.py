"""The record's tally files (specs/record.md sections 6 and 7).

tally/encrypted.json: for every electronic station and every contest it offers, the
homomorphic sum of the CAST ballots' ciphertexts (one per candidate, in candidate order,
then the blank indicator's), and per contest the sum over all its electronic stations.

tally/decryption.json: per contest, the decryption shares (with Chaum-Pedersen proofs) of
the present guardians for the contest tally, and the counts they decrypt to.

Ciphertexts are held as their 64 raw bytes (alpha || beta) exactly as published: the
verifier decodes and checks them. Both files carry a version; readers refuse others.
"""
from dataclasses import dataclass
from typing import Tuple

from ..errors import EvoteError, RecordError
from ..hashing import text
from ..protocol.decryption import DecryptionShare
from .fields import Obj, as_hex, as_int

TALLY_VERSION = "evote-encrypted-tally/1"
DECRYPTION_VERSION = "evote-decryption/1"
CIPHERTEXT_SIZE = 64
MAX_GUARDIAN = 1000


def tally_labels(contest_id: str, n_candidates: int) -> list:
    """The decryption labels of a contest tally: "<contest id>#<position>" for each
    candidate position, then "<contest id>#blank" (UTF-8 bytes)."""
    return [text(f"{contest_id}#{k}") for k in range(n_candidates)] + [text(f"{contest_id}#blank")]


@dataclass(frozen=True)
class ContestTally:
    contest_id: str
    ballots: int                        # CAST ballots summed
    ciphertexts: Tuple[bytes, ...]      # 64 bytes each: candidates in order, then blank

    def to_json_obj(self) -> dict:
        return {"contest_id": self.contest_id, "ballots": self.ballots,
                "ciphertexts": [c.hex() for c in self.ciphertexts]}

    @classmethod
    def from_obj(cls, o: Obj) -> "ContestTally":
        o = Obj(o.v, o.where, ("contest_id", "ballots", "ciphertexts"))
        cts = tuple(as_hex(x, f"{o.at('ciphertexts')}[{i}]", CIPHERTEXT_SIZE)
                    for i, x in enumerate(o.list("ciphertexts")))
        return cls(o.str("contest_id", 255), o.int("ballots"), cts)


@dataclass(frozen=True)
class StationTally:
    station_id: str
    contests: Tuple[ContestTally, ...]

    def to_json_obj(self) -> dict:
        return {"station_id": self.station_id,
                "contests": [c.to_json_obj() for c in self.contests]}


@dataclass(frozen=True)
class EncryptedTallies:
    manifest_hash: bytes
    stations: Tuple[StationTally, ...]     # electronic stations, manifest order
    contests: Tuple[ContestTally, ...]     # manifest contest order

    def to_json_obj(self) -> dict:
        return {"version": TALLY_VERSION, "manifest_hash": self.manifest_hash.hex(),
                "stations": [s.to_json_obj() for s in self.stations],
                "contests": [c.to_json_obj() for c in self.contests]}

    @classmethod
    def from_json_obj(cls, value, where: str) -> "EncryptedTallies":
        o = Obj(value, where + " $", ("version", "manifest_hash", "stations", "contests"))
        if o.get("version") != TALLY_VERSION:
            raise RecordError(f"{o.at('version')}: {o.get('version')!r} is not {TALLY_VERSION!r}")
        stations = []
        for s in o.objs("stations", ("station_id", "contests")):
            stations.append(StationTally(s.str("station_id", 64),
                                         tuple(ContestTally.from_obj(c)
                                               for c in s.objs("contests"))))
        return cls(o.hex("manifest_hash", 32), tuple(stations),
                   tuple(ContestTally.from_obj(c) for c in o.objs("contests")))


@dataclass(frozen=True)
class ContestDecryption:
    contest_id: str
    shares: Tuple[DecryptionShare, ...]    # one per present guardian, by index
    votes: Tuple[int, ...]                 # decrypted counts, candidate order
    blank: int                             # decrypted blank-ballot count

    def to_json_obj(self) -> dict:
        return {"contest_id": self.contest_id, "votes": list(self.votes), "blank": self.blank,
                "shares": [s.to_json_obj() for s in self.shares]}

    @classmethod
    def from_obj(cls, o: Obj) -> "ContestDecryption":
        o = Obj(o.v, o.where, ("contest_id", "votes", "blank", "shares"))
        shares = []
        for i, s in enumerate(o.list("shares")):
            try:
                shares.append(DecryptionShare.from_json_obj(s))
            except EvoteError as exc:
                raise RecordError(f"{o.at('shares')}[{i}]: {exc}") from None
        votes = tuple(as_int(v, f"{o.at('votes')}[{i}]") for i, v in enumerate(o.list("votes")))
        return cls(o.str("contest_id", 255), tuple(shares), votes, o.int("blank"))


@dataclass(frozen=True)
class DecryptionRecord:
    base_hash: bytes
    contests: Tuple[ContestDecryption, ...]

    def to_json_obj(self) -> dict:
        return {"version": DECRYPTION_VERSION, "base_hash": self.base_hash.hex(),
                "contests": [c.to_json_obj() for c in self.contests]}

    @classmethod
    def from_json_obj(cls, value, where: str) -> "DecryptionRecord":
        o = Obj(value, where + " $", ("version", "base_hash", "contests"))
        if o.get("version") != DECRYPTION_VERSION:
            raise RecordError(f"{o.at('version')}: {o.get('version')!r} is not "
                              f"{DECRYPTION_VERSION!r}")
        return cls(o.hex("base_hash", 32),
                   tuple(ContestDecryption.from_obj(c) for c in o.objs("contests")))
