"""Issue 13 item 1: a challenge never reveals the vote cast after it.

The linking attack (a SPOIL record's revealed choices paired with the next CAST record of
the same kiosk, by position and time) is built on the small demo election's stations
and finds nothing to link: no SPOIL record holds an opening and no ballot record a time.
The same attack, run on a box forged the way version 1 wrote it (opening and microsecond
times in the records), links the challenge to the next ballot; the reader and the
verifier (V10) refuse that box. The voter's own check: `evote challenge check` with the
printed opening the demo voter took home verifies and names the choices; a wrong,
altered or missing opening is refused; any change to an opening's bytes is refused
(hypothesis); and the re-encryption the check relies on agrees with the pure-Python
ristretto255 of tests/reference.
"""
import glob
import json
import os
import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from evote.ballotbox.framing import record_hash, seal, signed_bytes, RecordType
from evote.ballotbox.reader import scan_box
from evote.ballotbox.records import next_code
from evote.demo.station import station_voters
from evote.errors import EvoteError, InvalidSignature
from evote.kiosk import Kiosk
from evote.manifest import parse_candidate_code
from evote.protocol.challenge import (ChallengeMismatch, ChallengeRecord, Opening,
                                      OpeningMismatch, check_opening, sign_opening)
from evote.protocol.encrypted_ballot import BallotSecrets
from evote.verify.station import verify_station

from kiosk_support import CITY, make_election
from reference import ristretto255 as ref
from test_verify_support import SMALL, small_record, small_voters
from test_voter_support import ballots_of, challengers, first, run

K1 = f"{CITY}-k1"


# ---- the attack, from a box's bytes alone (any format version) ----------------------

def raw_frames(data: bytes) -> list:
    """[(type, seq, time in us, body)] of every frame (layout of specs/ballot-box.md 3)."""
    out, p = [], 0
    while p + 16 <= len(data):
        body_len = struct.unpack_from(">I", data, p + 8)[0]
        seq, t = struct.unpack_from(">QQ", data, p + 16)
        out.append((data[p + 5], seq, t, data[p + 64:p + 64 + body_len]))
        p += 132 + body_len
    return out


def revealed_choices(body: bytes):
    """What a SPOIL body gives away beyond its ballot: the choices of an opening found
    after the payload (version 1's secrets field), or None."""
    n = struct.unpack_from(">I", body, 64)[0]
    rest = body[68 + n:]
    if len(rest) < 4:
        return None
    try:
        opened = ChallengeRecord.from_bytes(rest[4:4 + struct.unpack_from(">I", rest)[0]])
    except EvoteError:
        return None
    return {c.contest_id: c.selected for c in opened.secrets.contests}


def link_challenges(box_path) -> list:
    """The linking attack of issue 13 on one box: for each SPOIL record, (its position,
    the choices it reveals, the position of the next CAST record, the time between them).
    A link is usable when the choices are not None."""
    frames = raw_frames(open(box_path, "rb").read())
    links = []
    for i, (rtype, seq, t, body) in enumerate(frames):
        if rtype != RecordType.SPOIL:
            continue
        nxt = next(((s, tt) for r, s, tt, _ in frames[i + 1:] if r == RecordType.CAST),
                   (None, None))
        links.append((seq, revealed_choices(body), nxt[0],
                      None if nxt[0] is None else nxt[1] - t))
    return links


def demo_boxes(record: str) -> list:
    return sorted(glob.glob(os.path.join(record, "boxes", "*", "*.box")))


def test_the_linking_attack_finds_nothing_on_the_demo_stations(tmp_path_factory):
    record = small_record(tmp_path_factory)
    links = [link for box in demo_boxes(record) for link in link_challenges(box)]
    assert links, "the small demo has no challenge to attack"
    assert all(nxt is not None for _, _, nxt, _ in links)   # a next CAST is there...
    assert [choices for _, choices, _, _ in links] == [None] * len(links)  # ...nothing opened
    for box in demo_boxes(record):
        frames = raw_frames(open(box, "rb").read())
        for rtype, seq, t, body in frames:
            if rtype in (RecordType.CAST, RecordType.SPOIL):
                assert t == 0, (box, seq)                       # no time to pair them by
                assert len(body) == 68 + struct.unpack_from(">I", body, 64)[0]  # ballot only
        opened, closed = frames[0][2], frames[-1][2]
        assert frames[-1][0] == RecordType.CLOSE and 0 < opened <= closed  # OPEN/CLOSE timed


# ---- the same attack on what version 1 published: it links; today's readers refuse it --

@pytest.fixture(scope="module")
def election():
    return make_election(seed=5)


def _kiosk(election, directory):
    return Kiosk.from_parts(election.package, election.keys[K1], election.certificates[K1],
                            os.path.join(str(directory), f"{K1}.box"), durable=False)


def _voter_day(election, directory, choices):
    """Two voters at K1: one casts; one challenges with `choices` and then casts them.
    Returns (box path, the Challenged, the ballot challenged)."""
    with _kiosk(election, directory) as kiosk:
        kiosk.cast(kiosk.encrypt({}))
        draft = kiosk.encrypt(choices)
        challenged = kiosk.challenge(draft)
        kiosk.cast(kiosk.encrypt(choices))
        kiosk.close()
    return kiosk.box.path, challenged, draft.ballot


def _as_version_1_wrote_it(path, key, opening: bytes, ballot) -> bytes:
    """The box re-signed by its kiosk key with the SPOIL opening in the record and a
    microsecond time on every record, as format version 1 published them."""
    t0, out, prev = None, [], bytes(32)
    for k, (rtype, seq, t, body) in enumerate(raw_frames(open(path, "rb").read())):
        t0 = t if t0 is None else t0
        if rtype == RecordType.SPOIL:
            secrets = Opening.from_bytes(opening).challenge_record(ballot).to_bytes()
            body += struct.pack(">I", len(secrets)) + secrets
        signed = signed_bytes(RecordType(rtype), seq, t0 + 1000 * k, prev, body)
        prev = record_hash(signed)
        out.append(seal(signed, key.sign(prev).signature))
    return b"".join(out)


def test_the_attack_links_a_box_written_as_version_1_and_it_is_refused(election, tmp_path):
    contest = election.manifest.station_contests(CITY)[0]
    choices = {contest.contest_id: list(contest.codes[:2])}
    path, challenged, ballot = _voter_day(election, tmp_path, choices)
    assert [c for _, c, _, _ in link_challenges(path)] == [None]          # as written
    forged = tmp_path / "boxes" / CITY / f"{K1}.box"
    forged.parent.mkdir(parents=True)
    forged.write_bytes(_as_version_1_wrote_it(path, election.keys[K1], challenged.opening,
                                              ballot))
    # the attack works on such a box: the next CAST, 1 ms later, is the same voter's
    assert link_challenges(forged) == [(2, {contest.contest_id: tuple(contest.codes[:2])},
                                        3, 1000)]
    found = {(p.seq, p.check) for p in scan_box(
        forged, authority_key=election.manifest.authority_key).problems}
    assert {(2, "spoil-opening"), (1, "time"), (2, "time"), (3, "time")} <= found, found
    m, c = election.manifest.to_canonical_bytes(), election.context.to_canonical_bytes()
    rel = f"boxes/{CITY}/{K1}.box"
    got = verify_station(str(tmp_path), CITY, [rel], m, c)
    assert any(ch == "V10" and "opening" in msg for ch, _, msg in got["failures"]), got
    os.replace(path, forged)                                   # the honest box passes
    honest = verify_station(str(tmp_path), CITY, [rel], m, c)
    assert honest["failures"] == [] and honest["checked"]["V10"] == 1


def _resigned(frames, key, change) -> bytes:
    """The frames re-signed and re-chained by the kiosk key after change(k, type, seq,
    time, body) -> (time, body): what a kiosk (or a forger holding its key) can write."""
    out, prev = [], bytes(32)
    for k, (rtype, seq, t, body) in enumerate(frames):
        t, body = change(k, rtype, seq, t, body)
        signed = signed_bytes(RecordType(rtype), seq, t, prev, body)
        prev = record_hash(signed)
        out.append(seal(signed, key.sign(prev).signature))
    return b"".join(out)


def test_times_and_versions_the_reader_refuses(election, tmp_path):
    path, _, _ = _voter_day(election, tmp_path, {})
    frames = raw_frames(open(path, "rb").read())
    key, auth = election.keys[K1], election.manifest.authority_key

    def found(data):
        (tmp_path / "t.box").write_bytes(data)
        return {(p.seq, p.check) for p in scan_box(tmp_path / "t.box", authority_key=auth).problems}
    assert found(open(path, "rb").read()) == set()
    opened = frames[0][2]
    assert found(_resigned(frames, key, lambda k, r, s, t, b: (opened - 1 if r == 4 else t, b))) \
        == {(4, "time")}                                      # CLOSE before OPEN
    assert found(_resigned(frames, key, lambda k, r, s, t, b: (opened if r == 2 else t, b))) \
        == {(1, "time"), (3, "time")}                         # CAST records with a time
    v1 = bytearray(open(path, "rb").read())
    v1[4] = 1                                                 # format version 1
    v1[12:16] = struct.pack(">I", zlib.crc32(bytes(v1[:12])))
    assert (0, "version") in found(bytes(v1))


def test_a_spoiled_ballot_that_is_not_a_ballot_fails_v10(election, tmp_path):
    path, _, _ = _voter_day(election, tmp_path, {})
    frames, out, prev = raw_frames(open(path, "rb").read()), [], bytes(32)
    code = None   # the kiosk's code chain, once the garbage is in it
    for rtype, seq, t, body in frames:
        if rtype == RecordType.SPOIL:   # garbage spoiled: the kiosk's code chain follows it
            garbage = b"not a ballot"
            prev_code = [b for r, s, _, b in frames if s == seq - 1][0][32:64]
            code = next_code(prev_code, body[:32], garbage)
            body = body[:32] + code + struct.pack(">I", len(garbage)) + garbage
        elif rtype == RecordType.CAST and code is not None:   # every later code follows
            # (else V7 fails and the box counts nothing, specs/record.md 8.2)
            payload = body[68:68 + struct.unpack(">I", body[64:68])[0]]
            code = next_code(code, body[:32], payload)
            body = body[:32] + code + body[64:]
        elif rtype == RecordType.CLOSE and code is not None:   # its chain head too
            body = body[:-32] + code
        signed = signed_bytes(RecordType(rtype), seq, t, prev, body)
        prev = record_hash(signed)
        out.append(seal(signed, election.keys[K1].sign(prev).signature))
    box = tmp_path / "boxes" / CITY / f"{K1}.box"
    box.parent.mkdir(parents=True)
    box.write_bytes(b"".join(out))
    got = verify_station(str(tmp_path), CITY, [f"boxes/{CITY}/{K1}.box"],
                         election.manifest.to_canonical_bytes(),
                         election.context.to_canonical_bytes())
    assert [ch for ch, _, _ in got["failures"] if ch in ("V8", "V10")] == ["V10"], got


# ---- the voter's check: `evote challenge check RECORD CODE --opening FILE` ------------

def _chosen(manifest, voter):
    """The codes the demo voter chose, per contest (the demo's own plan of voters)."""
    n_chal = max(1, round(SMALL["voters_per_station"] * 0.02))
    plan = station_voters(manifest, voter["station"], SMALL["voters_per_station"], n_chal,
                          SMALL["seed"])
    choices, challenged = plan[voter["voter"]]
    assert challenged
    return {cid: sorted(parse_candidate_code(c) for c in codes) for cid, codes in choices.items()}


def test_challenge_check_with_the_voters_printed_opening(tmp_path_factory):
    from evote.voter.record_view import open_record
    record = small_record(tmp_path_factory)
    manifest = open_record(record).manifest
    voters = challengers(small_voters(tmp_path_factory))
    for v in voters:
        code, out, _ = run("challenge", "check", record, v["short"], "--opening", v["opening"],
                           "--json")
        a = json.loads(out)
        assert (code, a["status"], a["opening_source"]) == (0, "opening-verified", "file"), a
        got = {c["contest_id"]: sorted(x["code"] for x in c["candidates"]) for c in a["choices"]}
        assert got == _chosen(manifest, v)
        for c in a["choices"]:   # by name, in candidate (manifest) order
            contest = manifest.contest(c["contest_id"])
            codes = [x["code"] for x in c["candidates"]]
            assert codes == sorted(codes, key=contest.codes.index)
            assert [x["name"] for x in c["candidates"]] == [contest.candidate(k).name
                                                            for k in codes]
        opening = Opening.from_bytes(bytes.fromhex(open(v["opening"]).read()))
        assert len(opening.to_bytes()) == 184 + len(opening.station_id.encode()) + \
            len(opening.kiosk_id.encode()) + sum(          # specs/protocol.md 8.3's size
                _opening_contest_size(manifest.contest(c.contest_id), c)
                for c in opening.contests)
        code, text, _ = run("challenge", "check", record, v["short"], "--opening",
                            v["opening"], "--lang", "en")
        assert code == 0 and "the kiosk encrypted exactly these choices" in text


def test_a_wrong_altered_or_missing_opening_is_refused(tmp_path_factory, tmp_path):
    record = small_record(tmp_path_factory)
    voters = challengers(small_voters(tmp_path_factory))
    assert len(voters) >= 2, "the small demo needs two challenges"
    a, b = voters[:2]

    def check(code, *opening):
        rc, out, err = run("challenge", "check", record, code, *opening, "--json")
        return rc, json.loads(out) if out.strip().startswith("{") else out + err

    rc, ans = check(a["short"], "--opening", b["opening"])        # another voter's opening
    assert (rc, ans["status"]) == (1, "opening-failed")
    assert "the opening is for" in ans["problems"][-1]
    hexed = open(a["opening"]).read().strip()
    for pos in (30, len(hexed) // 2, len(hexed) - 200):            # a changed digit anywhere
        bad = tmp_path / f"bad-{pos}.hex"
        bad.write_text(hexed[:pos] + ("0" if hexed[pos] != "0" else "1") + hexed[pos + 1:])
        rc, ans = check(a["short"], "--opening", bad)
        assert (rc, ans["status"]) == (1, "opening-failed"), (pos, ans)
    rc, ans = check(a["short"])                                    # none given
    assert (rc, ans["status"]) == (2, "opening-missing")
    cast = first(record, "CAST")
    rc, ans = check(cast["short"], "--opening", a["opening"])      # a cast ballot
    assert (rc, ans["status"]) == (1, "cast-not-challenged")
    junk = tmp_path / "junk.txt"
    junk.write_text("my ballot was for 12 and 34\n")
    rc, out = check(a["short"], "--opening", junk)
    assert rc == 2 and "EVOP" in out


def _opening_contest_size(contest, c) -> int:
    """One contest's bytes in an opening (specs/protocol.md 8.3): a per-candidate contest
    6 + I + 8k + 32(n + 1); a slot contest 19 + 2I + 8k + 36L (label, counts, the u32
    length, the EVSO header and id, a value and a nonce per slot)."""
    i, k = len(c.contest_id), len(c.selected)
    if contest.uses_slots:
        return 19 + 2 * i + 8 * k + 36 * contest.max_choices
    return 6 + i + 8 * k + 32 * (len(contest.candidates) + 1)


def _first_nonce(c) -> bytes:
    """A nonce the opening reveals (a slot contest's: the first slot's)."""
    if hasattr(c, "opening"):
        return c.opening.nonces[0].to_bytes(32, "little")
    return c.nonces[0].to_bytes()


def test_the_record_holds_no_opening(tmp_path_factory):
    record = small_record(tmp_path_factory)
    for v in challengers(small_voters(tmp_path_factory)):
        opening = bytes.fromhex(open(v["opening"]).read())
        nonce = _first_nonce(Opening.from_bytes(opening).contests[0])
        for name in glob.glob(os.path.join(record, "**", "*"), recursive=True):
            if os.path.isfile(name):
                data = open(name, "rb").read()
                assert opening[-64:] not in data and nonce not in data, name
    spoiled = [b for b in ballots_of(record) if b["kind"] == "SPOIL"]
    assert spoiled and all(b["secrets"] is None for b in spoiled)


# ---- the opening itself: bindings, signature, re-encryption, every byte --------------

@pytest.fixture(scope="module")
def one_challenge(election, tmp_path_factory):
    contest = election.manifest.station_contests(CITY)[0]
    path, challenged, ballot = _voter_day(election, tmp_path_factory.mktemp("one"),
                                          {contest.contest_id: list(contest.codes[1:4])})
    spoil = challenged.spoil
    fields = dict(ballot_bytes=spoil.payload, election_hash=election.manifest.hash(),
                  station_id=CITY, kiosk_id=K1, seq=spoil.seq, ballot_id=spoil.ballot_id,
                  code=spoil.code, kiosk_key=election.certificates[K1].kiosk_key)
    return challenged.opening, fields, ballot


def test_opening_roundtrip_bindings_and_size(election, one_challenge):
    opening, fields, ballot = one_challenge
    parsed = Opening.from_bytes(opening)
    assert parsed.to_bytes() == opening and "secrets hidden" in repr(parsed)
    record = check_opening(election.context, election.manifest, parsed, **fields)
    contest = election.manifest.station_contests(CITY)[0]
    assert record.secrets.contests[0].selected == tuple(contest.codes[1:4])
    for name, other in (("election_hash", bytes(32)), ("station_id", "elsewhere"),
                        ("kiosk_id", f"{CITY}-k2"), ("seq", 1), ("ballot_id", bytes(32)),
                        ("code", bytes(32))):
        with pytest.raises(OpeningMismatch):
            check_opening(election.context, election.manifest, parsed, **{**fields, name: other})
    with pytest.raises(InvalidSignature):
        check_opening(election.context, election.manifest, parsed,
                      **{**fields, "kiosk_key": election.certificates[f"{CITY}-k2"].kiosk_key})
    # size: 184 fixed bytes + the two ids, per contest 6 + its id + 8 per choice + 32 (n + 1)
    assert len(opening) == 184 + len(CITY) + len(K1) + sum(
        6 + len(c.contest_id) + 8 * len(c.selected) +
        32 * (len(election.manifest.contest(c.contest_id).candidates) + 1)
        for c in parsed.contests)


def test_a_kiosk_that_signs_other_choices_is_caught(election, one_challenge):
    opening, fields, ballot = one_challenge
    parsed = Opening.from_bytes(opening)
    c = parsed.contests[0]
    lie = type(c)(c.contest_id, c.selected[:-1], c.nonces)   # one choice dropped, same nonces
    secrets = BallotSecrets(ballot.ballot_id, ballot.style_id, (lie,) + parsed.contests[1:])
    forged = sign_opening(ChallengeRecord(ballot, secrets), election_hash=parsed.election_hash,
                          station_id=CITY, kiosk_id=K1, seq=parsed.seq, code=parsed.code,
                          kiosk_key=election.keys[K1])
    with pytest.raises(ChallengeMismatch, match="not the encryption"):
        check_opening(election.context, election.manifest, forged, **fields)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_change_to_an_opening_is_refused(election, one_challenge, data):
    opening, fields, _ = one_challenge
    pos = data.draw(st.integers(0, len(opening) - 1))
    flip = data.draw(st.integers(1, 255))
    bad = bytearray(opening)
    bad[pos] ^= flip
    with pytest.raises(EvoteError):
        check_opening(election.context, election.manifest, Opening.from_bytes(bytes(bad)),
                      **fields)


def test_reencryption_agrees_with_the_reference_ristretto255(election, one_challenge):
    """What check_opening compares, recomputed with tests/reference: alpha = r*G,
    beta = m*G + r*K for every slot of the opened contest (and the blank indicator)."""
    opening, _, ballot = one_challenge
    sec = Opening.from_bytes(opening).contests[0]
    contest = election.manifest.contest(sec.contest_id)
    enc = ballot.contest(sec.contest_id)
    votes = [1 if code in sec.selected else 0 for code in contest.codes]
    K = ref.decode(election.context.joint_key.to_bytes())
    slots = list(zip(votes + [0], (*enc.selections, enc.blank), sec.nonces))
    assert len(slots) == len(contest.codes) + 1
    for m, ct, r in slots:
        r = int.from_bytes(r.to_bytes(), "little")
        assert ref.encode(ref.mul(r, ref.GENERATOR)) == ct.alpha
        assert ref.encode(ref.add(ref.mul(m, ref.GENERATOR), ref.mul(r, K))) == ct.beta


def _ref_opening(data: bytes) -> dict:
    """An independent reader of the EVOP format, written from specs/protocol.md 8.3 alone
    (struct, hashlib; no evote code): the fields, and the digest the kiosk signs."""
    import hashlib
    magic, version, reserved, n, total = struct.unpack_from(">4sBBHI", data)
    assert (magic, version, reserved, total) == (b"EVOP", 1, 0, len(data))
    p = 12

    def take(k):
        nonlocal p
        p += k
        return data[p - k:p]

    def label():
        return take(struct.unpack(">H", take(2))[0]).decode()
    out = {"election_hash": take(32), "station_id": label(), "kiosk_id": label(),
           "seq": struct.unpack(">Q", take(8))[0], "ballot_id": take(32), "code": take(32),
           "contests": []}
    for _ in range(n):
        cid = label()
        codes = [struct.unpack(">Q", take(8))[0] for _ in range(struct.unpack(">H", take(2))[0])]
        nonces = [take(32) for _ in range(struct.unpack(">H", take(2))[0])]
        out["contests"].append((cid, codes, nonces))
    assert p == len(data) - 64
    h = hashlib.sha512()
    for x in (b"evote/v1/challenge-opening", data[:p]):
        h.update(struct.pack(">Q", len(x)) + x)
    out["signed"], out["signature"] = h.digest()[:32], data[p:]
    return out


def test_the_opening_format_read_from_the_spec_alone(election, one_challenge):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    opening, fields, _ = one_challenge
    ref_fields, ours = _ref_opening(opening), Opening.from_bytes(opening)
    for name in ("election_hash", "station_id", "kiosk_id", "seq", "ballot_id", "code"):
        assert ref_fields[name] == getattr(ours, name) == fields[name], name
    assert ref_fields["contests"] == [(c.contest_id, list(c.selected),
                                       [r.to_bytes() for r in c.nonces]) for c in ours.contests]
    assert ref_fields["signed"] == ours.signed_digest()
    Ed25519PublicKey.from_public_bytes(fields["kiosk_key"]).verify(ref_fields["signature"],
                                                                   ref_fields["signed"])


# ---- the opening vector: specs/vectors/challenge-opening-v1.json ---------------------
# Regenerate (only when the format changes on purpose), from the repository's root:
#     PYTHONPATH=src:tests python tests/test_challenge_privacy.py \
#         > specs/vectors/challenge-opening-v1.json

VECTOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "specs", "vectors",
                      "challenge-opening-v1.json")


def make_opening_vector() -> dict:
    """Openings of the challenge records of specs/vectors/ballot-encryption.json, signed
    by a kiosk key with a fixed seed (Ed25519 is deterministic) for fixed bindings."""
    import nacl.signing
    from evote.hashing import digest
    with open(os.path.join(os.path.dirname(VECTOR), "ballot-encryption.json"),
              encoding="utf-8") as f:
        ballots = json.load(f)
    kiosk = nacl.signing.SigningKey(bytes([3] * 32))
    election = digest("evote/v1/test-vector", b"opening vectors: election hash")
    cases = []
    for k, case in enumerate(ballots["cases"]):
        record = ChallengeRecord.from_bytes(bytes.fromhex(case["challenge"]))
        code = digest("evote/v1/test-vector", b"opening vectors: code", bytes([k]))
        opening = sign_opening(record, election_hash=election, station_id="شعبه ۱۲",
                               kiosk_id="kiosk-1", seq=k + 1, code=code, kiosk_key=kiosk)
        cases.append({"ballot_case": case["name"], "seq": k + 1, "code": code.hex(),
                      "opening": opening.to_bytes().hex()})
    return {
        "source": "evote, generated by tests/test_challenge_privacy.py (make_opening_vector)",
        "format": "specs/protocol.md 8.3, EVOP version 1; each case opens the ballot of the "
                  "case of specs/vectors/ballot-encryption.json with the same name",
        "how": "the challenge records of ballot-encryption.json, signed by the kiosk key of "
               "seed 03*32 for election hash digest('evote/v1/test-vector', b'opening "
               "vectors: election hash'), station 'شعبه ۱۲', kiosk 'kiosk-1', record k+1, "
               "code digest('evote/v1/test-vector', b'opening vectors: code', u8(k))",
        "kiosk_public_key": bytes(kiosk.verify_key).hex(),
        "election_hash": election.hex(), "station_id": "شعبه ۱۲", "kiosk_id": "kiosk-1",
        "cases": cases,
    }


def test_the_opening_vector_reproduces_and_opens_its_ballots():
    from test_ballot_vectors import VectorContext
    from evote.manifest import Manifest
    with open(VECTOR, encoding="utf-8") as f:
        vec = json.load(f)
    assert make_opening_vector() == vec
    with open(os.path.join(os.path.dirname(VECTOR), "ballot-encryption.json"),
              encoding="utf-8") as f:
        ballots = json.load(f)
    manifest = Manifest.from_json_obj(ballots["manifest"])
    ctx = VectorContext(int.from_bytes(bytes.fromhex(ballots["context"]["secret_key"]),
                                       "little"),
                        bytes.fromhex(ballots["context"]["base_hash"]))
    for case, bcase in zip(vec["cases"], ballots["cases"]):
        data = bytes.fromhex(case["opening"])
        ref_fields = _ref_opening(data)      # the spec-only reader
        assert ref_fields["kiosk_id"] == vec["kiosk_id"] and ref_fields["seq"] == case["seq"]
        ballot = bytes.fromhex(bcase["ballot"])
        record = check_opening(ctx, manifest, Opening.from_bytes(data), ballot_bytes=ballot,
                               election_hash=bytes.fromhex(vec["election_hash"]),
                               station_id=vec["station_id"], kiosk_id=vec["kiosk_id"],
                               seq=case["seq"], ballot_id=bytes.fromhex(bcase["ballot_id"]),
                               code=bytes.fromhex(case["code"]),
                               kiosk_key=bytes.fromhex(vec["kiosk_public_key"]))
        assert record.to_bytes().hex() == bcase["challenge"]


if __name__ == "__main__":
    import sys
    json.dump(make_opening_vector(), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
