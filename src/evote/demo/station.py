"""One polling station of the demo, run in a worker process: voters casting (and a few
challenging) through the kiosks' sessions (evote.kiosk.Kiosk), exactly as kiosk software
does; and the paper station's hand count, in the form its officials type in.

Randomness: voters' choices come from random.Random seeded by (demo seed, station), so
they repeat for a seed; ballot nonces and proof nonces come from os.urandom.

A voter who challenges takes the kiosk's printed opening home: the demo writes it into
that voter's own directory (voters.keep_opening), never into the box or the record.
"""
import os
import random

from .voters import choose, keep_opening, plain_votes, popularity



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


def station_voters(manifest, station_id, n_voters, n_challenges, seed) -> list:
    """[(typed choices, challenges first?)] of every voter of the station, in order."""
    style_id = manifest.station(station_id).style_id
    rng = random.Random(f"evote-demo-voters:{seed}:{station_id}")
    challengers = set(rng.sample(range(n_voters), min(n_challenges, n_voters)))
    return [(_voter_choices(rng, manifest, seed, style_id), v in challengers)
            for v in range(n_voters)]


def run_kiosk(work_dir, station_id, kiosk_ids, kiosk_id, n_voters, n_challenges, seed,
              voters_dir=None):
    """One kiosk's day (in a process of its own: parties.py), through its session
    (evote.kiosk.Kiosk over the installed election package): the station's voters take
    its kiosks in turn; returns (kiosk_id, plaintext sums, box path), plaintext sums:
    contest -> [votes, ballots, blank] (the demo's own cross-check). A voter who challenges
    takes the printed opening home to voters_dir (default: work_dir/voters)."""
    from ..kiosk import Kiosk
    home = os.path.join(work_dir, "kiosks", kiosk_id)
    # durable=False: a demo on one disk; real kiosks keep the default (fsync each record).
    kiosk = Kiosk.start(os.path.join(work_dir, "authority", "package.json"),
                        os.path.join(home, "kiosk.key"), os.path.join(home, "kiosk.cert.json"),
                        os.path.join(home, f"{kiosk_id}.box"), durable=False)
    sums = {}
    mine = kiosk_ids.index(kiosk_id)
    voters = station_voters(kiosk.manifest, station_id, n_voters, n_challenges, seed)
    for v in range(mine, len(voters), len(kiosk_ids)):
        choices, challenges = voters[v]
        if challenges:  # a Benaloh challenge (the opening is the voter's), then the real vote
            keep_opening(voters_dir or os.path.join(work_dir, "voters"), station_id, v,
                         kiosk.challenge(kiosk.encrypt(choices)))
        kiosk.cast(kiosk.encrypt(choices))
        _add_plain(sums, kiosk.manifest, choices)
    kiosk.close()
    kiosk.release()
    return kiosk_id, sums, kiosk.box.path


def paper_counts(manifest, station_id, n_voters, seed) -> dict:
    """A paper station's hand count in the COUNTS form officials type in
    (specs/election.md section 6)."""
    style_id = manifest.station(station_id).style_id
    sums = {}
    for choices, _ in station_voters(manifest, station_id, n_voters, 0, seed):
        _add_plain(sums, manifest, choices)
    spoiled = random.Random(f"evote-demo-spoiled:{seed}:{station_id}").randint(0, 3)
    contests = {}
    for cid in manifest.style(style_id).contest_ids:
        votes, ballots, blank = sums[cid]
        codes = manifest.contest(cid).codes
        contests[cid] = {"votes": {str(code): n for code, n in zip(codes, votes)},
                         "ballots_cast": ballots, "blank": blank}
    return {"forms_issued": n_voters + spoiled, "spoiled_forms": spoiled, "contests": contests}
