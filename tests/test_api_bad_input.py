"""Bad input at the library's entry points (the kiosk's and the election office's API):
every refusal is a precise EvoteError naming what is wrong, never another exception, a
hang, or a change to stored data. Each test here once failed (the defect is named)."""
import copy
import json
import os
import signal
from contextlib import contextmanager

import pytest
from hypothesis import given, settings, strategies as st

from ballot_support import make_context, make_manifest
from evote.errors import BallotError, EvoteTypeError, ManifestError
from evote.manifest import load_manifest, make_demo_manifest, parse_manifest_json
from evote.protocol.ballot import PlaintextBallot, PlaintextContest, plaintext_ballot
from evote.protocol.encrypt import encrypt_ballot, encrypt_plaintext, seeded_rng

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
