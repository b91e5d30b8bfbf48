"""Ed25519 signing-key files for kiosks and the authority (specs/ballot-box.md section 6).

A key file is UTF-8 JSON, created with mode 0600 (O_EXCL: never overwrites), fsynced
with its directory. The 32-byte Ed25519 seed is either stored as hex ("protection":
"none") or encrypted: key = Argon2id(passphrase, salt, opslimit, memlimit) -> 32 bytes,
ciphertext = XSalsa20-Poly1305 SecretBox(key).encrypt(seed) (nonce prepended). Reading
refuses a file that group or others may read, a public key that does not match the seed,
and Argon2id limits outside sane bounds (a hostile file must not exhaust memory).
"""
import json
import os
import stat

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.signing
import nacl.utils

from ..errors import EvoteTypeError
from ..fsync import fsync_directory
from ..paths import checked_path
from .problems import KeyFileError

FORMAT = "evote-signing-key"
ARGON = nacl.pwhash.argon2id
MAX_MEMLIMIT = 1 << 30
MAX_OPSLIMIT = 16


def generate_signing_key() -> nacl.signing.SigningKey:
    """A fresh Ed25519 signing key from libsodium's random source."""
    return nacl.signing.SigningKey.generate()


def _passphrase_bytes(passphrase) -> bytes:
    if isinstance(passphrase, str):
        return passphrase.encode("utf-8")
    if isinstance(passphrase, (bytes, bytearray)):
        return bytes(passphrase)
    raise EvoteTypeError(f"passphrase: expected str or bytes, got {type(passphrase).__name__}")


def key_file_bytes(key: nacl.signing.SigningKey, *, passphrase=None, path="key file",
                   opslimit=ARGON.OPSLIMIT_MODERATE, memlimit=ARGON.MEMLIMIT_MODERATE) -> bytes:
    """The content of a key file for `key` (JSON, optionally passphrase-encrypted);
    `path` only names the file in errors."""
    if not isinstance(key, nacl.signing.SigningKey):
        raise EvoteTypeError("key: expected a nacl.signing.SigningKey")
    obj = {"format": FORMAT, "version": 1, "public_key": bytes(key.verify_key).hex()}
    if passphrase is None:
        obj.update(protection="none", seed=bytes(key).hex())
    else:
        if not (ARGON.OPSLIMIT_MIN <= opslimit <= MAX_OPSLIMIT
                and ARGON.MEMLIMIT_MIN <= memlimit <= MAX_MEMLIMIT):
            raise KeyFileError(f"key file {path}: Argon2id limits out of range")
        salt = nacl.utils.random(ARGON.SALTBYTES)
        kek = ARGON.kdf(nacl.secret.SecretBox.KEY_SIZE, _passphrase_bytes(passphrase), salt,
                        opslimit=opslimit, memlimit=memlimit)
        sealed = bytes(nacl.secret.SecretBox(kek).encrypt(bytes(key)))
        obj.update(protection="argon2id-secretbox", salt=salt.hex(), opslimit=opslimit,
                   memlimit=memlimit, ciphertext=sealed.hex())
    return (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode("utf-8")


def write_key_file(path, key: nacl.signing.SigningKey, *, passphrase=None,
                   opslimit=ARGON.OPSLIMIT_MODERATE, memlimit=ARGON.MEMLIMIT_MODERATE) -> None:
    """Write `key` to a new file at `path` (mode 0600), optionally passphrase-encrypted."""
    path = checked_path(path, "key file")
    data = key_file_bytes(key, passphrase=passphrase, path=path, opslimit=opslimit,
                          memlimit=memlimit)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(f"key file {path} already exists; refusing to overwrite") from None
    except OSError as exc:
        raise KeyFileError(f"key file {path}: cannot create: {exc.strerror}") from None
    try:
        os.fchmod(fd, 0o600)  # the umask may have removed bits, never added; be explicit
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_directory(os.path.dirname(os.path.abspath(path)))


def _field(obj, name, kind, path):
    value = obj.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise KeyFileError(f"key file {path}: field {name!r} missing or of the wrong type")
    return value


def _hex(obj, name, size, path) -> bytes:
    try:
        value = bytes.fromhex(_field(obj, name, str, path))
    except ValueError:
        raise KeyFileError(f"key file {path}: field {name!r} is not hex") from None
    if size is not None and len(value) != size:
        raise KeyFileError(f"key file {path}: field {name!r} must be {size} bytes")
    return value


def read_key_file(path, *, passphrase=None) -> nacl.signing.SigningKey:
    """Load a signing key written by write_key_file; KeyFileError says what is wrong."""
    path = checked_path(path, "key file")
    try:
        # non-blocking: a FIFO is refused below instead of waiting for a writer forever
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise KeyFileError(f"key file {path}: cannot open: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise KeyFileError(f"key file {path}: not a regular file")
        if stat.S_IMODE(st.st_mode) & 0o077:
            raise KeyFileError(f"key file {path}: mode {stat.S_IMODE(st.st_mode):04o} lets "
                               "group or others read it; must be 0600 or stricter")
        if st.st_size > 1 << 16:
            raise KeyFileError(f"key file {path}: too large to be a key file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read()
    finally:
        os.close(fd)
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise KeyFileError(f"key file {path}: not UTF-8 JSON") from None
    except RecursionError:
        raise KeyFileError(f"key file {path}: JSON nested too deeply") from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT or obj.get("version") != 1:
        raise KeyFileError(f"key file {path}: not an {FORMAT} version 1 file")
    public = _hex(obj, "public_key", 32, path)
    protection = _field(obj, "protection", str, path)
    if protection == "none":
        seed = _hex(obj, "seed", 32, path)
    elif protection == "argon2id-secretbox":
        if passphrase is None:
            raise KeyFileError(f"key file {path}: encrypted; a passphrase is required")
        ops, mem = _field(obj, "opslimit", int, path), _field(obj, "memlimit", int, path)
        if not (ARGON.OPSLIMIT_MIN <= ops <= MAX_OPSLIMIT and ARGON.MEMLIMIT_MIN <= mem <= MAX_MEMLIMIT):
            raise KeyFileError(f"key file {path}: Argon2id limits out of range")
        salt = _hex(obj, "salt", ARGON.SALTBYTES, path)
        kek = ARGON.kdf(nacl.secret.SecretBox.KEY_SIZE, _passphrase_bytes(passphrase), salt,
                        opslimit=ops, memlimit=mem)
        try:
            seed = nacl.secret.SecretBox(kek).decrypt(_hex(obj, "ciphertext", None, path))
        except nacl.exceptions.CryptoError:
            raise KeyFileError(f"key file {path}: wrong passphrase or damaged ciphertext") from None
        if len(seed) != 32:
            raise KeyFileError(f"key file {path}: decrypted seed is not 32 bytes")
    else:
        raise KeyFileError(f"key file {path}: unknown protection {protection!r}")
    key = nacl.signing.SigningKey(seed)
    if bytes(key.verify_key) != public:
        raise KeyFileError(f"key file {path}: public key does not match the secret key")
    return key
