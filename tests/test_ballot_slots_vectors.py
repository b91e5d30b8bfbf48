"""Vectors of ballots holding a slot contest (specs/vectors/ballot-slots-v1.json; wire
format specs/protocol.md 6 and 6.1, challenge record 8.2): reproduced byte for byte from
seeded_rng, verified, and checked by an independent path: the contest blocks are walked
with struct alone from the spec's tables, the slot block's EVSL bytes are verified by the
pure-Python reference (tests/reference/slot_range.py), the per-candidate blocks' sizes by
the section 6 formula, and each slot of the challenge record's opening is re-encrypted
with the RFC 9496 reference (tests/reference/ristretto255.py).

Regenerate (only when a wire format changes): python tests/test_ballot_slots_vectors.py --write
"""
import json
import os
import struct
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from slot_ballot_support import slot_manifest  # noqa: E402
from test_ballot_vectors import VectorContext  # noqa: E402
from evote.hashing import digest  # noqa: E402
from evote.group import Scalar  # noqa: E402
from evote.protocol.ballot import plaintext_ballot  # noqa: E402
from evote.protocol.challenge import ChallengeRecord, make_challenge, verify_challenge  # noqa: E402
from evote.protocol.encrypt import encrypt_plaintext, seeded_rng  # noqa: E402
from evote.protocol.encrypted_ballot import EncryptedBallot  # noqa: E402
from evote.protocol.verify_ballot import verify_ballot  # noqa: E402
from reference import ristretto255 as R  # noqa: E402
from reference import slot_ballot as ref_slots  # noqa: E402
from reference import slot_range as ref_range  # noqa: E402

PATH = os.path.join(os.path.dirname(HERE), "specs", "vectors", "ballot-slots-v1.json")
SHAPES = dict(n_slot=9, l_slot=4, method="proportional", n_pc=4, l_pc=2)
CASES = [
    ("a per-candidate choice and two slot candidates", {"pc": ["1"], "sl": ["1002", "1009"]}),
    ("blank everywhere (the slot contest's blank mark)", {}),
    ("a list code in the slot contest", {"sl": ["901"]}),
]


def _context():
    secret = int.from_bytes(digest("evote/v1/test-vector", b"slot ballot vectors: secret"),
                            "little") % Scalar.ORDER
    return VectorContext(secret, digest("evote/v1/test-vector", b"slot ballot vectors: base"))


def build_vectors() -> dict:
    manifest, ctx = slot_manifest(**SHAPES), _context()
    cases = []
    for k, (name, choices) in enumerate(CASES):
        seed = f"slot-ballot-vector-{k}".encode()
        ballot_id = digest("evote/v1/test-vector", b"slot ballot id", seed)
        plain = plaintext_ballot(manifest, "s", choices)
        ballot, secrets = encrypt_plaintext(ctx, manifest, plain, ballot_id, seeded_rng(seed))
        cases.append({"name": name, "style_id": "s", "choices": choices, "seed": seed.hex(),
                      "ballot_id": ballot_id.hex(), "ballot": ballot.to_bytes().hex(),
                      "challenge": make_challenge(ballot, secrets).to_bytes().hex()})
    return {
        "description": "evote ballots with a per-candidate contest and a slot contest "
                       "(specs/protocol.md 6.1, 8.2): encrypt_plaintext with seeded_rng(seed), "
                       "the wire bytes and the challenge record (EVCH with the slot opening).",
        "generated_by": "python tests/test_ballot_slots_vectors.py --write (build_vectors)",
        "manifest": json.loads(manifest.to_canonical_bytes()),
        "context": {"secret": "int_le(digest('evote/v1/test-vector'; 'slot ballot vectors: "
                              "secret')) mod l", "base_hash": ctx.base_hash.hex(),
                    "joint_key": ctx.joint_key.to_bytes().hex()},
        "cases": cases,
    }


def _load():
    with open(PATH, encoding="utf-8") as f:
        return json.load(f)


def test_vectors_reproduce_byte_for_byte():
    assert build_vectors()["cases"] == _load()["cases"]


def _walk(raw: bytes, manifest):
    """The contest blocks by the spec's tables alone: [(contest id, kind, bytes)]."""
    magic, version, reserved, n_contests, total = struct.unpack_from(">4sBBHI", raw, 0)
    assert (magic, version, reserved, total) == (b"EVBL", 1, 0, len(raw))
    pos = 44
    s = raw[pos]
    pos += 1 + s
    out = []
    for _ in range(n_contests):
        i = raw[pos]
        cid = raw[pos + 1:pos + 1 + i].decode("ascii")
        pos += 1 + i
        (n,) = struct.unpack_from(">H", raw, pos)
        if n == 0:
            (e,) = struct.unpack_from(">I", raw, pos + 2)
            out.append((cid, "slots", raw[pos + 6:pos + 6 + e]))
            pos += 6 + e
        else:
            (big_l,) = struct.unpack_from(">H", raw, pos + 2)
            size = 4 + 288 * (n + 1) + 32 * (4 * big_l - 1)
            out.append((cid, "per-candidate", raw[pos:pos + size]))
            pos += size
    assert pos == len(raw)
    return out


@pytest.mark.parametrize("k", range(len(CASES)))
def test_independent_parse_and_reference_verification(k):
    data = _load()
    case = data["cases"][k]
    manifest = slot_manifest(**SHAPES)
    assert json.loads(manifest.to_canonical_bytes()) == data["manifest"]
    ctx = _context()
    raw, bid = bytes.fromhex(case["ballot"]), bytes.fromhex(case["ballot_id"])
    blocks = _walk(raw, manifest)
    assert [(c, kind) for c, kind, _ in blocks] == [("pc", "per-candidate"), ("sl", "slots")]
    c = manifest.contest("sl")
    sh = ref_slots.shape(len(c.candidates), c.max_choices)
    k_enc = bytes.fromhex(data["context"]["joint_key"])
    assert ref_range.verify(k_enc, ctx.base_hash, bid, "sl", sh, blocks[1][2]) == (True, "")
    ballot = EncryptedBallot.from_bytes(raw)
    verify_ballot(ctx, manifest, ballot, exact=True)
    # the challenge record: EVCH header, the ballot, then per contest its secrets
    rec = bytes.fromhex(case["challenge"])
    assert rec[:4] == b"EVCH" and rec[12:12 + len(raw)] == raw
    verify_challenge(ctx, manifest, ChallengeRecord.from_bytes(rec))
    pos = 12 + len(raw)
    (kc,) = struct.unpack_from(">H", rec, pos)
    pos += 2 + 8 * kc + 32 * (len(manifest.contest("pc").candidates) + 1)
    (kc,) = struct.unpack_from(">H", rec, pos)
    codes = [struct.unpack_from(">Q", rec, pos + 2 + 8 * i)[0] for i in range(kc)]
    pos += 2 + 8 * kc
    (e,) = struct.unpack_from(">I", rec, pos)
    evso = rec[pos + 4:pos + 4 + e]
    assert pos + 4 + e == len(rec) and evso[:4] == b"EVSO"
    big_l, n_cid = struct.unpack_from(">HH", evso, 5)
    o = 9 + n_cid
    cts = ballot.contest("sl").ciphertexts
    values = []
    for j in range(big_l):   # S_j = (r_j*G, v_j*G + r_j*K) with the reference group
        v = int.from_bytes(evso[o:o + 4], "big")
        r = int.from_bytes(evso[o + 4:o + 36], "little")
        o += 36
        alpha = R.encode(R.mul(r, R.GENERATOR))
        beta = R.encode(R.add(R.mul(v, R.GENERATOR),
                              R.mul(r, R.decode(k_enc))))
        assert alpha + beta == cts[j]
        values.append(v)
    # the values the opening reveals: the codes' positions + 1, the blank mark, marks
    positions = sorted(c.candidate_index(x) + 1 for x in codes)
    assert [v for v in values if v <= len(c.candidates) + 1] == (positions or [len(c.candidates) + 1])
    assert [ref_slots.classify(sh, v) for v in values].count("vote") == len(codes)


if __name__ == "__main__" and "--write" in sys.argv:
    vectors = build_vectors()
    with open(PATH, "w", encoding="utf-8") as f:
        json.dump(vectors, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {PATH}")
