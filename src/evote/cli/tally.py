"""`evote tally`: the tally centre verifies every box, declaration and paper result
against the election package and writes the record (specs/election.md section 7).

    evote tally --package P [--boxes PATH ...] [--declarations PATH ...]
                [--paper PATH ...] [--exclusions PATH ...] [--fallbacks PATH ...]
                --out RECORD [--jobs N]

Exit 0 the record was written; 1 problems were found (one line each on stderr, nothing
written); 2 unusable input.
"""
import sys

import click

from .steps import run_step


@click.command()
@click.option("--package", "package_path", required=True, type=click.Path(dir_okay=False),
              help="The election package (its hash was announced).")
@click.option("--boxes", multiple=True, type=click.Path(),
              help="A box file or a directory searched for *.box (repeatable).")
@click.option("--declarations", multiple=True, type=click.Path(),
              help="A declaration file or a directory searched for *.json (repeatable).")
@click.option("--paper", multiple=True, type=click.Path(),
              help="A paper result file or a directory searched for *.json (repeatable).")
@click.option("--exclusions", multiple=True, type=click.Path(),
              help="A supervising board's exclusion of a box (evote exclusion), or a "
              "directory searched for *.json (repeatable).")
@click.option("--fallbacks", multiple=True, type=click.Path(),
              help="An electronic station's signed decision to fall back to paper (evote "
              "station fallback), or a directory searched for *.json (repeatable).")
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="The record directory to write (must not exist, or be empty).")
@click.option("--jobs", type=click.IntRange(1), default=None,
              help="Worker processes verifying boxes (default: every core).")
def tally(package_path, boxes, declarations, paper, exclusions, fallbacks, out, jobs):
    """Verify the boxes, declarations and paper results; write the record RECORD."""
    from ..election.tally_centre import tally as tally_step

    def say(line):
        click.echo(f"evote tally: {line}", err=True)

    def step():
        o = tally_step(package_path, list(boxes), list(declarations), list(paper), out,
                       jobs=jobs, progress=say if sys.stderr.isatty() else None,
                       exclusion_inputs=list(exclusions), fallback_inputs=list(fallbacks))
        if o.problems:
            for line in o.problems:
                click.echo(f"evote tally: problem: {line}", err=True)
            click.echo(f"evote tally: {len(o.problems)} problem(s); nothing was written",
                       err=True)
            return 1
        click.echo(f"record {o.record_dir}: {o.boxes} boxes, {o.ballots} ballots, "
                   f"{o.stations} stations reconciled; tally/encrypted.json written")
        return 0
    run_step("tally", step)
