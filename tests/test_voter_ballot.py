"""`evote ballot RECORD CODE` (specs/voter.md sections 1-3, 5, 6) on the small demo record:
found (CAST and SPOIL, text in both languages and JSON), not found, ambiguous, codes as
typed, a record altered before or after the ballot, a missing box, a wrong version, and
unusable input (one line, exit 2, never a traceback).

The expected station, kiosk and record number come from reading the boxes with the box
reader (test_voter_support.ballots_of), not from evote.voter's own search."""
import json
import os
import random
import struct
import zlib

import pytest

from evote.ballotbox.framing import iter_frames
from evote.manifest import to_persian_digits

from test_verify_support import copy_record, reseal, small_record
from test_voter_support import ballots_of, first, run

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return small_record(tmp_path_factory)


def answer(*args):
    """(exit code, the --json answer) of `evote ballot ARGS --json`."""
    code, out, err = run("ballot", *args, "--json")
    assert not err, err
    return code, json.loads(out)


def frames(box):
    """[(frame, offset)] of a box file, read with the frame reader."""
    with open(box, "rb") as f:
        return list(iter_frames(f, limit=os.path.getsize(box)))


def patch_frame(box, seq, body_offset, new_bytes):
    """Overwrite bytes of record `seq`'s body and fix both CRCs, as a forger would (the
    kiosk signature and the chain then no longer hold)."""
    fr = next(f for f in frames(box) if f.seq == seq)
    data = bytearray(open(box, "rb").read())
    start = fr.offset + 64 + body_offset
    data[start:start + len(new_bytes)] = new_bytes
    end = fr.offset + fr.size
    data[end - 4:end] = struct.pack(">I", zlib.crc32(bytes(data[fr.offset:end - 4])))
    with open(box, "wb") as f:
        f.write(bytes(data))


# -------------------------------------------------------------------- found

@pytest.mark.parametrize("kind", ["CAST", "SPOIL"])
def test_found_json_names_station_kiosk_record(record, kind):
    b = first(record, kind)
    code, a = answer(record, b["short"])
    assert code == 0, a
    assert a["format"] == "evote-voter-answer/1" and a["command"] == "ballot"
    assert a["status"] == "found" and not a["problems"] and not a["incomplete"]
    assert a["code"] == {"kind": "short", "value": b["short"]}
    got = a["ballot"]
    assert (got["station_id"], got["kiosk_id"], got["record"], got["kind"], got["code"]) == \
        (b["station"], b["kiosk"], b["seq"], kind, b["code"].hex())
    assert got["counted"] is (kind == "CAST")
    assert got["station_name"]      # the manifest's name of the station
    assert a["root_hash"] == open(os.path.join(record, "ROOT")).read().strip()


def test_found_text_in_persian_and_english(record):
    b = first(record, "SPOIL")
    code, out, err = run("ballot", record, b["short"])
    assert code == 0 and not err
    fa, en = out.split("\n\n")
    assert "برگهٔ رأی شما در پروندهٔ منتشرشدهٔ انتخابات هست" in fa
    assert f"شمارهٔ ردیف: {to_persian_digits(b['seq'])} " in fa and "چالش‌شده (SPOIL)" in fa
    assert "Your ballot is in the published election record." in en
    assert f"record number: {b['seq']} " in en and f"kiosk: {b['kiosk']}" in en
    assert f"station: {b['station']} (" in en and "SPOIL: challenged" in en
    assert f"evote challenge check {record} {b['short']}" in en   # what to run next
    assert "evote verify" in en and "--root" in en
    code, out_en, _ = run("ballot", record, b["short"], "--lang", "en")
    assert code == 0 and out_en.strip() == en.strip()
    code, out_fa, _ = run("ballot", record, b["short"], "--lang", "fa")
    assert out_fa.strip() == fa.strip() and "Your ballot" not in out_fa


def test_every_ballot_of_the_record_is_found_by_its_full_code(record):
    ballots = ballots_of(record)
    assert {b["kind"] for b in ballots} == {"CAST", "SPOIL"}
    for b in ballots:
        code, a = answer(record, b["code"].hex())
        assert code == 0 and a["code"]["kind"] == "full"
        assert (a["ballot"]["kiosk_id"], a["ballot"]["record"]) == (b["kiosk"], b["seq"])


def test_code_as_a_voter_types_it(record):
    b = first(record, "CAST")
    short = b["short"]
    typed = [short.lower(), short.replace("-", " "), short.replace("-", "\u2010"),
             short.translate(PERSIAN), "\u200f" + short.replace("-", "\u200c") + "\u200e"]
    for t in typed:
        code, a = answer(record, t)
        assert code == 0 and a["ballot"]["record"] == b["seq"], t
    # several words on the command line are one code
    code, a = answer(record, *short.split("-"))
    assert code == 0 and a["ballot"]["kiosk_id"] == b["kiosk"]
    full = b["code"].hex()
    code, a = answer(record, " ".join(full[i:i + 16] for i in range(0, 64, 16)).translate(PERSIAN))
    assert code == 0 and a["ballot"]["code"] == full


# ---------------------------------------------------------------- not found

def test_not_found_exit_1_says_what_to_do(record):
    taken = {b["short"] for b in ballots_of(record)}
    short = "0000-0000-0000-0000"
    assert short not in taken
    code, a = answer(record, short)
    assert (code, a["status"], a["ballot"], a["n_matches"]) == (1, "not-found", None, 0)
    code, out, _ = run("ballot", record, short)
    assert code == 1
    assert "This code is NOT in the published election record." in out
    assert "Keep your receipt" in out and "رسیدتان را نگه دارید" in out
    # a full code that differs from a real one in its last digit
    real = first(record, "CAST")["code"]
    other = real[:31] + bytes([real[31] ^ 1])
    code, a = answer(record, other.hex())
    assert (code, a["status"]) == (1, "not-found")


# ---------------------------------------------------------------- ambiguous

def test_ambiguous_short_code_two_codes_sharing_the_prefix(record, tmp_path):
    """80 bits cannot be ground, so the two codes come from a forged record: a copy of a
    box under another kiosk id whose one ballot's code keeps the first 10 bytes and
    changes the last one. The short code then matches two different codes."""
    rec = copy_record(record, tmp_path)
    b = first(rec, "CAST")
    src = os.path.join(rec, *b["path"].split("/"))
    forged = os.path.join(os.path.dirname(src), "forged-k9.box")
    with open(src, "rb") as f, open(forged, "wb") as g:
        g.write(f.read())
    changed = b["code"][:31] + bytes([b["code"][31] ^ 0xFF])
    patch_frame(forged, b["seq"], 32, changed)      # body: ballot id (32) | code (32)
    assert reseal(rec)
    code, a = answer(rec, b["short"])
    assert (code, a["status"], a["n_matches"], a["ballot"]) == (2, "ambiguous", 2, None)
    where = sorted((m["kiosk_id"], m["record"]) for m in a["matches"])
    assert where == sorted([(b["kiosk"], b["seq"]), ("forged-k9", b["seq"])])
    code, out, _ = run("ballot", rec, b["short"], "--lang", "en")
    assert code == 2 and "matches 2 ballots" in out and "full code" in out
    assert f"{b['station']} / forged-k9 / {b['seq']} (CAST)" in out
    # the full codes tell them apart: the genuine one verifies, the forged one does not
    code, a = answer(rec, b["code"].hex())
    assert (code, a["status"], a["ballot"]["kiosk_id"]) == (0, "found", b["kiosk"])
    code, a = answer(rec, changed.hex())
    assert (code, a["status"], a["ballot"]["kiosk_id"]) == (1, "record-problem", "forged-k9")
    assert a["problems"]


def test_the_same_full_code_twice_is_a_record_problem(record, tmp_path):
    rec = copy_record(record, tmp_path)
    b = first(rec, "CAST")
    src = os.path.join(rec, *b["path"].split("/"))
    with open(src, "rb") as f, open(os.path.join(os.path.dirname(src), "copy-k8.box"),
                                    "wb") as g:
        g.write(f.read())
    assert reseal(rec)
    code, a = answer(rec, b["code"].hex())
    assert (code, a["status"], a["n_matches"]) == (1, "record-problem", 2)
    assert "2 times" in a["problems"][0]


# -------------------------------------------------- the record altered around the ballot

def _later_and_earlier(rec):
    """(a ballot with a CAST record before it in its box, that earlier ballot)."""
    ballots = ballots_of(rec)
    for b in ballots:
        before = [o for o in ballots if o["path"] == b["path"] and o["seq"] < b["seq"]
                  and o["kind"] == "CAST"]
        if before:
            return b, before[0]
    raise AssertionError("no box with two ballots")


def test_box_altered_before_the_ballot(record, tmp_path):
    rec = copy_record(record, tmp_path)
    target, earlier = _later_and_earlier(rec)
    box = os.path.join(rec, *earlier["path"].split("/"))
    patch_frame(box, earlier["seq"], 100, b"\x00\x01\x02\x03")   # inside its payload
    # not resealed: the box is not the one record.json lists
    code, a = answer(rec, target["short"])
    assert (code, a["status"]) == (1, "record-problem")
    assert any(p.startswith(f"{target['path']}: content differs from record.json")
               for p in a["problems"]), a["problems"]
    # resealed (the forger also rewrites the index): the kiosk's signature names the record
    assert reseal(rec)
    code, a = answer(rec, target["short"])
    assert (code, a["status"]) == (1, "record-problem")
    assert any(f"{target['path']} record {earlier['seq']}:" in p for p in a["problems"]), \
        a["problems"]
    code, out, _ = run("ballot", rec, target["short"], "--lang", "en")
    assert code == 1 and "does NOT verify" in out and f"record {earlier['seq']}:" in out
    assert "complaint channel" in out


def test_box_altered_after_the_ballot(record, tmp_path):
    rec = copy_record(record, tmp_path)
    later, target = _later_and_earlier(rec)
    box = os.path.join(rec, *later["path"].split("/"))
    patch_frame(box, later["seq"], 100, b"\x00\x01\x02\x03")
    code, a = answer(rec, target["short"])      # not resealed: the box hash differs
    assert (code, a["status"]) == (1, "record-problem")
    assert any("content differs from record.json" in p for p in a["problems"])
    assert reseal(rec)
    # resealed: this ballot is still in the record, verified up to it; the later damage
    # is a warning naming its record (the record as a whole is not valid)
    code, a = answer(rec, target["short"])
    assert (code, a["status"]) == (0, "found"), a
    assert any(f"{later['path']} record {later['seq']}:" in w for w in a["warnings"]), \
        a["warnings"]
    code, a = answer(rec, later["short"])       # the altered ballot itself
    assert (code, a["status"]) == (1, "record-problem")


def test_announced_root_must_match(record):
    b = first(record, "CAST")
    root = open(os.path.join(record, "ROOT")).read().strip()
    assert answer(record, b["short"], "--root", root)[0] == 0
    code, a = answer(record, b["short"], "--root", "ab" * 32)
    assert (code, a["status"]) == (1, "record-problem")
    assert "is not the announced root" in a["problems"][0]


def test_missing_box_is_named_incomplete(record, tmp_path):
    rec = copy_record(record, tmp_path)
    ballots = ballots_of(rec)
    gone = ballots[-1]["path"]
    kept = next(b for b in ballots if b["path"] != gone)
    os.unlink(os.path.join(rec, *gone.split("/")))
    code, a = answer(rec, "0000-0000-0000-0000")
    assert (code, a["status"]) == (1, "not-found")
    assert [i["path"] for i in a["incomplete"]] == [gone]
    assert "cannot be opened" in a["incomplete"][0]["reason"]
    code, out, _ = run("ballot", rec, "0000-0000-0000-0000", "--lang", "en")
    assert "could not be searched to the end" in out and gone in out
    code, a = answer(rec, kept["short"])       # found elsewhere, the gap still named
    assert (code, a["status"]) == (0, "found")
    assert [i["path"] for i in a["incomplete"]] == [gone]


# ------------------------------------------------------------- unusable input

def _edit_json(path, edit):
    obj = json.loads(open(path, "rb").read())
    edit(obj)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f)


def test_wrong_record_version(record, tmp_path):
    rec = copy_record(record, tmp_path)
    _edit_json(os.path.join(rec, "record.json"),
               lambda o: o.__setitem__("format", "evote-record/2"))
    code, out, err = run("ballot", rec, first(record, "CAST")["short"])
    assert code == 2 and not out
    assert "evote-record/2" in err and "wrong version" in err and err.count("\n") == 1


@pytest.mark.parametrize("damage, says", [
    (lambda rec: os.unlink(os.path.join(rec, "record.json")), "record.json"),
    (lambda rec: open(os.path.join(rec, "record.json"), "w").write("{"), "record.json"),
    (lambda rec: os.unlink(os.path.join(rec, "manifest.json")), "manifest.json"),
    (lambda rec: open(os.path.join(rec, "context.json"), "w").write("[]"), "context.json"),
    (lambda rec: _edit_json(os.path.join(rec, "record.json"),
                            lambda o: o.__setitem__("root_hash", "zz")), "root_hash"),
])
def test_unusable_record_files_one_line(record, tmp_path, damage, says):
    rec = copy_record(record, tmp_path)
    damage(rec)
    code, out, err = run("ballot", rec, first(record, "CAST")["short"])
    assert code == 2 and not out and says in err and err.count("\n") == 1, err
    assert "Traceback" not in err


@pytest.mark.parametrize("args, says", [
    (["ABCD-EFGH"], "8 letters and digits typed"),
    (["ZZZZ-ZZZZ-ZZZZ-ZZZU"], "'U'"),
    (["0000-0000-0000-0000", "--root", "xyz"], "--root"),
])
def test_unusable_code_or_option_one_line(record, args, says):
    code, out, err = run("ballot", record, *args)
    assert code == 2 and not out and says in err and err.count("\n") == 1, err


def test_record_that_is_not_a_directory(record, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    for where in (f, tmp_path / "absent"):
        code, out, err = run("ballot", where, "0000-0000-0000-0000")
        assert code == 2 and not out and str(where) in err, err
        assert "is a file" in err or "not a directory" in err, err
    code, out, err = run("ballot", record, "0000-0000-0000-0000", "--lang", "de")
    assert code == 2 and "--lang" in err


@pytest.mark.parametrize("what", ["box", "station directory", "manifest"])
def test_symbolic_links_are_never_followed(record, tmp_path, what):
    """A listed file (or a directory on its path) replaced by a link to the same bytes
    elsewhere: the verifier fails it (V1), so the voter's check never reads through it."""
    rec = copy_record(record, tmp_path)
    b = first(rec, "CAST")
    if what == "box":
        rel = b["path"]
    elif what == "station directory":
        rel = f"boxes/{b['station']}"
    else:
        rel = "manifest.json"
    full = os.path.join(rec, *rel.split("/"))
    os.rename(full, str(tmp_path / "elsewhere"))
    os.symlink(str(tmp_path / "elsewhere"), full)
    if what == "manifest":      # the record's reader refuses it: unusable input
        code, out, err = run("ballot", rec, b["short"])
        assert code == 2 and not out and "manifest.json: not a regular file" in err, err
        return
    code, a = answer(rec, b["short"])
    assert (code, a["status"]) == (1, "not-found")
    link = "" if what == "box" else f" (boxes/{b['station']})"
    assert {(i["path"], i["reason"]) for i in a["incomplete"]} == {
        (p, f"a symbolic link{link}, never followed: a record holds regular files only")
        for p in {o["path"] for o in ballots_of(record)}
        if p == b["path"] or (what != "box" and p.startswith(rel + "/"))}


@pytest.mark.parametrize("name", ["record.json", "manifest.json", "context.json"])
def test_damaged_record_files_never_a_traceback(record, tmp_path, name):
    """Truncations and byte flips of the files the voter's check reads first: an answer
    (exit 0 or 1: a changed file the index names) or one line on stderr (exit 2), never a
    traceback (run() re-raises any exception that is not an exit)."""
    rec = copy_record(record, tmp_path)
    path = os.path.join(rec, name)
    good = open(path, "rb").read()
    short = first(record, "CAST")["short"]
    rng = random.Random(name)
    for k in range(12):
        data = bytearray(good)
        if k % 3 == 0:
            data = data[:rng.randrange(len(data))]
        else:
            for _ in range(1 + k % 4):
                data[rng.randrange(len(data))] = rng.randrange(256)
        os.chmod(path, 0o644)
        with open(path, "wb") as f:
            f.write(bytes(data))
        code, out, err = run("ballot", rec, short)
        assert code in (0, 1, 2), (k, code, err)
        if code == 2:
            assert not out and err.count("\n") == 1 and name in err, (k, err)
        elif bytes(data) != good:
            assert code == 1 and f"{name}:" in out, (k, out)


def test_cast_ballot_is_also_looked_for_on_its_station_page(record, tmp_path):
    b = first(record, "CAST")
    code, a = answer(record, b["short"])
    assert code == 0 and a["ballot"]["station_page"] == f"reports/station-{b['station']}.html"
    assert not a["warnings"]
    code, out, _ = run("ballot", record, b["short"], "--lang", "en")
    assert f"station's page of codes: {record}/reports/station-{b['station']}.html" in out
    assert answer(record, first(record, "SPOIL")["short"])[1]["ballot"]["station_page"] is None
    # a page that hides the ballot (not covered by the root): a warning, still exit 0
    rec = copy_record(record, tmp_path)
    page = os.path.join(rec, "reports", f"station-{b['station']}.html")
    text = open(page, encoding="utf-8").read()
    os.chmod(page, 0o644)
    with open(page, "w", encoding="utf-8") as f:
        f.write(text.replace(b["short"], "XXXX-XXXX-XXXX-XXXX"))
    code, a = answer(rec, b["short"])
    assert code == 0 and a["ballot"]["station_page"] is None
    assert a["warnings"] == [f"reports/station-{b['station']}.html: the station's page of "
                             "codes does not show this ballot's code (the page is not what "
                             "the boxes hold: evote verify checks it, V18)"]
    os.unlink(page)
    code, a = answer(rec, b["short"])
    assert code == 0 and "cannot be read" in a["warnings"][0]
