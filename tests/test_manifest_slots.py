"""The manifest's contest encodings and mix servers (specs/manifest.md 1.3 and 4): the
default rule, round trips, precise refusals, and unchanged bytes and hashes for every
manifest that has no slot contest."""
import copy
import json

import nacl.signing
import pytest

from evote.errors import ManifestError
from evote.manifest import Manifest, MixServer, load_manifest, make_demo_manifest
from evote.manifest.mix_servers import SLOTS_ABOVE_CANDIDATES, default_encoding

from test_manifest_load import small

KEY = bytes(range(32))
MIX_KEYS = [nacl.signing.SigningKey(bytes([i]) * 32).verify_key.encode() for i in (1, 2, 3)]


def with_slots(obj=None, n_mix=2):
    obj = copy.deepcopy(obj or small())
    obj["contests"][0]["encoding"] = "slots"
    obj["mix_servers"] = [{"mix_id": f"mix-{i + 1}", "key": MIX_KEYS[i].hex()}
                          for i in range(n_mix)]
    return obj


def big_contest(n):
    return {"contest_id": "v", "name": "شورای تهران", "district_id": "vil", "seats": 21,
            "alternates": 0, "method": "plurality",
            "candidates": [{"code": 1000 + i, "name": f"نامزد {i}"} for i in range(n)]}


def test_default_rule_is_more_than_200_candidates():
    assert SLOTS_ABOVE_CANDIDATES == 200
    assert default_encoding(200) == "per-candidate"
    assert default_encoding(201) == "slots"
    m = Manifest.from_json_obj(small())
    assert [c.encoding for c in m.contests] == ["per-candidate", "per-candidate"]
    assert not any(c.uses_slots for c in m.contests) and m.slot_contests == ()
    assert m.mix_servers == ()


@pytest.mark.parametrize("n, slots", [(200, False), (201, True)])
def test_big_contest_default_and_canonical_omission(n, slots):
    servers = [{"mix_id": "m1", "key": MIX_KEYS[0].hex()}]
    obj = small()
    obj["contests"][1] = big_contest(n)
    if slots:
        obj["mix_servers"] = servers
    m = Manifest.from_json_obj(obj)
    assert m.contest("v").uses_slots is slots
    canon = json.loads(m.to_canonical_bytes())
    assert "encoding" not in canon["contests"][1]          # it is the default
    # the explicit default is the same manifest, byte for byte
    obj["contests"][1]["encoding"] = "slots" if slots else "per-candidate"
    assert Manifest.from_json_obj(obj).to_canonical_bytes() == m.to_canonical_bytes()
    # the other encoding is written out and changes the hash
    obj["contests"][1]["encoding"] = "per-candidate" if slots else "slots"
    if slots:
        obj.pop("mix_servers")
    else:
        obj["mix_servers"] = servers
    other = Manifest.from_json_obj(obj)
    assert json.loads(other.to_canonical_bytes())["contests"][1]["encoding"] == \
        obj["contests"][1]["encoding"]
    assert other.hash() != m.hash()


def test_slots_round_trip_and_hash_binds_mix_servers():
    m = Manifest.from_json_obj(with_slots())
    assert m.contest("c").uses_slots and m.slot_contests == (m.contest("c"),)
    assert [x.mix_id for x in m.mix_servers] == ["mix-1", "mix-2"]
    assert m.mix_servers[1].key == MIX_KEYS[1]
    again = Manifest.from_json_obj(json.loads(m.to_canonical_bytes()))
    assert again.to_canonical_bytes() == m.to_canonical_bytes() and again == m
    # order is the mixing order: swapping two servers is another manifest
    swapped = with_slots()
    swapped["mix_servers"].reverse()
    assert Manifest.from_json_obj(swapped).hash() != m.hash()


def test_big_contest_needs_its_mix_servers():
    obj = small()
    obj["contests"][1] = big_contest(201)
    with pytest.raises(ManifestError) as e:
        Manifest.from_json_obj(obj)
    assert e.value.path == "$.contests[1].encoding" and "names no mix server" in str(e.value)


def test_empty_mix_servers_is_omitted():
    obj = small()
    obj["mix_servers"] = []
    m = Manifest.from_json_obj(obj)
    assert m.to_canonical_bytes() == Manifest.from_json_obj(small()).to_canonical_bytes()
    assert b"mix_servers" not in m.to_canonical_bytes()


def test_existing_manifests_keep_bytes_and_hash():
    # pinned before encodings and mix servers existed (evote at 016c163)
    a = make_demo_manifest(1405, authority_key=KEY)
    b = make_demo_manifest(7, authority_key=KEY, city_method="proportional")
    assert a.hash().hex() == "b97ed6404105f6b9ba2448637934ada9f1e44a324c47d5660488ec0f7970a22e"
    assert b.hash().hex() == "05becc06eb6df32fafdde7567e28e2632929a6e8b5d40b55863e38b0095438b2"
    path = "specs/vectors/records/base/manifest.json"
    base = load_manifest(path)
    with open(path, "rb") as f:
        assert base.to_canonical_bytes() == f.read()
    assert base.hash().hex() == \
        "ebfd1964d3a1f212afa666f7cd55635d0d5c4e825b117ff360213865168e0153"


def test_demo_manifest_with_a_slot_city():
    servers = (MixServer("mix-a", MIX_KEYS[0]), MixServer("mix-b", MIX_KEYS[1]))
    m = make_demo_manifest(1405, authority_key=KEY, city_encoding="slots",
                           mix_servers=servers)
    assert [c.contest_id for c in m.slot_contests] == ["council-city-1"]
    assert m.mix_servers == servers
    assert m.hash() != make_demo_manifest(1405, authority_key=KEY).hash()


def refusal(fn):
    obj = with_slots()
    fn(obj)
    with pytest.raises(ManifestError) as e:
        Manifest.from_json_obj(obj)
    return e.value


@pytest.mark.parametrize("mutate, path, words", [
    (lambda o: o.update(mix_servers=[]), "$.contests[0].encoding", "names no mix server"),
    (lambda o: o.pop("mix_servers"), "$.contests[0].encoding", "names no mix server"),
    (lambda o: o["contests"][0].update(encoding="mixnet"), "$.contests[0].encoding",
     "is not one of"),
    (lambda o: o["contests"][0].update(encoding=2), "$.contests[0].encoding",
     "is not one of"),
    (lambda o: o["mix_servers"][1].update(mix_id="mix-1"), "$.mix_servers[1].mix_id",
     "duplicate mix server id 'mix-1'"),
    (lambda o: o["mix_servers"][1].update(key=MIX_KEYS[0].hex()), "$.mix_servers[1].key",
     "has the key of mix server 'mix-1'"),
    (lambda o: o["mix_servers"][0].update(key="AB" * 32), "$.mix_servers[0].key",
     "64 lowercase hex"),
    (lambda o: o["mix_servers"][0].update(key="00" * 31), "$.mix_servers[0].key",
     "64 lowercase hex"),
    (lambda o: o["mix_servers"][0].update(key="ff" * 32), "$.mix_servers[0].key",
     "is not an Ed25519 public key"),
    (lambda o: o["mix_servers"][0].update(key="00" * 32), "$.mix_servers[0].key",
     "is not an Ed25519 public key"),
    (lambda o: o["mix_servers"][0].update(mix_id="bad id"), "$.mix_servers[0].mix_id",
     "mix server id"),
    (lambda o: o["mix_servers"][0].update(extra=1), "$.mix_servers[0].extra",
     "unknown field"),
    (lambda o: o["mix_servers"][0].pop("key"), "$.mix_servers[0].key", "missing field"),
    (lambda o: o.update(mix_servers={"mix_id": "x"}), "$.mix_servers", "JSON array"),
    (lambda o: o["mix_servers"].__setitem__(0, "mix-1"), "$.mix_servers[0]", "JSON object"),
    (lambda o: o["contests"][0].pop("encoding"), "$.mix_servers",
     "no contest uses slots"),
])
def test_refusals_name_the_path(mutate, path, words):
    e = refusal(mutate)
    assert e.path == path, str(e)
    assert words in str(e)


def test_model_refuses_like_the_loader():
    with pytest.raises(ManifestError, match="not an Ed25519 public key"):
        MixServer("m", bytes(32))
    with pytest.raises(ManifestError, match="32 bytes"):
        MixServer("m", b"x")
    m = Manifest.from_json_obj(with_slots())
    import dataclasses
    with pytest.raises(ManifestError, match="duplicate mix server id"):
        dataclasses.replace(m, mix_servers=(m.mix_servers[0], MixServer("mix-1", MIX_KEYS[2])))


def test_load_manifest_file_names_the_file(tmp_path):
    obj = with_slots()
    obj["mix_servers"][0]["key"] = "00" * 32
    p = tmp_path / "m.json"
    p.write_text(json.dumps(obj), "utf-8")
    with pytest.raises(ManifestError, match=r"m\.json: \$\.mix_servers\[0\]\.key"):
        load_manifest(p)


def test_manifest_check_command_shows_slots_and_mix_servers(tmp_path):
    from evote.election.manifest_check import check_manifest_file
    p = tmp_path / "m.json"
    p.write_text(json.dumps(with_slots()), "utf-8")
    lines = check_manifest_file(str(p)).summary_lines()
    assert any(x.startswith("mix servers, in mixing order: mix-1 (") for x in lines)
    assert any(x.startswith("contest c ") and x.endswith("choice slots (mixed, then "
                                                         "decrypted)") for x in lines)
    bad = with_slots()
    bad["mix_servers"][1]["mix_id"] = "mix-1"
    p.write_text(json.dumps(bad), "utf-8")
    assert check_manifest_file(str(p)).errors == [
        "$.mix_servers[1].mix_id: duplicate mix server id 'mix-1' (also at index 0)"]
