"""Canonical JSON: the one byte form evote hashes, signs and publishes small objects in.

Sorted keys, no whitespace, UTF-8 (non-ASCII kept as is), no NaN or infinities. Values
are made of dict/list/str/int/bool/None only; the same value always gives the same bytes.
specs/manifest.md, specs/record.md and specs/tally.md refer to this form.
"""
import json


def canonical_json_bytes(obj) -> bytes:
    """Canonical JSON bytes of a JSON value made of dict/list/str/int/bool/None."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")
