"""Writes the record vectors of specs/vectors/records/ (format: its README.md).

    python tests/record_vectors_gen.py base      # a new base record (overwrites base/)
    python tests/record_vectors_gen.py vectors   # the vectors VECTORS defines, from base/

The demo is not byte-reproducible (fresh guardian lot contributions, board keys), so the
base is committed as data: this script only makes a new one, tests never rerun it. After
a new base, rerun `vectors` (some vectors embed base content) and check every verdict
still holds (tests/test_record_vectors.py). A vector's `expected` is what the spec says,
written here by hand from the text it names, never copied from the verifier's output.
"""
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
VECTORS = os.path.join(os.path.dirname(HERE), "specs", "vectors", "records")
BASE = os.path.join(VECTORS, "base")
CHECKS = tuple(f"V{k}" for k in range(1, 19))
# Small: three stations (two electronic with three kiosks, one paper), four voters each.
BASE_OPTIONS = dict(stations=3, voters_per_station=4, seed=7)


def make_base() -> None:
    from evote.demo.election import run_demo
    work = tempfile.mkdtemp(prefix="evote-record-base-")
    try:
        out = os.path.join(work, "record")
        outcome = run_demo(out, jobs=1, log=lambda m: None,
                           voters_dir=os.path.join(work, "voters"), **BASE_OPTIONS)
        assert outcome.report.valid, outcome.report.to_text()
        shutil.rmtree(BASE, ignore_errors=True)
        shutil.copytree(out, BASE)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def base_json(path: str):
    with open(os.path.join(BASE, *path.split("/")), "rb") as f:
        return json.loads(f.read())


def verdict(exit_code: int, **statuses) -> dict:
    """Every check pass unless named: verdict(1, V1="fail")."""
    checks = {c: "pass" for c in CHECKS}
    for k, v in statuses.items():
        assert k in checks and v in ("pass", "fail", "not run"), (k, v)
        checks[k] = v
    return {"exit_code": exit_code, "checks": checks}


def all_not_run(exit_code: int = 2) -> dict:
    return {"exit_code": exit_code, "checks": {c: "not run" for c in CHECKS}}


def vectors() -> dict:
    """name -> vector (format of README.md). Imported lazily by name in VECTOR_MAKERS."""
    out = {}
    for name, make in sorted(VECTOR_MAKERS.items()):
        v = make()
        out[name] = {"format": "evote-record-vector/1", "base": "base", **v}
    return out


VECTOR_MAKERS = {}


def vector(fn):
    VECTOR_MAKERS[fn.__name__.replace("_", "-")] = fn
    return fn


@vector
def valid_base():
    return {"description": "The base record as it is: every check passes.",
            "rule": "record.md 8", "changes": [], "reseal": False,
            "expected": verdict(0)}


def write_vectors() -> None:
    for name, v in vectors().items():
        data = json.dumps(v, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
        with open(os.path.join(VECTORS, name + ".json"), "w", encoding="utf-8") as f:
            f.write(data)


if __name__ == "__main__":
    what = sys.argv[1:] or ["vectors"]
    if "base" in what:
        make_base()
    if "vectors" in what:
        write_vectors()
