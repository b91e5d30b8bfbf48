"""V16, station reconciliation: the demo record's declarations pass; a removed
declaration, forms issued changed (unsigned, or re-signed by an uncertified key), a
declaration for a wrong, paper or unknown station, a stuffed box and hostile files all
make `evote verify` exit 1 naming V16 and the file, never a traceback."""
import json
import os
import shutil

import nacl.signing
import pytest
from click.testing import CliRunner

from evote.cli.main import cli
from evote.manifest import load_manifest
from evote.record.jsonio import canonical_bytes
from evote.tally import StationDeclaration, certify_official
from evote.verify.run import verify_record

from test_verify_support import copy_record, reseal, small_outcome, small_record

PAPER = "paper/city-1-st002.json"


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return small_record(tmp_path_factory)


def _declarations(record):
    d = os.path.join(record, "declarations")
    return sorted(f"declarations/{n}" for n in os.listdir(d))


def _v16(d, *names):
    """Verify through the CLI: exit 1, V16 failed naming each of `names`."""
    result = CliRunner().invoke(cli, ["verify", d, "--jobs", "1"])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    k = next(i for i, ln in enumerate(lines) if " V16 " in ln)
    assert lines[k].startswith("[FAIL]"), result.output
    block = "\n".join(lines[k:])
    for name in names:
        assert name in block, f"{name} not named under V16:\n{result.output}"
    return block


def _rewrite(d, rel, edit):
    p = os.path.join(d, *rel.split("/"))
    obj = json.load(open(p, encoding="utf-8"))
    edit(obj)
    open(p, "wb").write(canonical_bytes(obj))


def test_demo_record_has_a_valid_declaration_per_electronic_station(tmp_path_factory,
                                                                    record):
    rep = small_outcome(tmp_path_factory).report
    v16 = rep.get("V16")
    assert v16.status == "pass" and v16.checked == 2, rep.to_text()
    boxes = sorted(os.listdir(os.path.join(record, "boxes")))
    assert _declarations(record) == [f"declarations/{s}.json" for s in boxes]
    index = json.load(open(os.path.join(record, "record.json")))
    listed = {f["path"] for f in index["files"]}
    assert set(_declarations(record)) <= listed   # covered by the index and root
    m = load_manifest(os.path.join(record, "manifest.json"))
    for rel in _declarations(record):
        d = StationDeclaration.from_json_bytes(open(os.path.join(record, rel), "rb").read())
        d.verify(m, min_officials=2)
        assert d.forms_issued == 8   # SMALL: 8 voters per station


@pytest.mark.parametrize("resealed", [False, True])
def test_removed_declaration(record, tmp_path, resealed):
    d = copy_record(record, tmp_path)
    rel = _declarations(d)[0]
    os.unlink(os.path.join(d, rel))
    if resealed:
        assert reseal(d)
    block = _v16(d, rel)
    assert "missing" in block


def test_forms_changed_unsigned_and_resigned_by_uncertified_key(record, tmp_path):
    rel = _declarations(record)[0]
    d = copy_record(record, tmp_path / "unsigned")
    _rewrite(d, rel, lambda o: o.update(forms_issued=o["forms_issued"] + 1))
    assert reseal(d)
    assert "signature of the declaration does not verify" in _v16(d, rel)

    d = copy_record(record, tmp_path / "nosig")
    _rewrite(d, rel, lambda o: o.update(officials=[]))
    assert reseal(d)
    assert "0 official signature(s)" in _v16(d, rel)

    d = copy_record(record, tmp_path / "rogue")
    m = load_manifest(os.path.join(d, "manifest.json"))
    p = os.path.join(d, *rel.split("/"))
    old = StationDeclaration.from_json_bytes(open(p, "rb").read())
    rogue_authority = nacl.signing.SigningKey.generate()
    forged = StationDeclaration(m.hash(), old.station_id, old.forms_issued + 5)
    for role in ("station-head", "observer"):
        key = nacl.signing.SigningKey.generate()
        forged = forged.sign(role, key, certify_official(
            rogue_authority, m.hash(), old.station_id, role, bytes(key.verify_key)))
    open(p, "wb").write(forged.to_json_bytes())
    assert reseal(d)
    assert "not certified by the election authority" in _v16(d, rel)


def test_declaration_for_a_wrong_station(record, tmp_path):
    first, second = _declarations(record)
    # another station's (valid) declaration copied under this station's name
    d = copy_record(record, tmp_path / "copied")
    shutil.copyfile(os.path.join(d, second), os.path.join(d, first))
    assert reseal(d)
    assert "names station" in _v16(d, first)
    # the station id changed inside: the officials were certified for the other station
    d = copy_record(record, tmp_path / "renamed")
    other = second.split("/")[1][:-5]
    _rewrite(d, first, lambda o: o.update(station_id=other))
    os.replace(os.path.join(d, first), os.path.join(d, second))
    assert reseal(d)
    block = _v16(d, second, first)
    assert "not certified" in block and "missing" in block


def _declaration_by_authority(manifest, station_id, forms_issued):
    """A declaration signed by two officials the demo's authority key (seed 7) certifies:
    what the holder of the authority key could forge."""
    from evote.hashing import digest, u64
    authority = nacl.signing.SigningKey(digest("evote/v1/demo-authority", u64(7)))
    decl = StationDeclaration(manifest.hash(), station_id, forms_issued)
    for role in ("station-head", "observer"):
        sk = nacl.signing.SigningKey.generate()
        decl = decl.sign(role, sk, certify_official(authority, manifest.hash(), station_id,
                                                    role, bytes(sk.verify_key)))
    return decl


def test_declaration_for_a_paper_or_unknown_station(record, tmp_path):
    rel = _declarations(record)[0]
    d = copy_record(record, tmp_path / "paper")
    shutil.copyfile(os.path.join(d, rel), os.path.join(d, "declarations/city-1-st002.json"))
    assert reseal(d)
    assert "names station" in _v16(d, "declarations/city-1-st002.json")
    # even correctly signed for the paper station, it is refused
    d = copy_record(record, tmp_path / "paper-signed")
    m = load_manifest(os.path.join(d, "manifest.json"))
    decl = _declaration_by_authority(m, "city-1-st002", 8)
    decl.verify(m)
    open(os.path.join(d, "declarations/city-1-st002.json"), "wb").write(decl.to_json_bytes())
    assert reseal(d)
    assert "fell back to paper" in _v16(d, "declarations/city-1-st002.json")
    # a station the manifest does not have
    d = copy_record(record, tmp_path / "unknown")
    _rewrite(d, rel, lambda o: o.update(station_id="nowhere"))
    os.rename(os.path.join(d, rel), os.path.join(d, "declarations/nowhere.json"))
    assert reseal(d)
    block = _v16(d, "declarations/nowhere.json", rel)
    assert "not in the manifest" in block


def test_ballot_stuffing_is_caught(record, tmp_path):
    """Officials declare fewer voters than the (consistent, kiosk-signed) boxes hold."""
    d = copy_record(record, tmp_path)
    rel = _declarations(d)[0]
    sid = rel.split("/")[1][:-5]
    m = load_manifest(os.path.join(d, "manifest.json"))
    open(os.path.join(d, rel), "wb").write(
        _declaration_by_authority(m, sid, 7).to_json_bytes())
    assert reseal(d)
    rep = verify_record(d, jobs=1)
    assert rep.exit_code == 1
    fails = sorted((f.location, f.message) for f in rep.get("V16").failures)
    # the officials the authority certified afresh are not listed in the package
    # (V16 names that too), and the count is reconciled all the same
    assert [loc for loc, _ in fails] == [rel, rel]
    assert "is not listed for station" in fails[0][1]
    assert fails[1] == (rel, f"station {sid!r}: forms issued 7 != ballots cast in the boxes 8")
    assert [c.number for c in rep.checks if c.status != "pass"] == ["V16"], rep.to_text()


@pytest.mark.parametrize("content", [
    b"", b"{}", b"[]", b"\xff", b"[" * 100000, b'{"a":1,"a":2}', b"1e400",
    b'{"forms_issued":-1,"manifest_hash":"00","officials":[],"station_id":"x",'
    b'"version":"evote-station-declaration/1"}',
])
def test_hostile_declaration_files(record, tmp_path, content):
    d = copy_record(record, tmp_path)
    rel = _declarations(d)[0]
    open(os.path.join(d, rel), "wb").write(content)
    assert reseal(d)
    _v16(d, rel)


def test_non_canonical_and_misplaced_files(record, tmp_path):
    rel = _declarations(record)[0]
    d = copy_record(record, tmp_path / "spaces")
    p = os.path.join(d, rel)
    obj = json.load(open(p))
    open(p, "w").write(json.dumps(obj, sort_keys=True, indent=1))
    assert reseal(d)
    assert "canonical" in _v16(d, rel)
    d = copy_record(record, tmp_path / "nested")
    os.makedirs(os.path.join(d, "declarations", "sub"))
    shutil.copyfile(os.path.join(d, rel), os.path.join(d, "declarations", "sub", "x.json"))
    assert reseal(d)
    result = CliRunner().invoke(cli, ["verify", d, "--jobs", "1"])
    assert result.exit_code == 1 and "declarations/sub/x.json" in result.output


def test_report_same_bytes_for_any_jobs(record, tmp_path):
    d = copy_record(record, tmp_path)
    for rel in _declarations(d):
        _rewrite(d, rel, lambda o: o.update(forms_issued=3))
    assert reseal(d)
    one, two = verify_record(d, jobs=1), verify_record(d, jobs=2)
    assert one.get("V16").status == "fail"
    assert one.to_text() == two.to_text() and one.to_json() == two.to_json()
