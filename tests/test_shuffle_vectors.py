"""specs/vectors/shuffle-v2.json: every case reproduces byte for byte from its seed, the
implementation and the pure-Python reference (tests/reference/shuffle.py) both accept the
positive cases, and every negative case is refused by the check it names (and by the
reference)."""
import json

import pytest

import shuffle_vectors_gen as gen
from evote.errors import InvalidProof
from evote.group import Point
from evote.protocol.elgamal import Ciphertext
from evote.protocol.shuffle import verify_shuffle
from evote.protocol.shuffle_codec import ShuffleProof
from reference import shuffle as ref_shuffle


@pytest.fixture(scope="module")
def vectors():
    return json.loads(gen.VECTOR_FILE.read_text(encoding="utf-8"))


def _cts(hexes):
    return [Ciphertext.from_bytes(bytes.fromhex(h)) for h in hexes]


def test_vectors_reproduce_byte_for_byte(vectors):
    assert vectors == gen.build()


def test_positive_cases_verify(vectors):
    pk = Point.from_bytes(bytes.fromhex(vectors["public_key"]))
    assert len(vectors["cases"]) == 5
    for case in vectors["cases"]:
        proof = ShuffleProof.from_bytes(bytes.fromhex(case["proof"]))
        verify_shuffle(pk, _cts(case["inputs"]), _cts(case["outputs"]), proof,
                       label=bytes.fromhex(case["label"]))


@pytest.mark.parametrize("name", ["empty", "one", "two", "three-equal"])
def test_positive_cases_verify_under_the_reference(vectors, name):
    case = next(c for c in vectors["cases"] if c["name"] == name)
    ok, hashed = ref_shuffle.verify(
        bytes.fromhex(vectors["public_key"]), [bytes.fromhex(h) for h in case["inputs"]],
        [bytes.fromhex(h) for h in case["outputs"]], bytes.fromhex(case["proof"]),
        bytes.fromhex(case["label"]))
    assert ok
    tag, fields = hashed[0]
    assert tag == "evote/v1/shuffle-statement"
    sigma_hash = ref_shuffle.Transcript().h64(tag, *fields)
    assert sigma_hash.hex() == case["sigma"]


def test_negative_cases_refused_by_the_named_check(vectors):
    pk = Point.from_bytes(bytes.fromhex(vectors["public_key"]))
    assert len(vectors["invalid"]) == 13
    for case in vectors["invalid"]:
        proof = ShuffleProof.from_bytes(bytes.fromhex(case["proof"]))
        with pytest.raises(InvalidProof, match=case["expect"].replace("(", r"\(")
                           .replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
            verify_shuffle(pk, _cts(case["inputs"]), _cts(case["outputs"]), proof,
                           label=bytes.fromhex(case["label"]))
