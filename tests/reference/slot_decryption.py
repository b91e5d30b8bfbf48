"""A pure-Python reference for slot decryption (specs/slot-decryption.md), written from
the spec with tests/reference/ristretto255.py and hashlib only: no evote code. Slow
(pure Python points): meant for a few slots. The oracle of tests/test_slot_decryption_reference.py.

Values are wire bytes (64-byte ciphertexts, the files of section 6) and ints.

    label(base_hash, contest_id, cts) -> 32 bytes
    prove(base_hash, contest_id, index, secret, cts, nonce) -> slot shares file bytes
    combine(base_hash, contest_id, n_candidates, cts, share_files) -> decryption file bytes
    verify(base_hash, contest_id, public_shares, threshold, n_candidates, cts,
           share_files, decryption) -> None or the first failing check's name (str)

verify checks each equation on its own (no batching), so it is an independent oracle for
the implementation's one-MSM verifier.
"""
import hashlib

from . import ristretto255 as ref

L = ref.L
CHUNK = 4096


def _h(tag: str, *fields: bytes) -> bytes:
    h = hashlib.sha512()
    for item in (tag.encode("ascii"),) + fields:
        h.update(len(item).to_bytes(8, "big") + item)
    return h.digest()


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def _le(n: int) -> bytes:
    return (n % L).to_bytes(32, "little")


def _split(blob: bytes, size: int):
    return [blob[k:k + size] for k in range(0, len(blob), size)]


def _list_digest(kind: str, items) -> bytes:
    k = kind.encode()
    chunks = [_h("evote/v1/slot-decryption-chunk", k, _u64(q), b"".join(items[at:at + CHUNK]))[:32]
              for q, at in enumerate(range(0, len(items), CHUNK))]
    return _h("evote/v1/slot-decryption-list", k, _u64(len(items)), b"".join(chunks))[:32]


def label(base_hash: bytes, contest_id: str, cts: bytes) -> bytes:
    items = _split(cts, 64)
    return _h("evote/v1/slot-decryption-label", base_hash, contest_id.encode(),
              _u64(len(items)), _list_digest("ciphertexts", items))[:32]


def _seed(lab: bytes, index: int, public_share: bytes, shares) -> bytes:
    return _h("evote/v1/slot-decryption-weights", lab, _u64(index), public_share,
              _list_digest("shares", shares))


def _rho(seed: bytes, j: int) -> int:
    block = _h("evote/v1/slot-decryption-rho", seed, _u64(j // 4))
    return int.from_bytes(block[16 * (j % 4):16 * (j % 4) + 16], "little")


def _lin(terms):
    acc = ref.IDENTITY
    for k, p in terms:
        acc = ref.add(acc, ref.mul(k % L, p))
    return acc


def _challenge(seed: bytes, a: bytes, b: bytes) -> int:
    return int.from_bytes(_h("evote/v1/slot-decryption-proof", seed, a, b), "little") % L


def prove(base_hash: bytes, contest_id: str, index: int, secret: int, cts: bytes,
          nonce: int) -> bytes:
    items = _split(cts, 64)
    alphas = [ref.decode(c[:32]) for c in items]
    shares = [ref.encode(ref.mul(secret, a)) for a in alphas]
    lab = label(base_hash, contest_id, cts)
    public = ref.encode(ref.mul(secret, ref.GENERATOR))
    seed = _seed(lab, index, public, shares)
    a_star = _lin((_rho(seed, j), a) for j, a in enumerate(alphas))
    a = ref.encode(ref.mul(nonce, ref.GENERATOR))
    b = ref.encode(ref.mul(nonce, a_star))
    v = (nonce + _challenge(seed, a, b) * secret) % L
    head = b"EVDS" + bytes([1]) + bytes(3) + index.to_bytes(4, "big") + len(items).to_bytes(4, "big")
    return head + lab + a + b + _le(v) + b"".join(shares)


def _parse_shares(data: bytes):
    assert data[:8] == b"EVDS\x01\x00\x00\x00"
    index, n = int.from_bytes(data[8:12], "big"), int.from_bytes(data[12:16], "big")
    assert len(data) == 144 + 32 * n
    return index, n, data[16:48], data[48:80], data[80:112], data[112:144], _split(data[144:], 32)


def _lagrange(indices):
    out = {}
    for i in indices:
        num = den = 1
        for j in indices:
            if j != i:
                num, den = num * j % L, den * (j - i) % L
        out[i] = num * pow(den, -1, L) % L
    return out


def _combined(cts: bytes, parsed):
    lam = _lagrange([p[0] for p in parsed])
    out = []
    for j, c in enumerate(_split(cts, 64)):
        m = ref.decode(c[32:])
        for p in parsed:
            m = ref.sub(m, ref.mul(lam[p[0]], ref.decode(p[6][j])))
        out.append(ref.encode(m))
    return out


def combine(base_hash: bytes, contest_id: str, n_candidates: int, cts: bytes,
            share_files) -> bytes:
    parsed = sorted((_parse_shares(f) for f in share_files), key=lambda p: p[0])
    table = {ref.encode(ref.mul(v, ref.GENERATOR)): v for v in range(1, n_candidates + 2)}
    values, marks = [], []
    for m in _combined(cts, parsed):
        values.append(table.get(m, 0))
        if m not in table:
            marks.append(m)
    n = len(values)
    return (b"EVDV\x01\x00\x00\x00" + n.to_bytes(4, "big") + n_candidates.to_bytes(4, "big")
            + len(parsed).to_bytes(4, "big") + b"".join(p[0].to_bytes(4, "big") for p in parsed)
            + label(base_hash, contest_id, cts)
            + b"".join(v.to_bytes(4, "big") for v in values) + b"".join(marks))


def verify(base_hash: bytes, contest_id: str, public_shares: dict, threshold: int,
           n_candidates: int, cts: bytes, share_files, decryption: bytes):
    """None if valid, else the name of the first failing check (strings of spec 5.1)."""
    items = _split(cts, 64)
    lab = label(base_hash, contest_id, cts)
    parsed = []
    for f in share_files:
        try:
            p = _parse_shares(f)
        except AssertionError:
            return "shares format"
        index, n, flab, a, b, v, shares = p
        if index not in public_shares or n != len(items) or flab != lab:
            return "shares statement"
        if int.from_bytes(v, "little") >= L:
            return "shares scalar"
        try:
            a_p, b_p = ref.decode(a), ref.decode(b)
            d_p = [ref.decode(d) for d in shares]
        except ref.DecodeError:
            return "shares points"
        seed = _seed(lab, index, public_shares[index], shares)
        rhos = [_rho(seed, j) for j in range(n)]
        a_star = _lin(zip(rhos, (ref.decode(c[:32]) for c in items)))
        d_star = _lin(zip(rhos, d_p))
        c = _challenge(seed, a, b)
        v_int = int.from_bytes(v, "little")
        if not ref.equal(ref.mul(v_int, ref.GENERATOR),
                         ref.add(a_p, ref.mul(c, ref.decode(public_shares[index])))):
            return f"proof of guardian {index}"
        if not ref.equal(ref.mul(v_int, a_star), ref.add(b_p, ref.mul(c, d_star))):
            return f"proof of guardian {index}"
        parsed.append(p)
    parsed.sort(key=lambda p: p[0])
    indices = [p[0] for p in parsed]
    if len(set(indices)) != len(indices) or len(indices) < threshold:
        return "guardian set"
    if decryption[:8] != b"EVDV\x01\x00\x00\x00":
        return "decryption format"
    n, n_cand, k = (int.from_bytes(decryption[at:at + 4], "big") for at in (8, 12, 16))
    at = 20
    guardians = [int.from_bytes(decryption[at + 4 * q:at + 4 * q + 4], "big") for q in range(k)]
    at += 4 * k
    if guardians != indices or n_cand != n_candidates or n != len(items):
        return "decryption statement"
    if decryption[at:at + 32] != lab:
        return "decryption statement"
    at += 32
    values = [int.from_bytes(decryption[at + 4 * j:at + 4 * j + 4], "big") for j in range(n)]
    marks = _split(decryption[at + 4 * n:], 32)
    if any(v > n_candidates + 1 for v in values) or len(marks) != values.count(0):
        return "decryption format"
    table = {ref.encode(ref.mul(v, ref.GENERATOR)): v for v in range(1, n_candidates + 2)}
    marks_iter = iter(marks)
    for j, (m, v) in enumerate(zip(_combined(cts, parsed), values)):
        want = next(marks_iter) if v == 0 else ref.encode(ref.mul(v, ref.GENERATOR))
        if v == 0 and want in table:
            return f"slot {j}"
        if m != want:
            return f"slot {j}"
    return None
