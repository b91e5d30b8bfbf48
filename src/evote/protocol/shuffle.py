"""Verifiable re-encryption shuffle of ElGamal ciphertexts (Terelius-Wikstrom proof).

specs/shuffle.md is normative; section numbers below refer to it.

    shuffle(pk, ciphertexts, rng=os.urandom, label=b"") -> (outputs, ShuffleProof)
    verify_shuffle(pk, inputs, outputs, proof, label=b"", map_tasks=None, chunk=None)
    verify_shuffle_chain(pk, lists, proofs, labels, map_tasks=None, chunk=None)
    prepare_verify / prepare_verify_chain -> ShuffleCheck (.tasks, verify_chunk, .finish)

Output i is input pi(i) re-encrypted under pk with a fresh nonce; the proof shows that
the outputs are a permutation of re-encryptions of the inputs and reveals nothing else.
Invariants: the prover's secrets (pi, the nonces, the sigma-protocol randomness, and
u'_i = u_{pi(i)}, which would reveal pi) enter the C core only through constant-time
products (fixed-base tables for G, pk and Q, Scalar * Point) and constant-time Scalar
arithmetic; none is kept or returned. The verifier hashes the raw bytes, then checks
every equation at once with random weights: one msm over the 6N decoded points and the N
generators (made inside C), which prepare_verify cuts into chunk tasks (pure functions of
bytes) for a process pool or Dask; it evaluates equations one by one only to name the
first that fails.
"""
from __future__ import annotations

import os
from typing import Callable, List, Optional, Sequence, Tuple

from evote._bindings import shuffle_chain_chunk_vartime
from evote.errors import EvoteTypeError, EvoteValueError, InvalidEncoding, InvalidProof
from evote.group import (G_TABLE, FixedBase, Point, Scalar, msm_vartime, msm_vartime_raw,
                         validate_points)
from evote.hashing import HashPrefix, digest64, u64

from .elgamal import Ciphertext
from .shuffle_codec import MAX_N, ShuffleProof

Rng = Callable[[int], bytes]

TAG_GENERATOR = "evote/v1/shuffle-generator"
TAG_STATEMENT = "evote/v1/shuffle-statement"
TAG_U = "evote/v1/shuffle-u"
TAG_CHAIN = "evote/v1/shuffle-chain"
TAG_CHALLENGE = "evote/v1/shuffle-challenge"
MAX_LABEL = 2**16
L = Scalar.ORDER
_G_BYTES = Point.generator().to_bytes()

__all__ = ["shuffle", "verify_shuffle", "verify_shuffle_chain", "prepare_verify",
           "prepare_verify_chain", "verify_chunk", "ShuffleCheck",
           "generators", "statement_fields", "u_values", "challenge_fields", "ShuffleProof"]


# ------------------------------------------------------------------ public values (3, 4.2)

_GENERATORS: List[bytes] = []  # Q_0, Q_1, ... encodings, grown on demand (public data)


def generators(n: int) -> List[bytes]:
    """Encodings of Q_0..Q_n (section 3): Q_0 is the chain base Q, Q_i = h_i."""
    while len(_GENERATORS) <= n:
        k = len(_GENERATORS)
        _GENERATORS.append(
            Point.from_uniform_bytes(digest64(TAG_GENERATOR, u64(k))).to_bytes())
    return _GENERATORS[:n + 1]


def statement_fields(pk: bytes, label: bytes, inputs: bytes, outputs: bytes,
                     commitments: bytes, n: int) -> Tuple[bytes, ...]:
    """The fields of sigma = digest64("evote/v1/shuffle-statement"; ...) (section 4.2)."""
    return (label, pk, u64(n), inputs, outputs, commitments)


def u_values(sigma: bytes, n: int) -> List[int]:
    """u_1..u_N as ints in [0, l) (section 4.2)."""
    return u_chunk(sigma, 0, n)


def chain_challenge(sigma: bytes, chain: bytes) -> int:
    """e = digest64("evote/v1/shuffle-chain"; sigma, chat_1..chat_N) mod l (section 4.3);
    the chain equations are weighted by e_i = e^i."""
    return int.from_bytes(digest64(TAG_CHAIN, sigma, chain), "little") % L


def challenge_fields(sigma: bytes, chain: bytes, t: bytes) -> Tuple[bytes, ...]:
    """The fields of c = digest64("evote/v1/shuffle-challenge"; ...) (section 4.4)."""
    return (sigma, chain, t)


def _challenge(fields: Tuple[bytes, ...]) -> int:
    return int.from_bytes(digest64(TAG_CHALLENGE, *fields), "little") % L


# ------------------------------------------------------------------ argument checks

def _check_pk(pk) -> Point:
    if not isinstance(pk, Point):
        raise EvoteTypeError(f"shuffle: pk must be Point, not {type(pk).__name__}")
    return pk


def _check_label(label) -> bytes:
    if not isinstance(label, bytes):
        raise EvoteTypeError(f"shuffle: label must be bytes, not {type(label).__name__}")
    if len(label) > MAX_LABEL:
        raise EvoteValueError(f"shuffle: label is {len(label)} bytes, above {MAX_LABEL}")
    return label


def _check_ciphertexts(what: str, cts) -> List[Ciphertext]:
    if not isinstance(cts, (list, tuple)):
        raise EvoteTypeError(f"{what} must be a list of Ciphertext, not {type(cts).__name__}")
    for i, ct in enumerate(cts):
        if not isinstance(ct, Ciphertext):
            raise EvoteTypeError(f"{what}[{i}] must be Ciphertext, not {type(ct).__name__}")
    if len(cts) > MAX_N:
        raise EvoteValueError(f"{what}: {len(cts)} ciphertexts, above 2^31 - 1")
    return list(cts)


def _blob(cts: Sequence[Ciphertext]) -> bytes:
    return b"".join([ct.to_bytes() for ct in cts])


# ------------------------------------------------------------------ prover (4.1-4.6)

def _scalar(rng: Rng) -> Scalar:
    b = rng(64)
    if type(b) is not bytes or len(b) != 64:
        raise EvoteValueError("shuffle: rng(64) must return 64 bytes")
    return Scalar.from_wide_bytes(b)


def _permutation(n: int, rng: Rng) -> List[int]:
    """pi as a 0-based list, Fisher-Yates as in section 4.6 step 1."""
    perm = list(range(n))
    for k in range(n, 1, -1):
        b = rng(16)
        if type(b) is not bytes or len(b) != 16:
            raise EvoteValueError("shuffle: rng(16) must return 16 bytes")
        x = int.from_bytes(b, "little") % k
        perm[k - 1], perm[x] = perm[x], perm[k - 1]
    return perm


def _sum(points: Sequence[Point], start: Point) -> Point:
    acc = start
    for p in points:
        acc = acc + p
    return acc


def _powers(e: int, n: int) -> List[int]:
    """e^1, ..., e^n mod l (public: the chain weights e_i of 4.3)."""
    out, x = [], e % L
    for _ in range(n):
        out.append(x)
        x = x * e % L
    return out


def shuffle(pk: Point, ciphertexts: Sequence[Ciphertext], rng: Rng = os.urandom,
            label: bytes = b"") -> Tuple[List[Ciphertext], ShuffleProof]:
    """Re-encrypt and permute `ciphertexts` under pk; return (outputs, proof).

    rng is the randomness source (os.urandom; seeded_rng for test vectors only)."""
    pk, label = _check_pk(pk), _check_label(label)
    inputs = _check_ciphertexts("shuffle: ciphertexts", ciphertexts)
    if not callable(rng):
        raise EvoteTypeError("shuffle: rng must be callable")
    n = len(inputs)
    k_table = FixedBase(pk)
    perm = _permutation(n, rng)                                  # 4.6 step 1
    rho = [_scalar(rng) for _ in range(n)]                       # step 2
    outputs = []
    for i in range(n):                                           # (R)
        src = inputs[perm[i]]
        outputs.append(Ciphertext(src.alpha + G_TABLE.mul(rho[i]),
                                  src.beta + k_table.mul(rho[i])))
    return outputs, _prove(pk, k_table, inputs, outputs, perm, rho, rng, label)


def _prove(pk: Point, k_table: FixedBase, inputs: List[Ciphertext],
           outputs: List[Ciphertext], perm: List[int], rho: List[Scalar], rng: Rng,
           label: bytes) -> ShuffleProof:
    """Sections 4.1-4.4 for the witness (perm, rho), randomness steps 3-6 of 4.6. It
    trusts its caller that (R) holds: tests call it with a false witness to check that
    the verifier refuses what an honest algorithm proves about a false statement."""
    n = len(inputs)
    gens = generators(n)
    q, h = Point.from_bytes(gens[0]), [Point.from_bytes(g) for g in gens[1:]]
    r = [_scalar(rng) for _ in range(n)]                         # step 3
    inv = [0] * n
    for i, j in enumerate(perm):
        inv[j] = i
    commitments = [G_TABLE.mul(r[j]) + h[inv[j]] for j in range(n)]  # 4.1

    in_blob, out_blob = _blob(inputs), _blob(outputs)
    c_blob = b"".join([c.to_bytes() for c in commitments])
    sigma = digest64(TAG_STATEMENT, *statement_fields(pk.to_bytes(), label, in_blob,
                                                       out_blob, c_blob, n))
    u = [Scalar.from_int(x) for x in u_values(sigma, n)]
    u_p = [u[perm[i]] for i in range(n)]                         # secret: reveals pi

    r_hat = [_scalar(rng) for _ in range(n)]                     # step 4, 4.3
    # The chain of 4.3 in closed form: chat_i = a_i*G + b_i*Q with a_i = rhat_i +
    # u'_i*a_{i-1}, b_i = u'_i*b_{i-1} (a_0 = 0, b_0 = 1): the same points, each from two
    # constant-time fixed-base products instead of a variable-base one on chat_{i-1}.
    q_table = FixedBase(q)
    a_co, b_co = [Scalar.zero()], [Scalar.one()]                 # secret (b reveals pi)
    for i in range(n):
        a_co.append(r_hat[i] + u_p[i] * a_co[-1])
        b_co.append(u_p[i] * b_co[-1])
    chain = [G_TABLE.mul2(a_co[i], q_table, b_co[i]) for i in range(1, n + 1)]

    chain_blob = b"".join([p.to_bytes() for p in chain])
    e_pow = _powers(chain_challenge(sigma, chain_blob), n)      # e_1..e_N, public
    w1, w2, w3, w4, w5 = (_scalar(rng) for _ in range(5))        # step 5
    w_p = [_scalar(rng) for _ in range(n)]                       # step 6
    t1, t2 = G_TABLE.mul(w1), G_TABLE.mul(w2)                    # 4.4
    t3 = _sum([w_p[i] * h[i] for i in range(n)], G_TABLE.mul(w3))
    t4a = _sum([w_p[i] * outputs[i].alpha for i in range(n)], -G_TABLE.mul(w4))
    t4b = _sum([w_p[i] * outputs[i].beta for i in range(n)], -k_table.mul(w4))
    # t5 = w5*G + sum e_i*wp_i*chat_{i-1}, with chat_{i-1} = a_{i-1}*G + b_{i-1}*Q
    ew = [Scalar.from_int(e_pow[i]) * w_p[i] for i in range(n)]
    zero = Scalar.zero()
    t5 = G_TABLE.mul2(w5 + sum((ew[i] * a_co[i] for i in range(n)), zero), q_table,
                      sum((ew[i] * b_co[i] for i in range(n)), zero))

    t_blob = b"".join([p.to_bytes() for p in (t1, t2, t3, t4a, t4b, t5)])
    c = Scalar.from_int(_challenge(challenge_fields(sigma, chain_blob, t_blob)))

    r_bar = sum(r, zero)
    r_tilde = sum((r[j] * u[j] for j in range(n)), zero)
    rho_tilde = sum((rho[i] * u_p[i] for i in range(n)), zero)
    r_hat_total = a_co[n]                                        # = sum rhat_i v_i
    r_hat_e = sum((Scalar.from_int(e_pow[i]) * r_hat[i] for i in range(n)), zero)
    s = (w1 + c * r_bar, w2 + c * r_hat_total, w3 + c * r_tilde, w4 + c * rho_tilde,
         w5 + c * r_hat_e)
    s_p = [w_p[i] + c * u_p[i] for i in range(n)]
    return ShuffleProof(
        n=n, commitments=c_blob, chain=chain_blob, t=t_blob,
        s=b"".join([x.to_bytes() for x in s]),
        s_prime=b"".join([x.to_bytes() for x in s_p]))


# ------------------------------------------------------------------ verifier (6)

DEFAULT_CHUNK = 1 << 16   # ciphertexts per task: 6 x 2^16 points, about 100 MB in C
MapTasks = Callable[[Callable, List[tuple]], List]


def _fail(msg: str) -> InvalidProof:
    return InvalidProof(f"shuffle proof: {msg}")


def _scalars(name: str, blob: bytes) -> List[int]:
    """Check 2: every 32-byte item of blob is canonical; the ints."""
    out = []
    for i in range(len(blob) // 32):
        x = int.from_bytes(blob[32 * i:32 * i + 32], "little")
        if x >= L:
            raise _fail(f"check 2: {name}[{i + 1}] is not a canonical scalar (>= l)")
        out.append(x)
    return out


def _check_canonical(name: str, blob: bytes) -> None:
    """Check 2 for a long blob: at C speed when every top byte is below 0x10 (then the
    item is < 2^252 < l), else item by item, naming the first bad one."""
    tops = blob[31::32]
    if tops and max(tops) >= 0x10:
        _scalars(name, blob)


def _ints(blob: bytes) -> List[int]:
    return [int.from_bytes(blob[k:k + 32], "little") for k in range(0, len(blob), 32)]


def _items(blob: bytes) -> List[bytes]:
    return [blob[k:k + 32] for k in range(0, len(blob), 32)]


def _le32(values) -> bytes:
    return b"".join([(x % L).to_bytes(32, "little") for x in values])


def _wire_ciphertexts(what: str, cts) -> bytes:
    """A list of Ciphertext, or the raw wire blob enc(alpha_1)||enc(beta_1)||... of 64N
    bytes (not yet decoded: check 4 decodes it inside the MSM), as that blob."""
    if isinstance(cts, (bytes, bytearray, memoryview)):
        cts = bytes(cts)
        if len(cts) % 64:
            raise _fail(f"check 1: {what} is {len(cts)} bytes, not a whole number of "
                        f"64-byte ciphertexts")
        return cts
    return _blob(_check_ciphertexts(f"verify_shuffle: {what}", cts))


def u_chunk(sigma: bytes, first: int, count: int) -> List[int]:
    """u_{first+1}..u_{first+count} (section 4.2), the head (tag; sigma) hashed once."""
    head = HashPrefix(TAG_U, sigma)
    return [int.from_bytes(head.digest64(u64(j)), "little") % L
            for j in range(first + 1, first + count + 1)]


def _generator_inputs(first: int, count: int) -> bytes:
    """digest64("evote/v1/shuffle-generator"; u64(k)) for k = first+1..first+count: the
    one-way-map inputs of h_{first+1}..h_{first+count} (section 3)."""
    head = HashPrefix(TAG_GENERATOR)
    return b"".join([head.digest64(u64(k)) for k in range(first + 1, first + count + 1)])


def verify_chunk(first: int, n: int, mixes: tuple, lists: tuple) -> Optional[bytes]:
    """One task of the batch check (section 6), a pure function of plain data: the
    ciphertexts with 0-based indices first..first+m-1 of a chain of K >= 1 mixes over
    lists 0..K. mixes: per mix (sigma, c, e, x, s_prime, commitments, chain) with x the
    weights x_1, x_2, x_3, x_a, x_b, x_5 (16 bytes each) and s_prime the items' sp_i plus,
    unless the chunk is the last, the next item's; lists: the K + 1 lists' items (64m
    bytes each). Returns enc(P) || le32(prod of mix 1's u_j) || ... , P the chunk's share
    of the weighted sums of every mix (the table's terms for the h_i, c_j, chat_i and list
    components; a list between two mixes is decoded once), or None when one of its
    points does not decode. The u_j and the generators' inputs are hashed here; the
    coefficients and the msms are one C call (csrc/shuffle_verify.c)."""
    m = len(lists[0]) // 64
    u_digests, sp, params, own = [], [], [], []
    has_next = False
    for sigma, c, e, x, s_prime, commitments, chain in mixes:
        head = HashPrefix(TAG_U, sigma)
        u_digests += [head.digest64(u64(j)) for j in range(first + 1, first + m + 1)]
        has_next = len(s_prime) > 32 * m
        sp.append(s_prime)
        params += [_le32([c, pow(e, first + 1, L), e]),
                   b"".join([x[16 * k:16 * k + 16] + bytes(16) for k in range(6)])]
        own += [commitments, chain]
    try:
        return shuffle_chain_chunk_vartime(len(mixes), b"".join(u_digests), b"".join(sp),
                                           has_next, b"".join(params), b"".join(own),
                                           b"".join(lists), _generator_inputs(first, m))
    except InvalidEncoding:
        return None


class _Mix:
    """One proof of a check, after checks 1-3: its blobs, challenges and weights."""

    def __init__(self, in_blob, out_blob, proof, label, sigma, e, c, s, xb):
        self.in_blob, self.out_blob, self.proof, self.label = in_blob, out_blob, proof, label
        self.sigma, self.e, self.c, self.s, self.xb = sigma, e, c, s, xb
        self.x = tuple(int.from_bytes(xb[16 * k:16 * k + 16], "little") for k in range(6))


def _checks_1_to_3(pk: Point, in_blob: bytes, out_blob: bytes, proof, label: bytes) -> _Mix:
    if not isinstance(proof, ShuffleProof):
        raise EvoteTypeError(f"verify_shuffle: proof must be ShuffleProof, "
                             f"not {type(proof).__name__}")
    n = proof.n
    if len(in_blob) != 64 * n or len(out_blob) != 64 * n:        # check 1
        raise _fail(f"check 1: {len(in_blob) // 64} inputs and {len(out_blob) // 64} "
                    f"outputs, but the proof is for N = {n}")
    s = tuple(_scalars("s", proof.s))                            # check 2
    _check_canonical("s_prime", proof.s_prime)
    sigma = digest64(TAG_STATEMENT, *statement_fields(pk.to_bytes(), label, in_blob,
                                                       out_blob, proof.commitments, n))
    e = chain_challenge(sigma, proof.chain)                      # check 3
    c = _challenge(challenge_fields(sigma, proof.chain, proof.t))
    # The batch weights x_1, x_2, x_3, x_a, x_b, x_5 (section 6), 16 bytes each, from the
    # OS CSPRNG (never from the data), drawn after the proof exists.
    return _Mix(in_blob, out_blob, proof, label, sigma, e, c, s, os.urandom(16 * 6))


class ShuffleCheck:
    """A verification cut into tasks (prepare_verify, prepare_verify_chain): run
    verify_chunk(*args) for each args in .tasks anywhere (here, a process pool, Dask),
    then finish(results) with the results in task order. The verdict does not depend on
    the cut nor on where the tasks ran."""

    def __init__(self, pk: Point, mixes: List[_Mix], tasks: List[tuple]):
        self._pk, self._mixes = pk, mixes
        self.tasks: List[tuple] = tasks

    def finish(self, results: Sequence[Optional[bytes]]) -> None:
        """Raise InvalidProof naming the first failed check (and, in a chain of several
        mixes, the first mix that fails: "mix k: ..."); return None if all are valid."""
        if len(results) != len(self.tasks):
            raise EvoteValueError(f"ShuffleCheck.finish: {len(results)} results for "
                                  f"{len(self.tasks)} tasks")
        k_mixes = len(self._mixes)
        if any(r is None for r in results):
            self._name_failure()
        total, big_u = Point.identity(), [1] * k_mixes
        for r in results:
            total = total + Point.from_bytes(r[:32])
            for k in range(k_mixes):
                big_u[k] = big_u[k] * int.from_bytes(r[32 + 32 * k:64 + 32 * k], "little") % L
        coef_g = coef_k = coef_q = 0
        t_blobs = []
        for mix, u_k in zip(self._mixes, big_u):
            n, c, e = mix.proof.n, mix.c, mix.e
            s1, s2, s3, s4, s5 = mix.s
            x1, x2, x3, xa, xb, x5 = mix.x
            coef_g += x1 * s1 + x2 * s2 + x3 * s3 - xa * s4 + x5 * s5
            coef_k -= xb * s4
            # Q is chat_0 (S5's first link); with N = 0 it is also chat_N (S2's -c*chat_N).
            coef_q += x2 * c * u_k + (x5 * e * int.from_bytes(mix.proof.s_prime[:32], "little")
                                      if n else -x2 * c)
            t_blobs.append(_le32([-x1, -x2, -x3, -xa, -xb, -x5]))
        sblob = _le32([coef_g, coef_k, coef_q]) + b"".join(t_blobs)
        pblob = b"".join([_G_BYTES, self._pk.to_bytes(), generators(0)[0]]
                         + [mix.proof.t for mix in self._mixes])
        try:
            total = total + msm_vartime_raw(sblob, pblob)
        except InvalidEncoding:
            self._name_failure()
        if not total.is_identity():
            self._name_failure()

    def _name_failure(self) -> None:
        """Each mix on its own, in order, one equation at a time; raise on the first."""
        for k, mix in enumerate(self._mixes, 1):
            try:
                _name_bad_point(mix.in_blob, mix.out_blob, mix.proof)
                _name_failed_equation(self._pk, mix.in_blob, mix.out_blob, mix.proof,
                                      generators(mix.proof.n), u_chunk(mix.sigma, 0, mix.proof.n),
                                      mix.c, mix.e, mix.s, _ints(mix.proof.s_prime))
            except InvalidProof as exc:
                if len(self._mixes) == 1:
                    raise
                raise InvalidProof(f"mix {k}: {exc}") from None
        # unreachable but with probability <= 2^-128 (a batch that fails while every
        # equation holds)
        raise _fail("check 5: the batch of equations fails")


def _check_chunk(chunk) -> int:
    if not isinstance(chunk, int) or isinstance(chunk, bool) or chunk < 1:
        raise EvoteValueError(f"prepare_verify: chunk must be a positive int, not {chunk!r}")
    return chunk


def _tasks(mixes: List[_Mix], lists: List[bytes], n: int, chunk: int) -> List[tuple]:
    tasks = []
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        per_mix = tuple((mix.sigma, mix.c, mix.e, mix.xb, mix.proof.s_prime[32 * a:32 * b + 32],
                         mix.proof.commitments[32 * a:32 * b], mix.proof.chain[32 * a:32 * b])
                        for mix in mixes)
        tasks.append((a, n, per_mix, tuple(blob[64 * a:64 * b] for blob in lists)))
    return tasks


def prepare_verify(pk: Point, inputs, outputs, proof: ShuffleProof, label: bytes = b"",
                   chunk: int = DEFAULT_CHUNK) -> ShuffleCheck:
    """Checks 1-3 of section 6 here (shape, scalars, sigma, e and c; the u_j are derived
    by the tasks); checks 4-5 cut into tasks of at most `chunk` ciphertexts
    (ShuffleCheck). Raises InvalidProof on checks 1-2. Arguments as verify_shuffle."""
    pk, label, chunk = _check_pk(pk), _check_label(label), _check_chunk(chunk)
    in_blob = _wire_ciphertexts("inputs", inputs)
    out_blob = _wire_ciphertexts("outputs", outputs)
    mix = _checks_1_to_3(pk, in_blob, out_blob, proof, label)
    return ShuffleCheck(pk, [mix], _tasks([mix], [in_blob, out_blob], proof.n, chunk))


def prepare_verify_chain(pk: Point, lists: Sequence[bytes], proofs: Sequence[ShuffleProof],
                         labels: Sequence[bytes], chunk: int = DEFAULT_CHUNK) -> ShuffleCheck:
    """A chain of K >= 1 mixes, mix k shuffling lists[k-1] into lists[k] under labels[k-1]
    (specs/shuffle.md 6, "Chains"): checks 1-3 of every mix here (InvalidProof "mix k:
    ..." on the first that fails), checks 4-5 of all of them in one set of chunk tasks,
    each list decoded once and each generator mapped once for all the mixes. lists: raw
    blobs of 64-byte ciphertexts (or lists of Ciphertext)."""
    pk, chunk = _check_pk(pk), _check_chunk(chunk)
    if not isinstance(proofs, (list, tuple)) or not isinstance(labels, (list, tuple)) \
            or not isinstance(lists, (list, tuple)):
        raise EvoteTypeError("prepare_verify_chain: lists, proofs and labels must be lists")
    if not 1 <= len(proofs) <= 64 or len(labels) != len(proofs) \
            or len(lists) != len(proofs) + 1:
        raise EvoteValueError(f"prepare_verify_chain: {len(proofs)} proofs (1 to 64), "
                              f"{len(labels)} labels and {len(lists)} lists (one more)")
    blobs = [_wire_ciphertexts(f"list {k}", x) for k, x in enumerate(lists)]
    mixes = []
    for k, (proof, label) in enumerate(zip(proofs, labels), 1):
        try:
            mixes.append(_checks_1_to_3(pk, blobs[k - 1], blobs[k], proof,
                                        _check_label(label)))
        except InvalidProof as exc:
            raise InvalidProof(f"mix {k}: {exc}") from None
    return ShuffleCheck(pk, mixes, _tasks(mixes, blobs, proofs[0].n, chunk))


def _map_here(fn: Callable, task_args: List[tuple]) -> List:
    return [fn(*args) for args in task_args]


def verify_shuffle(pk: Point, inputs, outputs, proof: ShuffleProof, label: bytes = b"",
                   map_tasks: Optional[MapTasks] = None,
                   chunk: Optional[int] = None) -> None:
    """Raise InvalidProof naming the first failed check of section 6; return None if the
    proof shows that `outputs` re-encrypt a permutation of `inputs` under pk.

    inputs and outputs: lists of Ciphertext, or raw blobs of 64-byte ciphertexts (as
    read from a file; decoded and validated once, inside the MSM). map_tasks(fn, args
    list) -> results in task order (e.g. a process pool or Dask, as
    evote/verify/executors.run_tasks does) runs the chunk tasks of at most `chunk`
    ciphertexts (DEFAULT_CHUNK); by default they run here, one after the other. The
    verdict is the same whatever the chunk and wherever the tasks run."""
    check = prepare_verify(pk, inputs, outputs, proof, label,
                           DEFAULT_CHUNK if chunk is None else chunk)
    check.finish((map_tasks or _map_here)(verify_chunk, check.tasks))


def verify_shuffle_chain(pk: Point, lists: Sequence[bytes], proofs: Sequence[ShuffleProof],
                         labels: Sequence[bytes], map_tasks: Optional[MapTasks] = None,
                         chunk: Optional[int] = None) -> None:
    """verify_shuffle for every mix of a chain at once (prepare_verify_chain): the same
    verdict as verifying each mix alone, in order; a failure is named "mix k: ..."."""
    check = prepare_verify_chain(pk, lists, proofs, labels,
                                 DEFAULT_CHUNK if chunk is None else chunk)
    check.finish((map_tasks or _map_here)(verify_chunk, check.tasks))


def _name_bad_point(in_blob: bytes, out_blob: bytes, proof: ShuffleProof) -> None:
    """Check 4 on its own: name the first point that does not decode, in the order
    inputs, outputs, c, chat, t (a ciphertext's point k is item k // 2's alpha when k is
    even, its beta when odd; indices 0-based as validate_points gives them)."""
    blobs = [("inputs", in_blob), ("outputs", out_blob)] + [
        (name, getattr(proof, name)) for name in ("commitments", "chain", "t")]
    for name, blob in blobs:
        try:
            validate_points(blob)
        except InvalidEncoding as exc:
            raise _fail(f"check 4: {name}: {exc}") from None


def _name_failed_equation(pk, in_blob, out_blob, proof, gens, u, c, e, s, s_p) -> None:
    """Check 5 one equation at a time, in the order of section 6; raise on the first."""
    n = proof.n
    g = Point.generator()
    cs, chain, t = _items(proof.commitments), _items(proof.chain), _items(proof.t)
    s1, s2, s3, s4, s5 = s
    ins, outs = _items(in_blob), _items(out_blob)     # alpha_1, beta_1, alpha_2, ...

    def zero(name, scalars, points):
        if not msm_vartime([x % L for x in scalars], points).is_identity():
            raise _fail(f"check 5: equation {name} fails")

    big_u = 1
    for uj in u:
        big_u = big_u * uj % L
    # S1: s_1*G - c*sum c_j + c*sum h_i - t_1
    zero("S1", [s1] + [-c] * n + [c] * n + [-1], [g] + cs + gens[1:] + [t[0]])
    # S2: s_2*G - c*chat_N + c*U*Q - t_2
    chat_n = chain[-1] if n else gens[0]
    zero("S2", [s2, -c, c * big_u, -1], [g, chat_n, gens[0], t[1]])
    # S3: s_3*G + sum sp_i*h_i - c*sum u_j*c_j - t_3
    zero("S3", [s3] + s_p + [-c * uj for uj in u] + [-1], [g] + gens[1:] + cs + [t[2]])
    # S4a, S4b: sum sp_i*e'_i - s_4*(G or K) - c*sum u_j*e_j - t_4
    zero("S4a", s_p + [-s4] + [-c * uj for uj in u] + [-1],
         outs[0::2] + [g] + ins[0::2] + [t[3]])
    zero("S4b", s_p + [-s4] + [-c * uj for uj in u] + [-1],
         outs[1::2] + [pk] + ins[1::2] + [t[4]])
    # S5: s_5*G + sum e_i sp_i*chat_{i-1} - c*sum e_i*chat_i - t_5
    ep = _powers(e, n)
    zero("S5", [s5] + [ep[i] * s_p[i] for i in range(n)] + [-c * x for x in ep] + [-1],
         [g] + ([gens[0]] + chain[:-1] if n else []) + chain + [t[5]])
