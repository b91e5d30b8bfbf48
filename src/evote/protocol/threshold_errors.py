"""Errors of the key ceremony, guardian storage and threshold decryption.

They derive from evote.errors so callers can catch EvoteError; each message names the
guardian (by index), the position or the file concerned.
"""
from ..errors import EvoteError, EvoteValueError


class CeremonyError(EvoteError):
    """The key ceremony cannot go on as asked (missing record, complaint raised, ...)."""


class WrongPassphrase(EvoteError):
    """A guardian secret file was opened with a passphrase other than the one it was saved with."""


class NotEnoughShares(EvoteValueError):
    """Fewer than the threshold of distinct guardians' decryption shares were given."""


class CountOutOfRange(EvoteValueError):
    """A decrypted value is not m*G for any count m in [0, bound]."""
