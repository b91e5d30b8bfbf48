"""`evote demo`: a whole municipal election, end to end, then verified.

    run_demo(out_dir, stations=8, voters_per_station=200, seed=1405, jobs=None, log=print)
        -> DemoOutcome(root, report, results, html_path, record_dir)

Steps: the authority's key; the manifest (make_demo_manifest: a city council 9 seats /
6 alternates / 50 candidates and village councils 3/2 and 5/3); a 3-of-5 key ceremony;
kiosks certified per station; voters casting through real ballot boxes (a few Benaloh
challenges) in parallel per station; each electronic station's officials declare (signed)
the forms they issued; one city station falls back to paper (declared, signed result);
station and contest tallies, every station reconciled (forms issued = ballots cast =
CLOSE counts); decryption by 4 of the 5 guardians (one is absent); results and reports
(HTML, CSV, text); the record sealed (root hash); then the verifier on the record.

Reproducible: the same seed gives the same manifest (the demo authority key is derived
from the seed: a demo shortcut, never for a real election), the same choices and the
same results (the lot seed is derived from the demo seed). Kiosk keys, guardian secrets
and encryption nonces come from os.urandom, so ciphertexts and the root hash differ.
"""
import os
import time
from dataclasses import dataclass

import nacl.signing

from ..errors import EvoteError, EvoteValueError
from ..hashing import U64_MAX, digest, u64
from ..manifest import make_demo_manifest
from ..protocol.ceremony import run_ceremony
from ..record.jsonio import canonical_bytes
from ..record.tallies import RecordTallies
from ..record.writer import RecordWriter
from ..results import ResultSettings
from ..results.model import ElectionResults
from ..results.report_csv import write_csv_reports
from ..results.report_html import write_html_report
from ..results.report_json import results_to_json_bytes
from ..results.report_text import render_text
from ..tally import (decrypt_district_tallies, declared_forms, election_results,
                     reconcile_stations, tally_boxes)
from ..verify.executors import run_tasks
from ..verify.run import verify_record
from .station import paper_station, run_station, station_declaration

N_GUARDIANS, THRESHOLD, ABSENT_GUARDIAN = 5, 3, 4
CHALLENGE_RATE = 0.02


@dataclass(frozen=True)
class DemoOutcome:
    record_dir: str
    root: bytes
    results: ElectionResults
    report: object           # evote.verify.report.Report
    html_path: str
    results_text: str


def _shape(stations: int, villages=None):
    """(city stations, villages) for a total number of stations (one per village)."""
    villages = min(3, stations // 2) if villages is None else villages
    if not isinstance(villages, int) or not 0 <= villages < stations:
        raise EvoteValueError(f"demo: villages must be in [0, {stations - 1}]")
    return stations - villages, villages


def run_demo(out_dir, *, stations: int = 8, voters_per_station: int = 200, seed: int = 1405,
             jobs=None, log=print, villages=None, paper: bool = True,
             verify: bool = True) -> DemoOutcome:
    """The whole election (module docstring). villages: how many of the stations are
    villages (default: up to 3, one station each); paper: one city station falls back
    to paper (when the city has two stations or more); verify: run the verifier at the
    end (report None otherwise)."""
    if not isinstance(stations, int) or stations < 1:
        raise EvoteValueError("demo: --stations must be at least 1")
    if not isinstance(voters_per_station, int) or voters_per_station < 1:
        raise EvoteValueError("demo: --voters-per-station must be at least 1")
    if not isinstance(seed, int) or not 0 <= seed <= U64_MAX:  # it is hashed as a u64
        raise EvoteValueError(f"demo: --seed must be an integer in [0, {U64_MAX}]")
    t0 = time.monotonic()

    def step(msg):
        log(f"[{time.monotonic() - t0:6.1f}s] {msg}")

    writer = RecordWriter(out_dir)
    authority_seed = digest("evote/v1/demo-authority", u64(seed))
    authority = nacl.signing.SigningKey(authority_seed)
    n_city, n_villages = _shape(stations, villages)
    manifest = make_demo_manifest(seed, n_city, n_villages,
                                  authority_key=bytes(authority.verify_key))
    writer.write_manifest(manifest)
    city = manifest.contests[0]
    step(f"manifest {manifest.election_id}: {len(manifest.contests)} contests "
         f"({city.seats} seats / {city.alternates} alternates / {len(city.candidates)} "
         f"candidates in the city), {len(manifest.stations)} stations; hash "
         f"{manifest.hash().hex()[:16]}...")
    context, guardians = run_ceremony(manifest.hash(), N_GUARDIANS, THRESHOLD)
    writer.write_context(context)
    step(f"key ceremony: {THRESHOLD} of {N_GUARDIANS} guardians, joint key "
         f"{context.joint_key.to_bytes().hex()[:16]}...")

    city_stations = [s for s in manifest.stations if s.district_id == city.district_id]
    paper_id = city_stations[-1].station_id if paper and len(city_stations) > 1 else None
    electronic = [s for s in manifest.stations if s.station_id != paper_id]
    mbytes, cbytes = manifest.to_canonical_bytes(), canonical_bytes(context.to_json_obj())
    n_chal = max(1, round(voters_per_station * CHALLENGE_RATE))
    args = [(writer.dir, s.station_id, 2 if s.district_id == city.district_id else 1,
             voters_per_station, n_chal, seed, authority_seed, mbytes, cbytes)
            for s in electronic]
    done = []

    def finished(k):
        done.append(k)
        step(f"station {args[k][1]}: {voters_per_station} voters voted, {n_chal} ballot(s) "
             f"challenged ({len(done)}/{len(args)})")
    outputs = run_tasks(run_station, args, jobs, None, finished)
    plain = {}  # contest -> [votes, ballots, blank] as the voters chose (cross-check)

    def add_plain(sums):
        for cid, (votes, ballots, blank) in sums.items():
            p = plain.setdefault(cid, [[0] * len(votes), 0, 0])
            p[0] = [a + b for a, b in zip(p[0], votes)]
            p[1] += ballots
            p[2] += blank
    for _, sums, _ in outputs:
        add_plain(sums)
    declarations = []
    for sid, _, _ in outputs:  # every voter of the demo was authorized once and voted
        declarations.append(station_declaration(manifest, sid, voters_per_station, authority))
        writer.write_station_declaration(declarations[-1])
    step(f"forms issued declared by {len(declarations)} electronic stations, each signed by "
         f"{len(declarations[0].officials) if declarations else 0} certified officials")
    papers = []
    if paper_id is not None:
        pr, _ = paper_station(manifest, paper_id, voters_per_station, seed, authority)
        pr.verify(manifest)
        writer.write_paper_result(pr)
        papers.append(pr)
        step(f"station {paper_id} fell back to paper: declared result signed by "
             f"{len(pr.officials)} certified officials")

    # Tally centre (evote.tally): every box read and checked, CAST ballots summed per
    # station and per district. Proofs are left to the verifier that runs at the end
    # (verify_proofs=False halves the demo's time; a real count keeps the default).
    box_paths = [p for _, _, paths in outputs for p in paths]
    run = tally_boxes(manifest, context, box_paths, manifest.authority_key, jobs=jobs,
                      progress=False, verify_proofs=False)
    if not run.ok:
        raise EvoteError("demo: the tally refused something: " +
                         "; ".join(str(p) for p in run.problems[:3]))
    reconciled = reconcile_stations(manifest, run, declared_forms(manifest, declarations),
                                    papers, require_forms=True)
    wrong = [f"station {r.station_id}: {m}" for r in reconciled for m in r.mismatches]
    if wrong:
        raise EvoteError("demo: reconciliation failed: " + "; ".join(wrong[:3]))
    writer.write_encrypted_tallies(RecordTallies(manifest.hash(), run.stations, run.districts))
    step(f"encrypted tallies: {len(run.stations)} stations, {len(run.districts)} districts; "
         f"{len(reconciled)} stations reconciled (forms issued = ballots cast = CLOSE counts)")

    present = [g for g in guardians if g.index != ABSENT_GUARDIAN]
    decryption = decrypt_district_tallies(context, present, run.districts, manifest=manifest)
    writer.write_decryption(decryption)
    decrypted = decryption.by_district()
    for counts in (c for items in decrypted.values() for c in items):
        want = plain[counts.contest_id]
        if [list(counts.votes), counts.ballots_cast, counts.blank] != want:
            raise EvoteError(f"demo: contest {counts.contest_id} decrypts to other counts "
                             "than the voters chose (this is a bug)")
    step(f"decrypted by guardians {[g.index for g in present]} (guardian {ABSENT_GUARDIAN} "
         "absent), every share with its proof")

    lot_seed = digest("evote/v1/demo-lot-seed", u64(seed))
    er = election_results(manifest, decrypted, papers, electronic_stations=run.stations,
                          seed=lot_seed, settings=ResultSettings())
    writer.write_results(results_to_json_bytes(er))
    reports = writer.reports_dir()
    html_path = os.path.join(reports, "results.html")
    write_html_report(er, html_path)
    write_csv_reports(er, reports)
    text = render_text(er)
    with open(os.path.join(reports, "results.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    root = writer.seal()
    step(f"record sealed: root hash {root.hex()}")
    report = None
    if verify:
        report = verify_record(writer.dir, jobs=jobs)
        step("verifier: " + ("VALID" if report.valid else "NOT VALID"))
    return DemoOutcome(writer.dir, root, er, report, html_path, text)
