"""The manifest's signing anchors, fixed before the vote (specs/manifest.md section 3.2,
specs/record.md sections 5 and 8; issue 12 sections 2, 5 and 6):

- `signing_roles`: the roles that must each sign, with one distinct certified official
  per role, every station form (declaration of forms issued, paper result), and the
  roles of the supervising board that must each sign an exclusion;
- `supervisors`: the supervising board's members (role, Ed25519 public key), the only
  keys an exclusion decision may be signed with;
- `voting_window`: when the polls open and close (UTC) and the clock tolerance every
  ballot box time must lie within.

JSON (canonical, inside the manifest object):

    "signing_roles": {"station": [role, ...], "exclusion": [role, ...]}   # sorted, unique
    "supervisors":   [{"role": role, "public_key": hex32}, ...]            # by (role, key)
    "voting_window": null | {"opens": "YYYY-MM-DDTHH:MM:SSZ",
                             "closes": "YYYY-MM-DDTHH:MM:SSZ",
                             "tolerance_seconds": int in [0, 3600]}

Invariants once constructed: roles are 1-64 characters of [a-z0-9-] starting with a
letter; each role list is sorted and unique, the station list is not empty; supervisors
are sorted by (role, key) with no key twice; opens < closes; a window lasts at most
31 days. These are bound by the manifest hash, hence by the package hash announced
before the polls open: no one can choose them after the count.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ..errors import ManifestError

ROLE_PATTERN = re.compile(r"[a-z][a-z0-9-]{0,63}\Z")
# Iran's station committee: the station head and the supervisory board's observer sign
# every form; the supervisory board's chair and a member sign an exclusion.
DEFAULT_STATION_ROLES = ("observer", "station-head")
DEFAULT_EXCLUSION_ROLES = ("board-chair", "board-member")
MAX_TOLERANCE_S = 3600
MAX_WINDOW_S = 31 * 24 * 3600
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")


def _error(path: str, detail: str) -> ManifestError:
    from .model import manifest_error
    return manifest_error(path, detail)


def _roles(value, path: str, allow_empty: bool) -> tuple:
    if not isinstance(value, (list, tuple)):
        raise _error(path, "must be a list of roles")
    for i, r in enumerate(value):
        if not isinstance(r, str) or not ROLE_PATTERN.match(r):
            raise _error(f"{path}[{i}]", f"role {r!r} is not 1-64 characters of a-z, 0-9, "
                         "'-' starting with a letter")
    if list(value) != sorted(set(value)):
        raise _error(path, "roles must be sorted and unique")
    if not value and not allow_empty:
        raise _error(path, "at least one role must sign")
    return tuple(value)


@dataclass(frozen=True)
class SigningRoles:
    """Who must sign: `station` forms (one certified official per role), `exclusion`
    decisions (one supervisor per role)."""
    station: tuple = DEFAULT_STATION_ROLES
    exclusion: tuple = DEFAULT_EXCLUSION_ROLES

    def __post_init__(self):
        object.__setattr__(self, "station", _roles(self.station, "station", False))
        object.__setattr__(self, "exclusion", _roles(self.exclusion, "exclusion", False))

    def to_json_obj(self) -> dict:
        return {"station": list(self.station), "exclusion": list(self.exclusion)}


@dataclass(frozen=True)
class Supervisor:
    """A member of the supervising board: the key that signs exclusion decisions."""
    role: str
    public_key: bytes   # Ed25519, 32 bytes

    def __post_init__(self):
        _roles([self.role], "role", False)
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise _error("public_key", "must be 32 bytes (an Ed25519 public key)")

    def to_json_obj(self) -> dict:
        return {"role": self.role, "public_key": self.public_key.hex()}


def check_supervisors(value, path: str = "supervisors") -> tuple:
    if not isinstance(value, (list, tuple)):
        raise _error(path, "must be a list of supervisors")
    for i, s in enumerate(value):
        if not isinstance(s, Supervisor):
            raise _error(f"{path}[{i}]", "expected a Supervisor")
    order = [(s.role, s.public_key) for s in value]
    if order != sorted(order):
        raise _error(path, "supervisors must be sorted by (role, public key)")
    if len({s.public_key for s in value}) != len(value):
        raise _error(path, "a supervisor's public key is listed twice")
    return tuple(value)


def parse_utc(value, path: str) -> int:
    """Microseconds since the Unix epoch of a 'YYYY-MM-DDTHH:MM:SSZ' time."""
    if not isinstance(value, str) or not _TIME.match(value):
        raise _error(path, f"{value!r} is not a UTC time YYYY-MM-DDTHH:MM:SSZ")
    try:
        t = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise _error(path, f"{value!r} is not a valid time") from None
    t = t.replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp()) * 1_000_000


def format_utc(time_us: int) -> str:
    """A box time (microseconds since the epoch) as 'YYYY-MM-DDTHH:MM:SS.ffffffZ'."""
    try:
        t = datetime.datetime.fromtimestamp(time_us / 1e6, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return f"{time_us} us since the epoch"
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class VotingWindow:
    """Every ballot box record's time lies in [opens - tolerance, closes + tolerance]."""
    opens: str
    closes: str
    tolerance_seconds: int = 300

    def __post_init__(self):
        a, b = parse_utc(self.opens, "opens"), parse_utc(self.closes, "closes")
        if a >= b:
            raise _error("closes", f"{self.closes} is not after opens {self.opens}")
        if b - a > MAX_WINDOW_S * 1_000_000:
            raise _error("closes", "a voting window lasts at most 31 days")
        t = self.tolerance_seconds
        if isinstance(t, bool) or not isinstance(t, int) or not 0 <= t <= MAX_TOLERANCE_S:
            raise _error("tolerance_seconds", f"{t!r} is not an integer in "
                         f"[0, {MAX_TOLERANCE_S}]")

    @property
    def earliest_us(self) -> int:
        return parse_utc(self.opens, "opens") - self.tolerance_seconds * 1_000_000

    @property
    def latest_us(self) -> int:
        return parse_utc(self.closes, "closes") + self.tolerance_seconds * 1_000_000

    def outside(self, time_us: int):
        """None if time_us is inside the window (with its tolerance), else why not."""
        if time_us < self.earliest_us:
            return (f"time {format_utc(time_us)} is before the voting window opens "
                    f"({self.opens}, tolerance {self.tolerance_seconds} s)")
        if time_us > self.latest_us:
            return (f"time {format_utc(time_us)} is after the voting window closes "
                    f"({self.closes}, tolerance {self.tolerance_seconds} s)")
        return None

    def to_json_obj(self) -> dict:
        return {"opens": self.opens, "closes": self.closes,
                "tolerance_seconds": self.tolerance_seconds}


# ---- JSON (the loader, load.py, calls these with absolute paths) -------------------

def _obj(value, path: str, keys: tuple) -> dict:
    if not isinstance(value, dict):
        raise _error(path, "must be a JSON object")
    for k in value:
        if k not in keys:
            raise _error(f"{path}.{k}" if isinstance(k, str) and k.isidentifier()
                         else path, f"unknown field {k!r}")
    for k in keys:
        if k not in value:
            raise _error(f"{path}.{k}", "missing field")
    return value


def _built(cls, path: str, **kw):
    try:
        return cls(**kw)
    except ManifestError as exc:
        from .model import reroot
        raise reroot(exc, path) from None


def signing_roles_from_json(value, path: str = "$.signing_roles") -> SigningRoles:
    o = _obj(value, path, ("exclusion", "station"))
    return _built(SigningRoles, path, station=o["station"], exclusion=o["exclusion"])


def supervisors_from_json(value, path: str = "$.supervisors") -> tuple:
    if not isinstance(value, list):
        raise _error(path, "must be a JSON array")
    out = []
    for i, s in enumerate(value):
        w = f"{path}[{i}]"
        o = _obj(s, w, ("public_key", "role"))
        key = o["public_key"]
        if not isinstance(key, str) or len(key) != 64 or \
                any(ch not in "0123456789abcdef" for ch in key):
            raise _error(f"{w}.public_key", "must be 64 lowercase hex characters")
        out.append(_built(Supervisor, w, role=o["role"], public_key=bytes.fromhex(key)))
    return check_supervisors(out, path)


def voting_window_from_json(value, path: str = "$.voting_window"):
    if value is None:
        return None
    o = _obj(value, path, ("closes", "opens", "tolerance_seconds"))
    return _built(VotingWindow, path, opens=o["opens"], closes=o["closes"],
                  tolerance_seconds=o["tolerance_seconds"])
