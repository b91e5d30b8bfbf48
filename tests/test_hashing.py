"""evote.hashing states the one hash construction of specs/protocol.md section 3:
H(tag; f_1..f_n) = SHA-512(enc(tag) || enc(f_1) || ... || enc(f_n)), enc(x) = u64be(len x) || x.
Checked here against that sentence written out with hashlib alone."""
import hashlib

import pytest
from hypothesis import given, settings, strategies as st

from evote.hashing import digest, digest64, text, u64


def _spec(tag: str, *fields: bytes) -> bytes:
    h = hashlib.sha512()
    for item in (tag.encode("ascii"),) + tuple(bytes(f) for f in fields):
        h.update(len(item).to_bytes(8, "big"))
        h.update(item)
    return h.digest()


tags = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=20).map(
    lambda s: "evote/v1/" + s)


@settings(max_examples=200)
@given(tags, st.lists(st.binary(max_size=80), max_size=10), st.sampled_from([bytes, bytearray, memoryview]))
def test_digest_is_the_specified_construction(tag, fields, kind):
    wrapped = [kind(f) for f in fields]
    assert digest64(tag, *wrapped) == _spec(tag, *fields)
    assert digest(tag, *wrapped) == _spec(tag, *fields)[:32]


def test_field_boundaries_matter():
    # Moving a byte from one field to the next changes the hash (length prefixes).
    assert digest("evote/v1/t", b"ab", b"c") != digest("evote/v1/t", b"a", b"bc")
    assert digest("evote/v1/t", b"") != digest("evote/v1/t")
    assert digest("evote/v1/a", b"x") != digest("evote/v1/b", b"x")


@pytest.mark.parametrize("tag", ["", "evote/v2/x", "other", 5, None, b"evote/v1/x"])
def test_bad_tags_refused(tag):
    with pytest.raises((ValueError, TypeError)):
        digest(tag, b"x")


@pytest.mark.parametrize("field", ["text", 5, None, [1, 2]])
def test_non_bytes_fields_refused(field):
    with pytest.raises(TypeError, match="field 1"):
        digest("evote/v1/t", b"ok", field)


def test_helpers():
    assert u64(258) == b"\x00" * 6 + b"\x01\x02"
    assert text("نام") == "نام".encode("utf-8")
    for bad in (-1, 1 << 64, True, 1.0):
        with pytest.raises((ValueError, TypeError)):
            u64(bad)


@settings(max_examples=200)
@given(tags, st.lists(st.binary(max_size=80), max_size=5), st.lists(st.binary(max_size=80), max_size=5))
def test_hash_prefix_equals_the_whole_construction(tag, head, tail):
    from evote.hashing import HashPrefix
    prefix = HashPrefix(tag, *head)
    assert prefix.digest64(*tail) == _spec(tag, *head, *tail)
    assert prefix.digest64(*tail) == _spec(tag, *head, *tail)  # the head state is not consumed
    if tail:
        assert prefix.digest64(*tail[:-1]) == _spec(tag, *head, *tail[:-1])


def test_hash_prefix_refuses_what_digest_refuses():
    from evote.hashing import HashPrefix
    with pytest.raises(ValueError):
        HashPrefix("other", b"x")
    with pytest.raises(TypeError, match="hash field 1"):
        HashPrefix("evote/v1/t", b"x").digest64("not bytes")
