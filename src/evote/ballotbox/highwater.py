"""The box's durable high-water mark (specs/ballot-box.md section 9): `<box>.hwm`.

One 64-byte entry per acknowledged record, appended and fsynced after the record is
durable in every copy and before the call returns:

    offset  size  field
    0       4     magic "EVHW"
    4       1     version (1)
    5       1     record type
    6       2     reserved, zero
    8       8     sequence number (u64)
    16      8     box length once this record is in it (u64)
    24      32    record hash
    56      4     reserved, zero
    60      4     CRC-32 of bytes [0, 60)

Invariant: an entry exists for every record the box acknowledged, so a copy whose verified
records do not include the last entry's record has lost an acknowledged record. Only the
final entry may be torn (an append cut by a power failure: its record was never
acknowledged); anything else that does not check is damage.
"""
import os
import stat
import struct
import zlib
from dataclasses import dataclass

from .framing import RecordType
from .problems import BoxDamaged

MAGIC = b"EVHW"
VERSION = 1
ENTRY_LEN = 64
SUFFIX = ".hwm"
MAX_FILE = 64 << 20  # 1M entries: far beyond any kiosk's day; a cap for hostile files
_ENTRY = struct.Struct(">4sBBHQQ32sI")  # 60 bytes, then the CRC-32
_U32 = struct.Struct(">I")


def mark_path(box_path: str) -> str:
    return str(box_path) + SUFFIX


def encode_entry(rtype: RecordType, seq: int, box_length: int, record_hash: bytes) -> bytes:
    head = _ENTRY.pack(MAGIC, VERSION, int(rtype), 0, seq, box_length, record_hash, 0)
    return head + _U32.pack(zlib.crc32(head))


@dataclass(frozen=True)
class HighWater:
    """What a mark file says. `last` is None when no entry is complete (a creation that
    never returned). `valid_length` is where a torn final entry starts (or the size)."""
    path: str
    rtype: RecordType | None
    seq: int | None
    box_length: int | None
    record_hash: bytes | None
    n_entries: int
    valid_length: int
    file_size: int

    @property
    def empty(self) -> bool:
        return self.seq is None

    @property
    def torn(self) -> bool:
        return self.valid_length != self.file_size

    def describe(self) -> str:
        return f"record {self.seq} ({self.rtype.name})"


def _damaged(path, detail, offset):
    return BoxDamaged("high-water-damaged", detail, offset=offset, path=path)


def _decode(path, entry: bytes, offset: int):
    """(rtype, seq, length, hash) of a well-formed entry, else None."""
    if _U32.unpack_from(entry, 60)[0] != zlib.crc32(entry[:60]):
        return None
    magic, version, rtype, res1, seq, length, rhash, res2 = _ENTRY.unpack_from(entry)
    if (magic, version, res1, res2) != (MAGIC, VERSION, 0, 0) or \
            rtype not in RecordType._value2member_map_:
        raise _damaged(path, "entry checks but its fields are not a version 1 entry", offset)
    return RecordType(rtype), seq, length, rhash


def read_mark(path) -> HighWater | None:
    """The mark file at `path`, or None when it does not exist. Raises BoxDamaged for a
    mark that is not a regular file, too large, or damaged before its final entry."""
    path = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BoxDamaged("high-water-damaged", f"cannot open: {exc.strerror}", path=path) from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise _damaged(path, "not a regular file", 0)
        if st.st_size > MAX_FILE:
            raise _damaged(path, f"{st.st_size} bytes, more than {MAX_FILE}", 0)
        data = f.read(MAX_FILE + 1)
    n = len(data) // ENTRY_LEN
    last, valid = None, 0
    for i in range(n):
        offset = i * ENTRY_LEN
        got = _decode(path, data[offset:offset + ENTRY_LEN], offset)
        if got is None:
            if i != n - 1 or len(data) % ENTRY_LEN:
                raise _damaged(path, f"entry {i} fails its check and is not the last", offset)
            break  # a torn final append: its record was never acknowledged
        if last is not None and got[1] <= last[1]:
            raise _damaged(path, f"entry {i} is for record {got[1]}, not after record "
                           f"{last[1]}", offset)
        last, valid = got, offset + ENTRY_LEN
    rtype, seq, length, rhash = last if last is not None else (None,) * 4
    return HighWater(path=path, rtype=rtype, seq=seq, box_length=length, record_hash=rhash,
                     n_entries=valid // ENTRY_LEN, valid_length=valid, file_size=len(data))


def holds(report, mark: HighWater) -> bool:
    """Do the verified records of a scanned copy (report.record_hashes, kept by the
    scan) include the mark's record?"""
    if mark is None or mark.empty:
        return True
    hashes = report.record_hashes
    return len(hashes) > mark.seq and hashes[mark.seq] == mark.record_hash


def loss(report, mark: HighWater) -> BoxDamaged:
    """The problem naming what a copy lost (see holds)."""
    have = report.clean_records
    return BoxDamaged("acknowledged-lost",
                      f"the high-water mark {mark.path} says {mark.describe()} was "
                      f"acknowledged, but only {have} record(s) verify here "
                      + ("(a record differs)" if have > mark.seq else
                         f"(cut or zeroed after record {have - 1})" if have else "(none)")
                      + "; nothing rewritten: keep the files, call technical staff",
                      seq=mark.seq, kiosk_id=report.kiosk_id, path=report.path)
