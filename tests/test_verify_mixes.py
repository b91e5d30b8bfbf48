"""Check V19 (specs/mix.md 6) on a small demo record whose city council is in choice
slots, mixed by two mix servers: the honest chain passes; each forgery, resealed as a
forger would (so V1 and V2 pass), fails V19 at its path: a replaced output and a dropped
one (re-signed by the server's own key, so only the proof or the input hash can tell), a
mix signed by the wrong server, a reordered chain, a missing mix, an input.bin that is not
the boxes' slots, a mix file of a contest that is not a slot contest. --jobs 1 and 2 give
the same report."""
import os
import shutil

import pytest

from evote.election.keys import load_signing_key
from evote.protocol.elgamal import Ciphertext
from evote.protocol.mix_file import MixFile, MixInput, list_hash, mix_label, sign_mix
from evote.protocol.shuffle import shuffle
from evote.record import layout
from evote.record.election import parsed_election
from evote.verify.run import verify_record

from test_verify_support import reseal

PASSPHRASE = "evote demo: every party's passphrase"
_built = {}


@pytest.fixture(scope="module")
def slot_record(tmp_path_factory):
    """(record, keys dir): a sealed demo record with the city in slots; the mix servers'
    key files are kept (the demo itself removes its parties' files)."""
    if "path" not in _built:
        from evote.demo import mixing
        from evote.demo.election import run_demo
        base = str(tmp_path_factory.mktemp("slots"))
        keys = os.path.join(base, "keys")
        orig = mixing.key_path
        mixing.key_path = lambda work, mix_id: os.path.join(keys, mix_id, "mix.key")
        try:
            run_demo(os.path.join(base, "record"), stations=3, voters_per_station=6, seed=5,
                     jobs=1, log=lambda m: None, slots=True, verify=False)
        finally:
            mixing.key_path = orig
        _built["path"] = (os.path.join(base, "record"), keys)
    return _built["path"]


def _copy(slot_record, tmp_path):
    dest = str(tmp_path / "copy")
    shutil.copytree(slot_record[0], dest, symlinks=True)
    return dest


def _v19(record, jobs=1):
    rep = verify_record(record, jobs=jobs)
    return rep, rep.get("V19")


def _election(record):
    mb = open(os.path.join(record, layout.MANIFEST), "rb").read()
    cb = open(os.path.join(record, layout.CONTEXT), "rb").read()
    return parsed_election(mb, cb)


def _paths(record):
    m, _ = _election(record)
    cid = m.slot_contests[0].contest_id
    return m, cid, [layout.mix_file_path(cid, k, s.mix_id)
                    for k, s in enumerate(m.mix_servers, 1)]


def _read(record, rel):
    with open(os.path.join(record, *rel.split("/")), "rb") as f:
        return f.read()


def _write(record, rel, data):
    path = os.path.join(record, *rel.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def _key(slot_record, mix_id):
    return load_signing_key(os.path.join(slot_record[1], mix_id, "mix.key"), PASSPHRASE)


def _locations(check):
    return sorted({f.location for f in check.failures})


def test_honest_chain_passes(slot_record):
    rep, v19 = _v19(slot_record[0])
    assert v19.status == "pass", rep.to_text()
    assert v19.checked == 3   # input.bin and two mixes
    for num in ("V1", "V2", "V5", "V6", "V7", "V8", "V9", "V10", "V11", "V12"):
        assert rep.get(num).status == "pass", rep.to_text()


def test_jobs_1_and_2_identical(slot_record):
    a = verify_record(slot_record[0], jobs=1).to_json()
    b = verify_record(slot_record[0], jobs=2).to_json()
    assert a == b


def test_replaced_output_resigned_fails_the_proof(slot_record, tmp_path):
    record = _copy(slot_record, tmp_path)
    m, cid, paths = _paths(record)
    mix = MixFile.from_bytes(_read(record, paths[1]))
    first = layout.mix_input_path(cid)
    outs = MixInput.from_bytes(_read(record, first)).ciphertexts[:64] + mix.outputs[64:]
    forged = sign_mix(MixFile(cid, 2, mix.mix_id, mix.input_hash, outs, mix.proof,
                              bytes(64)), m.hash(), _key(slot_record, mix.mix_id))
    _write(record, paths[1], forged.to_bytes())
    assert reseal(record)
    rep, v19 = _v19(record)
    assert rep.get("V1").status == "pass" and rep.get("V2").status == "pass"
    assert v19.status == "fail" and _locations(v19) == [paths[1]]
    assert "step 6" in v19.failures[0].message


def test_dropped_output_resigned_fails(slot_record, tmp_path):
    """Mix 2 drops its last input, shuffles the rest with a valid proof of that shorter
    shuffle, and signs: the chain does not hold (its n is not its inputs')."""
    record = _copy(slot_record, tmp_path)
    m, cid, paths = _paths(record)
    _, ctx = _election(record)
    prev = MixFile.from_bytes(_read(record, paths[0])).outputs
    mine = MixFile.from_bytes(_read(record, paths[1]))
    short = [Ciphertext.from_bytes(prev[i:i + 64]) for i in range(0, len(prev) - 64, 64)]
    outs, proof = shuffle(ctx.joint_key, short,
                          label=mix_label(ctx.base_hash, cid, 2, mine.mix_id))
    forged = sign_mix(MixFile(cid, 2, mine.mix_id, mine.input_hash,
                              b"".join(c.to_bytes() for c in outs), proof, bytes(64)),
                      m.hash(), _key(slot_record, mine.mix_id))
    _write(record, paths[1], forged.to_bytes())
    assert reseal(record)
    _, v19 = _v19(record)
    assert v19.status == "fail" and _locations(v19) == [paths[1]]
    assert "step 4" in v19.failures[0].message


def test_wrong_signer_fails(slot_record, tmp_path):
    record = _copy(slot_record, tmp_path)
    m, cid, paths = _paths(record)
    mix = MixFile.from_bytes(_read(record, paths[1]))
    other = m.mix_servers[0].mix_id   # mix 1's key signs mix 2's file
    _write(record, paths[1], sign_mix(mix, m.hash(), _key(slot_record, other)).to_bytes())
    assert reseal(record)
    _, v19 = _v19(record)
    assert v19.status == "fail" and _locations(v19) == [paths[1]]
    assert "step 5" in v19.failures[0].message


def test_reordered_chain_fails(slot_record, tmp_path):
    """Mix 2 shuffled input.bin instead of mix 1's outputs (a chain that skips mix 1):
    properly signed and proved, its input hash is not mix 1's outputs'."""
    record = _copy(slot_record, tmp_path)
    m, cid, paths = _paths(record)
    _, ctx = _election(record)
    first = MixInput.from_bytes(_read(record, layout.mix_input_path(cid))).ciphertexts
    mix_id = m.mix_servers[1].mix_id
    cts = [Ciphertext.from_bytes(first[i:i + 64]) for i in range(0, len(first), 64)]
    outs, proof = shuffle(ctx.joint_key, cts, label=mix_label(ctx.base_hash, cid, 2, mix_id))
    forged = sign_mix(MixFile(cid, 2, mix_id, list_hash(cid, first),
                              b"".join(c.to_bytes() for c in outs), proof, bytes(64)),
                      m.hash(), _key(slot_record, mix_id))
    _write(record, paths[1], forged.to_bytes())
    assert reseal(record)
    _, v19 = _v19(record)
    assert v19.status == "fail" and _locations(v19) == [paths[1]]
    assert "step 3" in v19.failures[0].message


def test_swapped_file_names_and_missing_mix_fail(slot_record, tmp_path):
    record = _copy(slot_record, tmp_path)
    m, cid, paths = _paths(record)
    os.unlink(os.path.join(record, *paths[1].split("/")))
    assert reseal(record)
    _, v19 = _v19(record)
    assert v19.status == "fail" and paths[1] in _locations(v19)
    assert any("missing" in f.message for f in v19.failures)
    # mix 1's file under the name of position 2 (another server's id at a position)
    record2 = _copy(slot_record, tmp_path / "b")
    data = _read(record2, paths[0])
    os.unlink(os.path.join(record2, *paths[0].split("/")))
    _write(record2, layout.mix_file_path(cid, 1, m.mix_servers[1].mix_id), data)
    assert reseal(record2)
    _, v19 = _v19(record2)
    assert v19.status == "fail"
    assert layout.mix_file_path(cid, 1, m.mix_servers[1].mix_id) in _locations(v19)


def test_input_not_the_boxes_slots_fails(slot_record, tmp_path):
    record = _copy(slot_record, tmp_path)
    m, cid, paths = _paths(record)
    rel = layout.mix_input_path(cid)
    mi = MixInput.from_bytes(_read(record, rel))
    cts = mi.ciphertexts
    swapped = cts[64:128] + cts[:64] + cts[128:]     # two slots reordered
    _write(record, rel, MixInput(cid, swapped).to_bytes())
    assert reseal(record)
    _, v19 = _v19(record)
    assert v19.status == "fail" and rel in _locations(v19)
    assert any("ciphertext 0 differs" in f.message for f in v19.failures if f.location == rel)
    # mix 1 no longer chains to it either
    assert paths[0] in _locations(v19)


def test_mix_file_of_a_per_candidate_contest_fails(slot_record, tmp_path):
    record = _copy(slot_record, tmp_path)
    m, cid, paths = _paths(record)
    other = next(c.contest_id for c in m.contests if not c.uses_slots)
    rel = layout.mix_input_path(other)
    _write(record, rel, MixInput(other, b"").to_bytes())
    assert reseal(record)
    rep, v19 = _v19(record)
    assert rep.get("V1").status == "pass", rep.to_text()
    assert v19.status == "fail" and _locations(v19) == [rel]
    assert "not a slot contest" in v19.failures[0].message


def test_unknown_file_under_mix_fails_v1(slot_record, tmp_path):
    record = _copy(slot_record, tmp_path)
    _, cid, _ = _paths(record)
    _write(record, f"{layout.MIX_DIR}/{cid}/notes.txt", b"hello")
    assert reseal(record)
    rep = verify_record(record, jobs=1)
    assert f"{layout.MIX_DIR}/{cid}/notes.txt" in _locations(rep.get("V1"))
