"""Helpers for the ballot-box tests (no tests here): identities, boxes, frame surgery."""
import os
import struct
import zlib

from nacl.signing import SigningKey

from evote.ballotbox import issue_certificate, open_box
from evote.ballotbox.framing import iter_frames, record_hash
from evote.ballotbox.highwater import ENTRY_LEN, mark_path

AUTH_SEED = bytes(range(32))


class Identity:
    """An authority, one kiosk key and its certificate for one election and station."""

    def __init__(self, election_hash=None, station="station-7", kiosk="kiosk-1", seed=None,
                 authority=None):
        self.authority = authority or SigningKey(AUTH_SEED)
        self.authority_key = bytes(self.authority.verify_key)
        self.election_hash = election_hash or bytes(32 * [0x42])
        self.kiosk_key = SigningKey(seed) if seed else SigningKey.generate()
        self.cert = issue_certificate(self.authority, election_hash=self.election_hash,
                                      station_id=station, kiosk_id=kiosk,
                                      kiosk_key=bytes(self.kiosk_key.verify_key))

    def open(self, path, mirror=None, **kw):
        return open_box(str(path), kiosk_key=self.kiosk_key, certificate=self.cert,
                        authority_key=self.authority_key, mirror=None if mirror is None else str(mirror),
                        **kw)


def fill(box, n_cast=3, n_spoil=1, size=100, close=True, rng=None):
    """Cast n_cast ballots and spoil n_spoil (spoils at positions 1, 4, 7, ... while they
    last), optionally close. Returns the receipts of the cast ballots."""
    rng = rng or os.urandom
    kinds = ["cast"] * n_cast
    for j in range(n_spoil):
        kinds.insert(min(1 + 3 * j, len(kinds)), "spoil")
    receipts = []
    t = box._last_time + 1
    for kind in kinds:
        bid = box.next_ballot_id()
        if kind == "spoil":
            box.challenge(bid, rng(size))   # ballots carry no time (format version 2)
        else:
            receipts.append(box.cast(bid, rng(size)))
        t += 1000
    if close:
        box.close_at_time(t)
    return receipts


def frames_of(path):
    """[(offset, size, rtype)] of every frame of a well-formed box file."""
    with open(path, "rb") as f:
        return [(fr.offset, fr.size, fr.rtype) for fr in iter_frames(f)]


def split(path):
    """The frames of a box file as a list of bytes objects."""
    data = open(path, "rb").read()
    return [data[o:o + s] for o, s, _ in frames_of(path)]


def refix(frame: bytes, key: SigningKey | None = None) -> bytes:
    """Recompute a frame's header check and frame check (and, with `key`, re-sign it):
    what a tamperer who knows the format can always do."""
    b = bytearray(frame)
    b[12:16] = struct.pack(">I", zlib.crc32(bytes(b[:12])))
    body_len = struct.unpack(">I", bytes(b[8:12]))[0]
    signed_end = 64 + body_len
    if key is not None and len(b) >= signed_end + 68:
        b[signed_end:signed_end + 64] = key.sign(record_hash(bytes(b[:signed_end]))).signature
    if len(b) >= signed_end + 68:
        end = signed_end + 64
        b[end:end + 4] = struct.pack(">I", zlib.crc32(bytes(b[:end])))
    return bytes(b)


def field_ranges(frame: bytes):
    """{field name: (start, end)} inside one frame, per specs/ballot-box.md."""
    body_len = struct.unpack(">I", frame[8:12])[0]
    rtype = frame[5]
    f = {"magic": (0, 4), "version": (4, 5), "type": (5, 6), "reserved": (6, 8),
         "length": (8, 12), "header-check": (12, 16), "seq": (16, 24), "time": (24, 32),
         "prev-hash": (32, 64), "signature": (64 + body_len, 128 + body_len),
         "frame-check": (128 + body_len, 132 + body_len)}
    p = 64
    if rtype == 1:
        f["election-hash"] = (p, p + 32)
        p += 32
        for name in ("station", "kiosk"):
            n = int.from_bytes(frame[p:p + 2], "big")
            f[name + "-length"] = (p, p + 2)
            f[name] = (p + 2, p + 2 + n)
            p += 2 + n
        f["certificate-length"] = (p, p + 4)
        n = int.from_bytes(frame[p:p + 4], "big")
        c = p + 4
        f["cert-election-hash"] = (c + 5, c + 37)
        f["cert-kiosk-key"] = (c + 69, c + 101)
        f["cert-signature"] = (c + n - 64, c + n)
    elif rtype in (2, 3):
        f["ballot-id"] = (p, p + 32)
        f["code"] = (p + 32, p + 64)
        n = int.from_bytes(frame[p + 64:p + 68], "big")
        f["payload-length"] = (p + 64, p + 68)
        f["payload"] = (p + 68, p + 68 + n)
    else:
        f["n-cast"] = (p, p + 8)
        f["n-spoiled"] = (p + 8, p + 16)
        f["chain-head"] = (p + 16, p + 48)
    return f


def write(path, frames):
    with open(path, "wb") as f:
        f.write(b"".join(frames))


def unacknowledge(path, n=1):
    """Drop the last n entries of a box's high-water mark: as if its last n records had
    been written but never acknowledged (a power cut before the mark's fsync)."""
    mark = mark_path(path)
    data = open(mark, "rb").read()
    with open(mark, "wb") as f:
        f.write(data[:len(data) - n * ENTRY_LEN])
