"""The plain-text report (reports/results.txt, and what `evote demo` prints): per contest
a table of candidates (winners WIN, alternates ALT, undecided TIE?), ties, list seats,
then the paper-fallback stations.

Deterministic by construction, so a verifier can regenerate it byte for byte (check V18):
only ASCII is ever aligned (ranks, codes, votes, marks), every name comes last on its
line, so no Unicode width table (which differs between library versions and terminals)
decides a byte. Terminals do not reorder right-to-left text, so Persian names appear in
logical order. "\\n" line ends, UTF-8.
"""
from typing import Optional

from .model import ElectionResults

MARK = {"winner": "WIN", "alternate": "ALT", "undecided": "TIE?", "none": ""}


def _hex_or_dash(value: Optional[bytes]) -> str:
    return "-" if value is None else value.hex()


def _contest_lines(er: ElectionResults, r) -> list:
    contest = er.manifest.contest(r.contest_id)
    lists = {p.code: p.name for p in contest.lists}
    lines = ["", f"contest {r.contest_id}: {contest.name}",
             f"  {r.method}, seats {r.seats}, alternates {r.alternates}; ballots cast "
             f"{r.ballots_cast}, blank {r.blank}, valid {r.valid}"
             + ("" if r.resolved else "; UNRESOLVED TIE")
             + (f"; UNFILLED SEATS {r.unfilled_seats}" if r.unfilled_seats else "")]
    by_code = {c.code: c for c in contest.candidates}
    order = sorted(r.candidates, key=lambda c: (c.rank, c.code))
    cols = [(str(c.rank), str(c.code), str(c.votes), MARK[c.status]) for c in order]
    head = ("rank", "code", "votes", "")
    w = [max(len(x[k]) for x in cols + [head]) for k in range(4)]
    lines.append(f"  {head[0]:>{w[0]}}  {head[1]:>{w[1]}}  {head[2]:>{w[2]}}  "
                 f"{head[3]:<{w[3]}}  name" + ("  [list]" if lists else ""))
    for (rank, code, votes, mark), cr in zip(cols, order):
        c = by_code[cr.code]
        lst = f"  [{lists[c.list_code]}]" if c.list_code in lists else ""
        lines.append(f"  {rank:>{w[0]}}  {code:>{w[1]}}  {votes:>{w[2]}}  {mark:<{w[3]}}  "
                     f"{c.name}{lst}")
    lines.append("  winners in seat order: " + (" ".join(map(str, r.winners)) or "-"))
    lines.append("  alternates in order of succession: "
                 + (" ".join(map(str, r.alternate_codes)) or "-"))
    for tie in r.ties:
        how = {"lot": "lot drawn from the published seed",
               "unresolved": "UNRESOLVED (no lot seed given)"}.get(
            tie.step, f"attribute {tie.step!r} (higher wins)")
        lines.append(f"  tie in {tie.scope} at {tie.score} (positions "
                     f"{tie.positions[0] + 1}-{tie.positions[1] + 1}) among "
                     f"{', '.join(map(str, tie.codes))}: {how} -> "
                     f"{' | '.join(' '.join(map(str, g)) for g in tie.order)}")
    for p in r.lists:
        name = ("independents" if p.list_code is None and len(p.members) > 1 else
                f"independent {p.members[0]}" if p.list_code is None else
                f"list {p.list_code} {lists.get(p.list_code, '')}".rstrip())
        lines.append(f"  {name}: votes {p.votes}, seats {p.seats} ({p.quota_seats} by "
                     f"quota + {p.remainder_seats} by remainder), alternates "
                     f"{p.alternates}" + ("" if p.eligible else ", below threshold"))
    return lines


def render_text(er: ElectionResults, root_hash: Optional[bytes] = None,
                package_hash: Optional[bytes] = None) -> str:
    """The whole report as text. root_hash / package_hash: the record's (32 bytes each),
    shown at the top so a reader can check the report against the announced ones ("-"
    when not given: a report outside a record)."""
    m = er.manifest
    lines = [f"{m.name}  [{m.election_id}]  {m.election_date}",
             f"record root hash: {_hex_or_dash(root_hash)}",
             f"election package hash: {_hex_or_dash(package_hash)}",
             f"manifest hash: {m.hash().hex()}",
             f"lot seed: {_hex_or_dash(er.lot_seed)}"]
    for r in er.contests:
        lines += _contest_lines(er, r)
    paper = er.paper_stations()
    if paper:
        lines += ["", f"paper-fallback stations (declared results): {', '.join(paper)}"]
    lines += ["", "check: evote verify RECORD --package <election package hash> "
              "--root <record root hash>"]
    return "\n".join(lines) + "\n"


def print_results(er: ElectionResults, root_hash: Optional[bytes] = None,
                  package_hash: Optional[bytes] = None) -> None:
    """render_text on stdout."""
    print(render_text(er, root_hash, package_hash), end="")
