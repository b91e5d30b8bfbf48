"""Reading a manifest: a JSON file or an already parsed JSON object -> Manifest.

Every problem raises ManifestError whose message starts with a JSON path into the input
("$.contests[2].candidates[7].code: ..."): wrong types, missing or unknown fields, and
(through the model's own checks, re-rooted here) every consistency rule.
"""
import json
import os
import re
import stat
from fractions import Fraction

from .model import (VERSION, BallotStyle, Candidate, Contest, District, Manifest, PartyList,
                    Station, join_path, manifest_error, reroot)
from .normalize import parse_candidate_code
from ..errors import EvoteValueError, ManifestError
from .model import DEFAULT_PRIVACY_FLOOR
from .result_settings import (INDEPENDENTS, MAX_MIN_VOTES, QUOTAS, ROUNDINGS,
                              ResultSettings)
from .anchors import (SigningRoles, signing_roles_from_json, supervisors_from_json,
                      voting_window_from_json)
from .mix_servers import encoding_from_json, mix_servers_from_json
from ..paths import checked_path

MAX_FILE_BYTES = 256 * 1024 * 1024

# field -> required?  (optional fields get the defaults in _DEFAULTS)
_MANIFEST = {"version": True, "election_id": True, "name": True, "election_date": True,
             "authority_key": True, "districts": True, "stations": True, "contests": True,
             "styles": True, "privacy_floor": False, "signing_roles": False,
             "supervisors": False, "voting_window": False, "mix_servers": False}
_DISTRICT = {"district_id": True, "name": True, "kind": True}
_STATION = {"station_id": True, "name": True, "district_id": True, "style_id": True}
_STYLE = {"style_id": True, "contest_ids": True}
_CONTEST = {"contest_id": True, "name": True, "district_id": True, "seats": True,
            "alternates": True, "max_choices": False, "method": True, "tie_chain": False,
            "lists": False, "candidates": True, "settings": False, "encoding": False}
_SETTINGS = {"min_votes": False, "quota": False, "threshold": False, "independents": False,
             "alternate_rounding": False}
_LIST = {"code": True, "name": True}
_CANDIDATE = {"code": True, "name": True, "list_code": False, "attributes": False}


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _key_step(key) -> str:
    """A JSON object key as a path step: `name` when it is a plain ASCII identifier, else
    `["..."]` with JSON's ASCII escapes, so a key holding a lone surrogate, a newline or a
    direction mark never makes an error message unprintable or misleading."""
    key = str(key)
    return key if _PLAIN_KEY.match(key) else f"[{json.dumps(key)}]"


def _fields(obj, spec: dict, path: str, what: str) -> dict:
    if not isinstance(obj, dict):
        raise manifest_error(path, f"{what} must be a JSON object, got {_jtype(obj)}")
    for k in obj:
        if k not in spec:
            raise manifest_error(join_path(path, _key_step(k)), f"unknown field in {what}")
    for k, required in spec.items():
        if required and k not in obj:
            raise manifest_error(join_path(path, k), f"missing field of {what}")
    return obj


def _jtype(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(v), type(v).__name__)


def _array(v, path: str):
    if not isinstance(v, list):
        raise manifest_error(path, f"must be a JSON array, got {_jtype(v)}")
    return v


def _str(v, path: str) -> str:
    if not isinstance(v, str):
        raise manifest_error(path, f"must be a string, got {_jtype(v)}")
    return v


def _int(v, path: str) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise manifest_error(path, f"must be an integer, got {_jtype(v)}")
    return v


def _code(v, path: str) -> int:
    """A code is a JSON integer or a string of digits (ASCII, Persian or Arabic-Indic)."""
    if isinstance(v, str):
        try:
            return parse_candidate_code(v)
        except ValueError as exc:
            raise manifest_error(path, str(exc)) from None
    return _int(v, path)


def _build(cls, path: str, **kw):
    try:
        return cls(**kw)
    except ManifestError as exc:
        raise reroot(exc, path) from None


def _candidate(obj, path: str) -> Candidate:
    _fields(obj, _CANDIDATE, path, "candidate")
    list_code = obj.get("list_code")
    attrs = obj.get("attributes", {})
    if not isinstance(attrs, dict):
        raise manifest_error(join_path(path, "attributes"), f"must be a JSON object, got "
                             f"{_jtype(attrs)}")
    for k, v in attrs.items():
        if not (isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool))):
            raise manifest_error(join_path(join_path(path, "attributes"), _key_step(k)),
                                 f"must be a string or an integer, got {_jtype(v)}")
    return _build(Candidate, path,
                  code=_code(obj["code"], join_path(path, "code")),
                  name=_str(obj["name"], join_path(path, "name")),
                  list_code=None if list_code is None else _code(list_code,
                                                                 join_path(path, "list_code")),
                  attributes=attrs)


def _contest(obj, path: str) -> Contest:
    _fields(obj, _CONTEST, path, "contest")
    p = lambda k: join_path(path, k)  # noqa: E731
    cands = [_candidate(c, f"{p('candidates')}[{i}]")
             for i, c in enumerate(_array(obj["candidates"], p("candidates")))]
    lists = []
    for i, x in enumerate(_array(obj.get("lists", []), p("lists"))):
        q = f"{p('lists')}[{i}]"
        _fields(x, _LIST, q, "list")
        lists.append(_build(PartyList, q, code=_code(x["code"], join_path(q, "code")),
                            name=_str(x["name"], join_path(q, "name"))))
    tie_chain = [_str(a, f"{p('tie_chain')}[{i}]")
                 for i, a in enumerate(_array(obj.get("tie_chain", []), p("tie_chain")))]
    seats = _int(obj["seats"], p("seats"))
    settings = _settings(obj.get("settings", {}), p("settings"))
    return _build(Contest, path,
                  contest_id=_str(obj["contest_id"], p("contest_id")),
                  name=_str(obj["name"], p("name")),
                  district_id=_str(obj["district_id"], p("district_id")),
                  seats=seats,
                  alternates=_int(obj["alternates"], p("alternates")),
                  max_choices=_int(obj.get("max_choices", seats), p("max_choices")),
                  method=_str(obj["method"], p("method")),
                  candidates=tuple(cands), lists=tuple(lists), tie_chain=tuple(tie_chain),
                  settings=settings,
                  encoding=(encoding_from_json(obj["encoding"], p("encoding"))
                            if "encoding" in obj else None))


_THRESHOLD = re.compile(r"(0|[1-9][0-9]{0,29})(/[1-9][0-9]{0,29})?\Z")


def _settings(obj, path: str) -> ResultSettings:
    """A contest's `settings` (every field optional, defaults as ResultSettings), each
    value checked with its path; threshold is an exact fraction written "p/q" or "p"."""
    _fields(obj, _SETTINGS, path, "settings")
    p = lambda k: join_path(path, k)  # noqa: E731
    d = ResultSettings()
    min_votes = _int(obj.get("min_votes", d.min_votes), p("min_votes"))
    if not 0 <= min_votes <= MAX_MIN_VOTES:
        raise manifest_error(p("min_votes"), f"min_votes {min_votes} is outside "
                             f"[0, {MAX_MIN_VOTES}]")
    named = {}
    for key, allowed in (("quota", QUOTAS), ("independents", INDEPENDENTS),
                         ("alternate_rounding", ROUNDINGS)):
        named[key] = _str(obj.get(key, getattr(d, key)), p(key))
        if named[key] not in allowed:
            raise manifest_error(p(key), f"{key} {named[key]!r} is not one of {allowed}")
    raw = _str(obj.get("threshold", str(d.threshold)), p("threshold"))
    if not _THRESHOLD.match(raw):
        raise manifest_error(p("threshold"), f"threshold {raw[:40]!r} is not an exact "
                             "fraction \"p/q\" or a whole number \"p\" (ASCII digits)")
    threshold = Fraction(raw)
    if not 0 <= threshold < 1:
        raise manifest_error(p("threshold"), f"threshold {raw} is outside [0, 1) (a share "
                             "of the list vote)")
    return ResultSettings(min_votes=min_votes, threshold=threshold, **named)


def _simple(cls, spec, obj, path: str, what: str):
    _fields(obj, spec, path, what)
    kw = {k: _str(obj[k], join_path(path, k)) for k in spec}
    return _build(cls, path, **kw)


def manifest_from_json_obj(obj) -> Manifest:
    """Validate a parsed JSON object and build the Manifest (errors carry "$..." paths)."""
    _fields(obj, _MANIFEST, "$", "manifest")
    if obj["version"] != VERSION:
        raise manifest_error("$.version", f"unsupported version {obj['version']!r}, "
                             f"expected {VERSION!r}")
    key_hex = _str(obj["authority_key"], "$.authority_key")
    if len(key_hex) != 64 or any(ch not in "0123456789abcdef" for ch in key_hex):
        raise manifest_error("$.authority_key", "must be 64 lowercase hex characters "
                             "(a 32-byte Ed25519 public key)")
    districts = tuple(_simple(District, _DISTRICT, x, f"$.districts[{i}]", "district")
                      for i, x in enumerate(_array(obj["districts"], "$.districts")))
    stations = tuple(_simple(Station, _STATION, x, f"$.stations[{i}]", "station")
                     for i, x in enumerate(_array(obj["stations"], "$.stations")))
    contests = tuple(_contest(x, f"$.contests[{i}]")
                     for i, x in enumerate(_array(obj["contests"], "$.contests")))
    styles = []
    for i, x in enumerate(_array(obj["styles"], "$.styles")):
        q = f"$.styles[{i}]"
        _fields(x, _STYLE, q, "style")
        ids = [_str(c, f"{q}.contest_ids[{j}]")
               for j, c in enumerate(_array(x["contest_ids"], f"{q}.contest_ids"))]
        styles.append(_build(BallotStyle, q, style_id=_str(x["style_id"], f"{q}.style_id"),
                             contest_ids=tuple(ids)))
    return _build(Manifest, "$",
                  election_id=_str(obj["election_id"], "$.election_id"),
                  name=_str(obj["name"], "$.name"),
                  election_date=_str(obj["election_date"], "$.election_date"),
                  authority_key=bytes.fromhex(key_hex),
                  districts=districts, stations=stations, contests=contests,
                  styles=tuple(styles),
                  privacy_floor=obj.get("privacy_floor", DEFAULT_PRIVACY_FLOOR),
                  signing_roles=(signing_roles_from_json(obj["signing_roles"])
                                 if "signing_roles" in obj else SigningRoles()),
                  supervisors=supervisors_from_json(obj.get("supervisors", [])),
                  voting_window=voting_window_from_json(obj.get("voting_window")),
                  mix_servers=mix_servers_from_json(obj.get("mix_servers", [])))


def _no_duplicate_keys(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise manifest_error("", f"duplicate JSON key {k!r}")
        obj[k] = v
    return obj


def _no_float(s: str):
    raise manifest_error("", f"non-integer number {s} (the manifest has integers only)")


def _no_constant(s: str):
    raise manifest_error("", f"{s} is not JSON")


def parse_manifest_json(data: bytes) -> Manifest:
    """Manifest from JSON text (UTF-8 bytes): refuses duplicate keys, floats, NaN."""
    if not isinstance(data, (bytes, bytearray)):
        raise manifest_error("", f"manifest JSON must be bytes, got {type(data).__name__}")
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise manifest_error("", f"manifest is not UTF-8 (byte {exc.start})") from None
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_float=_no_float,
                         parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise manifest_error("", f"manifest is not JSON: {exc.msg} at line {exc.lineno} "
                             f"column {exc.colno}") from None
    except ManifestError:
        raise
    except (ValueError, RecursionError) as exc:  # e.g. an integer of 5000 digits, deep nesting
        raise manifest_error("", f"manifest JSON is unusable: {type(exc).__name__}") from None
    return manifest_from_json_obj(obj)


def _read_regular(path: str) -> bytes:
    """The bytes of a regular file (at most MAX_FILE_BYTES + 1 of them); ManifestError
    otherwise. Opened non-blocking, so a FIFO is refused instead of waiting for a writer
    forever."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise manifest_error("", f"cannot read manifest file {path!r}: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise manifest_error("", f"manifest file {path!r} is not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise manifest_error("", f"manifest file {path!r} is {st.st_size} bytes "
                                 f"(more than {MAX_FILE_BYTES})")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise manifest_error("", f"cannot read manifest file {path!r}: {exc.strerror}") from None
    finally:
        os.close(fd)


def load_manifest(path) -> Manifest:
    """Read and validate a manifest file (UTF-8 JSON, specs/manifest.md). A path that is
    not a str, bytes or os.PathLike is an EvoteTypeError; every other problem a
    ManifestError."""
    try:
        path = checked_path(path, "manifest file")
    except EvoteValueError as exc:  # a NUL character
        raise manifest_error("", str(exc)) from None
    data = _read_regular(path)
    if len(data) > MAX_FILE_BYTES:  # grew while being read
        raise manifest_error("", f"manifest file {path!r} is more than {MAX_FILE_BYTES} bytes")
    try:
        return parse_manifest_json(data)
    except ManifestError as exc:
        named = ManifestError(f"{path}: {exc}")
        named.path, named.detail = getattr(exc, "path", ""), getattr(exc, "detail", str(exc))
        raise named from None
