"""`evote demo [--out DIR] [--stations N] [--voters-per-station N] [--seed S] [--jobs N]
[--damaged-box] [--paper-fallback]`

Runs a whole simulated municipal election (evote.demo.election), writes its record,
prints the results, the root hash and the verifier's summary, and where the HTML report
is. Progress lines go to stderr. Exit 0 when the record verifies, 1 otherwise.
"""
import os
import sys
import tempfile

import click

from ..hashing import U64_MAX


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Record directory to create (new or empty; default: a new temporary one).")
# Upper bounds keep a slip (--stations 1000000000) from running for days or filling the
# disk: a demo is a simulation, a real election runs the role commands.
@click.option("--stations", type=click.IntRange(min=2, max=2000), default=8, show_default=True,
              help="Polling stations in all (the city's and one per village, up to 3 villages).")
@click.option("--voters-per-station", type=click.IntRange(min=1, max=5000), default=200,
              show_default=True)
@click.option("--seed", type=click.IntRange(min=0, max=U64_MAX), default=1405,
              show_default=True, help="Same seed: same manifest, choices and counts (ties "
              "by lot follow the guardians' fresh lot contributions).")
@click.option("--jobs", type=click.IntRange(min=1, max=256), default=None,
              help="Worker processes (default: every core).")
@click.option("--damaged-box", is_flag=True, default=False,
              help="A disk error damages one city kiosk's box; the supervising board "
              "excludes it (specs/record.md 5.3): VALID, with the exclusion listed.")
@click.option("--paper-fallback", is_flag=True, default=False,
              help="One city station's kiosks fail; its officials close the boxes and "
              "finish on paper (specs/record.md 5.4): both are counted, VALID.")
def demo(out_dir, stations, voters_per_station, seed, jobs, damaged_box, paper_fallback):
    """Simulate a municipal election end to end and verify its record."""
    from ..demo.election import run_demo
    from ..errors import EvoteError

    if out_dir is None:
        out_dir = os.path.join(tempfile.mkdtemp(prefix="evote-demo-"), "record")

    def log(msg):
        click.echo(msg, err=True)
    try:
        outcome = run_demo(out_dir, stations=stations, voters_per_station=voters_per_station,
                           seed=seed, jobs=jobs, log=log, damaged_box=damaged_box,
                           paper_fallback=paper_fallback)
    except EvoteError as exc:
        click.echo(f"evote demo: error: {exc}", err=True)
        sys.exit(2)
    click.echo(outcome.results_text, nl=False)
    click.echo(f"record:      {outcome.record_dir}")
    click.echo(f"root hash:   {outcome.root.hex()}")
    rep = outcome.report
    failed = [c for c in rep.checks if c.status != "pass"]
    click.echo(f"verifier:    {'VALID' if rep.valid else 'INVALID'}: {len(rep.checks)} checks, "
               f"{len(rep.checks) - len(failed)} passed"
               + "".join(f"\n  {c.number} {c.title}: {c.status}" for c in failed))
    for line in rep.exclusions_text():   # never silent: every excluded box, its reason
        click.echo(line)
    click.echo(f"HTML report: {outcome.html_path}")
    click.echo(f"voters:      each station's codes in "
               f"{os.path.join(outcome.record_dir, 'reports', 'station-<station>.html')}; "
               f"check a receipt: evote ballot {outcome.record_dir} CODE")
    click.echo(f"verify again: evote verify {outcome.record_dir}")
    sys.exit(0 if rep.valid else 1)
