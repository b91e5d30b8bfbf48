"""The batch verifier's scalar work in C (csrc/verify_coefs.c, _bindings.verify01_coefs_vartime)
gives the numbers of its Python statement: the weighted 0/1 equations of specs/protocol.md
7.2 computed with Python integers. Extreme values (0, l - 1, weights 2^128 - 1) included;
a non-canonical scalar names its proof; bad arguments raise clean errors."""
import pytest
from hypothesis import given, settings, strategies as st

from evote import _bindings
from evote.errors import EvoteTypeError, InvalidEncoding
from evote.group import Scalar

L = Scalar.ORDER
W_MAX = (1 << 128) - 1

scalar = st.one_of(st.integers(0, L - 1), st.sampled_from([0, 1, L - 1]))
weight = st.one_of(st.integers(0, W_MAX), st.sampled_from([0, 1, W_MAX]))
digest = st.one_of(st.binary(min_size=64, max_size=64), st.just(b"\xff" * 64))
proof = st.tuples(digest, scalar, scalar, scalar, st.tuples(weight, weight, weight, weight))
extra = st.tuples(*[st.integers(0, (1 << 256) - 1)] * 4)


def reference(proofs, ex):
    """What evote_verify01_coefs_vartime computes, with Python integers."""
    out, g, k = [], 0, 0
    for i, (d, c0, v0, v1, (w1, w2, w3, w4)) in enumerate(proofs):
        c1 = (int.from_bytes(d, "little") % L - c0) % L
        a, b = (ex[2], ex[3]) if i == len(proofs) - 1 else (ex[0], ex[1])
        out += [(w1 * c0 + w3 * c1 + a) % L, (w2 * c0 + w4 * c1 + b) % L, w1, w2, w3, w4]
        g += w1 * v0 + w3 * v1 + w4 * c1
        k += w2 * v0 + w4 * v1
    return b"".join(x.to_bytes(32, "little") for x in out), g % L, k % L


def blobs(proofs, ex):
    p = b"".join(d + c0.to_bytes(32, "little") + v0.to_bytes(32, "little")
                 + v1.to_bytes(32, "little") for d, c0, v0, v1, _ in proofs)
    w = b"".join(x.to_bytes(16, "little") for *_, ws in proofs for x in ws)
    e = b"".join(x.to_bytes(32, "little") for x in ex)
    return p, w, e


@settings(max_examples=150, deadline=None)
@given(st.lists(proof, min_size=0, max_size=12), extra)
def test_matches_python_integers(proofs, ex):
    coefs, g, k = _bindings.verify01_coefs_vartime(*blobs(proofs, ex))
    want, g_want, k_want = reference(proofs, ex)
    assert coefs == want
    assert int.from_bytes(g, "little") == g_want
    assert int.from_bytes(k, "little") == k_want


@settings(max_examples=40, deadline=None)
@given(st.lists(proof, min_size=1, max_size=6), st.data())
def test_non_canonical_scalar_names_the_proof(proofs, data):
    i = data.draw(st.integers(0, len(proofs) - 1))
    field = data.draw(st.integers(0, 2))
    bad = data.draw(st.sampled_from([L, L + 1, (1 << 256) - 1]))
    p, w, e = blobs(proofs, (0, 0, 0, 0))
    at = 160 * i + 64 + 32 * field
    p = p[:at] + bad.to_bytes(32, "little") + p[at + 32:]
    with pytest.raises(InvalidEncoding, match=f"proofs item {i} "):
        _bindings.verify01_coefs_vartime(p, w, e)


def test_bad_arguments():
    f = _bindings.verify01_coefs_vartime
    with pytest.raises(InvalidEncoding, match="160-byte"):
        f(bytes(159), bytes(64), bytes(128))
    with pytest.raises(InvalidEncoding, match="weights"):
        f(bytes(160), bytes(63), bytes(128))
    with pytest.raises(InvalidEncoding, match="extra"):
        f(bytes(160), bytes(64), bytes(127))
    with pytest.raises(EvoteTypeError):
        f("x" * 160, bytes(64), bytes(128))
    assert f(b"", b"", bytes(128)) == (b"", bytes(32), bytes(32))
