"""Canonical JSON for the record's small objects, and a loader that never trusts its input.

Canonical form (specs/record.md section 3): UTF-8, object keys sorted by code point, no
insignificant whitespace, integers in plain decimal, no floats, no NaN/Infinity, no
duplicate keys, no trailing newline. One value has exactly one canonical byte string, so
a file's hash is a hash of its meaning.

load_json_file(path, what) reads a bounded amount, parses, and raises RecordError naming
the file and what is wrong (size, encoding, syntax, duplicate key, nesting depth, a lone
surrogate escape), never any other exception.
"""
import json
import os
import re

from ..canonical_json import canonical_json_bytes
from ..errors import RecordError

MAX_JSON_BYTES = 512 * 1024 * 1024   # a record's JSON files are small; this is a safety cap


canonical_bytes = canonical_json_bytes  # the shared canonical form (evote.canonical_json)


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _no_constant(name):
    raise ValueError(f"{name} is not allowed")


def _no_float(text):
    raise ValueError(f"number {text} is not an integer")


# A \uXXXX escape of a UTF-16 surrogate: the only way JSON text that is valid UTF-8 can
# decode to a Python str that is not Unicode text (a lone surrogate cannot be encoded).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _lone_surrogate_at(value):
    """JSON path of the first string (object key or value) holding a lone surrogate,
    or None. Iterative: the value may be nested as deeply as json allows."""
    stack = [(value, "$")]
    while stack:
        v, where = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return where
        elif isinstance(v, dict):
            for k in reversed(list(v)):
                try:
                    k.encode("utf-8")
                except UnicodeEncodeError:
                    return f"{where} (a key)"
                stack.append((v[k], f"{where}.{k}"))
        elif isinstance(v, list):
            stack.extend((v[i], f"{where}[{i}]") for i in reversed(range(len(v))))
    return None


def parse_json_bytes(data: bytes, what: str):
    """Parse JSON bytes strictly; RecordError naming `what` on any problem. Every string
    of the result is Unicode text (encodes to UTF-8), so it can be printed and hashed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{what}: not UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant,
                           parse_float=_no_float)
    except RecursionError:
        raise RecordError(f"{what}: JSON nested too deeply") from None
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise RecordError(f"{what}: not valid JSON: {exc}") from None
    where = _lone_surrogate_at(value) if _SURROGATE_ESCAPE.search(text) else None
    if where is not None:
        raise RecordError(f"{what} {where}: a \\u escape of a lone UTF-16 surrogate "
                          "(not Unicode text)")
    return value


NOT_CANONICAL = "not in canonical form (specs/record.md 3.0)"


def is_canonical(value, raw: bytes) -> bool:
    """Whether `raw`, which parsed to `value`, is that value's one canonical byte string
    (record.md 3.0: every JSON file of the record but results/results.json must be)."""
    return raw == canonical_bytes(value)


def read_file_bounded(path: str, what: str, limit: int = MAX_JSON_BYTES) -> bytes:
    """A regular file's bytes (never following a symlink), at most `limit` bytes."""
    import errno
    import stat
    # The type is checked on the open file, not on the path before opening it: a FIFO put
    # in its place between the two would block the open for ever.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise RecordError(f"{what}: missing") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:     # a symbolic link, never followed
            raise RecordError(f"{what}: not a regular file") from None
        raise RecordError(f"{what}: cannot be read: {exc.strerror}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):   # checked before fdopen, which refuses a directory
        os.close(fd)
        raise RecordError(f"{what}: not a regular file")
    with os.fdopen(fd, "rb") as f:
        if st.st_size > limit:
            raise RecordError(f"{what}: {st.st_size} bytes, more than the {limit} allowed")
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise RecordError(f"{what}: cannot be read: {exc.strerror}") from None
    if len(data) > limit:
        raise RecordError(f"{what}: more than the {limit} bytes allowed")
    return data


def load_json_file(path: str, what: str):
    """(parsed value, raw bytes) of a JSON file; RecordError naming `what` on any problem."""
    data = read_file_bounded(path, what)
    return parse_json_bytes(data, what), data


def write_bytes(path: str, data: bytes) -> None:
    """Write a new record file (parents created): whole or not at all, fsynced with its
    directory, never replacing a file (evote.new_files.write_new_file; RecordError)."""
    from ..new_files import StepFileError, write_new_file
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        write_new_file(path, data, "record file")
    except StepFileError as exc:
        raise RecordError(str(exc)) from None
    except OSError as exc:
        raise RecordError(f"record file {path}: cannot create its directory "
                          f"({exc.strerror})") from None
