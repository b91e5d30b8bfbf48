"""The manifest and election context of a record, parsed once per worker process.

Per-station tasks (the demo's kiosks, the verifier's stations) receive the two files as
bytes so that they pickle cheaply to worker processes or Dask workers; each worker parses
them once and reuses the result for every task of the same election.
"""
from ..hashing import digest
from ..manifest import Manifest
from ..protocol.context import ElectionContext
from .jsonio import parse_json_bytes
from .layout import CONTEXT, MANIFEST

_cache = {}


def parsed_election(manifest_bytes: bytes, context_bytes: bytes):
    """(Manifest, ElectionContext) from the bytes of manifest.json and context.json, cached
    for the last election seen. Raises the loaders' precise errors on bad input."""
    key = digest("evote/v1/election-cache", manifest_bytes, context_bytes)
    value = _cache.get(key)
    if value is None:  # safe with threads (Dask's threaded workers): no check-then-read
        manifest = Manifest.from_json_obj(parse_json_bytes(manifest_bytes, MANIFEST))
        context = ElectionContext.from_json_obj(parse_json_bytes(context_bytes, CONTEXT))
        value = (manifest, context)
        _cache.clear()
        _cache[key] = value
    return value
