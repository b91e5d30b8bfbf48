"""The mix servers' steps and commands (specs/mix.md 5): an honest chain of two mixes,
and each refusal: a key that is not a mix server's, the wrong server's turn, a server that
mixed already, an output file that exists, a forged or misplaced mix given to `mix add`,
a sealed record. Every refusal writes nothing."""
import os
import shutil

import pytest
from click.testing import CliRunner

from evote.cli.main import cli
from evote.election import mix
from evote.election.record_inputs import read_election
from evote.protocol.mix_file import MixFile, MixInput, list_hash, sign_mix
from evote.record import layout

from mix_support import PASSPHRASE, build_mix_record


@pytest.fixture()
def rec(tmp_path):
    return build_mix_record(tmp_path)


def _shuffle(rec, server, name):
    return mix.shuffle_contest(rec.dir, rec.keys[server], PASSPHRASE,
                               os.path.join(rec.home, name))


def _files(rec):
    d = os.path.join(rec.dir, layout.MIX_DIR, rec.contest_id)
    return sorted(os.listdir(d))


def test_honest_chain_of_two(rec):
    o1 = _shuffle(rec, "mixA", "m1.bin")
    assert (o1.k, o1.mix_id, o1.n) == (1, "mixA", 6)
    assert mix.add_mixes(rec.dir, [o1.path]) == [layout.mix_file_path(rec.contest_id, 1,
                                                                      "mixA")]
    o2 = _shuffle(rec, "mixB", "m2.bin")
    assert o2.k == 2
    mix.add_mixes(rec.dir, [o2.path])
    chain = mix.read_chain(read_election(rec.dir), rec.contest_id)
    assert [m.mix_id for m in chain.mixes] == ["mixA", "mixB"]
    assert chain.last == chain.mixes[1].outputs
    # the outputs are fresh ciphertexts: none equals an input
    ins = {chain.input.ciphertexts[i:i + 64] for i in range(0, 6 * 64, 64)}
    assert not ins & {chain.last[i:i + 64] for i in range(0, 6 * 64, 64)}


def test_wrong_turn_refused(rec):
    with pytest.raises(mix.MixStepRefused, match="mix server 'mixA''s turn"):
        _shuffle(rec, "mixB", "m.bin")
    assert not os.path.exists(os.path.join(rec.home, "m.bin"))


def test_server_that_mixed_already_refused(rec):
    mix.add_mixes(rec.dir, [_shuffle(rec, "mixA", "m1.bin").path])
    with pytest.raises(mix.MixStepRefused, match="has already mixed"):
        _shuffle(rec, "mixA", "again.bin")


def test_key_not_a_mix_server(rec, tmp_path):
    import nacl.signing
    from evote.election.keys import write_new_key_file
    from mix_support import WEAK_KDF
    other = write_new_key_file(str(tmp_path / "other.key"), nacl.signing.SigningKey.generate(),
                               PASSPHRASE, **WEAK_KDF)
    with pytest.raises(mix.MixStepRefused, match="not one of the manifest's mix_servers"):
        mix.shuffle_contest(rec.dir, other, PASSPHRASE, str(tmp_path / "m.bin"))


def test_output_exists_refused(rec):
    out = os.path.join(rec.home, "taken.bin")
    with open(out, "wb") as f:
        f.write(b"mine")
    with pytest.raises(Exception, match="exists"):
        mix.shuffle_contest(rec.dir, rec.keys["mixA"], PASSPHRASE, out)
    assert open(out, "rb").read() == b"mine"


def test_add_twice_refused(rec):
    o1 = _shuffle(rec, "mixA", "m1.bin")
    mix.add_mixes(rec.dir, [o1.path])
    with pytest.raises(mix.MixStepRefused, match="the place of mix 1 is taken"):
        mix.add_mixes(rec.dir, [o1.path])


def test_add_out_of_order_refused(rec, tmp_path):
    o1 = _shuffle(rec, "mixA", "m1.bin")
    # mix B shuffles on a copy that holds mix A; the tally centre's record does not
    other = str(tmp_path / "copy")
    shutil.copytree(rec.dir, other)
    mix.add_mixes(other, [o1.path])
    o2 = mix.shuffle_contest(other, rec.keys["mixB"], PASSPHRASE, str(tmp_path / "m2.bin"))
    with pytest.raises(mix.MixStepRefused, match="mix 1 must come first"):
        mix.add_mixes(rec.dir, [o2.path])
    assert _files(rec) == ["input.bin"]


def _write(rec, name, data):
    p = os.path.join(rec.home, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def test_add_forged_proof_refused(rec):
    o1 = _shuffle(rec, "mixA", "m1.bin")
    m = MixFile.from_bytes(open(o1.path, "rb").read())
    # output 1 replaced by input 1 (a replaced ciphertext), signed by the right key:
    # only the proof can tell
    from evote.election.keys import load_signing_key
    key = load_signing_key(rec.keys["mixA"], PASSPHRASE)
    inputs = MixInput.from_bytes(open(os.path.join(
        rec.dir, *layout.mix_input_path(rec.contest_id).split("/")), "rb").read())
    outs = inputs.ciphertexts[:64] + m.outputs[64:]
    forged = sign_mix(MixFile(m.contest_id, 1, m.mix_id, m.input_hash, outs, m.proof,
                              bytes(64)), rec.manifest.hash(), key)
    p = _write(rec, "forged.bin", forged.to_bytes())
    with pytest.raises(mix.MixStepRefused, match="step 6: shuffle proof"):
        mix.add_mixes(rec.dir, [p])
    assert _files(rec) == ["input.bin"]


def test_add_wrong_signer_refused(rec):
    o1 = _shuffle(rec, "mixA", "m1.bin")
    m = MixFile.from_bytes(open(o1.path, "rb").read())
    from evote.election.keys import load_signing_key
    key_b = load_signing_key(rec.keys["mixB"], PASSPHRASE)
    forged = sign_mix(m, rec.manifest.hash(), key_b)   # B signs A's position-1 mix
    p = _write(rec, "forged.bin", forged.to_bytes())
    with pytest.raises(mix.MixStepRefused, match="step 5"):
        mix.add_mixes(rec.dir, [p])


def test_add_other_input_refused(rec):
    o1 = _shuffle(rec, "mixA", "m1.bin")
    m = MixFile.from_bytes(open(o1.path, "rb").read())
    from evote.election.keys import load_signing_key
    key = load_signing_key(rec.keys["mixA"], PASSPHRASE)
    forged = sign_mix(MixFile(m.contest_id, 1, m.mix_id, list_hash(m.contest_id, m.outputs),
                              m.outputs, m.proof, bytes(64)), rec.manifest.hash(), key)
    p = _write(rec, "forged.bin", forged.to_bytes())
    with pytest.raises(mix.MixStepRefused, match="step 3"):
        mix.add_mixes(rec.dir, [p])


def test_add_to_sealed_record_refused(rec):
    o1 = _shuffle(rec, "mixA", "m1.bin")
    with open(os.path.join(rec.dir, layout.ROOT), "w") as f:
        f.write("0" * 64 + "\n")
    with pytest.raises(mix.MixStepRefused, match="sealed"):
        mix.add_mixes(rec.dir, [o1.path])


def test_cli_keygen_shuffle_add(rec, tmp_path):
    runner = CliRunner()
    key = str(tmp_path / "new.key")
    r = runner.invoke(cli, ["mix", "keygen", "--out", key, "--passphrase-file", rec.pw,
                            "--kdf-ops", "1", "--kdf-mem-kib", "8192"])
    assert r.exit_code == 0, r.output
    assert "public key" in r.output and len(r.output.split("public key ")[1].strip()) == 64
    out = str(tmp_path / "m1.bin")
    r = runner.invoke(cli, ["mix", "shuffle", rec.dir, "--key", rec.keys["mixA"],
                            "--out", out, "--passphrase-file", rec.pw])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["mix", "add", rec.dir, out])
    assert r.exit_code == 0, r.output
    assert "1-mixA.bin: checked and added" in r.output
    r = runner.invoke(cli, ["mix", "add", rec.dir, out])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "evote mix add: mix file" in r.output
    r = runner.invoke(cli, ["mix", "shuffle", rec.dir, "--key", rec.keys["mixA"],
                            "--contest", "nope", "--out", str(tmp_path / "x.bin"),
                            "--passphrase-file", rec.pw])
    assert r.exit_code == 2 and "not a slot contest" in r.output


def test_cli_add_garbage(rec, tmp_path):
    p = str(tmp_path / "junk.bin")
    with open(p, "wb") as f:
        f.write(b"EVMX\x02" + bytes(40))
    r = CliRunner().invoke(cli, ["mix", "add", rec.dir, p])
    assert r.exit_code == 2 and "version at offset 4 is 2" in r.output
