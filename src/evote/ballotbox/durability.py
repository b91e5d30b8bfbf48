"""Durable append-only files: the only code in the box that writes to disk.

A Sink is an append-only byte sink: append, sync, truncate, size, still_at_path, close.
FileSink is the real one: an O_APPEND descriptor under an exclusive flock (one writer per
box file), fsync after every record when durable=True, and fsync of the directory when
the file is created. The box takes a `sink_factory` so tests can inject a failing one.

Invariant kept by the box on top of this: after any failed append or sync the file is
cut back to the last acknowledged length (or, if even that fails, the box refuses writes
until reopened, and reopening cuts the torn tail). After a failed fsync the page cache can
no longer be trusted (Linux may drop the dirty pages and report success on a retry), so
the box stops accepting writes instead of retrying.
"""
import errno
import fcntl
import os

from ..fsync import fsync_directory
from .problems import BoxLocked


def write_all(fd: int, data) -> None:
    """os.write until every byte is written (short writes are legal for regular files)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(errno.EIO, "write returned 0")
        view = view[n:]


def same_file(fd: int, path) -> bool:
    """Is the file open on `fd` still linked and the file `path` names (same device and
    inode)? False, not an error, when it was removed, replaced, or its medium is gone."""
    try:
        have = os.fstat(fd)
        now = os.stat(path)
    except OSError:
        return False
    return have.st_nlink >= 1 and (have.st_dev, have.st_ino) == (now.st_dev, now.st_ino)


def factory_op(sink_factory, name):
    """The sink factory's directory operation `name` (unlink, sync_directory), or the real
    file system's for a factory that has none."""
    return getattr(sink_factory, name, getattr(FileSink, name))


class FileSink:
    """An append-only box file: O_APPEND, exclusive flock, fsync per record."""

    def __init__(self, path, *, create: bool, durable: bool = True):
        self.path = str(path)
        self.durable = durable
        flags = os.O_RDWR | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        if create:
            flags |= os.O_CREAT | os.O_EXCL
        self._fd = os.open(self.path, flags, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise BoxLocked(f"box {self.path} is open for writing in another process") from None
        if create and durable:
            os.fsync(self._fd)
            fsync_directory(os.path.dirname(os.path.abspath(self.path)))

    def size(self) -> int:
        return os.fstat(self._fd).st_size

    def append(self, data) -> None:
        write_all(self._fd, data)

    def sync(self) -> None:
        if self.durable:
            os.fsync(self._fd)

    def truncate(self, size: int) -> None:
        os.ftruncate(self._fd, size)
        if self.durable:
            os.fsync(self._fd)

    def replace_contents(self, data) -> None:
        """Make the file hold exactly `data` (used to restore from a verified copy)."""
        os.ftruncate(self._fd, 0)
        write_all(self._fd, data)
        os.fsync(self._fd)

    def still_at_path(self) -> bool:
        """Is the open file still the one at self.path (linked, same device and inode)?"""
        return same_file(self._fd, self.path)

    # The box's directory operations go through its sink factory too, so a simulated
    # storage layer (tests/powercut_storage.py) sees every one of them.
    @staticmethod
    def unlink(path) -> None:
        os.unlink(path)

    @staticmethod
    def sync_directory(path) -> None:
        fsync_directory(path)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing releases the flock
            self._fd = -1


def preserve_copy(path, data: bytes, label: str) -> str:
    """Keep the bytes of a damaged copy as evidence next to it before it is restored:
    `<path>.<label>-<n>` for the first free n, written and fsynced. Returns the name."""
    n = 1
    while True:
        target = f"{path}.{label}-{n}"
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            n += 1
            continue
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_directory(os.path.dirname(os.path.abspath(target)))
        return target
