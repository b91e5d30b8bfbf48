"""evote._bindings: every function checks type and length of every argument itself.

Compared: for each binding and each of its byte parameters, a wrong type raises
EvoteTypeError naming the parameter, and a wrong length raises InvalidEncoding naming it,
before any C call; non-canonical scalars raise InvalidEncoding naming the parameter; the
version stamp refuses a stale build at import.
"""
import importlib
import sys

import pytest

from evote import _bindings as b
from evote import _version
from evote.errors import EvoteError, EvoteTypeError, EvoteValueError, InvalidEncoding

G = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")
ONE = (1).to_bytes(32, "little")
L = 2**252 + 27742317777372353535851937790883648493
BIG = L.to_bytes(32, "little")  # not canonical
TABLE = b.basetable_init(G)

# function -> list of (parameter name, good value, required length or None for a blob)
SIGNATURES = {
    b.scalar_is_canonical: [("s", ONE, 32)],
    b.scalar_reduce_wide: [("b", bytes(64), 64)],
    b.scalar_add: [("a", ONE, 32), ("b", ONE, 32)],
    b.scalar_sub: [("a", ONE, 32), ("b", ONE, 32)],
    b.scalar_mul: [("a", ONE, 32), ("b", ONE, 32)],
    b.scalar_neg: [("a", ONE, 32)],
    b.scalar_invert: [("a", ONE, 32)],
    b.point_is_valid: [("p", G, 32)],
    b.point_add: [("a", G, 32), ("b", G, 32)],
    b.point_sub: [("a", G, 32), ("b", G, 32)],
    b.point_neg: [("a", G, 32)],
    b.point_from_uniform: [("b", bytes(64), 64)],
    b.points_validate: [("blob", G * 2, None)],
    b.scalarmult: [("s", ONE, 32), ("p", G, 32)],
    b.scalarmult_base: [("s", ONE, 32)],
    b.basetable_init: [("p", G, 32)],
    b.double_scalarmult_vartime: [("a", ONE, 32), ("p", G, 32), ("b", ONE, 32)],
    b.msm_vartime: [("scalars", ONE * 2, None), ("points", G * 2, None)],
}


def _call(fn, sig, override=None):
    args = [good for _, good, _ in sig]
    if override is not None:
        i, v = override
        args[i] = v
    return fn(*args)


@pytest.mark.parametrize("fn", list(SIGNATURES), ids=lambda f: f.__name__)
def test_good_arguments_work(fn):
    _call(fn, SIGNATURES[fn])


@pytest.mark.parametrize("fn", list(SIGNATURES), ids=lambda f: f.__name__)
def test_every_argument_type_checked(fn):
    sig = SIGNATURES[fn]
    for i, (name, good, _) in enumerate(sig):
        for bad in (good.hex(), list(good), None, 7):
            with pytest.raises(EvoteTypeError, match=rf"{fn.__name__}: {name} must be bytes"):
                _call(fn, sig, (i, bad))


@pytest.mark.parametrize("fn", list(SIGNATURES), ids=lambda f: f.__name__)
def test_every_argument_length_checked(fn):
    sig = SIGNATURES[fn]
    for i, (name, good, length) in enumerate(sig):
        bads = [good[:-1], good + b"\0"] if length else [good + b"\0", good[:-5]]
        if length:
            bads.append(b"")
        for bad in bads:
            with pytest.raises(InvalidEncoding, match=rf"{fn.__name__}: {name} must be"):
                _call(fn, sig, (i, bad))


def test_table_functions_check_arguments():
    with pytest.raises(EvoteTypeError, match="table must be a BaseTable"):
        b.basetable_mul(G, ONE)
    with pytest.raises(EvoteTypeError, match="table_b must be a BaseTable"):
        b.basetable_mul2(TABLE, ONE, None, ONE)
    with pytest.raises(EvoteTypeError, match="table_a must be a BaseTable"):
        b.basetable_mul2(bytes(b.basetable_size()), ONE, TABLE, ONE)
    with pytest.raises(InvalidEncoding, match="s must be 32 bytes"):
        b.basetable_mul(TABLE, ONE[:31])
    with pytest.raises(InvalidEncoding, match="b must be 32 bytes"):
        b.basetable_mul2(TABLE, ONE, TABLE, ONE + b"\0")
    assert b.basetable_mul(TABLE, ONE) == G
    assert b.basetable_size() > 0


@pytest.mark.parametrize("fn,params", [
    (b.scalar_add, ("a", "b")), (b.scalar_sub, ("a", "b")), (b.scalar_mul, ("a", "b")),
])
def test_non_canonical_scalar_named(fn, params):
    with pytest.raises(InvalidEncoding, match=rf"{params[0]} is not a canonical scalar"):
        fn(BIG, ONE)
    with pytest.raises(InvalidEncoding, match=rf"{params[1]} is not a canonical scalar"):
        fn(ONE, BIG)


def test_non_canonical_scalar_single_argument_functions():
    for call, name in ((lambda: b.scalar_neg(BIG), "a"), (lambda: b.scalar_invert(BIG), "a"),
                       (lambda: b.scalarmult(BIG, G), "s"), (lambda: b.scalarmult_base(BIG), "s"),
                       (lambda: b.basetable_mul(TABLE, BIG), "s"),
                       (lambda: b.basetable_mul2(TABLE, ONE, TABLE, BIG), "b"),
                       (lambda: b.double_scalarmult_vartime(BIG, G, ONE), "a"),
                       (lambda: b.double_scalarmult_vartime(ONE, G, BIG), "b")):
        with pytest.raises(InvalidEncoding, match=rf"\b{name} is not a canonical scalar"):
            call()
    assert not b.scalar_is_canonical(BIG) and b.scalar_is_canonical(ONE)


def test_invert_zero():
    with pytest.raises(EvoteValueError, match="zero"):
        b.scalar_invert(bytes(32))


def test_count_arguments_checked():
    for bad in (1.0, "2", None, True):
        with pytest.raises(EvoteTypeError, match="n must be int"):
            b.multiples_vartime(G, bad)
    with pytest.raises(EvoteValueError, match="n must be in"):
        b.multiples_vartime(G, -1)
    with pytest.raises(EvoteValueError, match="n must be in"):
        b.multiples_vartime(G, 2**80)
    with pytest.raises(EvoteTypeError, match="rows must be bytes"):
        b.aggregate_vartime([G], 1, 1)
    with pytest.raises(InvalidEncoding, match="rows must be a whole number"):
        b.aggregate_vartime(G + b"\0", 1, 1)
    assert b.multiples_vartime(G, 0) == b""
    assert b.multiples_vartime(G, 2) == bytes(32) + G


def test_core_version_matches_package():
    assert b.core_version() == _version.__version__
    assert isinstance(b.core_uses_int128(), bool)


def test_stale_build_refused(monkeypatch):
    """Importing the bindings with a package version that differs from the C core's stamp
    raises EvoteError('stale build ...')."""
    saved = sys.modules.pop("evote._bindings")
    try:
        monkeypatch.setattr(_version, "__version__", "0.0.0-not-this-build")
        with pytest.raises(EvoteError, match="stale build"):
            importlib.import_module("evote._bindings")
    finally:
        sys.modules["evote._bindings"] = saved


def test_only_bindings_touch_native():
    """No other module of the package imports evote._native (style.md, layer 3)."""
    import pathlib
    import re

    import evote

    imports_native = re.compile(
        r"^\s*(from\s+[\w.]*_native\s+import|import\s+[\w.]*\._native\b"
        r"|from\s+[\w.]+\s+import\s+[^\n]*\b_native\b)", re.M)
    root = pathlib.Path(evote.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name not in ("_bindings.py", "_build_native.py")
                 and imports_native.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert imports_native.search((root / "_bindings.py").read_text(encoding="utf-8"))
