"""Helpers for the tally tests (no tests here): a small election with stations, a real
key ceremony for its manifest, kiosks with certified keys, and boxes of ballots whose
choices are known (so a tally can be compared with the plaintext sum)."""
import functools
import os

import nacl.signing

from evote.ballotbox import issue_certificate, open_box
from evote.manifest import BallotStyle, Candidate, Contest, District, Manifest, Station
from evote.protocol.ceremony import run_ceremony
from evote.protocol.encrypt import encrypt_ballot

AUTHORITY = nacl.signing.SigningKey(bytes(range(32)))


def make_election_manifest(n_city_stations=2, n_village_stations=1):
    """District "city" (contest "city-council": 6 candidates, 3 seats, max 3) and
    district "village" (contest "village-council": 4 candidates, 2 seats, max 2)."""
    city = Contest("city-council", "شورای شهر", "city", 3, 2, 3, "plurality",
                   tuple(Candidate(100 + i, f"نامزد شهر {i}") for i in range(6)))
    village = Contest("village-council", "شورای روستا", "village", 2, 1, 2, "plurality",
                      tuple(Candidate(200 + i, f"نامزد روستا {i}") for i in range(4)))
    stations = [Station(f"c{i}", f"شعبه شهر {i}", "city", "s-city")
                for i in range(n_city_stations)]
    stations += [Station(f"v{i}", f"شعبه روستا {i}", "village", "s-village")
                 for i in range(n_village_stations)]
    return Manifest("tally-test", "انتخابات آزمایشی", "2026-06-19",
                    (District("city", "شهر", "city"), District("village", "روستا", "village")),
                    tuple(stations), (city, village),
                    (BallotStyle("s-city", ("city-council",)),
                     BallotStyle("s-village", ("village-council",))),
                    bytes(AUTHORITY.verify_key))


@functools.lru_cache(maxsize=None)
def election(n_city_stations=2, n_village_stations=1, n=3, t=2):
    manifest = make_election_manifest(n_city_stations, n_village_stations)
    context, guardians = run_ceremony(manifest.hash(), n, t)
    return manifest, context, guardians


def random_choices(rng, manifest, style_id):
    out = {}
    for cid in manifest.style(style_id).contest_ids:
        c = manifest.contest(cid)
        k = rng.randint(0, c.max_choices)
        out[cid] = rng.sample([x.code for x in c.candidates], k)
    return out


def add_plain(expect, manifest, choices):
    """Add one ballot's choices to expect[contest id] = [votes..., blank]."""
    for cid, codes in choices.items():
        c = manifest.contest(cid)
        v = expect.setdefault(cid, [0] * (len(c.candidates) + 1))
        for code in codes:
            v[c.candidate_index(code)] += 1
        if not codes:
            v[-1] += 1


def make_box(directory, manifest, context, station_id, kiosk_id, ops, rng, close=True):
    """A box at station_id; ops is a string of 'c' (cast) and 's' (spoil). Returns
    (path, expected plaintext sums of the CAST ballots, list of (seq, payload))."""
    kiosk_key = nacl.signing.SigningKey(rng.randbytes(32))
    cert = issue_certificate(AUTHORITY, election_hash=manifest.hash(), station_id=station_id,
                             kiosk_id=kiosk_id, kiosk_key=bytes(kiosk_key.verify_key))
    path = os.path.join(directory, f"{station_id}-{kiosk_id}.box")
    style = manifest.station(station_id).style_id
    expect, payloads = {}, []
    box = open_box(path, kiosk_key=kiosk_key, certificate=cert,
                   authority_key=bytes(AUTHORITY.verify_key), durable=False)
    try:
        for op in ops:
            choices = random_choices(rng, manifest, style)
            bid = box.next_ballot_id()
            ballot, secrets = encrypt_ballot(context, manifest, style, choices, bid)
            payload = ballot.to_bytes()
            if op == "c":
                receipt = box.cast(bid, payload)
                add_plain(expect, manifest, choices)
                payloads.append((receipt.seq, payload))
            else:
                box.challenge(bid, payload)
        if close:
            box.close()
    finally:
        box.release()
    return path, expect, payloads


def decrypt_with_secret(guardians, context, ct_bytes):
    """Test oracle: decrypt a 64-byte ciphertext with the guardians' combined secret
    (interpolated from t key shares), by brute force up to 10,000."""
    from evote.group import G_TABLE, Point, Scalar
    from evote.protocol.decryption import lagrange_coefficients
    present = guardians[:context.threshold]
    lam = lagrange_coefficients([g.index for g in present])
    s = Scalar.zero()
    for g in present:
        s = s + g.key_share * lam[g.index]
    a, b = Point.from_bytes(ct_bytes[:32]), Point.from_bytes(ct_bytes[32:])
    m = b - s * a
    acc = Point.identity()
    for i in range(10_000):
        if acc == m:
            return i
        acc = acc + G_TABLE.point
    raise AssertionError("count out of range")
