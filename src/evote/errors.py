"""The evote error hierarchy. Every error evote raises on purpose derives from EvoteError.

Wrong type -> EvoteTypeError (also a TypeError); right type but wrong length or value ->
EvoteValueError (also a ValueError); domain failures are named for what went wrong.
Messages name the parameter and the object (kiosk, record, ballot, contest, candidate).
"""


class EvoteError(Exception):
    """Root of every error evote raises on purpose."""


class EvoteTypeError(EvoteError, TypeError):
    """An argument has the wrong type."""


class EvoteValueError(EvoteError, ValueError):
    """An argument has the right type but a wrong length or value."""


class InvalidEncoding(EvoteValueError):
    """Bytes that do not decode to a valid group element, scalar or record."""


class InvalidProof(EvoteError):
    """A zero-knowledge proof does not verify."""


class InvalidSignature(EvoteError):
    """A signature does not verify."""


class ChainBroken(EvoteError):
    """A hash chain (ballot box records, confirmation codes) does not link."""


class TallyMismatch(EvoteError):
    """A tally does not match what was recomputed from the ballots."""


class ManifestError(EvoteValueError):
    """A manifest is malformed or inconsistent."""


class BallotError(EvoteValueError):
    """A voter's choices cannot be encrypted as given (unknown code, repeat, too many)."""


class BoxError(EvoteError):
    """A ballot box cannot be opened, written or read as asked."""


class RecordError(EvoteError):
    """An election record is missing, unreadable or of the wrong version."""
