"""The fallback decisions of a record (fallback/<station>.json, specs/record.md 5.4), as
`evote results` reads them: an electronic station whose officials fell back to paper
has both boxes and a paper result, and both are counted.

    record_fallbacks(election) -> {station id: PaperFallback}

Each file is read through files.read_json_input, parsed strictly, at its own path
(fallback/<its station>.json), canonical, and complete for the record's manifest
(PaperFallback.verify: certificates, signatures, every required role). What needs the
package and the boxes (listed officials and kiosks, box hashes) was checked by `evote
tally` and is checked again by the verifier (V1, V13); this step only must not count a
station twice without a decision, nor miss one that has it.
"""
from __future__ import annotations

import os

from ..errors import EvoteError
from ..record import layout
from ..tally.fallback import PaperFallback
from .files import read_json_input


class FallbackRefused(EvoteError):
    """A record's fallback decision cannot be used (the message names the file)."""


def record_fallbacks(election) -> dict:
    """station id -> verified PaperFallback, for every file under fallback/."""
    directory = election.full(layout.FALLBACK_DIR)
    if not os.path.isdir(directory):
        return {}
    out = {}
    for name in sorted(os.listdir(directory)):
        rel = f"{layout.FALLBACK_DIR}/{name}"
        value, raw = read_json_input(election.full(rel), f"record file {rel}", 1 << 24)
        try:
            doc = PaperFallback.from_json_obj(value, rel)
            if doc.path != rel:
                raise FallbackRefused(f"{rel}: holds the decision of station "
                                      f"{doc.station_id!r}")
            if doc.to_json_bytes() != raw:
                raise FallbackRefused(f"{rel}: not in canonical form")
            doc.verify(election.manifest)
        except EvoteError as exc:
            msg = str(exc)
            raise FallbackRefused(msg if msg.startswith(rel) else f"{rel}: {msg}") from None
        out[doc.station_id] = doc
    return out
