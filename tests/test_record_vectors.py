"""The record vectors (specs/vectors/records/, format in its README.md): each one applied
to a copy of the base record, verified, and its verdict asserted exactly: the exit code,
every check's status (V1-V20), and the failures it lists. The expected verdicts are the
spec's (each vector names the section it pins), so a second verifier written from specs/
can run the same files and must reach the same verdicts."""
import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from evote.record import layout
from evote.record.jsonio import canonical_bytes
from evote.record.roothash import file_hash, list_covered_files, root_hash
from evote.verify.run import verify_record

from test_verify_support import rerender_reports

VECTORS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "specs", "vectors", "records")
CHECKS = [f"V{k}" for k in range(1, 21)]
NAMES = sorted(n[:-5] for n in os.listdir(VECTORS) if n.endswith(".json"))


def load_vector(name: str) -> dict:
    with open(os.path.join(VECTORS, name + ".json"), "rb") as f:
        v = json.loads(f.read())
    assert v["format"] == "evote-record-vector/1", name
    assert set(v) <= {"format", "description", "rule", "base", "changes", "reseal",
                      "expected"}, name
    assert v["description"] and v["rule"], name
    assert sorted(v["expected"]["checks"]) == sorted(CHECKS), f"{name}: every check, once"
    return v


def change_bytes(change: dict) -> bytes:
    kinds = [k for k in ("text", "hex", "json") if k in change]
    assert len(kinds) == 1, change
    if "text" in change:
        return change["text"].encode("utf-8")
    if "hex" in change:
        return bytes.fromhex(change["hex"])
    if change.get("pretty"):
        return (json.dumps(change["json"], ensure_ascii=False, indent=2) + "\n").encode()
    return canonical_bytes(change["json"])


def apply_change(record: str, change: dict) -> None:
    rel = change["path"]
    parts = rel.split("/")
    assert rel and all(p not in ("", ".", "..") for p in parts), rel
    full = os.path.join(record, *parts)
    action = change["action"]
    if action == "delete":
        assert os.path.lexists(full), f"delete: {rel} is not in the base"
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full)
        else:
            os.unlink(full)
        return
    assert action in ("replace", "create"), action
    assert os.path.isfile(full) == (action == "replace"), f"{action}: {rel}"
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(change_bytes(change))


def reseal(record: str) -> None:
    """README.md "reseal": record.json lists the covered files present, sorted, with
    their sizes and hashes and the root over them; its format and election_id stay the
    base's; ROOT holds that root; reports/ regenerated from the record's own results."""
    with open(os.path.join(VECTORS, "base", layout.INDEX), "rb") as f:
        base_index = json.loads(f.read())
    files = list_covered_files(record)
    hashes = {p: file_hash(record, p) for p in files}
    root = root_hash(hashes)
    index = {"format": base_index["format"], "election_id": base_index["election_id"],
             "root_hash": root.hex(),
             "files": [{"path": p, "size": os.path.getsize(os.path.join(record, *p.split("/"))),
                        "hash": hashes[p].hex()} for p in files]}
    with open(os.path.join(record, layout.INDEX), "wb") as f:
        f.write(canonical_bytes(index))
    with open(os.path.join(record, layout.ROOT), "wb") as f:
        f.write((root.hex() + "\n").encode())
    rerender_reports(record, root)


def build(name: str, dest) -> tuple:
    v = load_vector(name)
    record = os.path.join(str(dest), "record")
    shutil.copytree(os.path.join(VECTORS, v["base"]), record, symlinks=True)
    for change in v["changes"]:
        apply_change(record, change)
    if v["reseal"]:
        reseal(record)
    return v, record


@pytest.mark.parametrize("name", NAMES)
def test_vector(name, tmp_path):
    v, record = build(name, tmp_path)
    rep = verify_record(record, jobs=1)
    got = {c.number: c.status for c in rep.checks}
    want = v["expected"]
    listed = {(c.number, f.location) for c in rep.checks for f in c.failures}
    detail = rep.to_text()
    assert (rep.exit_code, got) == (want["exit_code"], want["checks"]), detail
    for check, location in want.get("failures", []):
        assert (check, location) in listed, f"{check} at {location} missing:\n{detail}"


def test_base_is_small_and_sealed():
    """The base stays small (it is committed) and is a sealed record (record.json, ROOT,
    reports): the valid-base vector proves it verifies."""
    total = 0
    for dirpath, _, filenames in os.walk(os.path.join(VECTORS, "base")):
        total += sum(os.path.getsize(os.path.join(dirpath, n)) for n in filenames)
    assert total < 1_000_000
    assert "valid-base" in NAMES


UNUSABLE = [n for n in NAMES if load_vector(n)["expected"]["exit_code"] == 2]


@pytest.mark.parametrize("name", UNUSABLE)
def test_unusable_report_says_so_first_and_passes_nothing(name, tmp_path):
    """record.md 9: the report of an unusable record names what is unusable before any
    check, and lists every check not run for that reason, counting and failing nothing."""
    _, record = build(name, tmp_path)
    rep = verify_record(record, jobs=1)
    assert rep.exit_code == 2 and rep.unusable
    lines = rep.to_text().splitlines()
    first_check = next(i for i, ln in enumerate(lines) if ln.startswith("["))
    assert lines[first_check - 1] == f"UNUSABLE INPUT: {rep.unusable}"
    assert lines[-1] == "RESULT: UNUSABLE"
    assert "package hash: ?" in lines   # not read, never "(no package.json)"
    obj = json.loads(rep.to_json())
    assert obj["unusable"] == rep.unusable and obj["valid"] is False
    assert obj["winners"] == [] and obj["exclusions"] == [] and obj["fallbacks"] == []
    for c in obj["checks"]:
        assert (c["status"], c["checked"], c["failures"], c["failure_count"]) == \
            ("not run", 0, [], 0), c
        assert c["not_run_reason"] == f"unusable input: {rep.unusable}"


def test_the_unusable_vectors_cover_manifest_context_and_version():
    assert {"manifest-seats-out-of-range", "manifest-duplicate-key", "context-missing",
            "index-wrong-version"} <= set(UNUSABLE)


_BASE_INDEX = json.loads(open(os.path.join(VECTORS, "base", layout.INDEX), "rb").read())


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(len(_BASE_INDEX["files"]))))
def test_index_order_is_checked_for_every_permutation(order, tmp_path_factory):
    """record.md 3.1 as a property: record.json listing the base's files (same sizes,
    hashes, root) in any order but the sorted one fails V1, and only V1; sorted, it is
    valid."""
    record = os.path.join(str(tmp_path_factory.mktemp("order")), "record")
    shutil.copytree(os.path.join(VECTORS, "base"), record)
    index = dict(_BASE_INDEX, files=[_BASE_INDEX["files"][k] for k in order])
    with open(os.path.join(record, layout.INDEX), "wb") as f:
        f.write(canonical_bytes(index))
    rep = verify_record(record, jobs=1)
    bad = {c.number for c in rep.checks if c.status != "pass"}
    if list(order) == sorted(order):
        assert rep.exit_code == 0, rep.to_text()
    else:
        assert (rep.exit_code, bad) == (1, {"V1"}), rep.to_text()
        first = next(k for k in range(1, len(order)) if order[k] < order[k - 1])
        assert any(f.location == f"{layout.INDEX} $.files[{first}]"
                   for f in rep.get("V1").failures), rep.to_text()


# record.md 3.0's table: the check that refuses each file when it is not canonical (and
# the other check that compares its bytes, for the files package.json embeds).
_CANONICAL_CHECKS = {
    layout.INDEX: {"V1"},
    "manifest.json": {"V1", "V3"},
    "context.json": {"V1", "V4"},
    "tally/encrypted.json": {"V11"},
    "tally/decryption.json": {"V12"},
    "tally/lot.json": {"V12"},
    "declarations/" + sorted(os.listdir(os.path.join(VECTORS, "base", "declarations")))[0]:
        {"V16"},
}


def _reversed_keys(value):
    if isinstance(value, dict):
        return {k: _reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(v) for v in value]
    return value


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(sorted(_CANONICAL_CHECKS)),
       indent=st.sampled_from([None, 0, 1, 2]), reverse=st.booleans(),
       separators=st.sampled_from([(",", ":"), (", ", ": "), (",", ": ")]),
       ascii_only=st.booleans(), newline=st.booleans())
def test_any_other_serialization_fails_exactly_its_check(path, indent, reverse, separators,
                                                         ascii_only, newline,
                                                         tmp_path_factory):
    """record.md 3.0 as a property: the same values written any other way (indented,
    spaced, keys out of order, \\u-escaped, a trailing newline) and resealed fail exactly
    the checks the table names for that file, and nothing else."""
    base = os.path.join(VECTORS, "base", *path.split("/"))
    raw = open(base, "rb").read()
    value = json.loads(raw)
    data = json.dumps(_reversed_keys(value) if reverse else value, indent=indent,
                      separators=separators, ensure_ascii=ascii_only).encode()
    data += b"\n" if newline else b""
    assume(data != raw)
    record = os.path.join(str(tmp_path_factory.mktemp("canon")), "record")
    shutil.copytree(os.path.join(VECTORS, "base"), record)
    with open(os.path.join(record, *path.split("/")), "wb") as f:
        f.write(data)
    if path != layout.INDEX:
        reseal(record)
    rep = verify_record(record, jobs=1)
    bad = {c.number for c in rep.checks if c.status != "pass"}
    assert (rep.exit_code, bad) == (1, _CANONICAL_CHECKS[path]), rep.to_text()
