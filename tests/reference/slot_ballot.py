"""A pure-Python reference for the choice-slot ballot (specs/slot-ballot.md), written from
the spec with tests/reference/ristretto255.py and hashlib only: no evote code. Slow
(milliseconds per point operation): meant for small contests. The oracle of
tests/test_slot_reference.py.

Values are ints and encodings; a slot contest is its wire bytes (spec section 7).

    shape(n, slots) -> (n, slots, bits)
    draw_values(shape, positions, rng) -> slot values            (spec 5.1)
    prove(k_enc, base_hash, ballot_id, contest_id, shape, values, rng) -> wire bytes
    verify(k_enc, base_hash, ballot_id, contest_id, shape, wire) -> (ok, reason)
    slot_ciphertexts(wire) -> [64-byte alpha||beta]               (spec 4)
    prove_gaps(...): the prover for ANY gaps (ints, possibly negative or >= 2^b), a
        cheating kiosk: a gap that is not a b-bit number puts a non-bit in bit 0 and its
        0/1 proof is made anyway (it cannot verify).
"""
import hashlib
import struct

from . import ristretto255 as ref

L = ref.L
TAG = "evote/v1/slot-bit-proof"


def _h64(tag: str, *fields: bytes) -> bytes:
    h = hashlib.sha512()
    for item in (tag.encode("ascii"),) + fields:
        h.update(len(item).to_bytes(8, "big") + item)
    return h.digest()


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def _le(n: int) -> bytes:
    return (n % L).to_bytes(32, "little")


def _wide(b: bytes) -> int:
    return int.from_bytes(b, "little") % L


def _g(k: int):
    return ref.mul(k % L, ref.GENERATOR)


def shape(n: int, slots: int):
    b = 1
    while (1 << b) < n + slots:
        b += 1
    return (n, slots, b)


def draw_values(sh, positions, rng):
    n, slots, b = sh
    lo, size = n + 1, (1 << b) - n
    limit = (1 << 64) // size * size
    kept = []
    while len(kept) < slots:
        x = int.from_bytes(rng(8), "big")
        if x < limit and lo + x % size not in kept:
            kept.append(lo + x % size)
    pos = sorted(positions)
    return pos + sorted(kept[:slots - len(pos)])


def _challenge(base_hash, ballot_id, contest_id, sh, j, i, ct, comm) -> int:
    n, slots, b = sh
    return _wide(_h64(TAG, base_hash, ballot_id, contest_id.encode("utf-8"), _u64(n),
                      _u64(slots), _u64(b), _u64(j), _u64(i), ct, comm))


def _bit_record(k_pt, m: int, rand: bytes, statement) -> bytes:
    """Enc(m; r) and the [0, 1] proof of specs/protocol.md 4.2 (m any int: a false
    statement gives a proof that does not verify)."""
    r = _wide(rand[0:64])
    cs = [_wide(rand[64:128]), _wide(rand[192:256])]
    as_ = [_wide(rand[128:192]), _wide(rand[256:320])]
    alpha = ref.encode(_g(r))
    beta = ref.encode(ref.add(_g(m), ref.mul(r, k_pt)))
    comm = b""
    for t in (0, 1):
        comm += ref.encode(_g(as_[t]))
        comm += ref.encode(ref.add(ref.mul(as_[t], k_pt), _g(cs[t] * (t - m))))
    c = statement(alpha + beta, comm)
    # the true branch (t == m; for m not a bit, branch 1 by convention) takes the rest
    true = 0 if m == 0 else 1
    final = list(cs)
    final[true] = (c - cs[1 - true]) % L
    v = [(as_[t] + final[t] * r) % L for t in (0, 1)]
    return alpha + beta + comm + _le(final[0]) + _le(v[0]) + _le(v[1])


def _header(contest_id, slots, b) -> bytes:
    cid = contest_id.encode("utf-8")
    return struct.pack(">4sBHBH", b"EVSL", 1, slots, b, len(cid)) + cid


def prove_gaps(k_enc, base_hash, ballot_id, contest_id, sh, gaps, rng) -> bytes:
    n, slots, b = sh
    k_pt = ref.decode(k_enc)
    rand = rng(slots * b * 320)
    out = [_header(contest_id, slots, b)]
    for jj, d in enumerate(gaps):
        if 0 <= d < (1 << b):
            bits = [(d >> i) & 1 for i in range(b)]
        else:
            bits = [d] + [0] * (b - 1)
        for i in range(b):
            k = jj * b + i
            out.append(_bit_record(
                k_pt, bits[i], rand[320 * k:320 * (k + 1)],
                lambda ct, comm, j=jj + 1, i=i: _challenge(base_hash, ballot_id, contest_id,
                                                           sh, j, i, ct, comm)))
    return b"".join(out)


def prove(k_enc, base_hash, ballot_id, contest_id, sh, values, rng) -> bytes:
    prev, gaps = 0, []
    for v in values:
        gaps.append(v - prev - 1)
        prev = v
    return prove_gaps(k_enc, base_hash, ballot_id, contest_id, sh, gaps, rng)


def _records(wire: bytes):
    magic, version, slots, b, n_cid = struct.unpack_from(">4sBHBH", wire, 0)
    assert magic == b"EVSL" and version == 1
    o = 10 + n_cid
    cid = wire[10:o].decode("utf-8")
    recs = [wire[o + 288 * k:o + 288 * (k + 1)] for k in range(slots * b)]
    assert len(wire) == o + 288 * slots * b
    return cid, slots, b, recs


def verify(k_enc, base_hash, ballot_id, contest_id, sh, wire):
    """(True, "") or (False, "slot j bit i: what fails")."""
    n, slots, b = sh
    k_pt = ref.decode(k_enc)
    cid, w_slots, w_b, recs = _records(wire)
    if cid != contest_id or (w_slots, w_b) != (slots, b):
        return False, "V1 contest or shape"
    for k, rec in enumerate(recs):
        j, i = k // b + 1, k % b
        f = [rec[32 * m:32 * m + 32] for m in range(9)]
        sc = [int.from_bytes(x, "little") for x in f[6:9]]
        if any(x >= L for x in sc):
            return False, f"slot {j} bit {i}: V3"
        try:
            alpha, beta = ref.decode(f[0]), ref.decode(f[1])
        except ref.DecodeError:
            return False, f"slot {j} bit {i}: V4"
        c = _challenge(base_hash, ballot_id, contest_id, sh, j, i, f[0] + f[1],
                       b"".join(f[2:6]))
        cs = [sc[0], (c - sc[0]) % L]
        vs = sc[1:]
        for t in (0, 1):
            e1 = ref.sub(_g(vs[t]), ref.mul(cs[t], alpha))
            if ref.encode(e1) != f[2 + 2 * t]:
                return False, f"slot {j} bit {i}: V5 E1({t})"
            e2 = ref.sub(ref.mul(vs[t], k_pt), ref.mul(cs[t], ref.sub(beta, _g(t))))
            if ref.encode(e2) != f[3 + 2 * t]:
                return False, f"slot {j} bit {i}: V5 E2({t})"
    return True, ""


def slot_ciphertexts(wire: bytes):
    _cid, slots, b, recs = _records(wire)
    a_acc, b_acc = ref.IDENTITY, ref.IDENTITY
    out = []
    for j in range(slots):
        a_acc = ref.add(a_acc, ref.IDENTITY)
        b_acc = ref.add(b_acc, ref.GENERATOR)
        for i in range(b):
            rec = recs[j * b + i]
            a_acc = ref.add(a_acc, ref.mul(1 << i, ref.decode(rec[0:32])))
            b_acc = ref.add(b_acc, ref.mul(1 << i, ref.decode(rec[32:64])))
        out.append(ref.encode(a_acc) + ref.encode(b_acc))
    return out
