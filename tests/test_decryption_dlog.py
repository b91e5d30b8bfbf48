"""Baby-step giant-step: exact counts up to the bound, refusal beyond it."""
import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteTypeError
from evote.group import G_TABLE, Point, Scalar
from evote.protocol.dlog import BABY_STEPS, discrete_log, discrete_logs
from evote.protocol.threshold_errors import CountOutOfRange


def _mg(m):
    return G_TABLE.mul(Scalar.from_int(m))


@pytest.mark.parametrize("m", [0, 1, 2, BABY_STEPS - 1, BABY_STEPS, BABY_STEPS + 1,
                               5 * BABY_STEPS + 17, 1_500_000])
def test_edges(m):
    assert discrete_log(_mg(m), 1_500_000) == m
    assert discrete_log(_mg(m), m) == m


@pytest.mark.parametrize("m,bound", [(1, 0), (BABY_STEPS, BABY_STEPS - 1), (1_500_001, 1_500_000)])
def test_beyond_bound_refused(m, bound):
    with pytest.raises(CountOutOfRange, match=f"\\[0, {bound}\\]"):
        discrete_log(_mg(m), bound, "tally c1/7")


def test_not_a_small_multiple():
    with pytest.raises(CountOutOfRange, match="tally"):
        discrete_log(_mg(Scalar.ORDER - 1), 10 * BABY_STEPS, "tally")
    with pytest.raises(CountOutOfRange):
        discrete_log(Point.from_uniform_bytes(bytes(range(64))), 1000)
    with pytest.raises(EvoteTypeError):
        discrete_log(b"\x00" * 32, 10)


@settings(max_examples=40, deadline=None)
@given(ms=st.lists(st.integers(0, 2_000_000), min_size=1, max_size=5))
def test_discrete_logs_inverts_multiplication(ms):
    assert discrete_logs([_mg(m) for m in ms], 2_000_000) == ms
