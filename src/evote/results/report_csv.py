"""CSV reports: one table per contest (a row per candidate) and one per contest's stations
(a row per station, a column per candidate). UTF-8, "\\n" line ends, codes and counts as
plain ASCII digits, deterministic. excel=True prepends a BOM so spreadsheet programs read
the Persian names as UTF-8."""
import csv
import io
import os
from typing import Dict

from .model import ElectionResults

BOM = "\ufeff"


def _cell(v, excel: bool):
    # A spreadsheet runs a cell that starts with = + - @ as a formula: quote it there.
    if excel and isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def _table(rows, excel: bool) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows([[_cell(v, excel) for v in row] for row in rows])
    return (BOM if excel else "") + buf.getvalue()


def contest_csv(er: ElectionResults, contest_id: str, excel: bool = False) -> str:
    r = er.result(contest_id)
    contest = er.manifest.contest(contest_id)
    lists = {p.code: p.name for p in contest.lists}
    rows = [["contest_id", "code", "name", "list_code", "list_name", "votes", "rank",
             "status"]]
    for c, cr in zip(contest.candidates, r.candidates):
        rows.append([contest_id, cr.code, c.name, "" if c.list_code is None else c.list_code,
                     lists.get(c.list_code, ""), cr.votes, cr.rank, cr.status])
    return _table(rows, excel)


def station_csv(er: ElectionResults, contest_id: str, excel: bool = False) -> str:
    contest = er.manifest.contest(contest_id)
    rows = [["station_id", "station_name", "source", "ballots_cast", "blank", "valid"]
            + [f"c{c.code}" for c in contest.candidates]]
    for s in er.station_rows(contest_id):
        k = s.counts
        rows.append([s.station_id, er.manifest.station(s.station_id).name,
                     "paper" if s.paper else "encrypted", k.ballots_cast, k.blank, k.valid]
                    + list(k.votes))
    return _table(rows, excel)


def write_csv_reports(er: ElectionResults, directory, excel: bool = False) -> Dict[str, str]:
    """Write contest-<contest_id>.csv and stations-<contest_id>.csv (when station counts
    exist), the names a record's reports/ uses, into directory as new files (never
    replacing one); returns file name -> path."""
    from ..new_files import write_new_file
    from ..record import layout
    os.makedirs(directory, exist_ok=True)
    out = {}
    for r in er.contests:
        files = {layout.report_contest_csv_path(r.contest_id): contest_csv(er, r.contest_id,
                                                                          excel)}
        if er.station_rows(r.contest_id):
            files[layout.report_stations_csv_path(r.contest_id)] = station_csv(
                er, r.contest_id, excel)
        for rel, content in files.items():
            name = rel.rsplit("/", 1)[1]
            out[name] = write_new_file(os.path.join(directory, name),
                                       content.encode("utf-8"), f"CSV report {name}")
    return out
