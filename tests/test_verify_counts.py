"""specs/record.md 8.5: what each check's `checked` counts, computed here from the files
of the record vectors' valid base (its JSON read with json, its boxes cut into frames by
their headers as specs/ballot-box.md lays them out), and compared with the
verifier's report."""
import json
import os
import struct

from evote.verify.run import verify_record

BASE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "specs",
                    "vectors", "records", "base")
CAST, SPOIL = 2, 3


def _json(rel):
    with open(os.path.join(BASE, *rel.split("/")), "rb") as f:
        return json.loads(f.read())


def _files(sub):
    top = os.path.join(BASE, sub)
    return sorted(os.path.relpath(os.path.join(d, n), BASE).replace(os.sep, "/")
                  for d, _, names in os.walk(top) for n in names)


def _record_types(rel):
    """The record type (byte 5) of every frame: 64 bytes of header whose bytes 8-11 are
    the body length L (u32, big endian), the body, a 64-byte signature and a 4-byte frame
    check (ballot-box.md 3): 132 + L bytes."""
    data = open(os.path.join(BASE, *rel.split("/")), "rb").read()
    out, off = [], 0
    while off < len(data):
        (body,) = struct.unpack(">I", data[off + 8:off + 12])
        out.append(data[off + 5])
        off += 132 + body
    assert off == len(data)
    return out


def test_checked_is_what_the_spec_counts():
    rep = verify_record(BASE, jobs=1)
    assert rep.valid
    got = {c.number: c.checked for c in rep.checks}
    m = _json("manifest.json")
    contests = {c["contest_id"]: len(c["candidates"]) for c in m["contests"]}
    style = {s["station_id"]: s["style_id"] for s in m["stations"]}
    styles = {s["style_id"]: s["contest_ids"] for s in m["styles"]}
    boxes = _files("boxes")
    types = {b: _record_types(b) for b in boxes}
    ballots = {b: sum(t in (CAST, SPOIL) for t in ts) for b, ts in types.items()}
    tallies = _json("tally/encrypted.json")
    decryption = _json("tally/decryption.json")
    stations_with_boxes = {b.split("/")[1] for b in boxes}
    want = {
        "V1": len(_json("record.json")["files"]),
        "V2": len(_json("record.json")["files"]),
        "V3": 1,
        "V4": len(_json("context.json")["guardians"]),
        "V5": len(boxes),
        "V6": sum(len(ts) for ts in types.values()),
        "V7": sum(ballots.values()),
        "V8": sum(ballots.values()),
        "V9": sum(n * sum(contests[c] + 1 for c in styles[style[b.split("/")[1]]])
                  for b, n in ballots.items()),
        "V10": sum(ts.count(SPOIL) for ts in types.values()),
        "V11": sum(len(t["contests"]) for kind in ("stations", "districts")
                   for t in tallies[kind].values()),
        "V12": len(decryption["contests"]) + 1,
        "V13": len(_files("paper")),
        "V14": len(contests),
        "V15": len(contests),
        "V16": len(stations_with_boxes | {p.split("/")[1][:-5]
                                          for p in _files("declarations")}),
        "V17": 0,
        "V18": len(_files("reports")),
        "V19": 0,   # no slot contest in the base record (record.md 8.5)
        "V20": 0,
    }
    assert got == want
