"""Hypothesis strategies for evote.group (plural nouns, as style.md asks)."""
import hashlib

from hypothesis import strategies as st

from evote.group import Point, Scalar

L = Scalar.ORDER

# Edge values first: 0, 1, 2, l-1, l-2, powers of two near the top, then uniform ints.
_EDGE = [0, 1, 2, 3, L - 1, L - 2, (L - 1) // 2, 2**252, 2**252 - 1, 2**128, 2**64 - 1]


def scalar_ints():
    """Python ints in [0, l)."""
    return st.one_of(st.sampled_from(_EDGE), st.integers(min_value=0, max_value=L - 1))


def scalars():
    """Scalars: edge values, uniform ints, and wide reductions of 64 random bytes."""
    return st.one_of(
        scalar_ints().map(Scalar.from_int),
        st.binary(min_size=64, max_size=64).map(Scalar.from_wide_bytes),
    )


def nonzero_scalars():
    return scalars().filter(lambda s: not s.is_zero())


def points():
    """Points: identity, generator, s*G for scalars s, and hash-to-group outputs."""
    return st.one_of(
        st.sampled_from([Point.identity(), Point.generator()]),
        scalars().map(Point.mul_base),
        st.binary(min_size=64, max_size=64).map(Point.from_uniform_bytes),
        st.integers(min_value=0, max_value=2**32).map(
            lambda i: Point.from_uniform_bytes(hashlib.sha512(i.to_bytes(8, "big")).digest())
        ),
    )
