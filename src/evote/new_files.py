"""The one writer of every file evote writes (specs/election.md section 2): the role
steps (evote.election.files re-exports it with the readers), the record writer, the
guardian store's neighbours. It sits at the bottom layer so every layer can use it.

    write_new_file(path, data, what=..., inputs=(), replace=False, secret=False)
    write_new_json(path, obj, what=..., inputs=(), replace=False, secret=False)
    copy_new_file(source, dest, what=...)       # a box into a record, streamed
    read_regular_file(path, what, limit)        # the one checked reader's bottom half

Invariants of a read: a regular file only, opened non-blocking and its type checked on
the open file (a FIFO, device or directory, or a link to one, is refused without waiting
or reading), at most `limit` bytes; StepFileError naming the file otherwise.

Invariants of a write:
- the file appears whole or not at all: the bytes go to a new temporary file in the same
  directory (O_EXCL | O_NOFOLLOW, mode 0600 when secret), are fsynced, and are then put in
  place with link() (no replace: fails if the name exists, atomically) or rename()
  (replace=True); the directory is fsynced after;
- an existing path is never replaced unless replace=True, and never when it holds
  secrets (a file in evote's secret formats) or is a symlink (never followed);
- a path that is one of the step's inputs is refused (same file, by device and inode,
  or the same name), so a slip in the argument order cannot destroy an input;
- every failure is an EvoteError naming the file and the reason; nothing is left behind.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile

from .canonical_json import canonical_json_bytes
from .errors import EvoteError
from .fsync import fsync_directory
from .paths import checked_path

_COPY_CHUNK = 1 << 20
# Formats whose files hold secrets: such a file is never replaced, even when asked.
SECRET_FORMATS = (b'"evote-signing-key"', b'"evote/guardian-store/v1"',
                  b'"evote/guardian-store/v2"')


class StepFileError(EvoteError):
    """A step could not read or write one of its files (the message names it)."""


def _same_file(a: str, b: str) -> bool:
    if os.path.abspath(a) == os.path.abspath(b):
        return True
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _holds_secrets(path: str) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        head = os.read(fd, 4096)
    finally:
        os.close(fd)
    return any(tag in head for tag in SECRET_FORMATS)


def check_output(path, what: str, *, inputs=(), replace: bool = False) -> str:
    """The checked output path: refused if it is an input, a symlink, a directory, or an
    existing file (unless replace, and never a file holding secrets)."""
    path = checked_path(path, what)
    for inp in inputs:
        if inp is not None and _same_file(path, checked_path(inp, "input")):
            raise StepFileError(f"{what} {path}: is also an input of this step; "
                                "choose another output file")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise StepFileError(f"{what} {path}: cannot be checked ({exc.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise StepFileError(f"{what} {path}: is a symbolic link; evote never writes through "
                            "one (give the real path)")
    if not stat.S_ISREG(st.st_mode):
        raise StepFileError(f"{what} {path}: exists and is not a regular file")
    if not replace:
        raise StepFileError(f"{what} {path}: already exists; evote never replaces a file "
                            "(choose another name, or move the old file away first)")
    if _holds_secrets(path):
        raise StepFileError(f"{what} {path}: holds secrets (a key or guardian file) and is "
                            "never replaced")
    return path


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _place(tmp: str, path: str, replace: bool, what: str) -> None:
    if replace:
        os.rename(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic and never replaces: EEXIST if the name appeared
    except FileExistsError:
        raise StepFileError(f"{what} {path}: appeared while it was being written; "
                            "not replaced") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        # A file system without hard links (FAT on a USB stick): O_EXCL then rename; the
        # window between the check and the rename is the only difference.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
        os.close(fd)
        os.rename(tmp, path)
        return
    os.unlink(tmp)


def _write_stream(path: str, chunks, what: str, *, replace: bool, secret: bool) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise StepFileError(f"{what} {path}: the directory {directory} does not exist")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".evote-", suffix=".part", dir=directory)
        try:
            os.fchmod(fd, 0o600 if secret else 0o644)
            for chunk in chunks:
                _write_all(fd, chunk)
            os.fsync(fd)
        finally:
            os.close(fd)
        _place(tmp, path, replace, what)
        tmp = None
        fsync_directory(directory)
    except OSError as exc:
        raise StepFileError(f"{what} {path}: cannot write ({exc.strerror or exc}); "
                            "nothing was written") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def write_new_file(path, data: bytes, what: str = "output file", *, inputs=(),
                   replace: bool = False, secret: bool = False) -> str:
    """Write `data` to `path` whole or not at all (module docstring); returns the path."""
    if not isinstance(data, (bytes, bytearray)):
        raise StepFileError(f"{what}: data must be bytes")
    path = check_output(path, what, inputs=inputs, replace=replace)
    _write_stream(path, (bytes(data),), what, replace=replace, secret=secret)
    return path


def write_new_json(path, obj, what: str = "output file", **kwargs) -> str:
    """`obj` as canonical JSON (the form every step file is written in)."""
    return write_new_file(path, canonical_json_bytes(obj), what, **kwargs)


def copy_new_file(source, dest, what: str = "copy") -> str:
    """Copy a regular file (a ballot box) to a new file, streamed, whole or not at all."""
    source = checked_path(source, "source")
    dest = check_output(dest, what, inputs=(source,))
    fd = _open_regular(source, what)
    with os.fdopen(fd, "rb") as f:
        _write_stream(dest, iter(lambda: f.read(_COPY_CHUNK), b""), what, replace=False,
                      secret=False)
    return dest


def read_regular_file(path, what: str, limit: int) -> bytes:
    """The one checked reader (the bottom layer's; election/files.read_input wraps it):
    the bytes of a regular file, opened non-blocking (a FIFO, device or directory, or a
    link to one, is refused, never waited on or read without end), at most `limit`
    bytes; StepFileError naming the file otherwise."""
    path = checked_path(path, what)
    fd = _open_regular(path, what)
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise StepFileError(f"{what} {path}: cannot read ({exc.strerror})") from None
    if len(data) > limit:
        raise StepFileError(f"{what} {path}: larger than the {limit} bytes allowed")
    return data


def _open_regular(path: str, what: str) -> int:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise StepFileError(f"{what} {path}: no such file") from None
    except OSError as exc:
        raise StepFileError(f"{what} {path}: cannot open ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise StepFileError(f"{what} {path}: not a regular file")
    return fd
