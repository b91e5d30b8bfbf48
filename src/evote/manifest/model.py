"""The election manifest as immutable objects that are valid by construction.

Every constructor checks its own fields and the consistency of what it holds, and raises
ManifestError with a `path` attribute: relative to the object when built directly
("candidates[3].code"), absolute when the JSON loader built it
("$.contests[2].candidates[3].code"). specs/manifest.md is the normative description.

Invariants once constructed:
- ids match ID_PATTERN; names are non-empty after normalization and hold no control
  characters or lone surrogates; names that collide after normalization (name_key) are
  refused within their scope (candidates of a contest, lists of a contest, districts,
  stations of a district, contests of a district);
- in a contest: candidate codes and list codes are distinct (a list code typed at a kiosk
  stands for its members, so it must not also be a candidate), 1 <= seats <= #candidates,
  alternates >= 0, 1 <= max_choices <= #candidates, every list_code names a list of the
  contest, every tie_chain attribute is an int on every candidate;
- in a manifest: ids unique per kind, every reference resolves, and a station's style only
  holds contests of the station's own district.
"""
import datetime
import re
from dataclasses import dataclass, field
from typing import Iterator, Mapping, Optional, Tuple, Union

from ..errors import ManifestError
from .normalize import MAX_CODE_DIGITS, name_key
from .result_settings import ResultSettings
from .anchors import SigningRoles, VotingWindow, check_supervisors
from .mix_servers import ENCODINGS, SLOTS, check_mix_servers, default_encoding

VERSION = "evote-manifest/1"
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
ATTR_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,31}\Z")
MAX_NAME_CHARS = 200
MAX_CODE = 10 ** MAX_CODE_DIGITS - 1
MAX_ATTR_INT = 2 ** 53 - 1  # exact in every JSON implementation
METHODS = ("plurality", "proportional")
DEFAULT_PRIVACY_FLOOR = 10   # ballots; specs/manifest.md, specs/election.md section 5
MAX_PRIVACY_FLOOR = 10 ** 9
DISTRICT_KINDS = ("city", "village")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def manifest_error(path: str, detail: str) -> ManifestError:
    """A ManifestError "path: detail" that keeps both parts for re-rooting."""
    exc = ManifestError(f"{path}: {detail}" if path else detail)
    exc.path = path
    exc.detail = detail
    return exc


def join_path(prefix: str, rel: str) -> str:
    if not rel:
        return prefix
    if not prefix:
        return rel
    return prefix + rel if rel.startswith("[") else f"{prefix}.{rel}"


def reroot(exc: ManifestError, prefix: str) -> ManifestError:
    """The same error with its path placed under prefix."""
    return manifest_error(join_path(prefix, getattr(exc, "path", "")),
                          getattr(exc, "detail", str(exc)))


class NotInManifest(ManifestError, KeyError):
    """A lookup (contest, station, style, district, candidate, list) found nothing."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


# ---- field checks (shared with the loader) -----------------------------------------

def check_int(value, path: str, lo: int, hi: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise manifest_error(path, f"{what} must be an integer, got {type(value).__name__}")
    if not lo <= value <= hi:
        raise manifest_error(path, f"{what} {value} is outside [{lo}, {hi}]")
    return value


def check_id(value, path: str, what: str) -> str:
    if not isinstance(value, str):
        raise manifest_error(path, f"{what} must be a string, got {type(value).__name__}")
    if not ID_PATTERN.match(value):
        raise manifest_error(
            path, f"{what} {value!r} is not 1-64 ASCII letters, digits, '.', '_' or '-' "
            "(starting with a letter or digit)")
    return value


def check_text(value, path: str, what: str) -> str:
    if not isinstance(value, str):
        raise manifest_error(path, f"{what} must be a string, got {type(value).__name__}")
    if len(value) > MAX_NAME_CHARS:
        raise manifest_error(path, f"{what} is longer than {MAX_NAME_CHARS} characters")
    bad = _FORBIDDEN.search(value)
    if bad:
        raise manifest_error(path, f"{what} {value!r} holds U+{ord(bad.group()):04X} at "
                             f"{bad.start()} (control character or lone surrogate)")
    if not name_key(value):
        raise manifest_error(path, f"{what} {value!r} is empty after normalization")
    return value


def _check_unique(items, key, path_of, what: str) -> None:
    seen = {}
    for i, item in enumerate(items):
        k = key(item)
        if k in seen:
            raise manifest_error(path_of(i), f"duplicate {what} {k!r} (also at index {seen[k]})")
        seen[k] = i


def _check_names_distinct(items, name_of, path_of, what: str) -> None:
    seen = {}
    for i, item in enumerate(items):
        k = name_key(name_of(item))
        if k in seen:
            j = seen[k]
            raise manifest_error(
                path_of(i), f"{what} name {name_of(item)!r} collides with {what} {j} "
                f"({name_of(items[j])!r}) after Persian normalization")
        seen[k] = i


# ---- attributes --------------------------------------------------------------------

class Attributes(Mapping):
    """An immutable, hashable mapping attribute name -> str | int, in sorted key order."""

    __slots__ = ("_items", "_dict")

    def __init__(self, items: Mapping = ()):
        pairs = dict(items).items()
        object.__setattr__(self, "_items", tuple(sorted(pairs)))
        object.__setattr__(self, "_dict", dict(self._items))

    def __setattr__(self, name, value):
        raise AttributeError("Attributes is immutable")

    def __getitem__(self, key):
        return self._dict[key]

    def __iter__(self) -> Iterator[str]:
        return iter(k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"Attributes({dict(self._items)!r})"

    def __reduce__(self):  # pickle (worker processes) without the blocked __setattr__
        return (Attributes, (dict(self._items),))


def _check_attributes(attrs, path: str) -> Attributes:
    if not isinstance(attrs, Mapping):
        raise manifest_error(path, f"attributes must be a mapping, got {type(attrs).__name__}")
    for k, v in attrs.items():
        if not isinstance(k, str) or not ATTR_PATTERN.match(k):
            raise manifest_error(path, f"attribute name {k!r} is not [a-z][a-z0-9_]{{0,31}}")
        if isinstance(v, str):
            check_text(v, join_path(path, k), f"attribute {k!r}")
        else:
            check_int(v, join_path(path, k), -MAX_ATTR_INT, MAX_ATTR_INT, f"attribute {k!r}")
    return attrs if isinstance(attrs, Attributes) else Attributes(attrs)


# ---- the objects -------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    code: int
    name: str
    list_code: Optional[int] = None
    attributes: Mapping[str, Union[str, int]] = field(default_factory=Attributes)

    def __post_init__(self):
        check_int(self.code, "code", 1, MAX_CODE, "candidate code")
        check_text(self.name, "name", f"name of candidate {self.code}")
        if self.list_code is not None:
            check_int(self.list_code, "list_code", 1, MAX_CODE, "list code")
        object.__setattr__(self, "attributes", _check_attributes(self.attributes, "attributes"))


@dataclass(frozen=True)
class PartyList:
    code: int
    name: str

    def __post_init__(self):
        check_int(self.code, "code", 1, MAX_CODE, "list code")
        check_text(self.name, "name", f"name of list {self.code}")


@dataclass(frozen=True)
class Contest:
    contest_id: str
    name: str
    district_id: str
    seats: int
    alternates: int
    max_choices: int
    method: str
    candidates: Tuple[Candidate, ...]  # this order is the ciphertext order
    lists: Tuple[PartyList, ...] = ()
    tie_chain: Tuple[str, ...] = ()
    settings: ResultSettings = ResultSettings()   # result rules (result_settings.py)
    # "per-candidate" or "slots" (mix_servers.py); None: the default for the candidate
    # count (more than 200 candidates: slots). Always a str once constructed.
    encoding: Optional[str] = None
    _index: dict = field(init=False, repr=False, compare=False)
    _members: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        check_id(self.contest_id, "contest_id", "contest id")
        check_text(self.name, "name", f"name of contest {self.contest_id!r}")
        check_id(self.district_id, "district_id", "district id")
        for fname, typ in (("candidates", Candidate), ("lists", PartyList)):
            seq = getattr(self, fname)
            if not isinstance(seq, (tuple, list)):
                raise manifest_error(fname, f"{fname} must be a sequence")
            for i, x in enumerate(seq):
                if not isinstance(x, typ):
                    raise manifest_error(f"{fname}[{i}]", f"expected {typ.__name__}")
            object.__setattr__(self, fname, tuple(seq))
        if not isinstance(self.settings, ResultSettings):
            raise manifest_error("settings", "settings must be ResultSettings")
        if not isinstance(self.tie_chain, (tuple, list)):
            raise manifest_error("tie_chain", "tie_chain must be a sequence of attribute names")
        object.__setattr__(self, "tie_chain", tuple(self.tie_chain))
        n = len(self.candidates)
        cid = self.contest_id
        if n == 0:
            raise manifest_error("candidates", f"contest {cid!r} has no candidates")
        if self.method not in METHODS:
            raise manifest_error("method", f"method {self.method!r} is not one of {METHODS}")
        check_int(self.seats, "seats", 1, n, f"seats of contest {cid!r} ({n} candidates)")
        check_int(self.alternates, "alternates", 0, MAX_CODE, f"alternates of contest {cid!r}")
        check_int(self.max_choices, "max_choices", 1, n,
                  f"max_choices of contest {cid!r} ({n} candidates)")
        _check_unique(self.candidates, lambda c: c.code, lambda i: f"candidates[{i}].code",
                      "candidate code")
        _check_unique(self.lists, lambda p: p.code, lambda i: f"lists[{i}].code", "list code")
        codes = {c.code for c in self.candidates}
        for i, p in enumerate(self.lists):
            if p.code in codes:
                raise manifest_error(f"lists[{i}].code",
                                     f"list code {p.code} is also a candidate code")
        _check_names_distinct(self.candidates, lambda c: c.name,
                              lambda i: f"candidates[{i}].name", "candidate")
        _check_names_distinct(self.lists, lambda p: p.name, lambda i: f"lists[{i}].name", "list")
        members = {p.code: [] for p in self.lists}
        for i, c in enumerate(self.candidates):
            if c.list_code is not None:
                if c.list_code not in members:
                    raise manifest_error(f"candidates[{i}].list_code",
                                         f"candidate {c.code} is on unknown list {c.list_code}")
                members[c.list_code].append(c.code)
        _check_unique(self.tie_chain, lambda a: a, lambda i: f"tie_chain[{i}]", "tie attribute")
        for j, attr in enumerate(self.tie_chain):
            if not isinstance(attr, str) or not ATTR_PATTERN.match(attr):
                raise manifest_error(f"tie_chain[{j}]", f"{attr!r} is not an attribute name")
            for i, c in enumerate(self.candidates):
                v = c.attributes.get(attr)
                if not isinstance(v, int) or isinstance(v, bool):
                    raise manifest_error(
                        f"candidates[{i}].attributes",
                        f"candidate {c.code} needs an integer {attr!r} (it is in the tie chain)")
        if self.encoding is None:
            object.__setattr__(self, "encoding", default_encoding(n))
        if self.encoding not in ENCODINGS:
            raise manifest_error("encoding", f"encoding {self.encoding!r:.40} of contest "
                                 f"{cid!r} is not one of {ENCODINGS}")
        object.__setattr__(self, "_index", {c.code: i for i, c in enumerate(self.candidates)})
        object.__setattr__(self, "_members", {k: tuple(v) for k, v in members.items()})

    @property
    def uses_slots(self) -> bool:
        """True when ballots carry choice slots (mixed, then decrypted) rather than one
        ciphertext per candidate (summed homomorphically)."""
        return self.encoding == SLOTS

    @property
    def codes(self) -> Tuple[int, ...]:
        return tuple(c.code for c in self.candidates)

    def has_candidate(self, code: int) -> bool:
        return code in self._index

    def has_list(self, code: int) -> bool:
        return code in self._members

    def candidate_index(self, code: int) -> int:
        """The position of candidate `code` (its ciphertext slot)."""
        try:
            return self._index[code]
        except (KeyError, TypeError):
            raise NotInManifest(f"contest {self.contest_id!r} has no candidate {code!r}") from None

    def candidate(self, code: int) -> Candidate:
        return self.candidates[self.candidate_index(code)]

    def list_members(self, list_code: int) -> Tuple[int, ...]:
        """The candidate codes on list `list_code`, in candidate order."""
        try:
            return self._members[list_code]
        except (KeyError, TypeError):
            raise NotInManifest(f"contest {self.contest_id!r} has no list {list_code!r}") from None


@dataclass(frozen=True)
class District:
    district_id: str
    name: str
    kind: str

    def __post_init__(self):
        check_id(self.district_id, "district_id", "district id")
        check_text(self.name, "name", f"name of district {self.district_id!r}")
        if self.kind not in DISTRICT_KINDS:
            raise manifest_error("kind", f"district kind {self.kind!r} is not one of "
                                 f"{DISTRICT_KINDS}")


@dataclass(frozen=True)
class Station:
    station_id: str
    name: str
    district_id: str
    style_id: str

    def __post_init__(self):
        check_id(self.station_id, "station_id", "station id")
        check_text(self.name, "name", f"name of station {self.station_id!r}")
        check_id(self.district_id, "district_id", "district id")
        check_id(self.style_id, "style_id", "style id")


@dataclass(frozen=True)
class BallotStyle:
    style_id: str
    contest_ids: Tuple[str, ...]

    def __post_init__(self):
        check_id(self.style_id, "style_id", "style id")
        if not isinstance(self.contest_ids, (tuple, list)):
            raise manifest_error("contest_ids", "contest_ids must be a sequence")
        object.__setattr__(self, "contest_ids", tuple(self.contest_ids))
        if not self.contest_ids:
            raise manifest_error("contest_ids", f"style {self.style_id!r} has no contests")
        for i, c in enumerate(self.contest_ids):
            check_id(c, f"contest_ids[{i}]", "contest id")
        _check_unique(self.contest_ids, lambda c: c, lambda i: f"contest_ids[{i}]", "contest id")


def _check_list(seq, typ, path: str) -> tuple:
    if not isinstance(seq, (tuple, list)):
        raise manifest_error(path, f"{path} must be a sequence")
    for i, x in enumerate(seq):
        if not isinstance(x, typ):
            raise manifest_error(f"{path}[{i}]", f"expected {typ.__name__}")
    return tuple(seq)


@dataclass(frozen=True)
class Manifest:
    election_id: str
    name: str
    election_date: str  # ISO yyyy-mm-dd (Gregorian); reports show it as Jalali
    districts: Tuple[District, ...]
    stations: Tuple[Station, ...]
    contests: Tuple[Contest, ...]
    styles: Tuple[BallotStyle, ...]
    authority_key: bytes  # Ed25519 public key of the election authority (certifies kiosks)
    privacy_floor: int = DEFAULT_PRIVACY_FLOOR  # no contest tally of fewer ballots is decrypted
    # anchors.py: who must sign station forms and exclusions, the supervising board's
    # keys, the voting window (None: not stated, box times unchecked)
    signing_roles: SigningRoles = SigningRoles()
    supervisors: tuple = ()
    voting_window: Optional[VotingWindow] = None
    # mix_servers.py: who mixes the slot contests, in mixing order (MixServer, at least
    # one when a contest uses slots; empty otherwise)
    mix_servers: tuple = ()
    _by: dict = field(init=False, repr=False, compare=False)
    _cache: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        check_id(self.election_id, "election_id", "election id")
        check_text(self.name, "name", "election name")
        d = self.election_date
        if not isinstance(d, str) or not _DATE.match(d):
            raise manifest_error("election_date", f"election date {d!r} is not yyyy-mm-dd")
        try:
            datetime.date.fromisoformat(d)
        except ValueError:
            raise manifest_error("election_date", f"election date {d!r} is not a date") from None
        if not isinstance(self.authority_key, bytes) or len(self.authority_key) != 32:
            raise manifest_error("authority_key", "authority key must be 32 bytes")
        check_int(self.privacy_floor, "privacy_floor", 1, MAX_PRIVACY_FLOOR, "privacy floor")
        if not isinstance(self.signing_roles, SigningRoles):
            raise manifest_error("signing_roles", "expected SigningRoles")
        object.__setattr__(self, "supervisors", check_supervisors(self.supervisors))
        if self.voting_window is not None and not isinstance(self.voting_window, VotingWindow):
            raise manifest_error("voting_window", "expected None or a VotingWindow")
        object.__setattr__(self, "mix_servers", check_mix_servers(self.mix_servers))
        for fname, typ in (("districts", District), ("stations", Station),
                           ("contests", Contest), ("styles", BallotStyle)):
            object.__setattr__(self, fname, _check_list(getattr(self, fname), typ, fname))
        _check_unique(self.districts, lambda x: x.district_id,
                      lambda i: f"districts[{i}].district_id", "district id")
        _check_unique(self.stations, lambda x: x.station_id,
                      lambda i: f"stations[{i}].station_id", "station id")
        _check_unique(self.contests, lambda x: x.contest_id,
                      lambda i: f"contests[{i}].contest_id", "contest id")
        _check_unique(self.styles, lambda x: x.style_id,
                      lambda i: f"styles[{i}].style_id", "style id")
        _check_names_distinct(self.districts, lambda x: x.name,
                              lambda i: f"districts[{i}].name", "district")
        districts = {x.district_id: x for x in self.districts}
        contests = {x.contest_id: x for x in self.contests}
        styles = {x.style_id: x for x in self.styles}
        if self.mix_servers and not any(c.uses_slots for c in self.contests):
            raise manifest_error("mix_servers", "mix servers are listed but no contest uses "
                                 "slots (encoding 'slots'): there is nothing to mix")
        for i, c in enumerate(self.contests):
            if c.uses_slots and not self.mix_servers:
                raise manifest_error(f"contests[{i}].encoding",
                                     f"contest {c.contest_id!r} uses slots but the manifest "
                                     "names no mix server (mix_servers)")
            if c.district_id not in districts:
                raise manifest_error(f"contests[{i}].district_id",
                                     f"contest {c.contest_id!r} is in unknown district "
                                     f"{c.district_id!r}")
        for i, s in enumerate(self.styles):
            for j, cid in enumerate(s.contest_ids):
                if cid not in contests:
                    raise manifest_error(f"styles[{i}].contest_ids[{j}]",
                                         f"style {s.style_id!r} names unknown contest {cid!r}")
        for i, st in enumerate(self.stations):
            if st.district_id not in districts:
                raise manifest_error(f"stations[{i}].district_id",
                                     f"station {st.station_id!r} is in unknown district "
                                     f"{st.district_id!r}")
            if st.style_id not in styles:
                raise manifest_error(f"stations[{i}].style_id",
                                     f"station {st.station_id!r} has unknown style "
                                     f"{st.style_id!r}")
            for cid in styles[st.style_id].contest_ids:
                if contests[cid].district_id != st.district_id:
                    raise manifest_error(
                        f"stations[{i}].style_id",
                        f"station {st.station_id!r} (district {st.district_id!r}) has style "
                        f"{st.style_id!r} with contest {cid!r} of district "
                        f"{contests[cid].district_id!r}")
        # Names are unique per district: one pass over each kind (linear in the size).
        for kind, items in (("station", self.stations), ("contest", self.contests)):
            seen = {}
            for i, x in enumerate(items):
                k = (x.district_id, name_key(x.name))
                if k in seen:
                    j = seen[k]
                    raise manifest_error(
                        f"{kind}s[{i}].name", f"{kind} name {x.name!r} collides with {kind} "
                        f"{j} ({items[j].name!r}) of district {x.district_id!r} after "
                        "Persian normalization")
                seen[k] = i
        object.__setattr__(self, "_by", {"district": districts, "contest": contests,
                                         "style": styles,
                                         "station": {x.station_id: x for x in self.stations}})
        object.__setattr__(self, "_cache", {})

    def _get(self, kind: str, key):
        try:
            return self._by[kind][key]
        except (KeyError, TypeError):
            raise NotInManifest(f"election {self.election_id!r} has no {kind} {key!r}") from None

    def contest(self, contest_id: str) -> Contest:
        return self._get("contest", contest_id)

    def station(self, station_id: str) -> Station:
        return self._get("station", station_id)

    def style(self, style_id: str) -> BallotStyle:
        return self._get("style", style_id)

    def district(self, district_id: str) -> District:
        return self._get("district", district_id)

    @property
    def slot_contests(self) -> Tuple[Contest, ...]:
        """The contests whose ballots carry choice slots, in manifest order."""
        return tuple(c for c in self.contests if c.uses_slots)

    def station_contests(self, station_id: str) -> Tuple[Contest, ...]:
        """The contests on the ballot style of a station, in style order."""
        style = self.style(self.station(station_id).style_id)
        return tuple(self.contest(c) for c in style.contest_ids)

    # Serialization lives in load.py / canonical.py; these are the contract's entry points.
    @classmethod
    def from_json_obj(cls, obj) -> "Manifest":
        from .load import manifest_from_json_obj
        return manifest_from_json_obj(obj)

    def to_json_obj(self) -> dict:
        from .canonical import manifest_to_json_obj
        return manifest_to_json_obj(self)

    def to_canonical_bytes(self) -> bytes:
        if "bytes" not in self._cache:
            from .canonical import canonical_json_bytes
            self._cache["bytes"] = canonical_json_bytes(self.to_json_obj())
        return self._cache["bytes"]

    def hash(self) -> bytes:
        """digest("evote/v1/manifest", canonical bytes): 32 bytes."""
        if "hash" not in self._cache:
            from .canonical import manifest_hash
            self._cache["hash"] = manifest_hash(self.to_canonical_bytes())
        return self._cache["hash"]
