"""decrypt_district_tallies / verify_decryption_record: any t guardians decrypt to the
plaintext sums; the record survives JSON; any tampering is named (district, contest,
guardian)."""
import itertools
import json
import random

import pytest

from evote.protocol.encrypt import encrypt_ballot
from evote.tally import (DecryptionRecord, DecryptionRecordError, TallyInputError,
                         decrypt_district_tallies, district_tallies, tally_ballot_blobs,
                         verify_decryption_record)

from test_tally_support import add_plain, election, random_choices


@pytest.fixture(scope="module")
def tallies():
    manifest, context, guardians = election()
    rng = random.Random(11)
    stations, expect = {}, {}
    for sid, style in (("c0", "s-city"), ("c1", "s-city"), ("v0", "s-village")):
        blobs = []
        for _ in range(rng.randint(2, 6)):
            choices = random_choices(rng, manifest, style)
            blobs.append(encrypt_ballot(context, manifest, style, choices,
                                        rng.randbytes(32))[0].to_bytes())
            add_plain(expect, manifest, choices)
        stations[sid] = tally_ballot_blobs(manifest, blobs)
    return district_tallies(manifest, stations), expect


def _as_lists(counts):
    return {c.contest_id: list(c.votes) + [c.blank] for cs in counts.values() for c in cs}


@pytest.mark.parametrize("present", list(itertools.combinations(range(3), 2)) + [(0, 1, 2)])
def test_any_threshold_set_decrypts_to_the_plaintext_sums(tallies, present):
    manifest, context, guardians = election()
    districts, expect = tallies
    record = decrypt_district_tallies(context, [guardians[i] for i in present], districts,
                                      manifest=manifest)
    assert _as_lists(record.by_district()) == expect
    counts = verify_decryption_record(context, districts, record, manifest=manifest)
    assert _as_lists(counts) == expect
    ballots = {c.contest_id: c.ballots_cast for cs in counts.values() for c in cs}
    assert ballots == {cid: districts[d][cid].ballots for d in districts for cid in districts[d]}


def test_json_round_trip_and_tamper_detection(tallies):
    manifest, context, guardians = election()
    districts, expect = tallies
    record = decrypt_district_tallies(context, guardians[1:], districts)
    obj = json.loads(json.dumps(record.to_json_obj()))
    again = DecryptionRecord.from_json_obj(obj)
    assert again == record
    assert _as_lists(verify_decryption_record(context, districts, again)) == expect

    def check(mutate, message):
        o = json.loads(json.dumps(obj))
        mutate(o)
        with pytest.raises((DecryptionRecordError, TallyInputError), match=message):
            verify_decryption_record(context, districts, DecryptionRecord.from_json_obj(o))

    def bump(o):
        o["contests"][0]["counts"][1] += 1
    check(bump, "district 'city', contest 'city-council': position 1")

    def swap_partial(o):
        sh = o["contests"][1]["shares"]
        sh[1]["partials"][2] = sh[0]["partials"][2]
    check(swap_partial, "district 'village', contest 'village-council': guardian 3")

    def drop_share(o):
        o["contests"][0]["shares"].pop()
    check(drop_share, "need 2 distinct guardians")

    def drop_contest(o):
        o["contests"].pop()
    check(drop_contest, "district 'village', contest 'village-council': the tally has no")

    def ballots(o):
        o["contests"][0]["ballots"] += 1
    check(ballots, "ballots")

    def version(o):
        o["version"] = "x"
    check(version, "version")


def test_too_few_guardians(tallies):
    manifest, context, guardians = election()
    with pytest.raises(TallyInputError, match="threshold"):
        decrypt_district_tallies(context, guardians[:1], tallies[0])


def test_district_check_with_manifest(tallies):
    manifest, context, guardians = election()
    wrong = {"village": tallies[0]["city"]}
    with pytest.raises(TallyInputError, match="belongs to district 'city'"):
        decrypt_district_tallies(context, guardians, wrong, manifest=manifest)


def test_published_station_tallies_decrypt_too(tallies):
    manifest, context, guardians = election()
    districts, expect = tallies
    station = {"v0": districts["village"]}  # v0 is the only village station
    record = decrypt_district_tallies(context, guardians[:2], station, manifest=manifest)
    assert _as_lists(verify_decryption_record(context, station, record, manifest=manifest)) \
        == {"village-council": expect["village-council"]}
    with pytest.raises(TallyInputError, match="station 'c0' does not offer"):
        decrypt_district_tallies(context, guardians[:2], {"c0": districts["village"]},
                                 manifest=manifest)
