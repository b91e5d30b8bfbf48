"""Reopening after power cuts, failing writes and mirror trouble."""
import errno
import logging
import os
import subprocess
import sys
import textwrap

import pytest

from evote.ballotbox import read_box, scan_box
from evote.ballotbox.durability import FileSink
from evote.ballotbox.problems import (BoxMismatch, BoxWriteError, FramingError,
                                      MirrorDivergence, TornFrame)
from evote.ballotbox.highwater import mark_path
from test_ballotbox_support import Identity, fill, frames_of, split, unacknowledge, write

SRC = os.path.join(os.path.dirname(__file__), "..", "src")


@pytest.fixture
def ident():
    return Identity(seed=bytes([3] * 32))


def _codes(path, ident):
    return [(r.seq, r.code) for r in read_box(path, authority_key=ident.authority_key,
                                               allow_torn_tail=True) if hasattr(r, "code")]


def test_truncation_at_every_offset_of_the_last_record(tmp_path, ident, caplog):
    path = tmp_path / "b.evb"
    box = ident.open(path)
    fill(box, 3, 0, size=40, close=False)
    box.release()
    unacknowledge(path)  # the power was cut while the last record was being written
    full, mark = path.read_bytes(), open(mark_path(path), "rb").read()
    start, size, _ = frames_of(path)[-1]
    acknowledged = _codes(path, ident)[:-1]
    for cut in range(start + 1, start + size):
        path.write_bytes(full[:cut])
        open(mark_path(path), "wb").write(mark)
        rep = scan_box(path, authority_key=ident.authority_key)
        assert rep.ok and rep.torn_offset == start and rep.n_records == 3, cut
        with pytest.raises(TornFrame) as e:
            list(read_box(path, authority_key=ident.authority_key))
        assert e.value.offset == start and e.value.seq == 3
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="evote.ballotbox"):
            box = ident.open(path)
        assert "incomplete final frame" in caplog.text and len(box.recovery) == 1
        assert os.path.getsize(path) == start
        r = box.cast(box.next_ballot_id(), b"after the cut")
        box.release()
        assert r.seq == 3
        assert _codes(path, ident)[:-1] == acknowledged
    # cutting exactly at a record boundary is indistinguishable from fewer casts:
    path.write_bytes(full[:start])
    assert scan_box(path, authority_key=ident.authority_key).ok


def test_zero_filled_tail_is_torn_but_garbage_is_damage(tmp_path, ident):
    path = tmp_path / "b.evb"
    box = ident.open(path)
    fill(box, 2, 0, close=False)
    box.release()
    good = path.read_bytes()
    for tail in (bytes(5), bytes(4096)):
        path.write_bytes(good + tail)
        rep = scan_box(path, authority_key=ident.authority_key)
        assert rep.ok and rep.torn_offset == len(good)
    path.write_bytes(good + b"\x00\x00garbage" + bytes(100))
    rep = scan_box(path, authority_key=ident.authority_key)
    assert not rep.ok and rep.problems[0].check == "magic" and rep.problems[0].seq == 3
    before = path.read_bytes()
    # reopening: after the last acknowledged record (the high-water mark's) it can only
    # be a write that was never acknowledged: cut, its bytes kept (specs 9)
    box = ident.open(path)
    box.release()
    assert path.read_bytes() == good
    assert (tmp_path / "b.evb.torn-1").read_bytes() == before[len(good):]
    path.write_bytes(good[:-10] + b"\x00\x00garbage" + bytes(100))  # into record 2
    before = path.read_bytes()
    with pytest.raises(FramingError):  # an acknowledged record damaged: stop
        ident.open(path)
    assert path.read_bytes() == before  # nothing rewritten


def test_damage_without_mirror_stops_and_rewrites_nothing(tmp_path, ident):
    path = tmp_path / "b.evb"
    box = ident.open(path)
    fill(box, 3, 1, close=False)
    box.release()
    data = bytearray(path.read_bytes())
    start, size, _ = frames_of(path)[2]
    data[start + size - 70] ^= 1  # inside record 2's signature
    path.write_bytes(bytes(data))
    with pytest.raises(FramingError) as e:
        ident.open(path)
    assert (e.value.seq, e.value.kiosk_id, e.value.check) == (2, "kiosk-1", "frame-check")
    assert path.read_bytes() == bytes(data)


class FailingSink(FileSink):
    """A FileSink that fails its n-th append after writing `partial` bytes (like a disk
    filling up), or fails its n-th sync."""

    plan = {}

    def __init__(self, path, **kw):
        super().__init__(path, **kw)
        self.appends = self.syncs = 0

    def append(self, data):
        self.appends += 1
        rule = self.plan.get((os.path.basename(self.path), "append"))
        if rule and self.appends == rule[0]:
            super().append(data[:rule[1]])
            raise OSError(errno.ENOSPC, "No space left on device")
        super().append(data)

    def sync(self):
        self.syncs += 1
        rule = self.plan.get((os.path.basename(self.path), "sync"))
        if rule and self.syncs == rule[0]:
            raise OSError(errno.EIO, "Input/output error")
        super().sync()


@pytest.mark.parametrize("target", ["b.evb", "m.evb"])
def test_full_disk_fails_cleanly_and_loses_nothing(tmp_path, ident, target):
    path, mirror = tmp_path / "b.evb", tmp_path / "m.evb"
    FailingSink.plan = {(target, "append"): (4, 57)}  # OPEN + 2 casts succeed, 3rd fails
    box = ident.open(path, mirror=mirror, sink_factory=FailingSink)
    acked = [box.cast(box.next_ballot_id(), os.urandom(300)) for _ in range(2)]
    bid = box.next_ballot_id()
    with pytest.raises(BoxWriteError, match="nothing acknowledged"):
        box.cast(bid, os.urandom(300))
    assert box.next_ballot_id() == bid and box.n_cast == 2
    for p in (path, mirror):  # both copies readable, exactly the acknowledged records
        rep = scan_box(p, authority_key=ident.authority_key)
        assert rep.ok and rep.torn_offset is None and rep.n_records == 3
    acked.append(box.cast(bid, b"retried after space was freed"))
    box.release()
    FailingSink.plan = {}
    assert [c for _, c in _codes(path, ident)] == [r.code for r in acked]
    assert path.read_bytes() == mirror.read_bytes()


def test_failed_fsync_stops_the_box_until_reopened(tmp_path, ident):
    path = tmp_path / "b.evb"
    FailingSink.plan = {("b.evb", "sync"): (3, None)}
    box = ident.open(path, sink_factory=FailingSink)
    ok = box.cast(box.next_ballot_id(), b"one")
    with pytest.raises(BoxWriteError, match="fsync"):
        box.cast(box.next_ballot_id(), b"two")
    with pytest.raises(BoxWriteError, match="reopen"):
        box.cast(box.next_ballot_id(), b"three")
    box.release()
    FailingSink.plan = {}
    box = ident.open(path)
    assert box.next_seq == 2 and box.chain_head == ok.code
    box.release()


def test_real_file_size_limit_fails_cleanly(tmp_path, ident):
    """RLIMIT_FSIZE makes the kernel refuse writes past a size (EFBIG): a real full disk."""
    script = textwrap.dedent(f"""
        import os, resource, signal, sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_ballotbox_support import Identity
        from evote.ballotbox.problems import BoxWriteError
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
        ident = Identity(seed=bytes([3] * 32))
        box = ident.open({str(tmp_path / "b.evb")!r})
        n = 0
        try:
            while True:
                box.cast(box.next_ballot_id(), os.urandom(3000)); n += 1
        except BoxWriteError as e:
            print(n, e)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=os.path.abspath(SRC)), timeout=60)
    assert out.returncode == 0, out.stderr
    n = int(out.stdout.split()[0])
    assert n >= 4 and "nothing acknowledged" in out.stdout
    rep = scan_box(tmp_path / "b.evb", authority_key=ident.authority_key)
    assert rep.ok and rep.n_cast == n and rep.torn_offset is None


def _pair(tmp_path, ident, n=4, close=False):
    path, mirror = tmp_path / "b.evb", tmp_path / "m.evb"
    box = ident.open(path, mirror=mirror)
    fill(box, n, 1, close=close)
    box.release()
    assert path.read_bytes() == mirror.read_bytes()
    return path, mirror


@pytest.mark.parametrize("damaged,record,delta", [("box", 3, 100), ("mirror", 3, 100),
                                                  ("box", 0, 70), ("mirror", 5, 5)])
def test_damaged_copy_is_restored_from_a_verifying_one(tmp_path, ident, damaged, record, delta):
    path, mirror = _pair(tmp_path, ident)
    good = path.read_bytes()
    victim = path if damaged == "box" else mirror
    data = bytearray(good)
    data[frames_of(path)[record][0] + delta] ^= 2  # OPEN+70: its election hash
    victim.write_bytes(bytes(data))
    box = ident.open(path, mirror=mirror)
    assert any("restored from" in n for n in box.recovery)
    box.cast(box.next_ballot_id(), b"continues")
    box.release()
    assert path.read_bytes() == mirror.read_bytes() and path.read_bytes().startswith(good)
    kept = tmp_path / (victim.name + ".damaged-1")
    assert kept.read_bytes() == bytes(data)  # the evidence is kept


@pytest.mark.parametrize("short", ["box", "mirror"])
def test_copy_that_lost_records_at_a_boundary_is_detected_and_restored(tmp_path, ident, short):
    path, mirror = _pair(tmp_path, ident)
    good = path.read_bytes()
    victim = path if short == "box" else mirror
    victim.write_bytes(good[:frames_of(path)[3][0]])  # 3 of 6 records left: verifies alone
    assert scan_box(victim, authority_key=ident.authority_key).ok
    box = ident.open(path, mirror=mirror)
    # the high-water mark names the loss; without it the longer copy would still win
    assert any("acknowledged-lost" in n and "restored from" in n for n in box.recovery), \
        box.recovery
    box.release()
    assert path.read_bytes() == good and mirror.read_bytes() == good


def test_mirror_one_record_behind_is_a_crash_between_writes(tmp_path, ident):
    path, mirror = _pair(tmp_path, ident)
    unacknowledge(path)  # the crash came before the mark's entry: never acknowledged
    mirror.write_bytes(path.read_bytes()[:frames_of(path)[-1][0] + 9])  # plus a torn start
    box = ident.open(path, mirror=mirror)
    assert any("behind the box by one record" in n for n in box.recovery)
    box.release()
    assert path.read_bytes() == mirror.read_bytes()
    assert not list(tmp_path.glob("*.damaged-*"))


def test_both_copies_damaged_stops_and_rewrites_nothing(tmp_path, ident):
    path, mirror = _pair(tmp_path, ident)
    for p, k in ((path, 2), (mirror, 4)):
        data = bytearray(p.read_bytes())
        data[frames_of(path)[k][0] + 90] ^= 1
        p.write_bytes(bytes(data))
    before = (path.read_bytes(), mirror.read_bytes())
    with pytest.raises(FramingError) as e:
        ident.open(path, mirror=mirror)
    assert e.value.seq == 2
    assert (path.read_bytes(), mirror.read_bytes()) == before


def test_damaged_copy_is_not_restored_from_a_shorter_one(tmp_path, ident):
    path, mirror = _pair(tmp_path, ident)
    frames = split(path)
    write(mirror, frames[:2])  # stale mirror: 2 records
    data = bytearray(path.read_bytes())
    data[frames_of(path)[4][0] + 90] ^= 1  # box damaged at record 4, holds 6
    path.write_bytes(bytes(data))
    # the stale mirror lacks acknowledged records too (the high-water mark says so):
    # both copies are damaged, the box stops with its own first problem
    with pytest.raises(FramingError, match="frame-check"):
        ident.open(path, mirror=mirror)
    assert path.read_bytes() == bytes(data) and len(split(mirror)) == 2
    unacknowledge(path, 4)  # were records 2.. never acknowledged, the rule below decides
    with pytest.raises(MirrorDivergence, match="does not hold all of its records"):
        ident.open(path, mirror=mirror)
    assert path.read_bytes() == bytes(data)


def test_forked_copies_are_detected(tmp_path, ident):
    path, mirror = _pair(tmp_path, ident)
    mark = open(mark_path(path), "rb").read()
    open(mark_path(mirror), "wb").write(mark)
    for p in (path, mirror):  # each copy continued alone: two signed histories
        box = ident.open(p)
        box.cast(box.next_ballot_id(), os.urandom(20))
        box.release()
    before = (path.read_bytes(), mirror.read_bytes())
    # the box's mark names the box's record 6: the mirror's other record 6 is damage
    # that no copy can repair
    with pytest.raises(MirrorDivergence) as e:
        ident.open(path, mirror=mirror)
    assert e.value.check == "mirror-divergence" and "acknowledged-lost at record 6" in str(e.value)
    assert (path.read_bytes(), mirror.read_bytes()) == before
    open(mark_path(path), "wb").write(mark)  # neither record 6 acknowledged: a fork
    with pytest.raises(MirrorDivergence) as e:
        ident.open(path, mirror=mirror)
    assert e.value.check == "mirror-fork" and "record 6" in str(e.value)
    assert (path.read_bytes(), mirror.read_bytes()) == before


@pytest.mark.parametrize("lost", ["box", "mirror"])
def test_missing_copy_is_recreated(tmp_path, ident, lost):
    path, mirror = _pair(tmp_path, ident)
    good = path.read_bytes()
    (path if lost == "box" else mirror).unlink()
    box = ident.open(path, mirror=mirror)
    assert any("missing; created" in n for n in box.recovery)
    box.release()
    assert path.read_bytes() == good == mirror.read_bytes()


def test_a_valid_box_of_another_station_is_never_repaired_into_this_one(tmp_path, ident):
    path, mirror = _pair(tmp_path, ident)
    other = Identity(station="station-8", seed=bytes([3] * 32))
    path.unlink()
    os.unlink(mark_path(path))
    box = other.open(path)
    box.release()
    before = (path.read_bytes(), mirror.read_bytes())
    with pytest.raises(BoxMismatch) as e:
        ident.open(path, mirror=mirror)
    assert e.value.check == "station"
    assert (path.read_bytes(), mirror.read_bytes()) == before


def test_box_whose_creation_was_cut_short_is_created_afresh(tmp_path, ident, caplog):
    path, mirror = tmp_path / "b.evb", tmp_path / "m.evb"
    box = ident.open(path)
    box.release()
    open_frame = path.read_bytes()
    for content in (b"", open_frame[:100]):
        path.write_bytes(content)
        mirror.write_bytes(b"")
        open(mark_path(path), "wb").close()  # the OPEN was never acknowledged
        with caplog.at_level(logging.WARNING, logger="evote.ballotbox"):
            box = ident.open(path, mirror=mirror)
        assert "creation never finished" in caplog.text
        assert box.next_seq == 1 and path.read_bytes() == mirror.read_bytes()
        box.release()
    path.write_bytes(b"garbage, not a torn frame")
    mirror.unlink()
    with pytest.raises(FramingError):
        ident.open(path, mirror=mirror)
    assert path.read_bytes() == b"garbage, not a torn frame"
