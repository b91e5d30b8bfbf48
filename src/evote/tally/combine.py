"""From decrypted district tallies and declared paper results to evote.results.

district counts of a contest = decrypted counts of its electronic stations (one
district tally) + the sum of the declared counts of its paper stations. Every output
marks the paper stations: ContestResult.paper_stations, and StationCounts(paper=True)
rows for their declared counts (electronic station rows appear only where station
tallies were decrypted and published, given as `station_counts`).

Refuses (TallyInputError) a paper station that also has an electronic tally, since its
ballots would count twice, and a paper result for a contest outside its district.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Optional, Sequence

from ..errors import EvoteTypeError
from ..results.count import compute_results
from ..results.model import ContestCounts, ElectionResults, StationCounts
from .errors import TallyInputError
from .paper import PaperResult


def combine_counts(manifest, decrypted: Mapping[str, Sequence[ContestCounts]],
                   paper_results: Iterable[PaperResult] = (),
                   electronic_stations: Iterable[str] = ()) -> tuple:
    """(counts per contest in manifest order, contest id -> paper station ids).

    decrypted: district id -> ContestCounts (verify_decryption_record's output);
    electronic_stations: ids of the stations in the encrypted tallies (to refuse a
    station counted both ways). A contest with neither part counts zero ballots."""
    electronic = set(electronic_stations)
    total: dict = {}
    for did, items in decrypted.items():
        for c in items:
            if not isinstance(c, ContestCounts):
                raise EvoteTypeError("decrypted: expected ContestCounts items")
            if manifest.contest(c.contest_id).district_id != did:
                raise TallyInputError(f"decrypted counts of contest {c.contest_id!r} are filed "
                                      f"under district {did!r}, not its own")
            if c.contest_id in total:
                raise TallyInputError(f"contest {c.contest_id!r} decrypted twice")
            total[c.contest_id] = c
    paper: dict = {}
    for p in paper_results:
        if not isinstance(p, PaperResult):
            raise EvoteTypeError("paper_results: expected PaperResult items")
        if p.station_id in electronic:
            raise TallyInputError(f"station {p.station_id!r} has both an electronic tally and "
                                  "a paper result; it would count twice")
        for c in p.contests:
            if p.station_id in paper.get(c.contest_id, ()):
                raise TallyInputError(f"{p.where}: contest {c.contest_id!r} declared twice")
            prev = total.get(c.contest_id)
            total[c.contest_id] = c if prev is None else prev + c
            paper.setdefault(c.contest_id, []).append(p.station_id)
    counts = []
    for contest in manifest.contests:
        c = total.get(contest.contest_id)
        if c is None:
            c = ContestCounts(contest.contest_id, (0,) * len(contest.candidates), 0, 0)
        counts.append(c)
    return tuple(counts), {cid: tuple(sorted(v)) for cid, v in paper.items()}


def election_results(manifest, decrypted: Mapping[str, Sequence[ContestCounts]],
                     paper_results: Sequence[PaperResult] = (), *,
                     electronic_stations: Iterable[str] = (), seed: Optional[bytes] = None,
                     station_counts: Sequence[StationCounts] = ()
                     ) -> ElectionResults:
    """The ElectionResults the reports render (report_json / report_csv / report_text /
    report_html), with paper stations marked. Paper results must be verified first
    (PaperResult.verify)."""
    paper_results = tuple(paper_results)
    counts, paper = combine_counts(manifest, decrypted, paper_results, electronic_stations)
    results = compute_results(manifest, counts, seed, paper)  # each contest's own settings
    rows = list(station_counts)
    for p in paper_results:
        rows.extend(StationCounts(p.station_id, c, paper=True) for c in p.contests)
    return ElectionResults(manifest, results, tuple(rows), seed)
