"""Bad input at the library's entry points (the kiosk's and the election office's API):
every refusal is a precise EvoteError naming what is wrong, never another exception, a
hang, or a change to stored data. Each test here once failed (the defect is named)."""
import copy
import json
import os
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ballot_support import make_context, make_manifest
from evote.ballotbox import BallotBox, open_box, read_box, scan_box
from evote.ballotbox.problems import BoxClosed, BoxLocked
from evote.errors import BallotError, EvoteError, EvoteTypeError, EvoteValueError, ManifestError
from evote.manifest import load_manifest, make_demo_manifest, parse_manifest_json
from evote.protocol.ballot import PlaintextBallot, PlaintextContest, plaintext_ballot
from evote.protocol.challenge import ChallengeRecord, make_challenge, verify_challenge
from evote.protocol.encrypted_ballot import BallotSecrets, ContestSecrets, EncryptedBallot
from evote.protocol.encrypt import encrypt_ballot, encrypt_plaintext, seeded_rng
from test_ballotbox_support import Identity

DEMO = make_demo_manifest(1, n_city_stations=2, n_villages=1, authority_key=bytes(32))
DEMO_OBJ = DEMO.to_json_obj()


@contextmanager
def deadline(seconds: int):
    """Fail (instead of hanging the test run) when the block blocks for `seconds`."""
    def expired(*_):
        raise TimeoutError(f"still blocked after {seconds} s")
    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ---- manifest loading -----------------------------------------------------------------

def _json_paths(obj, path=()):
    yield path
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _json_paths(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:2]):
            yield from _json_paths(v, path + (i,))


PATHS = list(_json_paths(DEMO_OBJ))
TEXT = st.text(st.sampled_from("a1۱١\u064a\u06cc\u0643\u06a9\u200c\u200f\u202e \x00\ud800"),
               max_size=8)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATHS), JSON_VALUES)
def test_manifest_any_value_anywhere_is_a_manifest_error(path, value):
    obj = copy.deepcopy(DEMO_OBJ)
    if path:
        parent = obj
        for k in path[:-1]:
            parent = parent[k]
        parent[path[-1]] = value
    else:
        obj = value
    try:
        m = parse_manifest_json(json.dumps(obj).encode())
    except ManifestError as exc:
        str(exc).encode("utf-8")  # printable: no raw lone surrogate in the message
        return
    assert len(m.hash()) == 32


def test_manifest_unknown_key_with_lone_surrogate_is_named_printably():
    # Was '$.\ud800: unknown field': the raw key made the message unencodable (a print
    # or a log line raised UnicodeEncodeError).
    raw = json.dumps(DEMO_OBJ).replace('{"version"', '{"\\ud800\\n": 1, "version"', 1)
    with pytest.raises(ManifestError) as e:
        parse_manifest_json(raw.encode())
    assert str(e.value) == '$["\\ud800\\n"]: unknown field in manifest'
    str(e.value).encode("utf-8")


def test_manifest_attribute_key_is_named_printably():
    obj = copy.deepcopy(DEMO_OBJ)
    obj["contests"][0]["candidates"][0]["attributes"] = {"\u200fx": [1]}
    with pytest.raises(ManifestError) as e:
        parse_manifest_json(json.dumps(obj).encode())
    assert str(e.value).startswith('$.contests[0].candidates[0].attributes["\\u200fx"]: ')


def test_manifest_fifo_is_refused_not_waited_on(tmp_path):
    # Was: open() of a FIFO blocked forever, waiting for a writer.
    fifo = tmp_path / "manifest.json"
    os.mkfifo(fifo)
    with deadline(5), pytest.raises(ManifestError, match="not a regular file"):
        load_manifest(fifo)
    with pytest.raises(ManifestError, match="not a regular file"):
        load_manifest(tmp_path)


@pytest.mark.parametrize("path", [None, 3.5, ["m.json"]])
def test_manifest_path_of_wrong_type(path):
    # Was TypeError from os.path.getsize.
    with pytest.raises(EvoteTypeError, match="manifest file: expected a file path"):
        load_manifest(path)


def test_manifest_path_int_is_not_taken_for_a_descriptor(tmp_path):
    # Was: an int was stat'ed and opened as a file descriptor, read, and closed.
    fd = os.open(tmp_path / "other", os.O_RDWR | os.O_CREAT)
    try:
        with pytest.raises(EvoteTypeError, match="got int"):
            load_manifest(fd)
        os.fstat(fd)  # still open
    finally:
        os.close(fd)


def test_manifest_path_with_nul(tmp_path):
    # Was ValueError('embedded null byte').
    with pytest.raises(ManifestError, match="NUL character"):
        load_manifest(str(tmp_path / "m\x00.json"))


def test_manifest_bytes_and_pathlike_paths_still_work(tmp_path):
    p = tmp_path / "m.json"
    p.write_bytes(DEMO.to_canonical_bytes())
    assert load_manifest(p) == DEMO
    assert load_manifest(os.fsencode(p)) == DEMO


# ---- ballot encryption ----------------------------------------------------------------

BM = make_manifest(((5, 2, "plurality"), (4, 3, "proportional")))
# c0: candidates 1..5, max 2; c1: 101..104 on lists 190 and 191, max 3. Styles s, s0.
CTX = make_context(5)
BID = bytes(range(32))


@pytest.mark.parametrize("codes", [bytearray(b"\x01\x02"), memoryview(b"\x01\x02"), b"\x01"])
def test_bytes_like_choices_are_not_read_as_codes(codes):
    # Was: bytearray(b"\x01\x02") and memoryview(...) are Sequences of ints, so they were
    # accepted as a vote for candidates 1 and 2.
    with pytest.raises(EvoteTypeError, match="contest 'c0': choices must be a list of codes"):
        encrypt_ballot(CTX, BM, "s", {"c0": codes}, BID)


@pytest.mark.parametrize("manifest", [None, {}, DEMO_OBJ])
def test_manifest_of_wrong_type(manifest):
    # Was AttributeError: 'NoneType' object has no attribute 'style'.
    with pytest.raises(EvoteTypeError, match="manifest must be an evote.manifest.Manifest"):
        encrypt_ballot(CTX, manifest, "s", {}, BID)
    good = plaintext_ballot(BM, "s", {})
    with pytest.raises(EvoteTypeError, match="manifest must be an evote.manifest.Manifest"):
        encrypt_plaintext(CTX, manifest, good, BID, seeded_rng(b"t"))


@pytest.mark.parametrize("rng, words", [
    (None, "rng must be callable"),              # was TypeError: not callable
    (lambda n: None, "rng returned NoneType"),   # was TypeError: no len()
    (lambda n: "x" * n, "rng returned str"),     # was 'rng returned 2176 bytes, 2176 asked'
])
def test_rng_of_wrong_type(rng, words):
    good = plaintext_ballot(BM, "s", {})
    with pytest.raises(EvoteTypeError, match=words):
        encrypt_plaintext(CTX, BM, good, BID, rng)


BLANK_C1 = PlaintextContest("c1", (), (0, 0, 0, 0))
ONE_C0 = PlaintextContest("c0", (1,), (1, 0, 0, 0, 0))


@pytest.mark.parametrize("plain, error, words", [
    # Each was encrypted without complaint into a ballot no verifier accepts:
    (PlaintextBallot("zz", (ONE_C0, BLANK_C1)), BallotError, "style 'zz' is not in"),
    (PlaintextBallot("s0", (ONE_C0, BLANK_C1)), BallotError, "not those of style 's0'"),
    (PlaintextBallot("s", (ONE_C0,)), BallotError, "not those of style 's'"),
    (PlaintextBallot("s", (ONE_C0, ONE_C0)), BallotError, "not those of style 's'"),
    # ... or failed with another exception or a message about something else:
    (PlaintextBallot("s", None), EvoteTypeError, "contests must be a tuple"),
    (PlaintextBallot("s", ("c0", "c1")), EvoteTypeError, "contests must be a tuple"),
    (PlaintextBallot("s", (PlaintextContest("c0", (1,), None), BLANK_C1)), BallotError,
     "contest 'c0' needs a tuple of selected codes and a tuple of 5 votes"),
    (PlaintextBallot("s", (PlaintextContest("c0", (1,), (1, 0, 0)), BLANK_C1)), BallotError,
     "tuple of 5 votes"),  # was 'prove01_batch: need 1280 bytes of randomness, got 1920'
])
def test_hand_built_plaintext_of_wrong_shape(plain, error, words):
    with pytest.raises(error, match=words):
        encrypt_plaintext(CTX, BM, plain, BID, seeded_rng(b"t"))


# ---- Benaloh challenges and ballot bytes ------------------------------------------------

BALLOT, SECRETS = encrypt_ballot(CTX, BM, "s", {"c0": ["2"], "c1": ["190"]}, BID)
CHALLENGE = make_challenge(BALLOT, SECRETS).to_bytes()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_challenge_bytes_are_refused_with_an_evote_error(data):
    raw = bytearray(CHALLENGE)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i:i + 4] = data.draw(st.sampled_from([b"\xff\xff\xff\xff", b"\0\0\0\0",
                                                  bytes([raw[i] ^ 0x80])]))
    cut = data.draw(st.integers(0, len(raw)))
    mutated = bytes(raw[:cut])
    if data.draw(st.booleans()) and len(mutated) >= 12:  # keep the total length honest
        mutated = mutated[:8] + len(mutated).to_bytes(4, "big") + mutated[12:]
    try:
        verify_challenge(CTX, BM, ChallengeRecord.from_bytes(mutated))
    except EvoteError:
        pass
    else:
        assert mutated == CHALLENGE
    try:
        EncryptedBallot.from_bytes(mutated[12:])
    except EvoteError:
        pass


@pytest.mark.parametrize("args, words", [
    # Each was an AttributeError ('NoneType' object has no attribute 'ballot', ...):
    ((CTX, BM, None), "record must be a ChallengeRecord"),
    ((CTX, BM, CHALLENGE), "record must be a ChallengeRecord"),
    ((None, BM, ChallengeRecord.from_bytes(CHALLENGE)), "context must be an ElectionContext"),
    ((CTX, None, ChallengeRecord.from_bytes(CHALLENGE)), "manifest must be"),
])
def test_verify_challenge_arguments_of_wrong_type(args, words):
    for check_proofs in (True, False):
        with pytest.raises(EvoteTypeError, match=words):
            verify_challenge(*args, check_proofs=check_proofs)


@pytest.mark.parametrize("make, words", [
    # Were accepted, then failed later with TypeError, AttributeError or struct.error
    # (verify_challenge, to_bytes):
    (lambda: ContestSecrets("c0", None, ()), "selected must be a tuple of codes"),
    (lambda: ContestSecrets("c0", (2 ** 64,), ()), "selected must be a tuple of codes"),
    (lambda: ContestSecrets("c0", (1,), None), "nonces must be a tuple of Scalar"),
    (lambda: ContestSecrets("c0", (1,), (bytes(32),)), "nonces must be a tuple of Scalar"),
    (lambda: BallotSecrets(BID, "s", None), "contests must be a tuple of ContestSecrets"),
    (lambda: BallotSecrets(BID, "s", ("c0",)), "contests must be a tuple of ContestSecrets"),
    (lambda: EncryptedBallot(BID, "s", None), "contests must be a tuple of EncryptedContest"),
    (lambda: EncryptedBallot(BID, "s", ("c0",)), "contests must be a tuple of EncryptedContest"),
    (lambda: make_challenge(None, SECRETS), "ballot must be an EncryptedBallot"),
    (lambda: make_challenge(BALLOT, None), "secrets must be BallotSecrets"),
])
def test_hand_built_secrets_and_ballots_of_wrong_type(make, words):
    with pytest.raises(EvoteTypeError, match=words):
        make()


# ---- the ballot box -------------------------------------------------------------------

KIOSK = Identity()


def _create(path, **kw):
    args = dict(kiosk_key=KIOSK.kiosk_key, certificate=KIOSK.cert,
                authority_key=KIOSK.authority_key, durable=False)
    return BallotBox.create(path, **{**args, **kw})


def _open(path, **kw):
    return open_box(path, kiosk_key=KIOSK.kiosk_key, certificate=KIOSK.cert,
                    authority_key=KIOSK.authority_key, durable=False, **kw)


def _verified(path) -> int:
    """The number of records of the box at path, which must verify completely."""
    return sum(1 for _ in read_box(path, authority_key=KIOSK.authority_key,
                                   election_hash=KIOSK.election_hash))


@pytest.mark.parametrize("kw", [dict(path=None), dict(path=7), dict(path=b"box", mirror=5)])
def test_box_path_of_wrong_type_creates_no_file(tmp_path, monkeypatch, kw):
    # Was: str(path) created a box named 'None' or '7' in the working directory.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(EvoteTypeError, match="expected a file path"):
        _create(**kw)
    with pytest.raises(EvoteTypeError, match="expected a file path"):
        _open(**kw)
    assert os.listdir(tmp_path) == []


def test_box_bytes_path_is_the_file_it_names(tmp_path):
    # Was: str(b".../box") is "b'.../box'", a file in no directory (BoxWriteError).
    path = tmp_path / "box"
    _create(os.fsencode(path), mirror=os.fsencode(tmp_path / "mirror")).release()
    assert sorted(os.listdir(tmp_path)) == ["box", "box.hwm", "mirror"]  # .hwm: the mark
    _open(os.fsencode(path), mirror=tmp_path / "mirror").release()
    assert _verified(path) == 1


def test_box_path_with_nul(tmp_path):
    # Was ValueError('embedded null byte') from os.open (scan_box, create, open_box).
    bad = str(tmp_path / "b\x00ox")
    for call in (lambda: _create(bad), lambda: _open(bad),
                 lambda: _open(tmp_path / "x", mirror=bad),
                 lambda: BallotBox.reopen(bad, kiosk_key=KIOSK.kiosk_key,
                                          authority_key=KIOSK.authority_key),
                 lambda: scan_box(bad, authority_key=None)):
        with pytest.raises(EvoteValueError, match="NUL character"):
            call()
    with pytest.raises(EvoteTypeError, match="box path"):
        scan_box(None, authority_key=None)
    assert os.listdir(tmp_path) == []


def test_refused_create_leaves_no_locked_file(tmp_path):
    # Was: time_us=-1 was refused after the files were made, and the open descriptors
    # kept the lock: the kiosk's next open_box said BoxLocked until the process ended.
    path = tmp_path / "box"
    with pytest.raises(EvoteValueError, match="time_us"):
        _create(path, mirror=tmp_path / "mirror", time_us=-1)
    assert os.listdir(tmp_path) == []
    with _open(path) as box:
        box.cast(box.next_ballot_id(), b"ballot")
    assert _verified(path) == 2


def test_failed_mirror_create_leaves_no_box(tmp_path):
    # Was: the box file, made before the mirror failed, stayed ('already exists' next time).
    path = tmp_path / "box"
    with pytest.raises(EvoteError, match="cannot create"):
        _create(path, mirror=tmp_path / "no" / "mirror")
    assert os.listdir(tmp_path) == []
    _create(path).release()


def test_box_stays_verifiable_after_refused_calls(tmp_path):
    path = tmp_path / "box"
    box = _open(path, mirror=tmp_path / "mirror")
    box.cast(box.next_ballot_id(), b"first")
    before = path.read_bytes()
    bid = box.next_ballot_id()
    refused = [
        lambda: box.cast(None, b"x"), lambda: box.cast(bid[:31], b"x"),
        lambda: box.cast(bytes(32), b"x"), lambda: box.cast(bid, b""),
        lambda: box.cast(bid, "text"), lambda: box.cast(bid, bytes(16 << 20)),
        lambda: box.close_at_time(-1), lambda: box.close_at_time(0),
        lambda: box.close_at_time(True), lambda: box.challenge(bid, None),
        lambda: box.challenge(bid, b""), lambda: box.close_at_time("now"),
        lambda: _create(path),
    ]
    for call in refused:
        with pytest.raises(EvoteError):
            call()
        assert path.read_bytes() == before
    with pytest.raises(BoxLocked):  # a second writer
        _open(path, mirror=tmp_path / "mirror")
    assert path.read_bytes() == before
    box.close()
    for call in (lambda: box.cast(box.next_ballot_id(), b"x"), box.close):
        with pytest.raises(BoxClosed):
            call()
    box.release()
    with pytest.raises(EvoteError):
        box.cast(box.next_ballot_id(), b"x")
    assert _verified(path) == _verified(tmp_path / "mirror") == 3


# ---------------------------------------------------------------- verifiers and key files

def test_verifiers_refuse_a_context_or_manifest_of_the_wrong_type():
    from evote.protocol.verify_ballot import verify_ballot, verify_ballots_batch
    ctx, man = make_context(), make_manifest()
    ballot = encrypt_ballot(ctx, man, "s0", {"c0": [1]}, os.urandom(32))[0]
    for c, m in ((None, man), (ctx, None), (object(), man), (ctx, "manifest")):
        with pytest.raises(EvoteTypeError):
            verify_ballot(c, m, ballot)
        with pytest.raises(EvoteTypeError):
            verify_ballot(c, m, ballot, exact=True)
        with pytest.raises(EvoteTypeError):
            verify_ballots_batch(c, m, [ballot])


@pytest.mark.parametrize("path", [None, 7, "a\0b", b"x\0y"])
def test_key_file_paths_are_checked(path, tmp_path):
    import nacl.signing
    from evote.ballotbox.keyfile import read_key_file, write_key_file
    with pytest.raises(EvoteError):
        read_key_file(path)
    with pytest.raises(EvoteError):
        write_key_file(path, nacl.signing.SigningKey.generate())
