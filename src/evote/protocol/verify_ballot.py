"""Ballot verification, one by one and in batch (specs/protocol.md section 7).

verify_ballot(context, manifest, ballot) raises InvalidProof naming the ballot, contest,
candidate, branch and equation that fails. By default it first checks all the ballot's
equations at once (one MSM over that ballot, random weights, as below) and evaluates the
equations one at a time only when that fails, to name the culprit; exact=True evaluates
every equation on its own from the start (the plain way, slower, no randomness).

verify_ballots_batch(context, manifest, ballots) checks all ballots with ONE multi-scalar
multiplication: every verification equation (E1, E2 of every branch of every proof, in
the form  A + c*alpha - v*G = 0  and  B + c*beta - c*j*G - v*K = 0) is multiplied by an
independent 128-bit weight from os.urandom, all are summed, the coefficients of G and K
and of each ciphertext point are merged, and the MSM over the raw encodings (decoded and
validated inside msm_vartime_raw) must give the identity. A false statement passes with
probability at most about 2^-128 per batch. On failure the batch is bisected, and every
ballot that fails alone is checked equation by equation for the precise error; the function
then raises BatchVerificationError listing every failing ballot. Every failing ballot's
error, on every path, is the first fault of the exact path (its order: contests, then
within a contest each selection's scalars and equations, the blank indicator's, the
range proof's), so all verifiers give the same verdict and the same text on every input.

verify_ballots_batch_summed(context, manifest, ballots, counted) is the same check that
also returns the homomorphic sums of the counted ballots' ciphertexts, taken from the
points the MSM decodes anyway (the verifier's tally recomputation, V11, at no extra
decoding); on any failure it raises like verify_ballots_batch and makes no sums.

Slot contests (manifest encoding "slots", specs/slot-ballot.md) are checked by
slot_range: one by one in the exact path's contest order, in batch by ONE
verify_range_slots_batch per contest over the batch's ballots; they have no homomorphic
sums (their slots are mixed, then decrypted). A ballot whose contest has the other
encoding than the manifest's is refused by the structure check.

Everything here is public data: Python ints mod l, variable-time C routines.
"""
from __future__ import annotations

import os
from typing import List, NamedTuple, Sequence, Tuple

import numpy as np

from evote.errors import EvoteError, EvoteTypeError, EvoteValueError, InvalidEncoding, InvalidProof
from evote._bindings import verify01_coefs_vartime
from evote.group import (Point, Scalar, aggregate_vartime, double_mul_vartime,
                         msm_colsum_vartime_raw, msm_vartime_raw)

from .disjunctive import DisjunctiveProof, challenge_int
from .encrypted_ballot import BALLOT_ID_SIZE, EncryptedBallot, EncryptedContest, is_slot_contest
from .slot_range import verify_range_slots, verify_range_slots_batch
from .slot_ballot import SlotBatchError
from evote.hashing import HashPrefix, digest64, text, u64
from evote.manifest import Manifest

from .proof_statements import (BLANK_TAG, CONTEST_TAG, SELECTION_TAG, blank_statement,
                               contest_statement, selection_statement)

L_ORDER = Scalar.ORDER
G_BYTES = Point.generator().to_bytes()
IDENTITY_BYTES = bytes(32)
WEIGHT_BYTES = 16  # 128-bit batch weights


class BallotFailure(NamedTuple):
    index: int          # position in the list given to verify_ballots_batch
    ballot_id: bytes
    error: InvalidProof


class BatchVerificationError(InvalidProof):
    """Some ballots of a batch do not verify; .failures lists every one (index order)."""

    def __init__(self, failures: Sequence[BallotFailure], total: int):
        self.failures = tuple(failures)
        lines = [f"{len(self.failures)} of {total} ballots do not verify:"]
        lines += [f"  [{f.index}] {f.error}" for f in self.failures[:20]]
        if len(self.failures) > 20:
            lines.append(f"  ... and {len(self.failures) - 20} more")
        super().__init__("\n".join(lines))


def _bid(ballot) -> str:
    b = getattr(ballot, "ballot_id", b"")
    return b.hex() if isinstance(b, bytes) else repr(b)


def _scalar(raw, where: str, what: str) -> int:
    """A proof scalar: exactly 32 bytes, canonical (< l), else InvalidProof."""
    if not isinstance(raw, bytes) or len(raw) != 32:
        raise InvalidProof(f"{where}: {what} is not 32 bytes")
    x = int.from_bytes(raw, "little")
    if x >= L_ORDER:
        raise InvalidProof(f"{where}: {what} is not a canonical scalar (>= l)")
    return x


def _proof_scalars(proof: DisjunctiveProof, c: int, lo: int, hi: int, where: str):
    """The per-branch challenges (the last one derived) and responses, as ints."""
    nb = hi - lo + 1
    if (len(proof.commitments) != 2 * nb or len(proof.challenges) != nb - 1
            or len(proof.responses) != nb):
        raise InvalidProof(f"{where}: proof does not have {nb} branches")
    for i, a in enumerate(proof.commitments):
        if not isinstance(a, bytes) or len(a) != 32:
            raise InvalidProof(f"{where}: commitment {i} is not 32 bytes")
    cs = [_scalar(x, where, f"challenge c_{lo + i}") for i, x in enumerate(proof.challenges)]
    cs.append((c - sum(cs)) % L_ORDER)
    vs = [_scalar(x, where, f"response v_{lo + i}") for i, x in enumerate(proof.responses)]
    return cs, vs


class _Contest(NamedTuple):
    enc: object        # EncryptedContest, or SlotRangeContest (a slot contest)
    contest: object    # manifest Contest
    where: str


def _structure(manifest, ballot) -> List[_Contest]:
    """Checks shared by both verifiers: the ballot matches its style in the manifest."""
    if not isinstance(ballot, EncryptedBallot):
        raise InvalidProof(f"expected an EncryptedBallot, got {type(ballot).__name__}")
    bid = ballot.ballot_id.hex()
    if len(ballot.ballot_id) != BALLOT_ID_SIZE:
        raise InvalidProof(f"ballot {bid}: ballot id is not 32 bytes")
    try:
        style = manifest.style(ballot.style_id)
    except EvoteError:
        raise InvalidProof(f"ballot {bid}: style {ballot.style_id!r} is not in the manifest") \
            from None
    ids = tuple(c.contest_id for c in ballot.contests)
    if ids != style.contest_ids:
        raise InvalidProof(f"ballot {bid}: contests {list(ids)} are not those of style "
                           f"{ballot.style_id!r} {list(style.contest_ids)} in order")
    out = []
    for enc in ballot.contests:
        contest = manifest.contest(enc.contest_id)
        where = f"ballot {bid}: contest {enc.contest_id!r}"
        if is_slot_contest(enc) != contest.uses_slots:
            raise InvalidProof(f"{where}: the manifest's encoding is {contest.encoding!r}, the "
                               "ballot carries " + ("choice slots" if is_slot_contest(enc)
                                                    else "per-candidate ciphertexts"))
        if is_slot_contest(enc):   # slot_range checks its shape (W1-W2) and proofs
            out.append(_Contest(enc, contest, where))
            continue
        n = len(contest.candidates)
        if len(enc.selections) != n:
            raise InvalidProof(f"{where}: {len(enc.selections)} selections, the contest has "
                               f"{n} candidates")
        if enc.range_proof.branches != contest.max_choices:
            raise InvalidProof(f"{where}: range proof has {enc.range_proof.branches} branches, "
                               f"max_choices is {contest.max_choices}")
        for s in (*enc.selections, enc.blank):
            if (not isinstance(s.alpha, bytes) or len(s.alpha) != 32
                    or not isinstance(s.beta, bytes) or len(s.beta) != 32):
                raise InvalidProof(f"{where}: a ciphertext field is not 32 bytes")
        out.append(_Contest(enc, contest, where))
    return out


def _range_where(where: str, big_l: int) -> str:
    return f"{where}: range proof (choices + {big_l}*blank in [1, {big_l}])"


# ---------------------------------------------------------------- one by one (exact)

def _check_branches(proof, cs, vs, lo: int, alpha: bytes, beta: bytes, k_bytes: bytes,
                    where: str) -> None:
    """E1(j) and E2(j) for every branch, each evaluated exactly and compared with the raw
    commitment bytes (a commitment that is not a canonical encoding never matches)."""
    for i, (c_j, v_j) in enumerate(zip(cs, vs)):
        j = lo + i
        neg_c = (L_ORDER - c_j) % L_ORDER
        try:
            e1 = double_mul_vartime(neg_c, alpha, v_j).to_bytes()       # v*G - c*alpha
        except InvalidEncoding as e:
            raise InvalidProof(f"{where}: alpha is not a valid point ({e})") from None
        if e1 != proof.commitments[2 * i]:
            raise InvalidProof(f"{where}: branch {j}: equation E1 (v*G == A + c*alpha) fails")
        sc = v_j.to_bytes(32, "little") + neg_c.to_bytes(32, "little")
        pts = k_bytes + beta
        if j:
            sc += (c_j * j % L_ORDER).to_bytes(32, "little")
            pts += G_BYTES
        try:
            e2 = msm_vartime_raw(sc, pts).to_bytes()                 # v*K - c*beta + c*j*G
        except InvalidEncoding as e:
            raise InvalidProof(f"{where}: beta is not a valid point ({e})") from None
        if e2 != proof.commitments[2 * i + 1]:
            raise InvalidProof(f"{where}: branch {j}: equation E2 "
                               f"(v*K == B + c*(beta - {j}*G)) fails")


def _check_args(context, manifest) -> None:
    """EvoteTypeError unless the verifiers can use `context` (a 32-byte base_hash and a
    joint_key Point, as an ElectionContext has) and `manifest` (a Manifest)."""
    base_hash = getattr(context, "base_hash", None)
    if not isinstance(base_hash, bytes) or len(base_hash) != 32 or \
            not isinstance(getattr(context, "joint_key", None), Point):
        raise EvoteTypeError("context must be an ElectionContext (32-byte base_hash, "
                             "joint_key)")
    if not isinstance(manifest, Manifest):
        raise EvoteTypeError(f"manifest must be a Manifest, not {type(manifest).__name__}")


def verify_ballot(context, manifest, ballot: EncryptedBallot, *, exact: bool = False) -> None:
    """Check every proof of `ballot`; raise InvalidProof naming the ballot, contest,
    candidate (code and position), branch and equation that fails.

    exact=False (default): one MSM over all the ballot's equations with random weights
    (a false equation passes with probability <= 2^-128); only if it fails are the
    equations evaluated one by one to name the failure. exact=True: every equation is
    evaluated on its own (section 7.1 of the spec, no randomness)."""
    _check_args(context, manifest)
    if not exact:
        try:
            prepared = _prepare(context, manifest, ballot)
        except InvalidProof as e:
            raise _first_fault(context, manifest, ballot, e) from None
        if _msm_is_identity([prepared], context.joint_key.to_bytes()):
            try:
                for enc in ballot.slot_contests():
                    verify_range_slots(context, manifest.contest(enc.contest_id),
                                       ballot.ballot_id, enc)
                return
            except InvalidProof as e:   # the exact path names the first fault
                raise _first_fault(context, manifest, ballot, e) from None
    _verify_exact(context, manifest, ballot)
    if not exact:  # unreachable: a sum of true equations is the identity
        raise InvalidProof(f"ballot {_bid(ballot)}: the ballot's weighted equation fails")


def _first_fault(context, manifest, ballot, found: InvalidProof) -> InvalidProof:
    """The fault the exact path names first (its checks in their order, equations
    included), for a ballot in which _prepare found `found` without group arithmetic:
    so that every verifier names the same fault of a ballot with several."""
    try:
        _verify_exact(context, manifest, ballot)
    except InvalidProof as e:
        return e
    return found   # unreachable: the exact path checks everything _prepare does


def _verify_exact(context, manifest, ballot: EncryptedBallot) -> None:
    contests = _structure(manifest, ballot)
    base, bid, k_bytes = context.base_hash, ballot.ballot_id, context.joint_key.to_bytes()
    for ct in contests:
        enc, contest, where = ct
        if is_slot_contest(enc):
            verify_range_slots(context, contest, bid, enc)
            continue
        cid = enc.contest_id
        n = len(contest.candidates)
        for i, sel in enumerate(enc.selections):
            w = f"{where}: candidate {contest.candidates[i].code} (position {i})"
            c = challenge_int(SELECTION_TAG,
                              selection_statement(base, bid, cid, i, sel.alpha + sel.beta),
                              sel.proof.commitments)
            cs, vs = _proof_scalars(sel.proof, c, 0, 1, w)
            _check_branches(sel.proof, cs, vs, 0, sel.alpha, sel.beta, k_bytes, w)
        b = enc.blank
        w = f"{where}: blank indicator"
        c = challenge_int(BLANK_TAG, blank_statement(base, bid, cid, n, b.alpha + b.beta),
                          b.proof.commitments)
        cs, vs = _proof_scalars(b.proof, c, 0, 1, w)
        _check_branches(b.proof, cs, vs, 0, b.alpha, b.beta, k_bytes, w)
        # The range proof is about (sum alpha_i + L*alpha_b, sum beta_i + L*beta_b).
        big_l = contest.max_choices
        w = _range_where(where, big_l)
        c = challenge_int(CONTEST_TAG, contest_statement(base, bid, cid, big_l,
                                                         enc.ciphertexts_bytes()),
                          enc.range_proof.commitments)
        cs, vs = _proof_scalars(enc.range_proof, c, 1, big_l, w)
        weights = b"".join([(1).to_bytes(32, "little")] * n + [big_l.to_bytes(32, "little")])
        alpha_s = msm_vartime_raw(weights, b"".join(s.alpha for s in enc.selections)
                                  + b.alpha).to_bytes()
        beta_s = msm_vartime_raw(weights, b"".join(s.beta for s in enc.selections)
                                 + b.beta).to_bytes()
        _check_branches(enc.range_proof, cs, vs, 1, alpha_s, beta_s, k_bytes, w)


# ---------------------------------------------------------------- batch

class _Prepared(NamedTuple):
    scalars: bytes   # the ballot's weighted coefficients, 32 bytes each
    points: bytes    # the matching raw encodings
    g: int           # coefficient of G (not reduced)
    k: int           # coefficient of K (not reduced)


_Z16 = bytes(16)


def _prepare(context, manifest, ballot) -> _Prepared:
    """The ballot's share of the batch equation, with fresh random weights. Raises
    InvalidProof for what needs no group arithmetic (structure, sizes, scalars); callers
    report _first_fault instead, the exact path's precise error for the ballot.

    Weights are uniform 128-bit integers from os.urandom. Per contest, the 0/1 proofs'
    coefficients (the weighted equations written out in csrc/verify_coefs.c) come from
    one C call; the range proof's few terms are computed here. A commitment's coefficient
    is its weight itself: 16 random bytes then 16 zero bytes (little-endian).
    """
    contests = [c for c in _structure(manifest, ballot) if not is_slot_contest(c.enc)]
    base, bid = context.base_hash, ballot.ballot_id
    n_w = sum(4 * (len(c.enc.selections) + 1) + 2 * c.contest.max_choices for c in contests)
    rnd = os.urandom(WEIGHT_BYTES * n_w)
    q = 0  # next weight index
    scalars: List[bytes] = []
    points: List[bytes] = []
    g = k = 0
    for enc, contest, where in contests:
        cid_t = text(enc.contest_id)
        n = len(contest.candidates)
        big_l = contest.max_choices
        sels = enc.selections + (enc.blank,)
        parts: List[bytes] = []   # per slot: digest, c_0, v_0, v_1 (verify01_coefs_vartime)
        sel_head = HashPrefix(SELECTION_TAG, base, bid, cid_t)   # the statements' common head
        for i, sel in enumerate(sels):
            proof = sel.proof
            comm = b"".join(proof.commitments)
            ct = sel.alpha + sel.beta
            if i < n:
                parts.append(sel_head.digest64(u64(i), ct, comm))
            else:
                parts.append(digest64(BLANK_TAG, base, bid, cid_t, u64(i), ct, comm))
            try:
                (c0b,), (v0b, v1b) = proof.challenges, proof.responses
                a0, b0, a1, b1 = proof.commitments
                ok = (len(a0) == 32 and len(b0) == 32 and len(a1) == 32 and len(b1) == 32
                      and type(c0b) is bytes and type(v0b) is bytes and type(v1b) is bytes
                      and len(c0b) == 32 and len(v0b) == 32 and len(v1b) == 32)
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise InvalidProof(f"{where}: a malformed 0/1 proof")
            parts += (c0b, v0b, v1b)
            points.append(ct)
            points.append(comm)
        rp = enc.range_proof
        comm = b"".join(rp.commitments)
        c = int.from_bytes(digest64(CONTEST_TAG, *contest_statement(
            base, bid, enc.contest_id, big_l, enc.ciphertexts_bytes()), comm), "little") % L_ORDER
        cs, vs = _proof_scalars(rp, c, 1, big_l, _range_where(where, big_l))
        q_r = q + 4 * len(sels)   # the range proof's 2L weights follow the slots' 4 each
        r_w = rnd[WEIGHT_BYTES * q_r:WEIGHT_BYTES * (q_r + 2 * big_l)]
        a_s = b_s = 0
        for i in range(big_l):
            w1 = int.from_bytes(r_w[32 * i:32 * i + 16], "little")
            w2 = int.from_bytes(r_w[32 * i + 16:32 * i + 32], "little")
            a_s += w1 * cs[i]
            b_s += w2 * cs[i]
            g -= w1 * vs[i] + w2 * cs[i] * (i + 1)
            k -= w2 * vs[i]
        # alpha_s = sum alpha_i + L*alpha_b (same for beta): the range terms go to every
        # selection's coefficients, times L to the blank indicator's.
        a_s %= L_ORDER
        b_s %= L_ORDER
        extra = b"".join(x.to_bytes(32, "little") for x in
                         (a_s, b_s, a_s * big_l % L_ORDER, b_s * big_l % L_ORDER))
        # Per 0/1 proof, weights w1..w4 on  A0 + c0*alpha - v0*G,  B0 + c0*beta - v0*K,
        # A1 + c1*alpha - v1*G,  B1 + c1*beta - c1*G - v1*K  (c1 = c - c0), all = 0.
        try:
            coefs, g_sel, k_sel = verify01_coefs_vartime(
                b"".join(parts), rnd[WEIGHT_BYTES * q:WEIGHT_BYTES * q_r], extra)
        except InvalidEncoding:
            raise InvalidProof(f"{where}: a 0/1 proof scalar is not canonical") from None
        g -= int.from_bytes(g_sel, "little")
        k -= int.from_bytes(k_sel, "little")
        scalars.append(coefs)
        scalars.append(b"".join([r_w[o:o + 16] + _Z16 for o in range(0, len(r_w), 16)]))
        q = q_r + 2 * big_l
        points.append(comm)
    sblob = b"".join(scalars)
    pblob = b"".join(points)
    if len(sblob) != len(pblob):  # a field of the wrong size slipped through
        raise InvalidProof(f"ballot {_bid(ballot)}: a field is not 32 bytes")
    return _Prepared(sblob, pblob, g, k)


def _batch_blobs(items: Sequence[_Prepared], k_bytes: bytes) -> Tuple[bytes, bytes]:
    g = sum(p.g for p in items) % L_ORDER
    k = sum(p.k for p in items) % L_ORDER
    scalars = b"".join([p.scalars for p in items]) + g.to_bytes(32, "little") \
        + k.to_bytes(32, "little")
    points = b"".join([p.points for p in items]) + G_BYTES + k_bytes
    return scalars, points


def _msm_is_identity(items: Sequence[_Prepared], k_bytes: bytes) -> bool:
    try:
        return msm_vartime_raw(*_batch_blobs(items, k_bytes)).to_bytes() == IDENTITY_BYTES
    except InvalidEncoding:
        return False


def _column_template(manifest, ballot) -> Tuple[Tuple[str, int], ...]:
    """The ballot's contests as (contest id, n candidates), in its (checked) order."""
    return tuple((c.contest_id, len(manifest.contest(c.contest_id).candidates))
                 for c in ballot.contests if isinstance(c, EncryptedContest))


_NONE = -1


def _columns(layout, offsets, manifest) -> np.ndarray:
    """Column index of every point _prepare puts in a ballot's blob, for a ballot whose
    contests are `layout`: per contest, selection i (then the blank indicator, i = n)
    brings alpha_i, beta_i (columns off + 2i, off + 2i + 1) and its four commitments
    (none), then the range proof's 2L commitments (none)."""
    parts = []
    for cid, n in layout:
        big_l = manifest.contest(cid).max_choices
        block = np.full(6 * (n + 1) + 2 * big_l, _NONE, dtype=np.int32)
        idx = np.arange(n + 1, dtype=np.int32)
        block[6 * idx] = offsets[cid] + 2 * idx
        block[6 * idx + 1] = offsets[cid] + 2 * idx + 1
        parts.append(block)
    # a style of slot contests only has no per-candidate column (X: the demo's city)
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)


def _batch_columns(manifest, ballots, ready, counted):
    """(offsets, width, columns bytes) for msm_colsum_vartime_raw over the ready ballots:
    offsets maps each contest id (first appearance order) to (first column, 2(n+1));
    counted ballots' ciphertexts get their columns, everything else -1. None when a
    ballot's blob does not have the layout _columns expects (then no sums are made)."""
    offsets, width, templates, cols = {}, 0, {}, []
    for idx, prep in ready:
        layout = _column_template(manifest, ballots[idx])
        for cid, n in layout:
            if cid not in offsets:
                offsets[cid] = (width, 2 * (n + 1))
                width += 2 * (n + 1)
        n_points = len(prep.points) // 32
        if counted[idx]:
            t = templates.get(layout)
            if t is None:
                t = templates[layout] = _columns(layout, {c: o for c, (o, _) in offsets.items()},
                                                 manifest)
            if len(t) != n_points:
                return None
            cols.append(t)
        else:
            cols.append(np.full(n_points, _NONE, dtype=np.int32))
    cols.append(np.full(2, _NONE, dtype=np.int32))   # G and K
    return offsets, width, np.concatenate(cols).tobytes()


def _verify(context, manifest, ballots, counted):
    """(failures, sums): the batch check of verify_ballots_batch; when counted is given and
    every ballot verifies, also the column sums of the counted ballots' ciphertexts from
    the same MSM (else sums is None)."""
    _check_args(context, manifest)
    k_bytes = context.joint_key.to_bytes()
    failures: List[BallotFailure] = []
    ready: List[Tuple[int, _Prepared]] = []
    for idx, ballot in enumerate(ballots):
        try:
            ready.append((idx, _prepare(context, manifest, ballot)))
        except InvalidProof as e:
            failures.append(BallotFailure(idx, getattr(ballot, "ballot_id", b""),
                                          _first_fault(context, manifest, ballot, e)))

    def bisect(group: List[Tuple[int, _Prepared]]) -> None:
        if not group or _msm_is_identity([p for _, p in group], k_bytes):
            return
        failing(group)

    def failing(group: List[Tuple[int, _Prepared]]) -> None:
        # the group's equation fails: name the ballots
        if len(group) == 1:
            idx = group[0][0]
            try:
                verify_ballot(context, manifest, ballots[idx], exact=True)
                err = InvalidProof(f"ballot {_bid(ballots[idx])}: the batch equation fails")
            except InvalidProof as e:
                err = e
            failures.append(BallotFailure(idx, ballots[idx].ballot_id, err))
            return
        half = len(group) // 2
        bisect(group[:half])
        bisect(group[half:])

    _verify_slots(context, manifest, ballots, ready, failures)
    sums = None
    cols = None if counted is None or failures or not ready else \
        _batch_columns(manifest, ballots, ready, counted)
    if cols is None:
        bisect(ready)
    else:
        offsets, width, column_array = cols
        sblob, pblob = _batch_blobs([p for _, p in ready], k_bytes)
        try:
            total, flat = msm_colsum_vartime_raw(sblob, pblob, column_array, width)
            ok = total.to_bytes() == IDENTITY_BYTES
        except InvalidEncoding:
            ok = False
        if ok:
            sums = {cid: flat[off:off + w] for cid, (off, w) in offsets.items()}
        else:
            failing(ready)
    once = {}   # a ballot failing in both its slot and its per-candidate contests: once
    for f in failures:
        once.setdefault(f.index, f)
    failures[:] = list(once.values())
    failures.sort(key=lambda f: f.index)
    return failures, sums


def _verify_slots(context, manifest, ballots, ready, failures) -> None:
    """The slot contests of the ready ballots: ONE verify_range_slots_batch per contest;
    each failing ballot is added to `failures` with the exact path's first fault."""
    groups: dict = {}   # contest id -> [ballot index]
    for idx, _ in ready:
        for enc in ballots[idx].slot_contests():
            groups.setdefault(enc.contest_id, []).append(idx)
    bad = set()
    for cid, idxs in groups.items():
        contest = manifest.contest(cid)
        items = [(ballots[i].ballot_id, ballots[i].contest(cid)) for i in idxs]
        try:
            verify_range_slots_batch(context, contest, items)
        except SlotBatchError as exc:
            located = [idxs[f.index] for f in exc.failures if 0 <= f.index < len(idxs)]
            bad.update(located or idxs)   # not located (2^-128 or a bug): every item
        except InvalidProof:
            bad.update(idxs)
    for idx in sorted(bad):
        try:
            _verify_exact(context, manifest, ballots[idx])
            err = InvalidProof(f"ballot {_bid(ballots[idx])}: the slot batch equation fails")
        except InvalidProof as e:
            err = e
        failures.append(BallotFailure(idx, ballots[idx].ballot_id, err))


def verify_ballots_batch(context, manifest, ballots: Sequence[EncryptedBallot]) -> int:
    """Verify all `ballots` with one MSM (see the module docstring). Returns how many
    were verified; raises BatchVerificationError naming every failing ballot."""
    ballots = list(ballots)
    failures, _ = _verify(context, manifest, ballots, None)
    if failures:
        raise BatchVerificationError(failures, len(ballots))
    return len(ballots)


def verify_ballots_batch_summed(context, manifest, ballots: Sequence[EncryptedBallot],
                                counted: Sequence[bool]) -> dict:
    """verify_ballots_batch, and from the same MSM (one decode per point) the homomorphic
    sums of the ballots with counted[i] true: contest id -> [alpha_0, beta_0, ...,
    alpha_n, beta_n] (n candidates, then the blank indicator), the contests of the ballots
    in order of first appearance. Raises BatchVerificationError like
    verify_ballots_batch; then no sums are made (sum the ballots that verified apart)."""
    ballots = list(ballots)
    counted = [bool(c) for c in counted]
    if len(counted) != len(ballots):
        raise EvoteValueError(f"verify_ballots_batch_summed: {len(counted)} counted flags "
                              f"for {len(ballots)} ballots")
    failures, sums = _verify(context, manifest, ballots, counted)
    if failures:
        raise BatchVerificationError(failures, len(ballots))
    if sums is None:   # verified without the column sums (an unexpected layout): sum apart
        sums = _sums_apart(manifest, ballots, counted)
    return sums


def _sums_apart(manifest, ballots, counted) -> dict:
    """The sums of verify_ballots_batch_summed by aggregate_vartime, per contest."""
    rows: dict = {}
    for ballot, c in zip(ballots, counted):
        for enc in ballot.per_candidate_contests():
            rows.setdefault(enc.contest_id, [])
            if c:
                rows[enc.contest_id].append(enc.ciphertexts_bytes())
    out = {}
    for cid, r in rows.items():
        width = 2 * (len(manifest.contest(cid).candidates) + 1)
        out[cid] = aggregate_vartime(b"".join(r), len(r), width) if r else \
            [IDENTITY_BYTES] * width
    return out
