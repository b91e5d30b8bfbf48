"""The C hot loops of the slot range proof through their bindings (csrc/slot_range.c,
evote._bindings slot_*): every malformed argument is refused with a precise error, never
a crash or a silent wrong answer; the verifier's coefficients equal a pure-Python
computation of section 10's formulas; the prover's pieces equal the Python formulas."""
import os

import pytest

from evote import _bindings as b
from evote.errors import EvoteTypeError, EvoteValueError, InvalidEncoding
from evote.group import Scalar
from evote.protocol.slot_generators import base_points, prover_generators, vector_points

L_ORDER = Scalar.ORDER


def _rand():
    return int.from_bytes(os.urandom(64), "little") % L_ORDER


def _le(x):
    return (x % L_ORDER).to_bytes(32, "little")


def _weights(slots, bits, n, z):
    out = []
    for t in range(n):
        j, i = divmod(t, bits)
        if j >= slots:
            j, i = slots, t - slots * bits
        out.append(pow(z, j + 2, L_ORDER) * 2 ** i % L_ORDER)
    return out


def test_verifier_coefficients_match_the_formulas_and_accumulate():
    slots, bits, n = 3, 24, 128
    rounds = 7
    y, z, a, bb, w = (_rand() for _ in range(5))
    us = [_rand() for _ in range(rounds)]
    uis = [pow(u, -1, L_ORDER) for u in us]
    y_inv = pow(y, -1, L_ORDER)
    s = [1]
    for u, ui in zip(us, uis):
        s = [v * f % L_ORDER for v in s for f in (ui, u)]
    wt = _weights(slots, bits, n, z)
    g = [(-w * z - w * a * st) % L_ORDER for st in s]
    h = [(w * z + (wt[t] - bb * s[n - 1 - t]) * w * pow(y_inv, t, L_ORDER)) % L_ORDER
         for t in range(n)]
    args = (b"".join(_le(v) for v in (y_inv, z, a, bb, w)), b"".join(map(_le, us)),
            b"".join(map(_le, uis)), slots, bits)
    once = b.slot_range_coefs_vartime(bytes(64 * n), *args)
    assert once == b"".join(map(_le, g + h))
    twice = b.slot_range_coefs_vartime(once, *args)
    assert twice == b"".join(_le(2 * v) for v in g + h)


def test_verifier_coefficients_refuse_bad_arguments():
    n, ok = 128, bytes(64 * 128)
    sc, us = bytes(160), bytes(32 * 7)
    big = (L_ORDER).to_bytes(32, "little")
    with pytest.raises(InvalidEncoding, match="acc must be 8192 bytes"):
        b.slot_range_coefs_vartime(ok[:-1], sc, us, us, 3, 24)
    with pytest.raises(InvalidEncoding, match="not canonical"):
        b.slot_range_coefs_vartime(ok, big + sc[32:], us, us, 3, 24)
    with pytest.raises(InvalidEncoding, match="not canonical"):
        b.slot_range_coefs_vartime(big + ok[32:], sc, us, us, 3, 24)
    with pytest.raises(EvoteValueError, match="out of range"):
        b.slot_range_coefs_vartime(ok, sc, us, us, 3, 65)
    with pytest.raises(EvoteTypeError):
        b.slot_range_coefs_vartime(ok, sc, us, us, True, 24)
    assert n == 128


def test_generators_and_a_commit_refuse_bad_arguments():
    gens = prover_generators(128)
    with pytest.raises(EvoteValueError, match="bytes 0 or 1"):
        b.slot_a_commit(gens, bytes([2]) + bytes(127), bytes(32))
    with pytest.raises(InvalidEncoding, match="alpha_h"):
        b.slot_a_commit(gens, bytes(128), b"\xff" * 32)
    with pytest.raises(InvalidEncoding, match="bits must be 128 bytes"):
        b.slot_a_commit(gens, bytes(127), bytes(32))
    with pytest.raises(EvoteTypeError, match="SlotGenerators"):
        b.slot_a_commit(object(), bytes(128), bytes(32))
    g, h = vector_points(4)
    with pytest.raises(InvalidEncoding, match="generator"):
        b.slot_gens_init(b"\xff" * 32 + b"".join(g[1:]), b"".join(h),
                         base_points()[1].to_bytes())
    with pytest.raises(EvoteValueError, match="power of two"):
        b.slot_gens_init(b"".join(g[:3]), b"".join(h[:3]), base_points()[1].to_bytes())


def test_a_commit_is_the_sum_it_claims():
    """A with no bit set is alpha*H - sum h_t; with bit t set, that plus g_t + h_t."""
    from evote.group import Point
    n = 32
    gens = prover_generators(n)
    g, h = vector_points(n)
    hp = base_points()[0]
    alpha = Scalar.from_int(12345)
    ah = (hp * alpha).to_bytes()
    base = hp * alpha
    for p in h:
        base = base - Point.from_bytes(p)
    assert b.slot_a_commit(gens, bytes(n), ah) == base.to_bytes()
    bits = bytes([1 if t in (0, 5, 31) else 0 for t in range(n)])
    want = base
    for t in (0, 5, 31):
        want = want + Point.from_bytes(g[t]) + Point.from_bytes(h[t])
    assert b.slot_a_commit(gens, bits, ah) == want.to_bytes()


def test_prover_polynomials_match_the_formulas():
    slots, bits, n = 2, 24, 64
    a_l = [os.urandom(1)[0] & 1 if t < slots * bits else 0 for t in range(n)]
    s_l = [_rand() for _ in range(n)]
    s_r = [_rand() for _ in range(n)]
    y, z, x = _rand(), _rand(), _rand()
    yp = [pow(y, t, L_ORDER) for t in range(n)]
    w = _weights(slots, bits, n, z)
    l0 = [(a - z) % L_ORDER for a in a_l]
    r0 = [(yp[t] * (a_l[t] - 1 + z) + w[t]) % L_ORDER for t in range(n)]
    r1 = [yp[t] * s_r[t] % L_ORDER for t in range(n)]
    t1 = sum(l0[t] * r1[t] + s_l[t] * r0[t] for t in range(n)) % L_ORDER
    t2 = sum(s_l[t] * r1[t] for t in range(n)) % L_ORDER
    blob_l, blob_r = b"".join(map(_le, s_l)), b"".join(map(_le, s_r))
    assert b.slot_prover_t(bytes(a_l), blob_l, blob_r, _le(y) + _le(z), slots, bits) == \
        (_le(t1), _le(t2))
    lv = [(l0[t] + s_l[t] * x) % L_ORDER for t in range(n)]
    rv = [(r0[t] + r1[t] * x) % L_ORDER for t in range(n)]
    state, t_hat = b.slot_prover_lr(bytes(a_l), blob_l, blob_r, _le(y) + _le(z) + _le(x),
                                    _le(pow(y, -1, L_ORDER)), slots, bits)
    assert t_hat == _le(sum(p * q for p, q in zip(lv, rv)))
    assert state[:64 * n] == b"".join(map(_le, lv + rv))
    with pytest.raises(EvoteValueError, match="bytes 0 or 1"):
        b.slot_prover_t(bytes([3]) + bytes(n - 1), blob_l, blob_r, _le(y) + _le(z), slots,
                        bits)
    with pytest.raises(InvalidEncoding, match="not canonical"):
        b.slot_prover_t(bytes(a_l), b"\xff" * 32 + blob_l[32:], blob_r, _le(y) + _le(z),
                        slots, bits)


def test_ipa_state_refusals():
    gens = prover_generators(64)
    state = bytes(32 * (2 * 64 + 2 * 64))
    with pytest.raises(EvoteValueError, match="power of two"):
        b.slot_ipa_round_vartime(state, gens, 3, bytes(32))
    with pytest.raises(InvalidEncoding, match="state must be"):
        b.slot_ipa_round_vartime(state[:-32], gens, 64, bytes(32))
    with pytest.raises(EvoteValueError, match="zero"):
        b.slot_ipa_fold(state, gens, 64, bytes(32))
    with pytest.raises(InvalidEncoding, match="not canonical"):
        b.slot_ipa_fold(b"\xff" * 32 + state[32:], gens, 64, _le(5))
    folded = b.slot_ipa_fold(state, gens, 64, _le(5))
    assert len(folded) == 32 * (2 * 32 + 2 * 64)        # a, b of length 32, then the coefficients
