"""Tampering anywhere in a record is caught and named: random single-byte changes,
removed and duplicated files, removed, duplicated and swapped box records, with and
without a forger recomputing record.json and ROOT. verify never exits 0 on a changed
record and never raises (the CLI never shows a traceback)."""
import os
import random
import shutil

import pytest
from click.testing import CliRunner

from evote.ballotbox import scan_box
from evote.cli.main import cli
from evote.manifest import load_manifest
from evote.verify.run import verify_record

from test_verify_support import copy_record, covered_files, reseal, small_record

N_BYTE_CHANGES = 48
N_BYTE_CHANGES_RESEALED = 48


def _verify(record):
    rep = verify_record(record, jobs=1)  # in process: any exception fails the test
    return rep, rep.to_text()


def _flip(path, rng):
    data = bytearray(open(path, "rb").read())
    k = rng.randrange(len(data))
    old = data[k]
    data[k] = (old + rng.randrange(1, 256)) % 256
    open(path, "wb").write(bytes(data))
    return k


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return small_record(tmp_path_factory)


def test_single_byte_changes_anywhere(record, tmp_path):
    rng = random.Random(20260612)
    files = covered_files(record) + ["record.json", "ROOT"]
    for i in range(N_BYTE_CHANGES):
        rel = files[i % len(files)] if i < len(files) else rng.choice(files)
        d = copy_record(record, tmp_path / f"b{i}")
        offset = _flip(os.path.join(d, *rel.split("/")), rng)
        rep, text = _verify(d)
        assert rep.exit_code in (1, 2), f"{rel} byte {offset} changed, still valid"
        assert rel in text, f"{rel} byte {offset}: the report does not name it:\n{text}"


def test_single_byte_changes_resealed(record, tmp_path):
    """The forger recomputes the index and root: the deeper checks must still catch it."""
    rng = random.Random(1405)
    files = covered_files(record)
    for i in range(N_BYTE_CHANGES_RESEALED):
        rel = files[i % len(files)] if i < len(files) else rng.choice(files)
        d = copy_record(record, tmp_path / f"r{i}")
        offset = _flip(os.path.join(d, *rel.split("/")), rng)
        reseal(d)
        rep, text = _verify(d)
        assert rep.exit_code in (1, 2), f"{rel} byte {offset} changed and resealed, still valid"
        named = rel if rel != "manifest.json" else "manifest"
        assert named in text, f"{rel} byte {offset} (resealed): not named:\n{text}"


@pytest.mark.parametrize("resealed", [False, True])
def test_removed_files(record, tmp_path, resealed):
    for i, rel in enumerate(covered_files(record)):
        d = copy_record(record, tmp_path / f"x{i}")
        os.unlink(os.path.join(d, *rel.split("/")))
        if resealed and rel != "manifest.json":
            reseal(d)
        rep, text = _verify(d)
        assert rep.exit_code in (1, 2), f"{rel} removed, still valid"
        if rel.startswith("boxes/"):
            # the station's tally no longer matches its (now missing) ballots
            assert "tally/encrypted.json" in text or rel in text
        else:
            assert rel in text, f"{rel} removed: not named:\n{text}"


def test_duplicated_files(record, tmp_path):
    boxes = [r for r in covered_files(record) if r.startswith("boxes/")]
    cases = []
    for rel in boxes:  # the same box again under another kiosk name, same station
        cases.append((rel, rel[:-4] + "-copy.box"))
    cases.append((boxes[0], "boxes/village-001-st001/" + os.path.basename(boxes[0])))
    cases.append(("paper/city-1-st002.json", "paper/city-1-st001.json"))
    for i, (src, dst) in enumerate(cases):
        for resealed in (False, True):
            d = copy_record(record, tmp_path / f"d{i}{resealed}")
            os.makedirs(os.path.dirname(os.path.join(d, dst)), exist_ok=True)
            shutil.copyfile(os.path.join(d, src), os.path.join(d, dst))
            if resealed:
                reseal(d)
            rep, text = _verify(d)
            assert rep.exit_code == 1, f"{src} copied to {dst}: exit {rep.exit_code}"
            assert dst in text, f"{src} copied to {dst}: not named:\n{text}"


def _frames(record, rel):
    m = load_manifest(os.path.join(record, "manifest.json"))
    rep = scan_box(os.path.join(record, rel), authority_key=m.authority_key, keep_hashes=True)
    return rep.frames


def test_box_record_surgery(record, tmp_path):
    """Remove, duplicate, swap and truncate records inside a box (resealed too)."""
    rng = random.Random(7)
    boxes = [r for r in covered_files(record) if r.startswith("boxes/")]
    n = 0
    for rel in boxes:
        frames = _frames(record, rel)
        data = open(os.path.join(record, rel), "rb").read()
        chunks = [data[o:o + s] for o, s in frames]
        ops = []
        k = rng.randrange(1, len(chunks) - 1)
        ops.append(("remove", chunks[:k] + chunks[k + 1:]))
        ops.append(("duplicate", chunks[:k + 1] + chunks[k:]))
        ops.append(("swap", chunks[:k] + [chunks[k + 1], chunks[k]] + chunks[k + 2:]))
        ops.append(("drop CLOSE", chunks[:-1]))
        ops.append(("truncate", [b"".join(chunks)[:-7]]))
        for name, new in ops:
            # every surgery resealed (the deep checks); unresealed on the first box only
            for resealed in ((False, True) if rel == boxes[0] else (True,)):
                d = copy_record(record, tmp_path / f"s{n}")
                n += 1
                open(os.path.join(d, rel), "wb").write(b"".join(new))
                if resealed:
                    reseal(d)
                rep, text = _verify(d)
                assert rep.exit_code == 1, f"{rel}: {name} (resealed={resealed}) not caught"
                assert rel in text, f"{rel}: {name}: not named:\n{text}"


def test_cli_never_tracebacks_on_garbage(record, tmp_path):
    """Hostile shapes: garbage JSON, deep nesting, a symlink, a directory as a file."""
    cases = {
        "record.json": b"[" * 100000,
        "context.json": b'{"version": NaN}',
        "tally/encrypted.json": b'{"a": 1, "a": 2}',
        "tally/decryption.json": b"\xff\xfe",
        "results/results.json": b"1.5",
        "paper/city-1-st002.json": b"{}",
        "declarations/city-1-st001.json": b'{"officials": [' * 5000,
    }
    for i, (rel, content) in enumerate(cases.items()):
        d = copy_record(record, tmp_path / f"g{i}")
        open(os.path.join(d, rel), "wb").write(content)
        result = CliRunner().invoke(cli, ["verify", d, "--jobs", "1"])
        assert result.exit_code in (1, 2), (rel, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            (rel, result.exception)
        assert rel in result.output
    d = copy_record(record, tmp_path / "link")
    os.unlink(os.path.join(d, "manifest.json"))
    os.symlink("/etc/passwd", os.path.join(d, "manifest.json"))
    result = CliRunner().invoke(cli, ["verify", d, "--jobs", "1"])
    assert result.exit_code in (1, 2) and "manifest.json" in result.output
    d = copy_record(record, tmp_path / "dir")
    rel = next(r for r in covered_files(d) if r.startswith("boxes/"))
    os.unlink(os.path.join(d, rel))
    os.mkdir(os.path.join(d, rel))
    result = CliRunner().invoke(cli, ["verify", d, "--jobs", "1"])
    assert result.exit_code == 1 and rel in result.output, result.output


def test_unusable_inputs_exit_2(record, tmp_path):
    missing = CliRunner().invoke(cli, ["verify", str(tmp_path / "nothing"), "--jobs", "1"])
    assert missing.exit_code == 2
    for rel in ("record.json", "manifest.json", "context.json"):
        d = copy_record(record, tmp_path / rel.replace(".", "_"))
        os.unlink(os.path.join(d, rel))
        result = CliRunner().invoke(cli, ["verify", d, "--jobs", "1"])
        assert result.exit_code == 2 and rel in result.output, result.output
    d = copy_record(record, tmp_path / "version")
    p = os.path.join(d, "record.json")
    data = open(p, "rb").read()
    open(p, "wb").write(data.replace(b"evote-record/3", b"evote-record/2"))
    result = CliRunner().invoke(cli, ["verify", d, "--jobs", "1"])
    assert result.exit_code == 2 and "wrong version" in result.output


def test_garbage_box_and_deterministic_failure_report(record, tmp_path):
    """A box replaced by random bytes, another cut short and a tally changed: the same
    failure report, byte for byte, with 1 and 2 jobs."""
    rng = random.Random(99)
    d = copy_record(record, tmp_path / "garbage")
    boxes = [r for r in covered_files(d) if r.startswith("boxes/")]
    open(os.path.join(d, boxes[0]), "wb").write(bytes(rng.randrange(256) for _ in range(5000)))
    data = open(os.path.join(d, boxes[-1]), "rb").read()
    open(os.path.join(d, boxes[-1]), "wb").write(data[:len(data) // 2])
    reseal(d)
    one, two = verify_record(d, jobs=1), verify_record(d, jobs=2)
    assert one.exit_code == 1
    assert one.to_text() == two.to_text() and one.to_json() == two.to_json()
    text = one.to_text()
    assert boxes[0] in text and boxes[-1] in text


def _edit_json(path, edit):
    import json
    obj = json.load(open(path, encoding="utf-8"))
    edit(obj)
    from evote.record.jsonio import canonical_bytes
    open(path, "wb").write(canonical_bytes(obj))


def _bump_count(o):
    o["contests"][0]["counts"][0] += 1


def _swap_winners(o):
    w = o["contests"][0]["winners"]
    w[0], w[1] = w[1], w[0]


def _bump_paper(o):
    o["contests"][0]["votes"][0] += 1
    o["contests"][0]["ballots_cast"] += 1


def _bump_forms(o):
    o["forms_issued"] += 1


def _drop_share(o):
    o["contests"][0]["shares"] = o["contests"][0]["shares"][:2]


def _station_ballots(o):
    st = sorted(o["stations"])[0]
    o["stations"][st]["contests"][0]["ballots"] += 1


@pytest.mark.parametrize("rel,edit,check,where", [
    ("tally/decryption.json", _bump_count, "V12", "tally/decryption.json district"),
    ("tally/decryption.json", _drop_share, "V12", "tally/decryption.json district"),
    ("tally/encrypted.json", _station_ballots, "V11", "tally/encrypted.json station"),
    ("paper/city-1-st002.json", _bump_paper, "V13", "paper/city-1-st002.json"),
    ("declarations/city-1-st001.json", _bump_forms, "V16", "declarations/city-1-st001.json"),
])
def test_semantic_changes_resealed(record, tmp_path, rel, edit, check, where):
    """Well-formed, re-sealed lies: each is caught by the check that owns it, named."""
    d = copy_record(record, tmp_path)
    _edit_json(os.path.join(d, rel), edit)
    assert reseal(d)
    rep = verify_record(d, jobs=1)
    assert rep.exit_code == 1
    c = rep.get(check)
    assert c.status == "fail", rep.to_text()
    assert any(f.location.startswith(where) for f in c.failures), rep.to_text()


def test_results_lie_resealed(record, tmp_path):
    d = copy_record(record, tmp_path)
    p = os.path.join(d, "results", "results.json")
    import json
    obj = json.load(open(p, encoding="utf-8"))
    _swap_winners(obj)
    open(p, "wb").write((json.dumps(obj, sort_keys=True, indent=1, ensure_ascii=False)
                         + "\n").encode())
    assert reseal(d)
    rep = verify_record(d, jobs=1)
    v15 = rep.get("V15")
    assert rep.exit_code == 1 and v15.status == "fail"
    assert any("$.contests[0].winners[0]" in f.location for f in v15.failures), rep.to_text()
