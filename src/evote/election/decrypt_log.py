"""A guardian's decryption log (specs/election.md section 7 step 4): `SECRET.decrypt-log`.

One JSON line per (district, contest) the guardian has decrypted:

    {"contest_id": id, "ciphertexts_hash": hex32, "district_id": id}

ciphertexts_hash = H("evote/v1/decrypt-log-entry"; c_0, ..., c_{w-1}), each c_k the 64
bytes alpha||beta of the contest tally's position k (each a field of the hash).

Invariants: the log is only ever appended to (O_APPEND, never truncated or rewritten);
the new lines are fsynced before record_decryptions returns, so they are on disk before
the share file exists; the check and the append happen under an exclusive lock on the
log, so two runs at once cannot both pass the check. A contest already logged with other
ciphertexts is refused (decrypting it would reveal a second, different tally: with two,
their difference can be one voter's ballot); the same ciphertexts again are allowed and
not logged twice. A line that does not parse is refused, naming the line: evote never
repairs the log itself.
"""
from __future__ import annotations

import fcntl
import json
import os
import stat

from ..errors import EvoteError
from ..fsync import fsync_directory
from ..hashing import digest

LOG_SUFFIX = ".decrypt-log"
ENTRY_TAG = "evote/v1/decrypt-log-entry"
MAX_LOG_BYTES = 64 * 1024 * 1024
_KEYS = ("contest_id", "ciphertexts_hash", "district_id")


class DecryptLogError(EvoteError):
    """The decryption log refuses a request, or cannot be read or appended to."""


def log_path(secret_path) -> str:
    return os.fspath(secret_path) + LOG_SUFFIX


def ciphertexts_hash(ciphertexts) -> bytes:
    """The log's hash of one contest tally's ciphertexts (64-byte values, in order)."""
    return digest(ENTRY_TAG, *(bytes(c) for c in ciphertexts))


def _parse(path: str, data: bytes) -> dict:
    """(district, contest) -> ciphertexts hash of every line; DecryptLogError naming the
    line that does not parse."""
    seen: dict = {}
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    else:
        if lines:   # no final newline: a torn last line from a crash during an append
            raise DecryptLogError(f"decryption log {path}: line {len(lines)} is incomplete "
                                  "(no end of line); evote never rewrites the log: check it "
                                  "and repair it by hand")
    for n, line in enumerate(lines, start=1):
        where = f"decryption log {path}: line {n}"
        try:
            obj = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise DecryptLogError(f"{where}: not a JSON line; evote never rewrites the log: "
                                  "check it and repair it by hand") from None
        if not isinstance(obj, dict) or sorted(obj) != sorted(_KEYS) or not all(
                isinstance(obj[k], str) for k in _KEYS):
            raise DecryptLogError(f"{where}: expected an object with exactly the string "
                                  f"fields {', '.join(_KEYS)}")
        try:
            h = bytes.fromhex(obj["ciphertexts_hash"])
        except ValueError:
            h = b""
        if len(h) != 32 or h.hex() != obj["ciphertexts_hash"]:
            raise DecryptLogError(f"{where}.ciphertexts_hash: expected 64 lowercase hex "
                                  "digits")
        key = (obj["district_id"], obj["contest_id"])
        if key in seen and seen[key] != h:
            raise DecryptLogError(f"{where}: district {key[0]!r}, contest {key[1]!r} is "
                                  "logged twice with different ciphertexts")
        seen[key] = h
    return seen


def _read_all(fd: int, path: str) -> bytes:
    chunks, size = [], 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_LOG_BYTES:
            raise DecryptLogError(f"decryption log {path}: larger than {MAX_LOG_BYTES} bytes")
        chunks.append(chunk)


def record_decryptions(path, requests) -> tuple:
    """Check `requests` ((district, contest, ciphertexts hash) items) against the log at
    `path` and append the new ones, fsynced. Returns the (district, contest) keys that
    were already logged with the same ciphertexts. DecryptLogError, and nothing appended,
    if any request's contest is logged with other ciphertexts (every such one named)."""
    path = os.fspath(path)
    created = not os.path.lexists(path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW
                     | os.O_NONBLOCK, 0o600)
    except OSError as exc:
        raise DecryptLogError(f"decryption log {path}: cannot open ({exc.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):   # a FIFO would block the read for ever
            raise DecryptLogError(f"decryption log {path}: not a regular file")
        fcntl.flock(fd, fcntl.LOCK_EX)   # released when fd is closed
        if not os.path.samestat(os.fstat(fd), os.lstat(path)):
            raise DecryptLogError(f"decryption log {path}: replaced while being opened")
        seen = _parse(path, _read_all(fd, path))
        conflicts, repeated, new = [], [], []
        for did, cid, h in requests:
            old = seen.get((did, cid))
            if old is None:
                new.append((did, cid, h))
            elif old == h:
                repeated.append((did, cid))
            else:
                conflicts.append(f"district {did!r}, contest {cid!r}")
        if conflicts:
            raise DecryptLogError(
                f"decryption log {path}: already decrypted with other ciphertexts: "
                f"{'; '.join(conflicts)}; a second, different tally of a contest is never "
                "decrypted (the difference of two tallies can be a single ballot)")
        data = b"".join(json.dumps({"contest_id": cid, "ciphertexts_hash": h.hex(),
                                    "district_id": did}, sort_keys=True,
                                   separators=(",", ":")).encode("utf-8") + b"\n"
                        for did, cid, h in new)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except OSError as exc:
        raise DecryptLogError(f"decryption log {path}: cannot append ({exc.strerror or exc})"
                              ) from None
    finally:
        os.close(fd)
    if created:
        try:
            fsync_directory(os.path.dirname(os.path.abspath(path)))
        except OSError:
            pass
    return tuple(repeated)
