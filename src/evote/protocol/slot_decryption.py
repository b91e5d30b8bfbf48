"""Threshold decryption of shuffled slot ciphertexts with ONE batched proof per guardian.

specs/slot-decryption.md is normative; section numbers below refer to it.

Guardian i (key share s_i, public share K_i) decrypts the last mix's n outputs
(A_j, B_j) under a label binding the base hash, the contest and the list (section 2):

    D_ij = s_i * A_j                                    (constant time in s_i)
    seed_i = H64(weights; label, u64(i), K_i, digest of D_i1..D_in)   (after the shares)
    rho_ij = 128-bit words expanded from seed_i         (section 3)
    A*_i = sum_j rho_ij A_j,  D*_i = sum_j rho_ij D_ij
    proof (a, b, v) that log_G K_i == log_{A*_i} D*_i   (Chaum-Pedersen, c from seed_i, a, b)

The combiner computes M_j = B_j - sum_{i in Q} lambda_i D_ij and publishes the value v
when M_j = v*G with v in 1..N+1, else the point M_j (a mark). The verifier checks every
guardian's proof and every slot's combination in ONE multi-scalar multiplication, split
into chunk tasks that are pure functions of bytes (plan_verification -> chunk_terms ->
finish_verification), and on failure names the guardian or the slot in an exact pass.

Invariants: s_i and the proof nonce enter only constant-time C products (Scalar * Point,
G_TABLE.mul) and Scalar arithmetic; every other product is over public data.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

from ..errors import EvoteTypeError, EvoteValueError, InvalidEncoding, InvalidProof, \
    TallyMismatch
from ..group import G_TABLE, Point, Scalar, msm_vartime_raw, validate_points
from ..hashing import HashPrefix, digest, digest64, text, u64
from .batch_check import random_weights
from .context import ElectionContext
from .decryption import _check_guardian, lagrange_coefficients
from .elgamal import Ciphertext
from .guardian import Guardian
from .slot_ballot import shape_for, slot_value_points
from .slot_decryption_codec import MARK, MAX_CANDIDATES, MAX_SLOTS, SlotDecryption, SlotShares
from .threshold_errors import NotEnoughShares

TAG_CHUNK = "evote/v1/slot-decryption-chunk"
TAG_LIST = "evote/v1/slot-decryption-list"
TAG_LABEL = "evote/v1/slot-decryption-label"
TAG_SEED = "evote/v1/slot-decryption-weights"
TAG_RHO = "evote/v1/slot-decryption-rho"
TAG_CHALLENGE = "evote/v1/slot-decryption-proof"
HASH_CHUNK = 4096       # items per hashed chunk (section 2)
TASK_SLOTS = 16384      # slots per verifier chunk task (any size verifies the same)
L_ORDER = Scalar.ORDER
_G = Point.generator().to_bytes()

Rng = Callable[[int], bytes]
Runner = Callable[[Callable, List[tuple]], list]


# ------------------------------------------------------------------ hashes (sections 2, 3)

def blob_digest(kind: str, blob: bytes, item: int) -> bytes:
    """Digest of a list of fixed-size items, hashed in chunks of HASH_CHUNK items:
    H(list; kind, u64(count), chunk digests), chunk k = H(chunk; kind, u64(k), items)."""
    step = HASH_CHUNK * item
    parts = [digest(TAG_CHUNK, text(kind), u64(k), blob[at:at + step])
             for k, at in enumerate(range(0, len(blob), step))]
    return digest(TAG_LIST, text(kind), u64(len(blob) // item), b"".join(parts))


def slot_label(base_hash: bytes, contest_id: str, cts: bytes) -> bytes:
    """The 32-byte label of a decryption: base hash, contest, n and the list's digest."""
    return digest(TAG_LABEL, base_hash, text(contest_id), u64(len(cts) // 64),
                  blob_digest("ciphertexts", cts, 64))


def weight_seed(label: bytes, index: int, public_share: bytes, shares: bytes) -> bytes:
    """seed_i: fixed only once all of guardian i's shares are (section 3)."""
    return digest64(TAG_SEED, label, u64(index), public_share,
                    blob_digest("shares", shares, 32))


def rho(seed: bytes, first: int, count: int) -> List[int]:
    """rho_j for j = first..first+count-1 (0-based): word j mod 4 (16 bytes, little
    endian) of H64(rho; seed, u64(j div 4))."""
    if count <= 0:
        return []
    head = HashPrefix(TAG_RHO, seed)
    q0 = first // 4
    raw = b"".join([head.digest64(u64(q)) for q in range(q0, (first + count + 3) // 4)])
    off = 16 * (first - 4 * q0)
    return [int.from_bytes(raw[off + 16 * k:off + 16 * k + 16], "little") for k in range(count)]


def proof_challenge(seed: bytes, commit_g: bytes, commit_h: bytes) -> int:
    return int.from_bytes(digest64(TAG_CHALLENGE, seed, commit_g, commit_h), "little") % L_ORDER


# ------------------------------------------------------------------ inputs

def ciphertexts_blob(ciphertexts: Sequence[Ciphertext]) -> bytes:
    """enc(A_1) || enc(B_1) || ... (64 bytes per ciphertext)."""
    out = []
    for j, ct in enumerate(ciphertexts):
        if not isinstance(ct, Ciphertext):
            raise EvoteTypeError(f"ciphertexts[{j}]: expected Ciphertext")
        out.append(ct.alpha.to_bytes() + ct.beta.to_bytes())
    return b"".join(out)


def _count(cts) -> int:
    if type(cts) is not bytes:
        raise EvoteTypeError(f"slot ciphertexts: expected bytes, got {type(cts).__name__}")
    if not cts or len(cts) % 64 or len(cts) // 64 > MAX_SLOTS:
        raise EvoteValueError(f"slot ciphertexts: {len(cts)} bytes is not 1..{MAX_SLOTS} "
                              "ciphertexts of 64 bytes")
    return len(cts) // 64


def _alphas(cts: bytes) -> bytes:
    return b"".join([cts[at:at + 32] for at in range(0, len(cts), 64)])


def _first_bad_point(blob: bytes) -> Optional[int]:
    """The index of the first 32-byte item of blob that does not decode, else None."""
    try:
        validate_points(blob)
        return None
    except InvalidEncoding:
        pass
    for k in range(0, len(blob), 32):
        try:
            Point.from_bytes(blob[k:k + 32])
        except InvalidEncoding:
            return k // 32
    return None


def _bad_ciphertext(contest_id: str, cts: bytes) -> Optional[str]:
    k = _first_bad_point(cts)
    if k is None:
        return None
    return (f"contest {contest_id}: slot ciphertext list: the {'AB'[k % 2]} of slot "
            f"{k // 2} does not decode")


@functools.lru_cache(maxsize=8)
def value_table(n_candidates: int) -> dict:
    """enc(v*G) -> v for the published values v = 1..N+1 (N+1: a blank ballot): the
    slot ballot's own table (slot_ballot.slot_value_points, which reads only N)."""
    if isinstance(n_candidates, bool) or not isinstance(n_candidates, int) or \
            not 1 <= n_candidates <= MAX_CANDIDATES:
        raise EvoteValueError(f"n_candidates {n_candidates!r} is not in 1..{MAX_CANDIDATES}")
    return slot_value_points(shape_for(n_candidates, 1))


# ------------------------------------------------------------------ guardian (section 4)

def compute_slot_shares(guardian: Guardian, context: ElectionContext, contest_id: str,
                        cts: bytes) -> SlotShares:
    """Guardian i's shares of the list with one batched proof (fresh nonce)."""
    return slot_shares_from_nonce(guardian, context, contest_id, cts, Scalar.random())


def slot_shares_from_nonce(guardian: Guardian, context: ElectionContext, contest_id: str,
                           cts: bytes, nonce: Scalar) -> SlotShares:
    """Inner entry point (test vectors): the proof nonce u is given."""
    _check_guardian(guardian, context)
    n = _count(cts)
    if not isinstance(nonce, Scalar):
        raise EvoteTypeError("nonce: expected Scalar")
    bad = _bad_ciphertext(contest_id, cts)
    if bad:
        raise InvalidEncoding(bad)
    alphas = _alphas(cts)
    s, i = guardian.key_share, guardian.index
    shares = b"".join([(s * Point.from_bytes(alphas[32 * j:32 * j + 32])).to_bytes()
                       for j in range(n)])
    label = slot_label(context.base_hash, contest_id, cts)
    seed = weight_seed(label, i, context.public_share(i).to_bytes(), shares)
    a_star = msm_vartime_raw(b"".join([r.to_bytes(32, "little") for r in rho(seed, 0, n)]),
                             alphas)
    commit_g = G_TABLE.mul(nonce).to_bytes()
    commit_h = (nonce * a_star).to_bytes()
    c = proof_challenge(seed, commit_g, commit_h)
    v = nonce + Scalar.from_int(c) * s
    return SlotShares(i, n, label, commit_g + commit_h + v.to_bytes(), shares)


# ------------------------------------------------------------------ structure checks

def _check_shares(context: ElectionContext, contest_id: str, cts: bytes,
                  shares: Sequence[SlotShares]) -> Tuple[bytes, List[SlotShares]]:
    """Label, n, indices and proof scalars of every share set; sorted by guardian."""
    n = _count(cts)
    label = slot_label(context.base_hash, contest_id, cts)
    seen = set()
    for sh in shares:
        if not isinstance(sh, SlotShares):
            raise EvoteTypeError(f"expected SlotShares, got {type(sh).__name__}")
        who = f"contest {contest_id}: slot shares of guardian {sh.guardian_index}"
        if not 1 <= sh.guardian_index <= context.n_guardians:
            raise EvoteValueError(f"{who}: not one of guardians 1..{context.n_guardians}")
        if sh.guardian_index in seen:
            raise EvoteValueError(f"{who}: given twice")
        seen.add(sh.guardian_index)
        if sh.n != n:
            raise EvoteValueError(f"{who}: {sh.n} shares for {n} slot ciphertexts")
        if sh.label != label:
            raise InvalidProof(f"{who}: label is not this election's, contest's and list's")
        if int.from_bytes(sh.proof[64:], "little") >= L_ORDER:
            raise InvalidProof(f"{who}: proof response v is not a canonical scalar")
    return label, sorted(shares, key=lambda sh: sh.guardian_index)


def _check_decryption(context: ElectionContext, contest_id: str, n_candidates: int,
                      label: bytes, shares: Sequence[SlotShares],
                      dec: SlotDecryption) -> None:
    where = f"contest {contest_id}: slot decryption"
    if not isinstance(dec, SlotDecryption):
        raise EvoteTypeError(f"expected SlotDecryption, got {type(dec).__name__}")
    if dec.n_candidates != n_candidates:
        raise TallyMismatch(f"{where}: N = {dec.n_candidates}, the contest has {n_candidates}")
    if dec.label != label:
        raise TallyMismatch(f"{where}: label is not this election's, contest's and list's")
    if dec.n != shares[0].n:
        raise TallyMismatch(f"{where}: {dec.n} values for {shares[0].n} slot ciphertexts")
    given = tuple(sh.guardian_index for sh in shares)
    if dec.guardians != given:
        raise TallyMismatch(f"{where}: combines guardians {list(dec.guardians)} but the "
                            f"shares given are of {list(given)}")
    if len(given) < context.threshold:
        raise NotEnoughShares(f"{where}: {len(given)} guardian(s); the threshold is "
                              f"{context.threshold}")
    table = value_table(n_candidates)
    m, marks = 0, dec.marks
    for j, v in enumerate(dec.values):
        if v == MARK:
            point = marks[32 * m:32 * m + 32]
            if point in table:
                raise TallyMismatch(f"{where}: slot {j} is published as a mark, but its "
                                    f"point is the value {table[point]}")
            m += 1


# ------------------------------------------------------------------ verifier (section 5)

@dataclass(frozen=True)
class VerificationPlan:
    """The chunk tasks (args of chunk_terms) and the guardian-level terms of the one MSM."""

    tasks: List[tuple]
    final_scalars: bytes
    final_points: bytes


def _le(x: int) -> bytes:
    return (x % L_ORDER).to_bytes(32, "little")


def chunk_terms(cts: bytes, shares: Tuple[bytes, ...], seeds: Tuple[bytes, ...], first: int,
                a_coefs: Tuple[int, ...], d_coefs: Tuple[int, ...], lambdas: Tuple[int, ...],
                w3: bytes, values: bytes, marks: bytes) -> Optional[bytes]:
    """The chunk's part of the one MSM (pure function of bytes and ints; section 5.2):

        sum_j [ (sum_i a_i rho_ij) A_j - sum_i (d_i rho_ij + w3_j lambda_i) D_ij
                + w3_j B_j - w3_j M_j ]

    with M_j = v_j G merged into G for values, the mark points in `marks` otherwise.
    `values` empty: the shares' proofs only (no B, lambda or M terms). Returns the
    encoding of the sum, or None if a point of the chunk does not decode."""
    count = len(cts) // 64
    rhos = [rho(seed, first, count) for seed in seeds]
    order = L_ORDER
    sc: List[bytes] = []
    if values:
        ws = [int.from_bytes(w3[16 * j:16 * j + 16], "little") for j in range(count)]
        for j in range(count):
            sc.append(_le(sum(a * r[j] for a, r in zip(a_coefs, rhos))))
            sc.append(ws[j].to_bytes(32, "little"))
        points = [cts]
        for d, lam, r, sh in zip(d_coefs, lambdas, rhos, shares):
            sc.extend([_le(-(d * r[j] + ws[j] * lam)) for j in range(count)])
            points.append(sh)
        g_coef, mark_scalars = 0, []
        for j in range(count):
            v = int.from_bytes(values[4 * j:4 * j + 4], "big")
            if v == MARK:
                mark_scalars.append(_le(-ws[j]))
            else:
                g_coef -= ws[j] * v
        sc.extend(mark_scalars)
        points.append(marks)
        sc.append(_le(g_coef % order))
        points.append(_G)
    else:
        sc = [_le(sum(a * r[j] for a, r in zip(a_coefs, rhos))) for j in range(count)]
        points = [_alphas(cts)]
        for d, r, sh in zip(d_coefs, rhos, shares):
            sc.extend([_le(-d * r[j]) for j in range(count)])
            points.append(sh)
    try:
        return msm_vartime_raw(b"".join(sc), b"".join(points)).to_bytes()
    except InvalidEncoding:
        return None


def plan_verification(context: ElectionContext, contest_id: str, cts: bytes,
                      shares: Sequence[SlotShares], decryption: Optional[SlotDecryption] = None,
                      n_candidates: Optional[int] = None, rng: Rng = os.urandom,
                      task_slots: int = TASK_SLOTS) -> VerificationPlan:
    """Structure checks (precise errors), then the chunk tasks of the one MSM with fresh
    verifier weights from rng (os.urandom): w1_i, w2_i per guardian, w3_j per slot."""
    n = _count(cts)
    label, shares = _check_shares(context, contest_id, cts, shares)
    if not shares:
        raise NotEnoughShares(f"contest {contest_id}: no slot shares")
    if decryption is not None:
        _check_decryption(context, contest_id, n_candidates, label, shares, decryption)
    w = random_weights(2 * len(shares), rng)
    seeds, a_coefs, d_coefs = [], [], []
    fin_s, fin_p, g_coef = [], [], 0
    for q, sh in enumerate(shares):
        w1, w2 = w[2 * q], w[2 * q + 1]
        k_i = context.public_share(sh.guardian_index).to_bytes()
        seed = weight_seed(label, sh.guardian_index, k_i, sh.shares)
        a, b, v = sh.proof[:32], sh.proof[32:64], int.from_bytes(sh.proof[64:], "little")
        c = proof_challenge(seed, a, b)
        seeds.append(seed)
        a_coefs.append(w2 * v % L_ORDER)
        d_coefs.append(w2 * c % L_ORDER)
        g_coef += w1 * v
        fin_s += [_le(-w1), _le(-w1 * c), _le(-w2)]
        fin_p += [a, k_i, b]
    fin_s.append(_le(g_coef))
    fin_p.append(_G)
    lam_map = lagrange_coefficients([sh.guardian_index for sh in shares])
    lambdas = tuple(lam_map[sh.guardian_index] for sh in shares)
    tasks = []
    mark_at = 0
    for lo in range(0, n, task_slots):
        hi = min(n, lo + task_slots)
        if decryption is not None:
            vals = decryption.values[lo:hi]
            m = sum(1 for v in vals if v == MARK)
            vbytes = b"".join([v.to_bytes(4, "big") for v in vals])
            mblob = decryption.marks[32 * mark_at:32 * (mark_at + m)]
            mark_at += m
            w3 = rng(16 * (hi - lo))
        else:
            vbytes, mblob, w3 = b"", b"", b""
        tasks.append((cts[64 * lo:64 * hi], tuple(sh.shares[32 * lo:32 * hi] for sh in shares),
                      tuple(seeds), lo, tuple(a_coefs), tuple(d_coefs), lambdas, w3, vbytes,
                      mblob))
    return VerificationPlan(tasks, b"".join(fin_s), b"".join(fin_p))


def finish_verification(plan: VerificationPlan, results: Sequence[Optional[bytes]]) -> bool:
    """True iff every chunk decoded and the chunks' sums plus the guardian terms give the
    identity."""
    if len(results) != len(plan.tasks) or any(r is None for r in results):
        return False
    try:
        final = msm_vartime_raw(plan.final_scalars + _le(1) * len(results),
                                plan.final_points + b"".join(results))
    except InvalidEncoding:
        return False
    return final.is_identity()


def _run_local(fn: Callable, tasks: List[tuple]) -> list:
    return [fn(*args) for args in tasks]


def verify_slot_shares(context: ElectionContext, contest_id: str, cts: bytes,
                       shares: Sequence[SlotShares], rng: Rng = os.urandom,
                       run: Runner = _run_local) -> None:
    """Every guardian's batched proof in one MSM (the combiner's check); on failure the
    exact pass raises naming the guardian."""
    plan = plan_verification(context, contest_id, cts, shares, rng=rng)
    if finish_verification(plan, run(chunk_terms, plan.tasks)):
        return
    _exact(context, contest_id, cts, shares, None, None)
    raise InvalidProof(f"contest {contest_id}: slot share batch failed but no single "
                       "check did (internal error)")


def verify_slot_decryption(context: ElectionContext, contest_id: str, n_candidates: int,
                           cts: bytes, shares: Sequence[SlotShares],
                           decryption: SlotDecryption, rng: Rng = os.urandom,
                           run: Runner = _run_local) -> None:
    """Check V20 of one contest: shares, proofs, values and marks in one MSM; on failure
    an exact pass raises naming the guardian (InvalidProof) or the slot (TallyMismatch)."""
    plan = plan_verification(context, contest_id, cts, shares, decryption, n_candidates, rng)
    if finish_verification(plan, run(chunk_terms, plan.tasks)):
        return
    _exact(context, contest_id, cts, shares, decryption, n_candidates)
    raise InvalidProof(f"contest {contest_id}: slot decryption batch failed but no single "
                       "check did (internal error)")


def _exact(context, contest_id, cts, shares, dec, n_candidates) -> None:
    """The second pass: each guardian's proof on its own, then each slot (section 5.3)."""
    bad = _bad_ciphertext(contest_id, cts)
    if bad:
        raise InvalidEncoding(bad)
    n = len(cts) // 64
    label, shares = _check_shares(context, contest_id, cts, shares)
    alphas = _alphas(cts)
    for sh in shares:
        i = sh.guardian_index
        who = f"contest {contest_id}: slot shares of guardian {i}"
        j = _first_bad_point(sh.shares)
        if j is not None:
            raise InvalidEncoding(f"{who}: the share of slot {j} does not decode")
        try:
            a, b = Point.from_bytes(sh.proof[:32]), Point.from_bytes(sh.proof[32:64])
        except InvalidEncoding:
            raise InvalidProof(f"{who}: a proof commitment does not decode") from None
        v = Scalar.from_bytes(sh.proof[64:])
        k_i = context.public_share(i)
        seed = weight_seed(label, i, k_i.to_bytes(), sh.shares)
        r = b"".join([x.to_bytes(32, "little") for x in rho(seed, 0, n)])
        a_star, d_star = msm_vartime_raw(r, alphas), msm_vartime_raw(r, sh.shares)
        c = Scalar.from_int(proof_challenge(seed, a.to_bytes(), b.to_bytes()))
        if G_TABLE.mul(v) != a + c * k_i or v * a_star != b + c * d_star:
            raise InvalidProof(f"{who}: the batched Chaum-Pedersen proof does not verify")
    if dec is None:
        return
    combined = _combine(shares, cts)
    table = value_table(n_candidates)
    m = 0
    for j, (point, v) in enumerate(zip(combined, dec.values)):
        if v == MARK:
            want, m = dec.marks[32 * m:32 * m + 32], m + 1
            shown = "a mark"
        else:
            want = G_TABLE.mul(Scalar.from_int(v)).to_bytes()
            shown = f"the value {v}"
        if point != want:
            found = table.get(point)
            got = f"the value {found}" if found else "a mark"
            raise TallyMismatch(f"contest {contest_id}: slot {j}: the shares decrypt to "
                                f"{got}, but the decryption publishes {shown}")


# ------------------------------------------------------------------ combiner (section 4.3)

def combine_chunk(cts: bytes, shares: Tuple[bytes, ...], scalars: bytes) -> bytes:
    """enc(M_j) = enc(B_j - sum_i lambda_i D_ij) for each slot of a chunk, concatenated
    (a pure function of bytes: a task for run_tasks). scalars: le32(1) then le32(-lambda_i)
    per share set, in the order of `shares`."""
    out = []
    for j in range(len(cts) // 64):
        pts = cts[64 * j + 32:64 * j + 64] + b"".join([sh[32 * j:32 * j + 32]
                                                       for sh in shares])
        out.append(msm_vartime_raw(scalars, pts).to_bytes())
    return b"".join(out)


def _combine(shares: Sequence[SlotShares], cts: bytes, run: Runner = None,
             task_slots: int = TASK_SLOTS) -> List[bytes]:
    """enc(M_j) for each slot, Lagrange over all shares; chunk tasks on `run`."""
    lam = lagrange_coefficients([sh.guardian_index for sh in shares])
    scalars = _le(1) + b"".join(_le(-lam[sh.guardian_index]) for sh in shares)
    n = len(cts) // 64
    tasks = [(cts[64 * lo:64 * min(n, lo + task_slots)],
              tuple(sh.shares[32 * lo:32 * min(n, lo + task_slots)] for sh in shares), scalars)
             for lo in range(0, n, task_slots)]
    blob = b"".join((run or _run_local)(combine_chunk, tasks))
    return [blob[32 * j:32 * j + 32] for j in range(n)]


def decrypt_slots(context: ElectionContext, contest_id: str, n_candidates: int, cts: bytes,
                  shares: Sequence[SlotShares], rng: Rng = os.urandom,
                  run: Runner = _run_local) -> SlotDecryption:
    """The combiner: verify every share set given, require at least t distinct guardians,
    combine them all and classify each slot (value 1..N+1, else its point as a mark).
    `run` runs the verification's and the combination's chunk tasks (run_tasks)."""
    verify_slot_shares(context, contest_id, cts, shares, rng, run)
    label, shares = _check_shares(context, contest_id, cts, shares)
    if len(shares) < context.threshold:
        raise NotEnoughShares(f"contest {contest_id}: slot shares of {len(shares)} "
                              f"guardian(s); the threshold is {context.threshold}")
    table = value_table(n_candidates)
    values, marks = [], []
    for point in _combine(shares, cts, run):
        v = table.get(point)
        if v is None:
            values.append(MARK)
            marks.append(point)
        else:
            values.append(v)
    return SlotDecryption(n_candidates, tuple(sh.guardian_index for sh in shares), label,
                          tuple(values), b"".join(marks))


def slot_counts(decryption: SlotDecryption) -> List[int]:
    """Votes per candidate (manifest order: value v is candidate v-1), then blank ballots
    (value N+1). Marks count for nobody."""
    counts = [0] * (decryption.n_candidates + 1)
    for v in decryption.values:
        if v != MARK:
            counts[v - 1] += 1
    return counts
