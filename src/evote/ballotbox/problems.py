"""Named failures of a ballot box: what failed, in which kiosk's box, at which record.

Every failure the box or its reader reports is one of these (all subclasses of
evote.errors types, so callers can catch the shared categories). Each carries
`check` (a short stable name, listed in specs/ballot-box.md section 7), `seq` (the
record's sequence number, or None when the record cannot be located by sequence),
`offset` (byte offset of the frame in the file), `kiosk_id` and `path` when known.
The message repeats them so that a log line alone is enough for an auditor.
"""
from ..errors import BoxError, ChainBroken, InvalidEncoding, InvalidSignature


class BoxProblem(BoxError):
    """Base of every located ballot-box failure (see the module docstring)."""

    def __init__(self, check, detail, *, seq=None, offset=None, kiosk_id=None, path=None):
        self.check = check
        self.detail = detail
        self.seq = seq
        self.offset = offset
        self.kiosk_id = kiosk_id
        self.path = None if path is None else str(path)
        where = []
        if self.path is not None:
            where.append(f"box {self.path}")
        if kiosk_id is not None:
            where.append(f"kiosk {kiosk_id!r}")
        if seq is not None:
            where.append(f"record {seq}")
        if offset is not None:
            where.append(f"offset {offset}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {check}: {detail}" if prefix else f"{check}: {detail}")

    def located(self, *, kiosk_id=None, path=None):
        """A copy of this problem with the kiosk and path filled in where missing."""
        return type(self)(self.check, self.detail, seq=self.seq, offset=self.offset,
                          kiosk_id=self.kiosk_id if self.kiosk_id is not None else kiosk_id,
                          path=self.path if self.path is not None else path)


class FramingError(BoxProblem, InvalidEncoding):
    """Bytes that are not a well-formed frame (magic, version, type, lengths, checks)."""


class TornFrame(BoxProblem):
    """The file ends inside a frame that was never completed (power cut mid-write).

    Not damage in itself: such a frame was never acknowledged. The box cuts it off on
    reopen with a logged warning; a read-only reader reports it.
    """


class RecordSignatureError(BoxProblem, InvalidSignature):
    """A record's kiosk signature does not verify."""


class CertificateError(BoxProblem, InvalidSignature):
    """A kiosk certificate is malformed, not signed by the authority, or for another
    election, station or kiosk."""


class ChainError(BoxProblem, ChainBroken):
    """Records do not link: sequence, previous-record hash, ballot id, confirmation code,
    time order, OPEN/CLOSE placement or CLOSE counts."""


class BoxMismatch(BoxProblem):
    """The box is valid but not the one expected (other election, station or kiosk)."""


class BoxClosed(BoxError):
    """A write was attempted on a box that holds a CLOSE record."""


class BoxWriteError(BoxError):
    """A record could not be made durable; nothing was acknowledged for it."""


class BoxLocked(BoxError):
    """Another process holds the box open for writing."""


class BoxNotCreated(BoxError):
    """The box file(s) exist but hold no complete record: creation was cut short before
    it returned (nothing was ever acknowledged). open_box creates the box afresh."""


class BoxDamaged(BoxProblem):
    """The box lost something it had acknowledged (`acknowledged-lost`, `box-missing`),
    its high-water mark is missing or damaged (`high-water-missing`,
    `high-water-damaged`): the box stops, nothing is rewritten, until an operator
    decides (specs/ballot-box.md section 9)."""


class CopyVanished(BoxWriteError):
    """A copy of the box (box, mirror or high-water mark) is no longer the file at its
    path after a write: removed, replaced or its medium pulled (section 10)."""


class MirrorDivergence(BoxProblem):
    """The box and its mirror disagree in a way that cannot be repaired safely."""


class KeyFileError(BoxError):
    """A key file is missing, malformed, too widely readable, or the passphrase is wrong."""
