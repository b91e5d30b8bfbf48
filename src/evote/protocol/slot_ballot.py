"""The choice-slot ballot of one contest: the kiosk's encryption and the verifier's
checks (specs/slot-ballot.md; first version: bit decomposition with batched 0/1 proofs).

    slot_shape(contest)                         -> SlotShape(n, slots, bits)
    encrypt_slots(context, contest, plain, ballot_id[, rng]) -> (SlotContest, SlotSecrets)
    verify_slots(context, contest, ballot_id, slot_contest)  raises InvalidProof (V1-V5)
    verify_slots_batch(context, contest, items)              one MSM; SlotBatchError
    slot_ciphertexts(slot_contest)               -> the L slot ciphertexts (64 bytes each)

Invariant (section 6 of the spec): when every bit ciphertext verifies as a 0/1 ciphertext,
the slot values v_j = j + d_1 + ... + d_j (d_j = sum_i 2^i t_{j,i}) are strictly
increasing integers in [1, L*2^b]: distinct, at most L candidates, each <= N a candidate
position of this contest, each > N an empty mark. No other proof is needed.

Nothing in the manifest, kiosk, record or demo calls this module yet (next brick).
The prover is the C core's constant-time 0/1 prover (disjunctive.prove01_batch); what
Python cannot hide (the slot values and bits are Python ints) is as in disjunctive.py.
The verifiers handle public data only (variable-time C routines).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, List, NamedTuple, Sequence, Tuple

from evote._bindings import verify01_coefs_vartime
from evote.errors import (EvoteTypeError, EvoteValueError, InvalidEncoding, InvalidProof)
from evote.group import Point, Scalar, double_mul_vartime, msm_vartime, msm_vartime_raw
from evote.hashing import HashPrefix, text, u64

from . import disjunctive
from .ballot import PlaintextContest
from .context import check_context
from .encrypted_ballot import BALLOT_ID_SIZE, EncryptedSelection
from .slot_codec import SlotContest

SLOT_BIT_TAG = "evote/v1/slot-bit-proof"
L_ORDER = Scalar.ORDER
G_BYTES = Point.generator().to_bytes()
IDENTITY_BYTES = bytes(32)
WEIGHT_BYTES = 16
BIT_RANDOMNESS = disjunctive.PROVE01_RANDOMNESS   # r, c_0, a_0, c_1, a_1: 320 bytes
Rng = Callable[[int], bytes]


class SlotShape(NamedTuple):
    """A contest's slot parameters: N candidates, L slots, b bits per gap (2^b >= N + L).
    Empty marks are [N + 1, 2^b]."""

    n: int
    slots: int
    bits: int

    @property
    def marks(self) -> Tuple[int, int]:
        """The honest kiosk's empty-mark range, inclusive."""
        return self.n + 1, 1 << self.bits


def shape_for(n: int, slots: int) -> SlotShape:
    """The shape of a contest with n candidates and max_choices = slots (1 <= slots <= n)."""
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (n, slots)):
        raise EvoteTypeError("shape_for: n and slots must be int")
    if not 1 <= slots <= n:
        raise EvoteValueError(f"shape_for: need 1 <= max_choices ({slots}) <= candidates ({n})")
    return SlotShape(n, slots, (n + slots - 1).bit_length())


def slot_shape(contest) -> SlotShape:
    """The shape of a manifest contest (candidate positions 1..N in manifest order)."""
    return shape_for(len(contest.candidates), contest.max_choices)


@dataclass(frozen=True, repr=False)
class SlotSecrets:
    """The slot values and the bit nonces r_{j,i} (record order). Never published."""

    contest_id: str
    values: Tuple[int, ...]
    nonces: Tuple[Scalar, ...]

    def __repr__(self) -> str:   # the choices are secret: never in logs
        return f"SlotSecrets({self.contest_id!r}, <hidden>)"


# ---------------------------------------------------------------- kiosk

def draw_values(shape: SlotShape, positions: Sequence[int], rng: Rng) -> Tuple[int, ...]:
    """The slot values of a ballot choosing candidate `positions` (1-based, distinct, at
    most L): the sorted positions then L - k sorted empty marks, drawn as spec section 5.1
    (always L distinct draws, the first L - k kept)."""
    pos = sorted(positions)
    if len(set(pos)) != len(pos) or len(pos) > shape.slots or \
            any(not 1 <= p <= shape.n for p in pos):
        raise EvoteValueError("draw_values: positions must be distinct, in [1, N], at most L")
    lo, hi = shape.marks
    size = hi - lo + 1
    limit = (1 << 64) // size * size
    kept: List[int] = []
    while len(kept) < shape.slots:
        x = int.from_bytes(_read(rng, 8), "big")
        if x >= limit:
            continue
        y = lo + x % size
        if y not in kept:
            kept.append(y)
    return tuple(pos) + tuple(sorted(kept[:shape.slots - len(pos)]))


def _read(rng: Rng, n: int) -> bytes:
    out = rng(n)
    if not isinstance(out, bytes) or len(out) != n:
        raise EvoteValueError(f"rng must return {n} bytes")
    return out


def gaps_of(values: Sequence[int]) -> Tuple[int, ...]:
    """d_1 = v_1 - 1, d_j = v_j - v_{j-1} - 1 (may be negative for invalid values)."""
    prev = 0
    out = []
    for v in values:
        out.append(v - prev - 1)
        prev = v
    return tuple(out)


def _statement_head(base_hash: bytes, ballot_id: bytes, contest_id: str,
                    shape: SlotShape) -> HashPrefix:
    """The first 7 statement fields of every bit proof (spec section 3)."""
    return HashPrefix(SLOT_BIT_TAG, base_hash, ballot_id, text(contest_id), u64(shape.n),
                      u64(shape.slots), u64(shape.bits))


def honest_slot_values(context, contest_id: str, shape: SlotShape, values: Sequence[int],
                       ballot_id: bytes) -> tuple:
    """The arguments both slot encodings' encryptors take, checked: a valid context, a
    ballot id, a contest id, and slot values an honest kiosk may use (shape.slots of
    them, strictly increasing, in [1, 2^b]); the values as a tuple."""
    check_context(context)
    if not isinstance(ballot_id, bytes) or len(ballot_id) != BALLOT_ID_SIZE:
        raise EvoteValueError(f"ballot_id must be {BALLOT_ID_SIZE} bytes")
    if not isinstance(contest_id, str) or not contest_id:
        raise EvoteTypeError("contest_id must be a non-empty str")
    values = tuple(values)
    top = 1 << shape.bits
    if len(values) != shape.slots or \
            any(isinstance(v, bool) or not isinstance(v, int) for v in values) or \
            any(not 1 <= v <= top for v in values) or \
            any(a >= b for a, b in zip(values, values[1:])):
        raise EvoteValueError(f"contest {contest_id!r}: slot values must be {shape.slots} "
                              f"strictly increasing integers in [1, {top}]")
    return values


def encrypt_slot_values(context, contest_id: str, shape: SlotShape, values: Sequence[int],
                        ballot_id: bytes, rng: Rng) -> Tuple[SlotContest, SlotSecrets]:
    """Encrypt slot values that an honest kiosk may use (strictly increasing, in
    [1, 2^b]; refused otherwise, EvoteValueError) with L*b*320 bytes from rng."""
    values = honest_slot_values(context, contest_id, shape, values, ballot_id)
    b = shape.bits
    bits = bytes((d >> i) & 1 for d in gaps_of(values) for i in range(b))
    rand = _read(rng, len(bits) * BIT_RANDOMNESS)
    def statement(k: int, ct: bytes):
        j, i = divmod(k, b)
        return SLOT_BIT_TAG, (context.base_hash, ballot_id, text(contest_id), u64(shape.n),
                              u64(shape.slots), u64(b), u64(j + 1), u64(i), ct)

    made, nonces = disjunctive.prove01_batch(bits, rand, context.k_table, statement)
    records = tuple(EncryptedSelection(*x) for x in made)
    return (SlotContest(contest_id, shape.slots, b, records),
            SlotSecrets(contest_id, values, tuple(nonces)))


def encrypt_slots(context, contest, plain: PlaintextContest, ballot_id: bytes,
                  rng: Rng = os.urandom) -> Tuple[SlotContest, SlotSecrets]:
    """The kiosk's call: a validated PlaintextContest (ballot.plaintext_ballot did every
    refusal: unknown code, a candidate twice, more than L, list expansion) as a slot
    contest. rng is os.urandom; tests pass encrypt.seeded_rng for replayable bytes."""
    if not isinstance(plain, PlaintextContest) or plain.contest_id != contest.contest_id:
        raise EvoteTypeError("encrypt_slots: plain must be the PlaintextContest of contest")
    shape = slot_shape(contest)
    if len(plain.votes) != shape.n:
        raise EvoteValueError(f"encrypt_slots: {len(plain.votes)} votes for {shape.n} candidates")
    positions = [i + 1 for i, m in enumerate(plain.votes) if m == 1]
    values = draw_values(shape, positions, rng)
    return encrypt_slot_values(context, contest.contest_id, shape, values, ballot_id, rng)


def slot_ciphertexts(sc: SlotContest) -> Tuple[bytes, ...]:
    """S_1..S_L (spec section 4): S_j = S_{j-1} + (0, G) + sum_i 2^i Z_{j,i}, as 64-byte
    alpha||beta. Public data; raises InvalidEncoding on a point that does not decode."""
    b = sc.bits
    pow2 = [1 << i for i in range(b)]
    alpha, beta = Point.identity(), Point.identity()
    g = Point.generator()
    out = []
    for j in range(sc.slots):
        recs = sc.records[j * b:(j + 1) * b]
        alpha = alpha + msm_vartime(pow2, [r.alpha for r in recs])
        beta = beta + g + msm_vartime(pow2, [r.beta for r in recs])
        out.append(alpha.to_bytes() + beta.to_bytes())
    return tuple(out)


# ---------------------------------------------------------------- verifier

def _k_bytes(context) -> bytes:
    check_context(context)
    return context.k_table.point.to_bytes()


def _where(ballot_id, contest_id) -> str:
    bid = ballot_id.hex() if isinstance(ballot_id, bytes) else repr(ballot_id)
    return f"ballot {bid}: contest {contest_id!r}"


def _scalar(raw: bytes, where: str, what: str) -> int:
    x = int.from_bytes(raw, "little")
    if x >= L_ORDER:
        raise InvalidProof(f"{where}: V3 {what} is not a canonical scalar (>= l)")
    return x


def _structure(contest, ballot_id, sc) -> Tuple[SlotShape, str]:
    """V1 and V2 (no group arithmetic)."""
    where = _where(ballot_id, getattr(contest, "contest_id", "?"))
    if not isinstance(ballot_id, bytes) or len(ballot_id) != BALLOT_ID_SIZE:
        raise InvalidProof(f"{where}: ballot id is not 32 bytes")
    if not isinstance(sc, SlotContest):
        raise InvalidProof(f"{where}: expected a SlotContest, got {type(sc).__name__}")
    shape = slot_shape(contest)
    if sc.contest_id != contest.contest_id:
        raise InvalidProof(f"{where}: V1 the slot contest is for contest {sc.contest_id!r}")
    if (sc.slots, sc.bits) != (shape.slots, shape.bits):
        raise InvalidProof(f"{where}: V1 slots/bits are {sc.slots}/{sc.bits}, the contest's "
                           f"are {shape.slots}/{shape.bits}")
    if not isinstance(sc.records, tuple) or len(sc.records) != shape.slots * shape.bits:
        raise InvalidProof(f"{where}: V2 {len(sc.records)} bit records, "
                           f"{shape.slots * shape.bits} expected (L*b)")
    for k, rec in enumerate(sc.records):
        try:
            p = rec.proof
            fields = (rec.alpha, rec.beta, *p.commitments, *p.challenges, *p.responses)
            ok = len(p.commitments) == 4 and len(p.challenges) == 1 and len(p.responses) == 2 \
                and all(type(f) is bytes and len(f) == 32 for f in fields)
        except (AttributeError, TypeError):
            ok = False
        if not ok:
            j, i = divmod(k, shape.bits)
            raise InvalidProof(f"{where}: slot {j + 1} bit {i}: V2 a field is not 32 bytes")
    return shape, where


def _digests(context, ballot_id, sc, shape) -> List[bytes]:
    head = _statement_head(context.base_hash, ballot_id, sc.contest_id, shape)
    b = shape.bits
    return [head.digest64(u64(k // b + 1), u64(k % b), r.alpha + r.beta,
                          b"".join(r.proof.commitments)) for k, r in enumerate(sc.records)]


def verify_slots(context, contest, ballot_id: bytes, sc: SlotContest) -> None:
    """Checks V1-V5 one equation at a time (spec section 8); InvalidProof names the
    ballot, contest, slot j, bit i and the check. Returns None when valid."""
    k_bytes = _k_bytes(context)
    shape, where = _structure(contest, ballot_id, sc)
    digests = _digests(context, ballot_id, sc, shape)
    for k, rec in enumerate(sc.records):
        j, i = divmod(k, shape.bits)
        at = f"{where}: slot {j + 1} bit {i}"
        c = int.from_bytes(digests[k], "little") % L_ORDER
        c0 = _scalar(rec.proof.challenges[0], at, "challenge c_0")
        vs = (_scalar(rec.proof.responses[0], at, "response v_0"),
              _scalar(rec.proof.responses[1], at, "response v_1"))
        cs = (c0, (c - c0) % L_ORDER)
        for name, pt in (("alpha", rec.alpha), ("beta", rec.beta)):
            try:
                Point.from_bytes(pt)
            except InvalidEncoding:
                raise InvalidProof(f"{at}: V4 {name} is not a valid point") from None
        for t in (0, 1):
            neg_c = (L_ORDER - cs[t]) % L_ORDER
            e1 = double_mul_vartime(neg_c, rec.alpha, vs[t]).to_bytes()   # v*G - c*alpha
            if e1 != rec.proof.commitments[2 * t]:
                raise InvalidProof(f"{at}: V5 equation E1({t}) (v_{t}*G == A_{t} + "
                                   f"c_{t}*alpha) fails")
            sc_blob = vs[t].to_bytes(32, "little") + neg_c.to_bytes(32, "little")
            pts = k_bytes + rec.beta
            if t:
                sc_blob += cs[t].to_bytes(32, "little")
                pts += G_BYTES
            e2 = msm_vartime_raw(sc_blob, pts).to_bytes()   # v*K - c*beta + c*t*G
            if e2 != rec.proof.commitments[2 * t + 1]:
                raise InvalidProof(f"{at}: V5 equation E2({t}) (v_{t}*K == B_{t} + "
                                   f"c_{t}*(beta - {t}*G)) fails")


class SlotFailure(NamedTuple):
    index: int
    ballot_id: bytes
    error: InvalidProof


class SlotBatchError(InvalidProof):
    """Some items of a batch do not verify; .failures lists every one (index order)."""

    def __init__(self, failures: Sequence[SlotFailure], total: int):
        self.failures = tuple(failures)
        lines = [f"{len(self.failures)} of {total} slot contests do not verify:"]
        lines += [f"  [{f.index}] {f.error}" for f in self.failures[:20]]
        if len(self.failures) > 20:
            lines.append(f"  ... and {len(self.failures) - 20} more")
        super().__init__("\n".join(lines))


_ZERO_EXTRA = bytes(128)


def _prepare(context, contest, ballot_id, sc) -> Tuple[bytes, bytes, int, int]:
    """The item's weighted coefficients (csrc/verify_coefs.c: per record alpha, beta,
    A_0, B_0, A_1, B_1) and points, and its G and K coefficients; fresh OS weights."""
    shape, where = _structure(contest, ballot_id, sc)
    digests = _digests(context, ballot_id, sc, shape)
    parts = []
    points = []
    for d, rec in zip(digests, sc.records):
        p = rec.proof
        parts += (d, p.challenges[0], p.responses[0], p.responses[1])
        points += (rec.alpha, rec.beta, *p.commitments)
    weights = os.urandom(64 * len(sc.records))
    try:
        coefs, g, k = verify01_coefs_vartime(b"".join(parts), weights, _ZERO_EXTRA)
    except InvalidEncoding:
        raise InvalidProof(f"{where}: V3 a scalar is not canonical") from None
    return coefs, b"".join(points), int.from_bytes(g, "little"), int.from_bytes(k, "little")


def verify_slots_batch(context, contest, items: Sequence[Tuple[bytes, SlotContest]]) -> int:
    """Verify many (ballot_id, SlotContest) of one contest with ONE MSM (spec section 8).
    Returns the number verified; raises SlotBatchError listing every failing item with
    its verify_slots error."""
    k_bytes = _k_bytes(context)
    items = list(items)
    scalars, points = [], []
    g = k = 0
    ok = True
    for bid, sc in items:
        try:
            s, p, gi, ki = _prepare(context, contest, bid, sc)
        except InvalidProof:
            ok = False
            break
        scalars.append(s)
        points.append(p)
        g += gi
        k += ki
    if ok and items:
        tail_s = ((-g) % L_ORDER).to_bytes(32, "little") + ((-k) % L_ORDER).to_bytes(32, "little")
        try:
            ok = msm_vartime_raw(b"".join(scalars) + tail_s,
                                 b"".join(points) + G_BYTES + k_bytes).to_bytes() == IDENTITY_BYTES
        except InvalidEncoding:
            ok = False
    if ok:
        return len(items)
    failures = []
    for n, (bid, sc) in enumerate(items):
        try:
            verify_slots(context, contest, bid, sc)
        except InvalidProof as exc:
            failures.append(SlotFailure(n, bid, exc))
    if not failures:   # only a 2^-128 event or a bug: never pass silently
        raise SlotBatchError([SlotFailure(-1, b"", InvalidProof(
            "the batch equation fails but no item fails alone"))], len(items))
    raise SlotBatchError(failures, len(items))
