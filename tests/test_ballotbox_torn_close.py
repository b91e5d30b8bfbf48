"""A CLOSE torn by a power cut before it was acknowledged (issue 14 item 4 regression;
specs/ballot-box.md section 9).

Found by the power-cut loop (seed 1144741555, and about one run in three of 2000 cuts):
the power failed while `close()` was writing, so the CLOSE frame reached the disk with a
512-byte sector missing (zeros: complete in length, failing its frame check) and the
high-water mark still named the record before it. The scan calls such a copy "closed",
and recovery refused to cut anything after a CLOSE, so the box stopped (alone:
frame-check; with a mirror that never got the CLOSE: mirror-divergence). A damaged CLOSE
is not a CLOSE: only a *verified* one closes the box.
"""
import os

import pytest

from evote.ballotbox.framing import RecordType
from evote.ballotbox.highwater import mark_path, read_mark
from evote.ballotbox.problems import BoxError
from test_ballotbox_support import Identity, fill, frames_of, unacknowledge

SECTOR = 512


@pytest.fixture
def ident():
    return Identity(seed=bytes([9] * 32))


def _box_with_close_across_a_sector(tmp_path, ident, mirror):
    """A box (and mirror) of casts then a CLOSE whose frame crosses a 512-byte boundary
    after its header, so a lost sector leaves the frame complete in length but damaged.
    Returns (box path, mirror path or None, offset of the CLOSE frame, boundary)."""
    for size in range(100, 1400, 37):
        d = tmp_path / f"s{size}"
        d.mkdir()
        path, mpath = d / "b.evb", (d / "m.evb" if mirror else None)
        box = ident.open(path, mirror=mpath)
        fill(box, 3, 0, size=size, close=True)
        box.release()
        off, n, rtype = frames_of(path)[-1]
        assert rtype is RecordType.CLOSE
        boundary = (off // SECTOR + 1) * SECTOR
        if off + 40 <= boundary < off + n:  # header (16 bytes) intact, body cut
            return path, mpath, off, boundary
    raise AssertionError("no payload size puts a sector boundary inside the CLOSE")


def _lose_the_sector(path, boundary):
    """The power cut: the CLOSE frame's last sector never reached the disk (zeros)."""
    data = bytearray(path.read_bytes())
    data[boundary:boundary + SECTOR] = bytes(len(data[boundary:boundary + SECTOR]))
    path.write_bytes(bytes(data))
    return bytes(data)


def _close_never_acknowledged(path, mpath, close_off):
    """The mark lacks the CLOSE's entry (the cut came before it); the mirror, when there
    is one, never got the CLOSE (the box writes it first)."""
    unacknowledge(path)
    if mpath is not None:
        mpath.write_bytes(mpath.read_bytes()[:close_off])


@pytest.mark.parametrize("mirror", [False, True])
def test_an_unacknowledged_torn_close_is_cut_and_the_box_closes_again(tmp_path, ident, mirror):
    path, mpath, off, boundary = _box_with_close_across_a_sector(tmp_path, ident, mirror)
    _close_never_acknowledged(path, mpath, off)
    damaged = _lose_the_sector(path, boundary)
    # Before the fix: BoxError frame-check (alone) or mirror-divergence (with a mirror).
    box = ident.open(path, mirror=mpath)
    assert not box.closed and box.next_seq == 4  # OPEN + 3 casts; the CLOSE is gone
    assert any("cut a damaged final write" in note for note in box.recovery)
    assert path.with_name("b.evb.torn-1").read_bytes() == damaged[off:]  # kept as evidence
    assert len(path.read_bytes()) == off
    box.close()  # the kiosk closes again: a new, acknowledged CLOSE
    box.release()
    box = ident.open(path, mirror=mpath)
    assert box.closed and box.recovery == ()
    box.release()
    assert read_mark(mark_path(path)).rtype is RecordType.CLOSE
    if mpath is not None:
        assert mpath.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("mirror", [False, True])
def test_an_acknowledged_torn_close_still_stops_the_box(tmp_path, ident, mirror):
    # The mark names the CLOSE: it was acknowledged, so its damage is never cut (the box
    # stops, or is restored from a mirror that holds it), and a closed box never reopens.
    path, mpath, off, boundary = _box_with_close_across_a_sector(tmp_path, ident, mirror)
    damaged = _lose_the_sector(path, boundary)
    if mpath is None:
        with pytest.raises(BoxError, match="frame-check|acknowledged-lost"):
            ident.open(path)
        assert path.read_bytes() == damaged  # nothing rewritten
        assert not path.with_name("b.evb.torn-1").exists()
        return
    box = ident.open(path, mirror=mpath)  # the mirror holds the CLOSE: restored from it
    assert box.closed
    box.release()
    assert path.read_bytes() == mpath.read_bytes()


def test_a_torn_frame_after_a_verified_close_is_still_damage(tmp_path, ident):
    # The rule the fix keeps: after a verified CLOSE nothing is torn, even when the mark
    # (wrongly) names the record before it.
    path, _, off, _ = _box_with_close_across_a_sector(tmp_path, ident, False)
    full = path.read_bytes()
    unacknowledge(path)
    extra = full[off:off + 40] + bytes(len(full) - off - 40)  # a damaged copy of the CLOSE
    path.write_bytes(full + extra)
    with pytest.raises(BoxError, match="after-close|frame-check"):
        ident.open(path)
    assert path.read_bytes() == full + extra
    assert not os.path.exists(str(path) + ".torn-1")
