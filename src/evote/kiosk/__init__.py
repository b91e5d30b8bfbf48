"""evote.kiosk: the kiosk session a voting program is built on (specs/election.md
section 9; guide: docs/kiosk.md).

Modules: session (Kiosk, Draft and the refusals), codes (what a voter types -> codes).
The names below are the kiosk program's whole API.
"""
from .codes import CodeEntryError, parse_codes
from .session import BallotRefused, Challenged, Draft, Kiosk, KioskError, KioskSetupError

__all__ = ["Kiosk", "Draft", "Challenged", "KioskError", "KioskSetupError", "BallotRefused",
           "CodeEntryError", "parse_codes"]
