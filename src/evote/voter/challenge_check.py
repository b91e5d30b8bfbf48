"""Check a challenged ballot's opening against its published ciphertext and name the
choices the kiosk encrypted (specs/voter.md section 4, specs/protocol.md section 8.3).

    opening = read_opening_file(path)                  # bytes of --opening FILE
    result = check_opening(view, checked, opening)     # opening=None: none was given

The record holds no opening (a SPOIL record is the challenged ballot only): the voter
brings the one the kiosk printed. The check is the library's own
(evote.protocol.challenge.check_opening): the opening must name this SPOIL record
(election, station, kiosk, position, ballot id, code), carry the signature of the kiosk
key the box's certificate certifies, and re-encrypt to the published ciphertext.
"""
import os
import re
from dataclasses import dataclass, field

from ..ballotbox.reader import walk_box
from ..ballotbox.records import OpenRecord
from ..errors import BoxError, EvoteError
from ..protocol.challenge import OPENING_MAGIC, Opening, check_opening as check_against
from ..record.jsonio import read_file_bounded

MAX_OPENING = 1024 * 1024
_HEX_TEXT = re.compile(rb"[0-9a-fA-F\s]+\Z")


class OpeningFileError(EvoteError):
    """--opening FILE cannot be used (the message names the file)."""


def read_opening_file(path) -> bytes:
    """The opening bytes held by FILE: binary (starting with EVOP) or its hex (what the
    printout's QR code carries; whitespace ignored)."""
    path = os.fspath(path)
    what = f"--opening {path}"
    try:   # a regular file only (no symlink, FIFO or device), bounded
        data = read_file_bounded(path, what, MAX_OPENING * 2 + 64)
    except EvoteError as exc:
        raise OpeningFileError(str(exc)) from None
    if data.startswith(OPENING_MAGIC):
        raw = data
    elif data.strip() and _HEX_TEXT.match(data):
        digits = b"".join(data.split())
        if len(digits) % 2:
            raise OpeningFileError(f"{what}: an odd number of hex digits ({len(digits)})")
        raw = bytes.fromhex(digits.decode("ascii"))
        if not raw.startswith(OPENING_MAGIC):
            raise OpeningFileError(f"{what}: the hex does not start with a kiosk's opening "
                                   "(magic EVOP)")
    else:
        raise OpeningFileError(f"{what}: neither a kiosk's opening (starting with EVOP) nor "
                               "its hex")
    if len(raw) > MAX_OPENING:
        raise OpeningFileError(f"{what}: more than {MAX_OPENING} bytes")
    return raw


@dataclass
class ContestChoices:
    contest_id: str
    name: str
    candidates: list = field(default_factory=list)   # [(code, name)], candidate order

    @property
    def blank(self) -> bool:
        return not self.candidates


@dataclass
class OpeningResult:
    ok: bool
    source: str                 # "file" (the record holds no opening)
    failure: str = ""           # why the opening does not open the published ballot
    choices: list = field(default_factory=list)      # [ContestChoices], ballot order
    missing: bool = False       # no opening given


def _kiosk_key(view, match) -> bytes:
    """The kiosk key certified in the box's OPEN record (verify_match verified the box
    up to the ballot, so its OPEN record verifies)."""
    m = view.manifest
    gen = walk_box(view.full(match.path), authority_key=m.authority_key,
                   election_hash=m.hash(), station_id=match.station_id,
                   kiosk_id=match.kiosk_id)
    try:
        record, problems = next(gen)
    finally:
        gen.close()
    if problems or not isinstance(record, OpenRecord):
        raise BoxError(f"{match.path}: its OPEN record does not verify")
    return record.certificate.kiosk_key


def check_opening(view, checked, opening: bytes | None = None) -> OpeningResult:
    """Check `opening` (EVOP bytes, e.g. from read_opening_file) against the verified
    SPOIL record `checked.record` (lookup.Checked). Never raises for what the record or
    the opening holds."""
    if not opening:
        return OpeningResult(False, "file", "no opening", missing=True)
    record, match = checked.record, checked.match
    try:
        parsed = Opening.from_bytes(opening)
    except EvoteError as exc:
        return OpeningResult(False, "file", f"the opening does not parse: {exc}")
    try:
        kiosk_key = _kiosk_key(view, match)
        ch = check_against(view.context, view.manifest, parsed, ballot_bytes=record.payload,
                           election_hash=view.manifest.hash(), station_id=match.station_id,
                           kiosk_id=match.kiosk_id, seq=record.seq,
                           ballot_id=record.ballot_id, code=record.code,
                           kiosk_key=kiosk_key)
    except (EvoteError, OSError) as exc:
        return OpeningResult(False, "file", str(exc))
    out = OpeningResult(True, "file")
    for sec in ch.secrets.contests:
        contest = view.manifest.contest(sec.contest_id)   # verify_challenge looked it up
        c = ContestChoices(contest.contest_id, contest.name)
        c.candidates = [(code, contest.candidate(code).name) for code in sec.selected]
        out.choices.append(c)
    return out
