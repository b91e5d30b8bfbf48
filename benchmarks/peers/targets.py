"""The targets of issue 17 (and issue 3's that can be restated), as ratios against anchors
measured in the same run. A target is judged on the median of the per-pair ratios.

Each target: (label, figure key, test on the median ratio, text). Figure keys are the
names run_all.py gives its rows: "<figure> <shape> vs <peer>".
"""

TARGETS = [
    ("encrypt, 9 of 50, vs ElectionGuard", "encrypt 9 of 50 vs ElectionGuard",
     lambda r: r >= 100, ">= 100x"),
    ("encrypt, 21 of 200, vs ElectionGuard", "encrypt 21 of 200 vs ElectionGuard",
     lambda r: r >= 100, ">= 100x"),
    ("verify one ballot, 9 of 50, vs ElectionGuard", "verify 9 of 50 vs ElectionGuard",
     lambda r: r >= 300, ">= 300x"),
    ("verify one ballot, 21 of 200, vs ElectionGuard", "verify 21 of 200 vs ElectionGuard",
     lambda r: r >= 300, ">= 300x"),
    ("ballot size, 9 of 50, vs ElectionGuard (issue 3)", "size 9 of 50 vs ElectionGuard",
     lambda r: r >= 20, ">= 20x"),
    ("ballot size, 21 of 200, vs ElectionGuard (issue 3)", "size 21 of 200 vs ElectionGuard",
     lambda r: r >= 20, ">= 20x"),
    ("tally decryption 3 of 5, 50, vs ElectionGuard (issue 3)",
     "decrypt 9 of 50 vs ElectionGuard", lambda r: r >= 100, ">= 100x"),
    ("tally decryption 3 of 5, 200, vs ElectionGuard (issue 3)",
     "decrypt 21 of 200 vs ElectionGuard", lambda r: r >= 100, ">= 100x"),
] + [
    # "at least 50x Belenios on every figure": the speed figures. Size has no 50x target: a
    # 9-of-50 ballot 50x smaller than Belenios's 84 KB would be 1.7 KB, less than its 51
    # ciphertexts alone (3.3 KB); the size ratio is shown in the table, unjudged.
    (f"{fig} {shape}, vs Belenios", f"{key} {shape} vs Belenios", lambda r: r >= 50, ">= 50x")
    for shape in ("9 of 50", "21 of 200")
    for fig, key in (("encrypt,", "encrypt"), ("verify one ballot,", "verify"),
                     ("tally decryption 3 of 5,", "decrypt"))
] + [
    ("core scalar multiplication / libsodium's ristretto255",
     "scalar multiplication (core) vs libsodium", lambda r: r <= 0.85, "<= 0.85"),
]


def judge(rows: dict) -> list:
    """[(label, text, median ratio or None, verdict)] for every target."""
    out = []
    for label, key, test, text in TARGETS:
        row = rows.get(key)
        if row is None or row.get("ratio_median") is None:
            why = row.get("not_run") if row else "not measured in this run"
            out.append((label, text, None, f"not run ({why})"))
            continue
        r = row["ratio_median"]
        out.append((label, text, r, "met" if test(r) else "not met"))
    return out
