"""The demo's supervising board and voting window (evote.demo.election calls these):

    supervisors(work, as_party) -> tuple of Supervisor   # keys made before the manifest
    demo_voting_window(now=None) -> VotingWindow          # the hours around the demo's run
    exclude_damaged_box(work, package_path, output, as_party) -> exclusion path
        # a disk error damages one kiosk's box after the day; the board excludes it

Every supervisor's key is made and used in a process of its own (as_party), in its own
directory under the demo's work directory; only the public key and the signed decision
leave it. Demo keys use cheap argon2id limits (parties.py shortcuts), never for real.
"""
import os
import time

from ..manifest.anchors import DEFAULT_EXCLUSION_ROLES, Supervisor, VotingWindow
from ..election import exclusion as exclusion_steps

PASSPHRASE = "evote demo: every party's passphrase"
KDF = {"opslimit": 1, "memlimit": 8 * 1024 * 1024}
HOUR = 3600


def _key_path(work, role) -> str:
    home = os.path.join(work, "board", role)
    os.makedirs(home, exist_ok=True)
    return os.path.join(home, "supervisor.key")


def _keygen(key_path) -> str:
    return exclusion_steps.keygen(key_path, PASSPHRASE, **KDF)


def supervisors(work, as_party) -> tuple:
    """One supervisor per role of the default signing_roles.exclusion, sorted as the
    manifest requires."""
    out = [Supervisor(role, bytes.fromhex(as_party(_keygen, _key_path(work, role))))
           for role in DEFAULT_EXCLUSION_ROLES]
    return tuple(sorted(out, key=lambda s: (s.role, s.public_key)))


def demo_voting_window(now=None) -> VotingWindow:
    """From the start of the hour before the demo runs to a day later, tolerance five
    minutes: a real manifest states the legal hours (and any extension allowed)."""
    t = int(time.time() if now is None else now) // HOUR * HOUR - HOUR
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return VotingWindow(time.strftime(fmt, time.gmtime(t)),
                        time.strftime(fmt, time.gmtime(t + 25 * HOUR)), 300)


def damage(box_path) -> None:
    """A disk error: one byte in the middle of the box file flips (the kiosk's signature
    over that record no longer verifies; V6 would fail the box)."""
    with open(box_path, "r+b") as f:
        size = os.fstat(f.fileno()).st_size
        f.seek(size // 2)
        b = f.read(1)
        f.seek(size // 2)
        f.write(bytes([b[0] ^ 0x01]))


def _decide(work, package_path, box, station_id, kiosk_id, forms, out) -> None:
    role = DEFAULT_EXCLUSION_ROLES[0]
    exclusion_steps.decide(package_path, box, station_id, kiosk_id, forms,
                           f"a disk error damaged kiosk {kiosk_id}'s ballot box after the "
                           "polls closed (demo); the board annuls the box",
                           role, _key_path(work, role), PASSPHRASE, out)


def _countersign(work, package_path, decided, out) -> None:
    role = DEFAULT_EXCLUSION_ROLES[1]
    exclusion_steps.sign(decided, role, _key_path(work, role), PASSPHRASE, out,
                         package_path)


def exclude_damaged_box(work, package_path, station_id, output, as_party) -> str:
    """Damage the box of kiosk output = (kiosk id, plaintext sums, box path) and have
    the board exclude it (chair decides, member countersigns); the signed file's path.
    forms excluded: the voters who voted at that kiosk (the demo's own count)."""
    kiosk_id, sums, box = output
    damage(box)
    forms = next(iter(sums.values()))[1] if sums else 0
    decided = os.path.join(work, "board", DEFAULT_EXCLUSION_ROLES[0], f"{kiosk_id}.json")
    out = os.path.join(work, "collected", "exclusions", f"{kiosk_id}.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    as_party(_decide, work, package_path, box, station_id, kiosk_id, forms, decided)
    as_party(_countersign, work, package_path, decided, out)
    return out
