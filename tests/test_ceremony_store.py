"""Guardian secrets at rest (passphrase, argon2id, SecretBox, 0600) and secret hygiene."""
import json
import os
import stat

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteError, InvalidEncoding
from evote.protocol.ceremony_wire import canonical_json
from evote.protocol.guardian_store import load_guardian, open_guardian, save_guardian, seal_guardian
from evote.protocol.threshold_errors import WrongPassphrase

from ceremony_support import FAST_KDF, ceremony


def _same(a, b):
    return a.to_secret_json_obj() == b.to_secret_json_obj()


def test_round_trip_and_mode(tmp_path):
    _, guardians = ceremony(3, 2)
    g = guardians[1]
    path = tmp_path / "guardian-2.json"
    save_guardian(path, g, "correct horse battery staple", **FAST_KDF)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    back = load_guardian(path, "correct horse battery staple")
    assert _same(back, g)
    # overwriting keeps 0600 and leaves no temporary file behind
    save_guardian(path, g, "another passphrase", **FAST_KDF)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guardian-2.json"]
    assert _same(load_guardian(path, b"another passphrase"), g)


def test_a_failed_write_leaves_the_file_and_says_so(tmp_path, monkeypatch):
    """Disk full while the new state is written: a precise error, the old file intact
    and readable with the old passphrase, no temporary file left."""
    import errno
    import evote.protocol.guardian_store as store
    _, guardians = ceremony(3, 2)
    path = tmp_path / "guardian-1.json"
    save_guardian(path, guardians[0], "old", **FAST_KDF)
    before = path.read_bytes()

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(store.os, "fsync", full)
    with pytest.raises(EvoteError, match=r"guardian-1.json: cannot write \(No space left"):
        save_guardian(path, guardians[0], "new", **FAST_KDF)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guardian-1.json"]
    assert _same(load_guardian(path, "old"), guardians[0])


def test_wrong_passphrase_is_precise(tmp_path):
    _, guardians = ceremony(3, 2)
    path = tmp_path / "g.json"
    save_guardian(path, guardians[0], "right", **FAST_KDF)
    with pytest.raises(WrongPassphrase, match="guardian 1.*wrong passphrase"):
        load_guardian(path, "wrong")


def test_damaged_file_is_not_called_a_wrong_passphrase():
    _, guardians = ceremony(3, 2)
    content = json.loads(seal_guardian(guardians[2], "pw", **FAST_KDF))
    box = bytearray(bytes.fromhex(content["box"]))
    box[-1] ^= 1
    content["box"] = box.hex()
    with pytest.raises(InvalidEncoding, match="damaged or altered"):
        open_guardian(canonical_json(content), "pw")
    content = json.loads(seal_guardian(guardians[2], "pw", **FAST_KDF))
    content["guardian_index"] = 1  # header edited: key check still passes, header disagrees
    with pytest.raises(InvalidEncoding, match="disagrees"):
        open_guardian(canonical_json(content), "pw")


@pytest.mark.parametrize("edit,expect", [
    (lambda o: o.update(memlimit=2**40), "memlimit"),
    (lambda o: o.update(kdf="scrypt"), "kdf"),
    (lambda o: o.pop("salt"), "salt"),
    (lambda o: o.update(version="x"), "version"),
])
def test_bad_header_refused(edit, expect):
    _, guardians = ceremony(1, 1)
    content = json.loads(seal_guardian(guardians[0], "pw", **FAST_KDF))
    edit(content)
    with pytest.raises(InvalidEncoding, match=expect):
        open_guardian(canonical_json(content), "pw")


def test_unreadable_file_and_empty_passphrase(tmp_path):
    _, guardians = ceremony(1, 1)
    with pytest.raises(EvoteError, match="cannot read"):
        load_guardian(tmp_path / "missing.json", "pw")
    with pytest.raises(EvoteError, match="passphrase"):
        seal_guardian(guardians[0], "", **FAST_KDF)
    with pytest.raises(InvalidEncoding, match="not JSON"):
        open_guardian(b"\x00garbage", "pw")


def test_no_secret_in_published_objects_or_reprs():
    ctx, guardians = ceremony(3, 2)
    published = ctx.to_canonical_bytes().hex() + ctx.to_canonical_bytes().decode()
    for g in guardians:
        secrets = [g.signing_seed.hex(), g.transport_secret.hex(), g.key_share.to_bytes().hex()]
        secrets += [a.to_bytes().hex() for a in g.coefficients]
        secrets.append(g.lot_secret.to_bytes().hex())
        text = repr(g) + str(g) + published
        for s in secrets:
            assert s not in text
        content = seal_guardian(g, "pw", **FAST_KDF).decode()
        for s in secrets:
            assert s not in content


@settings(max_examples=10, deadline=None)
@given(right=st.text(min_size=1, max_size=40), wrong=st.text(min_size=1, max_size=40))
def test_only_the_passphrase_opens(right, wrong):
    _, guardians = ceremony(3, 2)
    content = seal_guardian(guardians[0], right, **FAST_KDF)
    assert _same(open_guardian(content, right), guardians[0])
    if wrong.encode() != right.encode():
        with pytest.raises(WrongPassphrase):
            open_guardian(content, wrong)


def _v1_file(guardian, passphrase: str) -> bytes:
    """A guardian file as evote wrote it before lot commitments: store and secret
    versions v1, no lot_secret (built here the way the v1 writer did)."""
    import nacl.pwhash.argon2id as argon2id
    import nacl.secret
    from evote.protocol.guardian_store import _derive
    secret = guardian.to_secret_json_obj()
    del secret["lot_secret"]
    secret["version"] = "evote/guardian-secret/v1"
    salt = os.urandom(argon2id.SALTBYTES)
    key, check = _derive(passphrase, salt, **FAST_KDF)
    box = nacl.secret.SecretBox(key).encrypt(canonical_json(secret))
    return canonical_json({"version": "evote/guardian-store/v1",
                           "guardian_index": guardian.index,
                           "manifest_hash": guardian.manifest_hash.hex(), "kdf": "argon2id",
                           **FAST_KDF, "salt": salt.hex(), "check": check.hex(),
                           "box": bytes(box).hex()})


def test_a_guardian_file_from_before_lot_commitments_is_refused_not_migrated(tmp_path):
    """A v1 file has no lot secret; drawing one now would let the guardian choose it after
    seeing the others' records, so it is refused with a message saying what to do, by
    the library and by every `evote guardian` step (exit 2), and left as it was."""
    from click.testing import CliRunner
    from evote.cli.main import cli
    _, guardians = ceremony(3, 2)
    path = tmp_path / "old.json"
    path.write_bytes(_v1_file(guardians[0], "pw"))
    before = path.read_bytes()
    with pytest.raises(InvalidEncoding, match="'evote/guardian-store/v1' is a guardian file "
                       "from before lot commitments .* not migrated: generate a new guardian"):
        load_guardian(path, "pw")
    (tmp_path / "pw").write_text("pw\n")
    r = CliRunner().invoke(cli, ["guardian", "commit", str(path), "--out",
                                 str(tmp_path / "c.json"), "--passphrase-file",
                                 str(tmp_path / "pw")])
    assert r.exit_code == 2 and "before lot commitments" in r.output, r.output
    assert "Traceback" not in r.output and not (tmp_path / "c.json").exists()
    assert path.read_bytes() == before
    # a v2 header around a v1 secret state (an altered file) is refused too
    obj = json.loads(before)
    obj["version"] = "evote/guardian-store/v2"
    with pytest.raises(InvalidEncoding, match="guardian-secret/v1"):
        open_guardian(canonical_json(obj), "pw")


def test_a_guardian_file_is_never_replaced_even_when_asked(tmp_path):
    """new_files refuses to replace a file holding secrets, replace=True or not: the
    current (v2) guardian files and the old v1 ones alike."""
    from evote.new_files import StepFileError, write_new_file
    _, guardians = ceremony(3, 2)
    for name, content in (("v2.json", seal_guardian(guardians[0], "pw", **FAST_KDF)),
                          ("v1.json", _v1_file(guardians[0], "pw"))):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(StepFileError):
            write_new_file(str(path), b"{}", "report", replace=True)
        assert path.read_bytes() == content
