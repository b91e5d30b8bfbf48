"""Counts from m*G by baby-step giant-step, with one process-wide baby table.

    baby table: encoding of i*G -> i, for i in [0, BABY_STEPS)     (built once, lazily)
    giant step: Q_0 = X, Q_{k+1} = Q_k - BABY_STEPS*G; if Q_k = i*G then m = k*BABY_STEPS + i

With 2^16 baby steps a count up to 1.5 million needs at most 23 giant steps. All inputs
are public (decrypted tallies), so this is variable time on purpose.
"""
from __future__ import annotations

import threading
from typing import Sequence

from ..errors import EvoteTypeError
from ..group import Point, multiples_vartime
from . import ceremony_wire as w
from .threshold_errors import CountOutOfRange

BABY_STEPS = 1 << 16
MAX_BOUND = 1 << 40  # beyond any electorate; bounds the giant-step loop

_lock = threading.Lock()
_table: dict[bytes, int] | None = None
_giant: Point | None = None


def _baby_table() -> tuple[dict[bytes, int], Point]:
    global _table, _giant
    if _table is None:
        with _lock:
            if _table is None:
                multiples = multiples_vartime(Point.generator(), BABY_STEPS + 1)
                _giant = Point.from_bytes(multiples[BABY_STEPS])
                _table = {enc: i for i, enc in enumerate(multiples[:BABY_STEPS])}
    return _table, _giant


def discrete_log(point: Point, bound: int, what: str = "value") -> int:
    """The m in [0, bound] with m*G == point; CountOutOfRange (naming `what`) if none."""
    if not isinstance(point, Point):
        raise EvoteTypeError(f"{what}: expected Point, got {type(point).__name__}")
    w.require_int("bound", bound, 0, MAX_BOUND)
    table, giant = _baby_table()
    q = point
    base = 0
    while base <= bound:
        i = table.get(q.to_bytes())
        if i is not None:
            m = base + i
            if m <= bound:
                return m
            break
        q = q - giant
        base += BABY_STEPS
    raise CountOutOfRange(f"{what}: not m*G for any count m in [0, {bound}]")


def discrete_logs(points: Sequence[Point], bound: int, what: str = "value") -> list[int]:
    """discrete_log of each point; errors name `what`[k]."""
    return [discrete_log(p, bound, f"{what}[{k}]") for k, p in enumerate(points)]
