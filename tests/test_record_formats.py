"""The record's formats: canonical JSON and its strict reader, the root hash (against an
independent computation from evote.hashing), the writer's refusals, the tallies file.
(Paper results and decryption records are evote.tally's formats, tested there.)"""
import json
import os

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import RecordError
from evote.hashing import digest, text, u64
from evote.record import layout
from evote.record.jsonio import canonical_bytes, load_json_file, parse_json_bytes
from evote.record.roothash import file_hash, list_covered_files, root_hash
from evote.record.tallies import RecordTallies
from evote.record.writer import RecordWriter, seal_record

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids,
                                                              max_size=4),
    max_leaves=20)


@settings(max_examples=60, deadline=None)
@given(json_values)
def test_canonical_bytes_round_trip(value):
    data = canonical_bytes(value)
    assert parse_json_bytes(data, "x") == value
    assert canonical_bytes(parse_json_bytes(data, "x")) == data


@pytest.mark.parametrize("data,why", [
    (b'{"a":1,"a":2}', "duplicate key"),
    (b'{"a":NaN}', "NaN"),
    (b'{"a":1.5}', "not an integer"),
    (b'\xff{}', "not UTF-8"),
    (b"[" * 200000, "nested too deeply"),
    (b'{"a":', "not valid JSON"),
])
def test_strict_reader_refuses(data, why):
    with pytest.raises(RecordError) as e:
        parse_json_bytes(data, "some/file.json")
    assert "some/file.json" in str(e.value) and why in str(e.value)


def test_reader_refuses_symlink_and_missing(tmp_path):
    (tmp_path / "real.json").write_text("{}")
    os.symlink(tmp_path / "real.json", tmp_path / "link.json")
    with pytest.raises(RecordError, match="not a regular file"):
        load_json_file(str(tmp_path / "link.json"), "link.json")
    with pytest.raises(RecordError, match="missing"):
        load_json_file(str(tmp_path / "none.json"), "none.json")


def test_root_hash_matches_independent_computation(tmp_path):
    files = {"manifest.json": b'{"election_id":"x"}', "boxes/s1/k1.box": b"\x00" * 5000,
             "paper/s2.json": "نتیجه".encode(), "reports/r.html": b"<html>",
             "ROOT": b"whatever"}
    for rel, data in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    covered = list_covered_files(str(tmp_path))
    assert covered == sorted(["boxes/s1/k1.box", "manifest.json", "paper/s2.json"])
    hashes = {rel: digest("evote/v1/record-file", text(rel), files[rel]) for rel in covered}
    for rel in covered:
        assert file_hash(str(tmp_path), rel) == hashes[rel]
    fields = [u64(3)]
    for rel in covered:
        fields += [text(rel), hashes[rel]]
    assert root_hash(hashes) == digest("evote/v1/record-root", *fields)
    os.unlink(tmp_path / "ROOT")
    root = seal_record(str(tmp_path))
    assert root == root_hash(hashes)
    assert (tmp_path / "ROOT").read_text() == root.hex() + "\n"
    index = json.loads((tmp_path / "record.json").read_text())
    assert index["format"] == layout.FORMAT and index["root_hash"] == root.hex()
    assert [f["path"] for f in index["files"]] == covered
    with pytest.raises(RecordError, match="sealed"):
        seal_record(str(tmp_path))


def test_writer_refusals(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(RecordError, match="not empty"):
        RecordWriter(tmp_path / "full")
    w = RecordWriter(tmp_path / "new")
    for bad in ("../up", ".hidden", "a/b", "", "x" * 65, "a..b"):
        with pytest.raises(RecordError):
            w.box_file(bad, "k1")
        with pytest.raises(RecordError):
            w.box_file("s1", bad)
    assert w.box_file("s1", "k1").endswith(os.path.join("boxes", "s1", "k1.box"))


def test_record_tallies_round_trip_and_refusals():
    from evote.tally import ContestTally, EncryptedTally
    t = EncryptedTally([ContestTally("c", [bytes(64)] * 3, 0)])
    rt = RecordTallies(bytes(32), {"s1": t}, {"d1": t})
    obj = json.loads(canonical_bytes(rt.to_json_obj()))
    assert RecordTallies.from_json_obj(obj, "t") == rt
    for mutate in (lambda o: o.update(version="evote-record-tallies/2"),
                   lambda o: o.pop("stations"),
                   lambda o: o.update(manifest_hash="00"),
                   lambda o: o["stations"]["s1"].update(version="x"),
                   lambda o: o["districts"]["d1"]["contests"][0].update(ballots=-1),
                   lambda o: o["districts"]["d1"]["contests"][0]["ciphertexts"].append("00"),
                   lambda o: o["stations"].update(s2=[])):
        bad = json.loads(json.dumps(obj))
        mutate(bad)
        with pytest.raises(RecordError) as e:
            RecordTallies.from_json_obj(bad, "tally/encrypted.json")
        assert "tally/encrypted.json" in str(e.value)
