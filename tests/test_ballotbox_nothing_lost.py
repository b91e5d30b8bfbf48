"""Nothing acknowledged is lost (issue 14 items 2, 3, 7; specs/ballot-box.md 8-10):
a cut or zeroed box never reopens writable, a closed box never reopens for writing, a
copy that vanishes mid-day fails the write, record times are bounded by the clock."""
import os
import random
import shutil
import tempfile

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from evote.ballotbox import scan_box
from evote.ballotbox.durability import FileSink
from evote.ballotbox.highwater import ENTRY_LEN, mark_path, read_mark
from evote.ballotbox.problems import BoxDamaged, BoxError, BoxWriteError, CopyVanished
from evote.cli.main import cli
from evote.errors import EvoteValueError
from test_ballotbox_support import Identity, fill, frames_of, unacknowledge

@pytest.fixture
def ident():
    return Identity(seed=bytes([5] * 32))


def _closed_box(tmp_path, ident, mirror=False, n=6):
    path = tmp_path / "b.evb"
    box = ident.open(path, mirror=tmp_path / "m.evb" if mirror else None)
    fill(box, n, 1, size=300, close=True)
    box.release()
    return path


def _files(tmp_path):
    return {p.name: p.read_bytes() for p in sorted(tmp_path.iterdir())}


def _cli(*args):
    return CliRunner().invoke(cli, list(args))


# -- item 3: a cut or zeroed box --------------------------------------------------------

def test_every_frame_boundary_cut_of_a_closed_box_stops_it(tmp_path, ident):
    path = _closed_box(tmp_path, ident)
    full = path.read_bytes()
    for offset, size, rtype in frames_of(path)[1:]:  # cut before record k (CLOSE included)
        path.write_bytes(full[:offset])
        assert scan_box(path, authority_key=ident.authority_key).ok  # valid alone
        before = _files(tmp_path)
        with pytest.raises(BoxDamaged) as e:
            ident.open(path)
        assert e.value.check == "acknowledged-lost" and "CLOSE" in str(e.value)
        assert _files(tmp_path) == before  # nothing cut, nothing written


def test_random_truncations_and_zeroed_tails_never_reopen_writable(tmp_path, ident):
    path = _closed_box(tmp_path, ident, n=10)
    full = path.read_bytes()
    rng = random.Random(14)
    starts = [o for o, _, _ in frames_of(path)]
    cases = [full[:rng.randrange(starts[1], len(full))] for _ in range(40)]
    cases += [full[:o] + bytes(len(full) - o) for o in starts[1:]]  # zeroed from a boundary
    cases += [full[:len(full) - k] + bytes(k) for k in (1, 64, 512, 4096)]
    for data in cases:
        path.write_bytes(data)
        with pytest.raises(BoxError) as e:  # acknowledged-lost, or damage (a zeroed middle)
            ident.open(path)
        assert getattr(e.value, "check", None) in ("acknowledged-lost", "frame-check", "magic")
        assert path.read_bytes() == data
        assert _cli("box", "check", str(path), "--authority-key",
                    ident.authority_key.hex()).exit_code == 1


def test_both_copies_cut_at_the_same_boundary_stop(tmp_path, ident):
    path = _closed_box(tmp_path, ident, mirror=True)
    mirror = tmp_path / "m.evb"
    cut = frames_of(path)[4][0]
    for p in (path, mirror):
        p.write_bytes(p.read_bytes()[:cut])
    with pytest.raises(BoxDamaged, match="acknowledged-lost"):
        ident.open(path, mirror=mirror)


def test_one_cut_copy_is_restored_from_the_other(tmp_path, ident):
    path = _closed_box(tmp_path, ident, mirror=True)
    mirror = tmp_path / "m.evb"
    good = mirror.read_bytes()
    path.write_bytes(good[:frames_of(path)[-1][0]])  # the CLOSE cut off the box only
    box = ident.open(path, mirror=mirror)
    assert box.closed and any("acknowledged-lost" in n for n in box.recovery)
    box.release()
    assert path.read_bytes() == good


def test_bytes_after_a_close_are_damage_never_cut(tmp_path, ident):
    path = _closed_box(tmp_path, ident)
    full = path.read_bytes()
    for tail in (bytes(100), full[:20], b"\xff" * 100, full[:300]):
        path.write_bytes(full + tail)
        with pytest.raises(BoxError, match="after-close|magic|frame-check"):
            ident.open(path)
        assert path.read_bytes() == full + tail


def test_a_closed_box_reopens_closed(tmp_path, ident):
    path = _closed_box(tmp_path, ident)
    box = ident.open(path)
    assert box.closed
    with pytest.raises(BoxError, match="closed"):
        box.cast(box.next_ballot_id(), b"late")
    box.release()


def test_a_torn_final_frame_is_cut_only_when_never_acknowledged(tmp_path, ident):
    path = tmp_path / "b.evb"
    box = ident.open(path)
    fill(box, 3, 0, close=False)
    box.release()
    full = path.read_bytes()
    last = frames_of(path)[-1][0]
    path.write_bytes(full[:last + 50])  # the acknowledged record 3 torn: not a power cut
    with pytest.raises(BoxDamaged, match="record 3 .CAST. was acknowledged"):
        ident.open(path)
    mark = mark_path(path)
    data = open(mark, "rb").read()
    open(mark, "wb").write(data[:-ENTRY_LEN] + data[-ENTRY_LEN:][:30])  # entry torn too
    check = _cli("box", "check", str(path), "--authority-key", ident.authority_key.hex())
    assert check.exit_code == 1 and "torn-frame" in check.output  # would have to cut
    box = ident.open(path)  # now a real power cut: the record was never acknowledged
    assert box.next_seq == 3 and len(box.recovery) == 2
    box.release()
    assert read_mark(mark).seq == 2 and read_mark(mark).n_entries == 3


@pytest.mark.parametrize("hole", [0, 512, 1024])  # the header's sector, or the body's
def test_an_unacknowledged_write_with_a_lost_sector_is_cut(tmp_path, ident, hole):
    # Found by the power-cut simulation: a write torn with one sector missing is complete
    # in length (or lacks its header) and failed as damage, stopping the box.
    path = tmp_path / "b.evb"
    box = ident.open(path)
    fill(box, 2, 0, close=False)
    box.cast(box.next_ballot_id(), os.urandom(1500))
    box.release()
    last = frames_of(path)[-1][0]
    data = bytearray(path.read_bytes())
    start = (last // 512 + 1) * 512 + hole if hole else last
    data[start:start + 512] = bytes(512)
    path.write_bytes(bytes(data))
    with pytest.raises(BoxError, match="frame-check|magic"):  # it was acknowledged
        ident.open(path)
    assert path.read_bytes() == bytes(data)
    unacknowledge(path)  # a power cut before the mark's entry: never acknowledged
    box = ident.open(path)
    assert box.next_seq == 3 and "cut a damaged final write" in box.recovery[0]
    box.release()
    assert (tmp_path / "b.evb.torn-1").read_bytes() == bytes(data[last:])
    assert len(path.read_bytes()) == last


def test_a_damaged_write_longer_than_a_frame_is_not_cut(tmp_path, ident):
    path = tmp_path / "b.evb"
    box = ident.open(path)
    fill(box, 2, 0, close=False)
    box.release()
    unacknowledge(path)
    data = path.read_bytes()
    last = frames_of(path)[-1][0]
    path.write_bytes(data[:last] + b"\xff" * (17 << 20))  # more than any one write
    with pytest.raises(BoxError, match="magic"):
        ident.open(path)


def test_missing_mark_and_missing_box_stop(tmp_path, ident):
    path = _closed_box(tmp_path, ident)
    os.rename(mark_path(path), str(path) + ".kept")
    with pytest.raises(BoxDamaged, match="high-water-missing"):
        ident.open(path)
    os.rename(str(path) + ".kept", mark_path(path))
    path.unlink()  # the box gone without a mirror: never "created afresh"
    with pytest.raises(BoxDamaged, match="box-missing"):
        ident.open(path)
    assert not path.exists()


def test_box_check_reads_the_mark(tmp_path, ident):
    path = _closed_box(tmp_path, ident)
    auth = ident.authority_key.hex()
    ok = _cli("box", "check", str(path), "--authority-key", auth)
    assert ok.exit_code == 0 and "high water record 8 (CLOSE)" in ok.output
    path.write_bytes(path.read_bytes()[:frames_of(path)[-1][0]])
    bad = _cli("box", "check", str(path), "--authority-key", auth)
    assert bad.exit_code == 1 and "acknowledged-lost" in bad.output


# -- item 2: a copy that vanishes ----------------------------------------------------------

@pytest.mark.parametrize("how", ["rmtree", "unlink", "replace"])
def test_a_vanished_mirror_fails_the_cast(tmp_path, ident, how):
    path, media = tmp_path / "b.evb", tmp_path / "usb"
    media.mkdir()
    mirror = media / "m.evb"
    box = ident.open(path, mirror=mirror)
    acked = box.cast(box.next_ballot_id(), b"one")
    before = path.read_bytes()
    if how == "rmtree":
        shutil.rmtree(media)
    elif how == "unlink":
        mirror.unlink()
    else:
        os.rename(mirror, media / "old")
        shutil.copy(media / "old", mirror)
    with pytest.raises(CopyVanished, match="m.evb is no longer the file at its path"):
        box.cast(box.next_ballot_id(), b"two")
    assert path.read_bytes() == before  # cut back: nothing acknowledged
    with pytest.raises(BoxWriteError, match="reopen"):
        box.cast(box.next_ballot_id(), b"two")
    box.release()
    if how == "rmtree":
        with pytest.raises(BoxError, match="m.evb: missing, and it cannot be created"):
            ident.open(path, mirror=mirror)  # was a raw FileNotFoundError
        media.mkdir()
    box = ident.open(path, mirror=mirror)
    assert box.chain_head == acked.code
    box.release()
    assert path.read_bytes() == mirror.read_bytes() == before


def test_a_vanished_mark_fails_the_cast(tmp_path, ident):
    path = tmp_path / "b.evb"
    box = ident.open(path)
    box.cast(box.next_ballot_id(), b"one")
    before = path.read_bytes()
    os.unlink(mark_path(path))
    with pytest.raises(BoxWriteError, match="high-water mark .* no longer the file"):
        box.cast(box.next_ballot_id(), b"two")
    assert path.read_bytes() == before
    box.release()


def test_a_failing_mark_write_acknowledges_nothing(tmp_path, ident):
    class MarkFails(FileSink):
        def sync(self):
            if self.path.endswith(".hwm") and os.path.getsize(self.path) > 2 * ENTRY_LEN:
                raise OSError(5, "Input/output error")
            super().sync()
    path = tmp_path / "b.evb"
    box = ident.open(path, sink_factory=MarkFails)
    box.cast(box.next_ballot_id(), b"one")
    before = path.read_bytes()
    with pytest.raises(BoxWriteError, match="high-water mark .* write failed"):
        box.cast(box.next_ballot_id(), b"two")
    box.release()
    assert path.read_bytes() == before and read_mark(mark_path(path)).seq == 1


# -- item 7: times bounded by the clock ---------------------------------------------------

def test_record_times_far_ahead_of_the_clock_are_refused(tmp_path, ident):
    box = ident.open(tmp_path / "b.evb")
    with pytest.raises(EvoteValueError, match="ahead of this machine's clock"):
        box.close_at_time(2**64 - 1)
    assert not box.closed
    box.close()  # the clock still works afterwards
    box.release()


# -- property: no cut or zeroing of acknowledged bytes ever reopens -------------------------

@pytest.fixture(scope="module")
def acked_box(tmp_path_factory):
    """A closed box (every record acknowledged) and its mark, as bytes."""
    d = tmp_path_factory.mktemp("acked")
    ident = Identity(seed=bytes([6] * 32))
    box = ident.open(d / "b.evb")
    fill(box, 8, 2, size=200, close=True)
    box.release()
    return ident, (d / "b.evb").read_bytes(), open(mark_path(d / "b.evb"), "rb").read()


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_cut_or_zeroing_of_acknowledged_bytes_stops_the_box(acked_box, data):
    ident, full, mark = acked_box
    cut = data.draw(st.integers(1, len(full)), label="cut")
    if data.draw(st.booleans(), label="zero instead of cut"):
        start = data.draw(st.integers(0, cut - 1), label="zero from")
        damaged = full[:start] + bytes(cut - start) + full[cut:]
    else:
        damaged = full[:cut - 1]
    assume(damaged != full)  # zeroing bytes that are zero changes nothing
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "b.evb")
        open(path, "wb").write(damaged)
        open(mark_path(path), "wb").write(mark)
        with pytest.raises(BoxError):
            ident.open(path)
        assert open(path, "rb").read() == damaged  # nothing cut, nothing written
