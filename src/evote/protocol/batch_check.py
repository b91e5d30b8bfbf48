"""Random-weight batching of verification equations (public data, variable time).

Every check of the form  sum_k s_k * P_k == identity  from many proofs is multiplied by
an independent random 128-bit weight and the results are summed; one multi-scalar
multiplication then decides the whole batch. A batch with any false equation passes
with probability at most 2^-128 + (number of equations)/l, over weights the prover
cannot predict: they come from the OS CSPRNG (os.urandom), never from the data.
"""
from __future__ import annotations

import os
from typing import Callable, Sequence

from ..group import Point, Scalar, msm_vartime_raw

WEIGHT_BYTES = 16  # 128-bit weights


def random_weights(count: int, rng: Callable[[int], bytes] = os.urandom) -> list[int]:
    """`count` independent nonzero weights in [1, 2^128), read from rng (os.urandom)."""
    raw = rng(WEIGHT_BYTES * count)
    out = []
    for k in range(count):
        w = int.from_bytes(raw[WEIGHT_BYTES * k: WEIGHT_BYTES * (k + 1)], "little")
        out.append(w or 1)  # a zero weight would drop its equation; 1 keeps it (p=2^-128)
    return out


def msm_is_identity(scalars: Sequence[int], points: Sequence[bytes]) -> bool:
    """True iff sum scalars[i] * points[i] is the identity (scalars any ints, taken mod l;
    points canonical encodings, decoded and validated by the C core)."""
    order = Scalar.ORDER
    blob = b"".join((s % order).to_bytes(32, "little") for s in scalars)
    return msm_vartime_raw(blob, b"".join(points)) == Point.identity()
