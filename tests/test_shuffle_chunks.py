"""The shuffle verification cut into chunk tasks (specs/shuffle.md 6, "Chunks" and
"Chains"): the same verdict and the same failure message for every cut (one ciphertext
per task up to one task for all), run here, on a local process pool
(verify/executors.run_tasks) or on Dask; with the weights fixed, the tasks' shares add
up to the same point whatever the cut (the cut is exact, not merely accepted); the C
share equals the table computed with Python integers; the tasks' arguments are plain
bytes and ints; a chain of mixes checked at once gives the verdict of checking each mix
alone, in order, and names the first mix that fails."""
import os
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evote.errors import EvoteValueError, InvalidProof
from evote.group import G_TABLE, FixedBase, Point, Scalar
from evote.protocol import shuffle as shuffle_mod
from evote.protocol.elgamal import encrypt_with_tables
from evote.protocol.shuffle import (prepare_verify, shuffle, verify_chunk, verify_shuffle,
                                    verify_shuffle_chain)
from evote.protocol.shuffle_codec import HEADER_SIZE, ShuffleProof
from evote.verify.executors import run_tasks

PK = G_TABLE.mul(Scalar.from_int(0xC4A1))
K_TABLE = FixedBase(PK)


def _encrypt(plaintexts):
    return [encrypt_with_tables(Scalar.from_int(m), Scalar.random(), K_TABLE)
            for m in plaintexts]


def _verdict(inputs, outputs, proof, **kw):
    try:
        verify_shuffle(PK, inputs, outputs, proof, **kw)
        return "valid"
    except InvalidProof as exc:
        return str(exc)


def _pool(fn, args):
    return run_tasks(fn, args, jobs=2)


def _tampered(inputs, outputs, proof, what):
    """(outputs, proof) with one thing changed."""
    n, raw = proof.n, bytearray(proof.to_bytes())
    if what == "outputs rotated":
        return outputs[1:] + outputs[:1], proof
    if what == "an output replaced":
        return outputs[:-1] + _encrypt([1]), proof
    at = {"c_1": HEADER_SIZE, "chat_N": HEADER_SIZE + 64 * n - 32,
          "t_5": HEADER_SIZE + 64 * n + 160, "s_5": HEADER_SIZE + 64 * n + 192 + 128,
          "sp_N": len(raw) - 32}[what]
    raw[at + 1] ^= 0x10                  # a byte inside the item (points may still decode)
    return outputs, ShuffleProof.from_bytes(bytes(raw))


TAMPERINGS = ["outputs rotated", "an output replaced", "c_1", "chat_N", "t_5", "s_5",
              "sp_N"]


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_honest_proofs_verify_under_every_cut(n):
    inputs = _encrypt([k % 3 for k in range(n)])
    outputs, proof = shuffle(PK, inputs, label=b"chunks")
    for chunk in (1, 2, 3, n + 1):
        assert _verdict(inputs, outputs, proof, label=b"chunks", chunk=chunk) == "valid"
    assert _verdict(inputs, outputs, proof, label=b"chunks", chunk=2,
                    map_tasks=_pool) == "valid"
    assert len(prepare_verify(PK, inputs, outputs, proof, b"chunks", chunk=2).tasks) \
        == (n + 1) // 2


@pytest.mark.parametrize("what", TAMPERINGS)
def test_a_tampering_gets_the_same_message_under_every_cut(what):
    inputs = _encrypt([0, 1, 2, 3, 4])
    outputs, proof = shuffle(PK, inputs)
    bad_out, bad_proof = _tampered(inputs, outputs, proof, what)
    verdicts = {_verdict(inputs, bad_out, bad_proof, chunk=k) for k in (1, 2, 3, 5)}
    verdicts.add(_verdict(inputs, bad_out, bad_proof, chunk=2, map_tasks=_pool))
    assert len(verdicts) == 1
    assert verdicts.pop().startswith("shuffle proof: check ")


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=6), st.integers(1, 7), st.data())
def test_any_proof_byte_changed_is_refused_by_any_cut(plaintexts, chunk, data):
    inputs = _encrypt(plaintexts)
    outputs, proof = shuffle(PK, inputs)
    raw = bytearray(proof.to_bytes())
    at = data.draw(st.integers(min_value=HEADER_SIZE, max_value=len(raw) - 1), "offset")
    raw[at] ^= data.draw(st.integers(min_value=1, max_value=255), "mask")
    bad = ShuffleProof.from_bytes(bytes(raw))
    assert _verdict(inputs, outputs, bad, chunk=chunk) == _verdict(inputs, outputs, bad) \
        != "valid"


def test_shares_add_up_to_the_same_point_for_every_cut(monkeypatch):
    """With the weights fixed, sum of the tasks' shares and product of their u_j do not
    depend on the cut; an honest proof's total with the G, K, Q, t terms is the identity
    (checked by finish)."""
    fixed = os.urandom(96)
    monkeypatch.setattr(shuffle_mod.os, "urandom", lambda k: fixed[:k])
    inputs = _encrypt([3, 1, 4, 1, 5, 9, 2])
    outputs, proof = shuffle(PK, inputs)
    sums = set()
    for chunk in (1, 2, 3, 7):
        check = prepare_verify(PK, inputs, outputs, proof, chunk=chunk)
        results = [verify_chunk(*args) for args in check.tasks]
        total, u_prod = Point.identity(), 1
        for r in results:
            total = total + Point.from_bytes(r[:32])
            u_prod = u_prod * int.from_bytes(r[32:], "little") % Scalar.ORDER
        sums.add((total.to_bytes(), u_prod))
        check.finish(results)
    assert len(sums) == 1


def test_task_arguments_are_plain_and_tasks_are_pure():
    inputs = _encrypt([0, 1, 2])
    outputs, proof = shuffle(PK, inputs)
    check = prepare_verify(PK, inputs, outputs, proof, chunk=2)
    for args in check.tasks:
        assert _plain(args)
        assert verify_chunk(*pickle.loads(pickle.dumps(args))) == verify_chunk(*args)
    check.finish([verify_chunk(*a) for a in check.tasks])
    other = prepare_verify(PK, inputs, outputs, proof, chunk=2)   # other weights
    with pytest.raises(InvalidProof, match="check 5"):
        check.finish([verify_chunk(*a) for a in other.tasks])


def test_a_point_that_does_not_decode_is_named_by_the_parent():
    inputs = _encrypt([0, 1, 2, 3])
    outputs, proof = shuffle(PK, inputs)
    blob = bytearray(b"".join(c.to_bytes() for c in outputs))
    blob[64 * 3] |= 1                                  # alpha of output 4: s negative
    msgs = {_verdict(inputs, bytes(blob), proof, chunk=k) for k in (1, 3, 4)}
    assert len(msgs) == 1
    msg = msgs.pop()
    assert "check 4: outputs" in msg and "item 6 " in msg, msg


def test_dask_gives_the_same_verdicts():
    distributed = pytest.importorskip("distributed")
    inputs = _encrypt([0, 1, 2, 3])
    outputs, proof = shuffle(PK, inputs)
    bad_out, bad_proof = _tampered(inputs, outputs, proof, "s_5")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        def on_dask(fn, args):
            return run_tasks(fn, args, scheduler=cluster.scheduler_address)

        assert _verdict(inputs, outputs, proof, chunk=2, map_tasks=on_dask) == "valid"
        assert _verdict(inputs, bad_out, bad_proof, chunk=2, map_tasks=on_dask) \
            == _verdict(inputs, bad_out, bad_proof)


def _plain(x) -> bool:
    return type(x) in (bytes, int) or (type(x) is tuple and all(_plain(y) for y in x))


def _share_from_the_table(pk, args):
    """A chunk's share computed from specs/shuffle.md 6's table with Python integers and
    a plain msm (the reference for csrc/shuffle_verify.c)."""
    from evote.group import msm_vartime
    from evote.hashing import digest64, u64
    first, n, ((sigma, c, e, x, s_prime, coms, chain),), (ins, outs) = args
    L = Scalar.ORDER
    m = len(ins) // 64
    x1, x2, x3, xa, xb, x5 = (int.from_bytes(x[16 * k:16 * k + 16], "little") for k in range(6))
    sp = [int.from_bytes(s_prime[32 * k:32 * k + 32], "little") for k in range(len(s_prime) // 32)]
    scalars, points, u_prod = [], [], 1
    for k in range(m):
        i = first + k + 1                                  # 1-based index
        u = int.from_bytes(digest64("evote/v1/shuffle-u", sigma, u64(i)), "little") % L
        u_prod = u_prod * u % L
        h = Point.from_uniform_bytes(digest64("evote/v1/shuffle-generator", u64(i)))
        e_i, e_next = pow(e, i, L), pow(e, i + 1, L)
        chain_coef = (x5 * (e_next * sp[k + 1] - e_i * c) if i < n
                      else -x2 * c - x5 * e_i * c)
        scalars += [x1 * c + x3 * sp[k], -x1 * c - x3 * c * u, chain_coef,
                    -xa * c * u, -xb * c * u, xa * sp[k], xb * sp[k]]
        points += [h, coms[32 * k:32 * k + 32], chain[32 * k:32 * k + 32],
                   ins[64 * k:64 * k + 32], ins[64 * k + 32:64 * k + 64],
                   outs[64 * k:64 * k + 32], outs[64 * k + 32:64 * k + 64]]
    total = msm_vartime([s % L for s in scalars], points)
    return total.to_bytes() + u_prod.to_bytes(32, "little")


@pytest.mark.parametrize("chunk", [1, 2, 4])
def test_the_c_chunk_equals_the_table_in_python(chunk):
    inputs = _encrypt([2, 7, 1, 8, 2])
    outputs, proof = shuffle(PK, inputs)
    check = prepare_verify(PK, inputs, outputs, proof, chunk=chunk)
    for args in check.tasks:
        assert verify_chunk(*args) == _share_from_the_table(PK, args)


def _chain(k, n=5):
    lists, proofs, labels = [_encrypt([j % 4 for j in range(n)])], [], []
    for i in range(1, k + 1):
        out, proof = shuffle(PK, lists[-1], label=b"mix %d" % i)
        lists.append(out)
        proofs.append(proof)
        labels.append(b"mix %d" % i)
    return [b"".join(c.to_bytes() for c in x) for x in lists], proofs, labels


def _chain_verdict(lists, proofs, labels, **kw):
    try:
        verify_shuffle_chain(PK, lists, proofs, labels, **kw)
        return "valid"
    except InvalidProof as exc:
        return str(exc)


def _one_by_one(lists, proofs, labels):
    for k, (proof, label) in enumerate(zip(proofs, labels), 1):
        v = _verdict(lists[k - 1], lists[k], proof, label=label)
        if v != "valid":
            return f"mix {k}: {v}"
    return "valid"


@pytest.mark.parametrize("k", [1, 2, 3])
def test_an_honest_chain_verifies_under_every_cut(k):
    lists, proofs, labels = _chain(k)
    for chunk in (1, 2, 5):
        assert _chain_verdict(lists, proofs, labels, chunk=chunk) == "valid"
    assert _chain_verdict(lists, proofs, labels, chunk=2, map_tasks=_pool) == "valid"


@pytest.mark.parametrize("where", ["label of mix 2", "list 1 rotated", "list 2 item replaced",
                                   "proof 3 s_5", "list 3 bad point", "proof 1 chat_2"])
def test_a_tampered_chain_names_the_first_mix_that_fails(where):
    lists, proofs, labels = _chain(3)
    lists, proofs, labels = list(lists), list(proofs), list(labels)
    if where == "label of mix 2":
        labels[1] = b"mix 9"
    elif where == "list 1 rotated":
        lists[1] = lists[1][64:] + lists[1][:64]
    elif where == "list 2 item replaced":
        lists[2] = lists[2][:64] + _encrypt([0])[0].to_bytes() + lists[2][128:]
    elif where == "list 3 bad point":
        lists[3] = lists[3][:64] + bytes([lists[3][64] | 1]) + lists[3][65:]
    else:
        k, item = (2, "s_5") if where == "proof 3 s_5" else (0, "chat_2")
        raw = bytearray(proofs[k].to_bytes())
        at = HEADER_SIZE + 64 * 5 + 192 + 128 if item == "s_5" else HEADER_SIZE + 32 * 5 + 32
        raw[at + 1] ^= 0x10
        proofs[k] = ShuffleProof.from_bytes(bytes(raw))
    expected = _one_by_one(lists, proofs, labels)
    assert expected.startswith("mix ")
    for chunk in (1, 2, 5):
        assert _chain_verdict(lists, proofs, labels, chunk=chunk) == expected
    assert _chain_verdict(lists, proofs, labels, chunk=3, map_tasks=_pool) == expected


def test_a_chain_of_the_wrong_shape_is_refused():
    lists, proofs, labels = _chain(2)
    with pytest.raises(EvoteValueError):
        verify_shuffle_chain(PK, lists, proofs, labels[:1])
    with pytest.raises(EvoteValueError):
        verify_shuffle_chain(PK, lists[:2], proofs, labels)
    with pytest.raises(InvalidProof, match="mix 2: shuffle proof: check 1"):
        verify_shuffle_chain(PK, lists[:2] + [lists[2][64:]], proofs, labels)


def test_bad_cuts_and_result_lists_are_precise_errors():
    inputs = _encrypt([0, 1, 2])
    outputs, proof = shuffle(PK, inputs)
    for chunk in (0, -1, True, 1.5):
        with pytest.raises(EvoteValueError, match="chunk must be a positive int"):
            verify_shuffle(PK, inputs, outputs, proof, chunk=chunk)
    check = prepare_verify(PK, inputs, outputs, proof, chunk=2)
    with pytest.raises(EvoteValueError, match="1 results for 2 tasks"):
        check.finish([verify_chunk(*check.tasks[0])])
