"""`evote manifest check FILE`: every error with its JSON path, or the hash and names."""
import click

from .steps import run_step


@click.group()
def manifest():
    """The election manifest."""


@manifest.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--names", is_flag=True, help="Also print every candidate's given and "
              "normalized name.")
def check(path, names):
    """Check a manifest: exit 0 valid, 1 invalid (each error with its JSON path), 2
    unreadable."""
    from ..election.manifest_check import check_manifest_file

    def step():
        result = check_manifest_file(path)
        if result.errors:
            for e in result.errors:
                click.echo(f"{path}: {e}", err=True)
            click.echo(f"manifest {path}: NOT VALID ({len(result.errors)} error(s))", err=True)
            return 1
        for line in result.summary_lines(names):
            click.echo(line)
        return 0
    run_step("manifest check", step)
