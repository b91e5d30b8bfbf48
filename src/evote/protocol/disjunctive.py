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

Prover (the kiosk knows r and m): every branch starts "simulated" from random c_j, v_j:
    a_j = v_j - c_j*r,   A_j = a_j*G,   B_j = a_j*K + c_j*(j - m)*G
(for j = m this is an honest commitment with secret a_m, since c_j*(j - m) = 0). After c
is known, the true branch is corrected with the Lagrange selector s_j = [j == m], computed
as a polynomial in m with Scalar arithmetic (no Python branch on m):
    delta = c - sum c_j;   c_j' = c_j + s_j*delta;   v_j' = v_j + s_j*delta*r.
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
    """Bytes of prover randomness a proof over [lo, hi] consumes: (c_j, v_j) per branch."""
    return 2 * WIDE * (hi - lo + 1)


def challenge_int(tag: str, statement_fields: Sequence[bytes], commitments: Sequence[bytes]) -> int:
    """The Fiat-Shamir challenge c as an int in [0, l) (public data)."""
    d = digest64(tag, *statement_fields, b"".join(commitments))
    return int.from_bytes(d, "little") % L_ORDER


def _lagrange_denominator_inverses(lo: int, hi: int) -> list:
    """inv(prod_{k != j} (j - k)) mod l for j in [lo, hi] (public constants)."""
    out = []
    for j in range(lo, hi + 1):
        den = 1
        for k in range(lo, hi + 1):
            if k != j:
                den = den * (j - k) % L_ORDER
        out.append(pow(den, -1, L_ORDER))
    return out


_DEN_CACHE: dict = {}


def _selectors(m: Scalar, lo: int, hi: int) -> list:
    """[s_j for j in lo..hi] with s_j = 1 if m == j else 0, as Scalars, by evaluating the
    Lagrange basis polynomials at m (prefix/suffix products: about 3 * branches Scalar
    multiplications, none of them branching on m)."""
    key = (lo, hi)
    inv = _DEN_CACHE.get(key)
    if inv is None:
        inv = _DEN_CACHE[key] = _lagrange_denominator_inverses(lo, hi)
    nb = hi - lo + 1
    if nb == 1:
        return [Scalar.one()]
    diffs = [m - j for j in range(lo, hi + 1)]
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
        acc = diffs[i] if acc is None else acc * diffs[i]
    return out


def prove(value: int, nonce: Scalar, lo: int, hi: int, k_table: FixedBase, tag: str,
          statement_fields: Sequence[bytes], randomness: bytes) -> DisjunctiveProof:
    """Prove that Enc(value; nonce) encrypts a value in [lo, hi].

    `randomness` is randomness_size(lo, hi) uniform bytes (c_j then v_j for each branch,
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
    statement does not verify)."""
    nb = hi - lo + 1
    if len(randomness) != randomness_size(lo, hi):
        raise EvoteValueError(f"prove: need {randomness_size(lo, hi)} bytes of randomness, "
                              f"got {len(randomness)}")
    cs, vs, commitments = [], [], []
    for i in range(nb):
        o = 2 * WIDE * i
        c_j = Scalar.from_wide_bytes(randomness[o:o + WIDE])
        v_j = Scalar.from_wide_bytes(randomness[o + WIDE:o + 2 * WIDE])
        a_j = v_j - c_j * r
        d_j = c_j * ((lo + i) - m)          # zero on the true branch
        commitments.append(G_TABLE.mul(a_j).to_bytes())
        commitments.append(G_TABLE.mul2(d_j, k_table, a_j).to_bytes())
        cs.append(c_j)
        vs.append(v_j)
    c = Scalar.from_wide_bytes(digest64(tag, *statement_fields, b"".join(commitments)))
    delta = c
    for c_j in cs:
        delta = delta - c_j
    delta_r = delta * r
    sel = _selectors(m, lo, hi)
    challenges = tuple((cs[i] + sel[i] * delta).to_bytes() for i in range(nb - 1))
    responses = tuple((vs[i] + sel[i] * delta_r).to_bytes() for i in range(nb))
    return DisjunctiveProof(tuple(commitments), challenges, responses)
