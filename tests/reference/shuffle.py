"""A pure-Python reference for the shuffle proof (specs/shuffle.md), written from the
spec with tests/reference/ristretto255.py and hashlib only: no evote code. Slow (pure
Python point arithmetic): meant for N of a few ciphertexts. The oracle of
tests/test_shuffle_reference.py.

Values are encodings (32-byte points, 64-byte ciphertexts) and ints; a proof is the wire
bytes of section 5.

    prove(pk, inputs, rng, label) -> (outputs, proof_bytes, hashed)
    verify(pk, inputs, outputs, proof_bytes, label) -> (ok, hashed)

`hashed` lists every hash the call computed as (tag, fields), in order, for byte-for-byte
comparison with the implementation's transcript.
"""
import hashlib

from . import ristretto255 as ref

L = ref.L


class Transcript:
    def __init__(self):
        self.hashed = []

    def h64(self, tag: str, *fields: bytes) -> bytes:
        self.hashed.append((tag, tuple(fields)))
        h = hashlib.sha512()
        for item in (tag.encode("ascii"),) + fields:
            h.update(len(item).to_bytes(8, "big") + item)
        return h.digest()


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def _le(n: int) -> bytes:
    return (n % L).to_bytes(32, "little")


def _enc(p) -> bytes:
    return ref.encode(p)


def _g(k: int):
    return ref.mul(k % L, ref.GENERATOR)


def _lin(terms):
    """sum k * P over (k, P) pairs, as a point."""
    acc = ref.IDENTITY
    for k, p in terms:
        acc = ref.add(acc, ref.mul(k % L, p))
    return acc


def generator(k: int, tr: Transcript):
    """Q_k of section 3."""
    return ref.from_uniform(tr.h64("evote/v1/shuffle-generator", _u64(k)))


def _split(blob: bytes, size: int):
    return [blob[i:i + size] for i in range(0, len(blob), size)]


def _statement(tr, pk, label, inputs, outputs, commitments, n):
    sigma = tr.h64("evote/v1/shuffle-statement", label, pk, _u64(n), b"".join(inputs),
                   b"".join(outputs), b"".join(commitments))
    u = [int.from_bytes(tr.h64("evote/v1/shuffle-u", sigma, _u64(j)), "little") % L
         for j in range(1, n + 1)]
    return sigma, u


def _chain_weights(tr, sigma, chain_enc, n):
    """e_1..e_N = e, e^2, ..., e^N with e from the chain (section 4.3)."""
    e = int.from_bytes(tr.h64("evote/v1/shuffle-chain", sigma, chain_enc), "little") % L
    return [pow(e, i, L) for i in range(1, n + 1)]


def prove(pk: bytes, inputs, rng, label: bytes = b""):
    """Section 4 with the randomness order of 4.6."""
    tr = Transcript()
    n = len(inputs)
    K = ref.decode(pk)
    q = generator(0, tr)
    h = [generator(k, tr) for k in range(1, n + 1)]

    def scalar():
        return int.from_bytes(rng(64), "little") % L

    perm = list(range(n))                               # 4.6 step 1, 0-based
    for k in range(n, 1, -1):
        x = int.from_bytes(rng(16), "little") % k
        perm[k - 1], perm[x] = perm[x], perm[k - 1]
    rho = [scalar() for _ in range(n)]
    outs = []
    for i in range(n):                                  # (R)
        a = ref.decode(inputs[perm[i]][:32])
        b = ref.decode(inputs[perm[i]][32:])
        outs.append((ref.add(a, _g(rho[i])), ref.add(b, ref.mul(rho[i], K))))
    out_enc = [_enc(a) + _enc(b) for a, b in outs]
    r = [scalar() for _ in range(n)]
    com = [None] * n
    for i in range(n):                                  # 4.1: c_{pi(i)} = r G + h_i
        com[perm[i]] = ref.add(_g(r[perm[i]]), h[i])
    com_enc = [_enc(c) for c in com]
    sigma, u = _statement(tr, pk, label, list(inputs), out_enc, com_enc, n)
    up = [u[perm[i]] for i in range(n)]
    r_hat = [scalar() for _ in range(n)]
    chain, prev = [], q                                 # 4.3
    for i in range(n):
        prev = ref.add(_g(r_hat[i]), ref.mul(up[i], prev))
        chain.append(prev)
    chain_enc = b"".join(_enc(p) for p in chain)
    e = _chain_weights(tr, sigma, chain_enc, n)
    w1, w2, w3, w4, w5 = (scalar() for _ in range(5))
    w_p = [scalar() for _ in range(n)]
    links = [q] + chain[:-1]
    t = [_g(w1), _g(w2),
         _lin([(w3, ref.GENERATOR)] + [(w_p[i], h[i]) for i in range(n)]),
         _lin([(-w4, ref.GENERATOR)] + [(w_p[i], outs[i][0]) for i in range(n)]),
         _lin([(-w4, K)] + [(w_p[i], outs[i][1]) for i in range(n)]),
         _lin([(w5, ref.GENERATOR)] + [(e[i] * w_p[i], links[i]) for i in range(n)])]
    t_enc = b"".join(_enc(p) for p in t)
    c = int.from_bytes(tr.h64("evote/v1/shuffle-challenge", sigma, chain_enc, t_enc),
                       "little") % L
    r_hat_total = 0
    for i in range(n):
        v = 1
        for k in range(i + 1, n):
            v = v * up[k] % L
        r_hat_total += r_hat[i] * v
    s = [w1 + c * sum(r), w2 + c * r_hat_total,
         w3 + c * sum(r[j] * u[j] for j in range(n)),
         w4 + c * sum(rho[i] * up[i] for i in range(n)),
         w5 + c * sum(e[i] * r_hat[i] for i in range(n))]
    s_p = [w_p[i] + c * up[i] for i in range(n)]
    proof = (b"EVSH" + bytes([2, 0, 0, 0]) + n.to_bytes(4, "big") + b"".join(com_enc)
             + chain_enc + t_enc + b"".join(_le(x) for x in s)
             + b"".join(_le(x) for x in s_p))
    return out_enc, proof, tr.hashed


def verify(pk: bytes, inputs, outputs, proof: bytes, label: bytes = b""):
    """Section 6 checks 1-5, every equation on its own. (ok, hashed)."""
    tr = Transcript()
    n = len(inputs)
    if (len(outputs) != n or len(proof) != 364 + 96 * n or proof[:8] != b"EVSH\x02\x00\x00\x00"
            or int.from_bytes(proof[8:12], "big") != n):
        return False, tr.hashed
    at = 12
    fields = {}
    for name, size in (("c", 32 * n), ("chain", 32 * n), ("t", 192), ("s", 160),
                       ("s_p", 32 * n)):
        fields[name] = proof[at:at + size]
        at += size
    scal = {k: [int.from_bytes(b, "little") for b in _split(fields[k], 32)]
            for k in ("s", "s_p")}
    if any(x >= L for v in scal.values() for x in v):          # check 2
        return False, tr.hashed
    com_enc = _split(fields["c"], 32)
    sigma, u = _statement(tr, pk, label, list(inputs), list(outputs), com_enc, n)
    e = _chain_weights(tr, sigma, fields["chain"], n)
    c = int.from_bytes(tr.h64("evote/v1/shuffle-challenge", sigma, fields["chain"],
                              fields["t"]), "little") % L
    try:                                                       # check 4
        K = ref.decode(pk)
        ins = [(ref.decode(e[:32]), ref.decode(e[32:])) for e in inputs]
        outs = [(ref.decode(e[:32]), ref.decode(e[32:])) for e in outputs]
        com = [ref.decode(b) for b in com_enc]
        chain = [ref.decode(b) for b in _split(fields["chain"], 32)]
        t = [ref.decode(b) for b in _split(fields["t"], 32)]
    except ref.DecodeError:
        return False, tr.hashed
    q = generator(0, tr)
    h = [generator(k, tr) for k in range(1, n + 1)]
    s1, s2, s3, s4, s5 = scal["s"]
    s_p = scal["s_p"]
    U = 1
    for x in u:
        U = U * x % L
    G = ref.GENERATOR
    cbar = _lin([(1, x) for x in com] + [(-1, x) for x in h])
    chat_n = chain[-1] if n else q
    lhs_rhs = [
        (_g(s1), ref.add(t[0], ref.mul(c, cbar))),                                  # S1
        (_g(s2), ref.add(t[1], ref.mul(c, ref.sub(chat_n, ref.mul(U, q))))),        # S2
        (_lin([(s3, G)] + list(zip(s_p, h))),                                       # S3
         ref.add(t[2], ref.mul(c, _lin(list(zip(u, com)))))),
        (_lin([(-s4, G)] + [(s_p[i], outs[i][0]) for i in range(n)]),               # S4a
         ref.add(t[3], ref.mul(c, _lin([(u[j], ins[j][0]) for j in range(n)])))),
        (_lin([(-s4, K)] + [(s_p[i], outs[i][1]) for i in range(n)]),               # S4b
         ref.add(t[4], ref.mul(c, _lin([(u[j], ins[j][1]) for j in range(n)])))),
    ]
    links = [q] + chain[:-1]
    lhs_rhs.append((_lin([(s5, G)] + [(e[i] * s_p[i], links[i]) for i in range(n)]),  # S5
                    ref.add(t[5], _lin([(c * e[i], chain[i]) for i in range(n)]))))
    return all(ref.equal(a, b) for a, b in lhs_rhs), tr.hashed
