"""The verified winners and alternates that `evote verify` prints after VALID
(specs/record.md section 9).

    verified_winners(record_dir, manifest, results_file_hash) -> tuple[ContestWinners]

Invariant: called only when every check passed, so results/results.json is byte for byte
what the verifier recomputed from the decrypted counts (V15); its bytes are read once more
here and used only if their record file hash is the one V1/V2 verified against the root.
Names come from the verified manifest, never from results.json.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..hashing import digest, text
from ..record import layout
from ..record.jsonio import read_file_bounded


@dataclass(frozen=True)
class Elected:
    code: int
    name: str
    votes: int

    def to_json_obj(self) -> dict:
        return {"code": self.code, "name": self.name, "votes": self.votes}


@dataclass(frozen=True)
class ContestWinners:
    contest_id: str
    name: str
    seats: int
    winners: tuple        # Elected, in seat order (results.json "winners")
    alternates: tuple     # Elected, in order of succession ("alternate_codes")
    resolved: bool        # False: an unresolved tie leaves seats undecided
    unfilled_seats: int

    def to_json_obj(self) -> dict:
        return {"contest_id": self.contest_id, "name": self.name, "seats": self.seats,
                "winners": [w.to_json_obj() for w in self.winners],
                "alternates": [a.to_json_obj() for a in self.alternates],
                "resolved": self.resolved, "unfilled_seats": self.unfilled_seats}

    def to_lines(self) -> list:
        lines = [f"contest {self.contest_id}: {self.name} ({self.seats} seats)"]
        for label, people in (("winner", self.winners), ("alternate", self.alternates)):
            for k, e in enumerate(people, 1):
                lines.append(f"  {label} {k}: {e.code} {e.name} ({e.votes} votes)")
        if not self.winners:
            lines.append("  no winner")
        if not self.resolved:
            lines.append("  UNRESOLVED TIE: some seats are undecided (see results/results.json)")
        if self.unfilled_seats:
            lines.append(f"  UNFILLED SEATS: {self.unfilled_seats}")
        return lines


def verified_winners(record_dir: str, manifest, results_file_hash: bytes) -> tuple:
    """Each contest's winners and alternates in manifest contest order; () if the bytes
    on disk are no longer the verified ones (the record changed while being verified)."""
    data = read_file_bounded(f"{record_dir}/{layout.RESULTS}", layout.RESULTS)
    if digest("evote/v1/record-file", text(layout.RESULTS), data) != results_file_hash:
        return ()
    by_id = {c["contest_id"]: c for c in json.loads(data)["contests"]}
    out = []
    for contest in manifest.contests:
        c = by_id[contest.contest_id]
        names = {x.code: x.name for x in contest.candidates}
        votes = {x["code"]: x["votes"] for x in c["candidates"]}

        def people(codes):
            return tuple(Elected(code, names[code], votes[code]) for code in codes)
        out.append(ContestWinners(contest.contest_id, contest.name, c["seats"],
                                  people(c["winners"]), people(c["alternate_codes"]),
                                  c["resolved"], c["unfilled_seats"]))
    return tuple(out)
