"""A voter's choices -> the plaintext selections the kiosk encrypts, with every refusal
made before anything is encrypted.

Choices are given per contest of the ballot style, as typed codes (str, parsed with
evote.manifest.parse_candidate_code: ASCII, Persian or Arabic-Indic digits, or int).
In a proportional contest a list code stands for every member of the list.

Rules (each violation raises BallotError naming the contest and the code):
- the style must exist; every contest named must be on the style;
- every code must be a candidate (or, in a proportional contest, a list) of the contest;
- no candidate may be chosen twice (directly, or once directly and once through a list,
  or through two lists);
- at most max_choices candidates per contest (counting list members);
- a contest of the style that the choices do not name is blank (no candidate chosen).

Invariant of PlaintextContest: votes[i] is 1 exactly when candidates[i].code is in
`selected`, the number of 1s is at most the contest's max_choices, and blank == (no 1s).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence, Tuple, Union

from evote.errors import BallotError, EvoteError, EvoteTypeError
from evote.manifest import Contest, Manifest, parse_candidate_code

Code = Union[str, int]


@dataclass(frozen=True, repr=False)
class PlaintextContest:
    """One contest's selections: candidate codes in candidate order and the 0/1 vector."""

    contest_id: str
    selected: Tuple[int, ...]
    votes: Tuple[int, ...]

    @property
    def blank(self) -> int:
        """1 when nothing was chosen in this contest, else 0."""
        return 0 if self.selected else 1

    def __repr__(self) -> str:  # the choices are secret: never in logs
        return f"PlaintextContest({self.contest_id!r}, <hidden>)"


@dataclass(frozen=True, repr=False)
class PlaintextBallot:
    """A ballot's plaintext: the style and one PlaintextContest per style contest, in order."""

    style_id: str
    contests: Tuple[PlaintextContest, ...]

    def __repr__(self) -> str:
        return f"PlaintextBallot({self.style_id!r}, <hidden>)"


def _parse_code(contest_id: str, code) -> int:
    if isinstance(code, bool) or not isinstance(code, (str, int)):
        raise EvoteTypeError(
            f"contest {contest_id!r}: a code must be str or int, got {type(code).__name__}")
    if isinstance(code, int):
        if code < 0:
            raise BallotError(f"contest {contest_id!r}: code {code} is negative")
        return code
    try:
        return parse_candidate_code(code)
    except EvoteError as e:
        raise BallotError(f"contest {contest_id!r}: code {code!r} is not a code: {e}") from None


def contest_selection(contest, codes: Sequence[Code]) -> PlaintextContest:
    """Validate one contest's typed codes against `contest` (an evote.manifest.Contest)."""
    if not isinstance(contest, Contest):
        raise EvoteTypeError(f"contest must be an evote.manifest.Contest, got "
                             f"{type(contest).__name__}")
    cid = contest.contest_id
    # Text and bytes-like objects are Sequences too, of characters or of ints: b"12" or
    # bytearray(b"12") would be read as the codes 49 and 50, a vote nobody typed.
    if isinstance(codes, (str, bytes, bytearray, memoryview)) or not isinstance(codes, Sequence):
        raise EvoteTypeError(
            f"contest {cid!r}: choices must be a list of codes, got {type(codes).__name__}")
    chosen = {}  # candidate code -> the typed code that chose it (for error messages)
    proportional = contest.method == "proportional"
    for typed in codes:
        code = _parse_code(cid, typed)
        if contest.has_candidate(code):
            members = (code,)
        elif proportional and contest.has_list(code):
            members = contest.list_members(code)
        else:
            what = "candidate or list" if proportional else "candidate"
            raise BallotError(f"contest {cid!r}: code {typed!r} is not a {what} of this contest")
        for member in members:
            if member in chosen:
                how = "" if chosen[member] == typed else f" (already chosen via {chosen[member]!r})"
                raise BallotError(
                    f"contest {cid!r}: code {typed!r} chooses candidate {member} twice{how}")
            chosen[member] = typed
    if len(chosen) > contest.max_choices:
        raise BallotError(f"contest {cid!r}: {len(chosen)} candidates chosen, at most "
                          f"{contest.max_choices} allowed")
    votes = tuple(1 if c.code in chosen else 0 for c in contest.candidates)
    selected = tuple(c.code for c in contest.candidates if c.code in chosen)
    return PlaintextContest(cid, selected, votes)


def plaintext_ballot(manifest, style_id: str, choices: Mapping[str, Sequence[Code]]) -> PlaintextBallot:
    """Validate `choices` (contest id -> codes) for ballot style `style_id`.

    Raises BallotError before anything is encrypted; see the module docstring.
    """
    if not isinstance(manifest, Manifest):
        raise EvoteTypeError(f"manifest must be an evote.manifest.Manifest, got "
                             f"{type(manifest).__name__}")
    if not isinstance(style_id, str):
        raise EvoteTypeError(f"style_id must be str, got {type(style_id).__name__}")
    if not isinstance(choices, Mapping):
        raise EvoteTypeError(f"choices must be a mapping contest id -> codes, got "
                             f"{type(choices).__name__}")
    try:
        style = manifest.style(style_id)
    except EvoteError:
        raise BallotError(f"ballot style {style_id!r} is not in the manifest") from None
    on_style = set(style.contest_ids)
    for cid in choices:
        if cid not in on_style:
            raise BallotError(f"contest {cid!r} is not on ballot style {style_id!r}")
    contests = tuple(contest_selection(manifest.contest(cid), choices.get(cid, ()))
                     for cid in style.contest_ids)
    return PlaintextBallot(style_id, contests)
