"""`evote combine RECORD SHARES...`: the tally centre combines the guardians' share files
into RECORD/tally/decryption.json (specs/election.md section 7; evote.election.combine).
Prints the guardians present and missing. Exit 0 done, 2 unusable or refused input (one
line naming the file, guardian, district and contest); never a traceback.
"""
import sys

import click

from ..errors import EvoteError


@click.command()
@click.argument("record", type=click.Path(file_okay=False))
@click.argument("shares", nargs=-1, required=True, type=click.Path(dir_okay=False))
def combine(record, shares):
    """Check every guardian's share file and write tally/decryption.json."""
    from ..election.combine import combine as combine_shares
    try:
        o = combine_shares(record, shares)
    except EvoteError as exc:
        click.echo(f"evote combine: {exc}", err=True)
        sys.exit(2)
    missing = ", ".join(map(str, o.missing)) if o.missing else "none"
    click.echo(f"guardians present: {', '.join(map(str, o.present))}; missing: {missing}")
    click.echo(f"{len(o.record.contests)} contest(s) decrypted; written to {o.path}")
    for cs in o.slots:   # slot contests (specs/slot-decryption.md)
        click.echo(f"slot contest {cs.contest.contest_id}: {cs.decryption.n} slots decrypted; "
                   f"written to mix/{cs.contest.contest_id}/shares.bin and decryption.bin")
