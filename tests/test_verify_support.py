"""Shared by the record/verify/demo tests: one small demo record per test process
(built once, copied for each test that changes it). Holds no tests itself."""
import os
import shutil

SMALL = dict(stations=3, voters_per_station=8, seed=7)
_built = {}


def small_record(tmp_path_factory) -> str:
    """Path of a sealed, valid record of a small demo election (do not modify it)."""
    if "path" not in _built:
        from evote.demo.election import run_demo
        out = os.path.join(str(tmp_path_factory.mktemp("h8-small")), "record")
        outcome = run_demo(out, jobs=1, log=lambda m: None, **SMALL)
        assert outcome.report.valid, outcome.report.to_text()
        _built["path"] = out
        _built["outcome"] = outcome
    return _built["path"]


def small_outcome(tmp_path_factory):
    small_record(tmp_path_factory)
    return _built["outcome"]


def copy_record(src: str, dest_parent) -> str:
    dest = os.path.join(str(dest_parent), "copy")
    shutil.copytree(src, dest, symlinks=True)
    return dest


def covered_files(record: str) -> list:
    from evote.record.roothash import list_covered_files
    return list_covered_files(record)


def reseal(record: str) -> bool:
    """Recompute record.json and ROOT after a change (what a forger would do). False when
    the writer refuses (the manifest no longer reads): the old index stays."""
    from evote.errors import RecordError
    from evote.record.writer import seal_record
    saved = {}
    for name in ("record.json", "ROOT"):
        p = os.path.join(record, name)
        if os.path.exists(p):
            saved[p] = open(p, "rb").read()
            os.unlink(p)
    try:
        seal_record(record)
        return True
    except RecordError:
        for p, data in saved.items():
            with open(p, "wb") as f:
                f.write(data)
        return False
