"""tally_ballot_blobs: the homomorphic tally equals the plaintext sum; bad blobs are
refused naming the ballot; chunking and ballot order do not change the result."""
import random
import re

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteTypeError
from evote.protocol.encrypt import encrypt_ballot
from evote.tally import BallotRefused, EncryptedTally, tally_ballot_blobs
from evote.tally.aggregate import StyleLayout

from test_tally_support import add_plain, decrypt_with_secret, election, random_choices


def _ballots(n, seed, style="s-city"):
    manifest, context, guardians = election()
    rng = random.Random(seed)
    blobs, expect = [], {}
    for _ in range(n):
        choices = random_choices(rng, manifest, style)
        ballot, _ = encrypt_ballot(context, manifest, style, choices, rng.randbytes(32))
        blobs.append(ballot.to_bytes())
        add_plain(expect, manifest, choices)
    return blobs, expect


BLOBS, EXPECT = _ballots(24, 1)


def _decrypted(tally):
    manifest, context, guardians = election()
    return {cid: [decrypt_with_secret(guardians, context, c) for c in ct.ciphertexts]
            for cid, ct in tally.items()}


def test_homomorphic_tally_equals_plaintext_sum():
    tally = tally_ballot_blobs(election()[0], BLOBS)
    assert list(tally) == ["city-council"]
    assert tally["city-council"].ballots == len(BLOBS)
    assert _decrypted(tally) == EXPECT


@settings(max_examples=15, deadline=None)
@given(st.permutations(range(len(BLOBS))), st.integers(1, 40_000))
def test_order_and_chunking_do_not_matter(order, chunk):
    manifest = election()[0]
    one = tally_ballot_blobs(manifest, BLOBS)
    assert tally_ballot_blobs(manifest, [BLOBS[i] for i in order], chunk_bytes=chunk) == one


def test_mixed_styles_and_zero_contests():
    manifest = election()[0]
    village, vexpect = _ballots(5, 2, "s-village")
    tally = tally_ballot_blobs(manifest, BLOBS[:3] + village + BLOBS[3:])
    assert set(tally) == {"city-council", "village-council"}
    assert _decrypted(tally) == dict(EXPECT, **vexpect)
    empty = tally_ballot_blobs(manifest, [], contest_ids=["village-council"])
    assert empty["village-council"].ballots == 0
    assert _decrypted(empty) == {"village-council": [0] * 5}


def _layout():
    return StyleLayout(election()[0], "s-city")


def _flip(blob, offset, value=None):
    b = bytearray(blob)
    b[offset] = (b[offset] ^ 1) if value is None else value
    return bytes(b)


@pytest.mark.parametrize("make,message", [
    (lambda b: b[:-1], "ballot 5: ballot bytes: total length"),
    (lambda b: b"", "ballot 5: ballot bytes: header needs 12 bytes"),
    (lambda b: _flip(b, 0), "ballot 5: ballot bytes: magic"),
    (lambda b: _flip(b, 4), "ballot 5: ballot bytes: format version"),
    (lambda b: b[:45] + b"s-villag" + b[53:], "ballot 5:"),
    # the contest's max_choices (u16 at offset 2 before the first selection record)
    (lambda b: _flip(b, _layout().contests[0][1] - 1), "ballot 5: ballot bytes"),
    # alpha of candidate position 2: its first byte made odd (a negative field element)
    (lambda b: _flip(b, _layout().contests[0][1] + 2 * 288, b[_layout().contests[0][1] + 576] | 1),
     "ballot 5: contest 'city-council', candidate position 2: alpha is not a valid"),
    (lambda b: _flip(b, _layout().contests[0][1] + 6 * 288 + 32, 0xff),
     "ballot 5: contest 'city-council', the blank indicator: beta is not a valid"),
])
def test_bad_blobs_are_refused_naming_the_ballot(make, message):
    blobs = list(BLOBS[:8])
    blobs[5] = make(blobs[5])
    with pytest.raises(BallotRefused, match=re.escape(message)) as info:
        tally_ballot_blobs(election()[0], blobs)
    assert info.value.where == 5


def test_unknown_style_and_wrong_types():
    manifest = election()[0]
    b = BLOBS[0]
    other = b[:44] + bytes([6]) + b"s-xxxx" + b[51:]
    with pytest.raises(BallotRefused, match="ballot 0"):
        tally_ballot_blobs(manifest, [other])
    with pytest.raises(EvoteTypeError, match="ballot 1"):
        tally_ballot_blobs(manifest, [b, "text"])
    assert tally_ballot_blobs(manifest, [bytearray(b)]) == tally_ballot_blobs(manifest, [b])
    assert tally_ballot_blobs(manifest, []) == EncryptedTally()


def test_ballot_of_another_manifest_is_refused_with_the_difference():
    """Well-formed bytes whose contest has another candidate count than the manifest's."""
    import dataclasses
    manifest = election()[0]
    city = manifest.contest("city-council")
    other = dataclasses.replace(manifest, contests=(dataclasses.replace(
        city, candidates=city.candidates[:5]), manifest.contest("village-council")))
    blobs, _ = _ballots(1, 9)
    with pytest.raises(BallotRefused, match=r"ballot 0: contests \(id, candidates, max_choices\) "
                       r"\[\('city-council', 6, 3\)\] differ from style 's-city' in the "
                       r"manifest \[\('city-council', 5, 3\)\]"):
        tally_ballot_blobs(other, blobs)
