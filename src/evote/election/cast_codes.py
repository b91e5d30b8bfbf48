"""The CAST records of a record's ballot boxes, for the stations' pages of codes that
`evote seal` writes (evote.results.report_codes, specs/record.md section 1.1).

    record_cast_codes(election) -> {station_id: [CastCode]}

Every box boxes/<station>/<kiosk>.box (record_inputs.box_files: anything else under
boxes/ is refused) is read with the box reader (evote.ballotbox.reader.walk_box, with
the manifest's authority key and election hash and the station and kiosk of the path),
exactly as the verifier's station task reads it; every CAST record it yields is listed.
A box the supervising board excluded (exclusion.record_exclusions, V17) is left out, as
the verifier leaves it out of its station tasks: its ballots are not counted.
A box with any problem is refused: a record whose boxes do not verify is not sealed
with pages that would list its codes.
"""
from ..ballotbox.reader import walk_box
from ..ballotbox.records import CastRecord
from ..errors import BoxError, EvoteError
from ..results.report_codes import CastCode
from .exclusion import record_exclusions
from .record_inputs import box_files


class CastCodesRefused(EvoteError):
    """A box of the record does not verify (the message names it and the record)."""


def record_cast_codes(election) -> dict:
    """station id -> [CastCode] of every station with boxes (module docstring)."""
    m = election.manifest
    out = {}
    excluded = record_exclusions(election.directory, m)   # the board's (V17): not listed
    for rel in box_files(election):
        if rel in excluded:
            continue
        _, station_id, name = rel.split("/")
        kiosk_id = name[:-len(".box")]
        codes = out.setdefault(station_id, [])
        try:
            for record, problems in walk_box(election.full(rel), authority_key=m.authority_key,
                                             election_hash=m.hash(), station_id=station_id,
                                             kiosk_id=kiosk_id):
                if problems:
                    p = problems[0]
                    raise CastCodesRefused(f"{rel} record {p.seq}: {p.check}: {p.detail}")
                if isinstance(record, CastRecord):
                    codes.append(CastCode(kiosk_id, record.seq, record.code))
        except (BoxError, OSError) as exc:
            raise CastCodesRefused(f"{rel}: cannot be read: {exc}") from None
    return out
