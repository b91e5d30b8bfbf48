"""libsodium's own ristretto255 functions (the system library, through cffi's ABI mode),
beside evote's on the same operations, for the group rows of run_all.py.

PyNaCl does not bind libsodium's ristretto255 functions, so the system libsodium (Debian's
libsodium23, 1.0.18) is opened with cffi.dlopen. Both sides are called from Python with
bytes prepared beforehand, so both pay a foreign-call overhead; CALL_OVERHEAD measures
libsodium's (a call to a function that does nothing but return a constant), printed
beside the figures. evote is timed twice: at its core (evote._bindings, bytes in and out,
the C core with the thinnest wrapper) and through the Python API the protocol uses
(Point and Scalar objects). The target (issue 17) is on the core.

Every figure's result is checked first: ristretto255 encodings are canonical, so evote
and libsodium must give byte-identical answers for the same scalar and point.
"""
import os
import time

import cffi

from evote import _bindings
from evote.group import Point, Scalar

_ffi = cffi.FFI()
_ffi.cdef("""
    const char *sodium_version_string(void);
    int sodium_init(void);
    size_t crypto_core_ristretto255_bytes(void);
    int crypto_scalarmult_ristretto255(unsigned char *q, const unsigned char *n,
                                       const unsigned char *p);
    int crypto_scalarmult_ristretto255_base(unsigned char *q, const unsigned char *n);
    int crypto_core_ristretto255_is_valid_point(const unsigned char *p);
    int crypto_core_ristretto255_from_hash(unsigned char *p, const unsigned char *r);
""")


def load(name: str = "libsodium.so.23"):
    lib = _ffi.dlopen(name)
    if lib.sodium_init() < 0:
        raise RuntimeError("sodium_init failed")
    return lib


def version(lib) -> str:
    return _ffi.string(lib.sodium_version_string()).decode()


class Operations:
    """The four group operations, each as (evote core, evote API, libsodium) callables
    that do `k` operations on prepared inputs."""

    def __init__(self, lib):
        self.lib = lib
        s = Scalar.random()
        self.s, self.sb = s, s.to_bytes()
        self.p = Point.from_uniform_bytes(os.urandom(64))
        self.pb = self.p.to_bytes()
        self.h = os.urandom(64)
        self.out = _ffi.new("unsigned char[32]")
        self._check()

    def _check(self) -> None:
        lib, out = self.lib, self.out
        if lib.crypto_scalarmult_ristretto255(out, self.sb, self.pb) != 0:
            raise AssertionError("libsodium refused the scalar multiplication")
        if bytes(out) != (self.s * self.p).to_bytes():
            raise AssertionError("evote and libsodium disagree on s*P")
        if bytes(out) != _bindings.scalarmult(self.sb, self.pb):
            raise AssertionError("evote's core and libsodium disagree on s*P")
        lib.crypto_scalarmult_ristretto255_base(out, self.sb)
        if bytes(out) != Point.mul_base(self.s).to_bytes():
            raise AssertionError("evote and libsodium disagree on s*G")
        if bytes(out) != _bindings.scalarmult_base(self.sb):
            raise AssertionError("evote's core and libsodium disagree on s*G")
        lib.crypto_core_ristretto255_from_hash(out, self.h)
        if bytes(out) != Point.from_uniform_bytes(self.h).to_bytes():
            raise AssertionError("evote and libsodium disagree on the hash-to-group map")
        bad = bytes([0xED] + [0xFF] * 30 + [0x7F])  # not canonical
        if lib.crypto_core_ristretto255_is_valid_point(self.pb) != 1 \
                or lib.crypto_core_ristretto255_is_valid_point(bad) != 0 \
                or not _bindings.point_is_valid(self.pb) or _bindings.point_is_valid(bad):
            raise AssertionError("evote and libsodium disagree on which encodings are valid")

    # Each returns a function of k that does k operations (the timed loop).
    def scalarmult(self):
        lib, out, sb, pb, s, p = self.lib, self.out, self.sb, self.pb, self.s, self.p
        core = _bindings.scalarmult
        return (lambda k: [core(sb, pb) for _ in range(k)],
                lambda k: [p * s for _ in range(k)],
                lambda k: [lib.crypto_scalarmult_ristretto255(out, sb, pb) for _ in range(k)])

    def scalarmult_base(self):
        lib, out, sb, s = self.lib, self.out, self.sb, self.s
        core = _bindings.scalarmult_base
        return (lambda k: [core(sb) for _ in range(k)],
                lambda k: [Point.mul_base(s) for _ in range(k)],
                lambda k: [lib.crypto_scalarmult_ristretto255_base(out, sb) for _ in range(k)])

    def decode(self):
        lib, pb = self.lib, self.pb
        core = _bindings.point_is_valid
        return (lambda k: [core(pb) for _ in range(k)],
                lambda k: [Point.from_bytes(pb) for _ in range(k)],
                lambda k: [lib.crypto_core_ristretto255_is_valid_point(pb) for _ in range(k)])

    def from_hash(self):
        lib, out, h = self.lib, self.out, self.h
        core = _bindings.point_from_uniform
        return (lambda k: [core(h) for _ in range(k)],
                lambda k: [Point.from_uniform_bytes(h) for _ in range(k)],
                lambda k: [lib.crypto_core_ristretto255_from_hash(out, h) for _ in range(k)])

    def call_overhead(self):
        lib = self.lib
        return lambda k: [lib.crypto_core_ristretto255_bytes() for _ in range(k)]


def per_op(fn, k: int, rounds: int = 3) -> float:
    """CPU seconds per operation: the fastest of `rounds` batches of k."""
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        fn(k)
        best = min(best, (time.process_time() - t) / k)
    return best
