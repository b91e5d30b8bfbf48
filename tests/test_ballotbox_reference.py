"""An independent reader of specs/ballot-box.md (struct, hashlib, zlib and the
`cryptography` package's Ed25519, none of evote.ballotbox's code or PyNaCl) checks what
the box writes, and the fixed vector specs/vectors/ballot-box-v2.json.

Regenerate the vector (only when the format changes on purpose):
    PYTHONPATH=src python tests/test_ballotbox_reference.py > specs/vectors/ballot-box-v2.json
"""
import hashlib
import json
import os
import struct
import sys
import tempfile
import zlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

VECTOR = os.path.join(os.path.dirname(__file__), "..", "specs", "vectors", "ballot-box-v2.json")


# ---- the reference reader: written from the spec only -------------------------------

def H(tag, *fields):
    h = hashlib.sha512()
    for x in (tag.encode(),) + fields:
        h.update(struct.pack(">Q", len(x)) + x)
    return h.digest()[:32]


def ed25519_ok(pk, sig, msg):
    try:
        Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
        return True
    except InvalidSignature:
        return False


def label(b, p):
    n = struct.unpack_from(">H", b, p)[0]
    return b[p + 2:p + 2 + n].decode(), p + 2 + n


def ref_read(data, authority_key):
    """Return the records as dicts; raise AssertionError(check) at the first failure."""
    out, p, prev, code, kiosk_pk, E, K, O = [], 0, bytes(32), None, None, None, None, None
    counts = {2: 0, 3: 0}
    while p < len(data):
        magic, ver, typ, res, L = struct.unpack_from(">4sBBHI", data, p)
        assert magic == b"EVBX" and ver == 2 and res == 0 and 1 <= typ <= 4, "header"
        assert struct.unpack_from(">I", data, p + 12)[0] == zlib.crc32(data[p:p + 12]), "header-check"
        frame = data[p:p + 132 + L]
        assert len(frame) == 132 + L, "torn"
        assert struct.unpack_from(">I", frame, 128 + L)[0] == zlib.crc32(frame[:128 + L]), "frame-check"
        seq, t, prev_hash = struct.unpack_from(">QQ32s", frame, 16)
        assert seq == len(out), "sequence"
        assert prev_hash == prev, "prev-hash"
        rh = H("evote/v1/box-record", frame[:64 + L])
        body, sig = frame[64:64 + L], frame[64 + L:128 + L]
        rec = {"type": typ, "seq": seq, "time": t, "hash": rh}
        assert typ not in (2, 3) or t == 0, "time"  # CAST, SPOIL: no time
        if typ == 1:
            E = body[:32]
            station, q = label(body, 32)
            K, q = label(body, q)
            n = struct.unpack_from(">I", body, q)[0]
            cert = body[q + 4:q + 4 + n]
            assert q + 4 + n == len(body), "body"
            assert cert[:5] == b"EVKC\x01", "certificate"
            assert cert[37:69] == authority_key, "certificate"
            c_station, r = label(cert, 101)
            c_kiosk, r = label(cert, r)
            assert ed25519_ok(authority_key, cert[r:], H("evote/v1/kiosk-certificate", cert[:r])), "certificate"
            assert (cert[5:37], c_station, c_kiosk) == (E, station, K), "certificate-binding"
            kiosk_pk, O = cert[69:101], rh
            code = O
            rec.update(station=station, kiosk=K)
        elif typ in (2, 3):
            bid, c = body[:32], body[32:64]
            n = struct.unpack_from(">I", body, 64)[0]
            payload = body[68:68 + n]
            q = 68 + n
            assert q == len(body), "spoil-opening" if typ == 3 else "body"  # SPOIL: no opening
            assert bid == H("evote/v1/ballot-id", E, K.encode(), O, struct.pack(">Q", seq)), "ballot-id"
            code = H("evote/v1/confirmation-code", code, H("evote/v1/ballot", bid, payload))
            assert c == code, "confirmation-code"
            counts[typ] += 1
            rec.update(ballot_id=bid, code=c, payload=payload)
        else:
            nc, ns, head = struct.unpack(">QQ32s", body)
            assert (nc, ns) == (counts[2], counts[3]), "close-counts"
            assert head == code, "close-chain-head"
        assert ed25519_ok(kiosk_pk, sig, rh), "signature"
        out.append(rec)
        prev, p = rh, p + 132 + L
    return out


# ---- the vector ---------------------------------------------------------------------

NEGATIVE = [  # (what, record, byte offset inside that frame, xor, check the ref reader names)
    ("flipped bit in a CAST payload, CRC left alone", 1, 140, 0x01, "frame-check"),
    ("flipped bit in the OPEN header length", 0, 11, 0x01, "header-check"),
    ("SPOIL signature byte changed", 3, -10, 0x80, "frame-check"),
]


def make_vector():
    from nacl.signing import SigningKey

    from evote.ballotbox import BallotBox, issue_certificate
    from evote.ballotbox.records import short_code
    auth, kiosk = SigningKey(bytes([1] * 32)), SigningKey(bytes([2] * 32))
    election = H("evote/v1/manifest", b"example election")
    cert = issue_certificate(auth, election_hash=election, station_id="شعبه ۱۲",
                             kiosk_id="kiosk-1", kiosk_key=bytes(kiosk.verify_key))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "box.evb")
        t0 = 1_790_000_000_000_000
        box = BallotBox.create(path, kiosk_key=kiosk, certificate=cert,
                               authority_key=bytes(auth.verify_key), time_us=t0)
        r1 = box.cast(box.next_ballot_id(), b"encrypted ballot one" * 5)
        r2 = box.cast(box.next_ballot_id(), b"encrypted ballot two" * 5)
        box.challenge(box.next_ballot_id(), b"challenged ballot")
        box.close_at_time(t0 + 4_000_000)
        box.release()
        data = open(path, "rb").read()
    return {
        "source": "evote, generated by tests/test_ballotbox_reference.py (make_vector)",
        "format": "specs/ballot-box.md, EVBX version 2; box_hex is the whole file",
        "how": "authority seed 01*32, kiosk seed 02*32, election hash = "
               "digest('evote/v1/manifest', b'example election'), fixed OPEN and CLOSE "
               "times (ballots carry none); Ed25519 is deterministic, so the bytes are "
               "reproducible",
        "authority_public_key": bytes(auth.verify_key).hex(),
        "kiosk_public_key": bytes(kiosk.verify_key).hex(),
        "election_hash": election.hex(),
        "station_id": "شعبه ۱۲", "kiosk_id": "kiosk-1",
        "box_hex": data.hex(),
        "receipts": [{"seq": r.seq, "ballot_id": r.ballot_id.hex(), "code": r.code.hex(),
                      "short_code": short_code(r.code)} for r in (r1, r2)],
        "negative": [{"what": w, "record": rec, "offset_in_frame": off, "xor": x, "check": c}
                     for w, rec, off, x, c in NEGATIVE],
    }


def _frames(data):
    p, out = 0, []
    while p < len(data):
        L = struct.unpack_from(">I", data, p + 8)[0]
        out.append((p, 132 + L))
        p += 132 + L
    return out


@pytest.fixture(scope="module")
def vector():
    with open(VECTOR, encoding="utf-8") as f:
        return json.load(f)


def test_writer_reproduces_the_vector_byte_for_byte(vector):
    assert make_vector() == vector


def test_reference_reader_accepts_the_vector(vector):
    data = bytes.fromhex(vector["box_hex"])
    recs = ref_read(data, bytes.fromhex(vector["authority_public_key"]))
    assert [r["type"] for r in recs] == [1, 2, 2, 3, 4]
    assert recs[0]["station"] == vector["station_id"]
    for rec, want in zip(recs[1:3], vector["receipts"]):
        assert rec["code"].hex() == want["code"] and rec["ballot_id"].hex() == want["ballot_id"]


def test_negative_vectors_fail_in_both_readers(vector, tmp_path):
    from evote.ballotbox import scan_box
    data = bytes.fromhex(vector["box_hex"])
    auth = bytes.fromhex(vector["authority_public_key"])
    frames = _frames(data)
    for neg in vector["negative"]:
        start, size = frames[neg["record"]]
        pos = start + (neg["offset_in_frame"] % size)
        bad = bytearray(data)
        bad[pos] ^= neg["xor"]
        with pytest.raises(AssertionError, match=neg["check"]):
            ref_read(bytes(bad), auth)
        (tmp_path / "n.evb").write_bytes(bytes(bad))
        rep = scan_box(tmp_path / "n.evb", authority_key=auth)
        assert (neg["record"], neg["check"]) in [(p.seq, p.check) for p in rep.problems], neg


def test_reference_reader_agrees_with_read_box_on_a_random_box(tmp_path):
    from evote.ballotbox import read_box
    from test_ballotbox_support import Identity, fill
    ident = Identity()
    box = ident.open(tmp_path / "b.evb")
    fill(box, 20, 5, size=700)
    box.release()
    ours = list(read_box(tmp_path / "b.evb", authority_key=ident.authority_key))
    ref = ref_read((tmp_path / "b.evb").read_bytes(), ident.authority_key)
    assert [(r.seq, r.record_hash, getattr(r, "code", None)) for r in ours] == \
        [(r["seq"], r["hash"], r.get("code")) for r in ref]


if __name__ == "__main__":
    json.dump(make_vector(), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
