"""One polling station of the demo, run in a worker process: voters casting (and a few
challenging) through the kiosks' sessions (evote.kiosk.Kiosk), exactly as kiosk software
does; and the paper station's hand count, in the form its officials type in.

Randomness: voters' choices come from random.Random seeded by (demo seed, station), so
they repeat for a seed; ballot nonces and proof nonces come from os.urandom.
"""
import os
import random

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


def run_station(work_dir, station_id, kiosk_ids, n_voters, n_challenges, seed):
    """Vote at one station through its kiosks' sessions (evote.kiosk.Kiosk over the
    installed election package); returns (station_id, plaintext sums, box paths).
    plaintext sums: contest -> [votes, ballots, blank] (the demo's own cross-check)."""
    from ..kiosk import Kiosk
    package = os.path.join(work_dir, "authority", "package.json")
    kiosks = []
    for kid in kiosk_ids:
        home = os.path.join(work_dir, "kiosks", kid)
        # durable=False: a demo on one disk; real kiosks keep the default (fsync each record).
        kiosks.append(Kiosk.start(package, os.path.join(home, "kiosk.key"),
                                  os.path.join(home, "kiosk.cert.json"),
                                  os.path.join(home, f"{kid}.box"), durable=False))
    manifest = kiosks[0].manifest
    style_id = manifest.station(station_id).style_id
    rng = random.Random(f"evote-demo-voters:{seed}:{station_id}")
    challengers = set(rng.sample(range(n_voters), min(n_challenges, n_voters)))
    sums = {}
    for v in range(n_voters):
        kiosk = kiosks[v % len(kiosks)]
        choices = _voter_choices(rng, manifest, seed, style_id)
        if v in challengers:  # a Benaloh challenge, then the voter votes for real
            kiosk.challenge(kiosk.encrypt(choices))
        kiosk.cast(kiosk.encrypt(choices))
        _add_plain(sums, manifest, choices)
    paths = []
    for kiosk in kiosks:
        kiosk.close()
        kiosk.release()
        paths.append(kiosk.box.path)
    return station_id, sums, tuple(paths)


def paper_counts(manifest, station_id, n_voters, seed) -> dict:
    """A paper station's hand count in the COUNTS form officials type in
    (specs/election.md section 6)."""
    style_id = manifest.station(station_id).style_id
    rng = random.Random(f"evote-demo-voters:{seed}:{station_id}")
    sums = {}
    for _ in range(n_voters):
        _add_plain(sums, manifest, _voter_choices(rng, manifest, seed, style_id))
    spoiled = rng.randint(0, 3)
    contests = {}
    for cid in manifest.style(style_id).contest_ids:
        votes, ballots, blank = sums[cid]
        codes = manifest.contest(cid).codes
        contests[cid] = {"votes": {str(code): n for code, n in zip(codes, votes)},
                         "ballots_cast": ballots, "blank": blank}
    return {"forms_issued": n_voters + spoiled, "spoiled_forms": spoiled, "contests": contests}
