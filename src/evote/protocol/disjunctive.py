"""The disjunctive Chaum-Pedersen proof that an ElGamal ciphertext encrypts a value in
[lo, hi], in batch-verifiable form (commitments are sent). specs/protocol.md section 4.

Statement: (alpha, beta) = (r*G, m*G + r*K) for some r and some m in {lo, ..., hi}.
One branch per value j in [lo, hi]; branch j holds a commitment (A_j, B_j), a challenge
c_j and a response v_j, and verifies when

    (E1)  v_j*G == A_j + c_j*alpha
    (E2)  v_j*K == B_j + c_j*(beta - j*G)

and the challenges sum to the Fiat-Shamir challenge
    c = int(digest64(tag, *statement_fields, A_lo||B_lo||...||A_hi||B_hi)) mod l.
Only c_lo .. c_{hi-1} are sent; c_hi = c - (c_lo + ... + c_{hi-1}) mod l.

0/1 selection proofs are the case [0, 1]; a contest's range proof is [1, L].

Prover (the kiosk knows r and m): every branch starts "simulated" from random c_j, a_j:
    A_j = a_j*G,   B_j = a_j*K + c_j*(j - m)*G
(for j = m this is an honest commitment with secret a_m, since c_j*(j - m) = 0; for
j != m it is the simulation with response v_j = a_j + c_j*r). After c is known, the true
branch takes the rest of the challenge through the Lagrange selector s_j = [j == m],
computed as a polynomial in m with Scalar arithmetic (no Python branch on m):
    c_j' = c_j + s_j*(c - sum c_k);   v_j' = a_j + c_j'*r.
Every product with G and K uses the fixed-base tables (constant time); no variable-base
multiplication is needed.

Two implementations, same bytes. prove() runs the prover in the C core (csrc/prove.c, through
evote._bindings: one call for the commitments, the hash here, one call for the challenges
and responses), with [j == m] as a constant-time mask where the formula has s_j.
_prove_unchecked() is the Python reference over G_TABLE, the K table and Scalar
arithmetic, with the Lagrange selectors above; it also proves false statements (tests),
which the C prover refuses. tests/test_prove_native.py checks that they agree.
prove01_batch() is the ballot's fast path: k ciphertexts Enc(m_i; r_i) with their [0, 1]
proofs in two C calls (7 table multiplications per ciphertext instead of 9; see prove.c).

What Python cannot hide: `value` arrives as a Python int (the choices are Python objects),
its range is checked with a Python comparison (the refusal path), and the bits and
randomness are Python bytes (not wiped). The per-branch work, the selection of the true
branch and every product are uniform in m and done by the C core in constant time.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence, Tuple

from evote import _bindings
from evote.errors import EvoteTypeError, EvoteValueError
from evote.group import G_TABLE, FixedBase, Scalar
from evote.hashing import digest64

L_ORDER = Scalar.ORDER
WIDE = 64  # bytes of randomness per random scalar (wide reduction mod l)


class DisjunctiveProof(NamedTuple):
    """Raw proof fields, 32 bytes each (not validated: the verifier checks them).

    commitments: A_lo, B_lo, A_lo+1, B_lo+1, ..., A_hi, B_hi  (2 * branches encodings)
    challenges:  c_lo, ..., c_{hi-1}                          (branches - 1 scalars)
    responses:   v_lo, ..., v_hi                              (branches scalars)
    """

    commitments: Tuple[bytes, ...]
    challenges: Tuple[bytes, ...]
    responses: Tuple[bytes, ...]

    @property
    def branches(self) -> int:
        return len(self.responses)


def randomness_size(lo: int, hi: int) -> int:
    """Bytes of prover randomness a proof over [lo, hi] consumes: (c_j, a_j) per branch."""
    return 2 * WIDE * (hi - lo + 1)


def challenge_int(tag: str, statement_fields: Sequence[bytes], commitments: Sequence[bytes]) -> int:
    """The Fiat-Shamir challenge c as an int in [0, l) (public data)."""
    d = digest64(tag, *statement_fields, b"".join(commitments))
    return int.from_bytes(d, "little") % L_ORDER


def _lagrange_denominator_inverses(lo: int, hi: int) -> list:
    """inv(prod_{k != j} (k - j)) mod l for j in [lo, hi] (public constants)."""
    out = []
    for j in range(lo, hi + 1):
        den = 1
        for k in range(lo, hi + 1):
            if k != j:
                den = den * (k - j) % L_ORDER
        out.append(pow(den, -1, L_ORDER))
    return out


_DEN_CACHE: dict = {}


def _selectors(diffs: list, lo: int, hi: int) -> list:
    """[s_j for j in lo..hi] with s_j = 1 if m == j else 0, as Scalars, by evaluating the
    Lagrange basis polynomials at m, given diffs[i] = (lo + i) - m:
    s_j = prod_{k != j} (k - m) / prod_{k != j} (k - j)  (prefix/suffix
    products: about 3 * branches Scalar multiplications, none of them branching on m)."""
    key = (lo, hi)
    inv = _DEN_CACHE.get(key)
    if inv is None:
        inv = _DEN_CACHE[key] = _lagrange_denominator_inverses(lo, hi)
    nb = hi - lo + 1
    if nb == 1:
        return [Scalar.one()]
    prefix = [None] * nb  # prefix[i] = prod_{k < i} diffs[k]  (None = empty product)
    acc = None
    for i in range(nb):
        prefix[i] = acc
        acc = diffs[i] if acc is None else acc * diffs[i]
    out = [None] * nb
    acc = None
    for i in range(nb - 1, -1, -1):
        p = prefix[i]
        num = acc if p is None else (p if acc is None else p * acc)
        out[i] = num * inv[i]
        if i:
            acc = diffs[i] if acc is None else acc * diffs[i]
    return out


def prove(value: int, nonce: Scalar, lo: int, hi: int, k_table: FixedBase, tag: str,
          statement_fields: Sequence[bytes], randomness: bytes) -> DisjunctiveProof:
    """Prove that Enc(value; nonce) encrypts a value in [lo, hi].

    `randomness` is randomness_size(lo, hi) uniform bytes (c_j then a_j for each branch,
    64 bytes each). Refuses (EvoteValueError) a value outside [lo, hi]: no such proof
    can be made honestly, and the kiosk must never emit one that fails to verify.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise EvoteTypeError(f"prove: value must be int, got {type(value).__name__}")
    if not lo <= value <= hi:
        raise EvoteValueError(f"prove: cannot prove that {value} lies in [{lo}, {hi}]")
    if not isinstance(nonce, Scalar):
        raise EvoteTypeError(f"prove: nonce must be Scalar, got {type(nonce).__name__}")
    if len(randomness) != randomness_size(lo, hi):
        raise EvoteValueError(f"prove: need {randomness_size(lo, hi)} bytes of randomness, "
                              f"got {len(randomness)}")
    table = _k_basetable("prove", k_table)
    commitments = _bindings.disjunctive_commit(table, value, lo, hi, randomness)
    challenge = digest64(tag, *statement_fields, commitments)
    out = _bindings.disjunctive_respond(value, lo, hi, nonce.to_bytes(), randomness, challenge)
    nb = hi - lo + 1
    return DisjunctiveProof(_split32(commitments), _split32(out[:32 * (nb - 1)]),
                            _split32(out[32 * (nb - 1):]))


def _k_basetable(fn: str, k_table):
    """The C table of the FixedBase K (what the C prover multiplies by)."""
    if not isinstance(k_table, FixedBase):
        raise EvoteTypeError(f"{fn}: k_table must be FixedBase, got {type(k_table).__name__}")
    return k_table.basetable


def _split32(blob: bytes) -> Tuple[bytes, ...]:
    return tuple(blob[i:i + 32] for i in range(0, len(blob), 32))


PROVE01_RANDOMNESS = WIDE + randomness_size(0, 1)   # r, then c_0, a_0, c_1, a_1


class NotZeroOrOne(EvoteValueError):
    """prove01_batch was given a bit that is not 0 or 1 (no such proof can be made)."""


def prove01_batch(bits: bytes, randomness: bytes, k_table: FixedBase, statement) -> tuple:
    """k ciphertexts (alpha_i, beta_i) = Enc(m_i; r_i) with their [0, 1] proofs, made by
    the C core in two calls (commitments, then responses after the hashes).

    bits: k bytes, m_i in {0, 1}; randomness: k * PROVE01_RANDOMNESS bytes, per ciphertext
    r (64 bytes) then c_0, a_0, c_1, a_1 (the layout of prove(m_i, r_i, 0, 1, ...)).
    statement(i, alpha_i || beta_i) -> (tag, statement_fields) of the i-th proof.
    Returns ([(alpha_i, beta_i, proof_i)], [r_i as Scalar]): the same bytes as encrypting
    with G_TABLE and k_table and calling prove(m_i, r_i, 0, 1, ...) one by one.
    Raises NotZeroOrOne (an EvoteValueError) when a bit is not 0 or 1.
    """
    table = _k_basetable("prove01_batch", k_table)
    if not isinstance(bits, bytes):
        raise EvoteTypeError(f"prove01_batch: bits must be bytes, got {type(bits).__name__}")
    k = len(bits)
    if len(randomness) != k * PROVE01_RANDOMNESS:
        raise EvoteValueError(f"prove01_batch: need {k * PROVE01_RANDOMNESS} bytes of "
                              f"randomness, got {len(randomness)}")
    try:
        out, nonces = _bindings.prove01_commit(table, bits, randomness)
    except EvoteValueError as exc:   # the C core's constant-time check of the bits
        raise NotZeroOrOne(f"prove01_batch: cannot prove that every bit lies in [0, 1] "
                           f"({exc})") from None
    digests = []
    for i in range(k):
        o = 192 * i
        tag, fields = statement(i, out[o:o + 64])
        digests.append(digest64(tag, *fields, out[o + 64:o + 192]))
    resp = _bindings.prove01_respond(bits, randomness, b"".join(digests))
    results, rs = [], []
    for i in range(k):
        o, q = 192 * i, 96 * i
        proof = DisjunctiveProof((out[o + 64:o + 96], out[o + 96:o + 128], out[o + 128:o + 160],
                                  out[o + 160:o + 192]),
                                 (resp[q:q + 32],), (resp[q + 32:q + 64], resp[q + 64:q + 96]))
        results.append((out[o:o + 32], out[o + 32:o + 64], proof))
        rs.append(Scalar.from_bytes(nonces[32 * i:32 * i + 32]))
    return results, rs


def _prove_unchecked(m: Scalar, r: Scalar, lo: int, hi: int, k_table: FixedBase, tag: str,
                     statement_fields: Sequence[bytes], randomness: bytes) -> DisjunctiveProof:
    """The Python reference prover, without the range check (tests use it to show that a
    proof of a false statement does not verify, and as the oracle of the C prover).

    Parametrized by (c_j, a_j) instead of (c_j, v_j): a_j = v_j - c_j*r is uniform when
    v_j is, and every final response is v_j' = a_j + c_j'*r (for simulated branches
    c_j' = c_j, which gives back v_j; for the true branch it is the honest response)."""
    nb = hi - lo + 1
    if len(randomness) != randomness_size(lo, hi):
        raise EvoteValueError(f"prove: need {randomness_size(lo, hi)} bytes of randomness, "
                              f"got {len(randomness)}")
    cs, as_, commitments = [], [], []
    neg_m = -m
    diffs = [neg_m + j if j else neg_m for j in range(lo, hi + 1)]   # j - m
    for i in range(nb):
        o = 2 * WIDE * i
        c_j = Scalar.from_wide_bytes(randomness[o:o + WIDE])
        a_j = Scalar.from_wide_bytes(randomness[o + WIDE:o + 2 * WIDE])
        d_j = c_j * diffs[i]                 # c_j*(j - m): zero on the true branch
        commitments.append(G_TABLE.mul(a_j).to_bytes())
        commitments.append(G_TABLE.mul2(d_j, k_table, a_j).to_bytes())
        cs.append(c_j)
        as_.append(a_j)
    c = Scalar.from_wide_bytes(digest64(tag, *statement_fields, b"".join(commitments)))
    if nb == 1:
        return DisjunctiveProof(tuple(commitments), (), ((as_[0] + c * r).to_bytes(),))
    if lo == 0 and hi == 1:
        # s_0 = 1 - m, s_1 = m: c_0' = c_0 + (1 - m)*(c - c_0 - c_1), c_1' = c - c_0'.
        c0 = cs[0] + diffs[1] * (c - cs[0] - cs[1])
        c1 = c - c0
        return DisjunctiveProof(tuple(commitments), (c0.to_bytes(),),
                                ((as_[0] + c0 * r).to_bytes(), (as_[1] + c1 * r).to_bytes()))
    delta = c
    for c_j in cs:
        delta = delta - c_j
    sel = _selectors(diffs, lo, hi)
    final = [cs[i] + sel[i] * delta for i in range(nb - 1)]
    last = c
    for c_j in final:
        last = last - c_j
    final.append(last)
    challenges = tuple(x.to_bytes() for x in final[:-1])
    responses = tuple((as_[i] + final[i] * r).to_bytes() for i in range(nb))
    return DisjunctiveProof(tuple(commitments), challenges, responses)
