"""Test vectors of the choice-slot ballot: specs/slot-ballot-v2.json (the one encoding
elections use: slot ciphertexts with one aggregated range proof, wire version 2).

    PYTHONPATH=src python tests/test_slot_vectors.py      # rewrites the vector file

Every value is derived from fixed labels (the test key, base hash, ballot ids, the kiosk's
randomness through seeded_rng, read in the order of specs/slot-ballot.md section 5). The
negative cases are forged by a cheating kiosk (slot_range.prove_gaps with false gaps or
values) or are a positive case with one thing changed, each with the check that must
refuse it. The tests regenerate every positive case byte for byte, verify it (and one
under the pure-Python reference), and check that every negative case is refused by the
named check, one by one and in batch.
"""
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from evote.errors import InvalidEncoding, InvalidProof
from evote.group import G_TABLE, FixedBase, Point, Scalar
from evote.hashing import digest, digest64, text
from evote.protocol.encrypt import seeded_rng
from evote.protocol.slot_ballot import draw_values, shape_for
from evote.protocol.slot_range import (prove_gaps, randomness_size, verify_range_slots,
                                       verify_range_slots_batch)
from evote.protocol.slot_range_codec import decode_range_contest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from reference import slot_range as ref2  # noqa: E402

VECTOR_FILE_2 = HERE.parent / "specs" / "vectors" / "slot-ballot-v2.json"
CASES = [  # name, contest id, N, L, chosen positions (1-based)
    ("blank", "c0", 5, 2, []),
    ("one-first", "c0", 5, 2, [1]),
    ("full-both-ends", "c0", 5, 2, [1, 5]),
    ("three-of-nine", "tehran-council", 9, 3, [2, 3, 9]),
    ("persian-contest-id", "شورای-شهر", 4, 1, [4]),
]
@dataclass(frozen=True)
class VectorContext:
    base_hash: bytes
    k_table: FixedBase


def _scalar(label: str) -> Scalar:
    return Scalar.from_wide_bytes(digest64("evote/v1/test-vector", text(label)))


def context() -> VectorContext:
    k = G_TABLE.mul(_scalar("slot vectors: secret key"))
    return VectorContext(digest("evote/v1/test-vector", text("slot vectors: base hash")),
                         FixedBase(k))


def ballot_id(name: str) -> bytes:
    return digest("evote/v1/test-vector", text(f"slot vectors: ballot {name}"))


class _Contest:
    def __init__(self, cid, n, big_l):
        self.contest_id, self.max_choices = cid, big_l
        self.candidates = tuple(range(n))


NEGATIVE_2 = [  # name, base case, how, (gaps, values) or None, expected message fragment
    ("repeated-code", "full-both-ends", "gaps 0, -1 (v_2 = v_1)", ([0, -1], None),
     "W6 equation t-hat"),
    ("unsorted", "full-both-ends", "gaps 3, -2 (v_2 < v_1)", ([3, -2], None),
     "W6 equation t-hat"),
    ("gap-too-large", "full-both-ends", "gaps 0, 2^24 (2^b)", ([0, 2 ** 24], None),
     "W6 equation t-hat"),
    ("slots-not-the-committed-gaps", "full-both-ends",
     "commitments and range proof for gaps 0, 0; slot ciphertexts of values 1, 1",
     ([0, 0], [1, 1]), "W6 equation link 2"),
    ("altered-t-hat", "full-both-ends", "byte 0 of t_hat xor 1", None, "W6 equation"),
    ("bad-commitment", "full-both-ends", "V_1 is ff..ff", None, "W4 V_1"),
    ("wrong-slot-count", "full-both-ends", "the header says L = 3", None, "W1"),
]


def positive_2(name, cid, n, big_l, positions) -> dict:
    ctx = context()
    shape = shape_for(n, big_l)
    rng = seeded_rng(f"slot vectors v2: {name}".encode())
    values = draw_values(shape, positions, rng)
    gaps = [v - p - 1 for v, p in zip(values, (0,) + values[:-1])]
    rc = prove_gaps(ctx, cid, shape, gaps, ballot_id(name), rng(randomness_size(shape)))
    return {"name": name, "contest_id": cid, "n": n, "max_choices": big_l, "bits": shape.bits,
            "positions": positions, "rng_seed": f"slot vectors v2: {name}".encode().hex(),
            "ballot_id": ballot_id(name).hex(), "values": list(values),
            "slot_contest": rc.to_bytes().hex()}


def negative_2(name, base, how, forged, expect, cases) -> dict:
    case = next(c for c in cases if c["name"] == base)
    ctx = context()
    shape = shape_for(case["n"], case["max_choices"])
    wire = bytearray.fromhex(case["slot_contest"])
    head = 10 + len(case["contest_id"].encode("utf-8"))
    big_l = case["max_choices"]
    if forged is not None:
        gaps, values = forged
        rand = seeded_rng(f"slot vectors v2: {name}".encode())(randomness_size(shape))
        wire = bytearray(prove_gaps(ctx, case["contest_id"], shape, gaps,
                                    bytes.fromhex(case["ballot_id"]), rand, values).to_bytes())
    elif name == "altered-t-hat":
        wire[head + 96 * big_l + 32 * 6] ^= 1
    elif name == "bad-commitment":
        wire[head + 64 * big_l:head + 64 * big_l + 32] = b"\xff" * 32
    elif name == "wrong-slot-count":
        wire[6] = 3
    return {"name": name, "base": base, "how": how, "slot_contest": bytes(wire).hex(),
            "refused_by": expect}


def generate_2() -> dict:
    cases = [positive_2(*c) for c in CASES]
    ctx = context()
    return {
        "source": "evote, generated by tests/test_slot_vectors.py "
                  "(python tests/test_slot_vectors.py)",
        "format": "specs/slot-ballot.md (wire version 2, b = max(b_min, 24), blank mark "
                  "N + 1, marks from [N + 2, 2^b]); slot_contest is the wire bytes of section "
                  "9, hex",
        "how": "secret key x = from_wide(digest64('evote/v1/test-vector'; text('slot vectors: "
               "secret key'))), K = x*G; base_hash = digest('evote/v1/test-vector'; text('slot "
               "vectors: base hash')); ballot id of case NAME = digest('evote/v1/test-vector'; "
               "text('slot vectors: ballot NAME')); the kiosk reads "
               "seeded_rng(rng_seed): marks (section 5.1), then the 64*(2L + 7 + 2N) bytes of "
               "section 5.2. Negative cases: slot_range.prove_gaps with seeded_rng('slot "
               "vectors v2: NAME') (a cheating kiosk), or the base case with one change (how); "
               "a wrong slot count changes the length, so the codec refuses it before W1",
        "secret_key": _scalar("slot vectors: secret key").to_bytes().hex(),
        "joint_key": ctx.k_table.point.to_bytes().hex(),
        "base_hash": ctx.base_hash.hex(),
        "cases": cases,
        "negative": [negative_2(*n, cases) for n in NEGATIVE_2],
    }


@pytest.fixture(scope="module")
def vectors_2():
    return json.loads(VECTOR_FILE_2.read_text(encoding="utf-8"))


def test_v2_vectors_reproduce_byte_for_byte(vectors_2):
    assert generate_2() == vectors_2


def test_v2_positive_cases_verify_and_decrypt(vectors_2):
    ctx = context()
    x = Scalar.from_bytes(bytes.fromhex(vectors_2["secret_key"]))
    items = {}
    for case in vectors_2["cases"]:
        contest = _Contest(case["contest_id"], case["n"], case["max_choices"])
        bid = bytes.fromhex(case["ballot_id"])
        rc = decode_range_contest(bytes.fromhex(case["slot_contest"]))
        verify_range_slots(ctx, contest, bid, rc)
        items.setdefault(case["contest_id"], (contest, []))[1].append((bid, rc))
        for ct, v in zip(rc.ciphertexts, case["values"]):
            m = Point.from_bytes(ct[32:]) - Point.from_bytes(ct[:32]) * x
            assert m == Point.generator() * Scalar.from_int(v)
    for contest, its in items.values():
        assert verify_range_slots_batch(ctx, contest, its) == len(its)


def test_v2_one_positive_case_under_the_reference(vectors_2):
    case = next(c for c in vectors_2["cases"] if c["name"] == "full-both-ends")
    assert ref2.verify(bytes.fromhex(vectors_2["joint_key"]),
                       bytes.fromhex(vectors_2["base_hash"]), bytes.fromhex(case["ballot_id"]),
                       case["contest_id"], (case["n"], case["max_choices"], case["bits"]),
                       bytes.fromhex(case["slot_contest"])) == (True, "")


def test_v2_negative_cases_refused_by_the_named_check(vectors_2):
    ctx = context()
    for neg in vectors_2["negative"]:
        base = next(c for c in vectors_2["cases"] if c["name"] == neg["base"])
        contest = _Contest(base["contest_id"], base["n"], base["max_choices"])
        bid = bytes.fromhex(base["ballot_id"])
        wire = bytes.fromhex(neg["slot_contest"])
        if neg["name"] == "wrong-slot-count":
            with pytest.raises(InvalidEncoding, match="gives exactly"):
                decode_range_contest(wire)
            continue
        rc = decode_range_contest(wire)
        with pytest.raises(InvalidProof, match=neg["refused_by"]):
            verify_range_slots(ctx, contest, bid, rc)
        with pytest.raises(InvalidProof, match=neg["refused_by"]):
            verify_range_slots_batch(ctx, contest, [(bid, rc)])


if __name__ == "__main__":
    VECTOR_FILE_2.write_text(json.dumps(generate_2(), indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    print(f"wrote {VECTOR_FILE_2}")
