"""Check V18: the reports people read (reports/, specs/record.md sections 1.1 and 8).

    check_reports(r)   # r: a verify.run._Run after V1-V17

The reports are not covered by the root hash (they show it), so they are checked by
regenerating them: evote.results.report_files.record_reports from the results V15
verified (the verifier's own recomputation, never results.json as found), the verified
manifest, the root hash recomputed from the files present, the hash of the record's
package.json and the CAST records the station tasks read from the boxes they verified
(verify/station.py "cast_codes", for the stations' pages of codes), then comparing bytes
with each file under reports/. A missing report, a
report that differs (the first differing byte and its line are named), and anything else
under reports/ (another file, a directory, a symbolic link, a special file) fail V18 at
the report's path. V18 does not run when V15 did not pass (no verified results to
render) or the package hash is unknown (V1).
"""
from __future__ import annotations

import json
import os
import stat

from ..record import layout
from ..results.report_codes import CastCode
from ..results.report_files import record_reports
from .report import PASS

EXCERPT = 40      # characters of context each side of a difference


def _excerpt(data: bytes, k: int) -> str:
    """The text around byte k on its line, quoted (at most about 2 * EXCERPT chars)."""
    start = data.rfind(b"\n", 0, k) + 1
    end = data.find(b"\n", k)
    end = len(data) if end < 0 else end
    lo, hi = max(start, k - EXCERPT), min(end, k + EXCERPT)
    text = data[lo:hi].decode("utf-8", errors="replace")
    return json.dumps(("..." if lo > start else "") + text + ("..." if hi < end else ""),
                      ensure_ascii=False)


def describe_difference(published: bytes, regenerated: bytes) -> str:
    """Where two reports first differ: byte offset, line, both texts there."""
    n = min(len(published), len(regenerated))
    k = next((i for i in range(n) if published[i] != regenerated[i]), n)
    line = published.count(b"\n", 0, k) + 1
    where = f"first difference at byte {k} (line {line})"
    if k == len(published):
        what = (f"the published report ends there ({len(published)} bytes); the "
                f"regenerated one goes on with {_excerpt(regenerated, k)}")
    elif k == len(regenerated):
        what = (f"the published report goes on with {_excerpt(published, k)} where the "
                f"regenerated one ends ({len(regenerated)} bytes)")
    else:
        what = (f"published {_excerpt(published, k)}, regenerated from the verified "
                f"results {_excerpt(regenerated, k)}")
    return (f"differs from the report regenerated from the verified results: {where}: "
            f"{what}; this copy does not show what the record proves")


def _name(rel: str) -> str:
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return repr(rel)


def _found(r, v18) -> dict:
    """record path -> absolute path of every regular file directly under reports/; every
    other entry (directory, symbolic link, special file) fails V18 at its path."""
    top = r.full(layout.REPORTS_DIR)
    try:
        st = os.lstat(top)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        v18.fail(layout.REPORTS_DIR, f"cannot be read: {exc.strerror or exc}")
        return {}
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        v18.fail(layout.REPORTS_DIR, "not a directory (a symbolic link or a file): the "
                 "reports must be regular files in the directory reports/")
        return {}
    out = {}
    try:
        names = sorted(os.listdir(top))
    except OSError as exc:
        v18.fail(layout.REPORTS_DIR, f"cannot be listed: {exc.strerror or exc}")
        return {}
    for name in names:
        rel = f"{layout.REPORTS_DIR}/{name}"
        full = os.path.join(top, name)
        try:
            mode = os.lstat(full).st_mode
        except OSError as exc:
            v18.fail(_name(rel), f"cannot be read: {exc.strerror or exc}")
            continue
        if stat.S_ISREG(mode):
            out[rel] = full
        elif stat.S_ISDIR(mode):
            v18.fail(_name(rel), "a directory the record format does not define (reports/ "
                     "holds only the report files of specs/record.md section 1.1)")
        else:
            v18.fail(_name(rel), "not a regular file (symbolic link or special file; not "
                     "followed)")
    return out


def _read(full: str, limit: int) -> bytes:
    """At most limit bytes of a regular file, never following a symbolic link."""
    fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError("not a regular file")
        return f.read(limit)


def _cast_codes(r) -> dict:
    """station id -> [CastCode] of every station task (a station with ballot boxes)."""
    return {out["station_id"]: [CastCode(k, seq, code) for k, seq, code in out["cast_codes"]]
            for out in getattr(r, "outputs", None) or ()}


def check_reports(r) -> None:
    v18 = r.c("V18")
    er = getattr(r, "verified_results", None)
    if r.c("V15").status != PASS or er is None:
        v18.not_run_reason = ("the results are not verified (V15): the reports are "
                              "regenerated only from verified results")
        return
    if not r.rep.package_hash or not r.rep.root_hash:
        v18.not_run_reason = "the election package hash is not known (V1)"
        return
    want = record_reports(er, bytes.fromhex(r.rep.root_hash),
                          bytes.fromhex(r.rep.package_hash), _cast_codes(r))
    found = _found(r, v18)
    v18.checked = len(set(want) | set(found))
    for rel in sorted(want):
        if rel not in found:
            v18.fail(rel, "missing: every record holds this report (specs/record.md "
                     "section 1.1); `evote seal` writes it")
            continue
        try:
            published = _read(found[rel], len(want[rel]) + 4 * EXCERPT)  # bounded
        except OSError as exc:
            v18.fail(rel, f"cannot be read: {exc.strerror or exc}")
            continue
        if published != want[rel]:
            v18.fail(rel, describe_difference(published, want[rel]))
    for rel in sorted(set(found) - set(want)):
        v18.fail(_name(rel), "a file the record format does not define under reports/ "
                 "(only the reports of specs/record.md section 1.1: nothing else a reader "
                 "might take for the results)")
