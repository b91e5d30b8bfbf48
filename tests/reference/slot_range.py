"""A pure-Python reference for version 2 of the choice-slot ballot (specs/slot-ballot.md
sections 3-10: slot ciphertexts, gap commitments, an aggregated Bulletproofs range proof and
the Sigma link), written from the spec with tests/reference/ristretto255.py and hashlib
only: no evote code. The inner-product prover folds the generators explicitly (the
implementation tracks coefficients instead); the verifier evaluates each equation of
W6 as a plain sum. Slow: meant for N of a few positions.

    prove(k_enc, base_hash, ballot_id, contest_id, shape, gaps, rand) -> wire bytes
    verify(k_enc, base_hash, ballot_id, contest_id, shape, wire) -> (ok, reason)

`shape` is (N candidates, L, b) as in tests/reference/slot_ballot.py; `rand` the
64*(2L + 7 + 2N) bytes of section 5.2 (after the marks). gaps may be anything (a
cheating kiosk: a gap that is not a b-bit number goes whole into position j*b).
"""
import hashlib
import struct

from . import ristretto255 as ref

L = ref.L
G = ref.GENERATOR


def _h64(tag, *fields):
    h = hashlib.sha512()
    for item in (tag.encode("ascii"),) + fields:
        h.update(len(item).to_bytes(8, "big") + item)
    return h.digest()


def _c(d):
    return int.from_bytes(d, "little") % L


def _le(x):
    return (x % L).to_bytes(32, "little")


def _u64(n):
    return n.to_bytes(8, "big")


def _gen(label, t):
    return ref.from_uniform(_h64("evote/v1/slot-range-generator", label.encode(), _u64(t)))


def _lin(terms):
    acc = ref.IDENTITY
    for k, p in terms:
        acc = ref.add(acc, ref.mul(k % L, p))
    return acc


def _vec_len(slots, bits):
    n = 1
    while n < slots * bits:
        n *= 2
    return n


def _inner(a, b):
    return sum(x * y for x, y in zip(a, b)) % L


def _w(shape, z, n_vec):
    _n, big_l, b = shape
    out = []
    for t in range(n_vec):
        j, i = divmod(t, b)
        if j >= big_l:
            j, i = big_l, t - big_l * b
        out.append(pow(z, j + 2, L) * 2 ** i % L)
    return out


def _sigma(base_hash, ballot_id, contest_id, shape, cts, vs):
    n, big_l, b = shape
    return _h64("evote/v1/slot-range-statement", base_hash, ballot_id,
                contest_id.encode("utf-8"), _u64(n), _u64(big_l), _u64(b), b"".join(cts),
                b"".join(vs))


def prove(k_enc, base_hash, ballot_id, contest_id, shape, gaps, rand, values=None):
    """values: encrypt these slot values instead of those the gaps give (a forgery whose
    ciphertexts do not match its commitments)."""
    _n, big_l, b = shape
    n_vec = _vec_len(big_l, b)
    k_pt = ref.decode(k_enc)
    h_pt, u_pt = _gen("H", 0), _gen("U", 0)
    gs = [_gen("g", t) for t in range(n_vec)]
    hs = [_gen("h", t) for t in range(n_vec)]
    sc = [_c(rand[64 * i:64 * i + 64]) for i in range(len(rand) // 64)]
    r, gam = sc[:big_l], sc[big_l:2 * big_l]
    alpha, rho_s, tau1, tau2, k1, k2, k3 = sc[2 * big_l:2 * big_l + 7]
    s_l = sc[2 * big_l + 7:2 * big_l + 7 + n_vec]
    s_r = sc[2 * big_l + 7 + n_vec:2 * big_l + 7 + 2 * n_vec]
    if values is None:
        values, acc = [], 0
        for d in gaps:
            acc += d + 1
            values.append(acc)
    cts = [ref.encode(_lin([(r[j], G)])) + ref.encode(_lin([(values[j], G), (r[j], k_pt)]))
           for j in range(big_l)]
    vs = [ref.encode(_lin([(gaps[j], G), (gam[j], h_pt)])) for j in range(big_l)]
    sigma = _sigma(base_hash, ballot_id, contest_id, shape, cts, vs)
    a_l = [0] * n_vec
    for j, d in enumerate(gaps):
        if 0 <= d < 2 ** b:
            for i in range(b):
                a_l[j * b + i] = (d >> i) & 1
        else:
            a_l[j * b] = d % L
    a_r = [(x - 1) % L for x in a_l]
    big_a = ref.encode(_lin([(alpha, h_pt)] + list(zip(a_l, gs)) + list(zip(a_r, hs))))
    big_s = ref.encode(_lin([(rho_s, h_pt)] + list(zip(s_l, gs)) + list(zip(s_r, hs))))
    y = _c(_h64("evote/v1/slot-range-y", sigma, big_a + big_s))
    z = _c(_h64("evote/v1/slot-range-z", sigma, big_a + big_s))
    yp = [pow(y, t, L) for t in range(n_vec)]
    w = _w(shape, z, n_vec)
    l0 = [(x - z) % L for x in a_l]
    r0 = [(yp[t] * (a_r[t] + z) + w[t]) % L for t in range(n_vec)]
    r1 = [yp[t] * s_r[t] % L for t in range(n_vec)]
    t1 = (_inner(l0, r1) + _inner(s_l, r0)) % L
    t2 = _inner(s_l, r1)
    t1_b = ref.encode(_lin([(t1, G), (tau1, h_pt)]))
    t2_b = ref.encode(_lin([(t2, G), (tau2, h_pt)]))
    x = _c(_h64("evote/v1/slot-range-x", sigma, big_a + big_s, t1_b + t2_b))
    tau_x = (tau2 * x * x + tau1 * x + sum(pow(z, j + 2, L) * gam[j] for j in range(big_l))) % L
    mu = (alpha + rho_s * x) % L
    lv = [(l0[t] + s_l[t] * x) % L for t in range(n_vec)]
    rv = [(r0[t] + r1[t] * x) % L for t in range(n_vec)]
    t_hat = _inner(lv, rv)
    rho = _h64("evote/v1/slot-range-ipa", sigma, big_a + big_s, t1_b + t2_b,
               _le(tau_x) + _le(mu) + _le(t_hat))
    q_pt = ref.mul(_c(rho), u_pt)
    y_inv = pow(y, -1, L)
    g_v = list(gs)
    h_v = [ref.mul(pow(y_inv, t, L), hs[t]) for t in range(n_vec)]
    a_v, b_v = lv, rv
    ipa = b""
    while len(a_v) > 1:
        half = len(a_v) // 2
        c_l = _inner(a_v[:half], b_v[half:])
        c_r = _inner(a_v[half:], b_v[:half])
        lk = ref.encode(_lin(list(zip(a_v[:half], g_v[half:])) + list(zip(b_v[half:], h_v[:half]))
                             + [(c_l, q_pt)]))
        rk = ref.encode(_lin(list(zip(a_v[half:], g_v[:half])) + list(zip(b_v[:half], h_v[half:]))
                             + [(c_r, q_pt)]))
        ipa += lk + rk
        rho = _h64("evote/v1/slot-range-round", rho, lk + rk)
        u = _c(rho)
        ui = pow(u, -1, L)
        a_v = [(a_v[i] * u + a_v[half + i] * ui) % L for i in range(half)]
        b_v = [(b_v[i] * ui + b_v[half + i] * u) % L for i in range(half)]
        g_v = [_lin([(ui, g_v[i]), (u, g_v[half + i])]) for i in range(half)]
        h_v = [_lin([(u, h_v[i]), (ui, h_v[half + i])]) for i in range(half)]
    e = _c(_h64("evote/v1/slot-range-link-e", sigma))
    r_prev = [0] + r[:-1]
    rho_star = sum(pow(e, j + 1, L) * (r[j] - r_prev[j]) for j in range(big_l)) % L
    d_star = sum(pow(e, j + 1, L) * gaps[j] for j in range(big_l)) % L
    g_star = sum(pow(e, j + 1, L) * gam[j] for j in range(big_l)) % L
    links = (ref.encode(_lin([(k1, G)])) + ref.encode(_lin([(k2, G), (k1, k_pt)]))
             + ref.encode(_lin([(k2, G), (k3, h_pt)])))
    c = _c(_h64("evote/v1/slot-range-link", rho, links))
    cid = contest_id.encode("utf-8")
    return (struct.pack(">4sBHBH", b"EVSL", 2, big_l, b, len(cid)) + cid + b"".join(cts)
            + b"".join(vs) + big_a + big_s + t1_b + t2_b + _le(tau_x) + _le(mu) + _le(t_hat)
            + ipa + _le(a_v[0]) + _le(b_v[0]) + links
            + _le(k1 + c * rho_star) + _le(k2 + c * d_star) + _le(k3 + c * g_star))


def verify(k_enc, base_hash, ballot_id, contest_id, shape, wire):
    """(True, "") or (False, which check fails)."""
    _n, big_l, b = shape
    n_vec = _vec_len(big_l, b)
    rounds = n_vec.bit_length() - 1
    magic, version, w_l, w_b, n_cid = struct.unpack_from(">4sBHBH", wire, 0)
    if (magic, version) != (b"EVSL", 2):
        return False, "magic or version"
    o = 10 + n_cid
    if wire[10:o].decode("utf-8") != contest_id or (w_l, w_b) != (big_l, b):
        return False, "W1"
    if len(wire) != o + 96 * big_l + 32 * (15 + 2 * rounds):
        return False, "W2"
    cts = [wire[o + 64 * j:o + 64 * j + 64] for j in range(big_l)]
    o += 64 * big_l
    f = [wire[q:q + 32] for q in range(o, len(wire), 32)]
    vs, f = f[:big_l], f[big_l:]
    big_a, big_s, t1_b, t2_b = f[0:4]
    tau_x, mu, t_hat = (int.from_bytes(v, "little") for v in f[4:7])
    lr = f[7:7 + 2 * rounds]
    a, bb = (int.from_bytes(v, "little") for v in f[7 + 2 * rounds:9 + 2 * rounds])
    links = f[9 + 2 * rounds:12 + 2 * rounds]
    z1, z2, z3 = (int.from_bytes(v, "little") for v in f[12 + 2 * rounds:])
    if any(v >= L for v in (tau_x, mu, t_hat, a, bb, z1, z2, z3)):
        return False, "W3"
    try:
        pts = {"V": [ref.decode(v) for v in vs], "A": ref.decode(big_a),
               "S": ref.decode(big_s), "T1": ref.decode(t1_b), "T2": ref.decode(t2_b),
               "LR": [ref.decode(p) for p in lr], "R": [ref.decode(p) for p in links],
               "al": [ref.decode(ct[:32]) for ct in cts], "be": [ref.decode(ct[32:]) for ct in cts]}
    except ref.DecodeError:
        return False, "W4"
    k_pt = ref.decode(k_enc)
    h_pt, u_pt = _gen("H", 0), _gen("U", 0)
    gs = [_gen("g", t) for t in range(n_vec)]
    hs = [_gen("h", t) for t in range(n_vec)]
    sigma = _sigma(base_hash, ballot_id, contest_id, shape, cts, vs)
    y = _c(_h64("evote/v1/slot-range-y", sigma, big_a + big_s))
    z = _c(_h64("evote/v1/slot-range-z", sigma, big_a + big_s))
    x = _c(_h64("evote/v1/slot-range-x", sigma, big_a + big_s, t1_b + t2_b))
    rho = _h64("evote/v1/slot-range-ipa", sigma, big_a + big_s, t1_b + t2_b,
               b"".join(f[4:7]))
    x_ip = _c(rho)
    us = []
    for k in range(rounds):
        rho = _h64("evote/v1/slot-range-round", rho, lr[2 * k] + lr[2 * k + 1])
        us.append(_c(rho))
    e = _c(_h64("evote/v1/slot-range-link-e", sigma))
    c = _c(_h64("evote/v1/slot-range-link", rho, b"".join(links)))
    if 0 in (y, z, x, x_ip, e, c) or 0 in us:
        return False, "W5"
    w = _w(shape, z, n_vec)
    delta = ((z - z * z) * sum(pow(y, t, L) for t in range(n_vec)) - z * sum(w)) % L
    lhs = _lin([(t_hat, G), (tau_x, h_pt)])
    rhs = _lin([(pow(z, j + 2, L), pts["V"][j]) for j in range(big_l)]
               + [(delta, G), (x, pts["T1"]), (x * x, pts["T2"])])
    if not ref.equal(lhs, rhs):
        return False, "W6 t-hat"
    s = []
    for t in range(n_vec):
        v = 1
        for k, u in enumerate(us):
            bit = (t >> (rounds - 1 - k)) & 1
            v = v * (u if bit else pow(u, -1, L)) % L
        s.append(v)
    y_inv = pow(y, -1, L)
    lhs = _lin([(1, pts["A"]), (x, pts["S"]), (-mu, h_pt), (x_ip * t_hat, u_pt)]
               + [(-z, g) for g in gs]
               + [(z + w[t] * pow(y_inv, t, L), hs[t]) for t in range(n_vec)]
               + [(u * u, pts["LR"][2 * k]) for k, u in enumerate(us)]
               + [(pow(u, -2, L), pts["LR"][2 * k + 1]) for k, u in enumerate(us)])
    rhs = _lin([(a * s[t], gs[t]) for t in range(n_vec)]
               + [(bb * pow(s[t], -1, L) * pow(y_inv, t, L), hs[t]) for t in range(n_vec)]
               + [(a * bb * x_ip, u_pt)])
    if not ref.equal(lhs, rhs):
        return False, "W6 inner product"
    ep = [pow(e, j + 1, L) for j in range(big_l)]
    # the gap ciphertexts D_j = S_j - S_{j-1} - (0, G), then the e-weighted sums
    d_al = [ref.sub(pts["al"][j], pts["al"][j - 1]) if j else pts["al"][0] for j in range(big_l)]
    d_be = [ref.sub(ref.sub(pts["be"][j], pts["be"][j - 1]) if j else pts["be"][0], G)
            for j in range(big_l)]
    a_star = _lin(list(zip(ep, d_al)))
    b_star = _lin(list(zip(ep, d_be)))
    v_star = _lin(list(zip(ep, pts["V"])))
    r1, r2, r3 = pts["R"]
    if not ref.equal(_lin([(z1, G)]), ref.add(r1, ref.mul(c, a_star))):
        return False, "W6 link 1"
    if not ref.equal(_lin([(z2, G), (z1, k_pt)]), ref.add(r2, ref.mul(c, b_star))):
        return False, "W6 link 2"
    if not ref.equal(_lin([(z2, G), (z3, h_pt)]), ref.add(r3, ref.mul(c, v_star))):
        return False, "W6 link 3"
    return True, ""
