"""Writes specs/vectors/results-json-v1.json: results.json byte for byte (specs/results.md
5.0) for contests the record vectors' base lacks (proportional lists, individual
independents, unresolved ties, nested tie steps), with every input:

    python tests/results_vectors_gen.py

Each case is a manifest (JSON), the combined counts per contest, the paper station rows,
the lot seed (or null) and the exact results.json text evote writes for them. The vote
vectors are found by a deterministic search (random.Random(k), k = 0, 1, ...) for the
first one whose result shows every feature the case is about, so the file pins those
features and not an accident. tests/test_results_json_vectors.py checks the bytes
against evote and against an independent serialiser written from 5.0.
"""
import dataclasses
from fractions import Fraction
import json
import os
import random
import sys

from evote.manifest import Manifest
from evote.manifest.demo import make_demo_manifest
from evote.results import ContestCounts, ResultSettings, StationCounts, compute_result
from evote.results.model import ElectionResults
from evote.results.report_json import results_to_json_bytes

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "specs", "vectors", "results-json-v1.json")
SEED = bytes(range(32))   # a fixed lot seed: the vectors' draws depend on it


def _manifest(settings: ResultSettings, seats=5, alternates=3, candidates=14,
              tie_chain=None) -> Manifest:
    m = make_demo_manifest(11, n_city_stations=2, n_villages=1, authority_key=bytes(32),
                           city_seats=seats, city_alternates=alternates,
                           city_candidates=candidates, city_method="proportional")
    contests = []
    for c in m.contests:
        if c.method == "proportional":
            c = dataclasses.replace(c, settings=settings)
        if tie_chain is not None:
            c = dataclasses.replace(c, tie_chain=tie_chain)
        contests.append(c)
    m = dataclasses.replace(m, contests=tuple(contests))
    return Manifest.from_json_obj(m.to_json_obj())   # what a reader of the JSON gets


def _counts(contest, rng, hi):
    votes = [rng.randint(0, hi) for _ in contest.candidates]
    per = max([contest.max_choices] + [len(contest.list_members(p.code))
                                       for p in contest.lists])
    valid = max([1] + votes + [-(-sum(votes) // per)])
    blank = rng.randint(0, 3)
    return ContestCounts(contest.contest_id, tuple(votes), valid + blank, blank)


def _paper_row(manifest, counts):
    """The paper station's row: the second city station declared these counts itself
    (a share of the total: a third of each number, rounded down)."""
    c = counts[manifest.contests[0].contest_id]
    sid = [s.station_id for s in manifest.stations
           if manifest.style(s.style_id).contest_ids == (c.contest_id,)][1]
    part = ContestCounts(c.contest_id, tuple(v // 3 for v in c.votes), c.ballots_cast // 3,
                         min(c.blank, c.ballots_cast // 3))
    return StationCounts(sid, part, paper=True)


def _results(manifest, rng, hi, seed):
    counts = {c.contest_id: _counts(c, rng, hi) for c in manifest.contests}
    row = _paper_row(manifest, counts)
    results = tuple(compute_result(c, counts[c.contest_id], seed,
                                   paper_stations=(row.station_id,)
                                   if c.contest_id == row.counts.contest_id else ())
                    for c in manifest.contests)
    return counts, row, ElectionResults(manifest, results, (row,), seed)


def _steps(er):
    return {(t.scope.split(" ")[0] if not t.scope.startswith("alternate") else "alt",
             t.step) for r in er.contests for t in r.ties}


def _find(manifest, seed, hi, want):
    """The first vote vector (k = 0, 1, ...) whose results satisfy want(er)."""
    for k in range(20000):
        counts, row, er = _results(manifest, random.Random(k), hi, seed)
        if want(er):
            return k, counts, row, er
    raise AssertionError("no vote vector found")


def _case(name, description, manifest, seed, hi, want):
    k, counts, row, er = _find(manifest, seed, hi, want)
    return {"name": name, "description": description, "search_k": k,
            "manifest": manifest.to_json_obj(),
            "counts": [{"contest_id": c.contest_id, "votes": list(c.votes),
                        "ballots_cast": c.ballots_cast, "blank": c.blank}
                       for c in counts.values()],
            "paper_stations": [{"station_id": row.station_id,
                                "contest_id": row.counts.contest_id,
                                "votes": list(row.counts.votes),
                                "ballots_cast": row.counts.ballots_cast,
                                "blank": row.counts.blank}],
            "lot_seed": None if seed is None else seed.hex(),
            "results_json": results_to_json_bytes(er).decode("utf-8")}


def _prop(er):
    return er.contests[0]


def cases():
    lr = ResultSettings(min_votes=1, threshold=Fraction(1, 10))
    yield _case(
        "proportional-hare-pool",
        "Proportional contest (hare, threshold 1/10, min_votes 1, independents pooled, "
        "largest_remainder alternates): a list below the threshold, a remainder seat "
        "decided by a tie step, a tie inside a list decided by lot (draws in draw order), "
        "alternate shares; a plurality village contest beside it.",
        _manifest(lr), SEED, 9,
        lambda er: (any(not p.eligible and p.votes > 0 for p in _prop(er).lists)
                    and any(t.step == "lot" and t.scope.startswith("list ")
                            and [c for c, _ in t.draws] != sorted(c for c, _ in t.draws)
                            for t in _prop(er).ties)
                    and any(t.scope.startswith("alternate shares") for t in _prop(er).ties)
                    and any(t.scope.startswith("lists") for t in _prop(er).ties)))
    ind = ResultSettings(min_votes=0, quota="droop", independents="individual",
                         alternate_rounding="floor")
    yield _case(
        "proportional-droop-individual",
        "Proportional contest (droop, independents one pool each, floor alternates): pools "
        "`independent <code>` with list_code null and no name, a remainder tie among "
        "pools by lot.",
        _manifest(ind, seats=4, alternates=2), SEED, 6,
        lambda er: (any(p.list_code is None and len(p.members) == 1 and p.seats
                        for p in _prop(er).lists)
                    and any(t.step == "lot" and t.scope.startswith("lists")
                            for t in _prop(er).ties)))
    yield _case(
        "unresolved-without-seed",
        "The first case's manifest without a lot seed (lot_seed null: outside a record): "
        "ties the chain cannot break are `unresolved`, their members `undecided`, the "
        "contest not resolved and its seats at stake unfilled.",
        _manifest(lr), None, 9,
        lambda er: (any(c.status == "undecided" for r in er.contests for c in r.candidates)
                    and any(r.unfilled_seats for r in er.contests)))
    yield _case(
        "nested-tie-chain",
        "Tie chain (education) where the first step splits a decisive group into parts of "
        "which one is still tied and decisive (its lot step follows, depth first), and a "
        "step that does not split its group (order [[all codes]]).",
        _manifest(lr), SEED, 4,
        lambda er: any(_nested(r.ties) for r in er.contests)
        and any(t.step == "education" and len(t.order) == 1
                for r in er.contests for t in r.ties))


def _nested(ties):
    """An attribute step with more than one part followed (depth first) by a lot step on
    one of its parts."""
    for a, b in zip(ties, ties[1:]):
        if (a.step not in ("lot", "unresolved") and len(a.order) > 1 and b.step == "lot"
                and b.scope == a.scope and b.codes in a.order):
            return True
    return False


def main():
    data = {"format": "evote-results-vectors/1",
            "description": "results.json (evote-results/1) byte for byte, specs/results.md "
            "5.0: for each case, from its manifest, counts, paper station rows and lot seed, "
            "the exact text of results_json (UTF-8). counts are the combined counts of each "
            "contest (manifest order); paper_stations are the rows of `stations` (their "
            "station is listed in its contest's `paper_stations`).",
            "cases": list(cases())}
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
