"""A guardian's secret state at rest: encrypted under a passphrase, file mode 0600.

    key || check = argon2id(passphrase, salt, opslimit, memlimit) -> 64 bytes
    file = canonical JSON {"version", "guardian_index", "manifest_hash", "kdf": "argon2id",
            "opslimit", "memlimit", "salt", "check": digest("evote/v1/guardian-passphrase-
            check", check), "box": SecretBox(key).encrypt(secret JSON)}  (nonce || ct)

The check value tells a wrong passphrase (WrongPassphrase) from a damaged or altered
file (InvalidEncoding); only the secret JSON is encrypted, and its fields must agree
with the clear header. The limits are stored in the file and bounded on load (a file
cannot ask for absurd memory). Specified in specs/key-ceremony.md section 9.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.secret
import nacl.utils

from ..errors import EvoteError, EvoteTypeError, EvoteValueError, InvalidEncoding
from ..fsync import fsync_directory
from ..hashing import digest
from ..new_files import StepFileError, read_regular_file
from . import ceremony_wire as w
from .guardian import Guardian
from .threshold_errors import WrongPassphrase

STORE_VERSION = "evote/guardian-store/v2"  # v2: the secret state holds the lot secret m_i
# A v1 file (before lot commitments) has no lot secret: refused, never migrated (a lot
# secret drawn now would be chosen after the other guardians' records were seen).
OLD_STORE_VERSIONS = ("evote/guardian-store/v1",)
DEFAULT_OPSLIMIT = 3                 # argon2id passes
DEFAULT_MEMLIMIT = 64 * 1024 * 1024  # 64 MiB: a fraction of a second on a laptop
MAX_OPSLIMIT = 16
MAX_MEMLIMIT = 4 * 1024 * 1024 * 1024
# The file holds at most MAX_GUARDIANS coefficients of 32 bytes (hex, then sealed and hex
# again: about 130 bytes each) and a few fixed fields: 1 MiB is ample.
MAX_FILE_BYTES = 1024 * 1024


def _derive(passphrase: str | bytes, salt: bytes, opslimit: int, memlimit: int) -> tuple[bytes, bytes]:
    if isinstance(passphrase, str):
        passphrase = passphrase.encode("utf-8")
    if not isinstance(passphrase, bytes):
        raise EvoteTypeError(f"passphrase: expected str or bytes, got {type(passphrase).__name__}")
    if not passphrase:
        raise EvoteValueError("passphrase: must not be empty")
    out = argon2id.kdf(64, passphrase, salt, opslimit=opslimit, memlimit=memlimit)
    return out[:32], digest("evote/v1/guardian-passphrase-check", out[32:])


def seal_guardian(guardian: Guardian, passphrase: str | bytes, *,
                  opslimit: int = DEFAULT_OPSLIMIT, memlimit: int = DEFAULT_MEMLIMIT) -> bytes:
    """The encrypted file content for `guardian` (bytes of canonical JSON)."""
    if not isinstance(guardian, Guardian):
        raise EvoteTypeError("seal_guardian: expected a Guardian")
    w.require_int("opslimit", opslimit, argon2id.OPSLIMIT_MIN, MAX_OPSLIMIT)
    w.require_int("memlimit", memlimit, argon2id.MEMLIMIT_MIN, MAX_MEMLIMIT)
    salt = os.urandom(argon2id.SALTBYTES)
    key, check = _derive(passphrase, salt, opslimit, memlimit)
    box = nacl.secret.SecretBox(key).encrypt(w.canonical_json(guardian.to_secret_json_obj()))
    return w.canonical_json({
        "version": STORE_VERSION, "guardian_index": guardian.index,
        "manifest_hash": guardian.manifest_hash.hex(), "kdf": "argon2id",
        "opslimit": opslimit, "memlimit": memlimit, "salt": salt.hex(),
        "check": check.hex(), "box": bytes(box).hex(),
    })


def open_guardian(content: bytes, passphrase: str | bytes, what: str = "guardian file") -> Guardian:
    """Decrypt file content. WrongPassphrase for a wrong passphrase, InvalidEncoding for a
    damaged or altered file."""
    try:
        obj = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise InvalidEncoding(f"{what}: not JSON") from None
    except RecursionError:
        raise InvalidEncoding(f"{what}: JSON nested too deeply") from None
    if isinstance(obj, dict) and obj.get("version") in OLD_STORE_VERSIONS:
        raise InvalidEncoding(f"{what}: version {obj['version']!r} is a guardian file from "
                              "before lot commitments (it holds no lot secret); it is not "
                              f"migrated: generate a new guardian ({STORE_VERSION}) and run "
                              "the key ceremony again")
    w.check_keys(what, obj, {"version", "guardian_index", "manifest_hash", "kdf", "opslimit",
                             "memlimit", "salt", "check", "box"})
    w.check_version(what, obj, STORE_VERSION)
    if obj["kdf"] != "argon2id":
        raise InvalidEncoding(f"{what}.kdf: {obj['kdf']!r} is not 'argon2id'")
    opslimit = w.read_int(what, obj, "opslimit", argon2id.OPSLIMIT_MIN, MAX_OPSLIMIT)
    memlimit = w.read_int(what, obj, "memlimit", argon2id.MEMLIMIT_MIN, MAX_MEMLIMIT)
    salt = w.read_hex(what, obj, "salt", argon2id.SALTBYTES)
    check = w.read_hex(what, obj, "check", 32)
    box = w.read_hex(what, obj, "box", None)
    index = w.read_int(what, obj, "guardian_index", 1, w.MAX_GUARDIANS)
    manifest_hash = w.read_hex(what, obj, "manifest_hash", 32)
    key, expected = _derive(passphrase, salt, opslimit, memlimit)
    if expected != check:
        raise WrongPassphrase(f"{what} (guardian {index}): wrong passphrase")
    try:
        plain = nacl.secret.SecretBox(key).decrypt(box)
    except (nacl.exceptions.CryptoError, nacl.exceptions.ValueError):
        raise InvalidEncoding(f"{what} (guardian {index}): encrypted part is damaged or "
                              "altered (the passphrase is right)") from None
    try:
        guardian = Guardian.from_secret_json_obj(json.loads(plain))
    except (ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, EvoteError):
            raise InvalidEncoding(f"{what} (guardian {index}): {exc}") from None
        raise InvalidEncoding(f"{what} (guardian {index}): secret part is not JSON") from None
    if (guardian.index, guardian.manifest_hash) != (index, manifest_hash):
        raise InvalidEncoding(f"{what}: clear header (guardian {index}) disagrees with the "
                              f"encrypted state (guardian {guardian.index})")
    return guardian


def save_guardian(path: str | os.PathLike, guardian: Guardian, passphrase: str | bytes, *,
                  opslimit: int = DEFAULT_OPSLIMIT, memlimit: int = DEFAULT_MEMLIMIT) -> None:
    """Write the encrypted state to `path` with mode 0600 (atomic replace, then the
    directory synced: after a crash `path` holds the old state or the new, whole).
    A failed write (disk full, I/O error) leaves `path` as it was and raises
    EvoteValueError naming it."""
    content = seal_guardian(guardian, passphrase, opslimit=opslimit, memlimit=memlimit)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise EvoteValueError(f"guardian file {path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as f:  # owns fd from here, closes it on any exit
            os.fchmod(f.fileno(), 0o600)  # exact mode whatever the umask
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EvoteValueError(f"guardian file {path}: cannot write ({exc.strerror or exc}); "
                              "the file is unchanged") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        fsync_directory(path.parent)
    except OSError:
        pass   # the rename is done; a file system that refuses a directory fsync keeps it


def load_guardian(path: str | os.PathLike, passphrase: str | bytes) -> Guardian:
    """Read and decrypt a file written by save_guardian."""
    path = Path(path)
    try:   # the one checked reader: a FIFO or /dev/zero is refused, never read
        content = read_regular_file(path, "guardian file", MAX_FILE_BYTES)
    except StepFileError as exc:
        reason = str(exc).removeprefix(f"guardian file {path}: ")
        raise EvoteValueError(f"guardian file {path}: cannot read ({reason})") from None
    return open_guardian(content, passphrase, what=f"guardian file {path}")
