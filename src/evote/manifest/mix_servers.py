"""The manifest's mix servers and contest encodings (specs/manifest.md section 1.3; issue 15,
the lead's decisions 1 and 3).

    "mix_servers": [{"mix_id": id, "key": hex32}, ...]     # top level; order = mixing order
    contest "encoding": "per-candidate" | "slots"           # default: default_encoding(n)

Invariants once constructed: every mix id is an id (model.ID_PATTERN) and every key 32
bytes that decode as an Ed25519 public key (a point of the curve); no mix id and no key
is listed twice. The manifest (model.Manifest) adds: at least one mix server when a
contest uses slots. The list, like the encodings, is bound by the manifest hash, hence by
the package hash announced before the polls open: the mix servers and which contests are
mixed cannot be chosen after the count.
"""
from __future__ import annotations

from dataclasses import dataclass

import nacl.bindings

from ..errors import ManifestError

PER_CANDIDATE = "per-candidate"
SLOTS = "slots"
ENCODINGS = (PER_CANDIDATE, SLOTS)
# More candidates than this and a contest's default encoding is slots: at 200 candidates a
# per-candidate ballot of 21 choices is already 61 KB (issue 15's table), a slot ballot ~3 KB.
SLOTS_ABOVE_CANDIDATES = 200


def default_encoding(n_candidates: int) -> str:
    """"slots" iff the contest has more than SLOTS_ABOVE_CANDIDATES candidates."""
    return SLOTS if n_candidates > SLOTS_ABOVE_CANDIDATES else PER_CANDIDATE


def _error(path: str, detail: str) -> ManifestError:
    from .model import manifest_error
    return manifest_error(path, detail)


def _is_ed25519_point(key: bytes) -> bool:
    """True when `key` decodes as a point of edwards25519 (libsodium's public-key check:
    canonical y, on the curve; small-order points refused)."""
    try:
        return bool(nacl.bindings.crypto_core_ed25519_is_valid_point(key))
    except Exception:   # a wrong length or an old libsodium: not a key we can use
        return False


@dataclass(frozen=True)
class MixServer:
    """One mix server: its id (names its output files, mix/<contest>/<k>-<mix_id>.bin)
    and the Ed25519 key that signs its outputs."""
    mix_id: str
    key: bytes

    def __post_init__(self):
        from .model import check_id
        check_id(self.mix_id, "mix_id", "mix server id")
        if not isinstance(self.key, bytes) or len(self.key) != 32:
            raise _error("key", f"mix server {self.mix_id!r}: key must be 32 bytes (an "
                         "Ed25519 public key)")
        if not _is_ed25519_point(self.key):
            raise _error("key", f"mix server {self.mix_id!r}: key {self.key.hex()} is not an "
                         "Ed25519 public key (not a point of the curve, or of small order)")

    def to_json_obj(self) -> dict:
        return {"mix_id": self.mix_id, "key": self.key.hex()}


def check_mix_servers(value, path: str = "mix_servers") -> tuple:
    """The list as a tuple; ManifestError at the first repeated id or key."""
    if not isinstance(value, (list, tuple)):
        raise _error(path, "must be a list of mix servers")
    ids, keys = {}, {}
    for i, m in enumerate(value):
        if not isinstance(m, MixServer):
            raise _error(f"{path}[{i}]", "expected a MixServer")
        if m.mix_id in ids:
            raise _error(f"{path}[{i}].mix_id", f"duplicate mix server id {m.mix_id!r} "
                         f"(also at index {ids[m.mix_id]})")
        if m.key in keys:
            raise _error(f"{path}[{i}].key", f"mix server {m.mix_id!r} has the key of mix "
                         f"server {value[keys[m.key]].mix_id!r} (index {keys[m.key]}): each "
                         "mix server has its own key")
        ids[m.mix_id], keys[m.key] = i, i
    return tuple(value)


def mix_servers_from_json(value, path: str = "$.mix_servers") -> tuple:
    if not isinstance(value, list):
        raise _error(path, "must be a JSON array")
    out = []
    for i, s in enumerate(value):
        w = f"{path}[{i}]"
        if not isinstance(s, dict):
            raise _error(w, "a mix server must be a JSON object")
        for k in s:
            if k not in ("mix_id", "key"):
                raise _error(f"{w}.{k}" if isinstance(k, str) and k.isidentifier() else w,
                             f"unknown field {k!r} in mix server")
        for k in ("mix_id", "key"):
            if k not in s:
                raise _error(f"{w}.{k}", "missing field of mix server")
        key = s["key"]
        if not isinstance(key, str) or len(key) != 64 or \
                any(ch not in "0123456789abcdef" for ch in key):
            raise _error(f"{w}.key", "must be 64 lowercase hex characters (a 32-byte "
                         "Ed25519 public key)")
        if not isinstance(s["mix_id"], str):
            raise _error(f"{w}.mix_id", "must be a string")
        try:
            out.append(MixServer(s["mix_id"], bytes.fromhex(key)))
        except ManifestError as exc:
            from .model import reroot
            raise reroot(exc, w) from None
    return check_mix_servers(out, path)


def encoding_from_json(value, path: str) -> str:
    if not isinstance(value, str) or value not in ENCODINGS:
        raise _error(path, f"encoding {value!r:.40} is not one of {ENCODINGS}")
    return value
