"""What a voter types -> the codes of one contest (specs/election.md section 9).

    parse_codes(contest, "12 ۳۴، ٥٦+7")  -> (12, 34, 56, 7)
    parse_codes(contest, ["12", 34])     -> (12, 34)

Typed text: codes written in ASCII (0-9), Persian (U+06F0-U+06F9) or Arabic-Indic
(U+0660-U+0669) digits, mixed freely, separated by any run of whitespace, commas (`,`,
Arabic comma U+060C) or `+`. Empty text (or only separators) is a blank vote.

Invariant of the result: every code is a candidate of the contest or, in a proportional
contest, one of its lists; no candidate is chosen twice (directly, or through a list, or
through two lists); at most max_choices candidates are chosen, counting a list code as all
of its members; the codes are in the order typed, list codes kept as list codes
(evote.protocol.ballot expands them exactly as checked here). Every refusal is a
CodeEntryError naming the contest and the code, raised before anything is encrypted.
"""
from __future__ import annotations

import re

from ..errors import BallotError, EvoteError, EvoteTypeError
from ..manifest import Contest, parse_candidate_code

MAX_TYPED_CHARS = 4096      # far above any real entry; bounds the work on junk input
SEPARATORS = re.compile("[\\s,\u060c+]+")


class CodeEntryError(BallotError):
    """Typed codes that cannot be a vote in the contest (the message says why)."""


def _split(contest_id: str, typed: str) -> list:
    if len(typed) > MAX_TYPED_CHARS:
        raise CodeEntryError(f"contest {contest_id!r}: {len(typed)} characters typed, at "
                             f"most {MAX_TYPED_CHARS}")
    return [t for t in SEPARATORS.split(typed) if t]


def _code_of(contest_id: str, token) -> int:
    if isinstance(token, bool) or not isinstance(token, (str, int)):
        raise EvoteTypeError(f"contest {contest_id!r}: a code must be str or int, got "
                             f"{type(token).__name__}")
    if isinstance(token, int):
        if token < 0:
            raise CodeEntryError(f"contest {contest_id!r}: code {token} is negative")
        return token
    try:
        return parse_candidate_code(token)
    except EvoteError as exc:
        raise CodeEntryError(f"contest {contest_id!r}: {token!r} is not a code ({exc})") \
            from None


def _shown(token, code: int) -> str:
    """A code as the voter typed it, with its ASCII value when it was typed otherwise."""
    if isinstance(token, int):
        return str(token)
    return repr(token) if token == str(code) else f"{token!r} ({code})"


def parse_codes(contest: Contest, typed) -> tuple:
    """The codes `typed` (text, or a list of str/int codes) for `contest`; see the module
    docstring for the accepted forms and the refusals."""
    if not isinstance(contest, Contest):
        raise EvoteTypeError(f"contest must be an evote.manifest.Contest, got "
                             f"{type(contest).__name__}")
    cid = contest.contest_id
    if isinstance(typed, str):
        tokens = _split(cid, typed)
    elif isinstance(typed, (list, tuple)):
        tokens = list(typed)
    else:
        raise EvoteTypeError(f"contest {cid!r}: expected typed text or a list of codes, got "
                             f"{type(typed).__name__}")
    proportional = contest.method == "proportional"
    chosen = {}   # candidate code -> the token that chose it (for the message)
    codes = []
    for token in tokens:
        code = _code_of(cid, token)
        shown = _shown(token, code)
        if contest.has_candidate(code):
            members = (code,)
        elif proportional and contest.has_list(code):
            members = contest.list_members(code)
        else:
            what = "a candidate or list" if proportional else "a candidate"
            raise CodeEntryError(f"contest {cid!r}: code {shown} is not {what} of this "
                                 "contest")
        for member in members:
            if member in chosen:
                first = chosen[member]
                how = "" if first == code else f" (already chosen by code {first})"
                raise CodeEntryError(f"contest {cid!r}: code {shown} chooses candidate "
                                     f"{member} a second time{how}")
            chosen[member] = code
        codes.append(code)
    if len(chosen) > contest.max_choices:
        raise CodeEntryError(f"contest {cid!r}: {len(chosen)} candidates chosen, at most "
                             f"{contest.max_choices} allowed")
    return tuple(codes)
