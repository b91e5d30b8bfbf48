"""The manifest's JSON object, its canonical bytes and its hash (specs/manifest.md section 4).

Canonical JSON here: UTF-8, object keys sorted by code point, no insignificant whitespace,
integers in plain decimal, strings with only '"', '\\' escaped (names hold no control
characters: the model refuses them), arrays in manifest order, every optional field
present. There are no floats, so no number formatting question arises.
"""
from ..canonical_json import canonical_json_bytes  # noqa: F401  (the shared form)
from ..hashing import digest
from .mix_servers import default_encoding
from .model import VERSION, Contest, Manifest

MANIFEST_HASH_TAG = "evote/v1/manifest"



def manifest_hash(canonical_bytes: bytes) -> bytes:
    return digest(MANIFEST_HASH_TAG, canonical_bytes)


def _contest_obj(c: Contest) -> dict:
    obj = {
        "contest_id": c.contest_id,
        "name": c.name,
        "district_id": c.district_id,
        "seats": c.seats,
        "alternates": c.alternates,
        "max_choices": c.max_choices,
        "method": c.method,
        "tie_chain": list(c.tie_chain),
        "settings": c.settings.to_json_obj(),
        "lists": [{"code": p.code, "name": p.name} for p in c.lists],
        "candidates": [{"code": k.code, "name": k.name, "list_code": k.list_code,
                        "attributes": dict(k.attributes)} for k in c.candidates],
    }
    # Written only when it is not the default for the candidate count, so that every
    # manifest made before encodings existed keeps its bytes and hash (manifest.md 4).
    if c.encoding != default_encoding(len(c.candidates)):
        obj["encoding"] = c.encoding
    return obj


def manifest_to_json_obj(m: Manifest) -> dict:
    """The manifest as a JSON object (every optional field written out, except a
    contest's default encoding and an empty mix_servers list: section 4)."""
    obj = {
        "version": VERSION,
        "election_id": m.election_id,
        "name": m.name,
        "election_date": m.election_date,
        "authority_key": m.authority_key.hex(),
        "privacy_floor": m.privacy_floor,
        "signing_roles": m.signing_roles.to_json_obj(),
        "supervisors": [s.to_json_obj() for s in m.supervisors],
        "voting_window": None if m.voting_window is None else m.voting_window.to_json_obj(),
        "districts": [{"district_id": d.district_id, "name": d.name, "kind": d.kind}
                      for d in m.districts],
        "stations": [{"station_id": s.station_id, "name": s.name,
                      "district_id": s.district_id, "style_id": s.style_id}
                     for s in m.stations],
        "contests": [_contest_obj(c) for c in m.contests],
        "styles": [{"style_id": s.style_id, "contest_ids": list(s.contest_ids)}
                   for s in m.styles],
    }
    if m.mix_servers:   # absent when empty: older manifests keep their bytes and hash
        obj["mix_servers"] = [x.to_json_obj() for x in m.mix_servers]
    return obj
