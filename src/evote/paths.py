"""File path arguments of the public API, checked before any file is touched."""
import os

from .errors import EvoteTypeError, EvoteValueError


def checked_path(value, what: str) -> str:
    """`value` (a str, bytes or os.PathLike) as a str path (bytes through os.fsdecode, as
    os itself reads them).

    Refused with EvoteTypeError: anything else. An int would be taken by os for an open
    file descriptor (and closed after reading), and str() would turn None or a bytes path
    into a file literally named 'None' or "b'...'". Refused with EvoteValueError: a NUL
    character, which os refuses only with a bare ValueError."""
    try:
        path = os.fspath(value)
    except TypeError:
        path = None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, str):
        raise EvoteTypeError(f"{what}: expected a file path (str, bytes or os.PathLike), got "
                             f"{type(value).__name__}")
    if "\x00" in path:
        raise EvoteValueError(f"{what} {path!r} holds a NUL character")
    return path
