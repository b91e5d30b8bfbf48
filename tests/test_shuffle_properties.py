"""Hypothesis properties of the shuffle (specs/shuffle.md): honest shuffles verify and
keep the multiset of plaintexts; every tampering is refused with InvalidProof (any proof
byte after the header, an output replaced, dropped or duplicated, inputs reordered after
proving, another public key, another label, another shuffle's outputs); the honest
proving algorithm run on a false statement (a plaintext changed, an output replaced, one
dropped and another doubled) is refused; header damage is refused by the parser."""
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evote.errors import EvoteTypeError, InvalidEncoding, InvalidProof
from evote.group import G_TABLE, FixedBase, Point, Scalar
from evote.protocol import shuffle as shuffle_mod
from evote.protocol.elgamal import Ciphertext, encrypt_with_tables
from evote.protocol.shuffle import shuffle, verify_shuffle
from evote.protocol.shuffle_codec import HEADER_SIZE, ShuffleProof, proof_size

SK = Scalar.from_int(0xC0FFEE)
PK = G_TABLE.mul(SK)
K_TABLE = FixedBase(PK)
FAST = settings(max_examples=20, deadline=None)


def encrypt_all(plaintexts):
    return [encrypt_with_tables(Scalar.from_int(m), Scalar.random(), K_TABLE)
            for m in plaintexts]


def decrypt(ct: Ciphertext) -> bytes:
    return (ct.beta - SK * ct.alpha).to_bytes()


def plaintext_lists(min_size=0, max_size=6):
    return st.lists(st.integers(min_value=0, max_value=4), min_size=min_size,
                    max_size=max_size)


@FAST
@given(plaintext_lists(), st.binary(max_size=8))
def test_honest_shuffles_verify_and_keep_the_multiset(plaintexts, label):
    inputs = encrypt_all(plaintexts)
    outputs, proof = shuffle(PK, inputs, label=label)
    verify_shuffle(PK, inputs, outputs, ShuffleProof.from_bytes(proof.to_bytes()),
                   label=label)
    assert len(proof.to_bytes()) == proof_size(len(inputs)) == 364 + 96 * len(inputs)
    assert sorted(map(decrypt, outputs)) == sorted(map(decrypt, inputs))
    # fresh nonces: no output equals any input
    assert not {c.to_bytes() for c in outputs} & {c.to_bytes() for c in inputs}


@FAST
@given(plaintext_lists(), st.data())
def test_any_proof_byte_changed_is_refused(plaintexts, data):
    inputs = encrypt_all(plaintexts)
    outputs, proof = shuffle(PK, inputs)
    raw = bytearray(proof.to_bytes())
    at = data.draw(st.integers(min_value=HEADER_SIZE, max_value=len(raw) - 1), "offset")
    raw[at] ^= data.draw(st.integers(min_value=1, max_value=255), "mask")
    with pytest.raises(InvalidProof):
        verify_shuffle(PK, inputs, outputs, ShuffleProof.from_bytes(bytes(raw)))


@FAST
@given(plaintext_lists(), st.data())
def test_header_damage_is_refused_by_the_parser(plaintexts, data):
    raw = bytearray(shuffle(PK, encrypt_all(plaintexts))[1].to_bytes())
    at = data.draw(st.integers(min_value=0, max_value=HEADER_SIZE - 1), "offset")
    raw[at] ^= data.draw(st.integers(min_value=1, max_value=255), "mask")
    with pytest.raises(InvalidEncoding):
        ShuffleProof.from_bytes(bytes(raw))


@FAST
@given(plaintext_lists(min_size=1), st.data())
def test_an_output_replaced_is_refused(plaintexts, data):
    inputs = encrypt_all(plaintexts)
    outputs, proof = shuffle(PK, inputs)
    i = data.draw(st.integers(min_value=0, max_value=len(outputs) - 1), "index")
    m = data.draw(st.integers(min_value=0, max_value=5), "plaintext")
    replaced = list(outputs)
    replaced[i] = encrypt_all([m])[0]        # the same plaintext or another, fresh nonce
    with pytest.raises(InvalidProof):
        verify_shuffle(PK, inputs, replaced, proof)


@FAST
@given(plaintext_lists(min_size=1), st.data())
def test_an_output_dropped_is_refused(plaintexts, data):
    inputs = encrypt_all(plaintexts)
    outputs, proof = shuffle(PK, inputs)
    i = data.draw(st.integers(min_value=0, max_value=len(outputs) - 1), "index")
    with pytest.raises(InvalidProof, match="check 1"):
        verify_shuffle(PK, inputs, outputs[:i] + outputs[i + 1:], proof)


@FAST
@given(plaintext_lists(min_size=2), st.data())
def test_an_output_duplicated_is_refused(plaintexts, data):
    inputs = encrypt_all(plaintexts)
    outputs, proof = shuffle(PK, inputs)
    n = len(outputs)
    i = data.draw(st.integers(min_value=0, max_value=n - 1), "copy")
    j = data.draw(st.integers(min_value=0, max_value=n - 1).filter(lambda j: j != i), "over")
    dup = list(outputs)
    dup[j] = outputs[i]
    with pytest.raises(InvalidProof):
        verify_shuffle(PK, inputs, dup, proof)


@FAST
@given(plaintext_lists(min_size=2), st.data())
def test_inputs_reordered_after_proving_are_refused(plaintexts, data):
    inputs = encrypt_all(plaintexts)
    outputs, proof = shuffle(PK, inputs)
    n = len(inputs)
    order = data.draw(st.permutations(range(n)).filter(lambda o: list(o) != list(range(n))))
    with pytest.raises(InvalidProof):
        verify_shuffle(PK, [inputs[k] for k in order], outputs, proof)


@FAST
@given(plaintext_lists(), st.integers(min_value=1, max_value=2**64))
def test_another_public_key_is_refused(plaintexts, x):
    inputs = encrypt_all(plaintexts)
    outputs, proof = shuffle(PK, inputs)
    other = G_TABLE.mul(Scalar.from_int(x))
    if other == PK:
        other = other + G_TABLE.mul(Scalar.one())
    with pytest.raises(InvalidProof):
        verify_shuffle(other, inputs, outputs, proof)


@FAST
@given(plaintext_lists(min_size=1), st.binary(max_size=4), st.binary(max_size=4))
def test_another_label_is_refused(plaintexts, label, other):
    # N >= 1: with N = 0 the equations do not involve the challenge, so an empty
    # shuffle's proof binds only K (specs/shuffle.md 7; test_empty_shuffle_binds_the_key)
    if label == other:
        other += b"!"
    inputs = encrypt_all(plaintexts)
    outputs, proof = shuffle(PK, inputs, label=label)
    with pytest.raises(InvalidProof):
        verify_shuffle(PK, inputs, outputs, proof, label=other)


@FAST
@given(plaintext_lists(min_size=1))
def test_another_shuffles_outputs_are_refused(plaintexts):
    inputs = encrypt_all(plaintexts)
    outputs, proof = shuffle(PK, inputs)
    other_outputs, _ = shuffle(PK, inputs)
    with pytest.raises(InvalidProof):
        verify_shuffle(PK, inputs, other_outputs, proof)


def test_each_equation_is_in_the_batch():
    """Changing one response breaks exactly the equations that use it; the batch must
    fail for the one-by-one pass (which names it) to run at all."""
    inputs = encrypt_all([1, 2, 3])
    outputs, proof = shuffle(PK, inputs)
    s_at = HEADER_SIZE + 64 * 3 + 192
    for offset, name in ((s_at, "S1"), (s_at + 32, "S2"), (s_at + 64, "S3"),
                         (s_at + 96, "S4a"), (s_at + 128, "S5"), (s_at + 160 + 64, "S3")):
        raw = bytearray(proof.to_bytes())
        raw[offset] ^= 2
        with pytest.raises(InvalidProof, match=f"equation {name} fails"):
            verify_shuffle(PK, inputs, outputs, ShuffleProof.from_bytes(bytes(raw)))


def test_bad_points_and_scalars_are_named():
    inputs = encrypt_all([0, 1])
    outputs, proof = shuffle(PK, inputs)
    raw = bytearray(proof.to_bytes())
    raw[HEADER_SIZE + 64:HEADER_SIZE + 96] = b"\xff" * 32        # chat_1: s >= p
    with pytest.raises(InvalidProof, match="check 4: chain"):
        verify_shuffle(PK, inputs, outputs, ShuffleProof.from_bytes(bytes(raw)))
    raw = bytearray(proof.to_bytes())
    raw[-32:] = b"\xff" * 32                                       # sp_2 >= l
    with pytest.raises(InvalidProof, match=r"check 2: s_prime\[2\]"):
        verify_shuffle(PK, inputs, outputs, ShuffleProof.from_bytes(bytes(raw)))


def test_wrong_types_are_refused():
    inputs = encrypt_all([0])
    outputs, proof = shuffle(PK, inputs)
    with pytest.raises(EvoteTypeError):
        shuffle(PK.to_bytes(), inputs)
    with pytest.raises(EvoteTypeError):
        shuffle(PK, [inputs[0].to_bytes()])
    with pytest.raises(EvoteTypeError):
        verify_shuffle(PK, inputs, outputs, proof.to_bytes())
    with pytest.raises(InvalidEncoding):
        ShuffleProof.from_bytes(proof.to_bytes()[:-1])
    with pytest.raises(InvalidEncoding):
        ShuffleProof.from_bytes(proof.to_bytes() + b"\0")


def test_empty_shuffle_binds_the_key():
    outputs, proof = shuffle(PK, [])
    assert outputs == [] and proof.n == 0
    verify_shuffle(PK, [], [], proof, label=b"any label")   # nothing to prove but K
    with pytest.raises(InvalidProof, match="S4b"):
        verify_shuffle(G_TABLE.mul(Scalar.from_int(5)), [], [], proof)


def _false_statement_proof(inputs, change):
    """The honest proving algorithm run on a false statement: the witness (perm, rho) of
    a real shuffle, outputs altered by `change` afterwards (a cheating mix server)."""
    n = len(inputs)
    rng = os.urandom
    perm = shuffle_mod._permutation(n, rng)
    rho = [Scalar.random() for _ in range(n)]
    honest = [Ciphertext(inputs[perm[i]].alpha + G_TABLE.mul(rho[i]),
                         inputs[perm[i]].beta + K_TABLE.mul(rho[i])) for i in range(n)]
    forged = change(honest)
    return forged, shuffle_mod._prove(PK, K_TABLE, inputs, forged, perm, rho, rng, b"")


@FAST
@given(plaintext_lists(min_size=2), st.data())
def test_forged_statements_are_refused(plaintexts, data):
    inputs = encrypt_all(plaintexts)
    n = len(inputs)
    i = data.draw(st.integers(min_value=0, max_value=n - 1), "index")
    j = data.draw(st.integers(min_value=0, max_value=n - 1).filter(lambda j: j != i), "other")
    one = Ciphertext(Point.identity(), Point.generator())        # Enc(1; 0)
    changes = {
        "plaintext + 1": lambda o: o[:i] + [o[i] + one] + o[i + 1:],
        "replaced by a fresh Enc(0)": lambda o: o[:i] + encrypt_all([0]) + o[i + 1:],
        "one dropped, another doubled": lambda o: o[:i] + [o[j]] + o[i + 1:],
    }
    name = data.draw(st.sampled_from(sorted(changes)), "change")
    forged, proof = _false_statement_proof(inputs, changes[name])
    with pytest.raises(InvalidProof):
        verify_shuffle(PK, inputs, forged, proof)


def test_the_false_statement_helper_proves_true_statements():
    inputs = encrypt_all([0, 1, 2])
    outputs, proof = _false_statement_proof(inputs, lambda o: o)
    verify_shuffle(PK, inputs, outputs, proof)


@FAST
@given(plaintext_lists(), st.booleans())
def test_raw_blobs_and_ciphertexts_give_the_same_verdict(plaintexts, tamper):
    inputs = encrypt_all(plaintexts)
    outputs, proof = shuffle(PK, inputs)
    if tamper and outputs:
        outputs = outputs[1:] + outputs[:1] if len(outputs) > 1 else encrypt_all([9])
    in_blob = b"".join(c.to_bytes() for c in inputs)
    out_blob = b"".join(c.to_bytes() for c in outputs)
    verdicts = []
    for ins, outs in ((inputs, outputs), (in_blob, out_blob), (inputs, out_blob)):
        try:
            verify_shuffle(PK, ins, outs, proof)
            verdicts.append("valid")
        except InvalidProof as exc:
            verdicts.append(str(exc))
    assert len(set(verdicts)) == 1
    assert (verdicts[0] == "valid") == (not tamper or not outputs)


def test_a_bad_ciphertext_in_a_blob_is_named():
    inputs = encrypt_all([0, 1])
    outputs, proof = shuffle(PK, inputs)
    out_blob = bytearray(b"".join(c.to_bytes() for c in outputs))
    out_blob[96:128] = b"\x01" + bytes(31)                      # beta of output 2: s odd
    with pytest.raises(InvalidProof, match="check 4: outputs: .*3"):
        verify_shuffle(PK, inputs, bytes(out_blob), proof)
    with pytest.raises(InvalidProof, match="check 1: inputs is 127 bytes"):
        verify_shuffle(PK, b"".join(c.to_bytes() for c in inputs)[:-1], outputs, proof)
