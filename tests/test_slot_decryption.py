"""Slot decryption (specs/slot-decryption.md): honest shares verify and decrypt to the
slot values; any t guardians give the same decryption; the one-MSM verifier refuses every
tampering (hypothesis) and names the guardian or the slot; chunked == whole."""
import dataclasses
import hashlib
import struct

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from evote.errors import EvoteValueError, InvalidEncoding, InvalidProof, TallyMismatch
from evote.group import G_TABLE, Point, Scalar
from evote.protocol import slot_decryption as sd
from evote.protocol.elgamal import encrypt
from evote.protocol.slot_decryption_codec import MARK, SlotDecryption, SlotShares
from evote.protocol.threshold_errors import NotEnoughShares
from evote.verify.executors import run_tasks

from ceremony_support import ceremony, subsets

N = 12                   # candidates: values 1..12 votes, 13 blank, others marks
CONTEST = "tehran-council"
VALUES = [1, 5, 13, 12, 2**24, 14, 7, 13, 3, 2**24 + 77, 1, 40000, 5, 2, 13, 9]


def stream_rng(seed: bytes):
    """A deterministic byte stream (SHA-512 in counter mode): same seed, same weights."""
    state = {"k": 0, "buf": b""}

    def rng(n: int) -> bytes:
        while len(state["buf"]) < n:
            state["buf"] += hashlib.sha512(seed + state["k"].to_bytes(8, "big")).digest()
            state["k"] += 1
        out, state["buf"] = state["buf"][:n], state["buf"][n:]
        return out
    return rng


@pytest.fixture(scope="module")
def slots():
    ctx, guardians = ceremony(5, 3)
    cts = sd.ciphertexts_blob([encrypt(v, Scalar.random(), ctx) for v in VALUES])
    shares = [sd.compute_slot_shares(g, ctx, CONTEST, cts) for g in guardians]
    dec = sd.decrypt_slots(ctx, CONTEST, N, cts, shares[:3])
    return ctx, guardians, cts, shares, dec


def test_decrypts_values_and_marks(slots):
    ctx, _, cts, shares, dec = slots
    want = [v if v <= N + 1 else MARK for v in VALUES]
    assert list(dec.values) == want
    marks = [dec.marks[k:k + 32] for k in range(0, len(dec.marks), 32)]
    assert marks == [G_TABLE.mul(Scalar.from_int(v)).to_bytes() for v in VALUES if v > N + 1]
    counts = sd.slot_counts(dec)
    assert len(counts) == N + 1
    assert counts == [sum(1 for v in VALUES if v == c) for c in range(1, N + 2)]
    assert counts[-1] == 3  # blank ballots
    sd.verify_slot_decryption(ctx, CONTEST, N, cts, shares[:3], dec)


def test_every_guardian_set_decrypts_the_same(slots):
    ctx, _, cts, shares, dec = slots
    seen = set()
    for size in (3, 4, 5):
        for subset in subsets(5, size):
            chosen = [shares[k] for k in subset]
            d = sd.decrypt_slots(ctx, CONTEST, N, cts, chosen)
            sd.verify_slot_decryption(ctx, CONTEST, N, cts, chosen, d)
            seen.add((d.values, d.marks))
    assert seen == {(dec.values, dec.marks)}


def test_fewer_than_t_refused(slots):
    ctx, _, cts, shares, dec = slots
    with pytest.raises(NotEnoughShares, match="threshold is 3"):
        sd.decrypt_slots(ctx, CONTEST, N, cts, shares[:2])
    two = dataclasses.replace(dec, guardians=(1, 2))
    with pytest.raises(NotEnoughShares, match="threshold is 3"):
        sd.verify_slot_decryption(ctx, CONTEST, N, cts, shares[:2], two)
    with pytest.raises(EvoteValueError, match="given twice"):
        sd.verify_slot_shares(ctx, CONTEST, cts, [shares[0], shares[0], shares[1]])


def test_chunked_equals_whole(slots):
    ctx, _, cts, shares, dec = slots
    sums = {}
    for size in (1, 3, 7, len(VALUES)):
        plan = sd.plan_verification(ctx, CONTEST, cts, shares[:3], dec, N,
                                    rng=stream_rng(b"w"), task_slots=size)
        points = [sd.chunk_terms(*t) for t in plan.tasks]
        assert len(points) == -(-len(VALUES) // size)
        assert sd.finish_verification(plan, points)
        total = Point.identity()
        for p in points:
            total = total + Point.from_bytes(p)
        sums[size] = total
    assert len(set(sums.values())) == 1
    plan = sd.plan_verification(ctx, CONTEST, cts, shares[:3], dec, N, task_slots=5)
    assert sd.finish_verification(plan, run_tasks(sd.chunk_terms, plan.tasks, 2, None,
                                                  lambda k: None))


def test_runner_is_used(slots):
    ctx, _, cts, shares, dec = slots
    calls = []

    def run(fn, tasks):
        calls.append(len(tasks))
        return [fn(*t) for t in tasks]
    sd.verify_slot_decryption(ctx, CONTEST, N, cts, shares[:3], dec, run=run)
    assert calls == [1]


# ---------------------------------------------------------------- tampering

def _flip_point(blob: bytes, j: int) -> bytes:
    p = Point.from_bytes(blob[32 * j:32 * j + 32]) + Point.generator()
    return blob[:32 * j] + p.to_bytes() + blob[32 * j + 32:]


def _other_label(ctx, cts, shares, dec):
    with pytest.raises(InvalidProof, match="label"):
        sd.verify_slot_decryption(ctx, "another-contest", N, cts, shares, dec)


def _reorder(cts: bytes, i: int, j: int) -> bytes:
    items = [cts[k:k + 64] for k in range(0, len(cts), 64)]
    items[i], items[j] = items[j], items[i]
    return b"".join(items)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["share", "proof_v", "proof_a", "proof_b", "value", "mark",
                             "vote_as_mark", "mark_as_vote", "drop", "reorder", "swap_shares"]),
       j=st.integers(0, len(VALUES) - 1), g=st.integers(0, 2), data=st.data())
def test_every_tampering_refused(slots, kind, j, g, data):
    ctx, _, cts, shares, dec = slots
    shares = list(shares[:3])
    mark_slots = [k for k, v in enumerate(dec.values) if v == MARK]
    vote_slots = [k for k, v in enumerate(dec.values) if v != MARK]
    if kind == "share":
        shares[g] = dataclasses.replace(shares[g], shares=_flip_point(shares[g].shares, j))
        err, where = InvalidProof, f"guardian {g + 1}"
    elif kind == "proof_v":
        v = (int.from_bytes(shares[g].proof[64:], "little") + 1) % Scalar.ORDER
        shares[g] = dataclasses.replace(shares[g], proof=shares[g].proof[:64] + v.to_bytes(32, "little"))
        err, where = InvalidProof, f"guardian {g + 1}"
    elif kind in ("proof_a", "proof_b"):
        k = 0 if kind == "proof_a" else 1
        shares[g] = dataclasses.replace(shares[g], proof=_flip_point(shares[g].proof[:64], k)
                                        + shares[g].proof[64:])
        err, where = InvalidProof, f"guardian {g + 1}"
    elif kind == "value":
        j = data.draw(st.sampled_from(vote_slots))
        new = dec.values[j] % (N + 1) + 1
        dec = dataclasses.replace(dec, values=dec.values[:j] + (new,) + dec.values[j + 1:])
        err, where = TallyMismatch, f"slot {j}"
    elif kind == "mark":
        m = data.draw(st.integers(0, len(mark_slots) - 1))
        dec = dataclasses.replace(dec, marks=_flip_point(dec.marks, m))
        err, where = TallyMismatch, f"slot {mark_slots[m]}"
    elif kind == "vote_as_mark":
        j = data.draw(st.sampled_from(vote_slots))
        before = sum(1 for v in dec.values[:j] if v == MARK)
        point = G_TABLE.mul(Scalar.from_int(dec.values[j])).to_bytes()
        dec = dataclasses.replace(dec, values=dec.values[:j] + (MARK,) + dec.values[j + 1:],
                                  marks=dec.marks[:32 * before] + point + dec.marks[32 * before:])
        err, where = TallyMismatch, f"slot {j} is published as a mark"
    elif kind == "mark_as_vote":
        m = data.draw(st.integers(0, len(mark_slots) - 1))
        j = mark_slots[m]
        dec = dataclasses.replace(dec, values=dec.values[:j] + (N + 1,) + dec.values[j + 1:],
                                  marks=dec.marks[:32 * m] + dec.marks[32 * m + 32:])
        err, where = TallyMismatch, f"slot {j}"
    elif kind == "drop":
        cts = cts[:64 * j] + cts[64 * j + 64:]
        err, where = EvoteValueError, "slot ciphertexts"
    elif kind == "reorder":
        k = data.draw(st.integers(0, len(VALUES) - 1).filter(lambda k: k != j))
        cts = _reorder(cts, j, k)
        err, where = InvalidProof, "label"
    else:  # swap_shares: guardian 1's shares under guardian 2's index
        shares[1] = dataclasses.replace(shares[0], guardian_index=2)
        err, where = InvalidProof, "guardian 2"
    with pytest.raises(err, match=where):
        sd.verify_slot_decryption(ctx, CONTEST, N, cts, shares, dec)


def test_other_label_refused(slots):
    ctx, _, cts, shares, dec = slots
    _other_label(ctx, cts, shares[:3], dec)
    other_ctx, _ = ceremony(3, 2)
    with pytest.raises(InvalidProof, match="label"):
        sd.verify_slot_decryption(other_ctx, CONTEST, N, cts, shares[:3], dec)


def test_reencrypted_list_refused(slots):
    """The decryption of one list does not verify against another list with the same
    plaintexts (a mix output replaced after the guardians decrypted)."""
    ctx, _, cts, shares, dec = slots
    other = sd.ciphertexts_blob([encrypt(v, Scalar.random(), ctx) for v in VALUES])
    with pytest.raises(InvalidProof, match="label"):
        sd.verify_slot_decryption(ctx, CONTEST, N, other, shares[:3], dec)


def test_share_relabelled_still_refused(slots):
    """Shares honest for one list, relabelled for another: the batched proof fails."""
    ctx, _, cts, shares, dec = slots
    other = sd.ciphertexts_blob([encrypt(v, Scalar.random(), ctx) for v in VALUES])
    label = sd.slot_label(ctx.base_hash, CONTEST, other)
    forged = [dataclasses.replace(s, label=label) for s in shares[:3]]
    with pytest.raises(InvalidProof, match="guardian 1"):
        sd.verify_slot_shares(ctx, CONTEST, other, forged)


def test_bad_encodings_named(slots):
    ctx, _, cts, shares, dec = slots
    bad = list(shares[:3])
    bad[1] = dataclasses.replace(bad[1], shares=bad[1].shares[:64] + b"\xff" * 32
                                 + bad[1].shares[96:])
    with pytest.raises(InvalidEncoding, match="guardian 2: the share of slot 2 does not decode"):
        sd.verify_slot_decryption(ctx, CONTEST, N, cts, bad, dec)
    marks = b"\xff" * 32 + dec.marks[32:]
    with pytest.raises(TallyMismatch, match="slot 4"):
        sd.verify_slot_decryption(ctx, CONTEST, N, cts, shares[:3],
                                  dataclasses.replace(dec, marks=marks))


def test_guardian_refuses_bad_list(slots):
    ctx, guardians, cts, _, _ = slots
    with pytest.raises(InvalidEncoding, match="slot ciphertext list: the A of slot 1 does not decode"):
        sd.compute_slot_shares(guardians[0], ctx, CONTEST, cts[:64] + b"\xff" * 32 + cts[96:])
    with pytest.raises(EvoteValueError, match="64 bytes"):
        sd.compute_slot_shares(guardians[0], ctx, CONTEST, cts[:-1])
    other_ctx, _ = ceremony(3, 2)
    with pytest.raises(EvoteValueError, match="another election context"):
        sd.compute_slot_shares(guardians[0], other_ctx, CONTEST, cts)


# ---------------------------------------------------------------- wire formats

def test_wire_round_trips(slots):
    _, _, _, shares, dec = slots
    for s in shares:
        assert SlotShares.from_bytes(s.to_bytes()) == s
        assert len(s.to_bytes()) == 144 + 32 * len(VALUES)
    assert SlotDecryption.from_bytes(dec.to_bytes()) == dec


@pytest.mark.parametrize("edit,match", [
    (lambda b: b"EVDX" + b[4:], "magic at offset 0"),
    (lambda b: b[:4] + b"\x02" + b[5:], "version at offset 4"),
    (lambda b: b[:5] + b"\x01" + b[6:], "reserved bytes at offset 5"),
    (lambda b: b[:8] + struct.pack(">I", 0) + b[12:], "guardian index at offset 8"),
    (lambda b: b[:12] + struct.pack(">I", 0) + b[16:], "n at offset 12"),
    (lambda b: b[:-1], "bytes, but n = 16 needs"),
    (lambda b: b[:10], "shorter than the 16-byte header"),
])
def test_shares_decoder_strict(slots, edit, match):
    data = slots[3][0].to_bytes()
    with pytest.raises(InvalidEncoding, match=match):
        SlotShares.from_bytes(edit(data))


@pytest.mark.parametrize("edit,match", [
    (lambda b: b"EVDS" + b[4:], "magic at offset 0"),
    (lambda b: b[:8] + struct.pack(">I", 0) + b[12:], "n at offset 8"),
    (lambda b: b[:16] + struct.pack(">I", 0) + b[20:], "guardian count at offset 16"),
    (lambda b: b[:20] + struct.pack(">I", 2) + b[24:], "guardian index at offset 24"),
    (lambda b: b[:64] + struct.pack(">I", 14) + b[68:], "value of slot 0 at offset 64"),
    (lambda b: b + bytes(32), "marks need"),
])
def test_decryption_decoder_strict(slots, edit, match):
    data = slots[4].to_bytes()
    with pytest.raises(InvalidEncoding, match=match):
        SlotDecryption.from_bytes(edit(data))


def test_cancelling_forgery_refused(slots):
    """Why the weights come after the shares (spec section 3): guardian 1 shifts two
    shares so that the errors cancel under the weights of its honest shares, then proves
    honestly for the forged list. Under the old weights the forgery would satisfy the one
    batched equation; the weights of the forged shares are new, and it is refused."""
    from evote.group import msm_vartime_raw
    ctx, guardians, cts, shares, dec = slots
    g, honest = guardians[0], shares[0]
    k1 = ctx.public_share(1).to_bytes()
    old = sd.rho(sd.weight_seed(honest.label, 1, k1, honest.shares), 0, len(VALUES))
    x = G_TABLE.mul(Scalar.from_int(12345))
    e0 = x
    e1 = -(Scalar.from_int(old[0]) * Scalar.from_int(old[1]).invert()) * x
    d0 = Point.from_bytes(honest.share(0)) + e0
    d1 = Point.from_bytes(honest.share(1)) + e1
    forged = d0.to_bytes() + d1.to_bytes() + honest.shares[64:]
    blob = lambda rs: b"".join(r.to_bytes(32, "little") for r in rs)  # noqa: E731
    alphas = b"".join(cts[k:k + 32] for k in range(0, len(cts), 64))
    # under the honest shares' weights the forged shares satisfy D* = s A*:
    assert msm_vartime_raw(blob(old), forged) == g.key_share * msm_vartime_raw(blob(old), alphas)
    seed = sd.weight_seed(honest.label, 1, k1, forged)
    a_star = msm_vartime_raw(blob(sd.rho(seed, 0, len(VALUES))), alphas)
    u = Scalar.random()
    a, b = G_TABLE.mul(u).to_bytes(), (u * a_star).to_bytes()
    v = u + Scalar.from_int(sd.proof_challenge(seed, a, b)) * g.key_share
    bad = SlotShares(1, len(VALUES), honest.label, a + b + v.to_bytes(), forged)
    with pytest.raises(InvalidProof, match="guardian 1: the batched Chaum-Pedersen"):
        sd.verify_slot_shares(ctx, CONTEST, cts, [bad] + list(shares[1:3]))


def test_combination_chunked_equals_whole(slots):
    ctx, _, cts, shares, dec = slots
    whole = sd._combine(shares[:3], cts)
    assert sd._combine(shares[:3], cts, task_slots=3) == whole
    assert sd._combine(shares[:3], cts, run=lambda fn, tasks: run_tasks(
        fn, tasks, 2, None, lambda k: None), task_slots=5) == whole
    d = sd.decrypt_slots(ctx, CONTEST, N, cts, shares[:3],
                         run=lambda fn, tasks: run_tasks(fn, tasks, 2, None, lambda k: None))
    assert d == dec
