"""Signing-key files of the authority, kiosks and officials, written through the one
atomic writer (files.py) in the format of specs/ballot-box.md section 6
(evote.ballotbox.keyfile): mode 0600, never replacing a file, encrypted under a
passphrase (argon2id + SecretBox) unless the key is an unattended kiosk's.
"""
from __future__ import annotations

import nacl.signing

from ..ballotbox.keyfile import ARGON, key_file_bytes, read_key_file
from ..ballotbox.problems import KeyFileError
from ..paths import checked_path
from .files import write_new_file


def write_new_key_file(path, key: nacl.signing.SigningKey, passphrase, *, opslimit=None,
                       memlimit=None, inputs=()) -> str:
    """A new key file at `path` (whole or not at all; never replaces); passphrase None
    stores the key unencrypted (kiosks only: the callers decide)."""
    path = checked_path(path, "key file")
    data = key_file_bytes(key, passphrase=passphrase, path=path,
                          opslimit=ARGON.OPSLIMIT_MODERATE if opslimit is None else opslimit,
                          memlimit=ARGON.MEMLIMIT_MODERATE if memlimit is None else memlimit)
    return write_new_file(path, data, "key file", inputs=inputs, secret=True)


def load_signing_key(path, passphrase) -> nacl.signing.SigningKey:
    """The key of a key file; KeyFileError (an EvoteError) naming the file otherwise (a
    wrong passphrase, an encrypted file without one, a file others can read)."""
    return read_key_file(path, passphrase=passphrase)


__all__ = ["write_new_key_file", "load_signing_key", "KeyFileError"]
