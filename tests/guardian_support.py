"""Test helpers for `evote guardian decrypt` and `evote combine`: a small election (a city
of one station, one village; 2 seats of 4 candidates in the city), a 2-of-3 ceremony
whose guardians' secrets are saved with weak argon2id limits, and records made of real
ballot boxes (run_station below: voters straight into open boxes) with their encrypted tallies.
"""
import os
import shutil
from dataclasses import dataclass

import nacl.signing

from evote.hashing import digest, u64
from evote.manifest import make_demo_manifest
from evote.protocol.ceremony import run_ceremony
from evote.protocol.guardian_store import save_guardian
from evote.record.jsonio import canonical_bytes
from evote.record.tallies import RecordTallies
from evote.record.writer import RecordWriter
from evote.tally import tally_boxes
import random

import nacl.signing

from evote.ballotbox import issue_certificate, open_box
from evote.demo.station import _add_plain, _voter_choices
from evote.protocol.encrypt import encrypt_ballot
from evote.record import layout
from evote.record.election import parsed_election


PASSPHRASE = "a guardian's passphrase"
N, T = 3, 2


@dataclass
class Election:
    manifest: object
    context: object
    guardians: list
    authority_seed: bytes
    seed: int

    @property
    def manifest_bytes(self):
        return self.manifest.to_canonical_bytes()

    @property
    def context_bytes(self):
        return canonical_bytes(self.context.to_json_obj())


def make_election(seed=7, privacy_floor=3) -> Election:
    authority_seed = digest("evote/v1/test-authority", u64(seed))
    authority = nacl.signing.SigningKey(authority_seed)
    manifest = make_demo_manifest(seed, 1, 1, authority_key=bytes(authority.verify_key),
                                  city_seats=2, city_alternates=1, city_candidates=4,
                                  privacy_floor=privacy_floor)
    context, guardians = run_ceremony(manifest.hash(), N, T)
    return Election(manifest, context, list(guardians), authority_seed, seed)


def save_secrets(election: Election, directory) -> list:
    """Each guardian's secret file (weak argon2id limits) and a passphrase file."""
    os.makedirs(directory, exist_ok=True)
    paths = []
    for g in election.guardians:
        p = os.path.join(directory, f"guardian-{g.index}.json")
        save_guardian(p, g, PASSPHRASE, opslimit=1, memlimit=8192 * 1024)
        paths.append(p)
    with open(os.path.join(directory, "pw"), "w") as f:
        f.write(PASSPHRASE + "\n")
    return paths


def make_record(election: Election, directory, voters=4, voter_seed=None):
    """A record with manifest, context, every station's box and tally/encrypted.json;
    returns (record dir, plaintext sums contest -> [votes, ballots, blank])."""
    writer = RecordWriter(directory)
    writer.write_manifest(election.manifest)
    writer.write_context(election.context)
    plain, paths = {}, []
    for st in election.manifest.stations:
        _, sums, boxes = run_station(writer.dir, st.station_id, 1, voters, 0,
                                     election.seed if voter_seed is None else voter_seed,
                                     election.authority_seed, election.manifest_bytes,
                                     election.context_bytes)
        paths.extend(boxes)
        for cid, s in sums.items():
            plain[cid] = s
    run = tally_boxes(election.manifest, election.context, paths,
                      election.manifest.authority_key, jobs=1, progress=False)
    assert run.ok, run.problems
    writer.write_encrypted_tallies(RecordTallies(election.manifest.hash(), run.stations,
                                                 run.districts))
    return writer.dir, plain


def copy_record(src, dest):
    shutil.copytree(src, dest)
    return str(dest)


def write_package(election: Election, record_dir, replace_kiosk=None):
    """record_dir/package.json listing each box's kiosk certificate (from its OPEN
    record), signed by the authority; replace_kiosk: a kiosk id certified instead with a
    fresh key (so its box's certificate is not the listed one)."""
    from evote.ballotbox import issue_certificate, read_box
    from evote.election.package import ElectionPackage, KioskEntry, StationPlan
    authority = nacl.signing.SigningKey(election.authority_seed)
    m = election.manifest
    plans = []
    for st in m.stations:
        box = os.path.join(record_dir, "boxes", st.station_id, f"{st.station_id}-k1.box")
        cert = next(iter(read_box(box, authority_key=m.authority_key))).certificate
        kid = f"{st.station_id}-k1"
        if kid == replace_kiosk:
            cert = issue_certificate(authority, election_hash=m.hash(), station_id=st.station_id,
                                     kiosk_id=kid, kiosk_key=bytes(
                                         nacl.signing.SigningKey.generate().verify_key))
        plans.append(StationPlan(st.station_id, "electronic", (KioskEntry(kid, cert),), ()))
    unsigned = ElectionPackage(m, election.context, tuple(plans), b"\0" * 64)
    package = ElectionPackage(m, election.context, tuple(plans),
                              authority.sign(unsigned.hash()).signature)
    package.verify()
    with open(os.path.join(record_dir, "package.json"), "xb") as f:
        f.write(package.to_bytes())


def run_station(record_dir, station_id, n_kiosks, n_voters, n_challenges, seed,
                authority_seed, manifest_bytes, context_bytes):
    """(Test fixture: the demo's former station, boxes written directly.) Vote at one station; returns (station_id, plaintext sums, box paths). plaintext
    sums: contest -> [votes, ballots, blank] (the demo's own cross-check)."""
    manifest, ctx = parsed_election(manifest_bytes, context_bytes)
    authority = nacl.signing.SigningKey(authority_seed)
    style_id = manifest.station(station_id).style_id
    rng = random.Random(f"evote-demo-voters:{seed}:{station_id}")
    boxes = []
    for j in range(1, n_kiosks + 1):
        kiosk_id = f"{station_id}-k{j}"
        key = nacl.signing.SigningKey.generate()
        cert = issue_certificate(authority, election_hash=manifest.hash(), station_id=station_id,
                                 kiosk_id=kiosk_id, kiosk_key=bytes(key.verify_key))
        path = os.path.join(record_dir, *layout.box_path(station_id, kiosk_id).split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # durable=False: a demo on one disk; real kiosks keep the default (fsync each record).
        boxes.append(open_box(path, kiosk_key=key, certificate=cert,
                              authority_key=manifest.authority_key, durable=False))
    challengers = set(rng.sample(range(n_voters), min(n_challenges, n_voters)))
    sums = {}
    for v in range(n_voters):
        box = boxes[v % len(boxes)]
        choices = _voter_choices(rng, manifest, seed, style_id)
        if v in challengers:  # a Benaloh challenge, then the voter votes for real
            bid = box.next_ballot_id()
            ballot, _ = encrypt_ballot(ctx, manifest, style_id, choices, bid)
            box.challenge(bid, ballot.to_bytes())   # the opening is the voter's, not the box's
        bid = box.next_ballot_id()
        ballot, _ = encrypt_ballot(ctx, manifest, style_id, choices, bid)
        box.cast(bid, ballot.to_bytes())
        _add_plain(sums, manifest, choices)
    paths = []
    for box in boxes:
        box.close()
        box.release()
        os.unlink(box.path + ".hwm")  # the high-water mark stays at the kiosk, never in a record
        paths.append(box.path)
    return station_id, sums, tuple(paths)


