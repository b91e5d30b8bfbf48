"""`evote results` and `evote seal`: the tally centre's last steps on a record
(specs/election.md section 7).

    results(record_dir, lot_seed: bytes, *, settings=None) -> ElectionResults
    seal(record_dir) -> bytes                    # the root hash

results() reads the record's manifest, context, tally/encrypted.json, and
tally/decryption.json, and verifies the decryption against the encrypted district
tallies first (verify_decryption_record: every share's proof, at least t guardians), so
no result is ever computed from counts that were not proven; it reads and verifies every
paper/<station>.json; then computes the results as the verifier recomputes them
(evote.tally.election_results) and writes results/results.json and reports/
(results.html, results.txt, one CSV per contest and per contest's stations), each file
through files.write_new_file. It refuses a record that already has results/results.json
or a reports/ file of the same name (nothing is replaced), and a sealed record.

The lot seed breaks ties by lot. For now it is given by the tally centre (--lot-seed
HEX, 32 bytes), which means the tally centre could choose it after seeing the counts;
issue 12 replaces it with a value no party can choose (fixed before the count).
"""
from __future__ import annotations

import os

from ..errors import EvoteError
from ..record import layout
from ..record.writer import seal_record
from ..results import ResultSettings
from ..results.model import ElectionResults
from ..results.report_csv import contest_csv, station_csv
from ..results.report_html import render_html
from ..results.report_json import results_to_json_bytes
from ..results.report_text import render_text
from ..tally import (DecryptionRecord, PaperResult, election_results,
                     verify_decryption_record)
from .files import check_output, read_json_input, write_new_file
from .record_inputs import read_election, read_tallies


class ResultsRefused(EvoteError):
    """The record cannot be given results (or sealed): the message names the file."""


def parse_lot_seed(text) -> bytes:
    """32 bytes from 64 hex digits (the --lot-seed argument)."""
    value = text.strip().lower() if isinstance(text, str) else ""
    try:
        seed = bytes.fromhex(value)
    except ValueError:
        seed = b""
    if len(seed) != 32:
        raise ResultsRefused("--lot-seed: expected 64 hex digits (32 bytes)")
    return seed


def _paper_results(election) -> list:
    directory = election.full(layout.PAPER_DIR)
    if not os.path.isdir(directory):
        return []
    out = []
    for name in sorted(os.listdir(directory)):
        rel = f"{layout.PAPER_DIR}/{name}"
        value, _ = read_json_input(election.full(rel), f"record file {rel}", 1 << 24)
        try:
            p = PaperResult.from_json_obj(value, rel)
            if layout.paper_path(p.station_id) != rel:
                raise ResultsRefused(f"{rel}: holds the result of station {p.station_id!r}")
            p.verify(election.manifest)
        except EvoteError as exc:
            msg = str(exc)
            raise ResultsRefused(msg if msg.startswith(rel) else f"{rel}: {msg}") from None
        out.append(p)
    return out


def _sealed(directory: str) -> None:
    for name in (layout.INDEX, layout.ROOT):
        if os.path.lexists(os.path.join(directory, name)):
            raise ResultsRefused(f"record {directory}: already sealed ({name} exists); a "
                                 "sealed record is never changed")


def results(record_dir, lot_seed: bytes, *, settings=None) -> ElectionResults:
    """Verify the decryption, compute and write the results and reports (docstring)."""
    if not isinstance(lot_seed, bytes) or len(lot_seed) != 32:
        raise ResultsRefused("lot seed: expected 32 bytes")
    election = read_election(record_dir)
    _sealed(election.directory)
    m = election.manifest
    out_json = check_output(election.full(layout.RESULTS), f"record file {layout.RESULTS}")
    tallies, _ = read_tallies(election)
    value, _ = read_json_input(election.full(layout.DECRYPTION),
                               f"record file {layout.DECRYPTION}")
    try:
        decryption = DecryptionRecord.from_json_obj(value, layout.DECRYPTION)
        decrypted = verify_decryption_record(election.context, tallies.districts,
                                             decryption, manifest=m)
    except EvoteError as exc:
        msg = str(exc)
        raise ResultsRefused(msg if msg.startswith(layout.DECRYPTION)
                             else f"{layout.DECRYPTION}: {msg}") from None
    papers = _paper_results(election)
    er = election_results(m, decrypted, papers, electronic_stations=tuple(tallies.stations),
                          seed=lot_seed, settings=settings or ResultSettings())
    reports = {"results.html": render_html(er).encode("utf-8"),
               "results.txt": render_text(er).encode("utf-8")}
    for r in er.contests:
        reports[f"{r.contest_id}.csv"] = contest_csv(er, r.contest_id).encode("utf-8")
        if er.station_rows(r.contest_id):
            reports[f"{r.contest_id}-stations.csv"] = station_csv(er, r.contest_id).encode(
                "utf-8")
    reports_dir = election.full(layout.REPORTS_DIR)
    for name in sorted(reports):   # every refusal before the first write
        check_output(os.path.join(reports_dir, name), f"report {layout.REPORTS_DIR}/{name}")
    os.makedirs(os.path.dirname(out_json), exist_ok=True)
    write_new_file(out_json, results_to_json_bytes(er), f"record file {layout.RESULTS}")
    os.makedirs(reports_dir, exist_ok=True)
    for name, data in sorted(reports.items()):
        write_new_file(os.path.join(reports_dir, name), data,
                       f"report {layout.REPORTS_DIR}/{name}")
    return er


def seal(record_dir) -> bytes:
    """Write record.json and ROOT (record/writer.py seal_record); the root hash."""
    election = read_election(record_dir)   # a record at all: its manifest and context
    _sealed(election.directory)
    if not os.path.isfile(election.full(layout.RESULTS)):
        raise ResultsRefused(f"record {election.directory}: no {layout.RESULTS} yet "
                             "(evote results RECORD --lot-seed HEX comes before the seal)")
    try:
        return seal_record(election.directory)
    except EvoteError as exc:
        raise ResultsRefused(f"record {election.directory}: {exc}") from None


__all__ = ["results", "seal", "parse_lot_seed", "ResultsRefused"]
