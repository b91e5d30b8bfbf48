"""Benchmark support: figures recorded by the bench_*.py files and a table printed at the
end of the run with each figure's ratio to its anchor, all measured in the same run.

A bench records `record(name, seconds_per_unit, unit)` after its benchmark ran; the table
rows below name which figure is divided by which (RATIOS) and the targets from issue 2.
Figures are the fastest round (pytest-benchmark's min): the least noisy estimate on a
shared machine; both sides of every ratio are taken the same way. The INTERLEAVED rows
measure the two sides of a ratio in alternating batches (bench_group.test_interleaved_ratios)
so that load drifting during the run cannot favour either side.
"""
import os as _os
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no BLAS pool spinning in the CPU clock

import pytest

_FIGURES = {}  # name -> (seconds per unit, unit)

# (label, numerator figure, denominator figure or None, target text, target test)
RATIOS = [
    ("ct variable-base scalar mult / libsodium ristretto255 (issue 17)",
     "ct_scalarmult", "sodium_ristretto255", "<= 0.85", lambda r: r <= 0.85),
    ("ct fixed-base (generator) / libsodium ristretto255_base",
     "fixed_base_g", "sodium_ristretto255_base", "", None),
    # ed25519_noclamp also does a subgroup check (a second scalar multiplication): kept
    # for comparison with earlier runs, not like for like (issue 17).
    ("ct variable-base scalar mult / pynacl ed25519_noclamp (not like for like)",
     "ct_scalarmult", "sodium_noclamp", "<= 0.55", lambda r: r <= 0.55),
    ("ct fixed-base (generator) / pynacl ed25519_base_noclamp",
     "fixed_base_g", "sodium_base_noclamp", "<= 0.9", lambda r: r <= 0.9),
    ("ct FixedBase(K).mul / pynacl ed25519_base_noclamp",
     "fixed_base_k", "sodium_base_noclamp", "", None),
    ("ct FixedBase.mul2 (a*G + b*K) / pynacl ed25519_base_noclamp",
     "fixed_base_mul2", "sodium_base_noclamp", "", None),
    ("decode one encoding (us)", "decode_one", None, "<= 5 us", lambda us: us <= 5.0),
    ("decode one, binding layer only (us)", "decode_one_binding", None, "", None),
    ("batch decode per point, n=1024 / decode one",
     "decode_batch_1024", "decode_one", "<= 1", lambda r: r <= 1.0),
    ("batch decode per point, n=65536 / decode one",
     "decode_batch_65536", "decode_one", "<= 1", lambda r: r <= 1.0),
    ("msm_vartime per point, n=64 / ct scalar mult", "msm_64", "ct_scalarmult", "", None),
    ("msm_vartime per point, n=1024 / ct scalar mult", "msm_1024", "ct_scalarmult", "", None),
    ("msm_vartime per point, n=65536 / ct scalar mult",
     "msm_65536", "ct_scalarmult", "<= 0.1", lambda r: r <= 0.1),
    ("INTERLEAVED ct variable-base / pynacl ed25519_noclamp",
     "il_ct_scalarmult", "il_sodium_noclamp", "<= 0.55", lambda r: r <= 0.55),
    ("INTERLEAVED ct fixed-base / pynacl ed25519_base_noclamp",
     "il_fixed_base_g", "il_sodium_base_noclamp", "<= 0.9", lambda r: r <= 0.9),
    ("INTERLEAVED msm_vartime per point, n=65536 / ct scalar mult",
     "il_msm_65536", "il_ct_scalarmult_2", "<= 0.1", lambda r: r <= 0.1),
    ("double_mul_vartime (a*P + b*G) / ct scalar mult",
     "double_mul_vartime", "ct_scalarmult", "", None),
    ("aggregate_vartime per point (decode + add), 4096 x 8 (us)",
     "aggregate_per_point", None, "", None),
]


@pytest.fixture(scope="session")
def record():
    """record(name, seconds, per=1): store one figure (seconds per unit)."""

    def _record(name, seconds, per=1):
        _FIGURES[name] = seconds / per

    return _record


def pytest_terminal_summary(terminalreporter):
    if not _FIGURES:
        return
    w = terminalreporter.write_line
    w("")
    w("evote group benchmark (min over rounds, this run):")
    for name in sorted(_FIGURES):
        w(f"  {name:28} {_FIGURES[name] * 1e6:12.2f} us")
    w("")
    w(f"  {'ratio':62} {'value':>9}  {'target':8} verdict")
    for label, num, den, target, ok in RATIOS:
        if num not in _FIGURES or (den is not None and den not in _FIGURES):
            continue
        if den is None:
            value = _FIGURES[num] * 1e6
        else:
            value = _FIGURES[num] / _FIGURES[den]
        verdict = "" if ok is None else ("met" if ok(value) else "MISSED")
        w(f"  {label:62} {value:9.3f}  {target:8} {verdict}")
