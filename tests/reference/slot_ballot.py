"""A pure-Python reference for the choice-slot encoding (specs/slot-ballot.md sections 1,
2, 4 and 5.1), written from the spec with plain integers: no evote code. The proof's
reference is tests/reference/slot_range.py.

    shape(n, slots) -> (n, slots, bits)              b = max(min b: 2^b >= N + 1 + L, 24)
    draw_values(shape, positions, rng) -> slot values (spec 5.1: marks from [N+2, 2^b],
                                                       blank ballot = N+1 then L-1 marks)
    classify(shape, v) -> "vote" | "blank" | "mark"
"""


def shape(n: int, slots: int):
    b = 1
    while (1 << b) < n + 1 + slots:
        b += 1
    return (n, slots, max(b, 24))


def draw_values(sh, positions, rng):
    n, slots, b = sh[:3]
    lo, size = n + 2, (1 << b) - n - 1
    limit = (1 << 64) // size * size
    kept = []
    while len(kept) < slots:
        x = int.from_bytes(rng(8), "big")
        if x < limit and lo + x % size not in kept:
            kept.append(lo + x % size)
    head = sorted(positions) or [n + 1]
    return head + sorted(kept[:slots - len(head)])


def classify(sh, v):
    n = sh[0]
    return "vote" if 1 <= v <= n else "blank" if v == n + 1 else "mark"
