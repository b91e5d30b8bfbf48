"""The shuffle against its pure-Python reference (tests/reference/shuffle.py): for the
same randomness both provers give the same outputs and proof bytes, and every hash input
(tag and fields) of prover and verifier agrees byte for byte; proofs made by each verify
under the other, and both refuse the same tampered proof."""
import os

import pytest

import evote.protocol.shuffle as shuffle_mod
from evote.errors import InvalidProof
from evote.group import G_TABLE, FixedBase, Point, Scalar
from evote.protocol.elgamal import Ciphertext, encrypt_with_tables
from evote.protocol.encrypt import seeded_rng
from evote.protocol.shuffle import generators, shuffle, verify_shuffle
from evote.protocol.shuffle_codec import ShuffleProof
from reference import shuffle as ref

SK = Scalar.from_int(0x5EC12E7)
PK = G_TABLE.mul(SK)
_GEN_TAG = "evote/v1/shuffle-generator"


def _inputs(n, seed=b"inputs"):
    k_table = FixedBase(PK)
    rng = seeded_rng(seed)
    return [encrypt_with_tables(Scalar.from_int(i % 3), Scalar.from_wide_bytes(rng(64)),
                                k_table) for i in range(n)]


class _Recorder:
    """Wraps shuffle.digest64 and shuffle.HashPrefix (the u_j and the verifier's
    generators hash a shared head once) to record (tag, fields) of every hash but the
    generators' (which the prover caches)."""

    def __init__(self, monkeypatch):
        self.hashed = []
        real = shuffle_mod.digest64
        hashed = self.hashed

        def recording(tag, *fields):
            if tag != _GEN_TAG:
                hashed.append((tag, tuple(bytes(f) for f in fields)))
            return real(tag, *fields)

        class RecordingPrefix(shuffle_mod.HashPrefix):
            def __init__(self, tag, *head):
                super().__init__(tag, *head)
                self.rec = (tag, tuple(bytes(f) for f in head))

            def digest64(self, *fields):
                if self.rec[0] != _GEN_TAG:
                    hashed.append((self.rec[0], self.rec[1] + tuple(bytes(f) for f in fields)))
                return super().digest64(*fields)

        monkeypatch.setattr(shuffle_mod, "digest64", recording)
        monkeypatch.setattr(shuffle_mod, "HashPrefix", RecordingPrefix)


def _without_generators(hashed):
    return [(t, f) for t, f in hashed if t != _GEN_TAG]


def test_generators_agree():
    tr = ref.Transcript()
    mine = generators(4)
    theirs = [ref._enc(ref.generator(k, tr)) for k in range(5)]
    assert mine == theirs
    assert len(set(mine)) == 5 and Point.generator().to_bytes() not in mine


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_same_randomness_same_bytes_and_transcript(monkeypatch, n):
    inputs = _inputs(n)
    label = b"mix 1" if n % 2 else b""
    rec = _Recorder(monkeypatch)
    outputs, proof = shuffle(PK, inputs, seeded_rng(b"prover %d" % n), label=label)
    r_out, r_proof, r_hashed = ref.prove(PK.to_bytes(), [c.to_bytes() for c in inputs],
                                         seeded_rng(b"prover %d" % n), label)
    assert [c.to_bytes() for c in outputs] == r_out
    assert proof.to_bytes() == r_proof
    assert rec.hashed == _without_generators(r_hashed)
    assert len(rec.hashed) == n + 3   # sigma, u_1..u_N, e, c

    rec.hashed.clear()
    verify_shuffle(PK, inputs, outputs, proof, label=label)
    ok, v_hashed = ref.verify(PK.to_bytes(), [c.to_bytes() for c in inputs], r_out, r_proof,
                              label)
    assert ok
    # The verifier derives c before the u_j (its chunk tasks hash their own u_j): the
    # same hash inputs, in another order.
    assert sorted(rec.hashed) == sorted(_without_generators(v_hashed))
    assert _without_generators(v_hashed) == _without_generators(r_hashed)


def test_each_verifies_the_others_fresh_proofs():
    inputs = _inputs(3, b"other inputs")
    outputs, proof = shuffle(PK, inputs)                     # os.urandom
    ok, _ = ref.verify(PK.to_bytes(), [c.to_bytes() for c in inputs],
                       [c.to_bytes() for c in outputs], proof.to_bytes())
    assert ok
    r_out, r_proof, _ = ref.prove(PK.to_bytes(), [c.to_bytes() for c in inputs], os.urandom)
    verify_shuffle(PK, inputs, [Ciphertext.from_bytes(c) for c in r_out],
                   ShuffleProof.from_bytes(r_proof))


def test_both_refuse_the_same_tampering():
    inputs = _inputs(2, b"tamper")
    outputs, proof = shuffle(PK, inputs)
    raw = proof.to_bytes()
    in_b, out_b = [c.to_bytes() for c in inputs], [c.to_bytes() for c in outputs]
    bad = bytearray(raw)
    bad[12 + 64 * 2 + 192 + 32] ^= 4                          # s_2
    with pytest.raises(InvalidProof, match="S2"):
        verify_shuffle(PK, inputs, outputs, ShuffleProof.from_bytes(bytes(bad)))
    assert not ref.verify(PK.to_bytes(), in_b, out_b, bytes(bad))[0]
    assert not ref.verify(PK.to_bytes(), in_b, out_b[::-1], raw)[0]
    assert not ref.verify(PK.to_bytes(), in_b, out_b, raw, b"x")[0]
