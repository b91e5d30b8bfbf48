"""evote: the cryptographic core of electronic municipal council elections.

Import what you need from its modules (evote.group, evote.protocol, evote.ballotbox, ...);
this package does not re-export them.
"""
from ._version import __version__

__all__ = ["__version__"]
