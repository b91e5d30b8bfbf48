"""`evote results` and `evote seal`: the tally centre's last steps on a record
(specs/election.md section 7).

    evote results RECORD                    # results/results.json
    evote seal RECORD                       # record.json and ROOT, then reports/;
                                            # prints the root hash

Nothing that decides a result is an option: each contest's settings are the manifest's,
and the lot seed is the decryption of the lot ciphertext fixed in the context before the
polls (tally/lot.json, written by `evote combine`). Exit 0 done; 2 refused or unusable
input.
"""
import click

from .steps import run_step


@click.command()
@click.argument("record", type=click.Path(file_okay=False))
def results(record):
    """Verify RECORD's decryption and lot, then write its results."""
    from ..election.results_step import results as results_step

    def step():
        er = results_step(record)
        click.echo(f"record {record}: results of {len(er.contests)} contest(s) written to "
                   "results/results.json (evote seal writes the reports)")
    run_step("results", step)


@click.command()
@click.argument("record", type=click.Path(file_okay=False))
def seal(record):
    """Write RECORD's index and root hash (record.json, ROOT), then its reports."""
    from ..election.results_step import seal as seal_step

    def step():
        click.echo(f"root hash: {seal_step(record).hex()}")
    run_step("seal", step)
