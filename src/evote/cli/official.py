"""`evote official keygen` and `evote official certify`: a station official's key."""
import click

from .certify import add_certify, add_keygen


@click.group()
def official():
    """Station officials' keys and certificates."""


add_keygen(official, "official", "--role", "The official's role (e.g. station-head).")
add_certify(official, "official")
