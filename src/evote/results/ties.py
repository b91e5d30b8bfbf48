"""Ordering with ties: the one procedure every counting method uses (specs/results.md s. 4).

Entries (a candidate, or a list competing for a remainder seat) are ordered by a score,
higher first. Positions fall into classes: the first n_win positions are one class
("winner"), each of the next n_alt positions is a class of its own (alternates are ordered:
the first alternate fills the first vacancy), every later position is one class ("none").
A group of equal scores is DECISIVE when its positions span more than one class; only
decisive groups are broken, because inside one class the order changes nothing.

A decisive group is split by each attribute of the tie chain in turn (higher wins); a
subgroup that is still tied and still decisive goes on to the next attribute; after the
last attribute, a lot decides, drawn from the published seed:

    draw(code) = digest("evote/v1/lot", seed, text(contest_id), text(scope),
                        u64(k), u64(c_1), ..., u64(c_k), u64(code))

over the k tied codes c_1 < ... < c_k; the tied entries are put in increasing order of
their draws (as 32-byte strings). With no seed the group is recorded as unresolved.
Every step taken (attribute or lot or unresolved) is recorded as a TieDecision.
"""
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from ..errors import EvoteTypeError, EvoteValueError
from ..hashing import digest, text, u64

LOT_TAG = "evote/v1/lot"


@dataclass(frozen=True)
class TieDecision:
    """One step in breaking one tie.

    scope: what was ordered ("candidates", "list 3", "independents", "lists",
    "alternate shares"); score: the equal score (votes, or a remainder as a string);
    positions: (first, last) 0-based positions at stake in that scope's order;
    codes: the tied codes, ascending; step: the attribute name, "lot" or "unresolved";
    order: the codes after the step, as groups still tied after it (singletons when
    decided); draws: for a lot, (code, draw hex) in the order drawn.
    """
    scope: str
    score: str
    positions: Tuple[int, int]
    codes: Tuple[int, ...]
    step: str
    order: Tuple[Tuple[int, ...], ...]
    draws: Tuple[Tuple[int, str], ...] = ()

    @property
    def resolved(self) -> bool:
        return self.step != "unresolved"


@dataclass(frozen=True)
class Entry:
    code: int
    score: object  # int or Fraction: compared only with each other
    attributes: Mapping[str, int]


class Lot:
    """The published-seed lot of one contest (None seed -> no lot: ties stay unresolved)."""

    def __init__(self, seed: Optional[bytes], contest_id: str):
        if seed is not None and not isinstance(seed, (bytes, bytearray)):
            raise EvoteTypeError(f"lot seed: expected bytes, got {type(seed).__name__}")
        if seed is not None and len(seed) == 0:
            raise EvoteValueError("lot seed: empty (pass None for no lot)")
        self.seed = None if seed is None else bytes(seed)
        self.contest_id = contest_id

    @property
    def available(self) -> bool:
        return self.seed is not None

    def draw(self, scope: str, codes: Sequence[int]) -> List[Tuple[int, bytes]]:
        """(code, draw) for every tied code, in drawn order (smallest draw first)."""
        tied = sorted(codes)
        common = [self.seed, text(self.contest_id), text(scope), u64(len(tied))]
        common += [u64(c) for c in tied]
        draws = [(c, digest(LOT_TAG, *common, u64(c))) for c in tied]
        return sorted(draws, key=lambda cd: (cd[1], cd[0]))


def position_class(p: int, n_win: int, n_alt: int):
    if p < n_win:
        return "W"
    if p < n_win + n_alt:
        return ("A", p)
    return "N"


def status_of(p: int, n_win: int, n_alt: int) -> str:
    c = position_class(p, n_win, n_alt)
    return "winner" if c == "W" else "none" if c == "N" else "alternate"


@dataclass(frozen=True)
class Ordering:
    codes: Tuple[int, ...]             # every entry, best first
    status: Dict[int, str]             # code -> winner | alternate | none | undecided
    decisions: Tuple[TieDecision, ...]

    @property
    def resolved(self) -> bool:
        return all(d.resolved for d in self.decisions)

    def with_status(self, status: str) -> Tuple[int, ...]:
        return tuple(c for c in self.codes if self.status[c] == status)


def _fmt(score) -> str:
    return str(score)


def order_entries(entries: Sequence[Entry], n_win: int, n_alt: int,
                  tie_chain: Sequence[str], lot: Lot, scope: str) -> Ordering:
    """Order entries by score (higher first), breaking decisive ties as described above."""
    groups: Dict[object, List[Entry]] = {}
    for e in entries:
        groups.setdefault(e.score, []).append(e)
    out: List[int] = []
    status: Dict[int, str] = {}
    decisions: List[TieDecision] = []
    pos = 0
    for score in sorted(groups, reverse=True):
        group = sorted(groups[score], key=lambda e: e.code)
        _place(group, pos, 0, n_win, n_alt, tie_chain, lot, scope, out, status, decisions)
        pos += len(group)
    return Ordering(tuple(out), status, tuple(decisions))


def _decisive(start: int, size: int, n_win: int, n_alt: int) -> bool:
    return len({position_class(p, n_win, n_alt) for p in range(start, start + size)}) > 1


def _place(group: List[Entry], start: int, depth: int, n_win: int, n_alt: int,
           chain: Sequence[str], lot: Lot, scope: str, out: List[int],
           status: Dict[int, str], decisions: List[TieDecision]) -> None:
    """Append `group` (entries tied so far, occupying positions start..) to out."""
    if len(group) == 1 or not _decisive(start, len(group), n_win, n_alt):
        for i, e in enumerate(group):
            out.append(e.code)
            status[e.code] = status_of(start + i, n_win, n_alt)
        return
    codes = tuple(e.code for e in group)
    where = (start, start + len(group) - 1)
    score = _fmt(group[0].score)
    if depth < len(chain):
        attr = chain[depth]
        sub: Dict[int, List[Entry]] = {}
        for e in group:
            sub.setdefault(e.attributes[attr], []).append(e)
        parts = [sub[v] for v in sorted(sub, reverse=True)]
        decisions.append(TieDecision(scope, score, where, codes, attr,
                                     tuple(tuple(e.code for e in p) for p in parts)))
        p0 = start
        for part in parts:
            _place(part, p0, depth + 1, n_win, n_alt, chain, lot, scope, out, status,
                   decisions)
            p0 += len(part)
        return
    if lot.available:
        drawn = lot.draw(scope, codes)
        decisions.append(TieDecision(scope, score, where, codes, "lot",
                                     tuple((c,) for c, _ in drawn),
                                     tuple((c, d.hex()) for c, d in drawn)))
        for i, (c, _) in enumerate(drawn):
            out.append(c)
            status[c] = status_of(start + i, n_win, n_alt)
        return
    decisions.append(TieDecision(scope, score, where, codes, "unresolved", (codes,)))
    kinds = {status_of(p, n_win, n_alt) for p in range(start, start + len(group))}
    st = kinds.pop() if len(kinds) == 1 else "undecided"
    for e in group:
        out.append(e.code)
        status[e.code] = st

