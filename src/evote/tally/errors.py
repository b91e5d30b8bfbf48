"""Errors of the tally engine. They derive from evote.errors so callers can catch
EvoteError; each message names the box file, record sequence, ballot index, station,
district, contest or guardian concerned."""
from ..errors import InvalidEncoding, TallyMismatch


class TallyInputError(InvalidEncoding):
    """A ballot blob or a tally file is malformed (structure, length or encoding)."""


class BallotRefused(TallyInputError):
    """One ballot cannot be tallied (structure or encoding); .where locates it (the
    caller's label: a ballot index, or a record sequence inside a box)."""

    def __init__(self, message: str, where=None):
        self.where = where
        super().__init__(message)


class DecryptionRecordError(TallyMismatch):
    """A decryption record does not verify: names the district, contest and guardian."""
