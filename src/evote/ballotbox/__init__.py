"""The signed ballot box (specs/ballot-box.md).

Modules: framing (frame bytes), records (bodies, ballot ids, confirmation codes),
identity (kiosk certificates), keyfile (key files), durability (fsync, sinks),
reader (verify and scan), recovery (reopen rules), box (the kiosk's writer),
problems (named failures). The names below are the API other parts use.
"""
from .box import BallotBox, open_box
from .identity import KioskCertificate, issue_certificate
from .reader import ScanReport, read_box, scan_box
from .records import CastRecord, CloseRecord, OpenRecord, Receipt, SpoilRecord

__all__ = ["BallotBox", "open_box", "KioskCertificate", "issue_certificate", "ScanReport",
           "read_box", "scan_box", "CastRecord", "CloseRecord", "OpenRecord", "Receipt",
           "SpoilRecord"]
