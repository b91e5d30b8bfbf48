"""One unreadable file in a record (issue 14 item 6): the verifier names the file and fails
only the checks it feeds; the record is unusable only when the file is one every check
needs (record.json, manifest.json, context.json). Tests run as root, where file modes do
not stop a read, so the refusal is made by the open calls themselves."""
import builtins
import errno
import os

import pytest

from evote.verify.run import verify_record

from test_verify_support import small_record


@pytest.fixture
def unreadable(monkeypatch):
    """unreadable(path): every open of `path` fails with EACCES from now on."""
    real_os_open, real_open = os.open, builtins.open
    refused = set()

    def denied(p):
        try:
            return os.path.abspath(os.fsdecode(p)) in refused
        except TypeError:  # a file descriptor
            return False

    def os_open(p, *a, **k):
        if denied(p):
            raise PermissionError(errno.EACCES, "Permission denied", p)
        return real_os_open(p, *a, **k)

    def open_(p, *a, **k):
        if not isinstance(p, int) and denied(p):
            raise PermissionError(errno.EACCES, "Permission denied", p)
        return real_open(p, *a, **k)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", open_)
    return lambda path: refused.add(os.path.abspath(path))


# the checks each file feeds (at most these fail; the first always does)
@pytest.mark.parametrize("rel,fails", [
    ("paper/city-1-st002.json", {"V1", "V2", "V13", "V15", "V18"}),
    ("reports/results.txt", {"V18"}),
    ("tally/decryption.json", {"V1", "V2", "V12", "V14", "V15", "V18"}),
])
def test_an_unreadable_file_fails_only_what_it_feeds(tmp_path_factory, unreadable, rel, fails):
    record = small_record(tmp_path_factory)
    unreadable(os.path.join(record, rel))
    rep = verify_record(record, jobs=1)
    assert not rep.unusable and not rep.valid
    failed = {c.number for c in rep.checks if c.status != "pass"}
    assert min(fails, key=lambda n: int(n[1:])) in failed and failed <= fails, failed
    named = [f for c in rep.checks for f in c.failures if f.location == rel]
    assert named and all("Permission denied" in f.message for f in named)


def test_an_unreadable_box_is_named(tmp_path_factory, unreadable):
    record = small_record(tmp_path_factory)
    rel = "boxes/village-001-st001/village-001-st001-k1.box"
    unreadable(os.path.join(record, rel))
    rep = verify_record(record, jobs=1)
    assert not rep.unusable and not rep.valid
    v1 = next(c for c in rep.checks if c.number == "V1")
    assert any(f.location == rel and "Permission denied" in f.message for f in v1.failures)
    assert all(c.status == "pass" for c in rep.checks if c.number in ("V3", "V4", "V7"))


def test_an_unreadable_manifest_makes_the_record_unusable_naming_it(tmp_path_factory,
                                                                   unreadable):
    record = small_record(tmp_path_factory)
    unreadable(os.path.join(record, "manifest.json"))
    rep = verify_record(record, jobs=1)
    assert rep.unusable.startswith("manifest.json") and "Permission denied" in rep.unusable
    assert "unexpected error" not in rep.unusable
