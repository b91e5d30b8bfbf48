"""Result objects: counts in (from the tally), results out (to the reports).

Counts are checked against their contest when a result is computed (count.py); the
objects here check what they can alone (types, signs, blank <= ballots cast).
"""
from dataclasses import dataclass, field
from typing import Optional, Tuple

from ..errors import EvoteTypeError, EvoteValueError
# The settings are the contest's, in the manifest (bound by its hash); re-exported here.
from ..manifest.result_settings import (INDEPENDENTS, QUOTAS, ROUNDINGS,  # noqa: F401
                                        ResultSettings)
from .ties import TieDecision

STATUSES = ("winner", "alternate", "none", "undecided")


def _nonneg_int(v, what: str) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise EvoteTypeError(f"{what}: expected int, got {type(v).__name__}")
    if v < 0:
        raise EvoteValueError(f"{what}: {v} is negative")
    return v


def _votes(votes, what: str) -> Tuple[int, ...]:
    if not isinstance(votes, (tuple, list)):
        raise EvoteTypeError(f"{what}: expected a tuple of ints, got {type(votes).__name__}")
    return tuple(_nonneg_int(v, f"{what}[{i}]") for i, v in enumerate(votes))


@dataclass(frozen=True)
class ContestCounts:
    """Decrypted (or declared) totals of one contest: votes per candidate in the contest's
    candidate order, ballots cast (blank ones included) and blank ballots."""
    contest_id: str
    votes: Tuple[int, ...]
    ballots_cast: int
    blank: int

    def __post_init__(self):
        if not isinstance(self.contest_id, str):
            raise EvoteTypeError("ContestCounts.contest_id: expected str")
        w = f"counts of contest {self.contest_id!r}"
        object.__setattr__(self, "votes", _votes(self.votes, f"{w}: votes"))
        _nonneg_int(self.ballots_cast, f"{w}: ballots_cast")
        _nonneg_int(self.blank, f"{w}: blank")
        if self.blank > self.ballots_cast:
            raise EvoteValueError(f"{w}: blank {self.blank} > ballots cast {self.ballots_cast}")

    @property
    def valid(self) -> int:
        """Ballots cast that chose at least one candidate."""
        return self.ballots_cast - self.blank

    def __add__(self, other: "ContestCounts") -> "ContestCounts":
        if not isinstance(other, ContestCounts):
            return NotImplemented
        if other.contest_id != self.contest_id or len(other.votes) != len(self.votes):
            raise EvoteValueError(f"cannot add counts of contest {other.contest_id!r} "
                                  f"({len(other.votes)} candidates) to {self.contest_id!r} "
                                  f"({len(self.votes)} candidates)")
        return ContestCounts(self.contest_id,
                             tuple(a + b for a, b in zip(self.votes, other.votes)),
                             self.ballots_cast + other.ballots_cast, self.blank + other.blank)


@dataclass(frozen=True)
class StationCounts:
    """One station's counts for one contest. paper=True: the station fell back to paper
    and these are its declared, hand-counted results (marked as such in every output)."""
    station_id: str
    counts: ContestCounts
    paper: bool = False

    def __post_init__(self):
        if not isinstance(self.station_id, str):
            raise EvoteTypeError("StationCounts.station_id: expected str")
        if not isinstance(self.counts, ContestCounts):
            raise EvoteTypeError("StationCounts.counts: expected ContestCounts")
        if not isinstance(self.paper, bool):
            raise EvoteTypeError("StationCounts.paper: expected bool")


@dataclass(frozen=True)
class CandidateResult:
    code: int
    votes: int
    rank: int                 # 1 + number of candidates of the contest with more votes
    status: str               # winner | alternate | none | undecided
    list_code: Optional[int] = None


@dataclass(frozen=True)
class ListResult:
    """A pool in a proportional contest: a party list, the independents' pool
    (list_code None), or one independent (settings.independents == "individual"; then
    list_code None and members == (that candidate,))."""
    list_code: Optional[int]
    members: Tuple[int, ...]
    votes: int
    eligible: bool            # passed the threshold
    quota_seats: int          # whole quotas (after the cap at the pool's size)
    remainder: str            # votes - quota_seats * quota, exact (a fraction as "p/q")
    remainder_seats: int
    seats: int
    alternates: int
    winners: Tuple[int, ...]
    alternate_codes: Tuple[int, ...]


@dataclass(frozen=True)
class ContestResult:
    contest_id: str
    method: str
    seats: int
    alternates: int
    ballots_cast: int
    blank: int
    candidates: Tuple[CandidateResult, ...]   # manifest (ciphertext) order
    winners: Tuple[int, ...]                  # best first (plurality) / list by list
    alternate_codes: Tuple[int, ...]          # in order of succession
    ties: Tuple[TieDecision, ...]
    settings: ResultSettings
    lists: Tuple[ListResult, ...] = ()
    quota: Optional[str] = None               # proportional: the quota used, exact
    seed_used: bool = False
    paper_stations: Tuple[str, ...] = field(default=())  # stations counted from paper

    @property
    def valid(self) -> int:
        return self.ballots_cast - self.blank

    @property
    def resolved(self) -> bool:
        """False when a tie that decides a seat or an alternate's place is unresolved."""
        return all(t.resolved for t in self.ties)

    @property
    def unfilled_seats(self) -> int:
        """Seats nobody holds: too few candidates with min_votes, every list below the
        threshold, or seats waiting on an unresolved tie."""
        return self.seats - len(self.winners)

    def candidate(self, code: int) -> CandidateResult:
        for c in self.candidates:
            if c.code == code:
                return c
        raise EvoteValueError(f"contest {self.contest_id!r} has no candidate {code!r}")


@dataclass(frozen=True)
class ElectionResults:
    """What the reports show: the manifest, one result per contest, the station counts
    (for per-station tables; paper ones marked) and the published lot seed, if any."""
    manifest: object          # evote.manifest.Manifest (not imported here: no cycle)
    contests: Tuple[ContestResult, ...]
    stations: Tuple[StationCounts, ...] = ()
    lot_seed: Optional[bytes] = None

    def __post_init__(self):
        object.__setattr__(self, "contests", tuple(self.contests))
        object.__setattr__(self, "stations", tuple(self.stations))
        for r in self.contests:
            if not isinstance(r, ContestResult):
                raise EvoteTypeError("ElectionResults.contests: expected ContestResult items")
            self.manifest.contest(r.contest_id)
        for s in self.stations:
            if not isinstance(s, StationCounts):
                raise EvoteTypeError("ElectionResults.stations: expected StationCounts items")
            self.manifest.station(s.station_id)
        if self.lot_seed is not None and not isinstance(self.lot_seed, bytes):
            raise EvoteTypeError("ElectionResults.lot_seed: expected bytes or None")

    def result(self, contest_id: str) -> ContestResult:
        for r in self.contests:
            if r.contest_id == contest_id:
                return r
        raise EvoteValueError(f"no result for contest {contest_id!r}")

    def station_rows(self, contest_id: str) -> Tuple[StationCounts, ...]:
        """This contest's station counts in manifest station order."""
        order = {s.station_id: i for i, s in enumerate(self.manifest.stations)}
        rows = [s for s in self.stations if s.counts.contest_id == contest_id]
        return tuple(sorted(rows, key=lambda s: order[s.station_id]))

    def paper_stations(self) -> Tuple[str, ...]:
        ids = {s.station_id for s in self.stations if s.paper}
        for r in self.contests:
            ids.update(r.paper_stations)
        return tuple(sorted(ids))
