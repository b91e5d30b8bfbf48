"""Simulated storage that loses power (specs/ballot-box.md section 11). No tests here.

SimDisk is a sink factory for the ballot box (`open_box(..., sink_factory=disk)`), with
the box's directory operations (`disk.unlink`, `disk.sync_directory`). It writes through
to real files, so everything the box reads (the page cache's view) is on disk as usual,
and keeps beside them, per file, what is *durable*: the bytes as of the last fsync, and
per directory the names as of its last fsync. `disk.arm(n)` makes the n-th following
storage operation the last before the power fails: it raises PowerCut (a BaseException,
so no handler of the box can swallow it) and every later operation raises it again
(nothing runs on a dead machine). `disk.crash()` then decides what the disk holds when
the power returns and rewrites the real files to exactly that:

- of each file's operations since its last fsync, a random prefix survives whole (writes
  reached the disk in order up to there), and of the later writes a random subset of
  their 512-byte sectors (the last write torn at sector granularity; unsynced writes
  reordered). The size is the prefix's, or reaches the furthest surviving sector, or
  (metadata ahead of data) the end of every write; a sector below the size that did not
  survive reads as zeros;
- of each directory's creations and removals since its last fsync, a random subset
  survives, in order: a new file may vanish, a removed one may come back (with its
  durable bytes).

Not modelled: a sector holding garbage rather than zeros after a cut, a drive that lies
about fsync, renames (the box does not rename).

run_powercuts() is the loop shared by tests/test_ballotbox_powercut.py and
benchmarks/bench_powercut.py: kiosks casting, challenging and closing with power cuts at
random operations (also inside creation, recovery and close), each reopen checked for
every acknowledged record.
"""
import os
import random
import time

from evote.ballotbox.durability import same_file
from evote.ballotbox.framing import RecordType, iter_frames
from evote.ballotbox.problems import BoxLocked
from evote.errors import BoxError

SECTOR = 512


class PowerCut(BaseException):
    """The simulated power failed."""


class _File:
    def __init__(self, durable=b""):
        self.durable = bytearray(durable)  # what survives a cut for sure
        self.view = bytearray(durable)     # what reads see (the page cache)
        self.pending = []                  # since the last fsync: ("w", off, data) | ("t", n)


def _apply(content: bytearray, op) -> None:
    if op[0] == "t":
        del content[op[1]:]
    else:
        _, off, data = op
        if len(content) < off:
            content.extend(bytes(off - len(content)))
        content[off:off + len(data)] = data


class SimDisk:
    """The storage of one simulated machine (see the module docstring)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names = {}       # path -> _File: the names reads see
        self.durable = {}     # path -> _File: the names as of each directory's last fsync
        self.pending = {}     # directory -> [("create" | "unlink", path, _File)]
        self.locked = set()
        self.sinks = []
        self.countdown = None
        self.dead = False
        self.ops = 0

    # -- power -----------------------------------------------------------------------

    def arm(self, n: int) -> None:
        self.countdown = n

    def disarm(self) -> None:
        self.countdown = None

    def tick(self) -> None:
        if self.dead:
            raise PowerCut()
        self.ops += 1
        if self.countdown is not None:
            self.countdown -= 1
            if self.countdown <= 0:
                self.countdown, self.dead = None, True
                raise PowerCut()

    def crash(self) -> None:
        """The power returns: the disk holds what survived (module docstring)."""
        rng = self.rng
        for s in self.sinks:
            s.close()
        self.sinks, self.locked = [], set()
        for ops in self.pending.values():
            for kind, path, f in ops:
                if rng.random() < 0.5:
                    if kind == "create":
                        self.durable[path] = f
                    else:
                        self.durable.pop(path, None)
        self.pending = {}
        # In path order, never set order (which follows memory addresses): a seed must
        # replay the same run.
        files = {}
        for path in sorted(set(self.durable) | set(self.names)):
            for f in (self.durable.get(path), self.names.get(path)):
                if f is not None:
                    files.setdefault(id(f), f)
        for f in files.values():
            f.durable = self._survivor(f)
            f.view, f.pending = bytearray(f.durable), []
        for path in set(self.names) | set(self.durable):
            if path in self.durable:
                with open(path, "wb") as out:
                    out.write(self.durable[path].durable)
            elif os.path.lexists(path):
                os.unlink(path)
        self.names = dict(self.durable)
        self.dead = False

    def _survivor(self, f: _File) -> bytearray:
        rng = self.rng
        ops = f.pending
        cut = rng.randint(0, len(ops))
        content = bytearray(f.durable)
        for op in ops[:cut]:
            _apply(content, op)
        sectors, extent = [], len(content)
        for op in ops[cut:]:
            if op[0] != "w":
                continue
            _, off, data = op
            extent = max(extent, off + len(data))
            pos = off
            while pos < off + len(data):
                end = min((pos // SECTOR + 1) * SECTOR, off + len(data))
                if rng.random() < 0.5:
                    sectors.append((pos, data[pos - off:end - off]))
                pos = end
        size = len(content)
        choice = rng.random()
        if sectors and choice < 0.6:
            size = max(size, max(p + len(b) for p, b in sectors))
        elif choice < 0.75:
            size = extent  # the size reached the disk before (some of) the data
        if size > len(content):
            content.extend(bytes(size - len(content)))
        for pos, b in sectors:
            if pos < size:
                content[pos:pos + len(b)] = b[:size - pos]
        del content[size:]
        return content

    # -- the box's sink factory and directory operations -----------------------------------

    def __call__(self, path, *, create: bool, durable: bool = True):
        return SimSink(self, os.path.abspath(path), create=create, durable=durable)

    def unlink(self, path) -> None:
        path = os.path.abspath(path)
        self.tick()
        os.unlink(path)  # raises FileNotFoundError as the real one does
        f = self.names.pop(path)
        self.pending.setdefault(os.path.dirname(path), []).append(("unlink", path, f))

    def sync_directory(self, path) -> None:
        path = os.path.abspath(path or ".")
        self.tick()
        for kind, name, f in self.pending.pop(path, []):
            if kind == "create":
                self.durable[name] = f
            else:
                self.durable.pop(name, None)

    def adopt(self, path) -> _File:
        """A file made outside the simulation (a test's own bytes) counts as durable."""
        data = open(path, "rb").read()
        f = _File(data)
        self.names[path] = self.durable[path] = f
        return f


class SimSink:
    """A box sink on a SimDisk: FileSink's operations, each one a step the power may
    fail at. Writes reach the real file at once (the page cache); sync makes them durable."""

    def __init__(self, disk: SimDisk, path: str, *, create: bool, durable: bool):
        self.disk, self.path, self.durable = disk, path, durable
        disk.tick()
        if path in disk.locked:
            raise BoxLocked(f"box {path} is open for writing in another process")
        flags = os.O_RDWR | os.O_APPEND | (os.O_CREAT | os.O_EXCL if create else 0)
        self._fd = os.open(path, flags, 0o644)
        if create:
            self.file = _File()
            disk.names[path] = self.file
            disk.pending.setdefault(os.path.dirname(path), []).append(("create", path, self.file))
        else:
            self.file = disk.names.get(path) or disk.adopt(path)
        disk.locked.add(path)
        disk.sinks.append(self)
        if create and durable:
            self.sync()
            disk.sync_directory(os.path.dirname(path))

    def size(self) -> int:
        return len(self.file.view)

    def append(self, data) -> None:
        data = bytes(data)
        f = self.file
        if self.disk.dead:
            raise PowerCut()
        os.write(self._fd, data)
        f.pending.append(("w", len(f.view), data))
        f.view.extend(data)
        self.disk.tick()  # the power may fail with the write in flight: torn

    def sync(self) -> None:
        self.disk.tick()
        if self.durable:
            self.file.durable = bytearray(self.file.view)
            self.file.pending = []

    def truncate(self, size: int) -> None:
        if self.disk.dead:
            raise PowerCut()
        os.ftruncate(self._fd, size)
        self.file.pending.append(("t", size))
        del self.file.view[size:]
        self.disk.tick()
        if self.durable:
            self.sync()

    def still_at_path(self) -> bool:
        return same_file(self._fd, self.path)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
            self.disk.locked.discard(self.path)


# -- the power-cut loop -------------------------------------------------------------------

class Tally:
    """What a run counted; `lost` and `stopped` must stay 0."""

    def __init__(self):
        self.cuts = self.acknowledged = self.lost = self.stopped = self.boxes = 0
        self.reopens = self.operations = 0
        self.failures = []

    def line(self) -> str:
        return (f"{self.cuts} simulated power cuts, {self.boxes} boxes, {self.reopens} "
                f"reopens, {self.operations} storage operations, {self.acknowledged} "
                f"acknowledged records, {self.lost} records lost, {self.stopped} boxes "
                "stopped after power cuts alone")


def _check_survivors(paths, acked, closed, tally, where):
    """Every acknowledged record (and an acknowledged CLOSE) is in every copy. Called
    right after the box reopened, which verified every record and signature: here only
    the frames' confirmation codes are compared (bytes [96, 128) of a ballot's frame)."""
    for p in paths:
        stored, is_closed = {}, False
        with open(p, "rb") as f:
            for fr in iter_frames(f):
                if fr.rtype in (RecordType.CAST, RecordType.SPOIL):
                    stored[fr.seq] = fr.body[32:64]
                is_closed = is_closed or fr.rtype is RecordType.CLOSE
        missing = [s for s, code in acked.items() if stored.get(s) != code]
        if missing or (closed and not is_closed):
            tally.lost += len(missing) + (closed and not is_closed)
            tally.failures.append(f"{where}: {p} lost records {missing[:5]}"
                                  + (" and its CLOSE" if closed and not is_closed else ""))


def one_box(disk, ident, root, rng, tally, *, mirror: bool, max_records: int, max_gap: int,
            durable: bool = True):
    """One kiosk's day on `disk`, the power cut every 1..max_gap operations, until the box
    is closed (or stops, which counts as a failure)."""
    n = tally.boxes
    tally.boxes += 1
    path = os.path.join(root, f"k{n}.evb")
    mpath = None
    if mirror:
        os.makedirs(os.path.join(root, f"usb{n}"))
        mpath = os.path.join(root, f"usb{n}", f"k{n}.evb")
    copies = [path] + ([mpath] if mpath else [])
    acked, closed = {}, False
    while True:
        disk.arm(rng.randint(1, max_gap))
        box = None
        try:
            box = ident.open(path, mirror=mpath, sink_factory=disk, durable=durable)
            tally.reopens += 1
            _check_survivors(copies, acked, closed, tally, f"box {n} reopen")
            if closed and not box.closed:
                tally.lost += 1
            while not box.closed:
                bid = box.next_ballot_id()
                payload = rng.randbytes(rng.randint(1, 1500))
                pick = rng.random()
                if box.next_seq >= max_records or pick < 0.04:
                    box.close()
                    closed = True
                elif pick < 0.14:
                    spoiled = box.challenge(bid, payload)
                    acked[spoiled.seq] = spoiled.code
                else:
                    receipt = box.cast(bid, payload)
                    acked[receipt.seq] = receipt.code
            disk.disarm()
            box.release()
            _check_survivors(copies, acked, closed, tally, f"box {n} end")
            tally.acknowledged += len(acked) + 1  # the ballots and the CLOSE
            return
        except PowerCut:
            disk.crash()
            tally.cuts += 1
        except BoxError as exc:  # nothing but power cuts happened: a stop is a failure
            disk.disarm()
            if box is not None:
                box.release()
            tally.stopped += 1
            tally.acknowledged += len(acked) + closed
            tally.failures.append(f"box {n} stopped: {exc}")
            return


def run_powercuts(root, *, seconds=None, boxes=None, cuts=None, seed=None, max_records=12,
                  max_gap=40, durable=True):
    """Simulate kiosk days under power cuts until `seconds` have passed, `boxes` boxes
    were closed or `cuts` cuts were made, whichever comes first; return a Tally.
    durable=False (a box that never fsyncs) must lose records: the loop's own check."""
    rng = random.Random(seed)
    tally = Tally()
    from test_ballotbox_support import Identity  # the tests' identities
    ident = Identity(seed=bytes([7] * 32))
    deadline = None if seconds is None else time.monotonic() + seconds
    while (boxes is None or tally.boxes < boxes) and (cuts is None or tally.cuts < cuts) \
            and (deadline is None or time.monotonic() < deadline):
        disk = SimDisk(rng)  # one machine per kiosk day
        one_box(disk, ident, root, rng, tally, mirror=rng.random() < 0.5,
                max_records=max_records, max_gap=max_gap, durable=durable)
        tally.operations += disk.ops
    return tally
