"""`evote selftest`: the RFC 9496 vectors and consistency checks through the installed
package, then a short speed table against libsodium (pynacl) measured in the same run.

Exit 0 when every check passes, 1 on any failure. Runs in a few seconds.

The vectors are embedded below (the installed package has no specs/ directory): they are
RFC 9496 Appendix A, copied from specs/vectors/ristretto255-rfc9496.json;
tests/test_group_selftest.py checks that the two copies agree.
"""
import hashlib
import os
import time

import click

# ---- RFC 9496 Appendix A (A.1 multiples of the generator, A.2 invalid encodings grouped
# by the rule they break, A.3 hash-to-group: SHA-512 of the label, then the one-way map).
_MULTIPLES = (
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
)
_INVALID = {
    "non-canonical field encoding": (
        "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ),
    "negative field element": (
        "0100000000000000000000000000000000000000000000000000000000000000",
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
        "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
        "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
        "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
        "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
        "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    ),
    "non-square x^2": (
        "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
        "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
        "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
        "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
        "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
        "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
        "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
        "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    ),
    "negative xy": (
        "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
        "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
        "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
        "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
        "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
        "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
        "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
        "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    ),
    "s = -1, which causes y = 0": (
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ),
}
_HASH_TO_GROUP = (
    ('Ristretto is traditionally a short shot of espresso coffee',
     "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46"),
    ('made with the normal amount of ground coffee but extracted with',
     "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b"),
    ('about half the amount of water in the same amount of time',
     "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826"),
    ('by using a finer grind.',
     "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a"),
    ('This produces a concentrated shot of coffee per volume.',
     "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179"),
    ('Just pulling a normal shot short will produce a weaker shot',
     "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628"),
    ('and is not a Ristretto as some believe.',
     "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065"),
)


class _Checks:
    """Runs named checks, records failures; never lets an exception escape."""

    def __init__(self):
        self.failures = []
        self.count = 0

    def run(self, name, fn):
        self.count += 1
        try:
            fn()
        except Exception as exc:  # a self test reports everything, it does not crash
            self.failures.append(name)
            click.echo(f"  FAIL  {name}: {type(exc).__name__}: {exc}")
        else:
            click.echo(f"  ok    {name}")


def _require(cond, what):
    if not cond:
        raise AssertionError(what)


def _vector_checks(g, checks):
    from evote.errors import InvalidEncoding

    Point, Scalar = g.Point, g.Scalar
    mult = [bytes.fromhex(h) for h in _MULTIPLES]

    def multiples():
        for i, want in enumerate(mult):
            s = Scalar.from_int(i)
            _require(Point.mul_base(s).to_bytes() == want, f"{i}*G via the generator table")
            _require((s * g.Point.generator()).to_bytes() == want, f"{i}*G via scalarmult")
            _require(g.G_TABLE.mul(s).to_bytes() == want, f"{i}*G via FixedBase")
            _require(Point.from_bytes(want).to_bytes() == want, f"decode/encode of {i}*G")
        _require(g.multiples_vartime(Point.generator(), 16) == mult, "multiples_vartime")
        _require(g.validate_points(b"".join(mult)) == 16, "batch decoding")

    def invalid():
        for rule, encs in _INVALID.items():
            for h in encs:
                enc = bytes.fromhex(h)
                try:
                    Point.from_bytes(enc)
                except InvalidEncoding:
                    pass
                else:
                    raise AssertionError(f"accepted {h} ({rule})")
                try:
                    g.validate_points(mult[1] + enc)
                except InvalidEncoding as exc:
                    _require("item 1" in str(exc), f"batch index for {h}")
                else:
                    raise AssertionError(f"batch accepted {h} ({rule})")

    def hash_to_group():
        for label, want in _HASH_TO_GROUP:
            u = hashlib.sha512(label.encode("utf-8")).digest()
            _require(Point.from_uniform_bytes(u).to_bytes().hex() == want, label)

    n_bad = sum(len(v) for v in _INVALID.values())
    checks.run(f"RFC 9496 A.1: {len(mult)} multiples of G (4 paths each)", multiples)
    checks.run(f"RFC 9496 A.2: {n_bad} invalid encodings rejected (one by one, batch)", invalid)
    checks.run(f"RFC 9496 A.3: {len(_HASH_TO_GROUP)} hash-to-group vectors", hash_to_group)


def _consistency_checks(g, checks):
    import nacl.bindings as nb

    Point, Scalar = g.Point, g.Scalar
    L = Scalar.ORDER

    def scalars():
        for _ in range(20):
            a, b = Scalar.random(), Scalar.random()
            ab, bb = a.to_bytes(), b.to_bytes()
            _require((a * b).to_bytes() == nb.crypto_core_ed25519_scalar_mul(ab, bb), "mul")
            _require((a + b).to_bytes() == nb.crypto_core_ed25519_scalar_add(ab, bb), "add")
            _require((a - b).to_bytes() == nb.crypto_core_ed25519_scalar_sub(ab, bb), "sub")
            _require(a.invert().to_bytes() == nb.crypto_core_ed25519_scalar_invert(ab), "inv")
            w = os.urandom(64)
            _require(Scalar.from_wide_bytes(w).to_bytes()
                     == nb.crypto_core_ed25519_scalar_reduce(w), "wide reduction")

    def points():
        for _ in range(10):
            a, b = Scalar.random(), Scalar.random()
            p = Point.from_uniform_bytes(os.urandom(64))
            _require(Point.mul_base(a * b) == a * Point.mul_base(b), "(ab)G = a(bG)")
            _require((a + b) * p == a * p + b * p, "(a+b)P = aP + bP")
            _require(g.double_mul_vartime(a, p, b) == a * p + Point.mul_base(b),
                     "vartime a*P + b*G equals constant time")
            _require(g.FixedBase(p).mul2(a, g.G_TABLE, b) == a * p + Point.mul_base(b),
                     "FixedBase.mul2")
        _require(Point.mul_base(L - 1) + Point.generator() == Point.identity(), "l*G = 0")

    def msm():
        for n in (0, 1, 2, 40, 300):
            ks = [int.from_bytes(os.urandom(32), "little") % L for _ in range(n)]
            ss = [int.from_bytes(os.urandom(32), "little") % L for _ in range(n)]
            pts = [Point.mul_base(k) for k in ks]
            want = Point.mul_base(sum(s * k for s, k in zip(ss, ks)) % L)
            _require(g.msm_vartime(ss, pts) == want, f"msm_vartime n={n}")

    checks.run("scalar arithmetic equals libsodium's (random)", scalars)
    checks.run("point laws; constant time equals variable time (random)", points)
    checks.run("msm_vartime equals the sum with known logs (n = 0..300)", msm)


def _per_call(fn, budget=0.12, repeats=3):
    """Best seconds per call of fn over `repeats` batches sized to about budget/repeats."""
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    k = max(1, int(budget / repeats / one))
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        best = min(best, (time.perf_counter() - t0) / k)
    return best


def _per_call_pair(fn, other, budget=0.6, rounds=10):
    """Best seconds per call of fn and of other, measured in alternating batches so that
    load changing during the run affects both sides alike."""
    def one(f):
        t0 = time.perf_counter()
        f()
        return max(time.perf_counter() - t0, 1e-7)

    k1 = max(1, int(budget / 2 / rounds / one(fn)))
    k2 = max(1, int(budget / 2 / rounds / one(other)))
    b1 = b2 = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(k1):
            fn()
        b1 = min(b1, (time.perf_counter() - t0) / k1)
        t0 = time.perf_counter()
        for _ in range(k2):
            other()
        b2 = min(b2, (time.perf_counter() - t0) / k2)
    return b1, b2


def _speed_table(g):
    import nacl.bindings as nb

    Point, Scalar = g.Point, g.Scalar
    s = Scalar.random()
    sb = s.to_bytes()
    p = Point.from_uniform_bytes(os.urandom(64))
    p_ed = nb.crypto_core_ed25519_from_uniform(os.urandom(32))
    enc = p.to_bytes()
    n = 1024
    pts = b"".join(Point.from_uniform_bytes(os.urandom(64)).to_bytes() for _ in range(n))
    scs = b"".join(Scalar.random().to_bytes() for _ in range(n))

    ct, sodium_var = _per_call_pair(
        lambda: p * s, lambda: nb.crypto_scalarmult_ed25519_noclamp(sb, p_ed))
    fixed, sodium_base = _per_call_pair(
        lambda: Point.mul_base(s), lambda: nb.crypto_scalarmult_ed25519_base_noclamp(sb))
    dec = _per_call(lambda: Point.from_bytes(enc))
    batch = _per_call(lambda: g.validate_points(pts)) / n
    msm, ct2 = _per_call_pair(lambda: g.msm_vartime_raw(scs, pts), lambda: p * s)
    msm /= n

    us = 1e6
    rows = [
        ("ct scalar mult (variable base)", ct * us, "pynacl ed25519_noclamp",
         sodium_var * us, ct / sodium_var, "<= 0.55"),
        ("ct fixed base (generator table)", fixed * us, "pynacl ed25519_base_noclamp",
         sodium_base * us, fixed / sodium_base, "<= 0.9"),
        ("decode one point", dec * us, "", None, None, "<= 5 us"),
        (f"batch decode, per point (n={n})", batch * us, "", None, None, "<= decode"),
        (f"msm_vartime per point (n={n})", msm * us, "one ct scalar mult",
         ct2 * us, msm / ct2, "(0.1 at 65536)"),
    ]
    click.echo("\nSpeed (this machine, this run; microseconds per operation; each ratio's two "
               "sides measured in alternating batches):")
    click.echo(f"  {'operation':34} {'us':>8}  {'anchor':28} {'us':>8}  {'ratio':>6}  target")
    for name, t, anchor, at, ratio, target in rows:
        at_s = f"{at:8.1f}" if at is not None else " " * 8
        r_s = f"{ratio:6.2f}" if ratio is not None else " " * 6
        click.echo(f"  {name:34} {t:8.1f}  {anchor:28} {at_s}  {r_s}  {target}")


@click.command("selftest")
@click.option("--no-speed", is_flag=True, help="Skip the speed table.")
def selftest(no_speed):
    """Check the installed C core against RFC 9496 and libsodium; print a speed table."""
    t0 = time.perf_counter()
    try:
        from evote import _bindings, group as g
    except Exception as exc:  # a stale or missing build is a failure, reported in one line
        click.echo(f"FAIL: cannot load evote's C core: {exc}")
        raise SystemExit(1)
    field = "radix 2^51 (__int128)" if _bindings.core_uses_int128() else "radix 2^25.5"
    click.echo(f"evote selftest: C core {_bindings.core_version()}, field {field}")
    checks = _Checks()
    _vector_checks(g, checks)
    _consistency_checks(g, checks)
    if not no_speed:
        try:
            _speed_table(g)
        except Exception as exc:
            checks.failures.append("speed table")
            click.echo(f"  FAIL  speed table: {type(exc).__name__}: {exc}")
    took = time.perf_counter() - t0
    if checks.failures:
        click.echo(f"\nFAILED: {len(checks.failures)} of {checks.count} checks "
                   f"({', '.join(checks.failures)}) in {took:.1f} s")
        raise SystemExit(1)
    click.echo(f"\nPASSED: {checks.count} checks in {took:.1f} s")
