"""evote.new_files: the one writer (specs/election.md section 2). Every refusal leaves
the existing file byte for byte, and no temporary file behind."""
import os
import stat

import pytest

from evote.new_files import StepFileError, check_output, copy_new_file, write_new_file


def _left(tmp_path):
    return sorted(p.name for p in tmp_path.iterdir())


def test_writes_whole_and_never_replaces(tmp_path):
    p = tmp_path / "out.json"
    write_new_file(p, b"first", "report")
    with pytest.raises(StepFileError, match="already exists"):
        write_new_file(p, b"second", "report")
    assert p.read_bytes() == b"first" and _left(tmp_path) == ["out.json"]
    write_new_file(p, b"second", "report", replace=True)
    assert p.read_bytes() == b"second" and _left(tmp_path) == ["out.json"]


def test_secret_mode_and_never_replaced_even_when_asked(tmp_path):
    p = tmp_path / "s.key"
    write_new_file(p, b'{"format": "evote-signing-key"}', "key file", secret=True)
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    with pytest.raises(StepFileError, match="holds secrets"):
        write_new_file(p, b"public", "record", replace=True)
    assert p.read_bytes() == b'{"format": "evote-signing-key"}'


def test_an_input_is_never_an_output(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_bytes(b"keep")
    alias = tmp_path / "alias.json"
    os.link(secret, alias)  # the same file under another name
    for out in (secret, alias, tmp_path / "." / "secret.json"):
        with pytest.raises(StepFileError, match="also an input"):
            write_new_file(out, b"x", "record file", inputs=(secret,), replace=True)
    assert secret.read_bytes() == b"keep"


def test_symlinks_are_never_followed(tmp_path):
    target = tmp_path / "target"
    target.write_bytes(b"keep")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(StepFileError, match="symbolic link"):
        write_new_file(link, b"x", "report", replace=True)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(StepFileError, match="symbolic link"):
        check_output(dangling, "report")
    assert target.read_bytes() == b"keep" and not (tmp_path / "nowhere").exists()


def test_missing_directory_and_non_regular_files(tmp_path):
    with pytest.raises(StepFileError, match="does not exist"):
        write_new_file(tmp_path / "no" / "f", b"x", "report")
    (tmp_path / "d").mkdir()
    with pytest.raises(StepFileError, match="not a regular file"):
        write_new_file(tmp_path / "d", b"x", "report", replace=True)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(StepFileError, match="not a regular file"):
        copy_new_file(tmp_path / "fifo", tmp_path / "copy", "box")
    assert _left(tmp_path) == ["d", "fifo"]


def test_copy_streams_and_refuses_existing(tmp_path):
    src = tmp_path / "a.box"
    src.write_bytes(os.urandom(3 << 20))
    copy_new_file(src, tmp_path / "b.box", "box")
    assert (tmp_path / "b.box").read_bytes() == src.read_bytes()
    with pytest.raises(StepFileError, match="already exists"):
        copy_new_file(src, tmp_path / "b.box", "box")
    with pytest.raises(StepFileError, match="also an input"):
        copy_new_file(src, src, "box")
