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
