"""The on-disk frame of one ballot-box record (specs/ballot-box.md section 3, byte by byte).

    offset    size  field
    0         4     magic "EVBX"
    4         1     format version (2: no opening in SPOIL, no time in CAST/SPOIL)
    5         1     record type (1 OPEN, 2 CAST, 3 SPOIL, 4 CLOSE)
    6         2     reserved, zero
    8         4     body length L (u32 big-endian, at most MAX_BODY)
    12        4     header check: CRC-32 of bytes [0, 12)
    16        8     sequence number (u64)
    24        8     time, microseconds since 1970-01-01T00:00Z (u64); 0 in CAST/SPOIL
    32        32    hash of the previous record (zero bytes for the first record)
    64        L     body (layout per record type: records.py)
    64+L      64    kiosk Ed25519 signature of the record hash
    128+L     4     frame check: CRC-32 of bytes [0, 128+L)

The record hash is digest("evote/v1/box-record", bytes [0, 64+L)); it is what the kiosk
signs and what the next record's previous-record hash repeats.

Invariants: the header check makes the length trustworthy before it is used, so a
damaged length is reported as damage and never mistaken for a torn final frame. A torn
frame is recognised only at the end of the file: the bytes left are a strict prefix of a
frame (a partial header consistent with magic, version, type and reserved, or a header
that passes its check followed by too few bytes) or are all zero (pages the filesystem
allocated but never wrote). Everything else that fails is damage.
"""
import enum
import struct
import zlib
from dataclasses import dataclass

from ..hashing import U64_MAX, digest
from .problems import FramingError, TornFrame

MAGIC = b"EVBX"
VERSION = 2   # version 1 published challenge openings and ballot times (records.py)
HEADER_LEN = 16
SIGNED_FIXED_LEN = 64  # header + seq + time + previous hash
SIGNATURE_LEN = 64
CHECK_LEN = 4
FRAME_OVERHEAD = SIGNED_FIXED_LEN + SIGNATURE_LEN + CHECK_LEN  # 132
MAX_BODY = 16 * 1024 * 1024
ZERO_HASH = bytes(32)
RECORD_HASH_TAG = "evote/v1/box-record"

_HEAD = struct.Struct(">4sBBHI")  # magic, version, type, reserved, body length
_U32 = struct.Struct(">I")
_FIXED = struct.Struct(">QQ32s")  # seq, time, previous hash


class RecordType(enum.IntEnum):
    OPEN = 1
    CAST = 2
    SPOIL = 3
    CLOSE = 4


@dataclass(frozen=True)
class RawFrame:
    """One frame as read from disk: parsed fields, not yet verified beyond framing.

    `frame_check_ok` is False when the trailing CRC-32 does not match (the length is
    still trustworthy, because the header check passed, so reading can go on).
    """
    offset: int
    rtype: RecordType
    seq: int
    time_us: int
    prev_hash: bytes
    body: bytes
    signature: bytes
    record_hash: bytes
    frame_check_ok: bool
    size: int


def record_hash(signed: bytes) -> bytes:
    """The hash of a record: digest over its signed bytes [0, 64+L)."""
    return digest(RECORD_HASH_TAG, signed)


def signed_bytes(rtype: RecordType, seq: int, time_us: int, prev_hash: bytes, body: bytes) -> bytes:
    """Bytes [0, 64+L) of a frame: the part the record hash covers."""
    if len(body) > MAX_BODY:
        raise FramingError("body-length", f"body of {len(body)} bytes exceeds {MAX_BODY}", seq=seq)
    if not 0 <= seq <= U64_MAX or not 0 <= time_us <= U64_MAX:
        raise FramingError("header", "sequence or time outside u64", seq=seq)
    if len(prev_hash) != 32:
        raise FramingError("prev-hash", "previous hash must be 32 bytes", seq=seq)
    head = _HEAD.pack(MAGIC, VERSION, int(rtype), 0, len(body))
    return b"".join((head, _U32.pack(zlib.crc32(head)), _FIXED.pack(seq, time_us, prev_hash), body))


def seal(signed: bytes, signature: bytes) -> bytes:
    """The complete frame: signed bytes, signature, frame check."""
    if len(signature) != SIGNATURE_LEN:
        raise FramingError("signature", f"signature must be {SIGNATURE_LEN} bytes")
    crc = zlib.crc32(signature, zlib.crc32(signed))
    return b"".join((signed, signature, _U32.pack(crc)))


def _partial_header_plausible(data: bytes) -> bool:
    """Could `data` (shorter than a header) be the start of a valid header?"""
    fields = (MAGIC[:min(4, len(data))] == data[:4],
              len(data) <= 4 or data[4] == VERSION,
              len(data) <= 5 or data[5] in RecordType._value2member_map_,
              len(data) <= 6 or data[6] == 0,
              len(data) <= 7 or data[7] == 0)
    return all(fields)


def _rest_is_zero(f, first: bytes, left) -> bool:
    """Are `first` and the rest of the file (at most `left` bytes, None: to the end) zero?"""
    if first.strip(b"\0"):
        return False
    while left is None or left > 0:
        chunk = f.read(1 << 16 if left is None else min(1 << 16, left))
        if not chunk:
            return True
        if chunk.strip(b"\0"):
            return False
        if left is not None:
            left -= len(chunk)
    return True


def iter_frames(f, *, limit=None):
    """Yield RawFrame for each frame of the binary file object `f` from its current
    position, streaming one frame at a time, up to `limit` bytes from the start.

    Raises TornFrame (with the offset and number of bytes) for a recognisably torn tail,
    FramingError for anything else that is not a frame; both end the iteration.
    """
    offset = f.tell()
    while limit is None or offset < limit:
        remaining = None if limit is None else limit - offset
        head = f.read(HEADER_LEN if remaining is None else min(HEADER_LEN, remaining))
        if not head:
            return
        if len(head) < HEADER_LEN:
            if _partial_header_plausible(head) or not head.strip(b"\0"):
                raise TornFrame("torn-frame", f"file ends {len(head)} bytes into a frame header",
                                offset=offset)
            raise FramingError("magic", "trailing bytes are not a frame header", offset=offset)
        magic, version, rtype, reserved, body_len = _HEAD.unpack_from(head)
        if magic != MAGIC:
            if _rest_is_zero(f, head, None if remaining is None else remaining - HEADER_LEN):
                raise TornFrame("torn-frame", "file ends in zero bytes never written as a frame",
                                offset=offset)
            raise FramingError("magic", f"expected {MAGIC!r}, found {magic!r}", offset=offset)
        if _U32.unpack_from(head, 12)[0] != zlib.crc32(head[:12]):
            raise FramingError("header-check", "header CRC-32 does not match", offset=offset)
        if version != VERSION:
            raise FramingError("version", f"format version {version} is not {VERSION}", offset=offset)
        if rtype not in RecordType._value2member_map_:
            raise FramingError("record-type", f"unknown record type {rtype}", offset=offset)
        if reserved != 0:
            raise FramingError("reserved", f"reserved field is {reserved}, not 0", offset=offset)
        if body_len > MAX_BODY:
            raise FramingError("body-length", f"body length {body_len} exceeds {MAX_BODY}",
                               offset=offset)
        size = FRAME_OVERHEAD + body_len
        if remaining is not None and remaining < size:
            rest = f.read(remaining - HEADER_LEN)
        else:
            rest = f.read(size - HEADER_LEN)
        if len(rest) < size - HEADER_LEN:
            raise TornFrame("torn-frame", f"file ends {HEADER_LEN + len(rest)} bytes into a "
                            f"frame of {size} bytes", offset=offset)
        signed_len = SIGNED_FIXED_LEN + body_len - HEADER_LEN
        signed = head + rest[:signed_len]
        signature = rest[signed_len:signed_len + SIGNATURE_LEN]
        crc = _U32.unpack_from(rest, signed_len + SIGNATURE_LEN)[0]
        ok = crc == zlib.crc32(signature, zlib.crc32(signed))
        seq, time_us, prev = _FIXED.unpack_from(signed, HEADER_LEN)
        yield RawFrame(offset=offset, rtype=RecordType(rtype), seq=seq, time_us=time_us,
                       prev_hash=prev, body=signed[SIGNED_FIXED_LEN:], signature=signature,
                       record_hash=record_hash(signed), frame_check_ok=ok, size=size)
        offset += size
