"""RFC 9496 Appendix A vectors (specs/vectors/ristretto255-rfc9496.json) through evote.group.

Compared: the C core's encodings of i*G (four independent C paths: the fixed generator
table, variable-base scalarmult, repeated addition, multiples_vartime) with the RFC's
bytes; every invalid encoding of the RFC is rejected by every decoding entry point, with
the rule it breaks named in the error; the hash-to-group outputs (SHA-512 of the label,
then the one-way map) equal the RFC's.
"""
import hashlib
import json
import pathlib

import pytest

from evote.errors import InvalidEncoding
from evote.group import (G_TABLE, FixedBase, Point, Scalar, aggregate_vartime,
                         double_mul_vartime, msm_vartime, msm_vartime_raw, multiples_vartime,
                         points_from_bytes, validate_points)

VECTORS = json.loads(
    (pathlib.Path(__file__).parent.parent / "specs" / "vectors" / "ristretto255-rfc9496.json")
    .read_text(encoding="utf-8")
)
MULTIPLES = [bytes.fromhex(h) for h in VECTORS["multiples_of_generator"]]
INVALID = [(rule, bytes.fromhex(h)) for rule, hs in VECTORS["invalid_encodings"].items()
           for h in hs]
# The words our error message uses for each rule group of the RFC (by the group's name).
RULE_WORDS = {
    "non-canonical field encoding": "non-canonical",
    "negative field element": "negative field element",
    "non-square x^2": "non-square",
    "negative xy": "negative xy",
    "s = -1, which causes y = 0": "y = 0",
}


def test_vector_file_shape():
    assert len(MULTIPLES) == 16
    assert set(VECTORS["invalid_encodings"]) == set(RULE_WORDS)
    assert len(INVALID) == 29
    assert len(VECTORS["hash_to_group"]) == 7


@pytest.mark.parametrize("i", range(16))
def test_multiples_of_generator(i):
    want = MULTIPLES[i]
    s = Scalar.from_int(i)
    assert Point.mul_base(s).to_bytes() == want
    assert G_TABLE.mul(s).to_bytes() == want
    assert (s * Point.generator()).to_bytes() == want
    assert (Point.generator() * i).to_bytes() == want
    assert double_mul_vartime(0, Point.generator(), i).to_bytes() == want
    assert double_mul_vartime(i, Point.generator(), 0).to_bytes() == want
    acc = Point.identity()
    for _ in range(i):
        acc = acc + Point.generator()
    assert acc.to_bytes() == want
    # decode(encode) is the identity on the vectors
    assert Point.from_bytes(want).to_bytes() == want


def test_multiples_vartime_matches_rfc():
    assert multiples_vartime(Point.generator(), 16) == MULTIPLES
    assert multiples_vartime(Point.generator(), 0) == []


def test_batch_decoding_of_rfc_multiples():
    blob = b"".join(MULTIPLES)
    assert validate_points(blob) == 16
    assert [p.to_bytes() for p in points_from_bytes(blob)] == MULTIPLES


def test_multiples_through_msm_and_aggregate():
    # sum_{i} i * (i*G) = (sum i^2) * G; and column sums of the multiples table
    ps = [Point.from_bytes(b) for b in MULTIPLES]
    assert msm_vartime(list(range(16)), ps) == Point.mul_base(sum(i * i for i in range(16)))
    cols = aggregate_vartime(b"".join(MULTIPLES), 4, 4)  # row r, column c holds (4r + c)G
    assert cols == [Point.mul_base(sum(4 * r + c for r in range(4))).to_bytes()
                    for c in range(4)]


@pytest.mark.parametrize("rule,enc", INVALID, ids=[f"{r}-{e.hex()[:8]}" for r, e in INVALID])
def test_invalid_encoding_rejected_with_rule(rule, enc):
    with pytest.raises(InvalidEncoding) as ei:
        Point.from_bytes(enc)
    assert RULE_WORDS[rule] in str(ei.value)


@pytest.mark.parametrize("rule,enc", INVALID, ids=[f"{r}-{e.hex()[:8]}" for r, e in INVALID])
def test_invalid_encoding_rejected_by_every_c_entry_point(rule, enc):
    g = Point.generator()
    gb = g.to_bytes()
    one = Scalar.one()
    # Batch validation names the index of the bad item.
    for pos in (0, 3, 7):
        blob = b"".join(MULTIPLES[:pos]) + enc + b"".join(MULTIPLES[pos:8])
        with pytest.raises(InvalidEncoding, match=rf"item {pos}\b"):
            validate_points(blob)
        with pytest.raises(InvalidEncoding, match=rf"item {pos}\b"):
            points_from_bytes(blob)
        sblob = one.to_bytes() * 9
        with pytest.raises(InvalidEncoding, match=rf"points item {pos}\b"):
            msm_vartime_raw(sblob, blob)
        with pytest.raises(InvalidEncoding, match=rf"item {pos}\b"):
            aggregate_vartime(blob, 3, 3)
    pts = [gb, enc, gb]
    with pytest.raises(InvalidEncoding, match=r"item 1\b"):
        msm_vartime([1, 2, 3], pts)
    with pytest.raises(InvalidEncoding):
        double_mul_vartime(1, enc, 1)


def test_invalid_encoding_rejected_by_low_level_point_ops():
    from evote import _bindings as b

    gb = Point.generator().to_bytes()
    for _rule, enc in INVALID:
        assert not b.point_is_valid(enc)
        for call in (lambda: b.point_add(gb, enc), lambda: b.point_add(enc, gb),
                     lambda: b.point_sub(gb, enc), lambda: b.point_neg(enc),
                     lambda: b.scalarmult(bytes(32), enc), lambda: b.basetable_init(enc),
                     lambda: b.multiples_vartime(enc, 3)):
            with pytest.raises(InvalidEncoding):
                call()
    with pytest.raises(InvalidEncoding, match=r"\bb is not a valid"):
        b.point_add(gb, INVALID[0][1])
    with pytest.raises(InvalidEncoding, match=r"\ba is not a valid"):
        b.point_sub(INVALID[0][1], gb)


@pytest.mark.parametrize("vec", VECTORS["hash_to_group"], ids=lambda v: v["label"][:20])
def test_hash_to_group(vec):
    uniform = hashlib.sha512(vec["label"].encode("utf-8")).digest()
    p = Point.from_uniform_bytes(uniform)
    assert p.to_bytes().hex() == vec["sha512_of_label_then_map"]
    assert Point.from_bytes(p.to_bytes()) == p


def test_fixed_base_of_the_generator_is_the_generator_table():
    fb = FixedBase(Point.from_bytes(MULTIPLES[1]))
    for i in range(16):
        assert fb.mul(i).to_bytes() == MULTIPLES[i]
        assert fb.mul2(i, G_TABLE, 15 - i).to_bytes() == MULTIPLES[15]
