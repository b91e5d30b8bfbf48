"""evote.kiosk.Kiosk: the voter's flow (review, encrypt, challenge, cast), every refusal
of setup and of a ballot, restart mid-day, close; the box verifies with read_box."""
import dataclasses
import os

import nacl.signing
import pytest

from evote.ballotbox import issue_certificate, read_box
from evote.ballotbox.records import CastRecord, SpoilRecord
from evote.errors import BoxError, EvoteTypeError
from evote.kiosk import BallotRefused, CodeEntryError, Draft, Kiosk, KioskSetupError
from evote.protocol.challenge import Opening
from evote.protocol.encrypt import encrypt_ballot

from kiosk_support import CITY, VILLAGE, make_election

K1, K2 = f"{CITY}-k1", f"{CITY}-k2"


@pytest.fixture(scope="module")
def election():
    return make_election(seed=3)


def start(election, tmp_path, kiosk_id=K1, **kw):
    # durable=False: these tests check the session's logic, not fsync (test_ballotbox does);
    # fsync per record would only slow the suite.
    kw.setdefault("durable", False)
    return Kiosk.from_parts(election.package, election.keys[kiosk_id],
                            election.certificates[kiosk_id], tmp_path / f"{kiosk_id}.box", **kw)


def typed(kiosk, n=2, digits=str):
    c = kiosk.contests[0]
    return {c.contest_id: " ".join(digits(code) for code in c.codes[:n])}


def box_records(election, kiosk):
    return list(read_box(kiosk.box.path, authority_key=election.manifest.authority_key,
                         election_hash=election.manifest.hash(), kiosk_id=kiosk.kiosk_id))


def test_flow_review_challenge_cast_close(election, tmp_path):
    with start(election, tmp_path) as kiosk:
        assert (kiosk.station_id, kiosk.kiosk_id, kiosk.recovery) == (CITY, K1, ())
        contest = kiosk.contests[0]
        assert [c.contest_id for c in kiosk.contests] == \
            list(election.manifest.style(kiosk.style_id).contest_ids)
        choices = typed(kiosk, 2)
        a, b = contest.codes[:2]
        assert kiosk.review(choices) == [(contest.name, [(a, contest.candidate(a).name),
                                                          (b, contest.candidate(b).name)])]
        persian = str(a).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        assert kiosk.parse_codes(contest.contest_id, f"{persian}، {b}") == (a, b)
        draft = kiosk.encrypt(choices)
        assert draft.ballot_id == kiosk.box.next_ballot_id()
        text = repr(draft)
        assert "hidden" in text and str(draft._secrets.contests[0].nonces[0]) not in text
        spoiled = kiosk.challenge(draft)
        assert spoiled.code == draft.confirmation_code and draft.spent
        with pytest.raises(BallotRefused, match="already cast or challenged"):
            kiosk.cast(draft)
        again = kiosk.encrypt(choices)       # the voter votes again: a new ballot id
        assert again.ballot_id != draft.ballot_id
        receipt = kiosk.cast(again)
        assert receipt.code == again.confirmation_code and receipt.short_code == again.short_code
        blank = kiosk.cast(kiosk.encrypt({}))   # a contest not named is a blank vote
        assert blank.seq == receipt.seq + 1
        kiosk.close()
        assert kiosk.closed
        with pytest.raises(BoxError, match="closed"):
            kiosk.cast(kiosk.encrypt(choices))
    records = box_records(election, kiosk)
    assert sum(isinstance(r, CastRecord) for r in records) == 2
    assert sum(isinstance(r, SpoilRecord) for r in records) == 1
    # the box holds the challenged ballot only; its opening went to the voter, signed
    assert records[1].payload == draft.payload and records[1].time_us == 0
    opening = Opening.from_bytes(spoiled.opening)
    assert "hidden" in repr(spoiled) + repr(opening) and spoiled.opening_hex not in repr(spoiled)
    opening.verify_signature(election.certificates[K1].kiosk_key)
    assert (opening.seq, opening.code, opening.kiosk_id) == (1, records[1].code, K1)
    assert opening.contests[0].selected == tuple(sorted((a, b), key=contest.codes.index))


def test_choices_refused_before_encryption(election, tmp_path):
    with start(election, tmp_path) as kiosk:
        cid = kiosk.contests[0].contest_id
        with pytest.raises(CodeEntryError, match="not on the ballot of station"):
            kiosk.encrypt({"council-village-001": "1"})
        with pytest.raises(CodeEntryError, match=f"contest '{cid}': code '0' is not a cand"):
            kiosk.review({cid: "0"})
        with pytest.raises(EvoteTypeError, match="choices: expected a dict"):
            kiosk.encrypt([cid])
        assert kiosk.box.next_seq == 1      # nothing was written


def test_setup_refusals(election, tmp_path):
    other = make_election(seed=3)           # same manifest text, another authority
    with pytest.raises(KioskSetupError, match="is for another election"):
        Kiosk.from_parts(election.package, other.keys[K1], other.certificates[K1],
                         tmp_path / "a.box", durable=False)
    with pytest.raises(KioskSetupError, match="is not the key the certificate of kiosk"):
        Kiosk.from_parts(election.package, election.keys[K2], election.certificates[K1],
                         tmp_path / "b.box", durable=False)
    # a certificate the authority re-issued (new key) but the package does not list
    fresh = nacl.signing.SigningKey.generate()
    mh = election.manifest.hash()
    reissued = issue_certificate(election.authority, election_hash=mh, station_id=CITY,
                                 kiosk_id=K1, kiosk_key=bytes(fresh.verify_key))
    with pytest.raises(KioskSetupError, match="not the certificate the package lists"):
        Kiosk.from_parts(election.package, fresh, reissued, tmp_path / "c.box", durable=False)
    unlisted = issue_certificate(election.authority, election_hash=mh, station_id=CITY,
                                 kiosk_id=f"{CITY}-k9", kiosk_key=bytes(fresh.verify_key))
    with pytest.raises(KioskSetupError, match="lists no kiosk 'city-1-st001-k9'"):
        Kiosk.from_parts(election.package, fresh, unlisted, tmp_path / "d.box", durable=False)
    paper = issue_certificate(election.authority, election_hash=mh, station_id=VILLAGE,
                              kiosk_id=f"{VILLAGE}-k1", kiosk_key=bytes(fresh.verify_key))
    with pytest.raises(KioskSetupError, match="votes on paper"):
        Kiosk.from_parts(election.package, fresh, paper, tmp_path / "e.box", durable=False)
    forged = dataclasses.replace(election.package, authority_signature=bytes(64))
    with pytest.raises(KioskSetupError, match="authority_signature"):
        Kiosk.from_parts(forged, election.keys[K1], election.certificates[K1],
                         tmp_path / "f.box", durable=False)
    assert not any(tmp_path.iterdir())      # no refusal left a box behind


def test_box_of_another_kiosk_refused(election, tmp_path):
    start(election, tmp_path, K1).release()
    with pytest.raises(BoxError, match="kiosk"):
        Kiosk.from_parts(election.package, election.keys[K2], election.certificates[K2],
                         tmp_path / f"{K1}.box", durable=False)


def test_ballot_refusals(election, tmp_path):
    with start(election, tmp_path) as kiosk:
        choices = typed(kiosk, 1)
        stale = kiosk.encrypt(choices)
        kiosk.cast(kiosk.encrypt(choices))
        with pytest.raises(BallotRefused, match="is not the next ballot id of kiosk"):
            kiosk.cast(stale)
        with pytest.raises(BallotRefused, match="is not the next ballot id"):
            kiosk.challenge(stale)
        bid = kiosk.box.next_ballot_id()
        village = election.manifest.station(VILLAGE).style_id
        wrong_style, _ = encrypt_ballot(election.context, election.manifest, village, {}, bid)
        with pytest.raises(BallotRefused, match=f"style '{village}' is not the style"):
            kiosk.cast(wrong_style.to_bytes())
        good = kiosk.encrypt(choices).payload
        bad = bytearray(good)
        bad[-40] ^= 1                       # inside the last contest's range proof
        with pytest.raises(BallotRefused, match="does not verify"):
            kiosk.cast(bytes(bad))
        with pytest.raises(BallotRefused, match="not a well-formed ballot"):
            kiosk.cast(good[:-1])
        with pytest.raises(EvoteTypeError, match="expected a Draft"):
            kiosk.cast("ballot")
        assert (kiosk.n_cast, kiosk.box.next_seq) == (1, 2)   # nothing refused was written
        # a ballot encrypted elsewhere (another encryption path), given as bytes: cast
        assert kiosk.cast(good).seq == 2


def test_challenge_with_wrong_secrets_refused(election, tmp_path):
    with start(election, tmp_path) as kiosk:
        a = kiosk.encrypt(typed(kiosk, 1))
        b = kiosk.encrypt(typed(kiosk, 2))     # same ballot id, other choices and nonces
        mixed = Draft(a.ballot, b._secrets, a.confirmation_code)
        with pytest.raises(BallotRefused, match="the secrets do not open the ballot"):
            kiosk.challenge(mixed)
        assert kiosk.n_spoiled == 0
        assert kiosk.challenge(a).seq == 1


def test_restart_mid_day_resumes(election, tmp_path):
    kiosk = start(election, tmp_path, mirror_path=tmp_path / "mirror.box")
    for _ in range(2):
        kiosk.cast(kiosk.encrypt(typed(kiosk)))
    pending = kiosk.encrypt(typed(kiosk))  # encrypted, never cast: the kiosk restarts
    kiosk.release()
    with open(kiosk.box.path, "ab") as f:  # a torn final frame (power cut mid-write)
        f.write(b"EVBX\x01")
    kiosk = start(election, tmp_path, mirror_path=tmp_path / "mirror.box")
    assert kiosk.recovery and (kiosk.n_cast, kiosk.n_spoiled) == (2, 0)
    assert kiosk.box.next_ballot_id() == pending.ballot_id
    kiosk.cast(pending)                    # the same next ballot id: still admissible
    kiosk.close()
    kiosk.release()
    with open(kiosk.box.path, "rb") as f, open(tmp_path / "mirror.box", "rb") as g:
        assert f.read() == g.read()
    reader = read_box(kiosk.box.path, authority_key=election.manifest.authority_key,
                      election_hash=election.manifest.hash(), kiosk_id=K1,
                      require_closed=True)
    assert sum(isinstance(r, CastRecord) for r in reader) == 3
    assert reader.report.closed and reader.report.n_cast == 3
    assert os.path.exists(tmp_path / "mirror.box")
