"""Check a challenged ballot's opening against its published ciphertext and name the
choices the kiosk encrypted (specs/voter.md section 4).

    opening = read_opening_file(path)                  # bytes of --opening FILE
    result = check_opening(view, checked, opening)     # opening=None: the SPOIL record's

The check is the library's own (evote.protocol.challenge): parse the challenge record,
require its ballot to be byte for byte the published SPOIL payload, verify_challenge.
"""
import os
import re
from dataclasses import dataclass, field

from ..errors import EvoteError
from ..protocol.challenge import MAGIC, ChallengeRecord, verify_challenge
from ..record.jsonio import read_file_bounded

MAX_OPENING = 16 * 1024 * 1024
_HEX_TEXT = re.compile(rb"[0-9a-fA-F\s]+\Z")


class OpeningFileError(EvoteError):
    """--opening FILE cannot be used (the message names the file)."""


def read_opening_file(path) -> bytes:
    """The challenge record bytes held by FILE: binary (starting with EVCH) or hex text."""
    path = os.fspath(path)
    what = f"--opening {path}"
    try:   # a regular file only (no symlink, FIFO or device), bounded
        data = read_file_bounded(path, what, MAX_OPENING * 2 + 64)
    except EvoteError as exc:
        raise OpeningFileError(str(exc)) from None
    if data.startswith(MAGIC):
        raw = data
    elif data.strip() and _HEX_TEXT.match(data):
        digits = b"".join(data.split())
        if len(digits) % 2:
            raise OpeningFileError(f"{what}: an odd number of hex digits ({len(digits)})")
        raw = bytes.fromhex(digits.decode("ascii"))
        if not raw.startswith(MAGIC):
            raise OpeningFileError(f"{what}: the hex does not start with a challenge record "
                                   "(magic EVCH)")
    else:
        raise OpeningFileError(f"{what}: neither a challenge record (starting with EVCH) nor "
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
    source: str                 # "record" or "file"
    failure: str = ""           # why the opening does not open the published ballot
    choices: list = field(default_factory=list)      # [ContestChoices], ballot order
    missing: bool = False       # no opening at all (a SPOIL record without secrets)


def check_opening(view, checked, opening: bytes | None = None) -> OpeningResult:
    """Check the opening of the verified SPOIL record `checked.record` (lookup.Checked):
    `opening` (challenge record bytes, e.g. from read_opening_file) or else the record's
    own secrets. Never raises for what the record or the opening holds."""
    record = checked.record
    source = "record" if opening is None else "file"
    data = record.secrets if opening is None else opening
    if not data:
        return OpeningResult(False, source, "no opening", missing=True)
    try:
        ch = ChallengeRecord.from_bytes(data)
    except EvoteError as exc:
        return OpeningResult(False, source, f"the opening does not parse: {exc}")
    if ch.ballot.to_bytes() != record.payload:
        return OpeningResult(False, source, "the opening is of another ballot than the one "
                             "published in the record (its ciphertext differs)")
    try:
        verify_challenge(view.context, view.manifest, ch, check_proofs=True)
    except EvoteError as exc:
        return OpeningResult(False, source, str(exc))
    out = OpeningResult(True, source)
    for sec in ch.secrets.contests:
        contest = view.manifest.contest(sec.contest_id)   # verify_challenge looked it up
        c = ContestChoices(contest.contest_id, contest.name)
        c.candidates = [(code, contest.candidate(code).name) for code in sec.selected]
        out.choices.append(c)
    return out
