"""Counts + contest -> result, by the contest's method (specs/results.md)."""
from typing import Iterable, Mapping, Optional, Sequence, Tuple

from ..errors import EvoteTypeError, EvoteValueError, TallyMismatch
from ..manifest import Contest, Manifest
from .model import ContestCounts, ContestResult, StationCounts
from .plurality import plurality_result
from .proportional import proportional_result
from .ties import Lot


def check_counts(contest: Contest, counts: ContestCounts) -> None:
    """Counts that cannot come from valid ballots of this contest raise TallyMismatch."""
    if not isinstance(counts, ContestCounts):
        raise EvoteTypeError(f"counts: expected ContestCounts, got {type(counts).__name__}")
    cid = contest.contest_id
    if counts.contest_id != cid:
        raise EvoteValueError(f"counts are for contest {counts.contest_id!r}, not {cid!r}")
    if len(counts.votes) != len(contest.candidates):
        raise EvoteValueError(f"contest {cid!r}: {len(counts.votes)} vote counts for "
                              f"{len(contest.candidates)} candidates")
    valid = counts.valid
    for c, v in zip(contest.candidates, counts.votes):
        if v > valid:
            raise TallyMismatch(f"contest {cid!r}: candidate {c.code} has {v} votes but only "
                                f"{valid} ballots are not blank")
    # A non-blank ballot marks 1..per_ballot candidates; a list vote marks every member,
    # so in a contest with lists one ballot may mark up to the largest list.
    per_ballot = max([contest.max_choices] + [len(contest.list_members(p.code))
                                              for p in contest.lists])
    total = sum(counts.votes)
    if total > valid * per_ballot:
        raise TallyMismatch(f"contest {cid!r}: {total} votes in all exceed {valid} non-blank "
                            f"ballots x {per_ballot} marks at most")
    if total < valid:
        raise TallyMismatch(f"contest {cid!r}: {valid} non-blank ballots but only {total} "
                            "votes (every non-blank ballot marks a candidate)")


def compute_result(contest: Contest, counts: ContestCounts, seed: Optional[bytes] = None,
                   paper_stations: Sequence[str] = ()) -> ContestResult:
    """The result of one contest under its own settings (contest.settings, fixed in the
    manifest: there is no other way to give settings). seed: the lot seed (None: ties
    that the tie chain cannot break are reported unresolved). paper_stations: ids of the
    stations whose declared paper results are included in counts (marked in every
    output)."""
    if not isinstance(contest, Contest):
        raise EvoteTypeError(f"contest: expected Contest, got {type(contest).__name__}")
    settings = contest.settings
    check_counts(contest, counts)
    lot = Lot(seed, contest.contest_id)
    fn = plurality_result if contest.method == "plurality" else proportional_result
    result = fn(contest, counts, lot, settings)
    if paper_stations:
        from dataclasses import replace
        result = replace(result, paper_stations=tuple(sorted(set(paper_stations))))
    return result


def combine_station_counts(manifest: Manifest, stations: Iterable[StationCounts]
                           ) -> Mapping[str, Tuple[ContestCounts, Tuple[str, ...]]]:
    """Sum station counts per contest: contest id -> (counts, ids of paper stations).
    Refuses a station twice for one contest and a contest not on the station's style."""
    out = {}
    seen = set()
    for s in stations:
        if not isinstance(s, StationCounts):
            raise EvoteTypeError("stations: expected StationCounts items")
        cid = s.counts.contest_id
        station = manifest.station(s.station_id)
        if cid not in manifest.style(station.style_id).contest_ids:
            raise EvoteValueError(f"station {s.station_id!r} does not offer contest {cid!r}")
        if (s.station_id, cid) in seen:
            raise EvoteValueError(f"station {s.station_id!r} counted twice for contest {cid!r}")
        seen.add((s.station_id, cid))
        check_counts(manifest.contest(cid), s.counts)
        prev, paper = out.get(cid, (None, ()))
        total = s.counts if prev is None else prev + s.counts
        out[cid] = (total, paper + ((s.station_id,) if s.paper else ()))
    return out


def compute_results(manifest: Manifest, counts: Iterable[ContestCounts],
                    seed: Optional[bytes] = None,
                    paper_stations: Mapping[str, Sequence[str]] = None
                    ) -> Tuple[ContestResult, ...]:
    """Results of every contest given, in manifest contest order; every contest of the
    manifest must be given exactly once."""
    by_id = {}
    for c in counts:
        if not isinstance(c, ContestCounts):
            raise EvoteTypeError("counts: expected ContestCounts items")
        if c.contest_id in by_id:
            raise EvoteValueError(f"contest {c.contest_id!r} given twice")
        manifest.contest(c.contest_id)  # raises NotInManifest for an unknown contest
        by_id[c.contest_id] = c
    missing = [c.contest_id for c in manifest.contests if c.contest_id not in by_id]
    if missing:
        raise EvoteValueError(f"no counts for contest(s) {', '.join(map(repr, missing))}")
    paper_stations = paper_stations or {}
    return tuple(compute_result(c, by_id[c.contest_id], seed,
                                paper_stations.get(c.contest_id, ()))
                 for c in manifest.contests)
