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

What Python cannot hide: `value` arrives as a Python int (the choices are Python objects),
its range is checked with a Python comparison (the refusal path), and Scalar.from_int of it
runs in Python. The per-branch work, the selection of the true branch and every product
are uniform in m and done by the C core's constant-time Scalar and table operations.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence, Tuple

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
    return _prove_unchecked(Scalar.from_int(value), nonce, lo, hi, k_table, tag,
                            statement_fields, randomness)


def _prove_unchecked(m: Scalar, r: Scalar, lo: int, hi: int, k_table: FixedBase, tag: str,
                     statement_fields: Sequence[bytes], randomness: bytes) -> DisjunctiveProof:
    """The prover without the range check (tests use it to show that a proof of a false
    statement does not verify).

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
