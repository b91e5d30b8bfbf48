"""`evote results` and `evote seal`: the tally centre's last steps on a record
(specs/election.md section 7).

    results(record_dir) -> ElectionResults
    seal(record_dir) -> bytes                    # the root hash

results() reads the record's manifest, context, tally/encrypted.json, and
tally/decryption.json, and verifies the decryption against the encrypted district
tallies first (verify_decryption_record: every share's proof, at least t guardians), so
no result is ever computed from counts that were not proven; it reads and verifies every
paper/<station>.json, and tally/lot.json (record/lot.py: the guardians' shares of the
context's lot ciphertext, verified; its seed); then computes the results as the verifier
recomputes them (each contest under its manifest settings, ties by lot from that seed)
(evote.tally.election_results) and writes results/results.json through
files.write_new_file. It refuses a record that already has results/results.json (nothing
is replaced), and a sealed record.

seal() computes the root hash and only then writes the reports people read (reports/,
evote.results.report_files.record_reports: they show the root hash and the package hash,
so they cannot be covered by it; the verifier regenerates them, check V18): it reads
results/results.json back (results_from_json_bytes: the reports show exactly what it
holds) and package.json (verified: its hash is shown), refuses a reports/ that already
holds anything, writes record.json and ROOT, then each report.

Nothing that decides a result is an argument: the result settings are each contest's in
the manifest, and the lot seed is the hash of the threshold decryption of the lot
ciphertext fixed in the context before the polls (specs/key-ceremony.md section 12,
specs/results.md section 4).
"""
from __future__ import annotations

import os

from ..errors import EvoteError
from ..record import layout
from ..record.lot import LotDecryption
from ..record.writer import seal_record
from ..results.model import ElectionResults
from ..results.report_files import record_reports
from ..results.report_json import results_from_json_bytes, results_to_json_bytes
from ..tally import (DecryptionRecord, PaperResult, election_results,
                     verify_decryption_record)
from .cast_codes import record_cast_codes
from .fallback import record_fallbacks
from .files import check_output, read_input, read_json_input, write_new_file
from .package import MAX_PACKAGE_BYTES, parse_package_bytes
from .record_inputs import read_election, read_tallies
from .slot_shares import record_slot_counts
from ..tally.slot_counts import merge_decrypted


class ResultsRefused(EvoteError):
    """The record cannot be given results (or sealed): the message names the file."""


def verified_lot_seed(election) -> bytes:
    """The seed of tally/lot.json after every check (LotDecryption.verify)."""
    value, _ = read_json_input(election.full(layout.LOT), f"record file {layout.LOT}")
    try:
        return LotDecryption.from_json_obj(value, layout.LOT).verify(election.context)
    except EvoteError as exc:
        msg = str(exc)
        raise ResultsRefused(msg if msg.startswith(layout.LOT)
                             else f"{layout.LOT}: {msg}") from None


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


def results(record_dir) -> ElectionResults:
    """Verify the decryption and the lot, compute and write the results (docstring)."""
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
    try:   # slot contests: the verified slot decryption's counts (slot_shares.py)
        decrypted = merge_decrypted(decrypted, record_slot_counts(election))
    except EvoteError as exc:
        raise ResultsRefused(str(exc)) from None
    papers = _paper_results(election)
    lot_seed = verified_lot_seed(election)
    fallbacks = record_fallbacks(election)   # record.md 5.4: boxes and paper both count
    er = election_results(m, decrypted, papers, electronic_stations=tuple(
        s for s in tallies.stations if s not in fallbacks), seed=lot_seed)
    os.makedirs(os.path.dirname(out_json), exist_ok=True)
    write_new_file(out_json, results_to_json_bytes(er), f"record file {layout.RESULTS}")
    return er


def _reports_dir_empty(election) -> str:
    """reports/ (absolute); refused unless it is absent or an empty directory: every
    file there must be one seal writes (V18 fails on any other)."""
    path = election.full(layout.REPORTS_DIR)
    if os.path.islink(path) or (os.path.lexists(path) and not os.path.isdir(path)):
        raise ResultsRefused(f"record {election.directory}: {layout.REPORTS_DIR} is not a "
                             "directory")
    if os.path.isdir(path) and os.listdir(path):
        first = sorted(os.listdir(path))[0]
        raise ResultsRefused(f"record {election.directory}: {layout.REPORTS_DIR}/{first} "
                             f"exists; evote seal writes every report itself, into an "
                             f"empty {layout.REPORTS_DIR}/ (move the old files out)")
    return path


def seal(record_dir) -> bytes:
    """Write record.json and ROOT (record/writer.py seal_record), then the reports
    (module docstring); the root hash."""
    election = read_election(record_dir)   # a record at all: its manifest and context
    _sealed(election.directory)
    if not os.path.isfile(election.full(layout.RESULTS)):
        raise ResultsRefused(f"record {election.directory}: no {layout.RESULTS} yet "
                             "(evote results RECORD comes before the seal)")
    data = read_input(election.full(layout.RESULTS), f"record file {layout.RESULTS}",
                           1 << 26)
    try:
        er = results_from_json_bytes(election.manifest, data, layout.RESULTS)
    except EvoteError as exc:
        raise ResultsRefused(str(exc)) from None
    package_data = read_input(election.full(layout.PACKAGE),
                                   f"record file {layout.PACKAGE}", MAX_PACKAGE_BYTES)
    try:
        package = parse_package_bytes(package_data, layout.PACKAGE)
    except EvoteError as exc:
        msg = str(exc)
        raise ResultsRefused(msg if msg.startswith(layout.PACKAGE)
                             else f"{layout.PACKAGE}: {msg}") from None
    reports_dir = _reports_dir_empty(election)
    try:
        cast_codes = record_cast_codes(election)   # for the stations' pages of codes
    except EvoteError as exc:
        raise ResultsRefused(f"record {election.directory}: {exc}") from None
    try:
        root = seal_record(election.directory)
    except EvoteError as exc:
        raise ResultsRefused(f"record {election.directory}: {exc}") from None
    try:
        reports = record_reports(er, root, package.hash(), cast_codes)
    except (EvoteError, KeyError, TypeError, ValueError) as exc:
        raise ResultsRefused(f"record {election.directory}: sealed (root hash {root.hex()})"
                             f" but {layout.RESULTS} cannot be rendered as reports: "
                             f"{exc}") from None
    os.makedirs(reports_dir, exist_ok=True)
    for rel, report in sorted(reports.items()):
        write_new_file(election.full(rel), report, f"report {rel}")
    return root


__all__ = ["results", "seal", "verified_lot_seed", "ResultsRefused"]
