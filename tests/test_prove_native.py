"""The C provers (csrc/prove.c through evote._bindings and disjunctive.prove /
prove01_batch) make the same bytes as the Python reference: ciphertexts from G_TABLE.mul /
mul2 and proofs from disjunctive._prove_unchecked (Scalar arithmetic, Lagrange selectors).
Bad arguments raise clean evote errors."""
import os

import pytest
from hypothesis import given, settings, strategies as st

from ballot_support import make_context
from evote import _bindings
from evote.errors import EvoteError, EvoteTypeError, EvoteValueError, InvalidEncoding
from evote.group import G_TABLE, Scalar
from evote.hashing import digest64
from evote.protocol import disjunctive
from evote.protocol.encrypt import _encrypt_one

CTX = make_context(seed=5)
TAG = "evote/v1/test-prove"
L_MINUS_1 = (Scalar.ORDER - 1).to_bytes(32, "little") + bytes(32)   # wide value l - 1


def randomness(n: int):
    """n bytes, mostly uniform, sometimes the wide values that reduce to 0, 1 or l - 1."""
    piece = st.one_of(st.binary(min_size=64, max_size=64),
                      st.sampled_from([bytes(64), b"\x01" + bytes(63), L_MINUS_1,
                                       Scalar.ORDER.to_bytes(64, "little"), b"\xff" * 64]))
    return st.lists(piece, min_size=n // 64, max_size=n // 64).map(b"".join)


def reference_selection(m: int, rand: bytes, statement):
    """One 0/1 ciphertext and proof the reference way (what encrypt did before prove.c)."""
    r = Scalar.from_wide_bytes(rand[:64])
    alpha = G_TABLE.mul(r).to_bytes()
    beta = G_TABLE.mul2(Scalar.from_int(m), CTX.k_table, r).to_bytes()
    tag, fields = statement(alpha + beta)
    proof = disjunctive._prove_unchecked(Scalar.from_int(m), r, 0, 1, CTX.k_table, tag, fields,
                                         rand[64:])
    return alpha, beta, proof, r


def statement_of(i: int, ct: bytes):
    return TAG, (b"statement", i.to_bytes(8, "big"), ct)


@settings(max_examples=25, deadline=None)
@given(bits=st.lists(st.integers(0, 1), min_size=1, max_size=20), data=st.data())
def test_prove01_batch_equals_reference(bits, data):
    rand = data.draw(randomness(320 * len(bits)), label="randomness")
    made, nonces = disjunctive.prove01_batch(bytes(bits), rand, CTX.k_table, statement_of)
    assert len(made) == len(nonces) == len(bits)
    for i, m in enumerate(bits):
        alpha, beta, proof, r = reference_selection(m, rand[320 * i:320 * (i + 1)],
                                                    lambda ct, i=i: statement_of(i, ct))
        assert made[i] == (alpha, beta, proof), (i, m)
        assert nonces[i] == r
        # and the one-by-one path of encrypt.py (disjunctive.prove, C) agrees too
        sel, r2 = _encrypt_one(m, rand[320 * i:320 * (i + 1)], CTX.k_table,
                               lambda ct, i=i: statement_of(i, ct))
        assert tuple(sel) == (alpha, beta, proof) and r2 == r


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_range_prove_equals_reference(data):
    lo = data.draw(st.integers(0, 3), label="lo")
    hi = data.draw(st.integers(lo, lo + 12), label="hi")
    value = data.draw(st.integers(lo, hi), label="value")
    nb = hi - lo + 1
    rand = data.draw(randomness(128 * nb), label="randomness")
    nonce = Scalar.from_wide_bytes(data.draw(randomness(64), label="nonce"))
    fields = (b"range", bytes([lo, hi]))
    got = disjunctive.prove(value, nonce, lo, hi, CTX.k_table, TAG, fields, rand)
    want = disjunctive._prove_unchecked(Scalar.from_int(value), nonce, lo, hi, CTX.k_table,
                                        TAG, fields, rand)
    assert got == want
    assert len(got.commitments) == 2 * nb and len(got.challenges) == nb - 1


def test_bindings_equal_reference_both_bits():
    for m in (0, 1):
        rand = os.urandom(320)
        out, nonces = _bindings.prove01_commit(CTX.k_table.basetable, bytes([m]), rand)
        alpha, beta, proof, r = reference_selection(m, rand, lambda ct: statement_of(0, ct))
        assert out == alpha + beta + b"".join(proof.commitments)
        assert nonces == r.to_bytes()
        challenge = digest64(TAG, *statement_of(0, alpha + beta)[1], out[64:])
        resp = _bindings.prove01_respond(bytes([m]), rand, challenge)
        assert resp == proof.challenges[0] + b"".join(proof.responses)


def test_empty_batch():
    assert _bindings.prove01_commit(CTX.k_table.basetable, b"", b"") == (b"", b"")
    assert _bindings.prove01_respond(b"", b"", b"") == b""
    assert disjunctive.prove01_batch(b"", b"", CTX.k_table, statement_of) == ([], [])


def test_prove01_bad_arguments():
    table = CTX.k_table.basetable
    rand = os.urandom(640)
    with pytest.raises(EvoteTypeError, match="prove01_commit: table_k must be a BaseTable"):
        _bindings.prove01_commit(b"x" * 64, b"\x00\x01", rand)
    with pytest.raises(EvoteTypeError, match="prove01_commit: bits must be bytes"):
        _bindings.prove01_commit(table, [0, 1], rand)
    with pytest.raises(InvalidEncoding, match="prove01_commit: randomness must be 640 bytes"):
        _bindings.prove01_commit(table, b"\x00\x01", rand[:-1])
    with pytest.raises(EvoteTypeError, match="randomness must be bytes"):
        _bindings.prove01_commit(table, b"\x00\x01", "x" * 640)
    with pytest.raises(EvoteValueError, match="every item of bits must be 0 or 1"):
        _bindings.prove01_commit(table, b"\x00\x02", rand)
    with pytest.raises(EvoteValueError, match="every item of bits must be 0 or 1"):
        _bindings.prove01_respond(b"\x01\xff", rand, bytes(128))
    with pytest.raises(InvalidEncoding, match="prove01_respond: challenges must be 128 bytes"):
        _bindings.prove01_respond(b"\x00\x01", rand, bytes(64))
    with pytest.raises(disjunctive.NotZeroOrOne, match="cannot prove"):
        disjunctive.prove01_batch(b"\x02", rand[:320], CTX.k_table, statement_of)
    with pytest.raises(EvoteTypeError, match="k_table must be FixedBase"):
        disjunctive.prove01_batch(b"\x01", rand[:320], G_TABLE._table, statement_of)
    with pytest.raises(EvoteValueError, match="need 320 bytes of randomness"):
        disjunctive.prove01_batch(b"\x01", rand, CTX.k_table, statement_of)


def test_range_bad_arguments():
    table = CTX.k_table.basetable
    rand = os.urandom(128 * 3)
    nonce = Scalar.random().to_bytes()
    with pytest.raises(EvoteValueError, match=r"value is not in \[1, 3\]"):
        _bindings.disjunctive_commit(table, 4, 1, 3, rand)
    with pytest.raises(EvoteValueError, match=r"value is not in \[1, 3\]"):
        _bindings.disjunctive_commit(table, 0, 1, 3, rand)
    with pytest.raises(EvoteValueError, match=r"value is not in \[1, 3\]"):
        _bindings.disjunctive_commit(table, -1, 1, 3, rand)
    with pytest.raises(EvoteValueError, match=r"value is not in \[1, 3\]"):
        _bindings.disjunctive_respond(7, 1, 3, nonce, rand, bytes(64))
    with pytest.raises(EvoteValueError, match="lo <= hi"):
        _bindings.disjunctive_commit(table, 2, 3, 1, rand)
    with pytest.raises(EvoteValueError, match="lo <= hi"):
        _bindings.disjunctive_commit(table, 2, 0, 1 << 16, rand)
    with pytest.raises(EvoteTypeError, match="value must be int"):
        _bindings.disjunctive_commit(table, True, 1, 3, rand)
    with pytest.raises(EvoteTypeError, match="hi must be int"):
        _bindings.disjunctive_commit(table, 1, 1, 3.0, rand)
    with pytest.raises(InvalidEncoding, match="randomness must be 384 bytes"):
        _bindings.disjunctive_commit(table, 1, 1, 3, rand[:128])
    with pytest.raises(InvalidEncoding, match="nonce is not a canonical scalar"):
        _bindings.disjunctive_respond(1, 1, 3, b"\xff" * 32, rand, bytes(64))
    with pytest.raises(InvalidEncoding, match="nonce must be 32 bytes"):
        _bindings.disjunctive_respond(1, 1, 3, nonce[:31], rand, bytes(64))
    with pytest.raises(InvalidEncoding, match="challenge must be 64 bytes"):
        _bindings.disjunctive_respond(1, 1, 3, nonce, rand, bytes(32))
    # through disjunctive.prove: the refusals of before
    with pytest.raises(EvoteValueError, match=r"cannot prove that 4 lies in \[1, 3\]"):
        disjunctive.prove(4, Scalar.random(), 1, 3, CTX.k_table, TAG, (), rand)
    with pytest.raises(EvoteValueError, match="need 384 bytes of randomness"):
        disjunctive.prove(2, Scalar.random(), 1, 3, CTX.k_table, TAG, (), rand[:-1])
    with pytest.raises(EvoteTypeError, match="nonce must be Scalar"):
        disjunctive.prove(2, nonce, 1, 3, CTX.k_table, TAG, (), rand)
    for err in (EvoteValueError, EvoteTypeError, InvalidEncoding):
        assert issubclass(err, EvoteError)
