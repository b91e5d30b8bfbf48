"""The terminal report: one rich table per contest (winners and alternates marked, ties
listed, paper stations named). Terminals do not reorder right-to-left text, so Persian
names appear in logical order; codes and numbers are ASCII here for the same reason."""
import io
from typing import Optional

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .model import ElectionResults

MARK = {"winner": "WIN", "alternate": "ALT", "undecided": "TIE?", "none": ""}
STYLE = {"winner": "bold green", "alternate": "yellow", "undecided": "bold red", "none": ""}


def _contest_table(er: ElectionResults, r) -> Table:
    contest = er.manifest.contest(r.contest_id)
    lists = {p.code: p.name for p in contest.lists}
    t = Table(title=escape(f"{contest.name} [{r.contest_id}]  {r.method}  seats {r.seats}, "
                    f"alternates {r.alternates}"),
              caption=f"ballots cast {r.ballots_cast}, blank {r.blank}, valid {r.valid}"
                      + ("" if r.resolved else "  UNRESOLVED TIE")
                      + (f"  UNFILLED SEATS {r.unfilled_seats}" if r.unfilled_seats else ""))
    for col, just in (("#", "right"), ("code", "right"), ("name", "left"), ("list", "left"),
                      ("votes", "right"), ("", "left")):
        t.add_column(col, justify=just)
    by_code = {c.code: c for c in contest.candidates}
    order = sorted(r.candidates, key=lambda c: (c.rank, c.code))
    for cr in order:
        c = by_code[cr.code]
        t.add_row(str(cr.rank), str(cr.code), escape(c.name), escape(lists.get(c.list_code, "")),
                  str(cr.votes), MARK[cr.status], style=STYLE[cr.status] or None)
    return t


def render_text(er: ElectionResults, width: int = 100, color: bool = False) -> str:
    """The whole report as text (color=True keeps ANSI styles)."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=color, color_system=None
                      if not color else "standard", record=False)
    print_results(er, console)
    return buf.getvalue()


def print_results(er: ElectionResults, console: Optional[Console] = None) -> None:
    console = console or Console()
    m = er.manifest
    console.print(f"{m.name}  [{m.election_id}]  {m.election_date}", markup=False)
    for r in er.contests:
        console.print(_contest_table(er, r))
        for tie in r.ties:
            how = {"lot": "lot drawn from the published seed",
                   "unresolved": "UNRESOLVED (no lot seed given)"}.get(
                tie.step, f"attribute {tie.step!r} (higher wins)")
            console.print(f"  tie in {tie.scope} at {tie.score} (positions "
                          f"{tie.positions[0] + 1}-{tie.positions[1] + 1}) among "
                          f"{', '.join(map(str, tie.codes))}: {how} -> "
                          f"{' | '.join(' '.join(map(str, g)) for g in tie.order)}",
                          markup=False)
        for p in r.lists:
            name = "independents" if p.list_code is None else f"list {p.list_code}"
            console.print(f"  {name}: votes {p.votes}, seats {p.seats} ({p.quota_seats} by "
                          f"quota + {p.remainder_seats} by remainder), alternates "
                          f"{p.alternates}" + ("" if p.eligible else ", below threshold"),
                          markup=False)
    paper = er.paper_stations()
    if paper:
        console.print(f"paper-fallback stations (declared results): {', '.join(paper)}",
                      markup=False)
