"""The choice-slot contest's validity proof (specs/slot-ballot.md): L slot ciphertexts,
L gap commitments, a Bulletproofs range proof that every gap is a b-bit number, and a
Sigma proof linking each commitment to its gap ciphertext (wire version 2).

    precompute(context, contest[, rng]) -> SlotPrecomputation     before the voter; once
    encrypt_range_slots(context, contest, plain, ballot_id[, rng, precomputed])
        -> (SlotRangeContest, SlotOpening)
    slot_ciphertexts(rc) -> S_1..S_L (64 bytes each): what the mix shuffles
    verify_range_slots(context, contest, ballot_id, rc)      raises InvalidProof (W1-W6)
    verify_range_slots_batch(context, contest, items)        one MSM; SlotBatchError
    SlotOpening, check_slot_opening, encode_opening, decode_opening   (slot_opening.py)

Invariant (section 6.1): when the proof verifies, each gap d_j = v_j - v_{j-1} - 1 is in
[0, 2^b), so the slot values are strictly increasing in [1, L*2^b]: distinct, at most L
candidates, each <= N a candidate of this contest, N+1 the blank mark, larger an empty
mark.

Timing: every product of a secret scalar with a point uses constant-time code (fixed-base
tables of G, K, H, g_t, h_t; A as a constant-time selection sum). The inner-product
rounds use variable-time MSMs over the vectors l = l(x) and r = r(x): those may be sent in
the clear without losing zero knowledge (Bulletproofs, section 4.2), so their timing
reveals nothing the proof would not. The scalar arithmetic in Python is Python ints (not
constant time; as disjunctive.py says).
"""
from __future__ import annotations

import os
import threading
from typing import Callable, List, NamedTuple, Sequence, Tuple

from evote.errors import EvoteTypeError, EvoteValueError, InvalidEncoding, InvalidProof
from evote._bindings import (slot_a_commit, slot_ipa_fold, slot_ipa_round_vartime,
                             slot_prover_lr, slot_prover_t, slot_range_coefs_vartime)
from evote.group import G_TABLE, Point, Scalar, msm_vartime_raw
from evote.hashing import digest64, text, u64

from .ballot import PlaintextContest
from .context import check_context
from .encrypted_ballot import BALLOT_ID_SIZE
from .slot_ballot import (SlotBatchError, SlotFailure, SlotShape, draw_marks, gaps_of,
                          honest_slot_values, slot_shape, values_from_marks)
from .slot_opening import SlotOpening, check_slot_opening, decode_opening, encode_opening
from .slot_generators import (base_points, h_table, prover_generators, vector_points,
                              vector_tables)
from .slot_range_codec import SlotRangeContest, check_range_contest, vector_length

__all__ = ["SlotPrecomputation", "precompute", "encrypt_range_slots", "encrypt_range_values",
           "prove_gaps", "slot_ciphertexts", "verify_range_slots", "verify_range_slots_batch",
           "randomness_size", "SlotOpening", "check_slot_opening", "encode_opening",
           "decode_opening"]   # the opening API is re-exported (home: slot_opening.py)

L_ORDER = Scalar.ORDER
G_BYTES = Point.generator().to_bytes()
IDENTITY_BYTES = bytes(32)
STATEMENT_TAG = "evote/v1/slot-range-statement"
Y_TAG = "evote/v1/slot-range-y"
Z_TAG = "evote/v1/slot-range-z"
X_TAG = "evote/v1/slot-range-x"
IPA_TAG = "evote/v1/slot-range-ipa"
ROUND_TAG = "evote/v1/slot-range-round"
E_TAG = "evote/v1/slot-range-link-e"
LINK_TAG = "evote/v1/slot-range-link"
Rng = Callable[[int], bytes]


def _c(d: bytes) -> int:
    return int.from_bytes(d, "little") % L_ORDER


def _le(x: int) -> bytes:
    return (x % L_ORDER).to_bytes(32, "little")


def randomness_size(shape: SlotShape) -> int:
    """Bytes the prover reads after the marks (section 5.2)."""
    return 64 * (2 * shape.slots + 7 + 2 * vector_length(shape.slots, shape.bits))


# ---------------------------------------------------------------- transcript (section 7)

def statement_digest(base_hash: bytes, ballot_id: bytes, contest_id: str, shape: SlotShape,
                     ciphertexts: Sequence[bytes], commitments: Sequence[bytes]) -> bytes:
    return digest64(STATEMENT_TAG, base_hash, ballot_id, text(contest_id), u64(shape.n),
                    u64(shape.slots), u64(shape.bits), b"".join(ciphertexts),
                    b"".join(commitments))


class Challenges(NamedTuple):
    y: int
    z: int
    x: int
    x_ip: int
    us: Tuple[int, ...]
    e: int
    c: int


def challenges(sigma: bytes, rc: SlotRangeContest) -> Challenges:
    """Every challenge of a proof from its statement digest and its fields (section 7)."""
    a_s = rc.a + rc.s
    y = _c(digest64(Y_TAG, sigma, a_s))
    z = _c(digest64(Z_TAG, sigma, a_s))
    x = _c(digest64(X_TAG, sigma, a_s, rc.t1 + rc.t2))
    rho = digest64(IPA_TAG, sigma, a_s, rc.t1 + rc.t2, rc.tau_x + rc.mu + rc.t_hat)
    x_ip = _c(rho)
    us = []
    for lk, rk in zip(rc.ipa_l, rc.ipa_r):
        rho = digest64(ROUND_TAG, rho, lk + rk)
        us.append(_c(rho))
    e = _c(digest64(E_TAG, sigma))
    c = _c(digest64(LINK_TAG, rho, b"".join(rc.link_r)))
    return Challenges(y, z, x, x_ip, tuple(us), e, c)


def _batch_invert(xs: Sequence[int]) -> List[int]:
    """Inverses mod l of nonzero xs with one pow (prefix products, then back)."""
    prefix, acc = [], 1
    for x in xs:
        prefix.append(acc)
        acc = acc * x % L_ORDER
    inv = pow(acc, -1, L_ORDER)
    out = [0] * len(xs)
    for k in range(len(xs) - 1, -1, -1):
        out[k] = inv * prefix[k] % L_ORDER
        inv = inv * xs[k] % L_ORDER
    return out


def _powers(base: int, n: int, start: int = 1) -> List[int]:
    out, acc = [], start
    for _ in range(n):
        out.append(acc)
        acc = acc * base % L_ORDER
    return out


def weights_vector(shape: SlotShape, z: int) -> List[int]:
    """w_t = z^(j+2) * 2^i for position t = j*b + i of gap j (0-based); the padding
    positions t >= L*b form block L: z^(L+2) * 2^(t - L*b). Not reduced mod l."""
    n_vec = vector_length(shape.slots, shape.bits)
    b, big_l = shape.bits, shape.slots
    zp = _powers(z, big_l + 3)
    out = [zp[j + 2] << i for j in range(big_l) for i in range(b)]
    out += [zp[big_l + 2] << i for i in range(n_vec - big_l * b)]
    return out


def _sum_w(shape: SlotShape, z: int) -> int:
    """<1, w> = sum_j z^(j+2) (2^b - 1) + z^(L+2) (2^p - 1), p padding positions."""
    big_l, b = shape.slots, shape.bits
    zp = _powers(z, big_l + 3)
    pad = vector_length(big_l, b) - big_l * b
    return (sum(zp[2:big_l + 2]) * ((1 << b) - 1) + zp[big_l + 2] * ((1 << pad) - 1)) % L_ORDER


# ---------------------------------------------------------------- prover

def _mul2(table_a, a: int, table_b, b: int) -> Point:
    return table_a.mul2(a % L_ORDER, table_b, b % L_ORDER)


class SlotPrecomputation:
    """One ballot's vote-independent prover work (spec 5.3, "before the voter"): the
    marks, the prover's randomness, and every product of it with a generator (r_j*G,
    r_j*K, gamma_j*H, alpha*H, S, tau_i*H, the link's R_1..R_3). Secret; consumed by ONE
    encryption (a second use raises EvoteValueError: reused nonces would reveal votes)."""

    def __init__(self, base_hash: bytes, contest_id: str, shape: SlotShape,
                 marks: Tuple[int, ...], rand: bytes):
        self.base_hash, self.contest_id, self.shape = base_hash, contest_id, shape
        self.marks = marks
        self._state = None
        self._rand = rand
        self._lock = threading.Lock()
        self._used = False

    def __repr__(self) -> str:
        return f"SlotPrecomputation({self.contest_id!r}, <hidden>)"

    def take(self, context, contest_id: str, shape: SlotShape):
        """The state for one encryption, once."""
        with self._lock:
            if self._used:
                raise EvoteValueError("slot precomputation already used: one per ballot")
            self._used = True
        if (context.base_hash, contest_id, shape) != (self.base_hash, self.contest_id,
                                                      self.shape):
            raise EvoteValueError("slot precomputation made for another election or contest")
        state, self._state, self._rand = self._state, None, None
        return state


def _offline(context, shape: SlotShape, rand: bytes) -> dict:
    """The vote-independent part of the proof (spec 5.3) from the prover's randomness."""
    big_l, n_vec = shape.slots, shape.length
    sc = [_c(rand[64 * i:64 * i + 64]) for i in range(len(rand) // 64)]
    st = {"r": sc[:big_l], "gam": sc[big_l:2 * big_l]}
    (st["alpha"], st["rho"], st["tau1"], st["tau2"], st["k1"], st["k2"],
     st["k3"]) = sc[2 * big_l:2 * big_l + 7]
    st["s_l"] = sc[2 * big_l + 7:2 * big_l + 7 + n_vec]
    st["s_r"] = sc[2 * big_l + 7 + n_vec:]
    k_table, htab = context.k_table, h_table()
    st["rG"] = [G_TABLE.mul(r).to_bytes() for r in st["r"]]
    st["rK"] = [k_table.mul(r) for r in st["r"]]
    st["gH"] = [htab.mul(g) for g in st["gam"]]
    gts, hts = vector_tables(n_vec)
    st["alpha_h"] = htab.mul(st["alpha"]).to_bytes()
    st["s_l_b"] = b"".join(_le(v) for v in st["s_l"])
    st["s_r_b"] = b"".join(_le(v) for v in st["s_r"])
    big_s = htab.mul(st["rho"])
    for t in range(n_vec):
        big_s = big_s + _mul2(gts[t], st["s_l"][t], hts[t], st["s_r"][t])
    st["S"] = big_s.to_bytes()
    st["tau1H"], st["tau2H"] = htab.mul(st["tau1"]), htab.mul(st["tau2"])
    k1, k2, k3 = st["k1"], st["k2"], st["k3"]
    st["link_r"] = (G_TABLE.mul(k1).to_bytes(), _mul2(G_TABLE, k2, k_table, k1).to_bytes(),
                    _mul2(G_TABLE, k2, htab, k3).to_bytes())
    return st


def precompute(context, contest, rng: Rng = os.urandom) -> SlotPrecomputation:
    """The kiosk's work for one future ballot of this contest, before the voter chooses:
    reads the marks (spec 5.1) then randomness_size bytes from rng, as encryption does."""
    check_context(context)
    shape = slot_shape(contest)
    marks = draw_marks(shape, rng)
    size = randomness_size(shape)
    rand = rng(size)
    if not isinstance(rand, bytes) or len(rand) != size:
        raise EvoteValueError(f"rng must return {size} bytes")
    pre = SlotPrecomputation(context.base_hash, contest.contest_id, shape, marks, rand)
    pre._state = _offline(context, shape, rand)
    return pre


def _a_point(shape: SlotShape, alpha: int, a_l: Sequence[int]) -> bytes:
    """A = alpha*H + sum a_L[t]*g_t + (a_L[t] - 1)*h_t
         = alpha*H - sum_t h_t + sum_t a_L[t]*(g_t + h_t)."""
    gts, hts = vector_tables(shape.length)
    acc = h_table().mul(alpha)
    for t, a in enumerate(a_l):
        acc = acc + _mul2(gts[t], a, hts[t], (a - 1) % L_ORDER)
    return acc.to_bytes()


def _prove(context, contest_id: str, shape: SlotShape, gaps: Sequence[int],
           ballot_id: bytes, st: dict, values: Sequence[int] = None) -> SlotRangeContest:
    """The vote-dependent part: slot ciphertexts, commitments, A, T_1, T_2, the
    inner-product rounds and the link's responses (spec section 8 steps 1-6)."""
    big_l, b, n_vec = shape.slots, shape.bits, shape.length
    r, gam = st["r"], st["gam"]
    if values is None:
        values, acc = [], 0
        for d in gaps:
            acc += d + 1
            values.append(acc)
    cts = tuple(st["rG"][j] + (G_TABLE.mul(values[j] % L_ORDER) + st["rK"][j]).to_bytes()
                for j in range(big_l))
    vs = tuple((G_TABLE.mul(gaps[j] % L_ORDER) + st["gH"][j]).to_bytes()
               for j in range(big_l))
    sigma = statement_digest(context.base_hash, ballot_id, contest_id, shape, cts, vs)

    # a_L: the gaps' bits. An honest kiosk's gaps are b-bit numbers and everything below
    # runs in C (csrc/slot_range.c); a gap that is not (tests: a cheating kiosk) goes whole
    # into position j*b and takes the Python path, which computes the same formulas.
    honest = all(0 <= d < (1 << b) for d in gaps)
    a_l = [0] * n_vec
    for j, d in enumerate(gaps):
        if 0 <= d < (1 << b):
            for i in range(b):
                a_l[j * b + i] = (d >> i) & 1
        else:
            a_l[j * b] = d % L_ORDER
    s_b = st["S"]
    if honest:
        bits, gens = bytes(a_l), prover_generators(n_vec)
        a_b = slot_a_commit(gens, bits, st["alpha_h"])
    else:
        a_b = _a_point(shape, st["alpha"], a_l)
    s_l, s_r = st["s_l"], st["s_r"]

    y = _c(digest64(Y_TAG, sigma, a_b + s_b))
    z = _c(digest64(Z_TAG, sigma, a_b + s_b))
    if y == 0 or z == 0:
        raise EvoteValueError("prove_gaps: a zero challenge (probability 2^-252): retry")
    if honest:
        t1, t2 = (int.from_bytes(v, "little") for v in
                  slot_prover_t(bits, st["s_l_b"], st["s_r_b"], _le(y) + _le(z), big_l, b))
    else:
        yp = _powers(y, n_vec)
        w = weights_vector(shape, z)
        l0 = [(x - z) % L_ORDER for x in a_l]
        r0 = [(yp[t] * (a_l[t] - 1 + z) + w[t]) % L_ORDER for t in range(n_vec)]
        r1 = [yp[t] * s_r[t] % L_ORDER for t in range(n_vec)]
        t1 = sum(l0[t] * r1[t] + s_l[t] * r0[t] for t in range(n_vec)) % L_ORDER
        t2 = sum(s_l[t] * r1[t] for t in range(n_vec)) % L_ORDER
    t1_b = (G_TABLE.mul(t1) + st["tau1H"]).to_bytes()
    t2_b = (G_TABLE.mul(t2) + st["tau2H"]).to_bytes()
    x = _c(digest64(X_TAG, sigma, a_b + s_b, t1_b + t2_b))
    zp = _powers(z, big_l + 2)
    tau_x = (st["tau2"] * x * x + st["tau1"] * x
             + sum(zp[j + 2] * gam[j] for j in range(big_l))) % L_ORDER
    mu = (st["alpha"] + st["rho"] * x) % L_ORDER
    if honest:
        state, t_hat_b = slot_prover_lr(bits, st["s_l_b"], st["s_r_b"],
                                        _le(y) + _le(z) + _le(x), _le(pow(y, -1, L_ORDER)),
                                        big_l, b)
        t_hat = int.from_bytes(t_hat_b, "little")
    else:
        lv = [(l0[t] + s_l[t] * x) % L_ORDER for t in range(n_vec)]
        rv = [(r0[t] + r1[t] * x) % L_ORDER for t in range(n_vec)]
        t_hat = sum(lv[t] * rv[t] for t in range(n_vec)) % L_ORDER
    rho = digest64(IPA_TAG, sigma, a_b + s_b, t1_b + t2_b, _le(tau_x) + _le(mu) + _le(t_hat))
    x_ip = _c(rho)
    if honest:
        ls, rs, a_fin, b_fin, rho = _ipa_c(gens, n_vec, x_ip, state, rho)
    else:
        ls, rs, a_fin, b_fin, rho = _ipa(shape, y, x_ip, lv, rv, rho)

    # Link (section 8 step 6): e-weighted nonce, gap and blinding sums.
    ep = _powers(e := _c(digest64(E_TAG, sigma)), big_l, e)     # e^1 .. e^L
    r_prev = [0] + r[:-1]
    rho_star = sum(ep[j] * (r[j] - r_prev[j]) for j in range(big_l)) % L_ORDER
    d_star = sum(ep[j] * gaps[j] for j in range(big_l)) % L_ORDER
    g_star = sum(ep[j] * gam[j] for j in range(big_l)) % L_ORDER
    link_r = st["link_r"]
    c = _c(digest64(LINK_TAG, rho, b"".join(link_r)))
    if 0 in (x, x_ip, e, c):   # W5 would refuse the proof: never emit it
        raise EvoteValueError("prove_gaps: a zero challenge (probability 2^-252): retry")
    link_z = (_le(st["k1"] + c * rho_star), _le(st["k2"] + c * d_star),
              _le(st["k3"] + c * g_star))
    return SlotRangeContest(contest_id, big_l, b, cts, vs, a_b, s_b, t1_b, t2_b, _le(tau_x),
                            _le(mu), _le(t_hat), tuple(ls), tuple(rs), _le(a_fin),
                            _le(b_fin), link_r, link_z)


def _round_challenge(rho: bytes, lk: bytes, rk: bytes) -> Tuple[bytes, int]:
    """rho_k and u_k of one inner-product round (spec 10.4); a zero u_k makes the prover
    refuse (any verifier's W5 would)."""
    rho = digest64(ROUND_TAG, rho, lk + rk)
    u = _c(rho)
    if u == 0:
        raise EvoteValueError("prove_gaps: a zero challenge (probability 2^-252): retry")
    return rho, u


def _ipa_c(gens, n_vec: int, x_ip: int, state: bytes, rho: bytes):
    """The inner-product rounds in C (csrc/slot_range.c; the same values as _ipa): per
    round L_k, R_k from the state, the challenge u_k here, then the fold."""
    x_b = _le(x_ip)
    ls, rs = [], []
    n = n_vec
    while n > 1:
        lk, rk = slot_ipa_round_vartime(state, gens, n, x_b)
        ls.append(lk)
        rs.append(rk)
        rho, u = _round_challenge(rho, lk, rk)
        state = slot_ipa_fold(state, gens, n, _le(u))
        n //= 2
    return (ls, rs, int.from_bytes(state[:32], "little"),
            int.from_bytes(state[32:64], "little"), rho)


def _ipa(shape: SlotShape, y: int, x_ip: int, av: List[int], bv: List[int], rho: bytes):
    """Inner-product argument on (l, r) over g and h' = y^-t h (spec section 8 step 5), the
    folded generators kept as coefficients of the original ones. Public scalars only
    (variable time). Returns (L_k list, R_k list, a, b, last rho)."""
    n_vec = shape.length
    gpts, hpts = vector_points(n_vec)
    u_bytes = base_points()[1].to_bytes()
    y_inv = pow(y, -1, L_ORDER)
    coef_g = [1] * n_vec
    coef_h = _powers(y_inv, n_vec)
    ls, rs = [], []
    n = n_vec
    while n > 1:
        half = n // 2
        c_l = sum(av[i] * bv[half + i] for i in range(half)) % L_ORDER
        c_r = sum(av[half + i] * bv[i] for i in range(half)) % L_ORDER
        sl, pl, sr, pr = [], [], [], []
        for t in range(n_vec):
            i = t % n
            if i >= half:
                sl.append(av[i - half] * coef_g[t])
                pl.append(gpts[t])
                sr.append(bv[i - half] * coef_h[t])
                pr.append(hpts[t])
            else:
                sl.append(bv[i + half] * coef_h[t])
                pl.append(hpts[t])
                sr.append(av[i + half] * coef_g[t])
                pr.append(gpts[t])
        sl.append(c_l * x_ip)
        sr.append(c_r * x_ip)
        lk = msm_vartime_raw(b"".join(_le(s) for s in sl), b"".join(pl) + u_bytes).to_bytes()
        rk = msm_vartime_raw(b"".join(_le(s) for s in sr), b"".join(pr) + u_bytes).to_bytes()
        ls.append(lk)
        rs.append(rk)
        rho, u = _round_challenge(rho, lk, rk)
        ui = pow(u, -1, L_ORDER)
        av = [(av[i] * u + av[half + i] * ui) % L_ORDER for i in range(half)]
        bv = [(bv[i] * ui + bv[half + i] * u) % L_ORDER for i in range(half)]
        for t in range(n_vec):
            lo = t % n < half
            coef_g[t] = coef_g[t] * (ui if lo else u) % L_ORDER
            coef_h[t] = coef_h[t] * (u if lo else ui) % L_ORDER
        n = half
    return ls, rs, av[0], bv[0], rho


def prove_gaps(context, contest_id: str, shape: SlotShape, gaps: Sequence[int],
               ballot_id: bytes, rand: bytes, values: Sequence[int] = None) -> SlotRangeContest:
    """The proof for slot values with these gaps (v_j = j + d_1 + ... + d_j). A gap that is
    not a b-bit number puts the whole gap in position j*b (tests: a cheating kiosk; the
    proof then does not verify). `rand` is randomness_size(shape) bytes (section 5.2).
    `values` (tests only) encrypts other slot values than the gaps give: ciphertexts that
    do not match the commitments, which the link must refuse."""
    if len(rand) != randomness_size(shape) or len(gaps) != shape.slots:
        raise EvoteValueError("prove_gaps: wrong randomness size or number of gaps")
    return _prove(context, contest_id, shape, gaps, ballot_id,
                  _offline(context, shape, rand), values)


def encrypt_range_values(context, contest_id: str, shape: SlotShape, values: Sequence[int],
                         ballot_id: bytes, rng: Rng) -> SlotRangeContest:
    """Honest slot values only (slot_ballot.honest_values_error; else EvoteValueError)."""
    values = honest_slot_values(context, contest_id, shape, values, ballot_id)
    size = randomness_size(shape)
    rand = rng(size)
    if not isinstance(rand, bytes) or len(rand) != size:
        raise EvoteValueError(f"rng must return {size} bytes")
    return prove_gaps(context, contest_id, shape, gaps_of(values), ballot_id, rand)


def encrypt_range_slots(context, contest, plain: PlaintextContest, ballot_id: bytes,
                        rng: Rng = os.urandom, precomputed: SlotPrecomputation = None
                        ) -> Tuple[SlotRangeContest, SlotOpening]:
    """The kiosk's call: a validated PlaintextContest (ballot.plaintext_ballot did every
    refusal) as a slot contest, and its opening (slot values and nonces: secret, for the
    voter's challenge). With `precomputed` (precompute(context, contest), used once) rng
    is not read: the marks and randomness were drawn then."""
    if not isinstance(plain, PlaintextContest) or plain.contest_id != contest.contest_id:
        raise EvoteTypeError("encrypt_range_slots: plain must be the PlaintextContest of contest")
    shape = slot_shape(contest)
    if len(plain.votes) != shape.n:
        raise EvoteValueError(f"encrypt_range_slots: {len(plain.votes)} votes for "
                              f"{shape.n} candidates")
    positions = [i + 1 for i, m in enumerate(plain.votes) if m == 1]
    if precomputed is None:
        precomputed = precompute(context, contest, rng)
    if not isinstance(precomputed, SlotPrecomputation):
        raise EvoteTypeError("encrypt_range_slots: precomputed must come from precompute()")
    marks = precomputed.marks
    st = precomputed.take(context, contest.contest_id, shape)
    values = values_from_marks(shape, positions, marks)
    values = honest_slot_values(context, contest.contest_id, shape, values, ballot_id)
    rc = _prove(context, contest.contest_id, shape, gaps_of(values), ballot_id, st)
    return rc, SlotOpening(contest.contest_id, values, tuple(st["r"]))


def slot_ciphertexts(rc: SlotRangeContest) -> Tuple[bytes, ...]:
    """S_1..S_L as 64-byte enc(alpha_j) || enc(beta_j): what the mix shuffles (spec 4).
    Raw fields of the wire; the verifier (W2, W4) checks their sizes and encodings."""
    if not isinstance(rc, SlotRangeContest):
        raise EvoteTypeError(f"slot_ciphertexts: expected SlotRangeContest, got "
                             f"{type(rc).__name__}")
    return tuple(rc.ciphertexts)


# ---------------------------------------------------------------- verifier

class Equation(NamedTuple):
    """sum coef*point == identity: item points (local) and the shared generators."""
    name: str
    local: List[Tuple[int, bytes]]
    shared: dict            # "G", "H", "U", "K" -> coefficient
    gh: bytes = b""         # coefficients of g_0..g_{N-1}, h_0..h_{N-1} (le32 each);
                            # empty: none. In batch: the accumulator including this item.


def _where(ballot_id, contest_id) -> str:
    bid = ballot_id.hex() if isinstance(ballot_id, bytes) else repr(ballot_id)
    return f"ballot {bid}: contest {contest_id!r}"


def _structure(contest, ballot_id, rc) -> Tuple[SlotShape, str]:
    """W1, W2, W3, W5 need no group arithmetic; W4 (points decode) is checked by the
    exact path, and by the MSM in batch."""
    where = _where(ballot_id, getattr(contest, "contest_id", "?"))
    if not isinstance(ballot_id, bytes) or len(ballot_id) != BALLOT_ID_SIZE:
        raise InvalidProof(f"{where}: ballot id is not 32 bytes")
    if not isinstance(rc, SlotRangeContest):
        raise InvalidProof(f"{where}: expected a SlotRangeContest, got {type(rc).__name__}")
    shape = slot_shape(contest)
    if rc.contest_id != contest.contest_id:
        raise InvalidProof(f"{where}: W1 the slot contest is for contest {rc.contest_id!r}")
    if (rc.slots, rc.bits) != (shape.slots, shape.bits):
        raise InvalidProof(f"{where}: W1 slots/bits are {rc.slots}/{rc.bits}, the contest's "
                           f"are {shape.slots}/{shape.bits}")
    try:
        check_range_contest(rc)      # every count and size (the codec's rules)
    except EvoteTypeError as exc:
        raise InvalidProof(f"{where}: W2 {exc}") from None
    except (TypeError, AttributeError):   # a field that is not even a sequence of bytes
        raise InvalidProof(f"{where}: W2 a field is not the type section 9 gives") from None
    for name in ("tau_x", "mu", "t_hat", "ipa_a", "ipa_b"):
        if int.from_bytes(getattr(rc, name), "little") >= L_ORDER:
            raise InvalidProof(f"{where}: W3 {name} is not a canonical scalar (>= l)")
    for k, z in enumerate(rc.link_z, 1):
        if int.from_bytes(z, "little") >= L_ORDER:
            raise InvalidProof(f"{where}: W3 z_{k} is not a canonical scalar (>= l)")
    return shape, where


def equations(context, contest, ballot_id, rc, w_ip: int = 1,
              acc: bytes = None) -> Tuple[List[Equation], str]:
    """The five verification equations of section 10 (W6), after W1-W3 and W5. The
    inner-product equation comes multiplied by w_ip (the batch weight: its 2N generator
    coefficients are the costly part, so the weight is folded in as they are made) and
    its coefficients added to acc (a batch's running sums) when given."""
    shape, where = _structure(contest, ballot_id, rc)
    big_l, n_vec = shape.slots, vector_length(shape.slots, shape.bits)
    sigma = statement_digest(context.base_hash, ballot_id, rc.contest_id, shape,
                             rc.ciphertexts, rc.commitments)
    ch = challenges(sigma, rc)
    if 0 in (ch.y, ch.z, ch.x, ch.x_ip, ch.e, ch.c) or 0 in ch.us:
        raise InvalidProof(f"{where}: W5 a challenge is zero")
    y, z, x, x_ip, e, c = ch.y, ch.z, ch.x, ch.x_ip, ch.e, ch.c
    tau_x, mu, t_hat, a, b = (int.from_bytes(getattr(rc, f), "little")
                              for f in ("tau_x", "mu", "t_hat", "ipa_a", "ipa_b"))
    z1, z2, z3 = (int.from_bytes(v, "little") for v in rc.link_z)
    # one modular inversion for y, y - 1 and every u_k (Montgomery's trick)
    inv = _batch_invert([y, y - 1 if y != 1 else 1, *ch.us])
    y_inv, u_inv = inv[0], inv[2:]
    sum_y = n_vec if y == 1 else (pow(y, n_vec, L_ORDER) - 1) * inv[1] % L_ORDER  # <1, y^N>
    zp = _powers(z, big_l + 2)
    delta = ((z - z * z) * sum_y - z * _sum_w(shape, z)) % L_ORDER
    e_t = Equation("t-hat", [(-zp[j + 2], rc.commitments[j]) for j in range(big_l)]
                   + [(-x, rc.t1), (-x * x, rc.t2)],
                   {"G": t_hat - delta, "H": tau_x})
    # The 2N generator coefficients (C: csrc/slot_range.c), with s_t = prod_k
    # u_k^(+1 if bit k of t, MSB first, else -1) and 1/s_t = s_(N-1-t):
    #   g_t: -w z - w a s_t,   h_t: w z + (w_t - b s_(N-1-t)) w y^-t,   w = w_ip,
    # added into acc (the batch's running sums; zeros for one proof).
    gh = slot_range_coefs_vartime(
        acc if acc is not None else bytes(64 * n_vec),
        b"".join(_le(v) for v in (y_inv, z, a, b, w_ip)),
        b"".join(_le(u) for u in ch.us), b"".join(_le(u) for u in u_inv),
        big_l, shape.bits)
    e_ip = Equation("inner product",
                    [(w_ip, rc.a), (w_ip * x, rc.s)]
                    + [(w_ip * u * u, lk) for u, lk in zip(ch.us, rc.ipa_l)]
                    + [(w_ip * ui * ui, rk) for ui, rk in zip(u_inv, rc.ipa_r)],
                    {"H": -mu * w_ip, "U": w_ip * x_ip * (t_hat - a * b)}, gh)
    ep = _powers(e, big_l + 1, e)          # e^1 .. e^(L+1)
    f = [ep[j] - (ep[j + 1] if j + 1 < big_l else 0) for j in range(big_l)]
    alphas = [ct[:32] for ct in rc.ciphertexts]
    betas = [ct[32:] for ct in rc.ciphertexts]
    link1 = Equation("link 1 (z_1*G == R_1 + c*alpha*)",
                     [(-1, rc.link_r[0])] + [(-c * f[j], alphas[j]) for j in range(big_l)],
                     {"G": z1})
    link2 = Equation("link 2 (z_2*G + z_1*K == R_2 + c*beta*)",
                     [(-1, rc.link_r[1])] + [(-c * f[j], betas[j]) for j in range(big_l)],
                     {"G": z2 + c * sum(ep[:big_l]), "K": z1})
    link3 = Equation("link 3 (z_2*G + z_3*H == R_3 + c*V*)",
                     [(-1, rc.link_r[2])] + [(-c * ep[j], rc.commitments[j])
                                             for j in range(big_l)],
                     {"G": z2, "H": z3})
    return [e_t, e_ip, link1, link2, link3], where


def _shared_points(context) -> dict:
    h, u = base_points()
    return {"G": G_BYTES, "H": h.to_bytes(), "U": u.to_bytes(),
            "K": context.k_table.point.to_bytes()}


def _msm_zero(scalars: List[int], points: List[bytes], tail: bytes = b"") -> bool:
    """sum scalars*points (then the le32 scalars of `tail` for the remaining points) is
    the identity; False also when a point does not decode."""
    try:
        return msm_vartime_raw(b"".join(_le(s) for s in scalars) + tail,
                               b"".join(points)).to_bytes() == IDENTITY_BYTES
    except InvalidEncoding:
        return False


def verify_range_slots(context, contest, ballot_id: bytes, rc: SlotRangeContest) -> None:
    """W1-W6 one equation at a time (section 10); InvalidProof names the ballot, the
    contest and the check (the proof is about all slots at once: no single slot can be
    named for W6). Returns None when valid."""
    check_context(context)
    eqs, where = equations(context, contest, ballot_id, rc)
    points = [("S_%d" % (j + 1), ct[k:k + 32]) for j, ct in enumerate(rc.ciphertexts)
              for k in (0, 32)]
    points += [("V_%d" % (j + 1), v) for j, v in enumerate(rc.commitments)]
    points += [(n, getattr(rc, n)) for n in ("a", "s", "t1", "t2")]
    points += [("L_%d" % (k + 1), p) for k, p in enumerate(rc.ipa_l)]
    points += [("R_%d" % (k + 1), p) for k, p in enumerate(rc.ipa_r)]
    points += [("link R_%d" % (k + 1), p) for k, p in enumerate(rc.link_r)]
    for name, p in points:
        try:
            Point.from_bytes(p)
        except InvalidEncoding:
            raise InvalidProof(f"{where}: W4 {name} is not a valid point") from None
    shared = _shared_points(context)
    n_vec = slot_shape(contest).length
    gpts, hpts = vector_points(n_vec)
    for eq in eqs:
        scalars = [s for s, _ in eq.local] + list(eq.shared.values())
        pts = [p for _, p in eq.local] + [shared[k] for k in eq.shared]
        if eq.gh:
            pts += list(gpts) + list(hpts)
        if not _msm_zero(scalars, pts, eq.gh):
            raise InvalidProof(f"{where}: W6 equation {eq.name} fails")


def verify_range_slots_batch(context, contest, items: Sequence[Tuple[bytes, SlotRangeContest]]
                             ) -> int:
    """Many (ballot_id, SlotRangeContest) of one contest in ONE MSM: every equation of
    every item times its own 128-bit weight from os.urandom, the shared generators'
    coefficients merged. Returns the number verified; raises SlotBatchError listing every
    failing item with its verify_range_slots error."""
    check_context(context)
    items = list(items)
    shared = {"G": 0, "H": 0, "U": 0, "K": 0}
    gh = None                       # le32 sums of the g_t, h_t coefficients (C, mod l)
    scalars: List[int] = []
    points: List[bytes] = []
    ok = True
    for bid, rc in items:
        raw = os.urandom(16 * 5)
        wts = [int.from_bytes(raw[16 * k:16 * k + 16], "little") or 1 for k in range(5)]
        try:
            eqs, _ = equations(context, contest, bid, rc, wts[1], gh)
        except InvalidProof:
            ok = False
            break
        merged = {}                 # the item's points, each once (V_j is in two equations)
        for k, eq in enumerate(eqs):
            wgt = 1 if eq.gh else wts[k]  # the inner product (with g, h) has wts[1] folded in
            for s_, p in eq.local:
                merged[p] = merged.get(p, 0) + s_ * wgt
            for name, s_ in eq.shared.items():
                shared[name] += s_ * wgt
            if eq.gh:
                gh = eq.gh
        scalars.extend(merged.values())
        points.extend(merged.keys())
    if ok and items:
        sp = _shared_points(context)
        gpts, hpts = vector_points(slot_shape(contest).length)
        ok = _msm_zero(scalars + list(shared.values()),
                       points + [sp[k] for k in shared] + list(gpts) + list(hpts), gh)
    if ok:
        return len(items)
    failures = []
    for n, (bid, rc) in enumerate(items):
        try:
            verify_range_slots(context, contest, bid, rc)
        except InvalidProof as exc:
            failures.append(SlotFailure(n, bid, exc))
    if not failures:   # only a 2^-128 event or a bug: never pass silently
        failures = [SlotFailure(-1, b"", InvalidProof(
            "the batch equation fails but no item fails alone"))]
    raise SlotBatchError(failures, len(items))
