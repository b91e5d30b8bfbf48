"""The reports a record holds (specs/record.md section 1.1), as bytes: the one definition
both the writer (`evote seal`, evote.election.results_step) and the verifier (check V18,
evote.verify.reports_check) use, so what a verifier regenerates is what was written.

    record_reports(er, root_hash, package_hash, cast_codes) -> {record path: bytes}

    reports/results.html             report_html.render_html
    reports/results.txt              report_text.render_text
    reports/contest-<id>.csv         report_csv.contest_csv, every contest
    reports/stations-<id>.csv        report_csv.station_csv, every contest with station rows
    reports/station-<id>.html        report_codes.station_codes_html, every station with
                                     ballot boxes (the codes of its CAST ballots)

cast_codes maps the id of every station with ballot boxes in the record to its CAST
records (report_codes.CastCode), as the box reader (evote.ballotbox.reader.walk_box)
yields them: the writer reads them from the boxes it seals, the verifier from the boxes
it verified (never from a report).

Every renderer is a pure function of its arguments (no clock, locale, environment,
dict order or library width table enters a byte), UTF-8 with "\\n" line ends.
"""
from typing import Dict, Mapping, Sequence

from ..errors import EvoteValueError
from ..record import layout
from .model import ElectionResults
from .report_codes import CastCode, station_codes_html
from .report_csv import contest_csv, station_csv
from .report_html import render_html
from .report_text import render_text


def record_reports(er: ElectionResults, root_hash: bytes, package_hash: bytes,
                   cast_codes: Mapping[str, Sequence[CastCode]]) -> Dict[str, bytes]:
    """Every defined report of a record whose verified results are `er`, whose root hash
    is `root_hash` and whose election package hash is `package_hash` (32 bytes each),
    whose stations with ballot boxes have the CAST records `cast_codes`."""
    for name, h in (("root_hash", root_hash), ("package_hash", package_hash)):
        if not isinstance(h, bytes) or len(h) != 32:
            raise EvoteValueError(f"record_reports: {name}: expected 32 bytes")
    cast_codes = {sid: tuple(codes) for sid, codes in cast_codes.items()}
    out = {layout.REPORT_HTML: render_html(er, root_hash, package_hash,
                                           cast_codes).encode("utf-8"),
           layout.REPORT_TEXT: render_text(er, root_hash, package_hash).encode("utf-8")}
    for r in er.contests:
        out[layout.report_contest_csv_path(r.contest_id)] = \
            contest_csv(er, r.contest_id).encode("utf-8")
        if er.station_rows(r.contest_id):
            out[layout.report_stations_csv_path(r.contest_id)] = \
                station_csv(er, r.contest_id).encode("utf-8")
    for sid in sorted(cast_codes):
        out[layout.report_station_codes_path(sid)] = station_codes_html(
            er.manifest, sid, cast_codes[sid], root_hash).encode("utf-8")
    return out
