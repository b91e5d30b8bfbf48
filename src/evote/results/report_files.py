"""The reports a record holds (specs/record.md section 1.1), as bytes: the one definition
both the writer (`evote seal`, evote.election.results_step) and the verifier (check V18,
evote.verify.reports_check) use, so what a verifier regenerates is what was written.

    record_reports(er, root_hash, package_hash) -> {record path: bytes}

    reports/results.html             report_html.render_html
    reports/results.txt              report_text.render_text
    reports/contest-<id>.csv         report_csv.contest_csv, every contest
    reports/stations-<id>.csv        report_csv.station_csv, every contest with station rows

Every renderer is a pure function of its arguments (no clock, locale, environment,
dict order or library width table enters a byte), UTF-8 with "\\n" line ends.
"""
from typing import Dict

from ..errors import EvoteValueError
from ..record import layout
from .model import ElectionResults
from .report_csv import contest_csv, station_csv
from .report_html import render_html
from .report_text import render_text


def record_reports(er: ElectionResults, root_hash: bytes, package_hash: bytes
                   ) -> Dict[str, bytes]:
    """Every defined report of a record whose verified results are `er`, whose root hash
    is `root_hash` and whose election package hash is `package_hash` (32 bytes each)."""
    for name, h in (("root_hash", root_hash), ("package_hash", package_hash)):
        if not isinstance(h, bytes) or len(h) != 32:
            raise EvoteValueError(f"record_reports: {name}: expected 32 bytes")
    out = {layout.REPORT_HTML: render_html(er, root_hash, package_hash).encode("utf-8"),
           layout.REPORT_TEXT: render_text(er, root_hash, package_hash).encode("utf-8")}
    for r in er.contests:
        out[layout.report_contest_csv_path(r.contest_id)] = \
            contest_csv(er, r.contest_id).encode("utf-8")
        if er.station_rows(r.contest_id):
            out[layout.report_stations_csv_path(r.contest_id)] = \
                station_csv(er, r.contest_id).encode("utf-8")
    return out
