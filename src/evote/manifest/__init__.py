"""evote.manifest: the election manifest (districts, stations, contests, candidates,
ballot styles), its JSON loader and validator, canonical bytes and hash, and Persian name
normalization. The names below are the package's public API (specs/manifest.md)."""
from .model import (Attributes, BallotStyle, Candidate, Contest, District, Manifest,
                    NotInManifest, PartyList, Station, VERSION)
from .load import load_manifest, manifest_from_json_obj, parse_manifest_json
from .normalize import (name_key, normalize_name, parse_candidate_code, persian_digits,
                        to_persian_digits)
from .demo import make_demo_manifest
from .mix_servers import MixServer

__all__ = [
    "Attributes", "BallotStyle", "Candidate", "Contest", "District", "Manifest",
    "NotInManifest", "PartyList", "Station", "VERSION", "load_manifest", "manifest_from_json_obj",
    "parse_manifest_json", "name_key", "normalize_name", "parse_candidate_code",
    "persian_digits", "to_persian_digits", "make_demo_manifest", "MixServer",
]
