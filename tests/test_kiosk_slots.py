"""Slot contests at the kiosk and in the voter's challenge (specs/protocol.md 6.1, 8.2,
8.3): a kiosk encrypts a slot contest (list codes expand as for per-candidate ballots),
the ballot and its challenge record round-trip, the printed opening carries the slot
opening, check_opening accepts the kiosk's and refuses one whose slots do not reproduce
the ciphertexts or hold other candidates; a 21-of-3,000 ballot is at most 4 KB."""
import dataclasses
import os

import nacl.signing
import pytest

from evote.ballotbox import issue_certificate, read_box
from evote.ballotbox.records import SpoilRecord
from evote.election.package import ElectionPackage, KioskEntry, StationPlan
from evote.errors import InvalidEncoding
from evote.kiosk import Kiosk
from evote.manifest import (BallotStyle, Candidate, Contest, District, Manifest, MixServer,
                            make_demo_manifest)
from evote.protocol.ceremony import run_ceremony
from evote.protocol.challenge import (ChallengeMismatch, ChallengeRecord, Opening,
                                      check_opening, make_challenge, sign_opening,
                                      verify_challenge)
from evote.protocol.encrypt import encrypt_ballot
from evote.protocol.encrypted_ballot import EncryptedBallot, SlotContestSecrets
from evote.protocol.slot_opening import SlotOpening
from evote.protocol.slot_range_codec import SlotRangeContest
from evote.protocol.verify_ballot import verify_ballot

from slot_ballot_support import MIX_KEY, make_context, slot_manifest

CITY = "city-1-st001"
KID = f"{CITY}-k1"


@pytest.fixture(scope="module")
def election():
    authority = nacl.signing.SigningKey(bytes([5]) * 32)
    manifest = make_demo_manifest(3, 1, 1, authority_key=bytes(authority.verify_key),
                                  city_method="proportional", city_encoding="slots",
                                  mix_servers=(MixServer("mix-1", MIX_KEY),))
    context, _ = run_ceremony(manifest.hash(), 1, 1)
    key = nacl.signing.SigningKey(bytes([6]) * 32)
    cert = issue_certificate(authority, election_hash=manifest.hash(), station_id=CITY,
                             kiosk_id=KID, kiosk_key=bytes(key.verify_key))
    stations = [StationPlan(s.station_id, "electronic" if s.station_id == CITY else "paper",
                            (KioskEntry(KID, cert),) if s.station_id == CITY else (), ())
                for s in manifest.stations]
    package = ElectionPackage(manifest, context, tuple(stations), bytes(64))
    package = dataclasses.replace(package,
                                  authority_signature=authority.sign(package.hash()).signature)
    return manifest, context, package, key, cert


def test_kiosk_encrypts_challenges_and_casts_a_slot_contest(election, tmp_path):
    manifest, context, package, key, cert = election
    contest = manifest.contest("council-city-1")
    assert contest.uses_slots and contest.lists
    lst = min((p.code for p in contest.lists), key=lambda x: len(contest.list_members(x)))
    members = contest.list_members(lst)
    assert 1 < len(members) <= contest.max_choices   # the demo's seed 3: a list that fits
    with Kiosk.from_parts(package, key, cert, tmp_path / "k1.box", durable=False) as kiosk:
        draft = kiosk.encrypt({contest.contest_id: str(lst)})   # a list code: its members
        enc = draft.ballot.contest(contest.contest_id)
        assert isinstance(enc, SlotRangeContest) and enc.slots == contest.max_choices
        spoiled = kiosk.challenge(draft)
        receipt = kiosk.cast(kiosk.encrypt({contest.contest_id: str(members[0])}))
        kiosk.close()
    records = list(read_box(str(tmp_path / "k1.box"), authority_key=manifest.authority_key,
                            election_hash=manifest.hash(), kiosk_id=KID))
    spoil = next(r for r in records if isinstance(r, SpoilRecord))
    cast = next(r for r in records if r.seq == receipt.seq)
    verify_ballot(context, manifest, EncryptedBallot.from_bytes(cast.payload))
    opening = Opening.from_bytes(spoiled.opening)
    sec = opening.contests[0]
    assert isinstance(sec, SlotContestSecrets) and isinstance(sec.opening, SlotOpening)
    assert sec.selected == tuple(c for c in contest.codes if c in set(contest.list_members(lst)))
    assert opening.to_bytes() == spoiled.opening
    args = dict(ballot_bytes=spoil.payload, election_hash=manifest.hash(), station_id=CITY,
                kiosk_id=KID, seq=spoil.seq, ballot_id=spoil.ballot_id, code=spoil.code,
                kiosk_key=cert.kiosk_key)
    record = check_opening(context, manifest, opening, **args)
    assert record.secrets.contests[0].selected == sec.selected

    def resigned(contests):
        unsigned = dataclasses.replace(opening, contests=contests, signature=bytes(64))
        sig = key.sign(unsigned.signed_digest()).signature
        return dataclasses.replace(unsigned, signature=sig)

    # a slot value changed (a kiosk encrypting something else than it prints): refused
    o = sec.opening
    bad = SlotOpening(o.contest_id, (o.values[0] + 1,) + o.values[1:], o.nonces)
    with pytest.raises(ChallengeMismatch, match="slot 1: the opening does not reproduce"):
        check_opening(context, manifest, resigned(
            (SlotContestSecrets(sec.contest_id, sec.selected, bad),)), **args)
    # the same slots, other revealed codes: refused (they must be what the slots hold)
    with pytest.raises(ChallengeMismatch, match="the slots hold candidates"):
        check_opening(context, manifest, resigned(
            (SlotContestSecrets(sec.contest_id, sec.selected[1:], o),)), **args)

    # the voter's check (`evote challenge check --opening`): names the slot contest's
    # choices, refuses an opening whose slots do not reproduce the published ballot
    from types import SimpleNamespace
    from evote.voter.challenge_check import check_opening as voter_check
    view = SimpleNamespace(manifest=manifest, context=context,
                           full=lambda rel: str(tmp_path / rel))
    checked = SimpleNamespace(record=spoil, match=SimpleNamespace(
        path="k1.box", station_id=CITY, kiosk_id=KID))
    shown = voter_check(view, checked, spoiled.opening)
    assert shown.ok and [c.contest_id for c in shown.choices] == [contest.contest_id]
    assert shown.choices[0].candidates == [(code, contest.candidate(code).name)
                                           for code in sec.selected]
    forged = resigned((SlotContestSecrets(sec.contest_id, sec.selected, bad),)).to_bytes()
    refused = voter_check(view, checked, forged)
    assert not refused.ok and "slot 1: the opening does not reproduce" in refused.failure


def test_codec_and_challenge_record_with_mixed_contests():
    m, ctx = slot_manifest(l_slot=6), make_context(4)
    bid = bytes(range(32))
    ballot, secrets = encrypt_ballot(ctx, m, "s", {"pc": ["2"], "sl": ["901"]}, bid)
    raw = ballot.to_bytes()
    again = EncryptedBallot.from_bytes(raw)
    assert again == ballot and again.to_bytes() == raw
    assert [type(c).__name__ for c in again.contests] == ["EncryptedContest",
                                                          "SlotRangeContest"]
    # the slot block: u16 0, u32 E, then EVSL; a per-candidate block is unchanged
    i = raw.index(b"EVSL")
    assert raw[i - 6:i - 4] == b"\x00\x00"
    assert int.from_bytes(raw[i - 4:i], "big") == len(ballot.contests[1].to_bytes())
    verify_ballot(ctx, m, again, exact=True)
    rec = make_challenge(ballot, secrets)
    parsed = ChallengeRecord.from_bytes(rec.to_bytes())
    assert parsed.to_bytes() == rec.to_bytes()
    verify_challenge(ctx, m, parsed)
    # the block's contest id must be the slot contest's own
    bad = raw.replace(b"\x02sl\x00\x00", b"\x02sx\x00\x00", 1)
    with pytest.raises(InvalidEncoding, match=r"contest 1 \('sx'\) slot contest at offset "
                       r"\d+ names contest 'sl'"):
        EncryptedBallot.from_bytes(bad)
    # a truncated slot contest names its offset in the ballot
    cut = raw[:-5]
    cut = cut[:8] + len(cut).to_bytes(4, "big") + cut[12:]
    with pytest.raises(InvalidEncoding, match=r"contest 1 \('sl'\) slot contest at offset"):
        EncryptedBallot.from_bytes(cut)


def test_tehran_shape_ballot_is_at_most_4_kb():
    n, seats = 3000, 21
    c = Contest("tehran", "شورای شهر تهران", "d", seats, 0, seats, "plurality",
                tuple(Candidate(10_000 + i, f"نامزد {i}") for i in range(n)))
    assert c.uses_slots   # more than 200 candidates: slots by default
    m = Manifest("e", "election", "2026-06-19", (District("d", "تهران", "city"),), (), (c,),
                 (BallotStyle("s", ("tehran",)),), bytes(32),
                 mix_servers=(MixServer("mix-1", MIX_KEY),))
    ctx = make_context(5)
    full, _ = encrypt_ballot(ctx, m, "s", {"tehran": [str(10_000 + 7 * i) for i in range(21)]},
                             os.urandom(32))
    blank, _ = encrypt_ballot(ctx, m, "s", {}, os.urandom(32))
    for b in (full, blank):
        assert len(b.to_bytes()) <= 4096, len(b.to_bytes())
        verify_ballot(ctx, m, EncryptedBallot.from_bytes(b.to_bytes()))


def test_prepare_precomputes_one_ballot_only(election, tmp_path):
    manifest, context, package, key, cert = election
    cid = "council-city-1"
    code = manifest.contest(cid).codes[0]
    with Kiosk.from_parts(package, key, cert, tmp_path / "k1.box", durable=False) as kiosk:
        kiosk.prepare()
        pre = dict(kiosk._prepared)
        assert list(pre) == [cid] and "hidden" in repr(pre[cid])
        draft = kiosk.encrypt({cid: str(code)})
        assert kiosk._prepared is None            # used by this ballot, then dropped
        verify_ballot(context, manifest, draft.ballot)
        with pytest.raises(Exception, match="already used"):
            encrypt_ballot(context, manifest, kiosk.style_id, {cid: [code]},
                           kiosk.box.next_ballot_id(), pre)
        again = kiosk.encrypt({cid: str(code)})   # nothing prepared: computed inline
        verify_ballot(context, manifest, again.ballot)
        assert again.ballot.contest(cid).commitments != draft.ballot.contest(cid).commitments
        kiosk.cast(again)
