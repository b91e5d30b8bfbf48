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
CHECKS = tuple(f"V{k}" for k in range(1, 21))   # V19, V20: mixes, slot decryption
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


def replace_json(path, value, pretty=False):
    c = {"path": path, "action": "replace", "json": value}
    if pretty:
        c["pretty"] = True
    return c


def paper_path():
    (name,) = os.listdir(os.path.join(BASE, "paper"))
    return "paper/" + name


def declaration_path():
    return "declarations/" + sorted(os.listdir(os.path.join(BASE, "declarations")))[0]


# Gap 1 (issue 16): every JSON file but results.json is canonical, each checked by the
# check that reads it (record.md 3.0's table). A forger who reformats a file and reseals
# changes no value, only bytes: exactly that file's check fails.

def _pretty(path, check, **more):
    def make():
        return {"description": f"{path} holds the same values, indented (not canonical), "
                f"and the record is resealed: {check} fails at {path}, nothing else.",
                "rule": "record.md 3.0", "changes": [replace_json(path, base_json(path),
                                                                  pretty=True)],
                "reseal": True,
                "expected": {**verdict(1, **{check: "fail"}, **more),
                             "failures": [[check, path]]}}
    return make


VECTOR_MAKERS["canonical-tally-encrypted"] = _pretty("tally/encrypted.json", "V11")
VECTOR_MAKERS["canonical-tally-decryption"] = _pretty("tally/decryption.json", "V12")
VECTOR_MAKERS["canonical-tally-lot"] = _pretty("tally/lot.json", "V12")


@vector
def canonical_declaration():
    path = declaration_path()
    return {"description": f"{path} indented (not canonical), resealed: V16 fails there.",
            "rule": "record.md 3.0", "changes": [replace_json(path, base_json(path), True)],
            "reseal": True, "expected": {**verdict(1, V16="fail"),
                                         "failures": [["V16", path]]}}


@vector
def canonical_paper():
    path = paper_path()
    sid = path[len("paper/"):-len(".json")]
    return {"description": f"{path} indented (not canonical), resealed: V13 fails there; "
            "a paper result that fails V13 is in no count, so the published results no "
            "longer follow from the counts (V15 fails; V18 is not run). V14 passes: the "
            "station has a paper result, only not a valid one.",
            "rule": "record.md 3.0",
            "changes": [replace_json(path, base_json(path), True)], "reseal": True,
            "expected": {**verdict(1, V13="fail", V15="fail", V18="not run"),
                         "failures": [["V13", path]]}}


@vector
def canonical_manifest():
    return {"description": "manifest.json indented (still a valid manifest), resealed: V3 "
            "fails (not canonical) and V1 fails (package.json's manifest is no longer "
            "byte for byte manifest.json, record.md 8.1).",
            "rule": "record.md 3.0",
            "changes": [replace_json("manifest.json", base_json("manifest.json"), True)],
            "reseal": True,
            "expected": {**verdict(1, V1="fail", V3="fail"),
                         "failures": [["V3", "manifest.json"], ["V1", "package.json"]]}}


@vector
def canonical_manifest_ascii_escapes():
    m = base_json("manifest.json")
    text = json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert "\\u06" in text   # the base's Persian names, now escaped
    return {"description": "manifest.json with its Persian names written as \\u escapes "
            "(ASCII-only JSON: the same values, sorted, no whitespace), resealed: not the "
            "canonical form, which keeps non-ASCII as UTF-8 bytes (record.md 3.0): V3 "
            "fails, and V1 (package.json's manifest is not byte for byte manifest.json).",
            "rule": "record.md 3.0",
            "changes": [{"path": "manifest.json", "action": "replace", "text": text}],
            "reseal": True,
            "expected": {**verdict(1, V1="fail", V3="fail"),
                         "failures": [["V3", "manifest.json"], ["V1", "package.json"]]}}


@vector
def canonical_package():
    return {"description": "package.json indented (same values), resealed: V1 fails at "
            "package.json (the package file is canonical JSON, specs/election.md 4); its "
            "package hash, over the canonical bytes of its body, is unchanged, so the "
            "reports still show it (V18 passes).",
            "rule": "record.md 3.0, 8.1",
            "changes": [replace_json("package.json", base_json("package.json"), True)],
            "reseal": True,
            "expected": {**verdict(1, V1="fail"), "failures": [["V1", "package.json"]]}}


@vector
def canonical_context():
    return {"description": "context.json indented (still a valid context), resealed: V4 "
            "fails (not canonical) and V1 fails (package.json's context is no longer byte "
            "for byte context.json).",
            "rule": "record.md 3.0",
            "changes": [replace_json("context.json", base_json("context.json"), True)],
            "reseal": True,
            "expected": {**verdict(1, V1="fail", V4="fail"),
                         "failures": [["V4", "context.json"], ["V1", "package.json"]]}}


@vector
def canonical_index():
    return {"description": "record.json indented (same values), not resealed: V1 fails at "
            "record.json; the root and every file are unchanged (V2 passes).",
            "rule": "record.md 3.0",
            "changes": [replace_json("record.json", base_json("record.json"), True)],
            "reseal": False,
            "expected": {**verdict(1, V1="fail"), "failures": [["V1", "record.json"]]}}


# Gap 2: the index lists its files sorted as the root hashes them (record.md 3.1).

@vector
def index_order():
    index = base_json("record.json")
    index["files"] = list(reversed(index["files"]))
    return {"description": "record.json lists the same files with the same hashes in "
            "reverse order (canonical JSON, same root_hash): V1 fails at the first file out "
            "of order; V2 passes (the root is over the files sorted, whatever the listing).",
            "rule": "record.md 3.1",
            "changes": [replace_json("record.json", index)], "reseal": False,
            "expected": {**verdict(1, V1="fail"),
                         "failures": [["V1", "record.json $.files[1]"]]}}


# Gap 3: the context a record holds has every guardian's record (key-ceremony.md K4).

@vector
def context_without_guardians():
    ctx = base_json("context.json")
    ctx.update(guardians=[], acknowledgements=[], ceremony_commitments=[])
    return {"description": "context.json keeps its commitments, joint key and base hash "
            "but drops every guardian record, acknowledgement and ceremony commitment "
            "(guardians: []), resealed: V4 fails (a record's context has all n guardians' "
            "records, K4), V1 fails (package.json's context differs); with no valid "
            "context, the checks that need it are not run.",
            "rule": "key-ceremony.md 7.5 K4; record.md 8 V4",
            "changes": [replace_json("context.json", ctx)], "reseal": True,
            "expected": {**verdict(1, V1="fail", V4="fail", V5="not run", V6="not run",
                                   V7="not run", V8="not run", V9="not run", V10="not run",
                                   V11="not run", V12="not run", V14="not run",
                                   V15="not run", V16="not run", V18="not run"),
                         "failures": [["V4", "context.json"]]}}


# Gap 4 and the unusable-input report (record.md 9): exit 2, every check "not run".

@vector
def manifest_seats_out_of_range():
    m = base_json("manifest.json")
    m["contests"][0]["seats"] = 0
    return {"description": "manifest.json is canonical JSON but not a valid manifest (a "
            "contest with 0 seats), resealed: unusable input (exit 2); no check ran, so "
            "none is passed or failed.",
            "rule": "record.md 9", "changes": [replace_json("manifest.json", m)],
            "reseal": True, "expected": all_not_run()}


@vector
def manifest_duplicate_key():
    raw = open(os.path.join(BASE, "manifest.json"), encoding="utf-8").read()
    assert raw.startswith("{")
    key = sorted(base_json("manifest.json"))[0]
    text = '{"' + key + '":null,' + raw[1:]
    return {"description": "manifest.json repeats a key (not JSON the record's reader "
            "accepts, record.md 3.0), resealed: unusable input (exit 2), every check not run.",
            "rule": "record.md 9",
            "changes": [{"path": "manifest.json", "action": "replace", "text": text}],
            "reseal": True, "expected": all_not_run()}


@vector
def context_missing():
    return {"description": "context.json deleted, not resealed: unusable input (exit 2); "
            "the report says so first and every check is not run (not V1 failed: a check "
            "is reported only when verification ran).",
            "rule": "record.md 9",
            "changes": [{"path": "context.json", "action": "delete"}], "reseal": False,
            "expected": all_not_run()}


@vector
def index_wrong_version():
    index = base_json("record.json")
    index["format"] = "evote-record/2"
    return {"description": "record.json says evote-record/2: a wrong version is unusable "
            "input (exit 2), never checked as a version 3 record.",
            "rule": "record.md 3.1, 9",
            "changes": [replace_json("record.json", index)], "reseal": False,
            "expected": all_not_run()}


# Gap 11: box checks map onto V5/V6/V7 one way (record.md 4).

@vector
def box_empty():
    (name,) = [n for n in sorted(os.listdir(os.path.join(BASE, "boxes")))
               if n.startswith("village")]
    kiosk = sorted(os.listdir(os.path.join(BASE, "boxes", name)))[0]
    path = f"boxes/{name}/{kiosk}"
    return {"description": f"{path} emptied (0 bytes), resealed: V6 names it (`empty`, "
            "`not-closed`), V5 finds no certificate to check, V1 fails (its certificate "
            "cannot be compared with the package's). The faulty box counts nothing "
            "(record.md 8.2): the published tallies that hold its ballots fail V11, the "
            "decryption of a district whose recomputed tally holds 0 ballots fails V12 "
            "(so V14, V15, V18 are not run), and its station's declared forms issued no "
            "longer match the CAST records (V16).",
            "rule": "record.md 4, 8.2",
            "changes": [{"path": path, "action": "replace", "hex": ""}], "reseal": True,
            "expected": {**verdict(1, V1="fail", V6="fail", V11="fail", V12="fail",
                                   V14="not run", V15="not run", V16="fail",
                                   V18="not run"),
                         "failures": [["V1", path], ["V6", path]]}}


@vector
def index_unknown_member():
    index = base_json("record.json")
    index["signed_by"] = "nobody"
    return {"description": "record.json has a member 3.1 does not define: not an index "
            "this version reads, so unusable input (exit 2), every check not run.",
            "rule": "record.md 3.1, 9",
            "changes": [replace_json("record.json", index)], "reseal": False,
            "expected": all_not_run()}


# Gap 9: the paper result's format has spoiled_forms (record.md 5.1).

@vector
def paper_without_spoiled_forms():
    path = paper_path()
    pr = base_json(path)
    del pr["spoiled_forms"]
    return {"description": f"{path} without spoiled_forms (a required member, record.md "
            "5.1), resealed: V13 fails there; its counts are in no count, so V15 fails "
            "(V18 not run).",
            "rule": "record.md 5.1",
            "changes": [replace_json(path, pr)], "reseal": True,
            "expected": {**verdict(1, V13="fail", V15="fail", V18="not run"),
                         "failures": [["V13", path]]}}


# Gap 10: every file present is covered (record.md 2), also one the format does not define.

@vector
def stray_file():
    return {"description": "a file the format does not define (notes.txt) added, not "
            "resealed: V1 fails (not listed; not defined) and V2 fails (the root of the "
            "files present, which covers it, is not the index's); V18 fails too (the "
            "reports show the root of the files present, record.md 1.1).",
            "rule": "record.md 1, 2",
            "changes": [{"path": "notes.txt", "action": "create", "text": "hello\n"}],
            "reseal": False,
            "expected": {**verdict(1, V1="fail", V2="fail", V18="fail"),
                         "failures": [["V1", "notes.txt"], ["V2", "record.json"]]}}


@vector
def stray_file_resealed():
    return {"description": "a file the format does not define (notes.txt) added and the "
            "record resealed over it: V1 still fails (a file the format does not define); "
            "V2 passes (the root covers it and is consistent).",
            "rule": "record.md 1, 2",
            "changes": [{"path": "notes.txt", "action": "create", "text": "hello\n"}],
            "reseal": True,
            "expected": {**verdict(1, V1="fail"), "failures": [["V1", "notes.txt"]]}}


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
