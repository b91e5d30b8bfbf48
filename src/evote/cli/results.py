"""`evote results` and `evote seal`: the tally centre's last steps on a record
(specs/election.md section 7).

    evote results RECORD --lot-seed HEX     # results/results.json
    evote seal RECORD                       # record.json and ROOT, then reports/;
                                            # prints the root hash

The lot seed (64 hex digits) breaks ties by lot; issue 12 replaces this argument with a
value no party can choose. Exit 0 done; 2 refused or unusable input.
"""
import click

from .steps import run_step


@click.command()
@click.argument("record", type=click.Path(file_okay=False))
@click.option("--lot-seed", required=True, help="64 hex digits: the seed of ties by lot.")
def results(record, lot_seed):
    """Verify RECORD's decryption, then write its results and reports."""
    from ..election.results_step import parse_lot_seed
    from ..election.results_step import results as results_step

    def step():
        er = results_step(record, parse_lot_seed(lot_seed))
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
