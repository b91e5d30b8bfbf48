"""The choice-slot encoding of one contest (specs/slot-ballot.md sections 1, 2, 4, 5, 6):
the contest's shape, the kiosk's slot values (choices, the blank mark, empty marks), and
what a decrypted slot value means. The validity proof is slot_range.py.

    slot_shape(contest)                 -> SlotShape(n, slots, bits, length)
    draw_values(shape, positions, rng)  -> the L slot values of a ballot (spec 5.1)
    classify_slot_value(shape, v)       -> ("vote", position) | ("blank",) | ("mark",)
    slot_value_points(shape)            -> {enc(v*G): v for v in 1..N+1}

Invariants (spec section 2): slot values are strictly increasing integers in [1, 2^b];
1..N are candidate positions (position + 1), N+1 is the blank mark and an honest kiosk
puts it only in slot 1 of a ballot with no choice, every other value is an empty mark
drawn uniformly without replacement from E = [N+2, 2^b]; b >= MIN_BITS = 24 so that E is
wide enough for the count to reveal nothing measurable about the marks (spec 6.3).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple

from evote._bindings import multiples_vartime
from evote.errors import EvoteTypeError, EvoteValueError, InvalidProof
from evote.group import Point

from .context import check_context
from .encrypted_ballot import BALLOT_ID_SIZE
from .slot_range_codec import vector_length

MIN_BITS = 24       # spec 1: |E| >= 2^24 - N - 1 (the collision signal of spec 6.3)
MAX_BITS = 32       # slot values travel as u32 in the opening (spec 11)
Rng = Callable[[int], bytes]


class SlotShape(NamedTuple):
    """A contest's slot parameters: N candidates, L slots, b bits per gap, and the range
    proof's vector length (the smallest power of two >= L*b)."""

    n: int
    slots: int
    bits: int
    length: int

    @property
    def blank(self) -> int:
        """The blank mark N + 1 (slot 1 of a ballot with no choice)."""
        return self.n + 1

    @property
    def marks(self) -> Tuple[int, int]:
        """E, the honest kiosk's empty-mark range [N + 2, 2^b], inclusive."""
        return self.n + 2, 1 << self.bits


def shape_for(n: int, slots: int) -> SlotShape:
    """The shape of a contest with n candidates and max_choices = slots (1 <= slots <= n):
    b = max(smallest b with 2^b >= N + 1 + L, 24)."""
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (n, slots)):
        raise EvoteTypeError("shape_for: n and slots must be int")
    if not 1 <= slots <= n:
        raise EvoteValueError(f"shape_for: need 1 <= max_choices ({slots}) <= candidates ({n})")
    bits = max((n + slots).bit_length(), MIN_BITS)     # 2^b >= n + 1 + slots
    if bits > MAX_BITS:
        raise EvoteValueError(f"shape_for: {n} candidates and {slots} slots need more than "
                              f"{MAX_BITS} bits per slot")
    return SlotShape(n, slots, bits, vector_length(slots, bits))


def slot_shape(contest) -> SlotShape:
    """The shape of a manifest contest (candidate positions 1..N in manifest order)."""
    return shape_for(len(contest.candidates), contest.max_choices)


# ---------------------------------------------------------------- kiosk

def _read(rng: Rng, n: int) -> bytes:
    out = rng(n)
    if not isinstance(out, bytes) or len(out) != n:
        raise EvoteValueError(f"rng must return {n} bytes")
    return out


def draw_marks(shape: SlotShape, rng: Rng) -> Tuple[int, ...]:
    """L distinct values of E in draw order (spec 5.1): always L, whatever the choices,
    so the randomness read does not depend on the vote (a kiosk may draw them before the
    voter arrives)."""
    lo, hi = shape.marks
    size = hi - lo + 1
    limit = (1 << 64) // size * size
    kept: List[int] = []
    while len(kept) < shape.slots:
        x = int.from_bytes(_read(rng, 8), "big")
        if x >= limit:
            continue
        y = lo + x % size
        if y not in kept:
            kept.append(y)
    return tuple(kept)


def values_from_marks(shape: SlotShape, positions: Sequence[int],
                      marks: Sequence[int]) -> Tuple[int, ...]:
    """The slot values of a ballot choosing candidate `positions` (1-based, distinct, at
    most L) with the drawn marks: the sorted positions then the first L - k marks sorted;
    a blank ballot (k = 0) is the blank mark N + 1 then the first L - 1 marks sorted."""
    pos = sorted(positions)
    if len(set(pos)) != len(pos) or len(pos) > shape.slots or \
            any(isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= shape.n
                for p in pos):
        raise EvoteValueError("draw_values: positions must be distinct, in [1, N], at most L")
    head = tuple(pos) if pos else (shape.blank,)
    return head + tuple(sorted(marks[:shape.slots - len(head)]))


def draw_values(shape: SlotShape, positions: Sequence[int], rng: Rng) -> Tuple[int, ...]:
    """draw_marks then values_from_marks (spec 5.1)."""
    return values_from_marks(shape, positions, draw_marks(shape, rng))


def gaps_of(values: Sequence[int]) -> Tuple[int, ...]:
    """d_1 = v_1 - 1, d_j = v_j - v_{j-1} - 1 (may be negative for invalid values)."""
    prev = 0
    out = []
    for v in values:
        out.append(v - prev - 1)
        prev = v
    return tuple(out)


def honest_values_error(shape: SlotShape, values: Sequence[int]) -> str:
    """'' when the values are what an honest kiosk encrypts (shape.slots of them,
    strictly increasing, in [1, 2^b], the blank mark only in slot 1); else what is wrong,
    naming the first wrong slot (1-based)."""
    if len(values) != shape.slots:
        return f"{len(values)} slot values, {shape.slots} expected"
    top, prev = 1 << shape.bits, 0
    for j, v in enumerate(values, 1):
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= top:
            return f"slot {j}: value is not an integer in [1, {top}]"
        if v <= prev:
            return f"slot {j}: values are not strictly increasing"
        if v == shape.blank and j != 1:
            return f"slot {j}: the blank mark after a choice"
        prev = v
    return ""


def honest_slot_values(context, contest_id: str, shape: SlotShape, values: Sequence[int],
                       ballot_id: bytes) -> tuple:
    """The encryptor's arguments, checked: a valid context, a ballot id, a contest id, and
    slot values an honest kiosk may use (honest_values_error); the values as a tuple."""
    check_context(context)
    if not isinstance(ballot_id, bytes) or len(ballot_id) != BALLOT_ID_SIZE:
        raise EvoteValueError(f"ballot_id must be {BALLOT_ID_SIZE} bytes")
    if not isinstance(contest_id, str) or not contest_id:
        raise EvoteTypeError("contest_id must be a non-empty str")
    values = tuple(values)
    why = honest_values_error(shape, values)
    if why:
        raise EvoteValueError(f"contest {contest_id!r}: slot values refused: {why}")
    return values


# ---------------------------------------------------------------- counting (spec 4)

def classify_slot_value(shape: SlotShape, v: int) -> tuple:
    """What a decrypted slot value counts as: ("vote", position) for v in 1..N (position
    = v - 1, 0-based, manifest order), ("blank",) for N + 1 (one blank ballot), ("mark",)
    for anything else (an empty slot: counts for nobody; its value is never published)."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise EvoteTypeError(f"classify_slot_value: value must be int, not {type(v).__name__}")
    if 1 <= v <= shape.n:
        return ("vote", v - 1)
    if v == shape.blank:
        return ("blank",)
    return ("mark",)


@lru_cache(maxsize=16)
def _value_points(n: int) -> Dict[bytes, int]:
    blob = multiples_vartime(Point.generator().to_bytes(), n + 2)    # 0*G .. (N+1)*G
    return {blob[32 * v:32 * v + 32]: v for v in range(1, n + 2)}


def slot_value_points(shape: SlotShape) -> Dict[bytes, int]:
    """{enc(v*G): v for v in 1..N+1}: a decrypted slot point found here is a vote (v <= N)
    or the blank mark (N + 1); a point not found is an empty mark. A fresh dict each call
    (the cached one stays unmodified)."""
    return dict(_value_points(shape.n))


# ---------------------------------------------------------------- batch failures

class SlotFailure(NamedTuple):
    index: int
    ballot_id: bytes
    error: InvalidProof


class SlotBatchError(InvalidProof):
    """Some items of a batch do not verify; .failures lists every one (index order)."""

    def __init__(self, failures: Sequence[SlotFailure], total: int):
        self.failures = tuple(failures)
        lines = [f"{len(self.failures)} of {total} slot contests do not verify:"]
        lines += [f"  [{f.index}] {f.error}" for f in self.failures[:20]]
        if len(self.failures) > 20:
            lines.append(f"  ... and {len(self.failures) - 20} more")
        super().__init__("\n".join(lines))
