"""Ballot-box records: bodies on disk, the verified record objects, ballot ids and
confirmation codes (specs/ballot-box.md sections 4 and 5).

Bodies (all integers big-endian):
    OPEN   election hash (32) | station id (u16 len + UTF-8) | kiosk id (u16 len + UTF-8)
           | certificate (u32 len + bytes)
    CAST   ballot id (32) | confirmation code (32) | payload (u32 len + bytes)
    SPOIL  ballot id (32) | confirmation code (32) | payload (u32 len + bytes)
    CLOSE  cast count (u64) | spoiled count (u64) | chain head: last confirmation code (32)

Ballot ids and codes depend only on public data, so a verifier recomputes them:
    ballot_id(seq) = digest("evote/v1/ballot-id", election hash, kiosk id, OPEN hash, u64(seq))
    ballot_hash    = digest("evote/v1/ballot", ballot id, payload)
    code_0         = OPEN record hash
    code_i         = digest("evote/v1/confirmation-code", code_{i-1}, ballot_hash_i)
Spoiled ballots take a code too (the voter sees the code before choosing to cast or to
challenge), so codes chain over CAST and SPOIL records in sequence order.

Privacy invariants (format version 2, specs/ballot-box.md and protocol.md section 8.1):
a SPOIL record holds the challenged ballot and nothing else (its opening goes only to
the voter: a published opening would publish the vote the same voter casts next), and
a ballot record (CAST, SPOIL) carries no time (NO_TIME in the frame's time field): the
order of ballots is their sequence number, and only OPEN and CLOSE are timed.
"""
import datetime
import struct
from dataclasses import dataclass

from ..hashing import digest, text, u64
from .framing import MAX_BODY, RecordType
from .identity import KioskCertificate, decode_label, encode_label
from .problems import FramingError

_U32 = struct.Struct(">I")
_CLOSE = struct.Struct(">QQ32s")
MAX_PAYLOAD = MAX_BODY - 1024
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NO_TIME = 0   # the time field of every CAST and SPOIL record
BALLOT_TYPES = (RecordType.CAST, RecordType.SPOIL)


def ballot_id_for(election_hash: bytes, kiosk_id: str, open_hash: bytes, seq: int) -> bytes:
    """The ballot id the record at sequence `seq` must carry."""
    return digest("evote/v1/ballot-id", election_hash, text(kiosk_id), open_hash, u64(seq))


def ballot_hash(ballot_id: bytes, payload: bytes) -> bytes:
    return digest("evote/v1/ballot", ballot_id, payload)


def next_code(prev_code: bytes, ballot_id: bytes, payload: bytes) -> bytes:
    """The confirmation code of a ballot that follows the code `prev_code`."""
    return digest("evote/v1/confirmation-code", prev_code, ballot_hash(ballot_id, payload))


def short_code(code: bytes) -> str:
    """The first 80 bits of a code in Crockford base32 (no I, L, O, U), four groups of
    four: what a receipt prints and a voter compares by eye."""
    n = int.from_bytes(code[:10], "big")
    chars = "".join(_CROCKFORD[(n >> (75 - 5 * i)) & 31] for i in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def time_of(time_us: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(time_us / 1e6, tz=datetime.timezone.utc)


@dataclass(frozen=True)
class _Header:
    seq: int
    time_us: int
    prev_hash: bytes
    record_hash: bytes

    @property
    def time(self) -> datetime.datetime:
        return time_of(self.time_us)


@dataclass(frozen=True)
class OpenRecord(_Header):
    election_hash: bytes
    station_id: str
    kiosk_id: str
    certificate: KioskCertificate
    kind = RecordType.OPEN


@dataclass(frozen=True)
class CastRecord(_Header):
    ballot_id: bytes
    code: bytes
    payload: bytes
    kind = RecordType.CAST

    @property
    def short_code(self) -> str:
        return short_code(self.code)


@dataclass(frozen=True)
class SpoilRecord(_Header):
    ballot_id: bytes
    code: bytes
    payload: bytes   # the challenged ballot; its opening is never in the box
    kind = RecordType.SPOIL

    @property
    def short_code(self) -> str:
        return short_code(self.code)


@dataclass(frozen=True)
class CloseRecord(_Header):
    n_cast: int
    n_spoiled: int
    chain_head: bytes
    kind = RecordType.CLOSE


@dataclass(frozen=True)
class Receipt:
    """What the kiosk prints for a voter: enough to find the ballot in the record (no
    time: the record holds none for a ballot)."""
    kiosk_id: str
    station_id: str
    seq: int
    ballot_id: bytes
    code: bytes

    @property
    def short_code(self) -> str:
        return short_code(self.code)


def _blob(data: bytes) -> bytes:
    return _U32.pack(len(data)) + data


def encode_body(rtype: RecordType, **f) -> bytes:
    """The body bytes of a record of type `rtype` from its fields (see module docstring)."""
    if rtype is RecordType.OPEN:
        return b"".join((f["election_hash"], encode_label(f["station_id"]),
                         encode_label(f["kiosk_id"]), _blob(f["certificate"].to_bytes())))
    if rtype in BALLOT_TYPES:
        return b"".join((f["ballot_id"], f["code"], _blob(f["payload"])))
    return _CLOSE.pack(f["n_cast"], f["n_spoiled"], f["chain_head"])


class _Cursor:
    def __init__(self, body: bytes, rtype: RecordType):
        self.body, self.pos, self.rtype = body, 0, rtype

    def fail(self, check, detail):
        return FramingError("body", f"{self.rtype.name} {check}: {detail}")

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.body):
            raise self.fail(what, f"body ends before {what}")
        out = self.body[self.pos:self.pos + n]
        self.pos += n
        return out

    def blob(self, what: str) -> bytes:
        n = _U32.unpack(self.take(4, what + " length"))[0]
        return self.take(n, what)

    def label(self, what: str) -> str:
        value, self.pos = decode_label(what, self.body, self.pos, self.fail)
        return value

    def done(self):
        if self.pos != len(self.body):
            raise self.fail("length", f"{len(self.body) - self.pos} bytes after the last field")


def decode_body(rtype: RecordType, body: bytes) -> dict:
    """Fields of a body (raises FramingError 'body' naming the malformed field)."""
    c = _Cursor(body, rtype)
    if rtype is RecordType.OPEN:
        out = dict(election_hash=c.take(32, "election hash"), station_id=c.label("station id"),
                   kiosk_id=c.label("kiosk id"))
        cert = c.blob("certificate")
        c.done()
        out["certificate_bytes"] = cert
        return out
    if rtype in BALLOT_TYPES:
        out = dict(ballot_id=c.take(32, "ballot id"), code=c.take(32, "confirmation code"),
                   payload=c.blob("payload"))
        if rtype is RecordType.SPOIL and c.pos != len(body):
            raise FramingError("spoil-opening", f"SPOIL record carries {len(body) - c.pos} "
                               "bytes after its ballot: a spoiled ballot's opening is never "
                               "published (it would reveal the vote cast after it)")
        c.done()
        if not out["payload"]:
            raise c.fail("payload", "empty payload")
        return out
    n_cast, n_spoiled, head = _CLOSE.unpack(c.take(_CLOSE.size, "counts"))
    c.done()
    return dict(n_cast=n_cast, n_spoiled=n_spoiled, chain_head=head)
