"""`evote demo`: a whole municipal election, end to end, then verified: a short script
over the same step functions the role commands call (evote.election; specs/election.md).

    run_demo(out_dir, stations=8, voters_per_station=200, seed=1405, jobs=None, log=print)
        -> DemoOutcome(root, report, results, html_path, record_dir)

Every party has its own directory under a work directory beside the record (removed at
the end: it holds the demo's secrets), and only files pass between them, as in
docs/walkthrough.md. Steps: the authority's key and the manifest (make_demo_manifest: a
city council 9 seats / 6 alternates / 50 candidates and village councils 3/2 and 5/3); a
3-of-5 key ceremony, guardian by guardian (ceremony_steps), ending with each guardian's
signed acknowledgement and lot contribution; every step that holds a
party's secret runs in a process of its own (parties.py); kiosk and official keys with
their certificate requests, certified by the authority; the election package; voters
casting (a few Benaloh challenges) through evote.kiosk.Kiosk sessions, one process
per kiosk; each electronic station's forms issued declared by its head and
countersigned by an observer; one city station votes on paper (its counts signed the
same way); `evote tally` (every box and ballot verified, stations reconciled); four of
the five guardians decrypt, each from the record alone (guardian 4 is absent); combine,
results and reports, seal; then the verifier, pinned to the package hash.

Reproducible: the same seed gives the same manifest but for the supervising board's and
the mix servers' keys and the voting window (board.py, mixing.py: fresh keys, the hours
around the run; the demo authority key is derived
from the seed: a demo shortcut, never for a real election), the same choices and the
same results, unless a tie is broken by lot: the lot seed is the decryption of the
guardians' lot contributions (specs/key-ceremony.md 12), fresh in every run, as in a
real election. Kiosk and official keys, guardian secrets, lot contributions and
encryption nonces come from os.urandom, so ciphertexts, the package hash, the lot seed
and the root hash differ.
"""
import dataclasses
import os
import shutil
import tempfile
import time
from dataclasses import dataclass

import nacl.signing

from ..errors import EvoteError, EvoteValueError
from ..hashing import U64_MAX, digest, u64
from ..manifest import make_demo_manifest
from ..election import authority as authority_steps
from ..election import ceremony_steps, combine, guardian_decrypt, results_step, station
from ..election import tally_centre
from ..election.files import write_new_file, write_new_json
from ..election.requests import keygen
from ..election.slot_shares import slot_contest_counts
from ..results.model import ElectionResults
from ..verify.run import verify_record
from . import board, mixing
from .parties import as_party, parties_in_parallel
from .station import paper_counts, run_kiosk
from .voters import challengers, check_challenge

N_GUARDIANS, THRESHOLD, ABSENT_GUARDIAN = 5, 3, 4
ROLES = ("station-head", "observer")
PASSPHRASE = "evote demo: every party's passphrase"  # a demo's parties are simulated
KDF = {"opslimit": 1, "memlimit": 8 * 1024 * 1024}  # argon2id kept cheap for the demo
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
             damaged_box: bool = False,
             verify: bool = True, voters_dir=None,
             paper_fallback: bool = False, slots: bool = True) -> DemoOutcome:
    """The whole election (module docstring). villages: how many of the stations are
    villages (default: up to 3, one station each); paper: one city station votes on
    paper (when the city has two stations or more); verify: run the verifier at the end
    (report None otherwise); voters_dir: where voters who challenge keep their printed
    opening (default: with the parties' files, removed at the end); paper_fallback: one
    city station's kiosks are closed during the day and its officials finish on paper
    (specs/record.md 5.4: its boxes and its paper count are both counted); slots: one
    council uses the choice-slot encoding (issue 15), mixed by two mix servers
    (specs/mix.md) before the guardians decrypt it: the first village's (a few hundred
    ballots keep the demo quick; the city's when there is no village)."""
    if not isinstance(stations, int) or stations < 1:
        raise EvoteValueError("demo: --stations must be at least 1")
    if not isinstance(voters_per_station, int) or voters_per_station < 1:
        raise EvoteValueError("demo: --voters-per-station must be at least 1")
    if not isinstance(seed, int) or not 0 <= seed <= U64_MAX:  # it is hashed as a u64
        raise EvoteValueError(f"demo: --seed must be an integer in [0, {U64_MAX}]")
    out_dir = os.path.abspath(str(out_dir))
    if os.path.lexists(out_dir) and not (os.path.isdir(out_dir) and not os.listdir(out_dir)):
        raise EvoteError(f"record directory {out_dir} exists and is not an empty directory")
    parent = os.path.dirname(out_dir)
    try:
        os.makedirs(parent, exist_ok=True)
        if os.path.isdir(out_dir):
            os.rmdir(out_dir)  # empty: `evote tally` makes the record directory itself
        work = tempfile.mkdtemp(prefix=".evote-demo-parties-", dir=parent)
    except OSError as exc:
        raise EvoteError(f"record directory {out_dir}: cannot create: "
                         f"{exc.strerror or exc}") from None
    try:
        return _run(out_dir, work, stations, voters_per_station, seed, jobs, log,
                    (damaged_box, paper_fallback, slots), villages,
                    paper, verify, os.path.abspath(str(voters_dir)) if voters_dir else
                    os.path.join(work, "voters"))
    except (EvoteError, OSError) as exc:
        # out_dir did not exist or was empty: whatever is there now is this run's
        # half-written record (a full disk, say). A demo leaves none behind.
        shutil.rmtree(out_dir, ignore_errors=True)
        detail = exc if isinstance(exc, EvoteError) else \
            f"{exc.strerror or exc}{f' ({exc.filename})' if exc.filename else ''}"
        raise EvoteError(f"{detail}; the partial record {out_dir} was removed") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the parties' secrets: a demo keeps none


def _demo_authority_key(seed: int) -> nacl.signing.SigningKey:
    return nacl.signing.SigningKey(digest("evote/v1/demo-authority", u64(seed)))


def _init_authority(key_path, seed) -> bytes:
    return authority_steps.init_authority(key_path, PASSPHRASE, key=_demo_authority_key(seed),
                                          **KDF)


def _finish_guardian(secret, records, shares) -> int:
    return len(ceremony_steps.finish(secret, PASSPHRASE, records, shares).complaints)


def _commit(secret, out) -> None:
    ceremony_steps.commit(secret, PASSPHRASE, out)


def _publish(secret, out, commitments) -> None:
    ceremony_steps.publish(secret, PASSPHRASE, out, commitments)


def _acknowledge(secret, records, out) -> None:
    ceremony_steps.acknowledge(secret, PASSPHRASE, records, out)


def _deal(secret, records, out_dir) -> None:
    ceremony_steps.deal(secret, PASSPHRASE, records, out_dir)


def _certify(kind, request, manifest_path, auth_key, out) -> None:
    certify = authority_steps.certify_kiosk if kind == "kiosk" else \
        authority_steps.certify_official
    certify(request, manifest_path, auth_key, PASSPHRASE, out)


def _package(manifest_path, context_path, auth_key, kiosk_certs, official_certs, out) -> str:
    return authority_steps.make_package(manifest_path, context_path, auth_key, PASSPHRASE,
                                        kiosk_certs, official_certs, out).hash().hex()


def _keygen(kind, manifest_path, station_id, name, key_out, request_out) -> None:
    keygen(kind, manifest_path, station_id, name, key_out, request_out,
           None if kind == "kiosk" else PASSPHRASE, **({} if kind == "kiosk" else KDF))


def _official_files(work, station_id, role) -> tuple:
    home = os.path.join(work, "officials", station_id, role)
    return os.path.join(home, "official.key"), os.path.join(home, "official.cert.json")


def _first_signature(kind, work, package_path, station_id, value, out) -> None:
    """The station head declares forms issued (kind "declare") or signs the counts file
    `value` (kind "paper")."""
    key, cert = _official_files(work, station_id, ROLES[0])
    make = station.declare if kind == "declare" else station.paper
    make(package_path, station_id, value, key, cert, PASSPHRASE, out)


def _countersign(work, package_path, station_id, signed, out) -> None:
    key, cert = _official_files(work, station_id, ROLES[1])
    station.sign(signed, key, cert, PASSPHRASE, out, package_path=package_path)


def _fall_back(work, package_path, station_id, boxes, counts, decision, paper_out) -> None:
    """A station's officials fall back to paper (specs/record.md 5.4): the head signs the
    decision naming the closed boxes and the paper forms' count, the observer
    countersigns both."""
    key, cert = _official_files(work, station_id, ROLES[0])
    by_head = (decision + ".head", paper_out + ".head")
    station.fallback(package_path, station_id, boxes, "the kiosks' printers failed at "
                     "noon; the station finished on paper forms", key, cert, PASSPHRASE,
                     by_head[0])
    station.paper(package_path, station_id, counts, key, cert, PASSPHRASE, by_head[1],
                  fallback=True)
    for signed, out in zip(by_head, (decision, paper_out)):
        _countersign(work, package_path, station_id, signed, out)


def _decrypt(secret, record, out) -> None:
    guardian_decrypt.decrypt(secret, PASSPHRASE, record, out, jobs=1)


def _run(out_dir, work, stations, voters_per_station, seed, jobs, log, faults,
         villages, paper,
         verify, voters_dir) -> DemoOutcome:
    """The steps; every one that holds a party's secret runs as_party (parties.py)."""
    damaged_box, paper_fallback, slots = faults
    t0 = time.monotonic()

    def step(msg):
        log(f"[{time.monotonic() - t0:6.1f}s] {msg}")

    def home(*parts):
        path = os.path.join(work, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path

    # The authority: its key (derived from the seed: a demo shortcut) and the manifest.
    auth_key = home("authority", "authority.key")
    authority_public = as_party(_init_authority, auth_key, seed)
    n_city, n_villages = _shape(stations, villages)
    # With slots, one council is counted by a shuffle: its two mix servers make their
    # keys first, and the authority lists them in the manifest (specs/mix.md 1).
    servers = mixing.mix_servers(work, as_party, PASSPHRASE, KDF) if slots else ()
    city_slots = slots and not n_villages
    manifest = make_demo_manifest(seed, n_city, n_villages, authority_key=authority_public,
                                  privacy_floor=min(10, voters_per_station),
                                  city_encoding="slots" if city_slots else None,
                                  mix_servers=servers if city_slots else ())
    if slots and n_villages:   # the first village's council in choice slots
        first = manifest.contests[1]
        manifest = dataclasses.replace(manifest, mix_servers=servers, contests=tuple(
            dataclasses.replace(c, encoding="slots") if c is first else c
            for c in manifest.contests))
    # The manifest also states who must sign (the default signing_roles), the supervising
    # board's keys (made by each member first) and the voting window (board.py).
    manifest = dataclasses.replace(manifest, supervisors=board.supervisors(work, as_party),
                                   voting_window=board.demo_voting_window())
    manifest_path = write_new_file(home("authority", "manifest.json"),
                                   manifest.to_canonical_bytes(), "manifest")
    city = manifest.contests[0]
    step(f"manifest {manifest.election_id}: {len(manifest.contests)} contests "
         f"({city.seats} seats / {city.alternates} alternates / {len(city.candidates)} "
         f"candidates in the city), {len(manifest.stations)} stations; hash "
         f"{manifest.hash().hex()[:16]}..." + "".join(
             f"; contest {c.contest_id} in choice slots, mixed by "
             f"{', '.join(x.mix_id for x in servers)}" for c in manifest.slot_contests))

    # The key ceremony, guardian by guardian; only public files pass between them.
    secrets = {g: home(f"guardian-{g}", "secret.json") for g in range(1, N_GUARDIANS + 1)}
    records = [home(f"guardian-{g}", f"record-{g}.json") for g in secrets]
    commits = [home(f"guardian-{g}", f"commitment-{g}.json") for g in secrets]
    for (g, secret), com in zip(secrets.items(), commits):
        as_party(ceremony_steps.generate, manifest.hash(), g, N_GUARDIANS, THRESHOLD, secret,
                 PASSPHRASE, **KDF)
        as_party(_commit, secret, com)    # the commitment round: every one before a record
    for (g, secret), record in zip(secrets.items(), records):
        as_party(_publish, secret, record, commits)
    for g, secret in secrets.items():
        as_party(_deal, secret, records, os.path.join(work, f"guardian-{g}", "dealt"))
    for g, secret in secrets.items():
        shares = [os.path.join(work, f"guardian-{h}", "dealt", f"share-{h}-to-{g}.json")
                  for h in secrets if h != g]
        if as_party(_finish_guardian, secret, records, shares):
            raise EvoteError(f"demo: guardian {g} complained (this is a bug)")
    acks = [home(f"guardian-{g}", f"acknowledgement-{g}.json") for g in secrets]
    for (g, secret), ack in zip(secrets.items(), acks):
        as_party(_acknowledge, secret, records, ack)
    context_path = home("authority", "context.json")
    context = ceremony_steps.context(records, context_path, acks, commits)  # public files
    step(f"key ceremony: {THRESHOLD} of {N_GUARDIANS} guardians, joint key "
         f"{context.joint_key.to_bytes().hex()[:16]}..., acknowledged by all "
         f"{N_GUARDIANS} with their lot contributions")

    # Kiosks and officials: keys made at home, certificate requests certified.
    city_stations = [s for s in manifest.stations if s.district_id == city.district_id]
    paper_id = city_stations[-1].station_id if paper and len(city_stations) > 1 else None
    kiosk_ids, kiosk_certs, official_certs = {}, [], []
    for s in manifest.stations:
        if s.station_id != paper_id:
            n_kiosks = 2 if s.district_id == city.district_id else 1
            kiosk_ids[s.station_id] = [f"{s.station_id}-k{j}" for j in range(1, n_kiosks + 1)]
        for kid in kiosk_ids.get(s.station_id, ()):
            req = home("kiosks", kid, "kiosk.req.json")
            as_party(_keygen, "kiosk", manifest_path, s.station_id, kid,
                     home("kiosks", kid, "kiosk.key"), req)
            kiosk_certs.append(home("kiosks", kid, "kiosk.cert.json"))
            as_party(_certify, "kiosk", req, manifest_path, auth_key, kiosk_certs[-1])
        for role in ROLES:
            key, cert = _official_files(work, s.station_id, role)
            req = home("officials", s.station_id, role, "official.req.json")
            as_party(_keygen, "official", manifest_path, s.station_id, role, key, req)
            official_certs.append(cert)
            as_party(_certify, "official", req, manifest_path, auth_key, cert)
    package_path = home("authority", "package.json")
    package_hash = as_party(_package, manifest_path, context_path, auth_key, kiosk_certs,
                            official_certs, package_path)
    step(f"election package: {len(kiosk_certs)} kiosks and {len(official_certs)} officials "
         f"certified; package hash {package_hash}")

    # Election day: every kiosk in a process of its own, voting through its session.
    n_chal = max(1, round(voters_per_station * CHALLENGE_RATE))
    args = [(work, sid, kids, kid, voters_per_station, n_chal, seed, voters_dir)
            for sid, kids in kiosk_ids.items() for kid in kids]
    done_count = []

    def finished(k):
        done_count.append(k)
        step(f"kiosk {args[k][3]}: day closed ({len(done_count)}/{len(args)} kiosks)")
    outputs = parties_in_parallel(run_kiosk, args, jobs, finished)
    exclusions = []   # damaged_box: a disk error hits one city kiosk's box; the board
    damaged_sid = None
    if damaged_box:   # excludes it, so its voters' choices are not in the counts
        sid = next((s for s, kids in kiosk_ids.items() if len(kids) > 1), None)
        if sid is None:
            raise EvoteValueError("demo: --damaged-box needs a city station with two kiosks")
        hit = next(o for o in outputs if o[0] == kiosk_ids[sid][0])
        exclusions.append(board.exclude_damaged_box(work, package_path, sid, hit, as_party))
        damaged_sid = sid
        step(f"kiosk {hit[0]}: its box was damaged (a disk error); the supervising board "
             "excluded it, signed by " + ", ".join(s.role for s in manifest.supervisors))
        outputs = [o for o in outputs if o is not hit] + [(hit[0], {}, hit[2])]
    plain = {}  # contest -> [votes, ballots, blank] as the voters chose (cross-check)
    for _, sums, _ in outputs:
        for cid, (votes, ballots, blank) in sums.items():
            p = plain.setdefault(cid, [[0] * len(votes), 0, 0])
            p[0] = [a + b for a, b in zip(p[0], votes)]
            p[1] += ballots
            p[2] += blank
    step(f"{len(kiosk_ids)} electronic stations: {voters_per_station} voters each, "
         f"{n_chal} ballot(s) challenged per station")

    # Station officials: the head declares (or, on paper, signs the counts), an observer
    # countersigns; each on their own.
    def officials_sign(kind, sid, value, out):
        by_head = home("officials", sid, ROLES[0], "by-head.json")
        as_party(_first_signature, kind, work, package_path, sid, value, by_head)
        as_party(_countersign, work, package_path, sid, by_head, out)
    for sid in kiosk_ids:  # every voter of the demo was authorized once and voted
        officials_sign("declare", sid, voters_per_station,
                       home("collected", "declarations", f"{sid}.json"))
    step(f"forms issued declared by {len(kiosk_ids)} electronic stations, each signed by "
         f"{len(ROLES)} certified officials")
    if paper_id is not None:
        counts = write_new_json(home("officials", paper_id, "counts.json"),
                                paper_counts(manifest, paper_id, voters_per_station, seed),
                                "counts file")
        officials_sign("paper", paper_id, counts, home("collected", "paper", f"{paper_id}.json"))
        step(f"station {paper_id} voted on paper: counts signed by {len(ROLES)} certified "
             "officials")

    fallbacks = []   # paper_fallback: a city station's kiosks close early; its officials
    if paper_fallback:   # name the closed boxes and finish on paper (record.md 5.4)
        fb = [s for s, kids in kiosk_ids.items() if len(kids) > 1 and s != damaged_sid]
        if not fb:
            raise EvoteValueError("demo: --paper-fallback needs a city station with two "
                                  "kiosks (and not the one whose box was damaged)")
        sid = fb[-1]
        closed = [path for kid, _, path in outputs if kid in kiosk_ids[sid]]
        counts = write_new_json(home("officials", sid, "fallback-counts.json"),
                                paper_counts(manifest, sid, max(1, voters_per_station // 2),
                                             seed + 1), "counts file")
        fallbacks.append(home("collected", "fallback", f"{sid}.json"))
        as_party(_fall_back, work, package_path, sid, closed, counts, fallbacks[-1],
                 home("collected", "paper", f"{sid}.json"))
        step(f"station {sid}: its kiosks failed at noon; its officials closed "
             f"{len(closed)} boxes and finished on paper, the decision and the paper count "
             f"signed by {len(ROLES)} certified officials")

    # The tally centre (no secret): every box and ballot verified, stations reconciled.
    boxes = [path for _, _, path in outputs]
    declarations = [os.path.join(work, "collected", "declarations")]
    papers = ([os.path.join(work, "collected", "paper")]
              if paper_id is not None or fallbacks else [])
    tallied = tally_centre.tally(package_path, boxes, declarations, papers, out_dir,
                                 jobs=jobs, exclusion_inputs=exclusions,
                                 fallback_inputs=fallbacks)
    if tallied.problems:
        raise EvoteError("demo: the tally refused something: " +
                         "; ".join(str(p) for p in tallied.problems[:3]))
    step(f"tally: {len(boxes) - len(exclusions)} boxes verified and tallied"
         + (f", {len(exclusions)} excluded by the board" if exclusions else "")
         + ", every station reconciled (forms issued = ballots cast = CLOSE counts)")

    # The mix servers shuffle each slot contest in turn, each on its own (specs/mix.md).
    mixing.mix_every_slot_contest(work, out_dir, manifest, as_party, PASSPHRASE, step)

    # Guardians decrypt, each from the record alone; guardian ABSENT_GUARDIAN is away.
    present = [g for g in secrets if g != ABSENT_GUARDIAN]
    share_files = [home(f"guardian-{g}", f"shares-{g}.json") for g in present]
    parties_in_parallel(_decrypt, [(secrets[g], out_dir, f)
                                   for g, f in zip(present, share_files)], jobs)
    combined = combine.combine(out_dir, share_files)
    decrypted = combined.record.by_district()
    slot_counts = {s.contest.contest_id: slot_contest_counts(
        s.contest, s.decryption, s.decryption.n // s.contest.max_choices)
        for s in combined.slots}
    for counts in [c for items in decrypted.values() for c in items] + list(
            slot_counts.values()):
        want = plain[counts.contest_id]
        if [list(counts.votes), counts.ballots_cast, counts.blank] != want:
            raise EvoteError(f"demo: contest {counts.contest_id} decrypts to other counts "
                             "than the voters chose (this is a bug)")
    step(f"decrypted by guardians {list(combined.present)} (guardian(s) "
         f"{list(combined.missing)} absent), each after checking the record itself")

    er = results_step.results(out_dir)  # settings: the manifest's; lot seed: tally/lot.json
    root = results_step.seal(out_dir)
    step(f"record sealed: root hash {root.hex()}")
    report = None
    if verify:
        report = verify_record(out_dir, jobs=jobs, expected_package=bytes.fromhex(package_hash))
        step("verifier (pinned to the package hash): " +
             ("VALID" if report.valid else "NOT VALID"))
    kept = [home_dir for home_dir in challengers(voters_dir)   # voters who challenged took
            if os.path.basename(os.path.dirname(home_dir)) != damaged_sid]  # their opening
    # home; one whose ballot was in the box the board excluded has nothing to check
    if kept:
        exit_code, code, answer = as_party(check_challenge, out_dir, kept[0])
        if exit_code != 0:
            raise EvoteError(f"demo: a voter's printed opening does not check (this is a "
                             f"bug): {' / '.join(answer)}")
        step(f"a voter checks the ballot they challenged: evote challenge check {out_dir} "
             f"{code} --opening opening.hex\n" + "\n".join(f"    {x}" for x in answer))
    reports = os.path.join(out_dir, "reports")
    with open(os.path.join(reports, "results.txt"), encoding="utf-8") as f:
        text = f.read()
    return DemoOutcome(out_dir, root, er, report, os.path.join(reports, "results.html"), text)
