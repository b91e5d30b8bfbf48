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
        voters = os.path.join(os.path.dirname(out), "voters")  # never inside the record
        outcome = run_demo(out, jobs=1, log=lambda m: None, voters_dir=voters, **SMALL)
        assert outcome.report.valid, outcome.report.to_text()
        _built["path"] = out
        _built["outcome"] = outcome
        _built["voters"] = voters
    return _built["path"]


def small_voters(tmp_path_factory) -> str:
    """The small demo's voters who challenged: <station>/voter-<n>/ directories, each
    holding the kiosk's printed opening they took home (evote.demo.voters)."""
    small_record(tmp_path_factory)
    return _built["voters"]


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
        root = seal_record(record)
    except RecordError:
        for p, data in saved.items():
            with open(p, "wb") as f:
                f.write(data)
        return False
    rerender_reports(record, root)
    return True


def forged_cast_codes(record: str, m) -> dict:
    """The CAST records of the boxes as they now are, read as the verifier's station task
    reads them (every CastRecord walk_box yields, problems or not), for the stations'
    pages of codes a forger who resealed would publish."""
    from evote.ballotbox.reader import walk_box
    from evote.ballotbox.records import CastRecord
    from evote.results.report_codes import CastCode
    out = {}
    known = {s.station_id for s in m.stations}
    top = os.path.join(record, "boxes")
    for sid in sorted(os.listdir(top)) if os.path.isdir(top) else ():
        if sid not in known or not os.path.isdir(os.path.join(top, sid)):
            continue
        for name in sorted(os.listdir(os.path.join(top, sid))):
            if not name.endswith(".box"):
                continue
            codes = out.setdefault(sid, [])
            for rec, _ in walk_box(os.path.join(top, sid, name), authority_key=m.authority_key,
                                   election_hash=m.hash(), station_id=sid,
                                   kiosk_id=name[:-4]):
                if isinstance(rec, CastRecord):
                    codes.append(CastCode(name[:-4], rec.seq, rec.code))
    return out


def rerender_reports(record: str, root: bytes) -> None:
    """Replace reports/ with the reports of the record's own results.json, package and
    root hash (what a forger who resealed would publish). When results.json or
    package.json no longer read, reports/ is left as it was (V18 does not run then)."""
    import json
    from evote.errors import EvoteError
    from evote.election.package import package_hash
    from evote.manifest import Manifest
    from evote.results.report_json import results_from_json_bytes
    from evote.results.report_files import record_reports
    try:
        m = Manifest.from_json_obj(json.loads(open(os.path.join(record, "manifest.json"),
                                                   "rb").read()))
        er = results_from_json_bytes(m, open(os.path.join(record, "results", "results.json"),
                                             "rb").read(), "results/results.json")
        package = json.loads(open(os.path.join(record, "package.json"), "rb").read())
        body = {k: v for k, v in package.items() if k != "authority_signature"}
        reports = record_reports(er, root, package_hash(body), forged_cast_codes(record, m))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EvoteError):
        return
    shutil.rmtree(os.path.join(record, "reports"), ignore_errors=True)
    for rel, data in reports.items():
        path = os.path.join(record, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
