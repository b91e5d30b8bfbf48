"""Writes the record vectors of issue 16 gaps 5-8 into specs/vectors/records/ (format:
its README.md; the base and the helpers are tests/record_vectors_gen.py's):

    python tests/record_vectors_faults_gen.py

- gap 5, results.json's layout (specs/results.md 5.0): results-*;
- gap 6, the faulty-box rule (specs/record.md 8.2): box-*;
- gap 7, paper results that fail V13 count nothing (record.md 8.3): paper-invalid-*;
- gap 8, when a check does not run (record.md 8.4): not-run-*.

Each `expected` is written here by hand from the section the vector names, never copied
from the verifier's output; tests/test_record_vectors.py applies them all.
"""
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from record_vectors_gen import (BASE, VECTORS, base_json, paper_path,  # noqa: E402
                                replace_json, verdict)

RESULTS = "results/results.json"
BOX = "boxes/city-1-st001/city-1-st001-k1.box"
MAKERS = {}


def vector(fn):
    MAKERS[fn.__name__.replace("_", "-")] = fn
    return fn


def results_json_bytes(value) -> bytes:
    """results.json's serialisation (specs/results.md 5.0), so a changed value is the only
    difference: V15 then names the value, not the bytes."""
    return (json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def replace_results(value) -> dict:
    return {"path": RESULTS, "action": "replace", "text": results_json_bytes(value).decode()}


def base_bytes(path: str) -> bytes:
    with open(os.path.join(BASE, *path.split("/")), "rb") as f:
        return f.read()


# ---------------------------------------------------------------- gap 5: results.json

def _lot_tie(results):
    """(contest index, tie index, tie) of the base's first lot step whose draw order is
    not code order (the base has one: the demo's seed 7)."""
    for i, c in enumerate(results["contests"]):
        for k, t in enumerate(c["ties"]):
            if t["step"] == "lot" and [d["code"] for d in t["draws"]] != sorted(t["codes"]):
                return i, k, t
    raise AssertionError("the base has no lot draw out of code order")


@vector
def results_lot_draws_in_code_order():
    r = base_json(RESULTS)
    i, k, t = _lot_tie(r)
    t["draws"] = sorted(t["draws"], key=lambda d: d["code"])
    where = f"{RESULTS} $.contests[{i}].ties[{k}].draws[0].code"
    return {"description": "results.json lists a lot step's draws in code order instead of "
            "draw order (the same draws, the same placed order), resealed: results.md 5.0 "
            "writes draws in draw order, so V15 fails at the first draw; V18 does not run "
            "(the results are not verified).",
            "rule": "results.md 5.0", "changes": [replace_results(r)], "reseal": True,
            "expected": {**verdict(1, V15="fail", V18="not run"),
                         "failures": [["V15", where]]}}


@vector
def results_plurality_lists_null():
    r = base_json(RESULTS)
    r["contests"][0]["lists"] = None
    return {"description": "results.json writes `lists: null` for a plurality contest, "
            "resealed: results.md 5.0 says `[]`; V15 fails there, V18 does not run.",
            "rule": "results.md 5.0", "changes": [replace_results(r)], "reseal": True,
            "expected": {**verdict(1, V15="fail", V18="not run"),
                         "failures": [["V15", f"{RESULTS} $.contests[0].lists"]]}}


@vector
def results_electronic_station_row():
    r = base_json(RESULTS)
    row = dict(r["stations"][0], station_id="city-1-st001", paper=False)
    r["stations"] = sorted(r["stations"] + [row],
                           key=lambda s: (s["station_id"], s["contest_id"]))
    return {"description": "results.json's `stations` also lists an electronic station "
            "(paper false), resealed: results.md 5.0 lists only the paper stations whose "
            "counts were combined; V15 fails at `$.stations`, V18 does not run.",
            "rule": "results.md 5.0", "changes": [replace_results(r)], "reseal": True,
            "expected": {**verdict(1, V15="fail", V18="not run"),
                         "failures": [["V15", f"{RESULTS} $.stations"]]}}


@vector
def results_positions_as_strings():
    r = base_json(RESULTS)
    t = r["contests"][0]["ties"][0]
    t["positions"] = [str(p) for p in t["positions"]]
    return {"description": "results.json writes a tie step's `positions` as strings, "
            "resealed: results.md 5.0 makes them two ints (only `score`, `remainder`, "
            "`quota` and `threshold` are strings); V15 fails there, V18 does not run.",
            "rule": "results.md 5.0", "changes": [replace_results(r)], "reseal": True,
            "expected": {**verdict(1, V15="fail", V18="not run"),
                         "failures": [["V15", f"{RESULTS} $.contests[0].ties[0].positions[0]"]]}}


# ---------------------------------------------------------------- gap 6: faulty boxes

def _frames(data: bytes):
    from evote.ballotbox.framing import iter_frames
    return [(f.offset, f.size, f.rtype.name) for f in iter_frames(io.BytesIO(data))]


@vector
def box_duplicated_frame():
    data = base_bytes(BOX)
    frames = _frames(data)
    off, size, rtype = frames[1]
    assert rtype == "CAST", frames[:3]
    forged = data[:off + size] + data[off:off + size] + data[off + size:]
    return {"description": f"{BOX}: its first CAST frame (record 1) copied, byte for byte, "
            "right after itself, resealed. The copy and every record after it carry the "
            "wrong sequence number and ballot id for its position (V6), and the copy's "
            "confirmation code does not follow from the code before it (V7): the box is "
            "faulty (record.md 8.2), none of its "
            "ballots is checked or counted, and the copy is not a V9 duplicate. V11 fails "
            "(the published station and district tallies include the box's ballots), V12 "
            "fails (the published decryption is of those tallies, not the recomputed ones), "
            "V14 and V15 do not run (no valid decrypted counts, record.md 8.4), V16 fails (the "
            "box has no CLOSE record that verifies), V18 does not run.",
            "rule": "record.md 8.2",
            "changes": [{"path": BOX, "action": "replace", "hex": forged.hex()}],
            "reseal": True,
            "expected": {**verdict(1, V6="fail", V7="fail", V11="fail", V12="fail",
                                   V14="not run", V15="not run", V16="fail", V18="not run"),
                         "failures": [["V6", f"{BOX} record 2 (offset {off + size})"],
                                      ["V11", "tally/encrypted.json station city-1-st001 "
                                       "contest council-city-1"]]}}


@vector
def box_bytes_after_close():
    data = base_bytes(BOX)
    forged = data + data[:40]   # 40 bytes of a frame header: an incomplete final frame
    return {"description": f"{BOX}: 40 bytes appended after its CLOSE record, resealed. "
            "After CLOSE any byte is `after-close` (V6), so the box is faulty (record.md "
            "8.2) and counts nothing: V11, V12 fail, V14, V15 do not run, V18 does not run. "
            "Its CLOSE record itself verifies, so V16 (CAST records vs declaration vs CLOSE, "
            "read from every box) passes.",
            "rule": "record.md 8.2",
            "changes": [{"path": BOX, "action": "replace", "hex": forged.hex()}],
            "reseal": True,
            "expected": {**verdict(1, V6="fail", V11="fail", V12="fail", V14="not run",
                                   V15="not run", V18="not run"),
                         "failures": [["V6", f"{BOX} record {len(_frames(data))} "
                                       f"(offset {len(data)})"]]}}


# ---------------------------------------------------------------- gap 7: paper, V13

@vector
def paper_invalid_not_counted():
    path = paper_path()
    p = base_json(path)
    c = p["contests"][0]
    k = max(range(len(c["votes"])), key=lambda i: c["votes"][i])
    c["votes"][k] += 1   # one more vote: the officials' signatures no longer verify
    return {"description": f"{path}: one candidate given one more vote after the officials "
            "signed, resealed. V13 fails (bad signatures). A paper result that fails V13 "
            "counts nothing (record.md 8.3): V14 passes (the station has a paper result), "
            "V15 recomputes without the station, so results.json, which counted it, fails "
            "at `$.stations` and in the contest's counts; V18 does not run.",
            "rule": "record.md 8.3", "changes": [replace_json(path, p)], "reseal": True,
            "expected": {**verdict(1, V13="fail", V15="fail", V18="not run"),
                         "failures": [["V13", path], ["V15", f"{RESULTS} $.stations"]]}}


# ---------------------------------------------------------------- gap 8: not run

@vector
def not_run_decryption_unreadable():
    return {"description": "tally/decryption.json replaced by `{}` (canonical), resealed: "
            "V12 fails there; no decrypted count is valid, so V14 and V15 do not run and "
            "V18 does not run (record.md 8.4). The lot (tally/lot.json) is still verified.",
            "rule": "record.md 8.4",
            "changes": [replace_json("tally/decryption.json", {})], "reseal": True,
            "expected": {**verdict(1, V12="fail", V14="not run", V15="not run",
                                   V18="not run"),
                         "failures": [["V12", "tally/decryption.json"]]}}


@vector
def not_run_lot_unreadable():
    return {"description": "tally/lot.json replaced by `{}` (canonical), resealed: V12 "
            "fails there; the decrypted counts are valid, so V14 runs and passes; without "
            "the lot seed V15 does not run, nor V18 (record.md 8.4).",
            "rule": "record.md 8.4",
            "changes": [replace_json("tally/lot.json", {})], "reseal": True,
            "expected": {**verdict(1, V12="fail", V15="not run", V18="not run"),
                         "failures": [["V12", "tally/lot.json"]]}}


@vector
def not_run_encrypted_tally_unreadable():
    return {"description": "tally/encrypted.json replaced by `{}` (canonical), resealed: "
            "V11 fails there, and nothing else: V12 checks the decryption against the "
            "recomputed tallies, and V15 needs only the counts and the lot seed "
            "(record.md 8.4), so V12-V18 run and pass.",
            "rule": "record.md 8.4",
            "changes": [replace_json("tally/encrypted.json", {})], "reseal": True,
            "expected": {**verdict(1, V11="fail"),
                         "failures": [["V11", "tally/encrypted.json"]]}}


@vector
def not_run_failed_check_is_fail():
    path = paper_path()
    sid = path[len("paper/"):-len(".json")]
    return {"description": f"{path} deleted and tally/decryption.json replaced by `{{}}`, "
            f"resealed: V12 fails; V14 finds station {sid} with neither boxes nor a paper "
            "result before it stops for want of decrypted counts, so it is `fail`, not "
            "`not run` (record.md 8.4); V15 and V18 do not run.",
            "rule": "record.md 8.4",
            "changes": [{"path": path, "action": "delete"},
                        replace_json("tally/decryption.json", {})], "reseal": True,
            "expected": {**verdict(1, V12="fail", V14="fail", V15="not run", V18="not run"),
                         "failures": [["V14", f"station {sid}"]]}}


def write() -> None:
    for name, make in sorted(MAKERS.items()):
        v = {"format": "evote-record-vector/1", "base": "base", **make()}
        with open(os.path.join(VECTORS, name + ".json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(v, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    write()
