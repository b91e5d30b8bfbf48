"""The ballot wire format: round trip, exact layout, malformed input named by field."""
import io
import os
import struct

import pytest

from ballot_support import make_context, make_manifest
from evote.errors import InvalidEncoding
from evote.protocol.ballot_codec import (HEADER_SIZE, SELECTION_SIZE, decode_ballot,
                                         range_proof_size, read_ballot)
from evote.protocol.encrypt import encrypt_ballot
from evote.protocol.encrypted_ballot import EncryptedBallot

CTX = make_context()
M = make_manifest(((3, 2, "plurality"), (2, 1, "proportional")))
BALLOT, _ = encrypt_ballot(CTX, M, "s", {"c0": [1, 3], "c1": ["190"]}, os.urandom(32))
RAW = BALLOT.to_bytes()


def test_round_trip_and_size():
    assert EncryptedBallot.from_bytes(RAW) == BALLOT
    assert EncryptedBallot.from_bytes(RAW).to_bytes() == RAW
    size = HEADER_SIZE + 32 + 1 + 1  # header, ballot id, style id "s"
    size += (1 + 2 + 4 + 4 * SELECTION_SIZE + range_proof_size(2))   # c0: n = 3, L = 2
    size += (1 + 2 + 4 + 3 * SELECTION_SIZE + range_proof_size(1))   # c1: n = 2, L = 1
    assert len(RAW) == size


def test_layout_by_offset():
    assert RAW[:4] == b"EVBL" and RAW[4] == 1 and RAW[5] == 0
    assert struct.unpack(">H", RAW[6:8])[0] == 2
    assert struct.unpack(">I", RAW[8:12])[0] == len(RAW)
    assert RAW[12:44] == BALLOT.ballot_id
    assert RAW[44] == 1 and RAW[45:46] == b"s"
    assert RAW[46] == 2 and RAW[47:49] == b"c0"
    assert struct.unpack(">HH", RAW[49:53]) == (3, 2)
    sel = BALLOT.contests[0].selections[0]
    p = sel.proof
    assert RAW[53:53 + SELECTION_SIZE] == b"".join(
        (sel.alpha, sel.beta, *p.commitments, *p.challenges, *p.responses))


def test_stream_of_ballots():
    other, _ = encrypt_ballot(CTX, M, "s0", {}, os.urandom(32))
    f = io.BytesIO(RAW + other.to_bytes())
    assert read_ballot(f) == BALLOT
    assert read_ballot(f) == other
    assert read_ballot(f) is None
    with pytest.raises(InvalidEncoding, match="truncated"):
        read_ballot(io.BytesIO(RAW[:-1]))
    with pytest.raises(InvalidEncoding, match="truncated header"):
        read_ballot(io.BytesIO(RAW[:5]))


def _with(offset, value: bytes, data=RAW):
    return data[:offset] + value + data[offset + len(value):]


def _fix_total(data):
    return _with(8, struct.pack(">I", len(data)), data)


@pytest.mark.parametrize("data, field", [
    (RAW[:7], "header"),
    (_with(0, b"XXXX"), "magic"),
    (_with(4, b"\x02"), "version"),
    (_with(5, b"\x01"), "reserved"),
    (_with(6, b"\x00\x00"), "contest count"),
    (_with(8, struct.pack(">I", len(RAW) + 1)), "total length"),
    (_fix_total(RAW + b"\x00"), "trailing"),
    (_fix_total(RAW[:-1]), "contest 1 ('c1') range proof"),
    (_fix_total(RAW[:200]), "contest 0 ('c0') selections"),
    (_with(44, b"\x00"), "style id"),
    (_with(45, b"\xff"), "style id"),
    # a 0 candidate count announces a slot contest (protocol.md 6.1): what follows is
    # then read as its length and bytes, and refused here
    (_with(49, b"\x00\x00"), "contest 0 ('c0') slot contest at offset 55"),
    (_fix_total(RAW[:50]), "contest 0 ('c0') candidate count"),
    (_with(51, b"\x00\x04"), "max_choices"),
    (_with(51, b"\x00\x00"), "max_choices"),
    (_with(6, b"\x00\x03"), "contest 2 id"),
])
def test_malformed_input_names_the_field(data, field):
    with pytest.raises(InvalidEncoding) as e:
        EncryptedBallot.from_bytes(data)
    assert field in str(e.value)


def test_from_bytes_does_not_decode_points():
    # A field that is not a point still parses (the verifier rejects it, naming it).
    data = _with(53, b"\xff" * 32)
    b = decode_ballot(data)
    assert b.contests[0].selections[0].alpha == b"\xff" * 32


def test_type_error():
    with pytest.raises(TypeError):
        EncryptedBallot.from_bytes("EVBL")
