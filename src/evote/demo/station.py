"""One polling station of the demo, run in a worker process: kiosks certified by the
authority, voters casting (and a few challenging) through real ballot boxes written
straight into the record. Also what station officials sign: the paper-fallback station's
declared result and each electronic station's declaration of the forms it issued.

Randomness: voters' choices come from random.Random seeded by (demo seed, station), so
they repeat for a seed; kiosk keys, ballot nonces and proof nonces come from os.urandom.
"""
import os
import random

import nacl.signing

from ..ballotbox import issue_certificate, open_box
from ..protocol.challenge import make_challenge
from ..protocol.encrypt import encrypt_ballot
from ..record import layout
from ..record.election import parsed_election
from ..results import ContestCounts
from ..tally import PaperResult, StationDeclaration, certify_official
from .voters import choose, plain_votes, popularity



def _voter_choices(rng, manifest, seed, style_id):
    return {cid: choose(rng, manifest.contest(cid), popularity(seed, manifest.contest(cid)))
            for cid in manifest.style(style_id).contest_ids}


def _add_plain(sums, manifest, choices):
    for cid, codes in choices.items():
        votes = plain_votes(manifest.contest(cid), codes)
        s = sums.setdefault(cid, [[0] * len(votes), 0, 0])
        s[0] = [a + b for a, b in zip(s[0], votes)]
        s[1] += 1
        s[2] += 0 if codes else 1


def run_station(record_dir, station_id, n_kiosks, n_voters, n_challenges, seed,
                authority_seed, manifest_bytes, context_bytes):
    """Vote at one station; returns (station_id, plaintext sums, box paths). plaintext
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
            ballot, secrets = encrypt_ballot(ctx, manifest, style_id, choices, bid)
            box.challenge(bid, ballot.to_bytes(), make_challenge(ballot, secrets).to_bytes())
        bid = box.next_ballot_id()
        ballot, _ = encrypt_ballot(ctx, manifest, style_id, choices, bid)
        box.cast(bid, ballot.to_bytes())
        _add_plain(sums, manifest, choices)
    paths = []
    for box in boxes:
        box.close()
        box.release()
        paths.append(box.path)
    return station_id, sums, tuple(paths)


def paper_station(manifest, station_id, n_voters, seed, authority):
    """A station that fell back to paper: voters' choices counted by hand, the declared
    result signed by the station head and an observer, both certified by the authority."""
    style_id = manifest.station(station_id).style_id
    rng = random.Random(f"evote-demo-voters:{seed}:{station_id}")
    sums = {}
    for _ in range(n_voters):
        _add_plain(sums, manifest, _voter_choices(rng, manifest, seed, style_id))
    contests = tuple(ContestCounts(cid, tuple(sums[cid][0]), sums[cid][1], sums[cid][2])
                     for cid in manifest.style(style_id).contest_ids)
    spoiled_forms = rng.randint(0, 3)
    result = PaperResult(manifest.hash(), station_id, n_voters + spoiled_forms, contests,
                         spoiled_forms=spoiled_forms)
    return _signed_by_officials(result, manifest, authority), sums


def station_declaration(manifest, station_id, forms_issued, authority):
    """An electronic station's declaration of the forms it issued (the voters its staff
    authorized: in the demo, every voter of the station votes once), signed by the
    station head and an observer, both certified by the authority."""
    return _signed_by_officials(StationDeclaration(manifest.hash(), station_id, forms_issued),
                                manifest, authority)


def _signed_by_officials(declared, manifest, authority):
    """`declared` (a PaperResult or StationDeclaration) signed by the station's head and
    an observer, each with a fresh key the authority certifies for the station and role."""
    for role in ("station-head", "observer"):
        sk = nacl.signing.SigningKey.generate()
        declared = declared.sign(role, sk, certify_official(
            authority, manifest.hash(), declared.station_id, role, bytes(sk.verify_key)))
    return declared
