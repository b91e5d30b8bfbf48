"""A pure-Python reference for the lot contribution (specs/key-ceremony.md section 12),
written from the spec with tests/reference/ristretto255.py and hashlib only: no evote
code. Used as the oracle of tests/test_lot_contribution.py.

    h_lot() -> the generator H_lot (hash-to-group of "evote/v1/lot-generator")
    lot_commitment(m) -> encoding of C = m*H_lot (the record's lot_commitment)
    commitments_hash(cs) -> L over the n records' lot commitments (encodings)
    contribute(Q, cs, i, K, m, k, r, s) -> (A, B, T1, T2, T3, z1, z2)   (encodings, ints)
    verify(Q, cs, i, K, A, B, T1, T2, T3, z1, z2) -> bool
    ack_digest(Q, cs, i, A, B, proof_bytes) -> 32 bytes (what the guardian signs)
    seed(Q, P) -> 32 bytes
"""
import hashlib

from . import ristretto255 as ref

L = ref.L


def _h(tag: str, *fields: bytes, size: int = 64) -> bytes:
    h = hashlib.sha512()
    for item in (tag.encode("ascii"),) + fields:
        h.update(len(item).to_bytes(8, "big") + item)
    return h.digest()[:size]


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def _g(k: int):
    return ref.mul(k % L, ref.GENERATOR)


def h_lot():
    return ref.from_uniform(_h("evote/v1/lot-generator"))


def lot_commitment(m: int) -> bytes:
    return ref.encode(ref.mul(m % L, h_lot()))


def commitments_hash(cs) -> bytes:
    return _h("evote/v1/lot-commitments", _u64(len(cs)), *cs, size=32)


def challenge(q: bytes, cs, i: int, k_enc: bytes, a: bytes, b: bytes, t1: bytes,
              t2: bytes, t3: bytes) -> int:
    return int.from_bytes(_h("evote/v1/lot-contribution", q, commitments_hash(cs), _u64(i),
                             k_enc, cs[i - 1], a, b, t1, t2, t3), "little") % L


def contribute(q: bytes, cs, i: int, k_enc: bytes, m: int, k: int, r: int, s: int):
    K = ref.decode(k_enc)
    a = ref.encode(_g(k))
    b = ref.encode(ref.add(_g(m), ref.mul(k % L, K)))
    t1 = ref.encode(_g(r))
    t2 = ref.encode(ref.add(_g(s), ref.mul(r % L, K)))
    t3 = ref.encode(ref.mul(s % L, h_lot()))
    c = challenge(q, cs, i, k_enc, a, b, t1, t2, t3)
    return a, b, t1, t2, t3, (r + c * k) % L, (s + c * m) % L


def verify(q: bytes, cs, i: int, k_enc: bytes, a: bytes, b: bytes, t1: bytes, t2: bytes,
           t3: bytes, z1: int, z2: int) -> bool:
    if not 1 <= i <= len(cs):
        return False
    pts = [ref.decode(x) for x in (k_enc, a, b, t1, t2, t3, cs[i - 1])]
    if any(p is None for p in pts) or not (0 <= z1 < L and 0 <= z2 < L):
        return False
    K, A, B, T1, T2, T3, C = pts
    c = challenge(q, cs, i, k_enc, a, b, t1, t2, t3)
    left1, right1 = _g(z1), ref.add(T1, ref.mul(c, A))
    left2, right2 = ref.add(_g(z2), ref.mul(z1, K)), ref.add(T2, ref.mul(c, B))
    left3, right3 = ref.mul(z2, h_lot()), ref.add(T3, ref.mul(c, C))
    return ref.equal(left1, right1) and ref.equal(left2, right2) and ref.equal(left3, right3)


def ack_digest(q: bytes, cs, i: int, a: bytes, b: bytes, proof: bytes) -> bytes:
    return _h("evote/v1/guardian-acknowledgement", q, commitments_hash(cs), _u64(i), a, b,
              proof, size=32)


def seed(q: bytes, point: bytes) -> bytes:
    return _h("evote/v1/lot-seed", q, point, size=32)
