"""`evote kiosk keygen` and `evote kiosk certify` (the kiosk's session itself is the
Python API evote.kiosk.Kiosk; docs/kiosk.md)."""
import click

from .certify import add_certify, add_keygen


@click.group()
def kiosk():
    """Kiosk keys and certificates."""


add_keygen(kiosk, "kiosk", "--kiosk", "The kiosk id (names its box file).")
add_certify(kiosk, "kiosk")
