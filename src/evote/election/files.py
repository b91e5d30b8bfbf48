"""The one writer and the one reader of every file a step of a role writes or reads
(specs/election.md section 2).

    write_new_file(path, data, what=..., inputs=(), replace=False, secret=False)
    write_new_json(path, obj, what=..., inputs=(), replace=False, secret=False)
    copy_new_file(source, dest, what=...)       # a box into a record, streamed
    read_input(path, what, limit=MAX_INPUT)     # bytes of a regular file
    read_json_input(path, what, limit=...)      # strict JSON (record/jsonio rules)

The writer lives in evote.new_files (the bottom layer: the record writer uses it too);
its invariants are stated there.
"""

from ..new_files import (SECRET_FORMATS, StepFileError, _open_regular,  # noqa: F401 (re-exported)
                         check_output, copy_new_file, read_regular_file, write_new_file,
                         write_new_json)
from ..paths import checked_path

__all__ = ["SECRET_FORMATS", "StepFileError", "check_output", "copy_new_file",
           "write_new_file", "write_new_json", "read_input", "read_json_input", "MAX_INPUT"]

MAX_INPUT = 512 * 1024 * 1024      # no input file of a step is larger (the record's cap)


def read_input(path, what: str, limit: int = MAX_INPUT) -> bytes:
    """The bytes of a regular file (a FIFO or directory is refused, never waited on), at
    most `limit` bytes; StepFileError naming the file otherwise."""
    return read_regular_file(path, what, limit)


def read_json_input(path, what: str, limit: int = 64 * 1024 * 1024):
    """(parsed value, raw bytes) of a strict JSON file (duplicate keys, floats, NaN, lone
    surrogates refused, as in the record); StepFileError naming the file otherwise."""
    from ..errors import RecordError
    from ..record.jsonio import parse_json_bytes
    data = read_input(path, what, limit)
    try:
        return parse_json_bytes(data, f"{what} {checked_path(path, what)}"), data
    except RecordError as exc:
        raise StepFileError(str(exc)) from None
