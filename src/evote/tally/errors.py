"""Errors of the tally engine. They derive from evote.errors so callers can catch
EvoteError; each message names the box file, record sequence, ballot index, station,
district, contest or guardian concerned."""
from ..errors import EvoteError, InvalidEncoding, TallyMismatch


class TallyInputError(InvalidEncoding):
    """A ballot blob or a tally file is malformed (structure, length or encoding)."""


class BallotRefused(TallyInputError):
    """One ballot cannot be tallied (structure or encoding); .where locates it (the
    caller's label: a ballot index, or a record sequence inside a box)."""

    def __init__(self, message: str, where=None):
        self.where = where
        super().__init__(message)


class DuplicateBallot(EvoteError):
    """A ballot id or a ballot's ciphertexts appear twice in what is being tallied.

    .what is "ballot id" or "ciphertext"; .first and .second name the two places
    (box file and record sequence, or ballot index)."""

    def __init__(self, what: str, first: str, second: str, value_hex: str):
        self.what, self.first, self.second, self.value_hex = what, first, second, value_hex
        super().__init__(f"{what} {value_hex[:16]}... appears twice: at {first} and at "
                         f"{second}; the ballot is refused")


class DecryptionRecordError(TallyMismatch):
    """A decryption record does not verify: names the district, contest and guardian."""
