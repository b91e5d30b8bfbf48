"""The faulty-box rule (specs/record.md 8.2): a box with any V5, V6 or V7 problem has none
of its ballots checked (V8, V10), fingerprinted (V9) or summed (V11); its station's
tally is that of its other boxes. Tested on one station task of the record vectors' base
(fast: no whole-record run), for any one frame copied, dropped or swapped with the next."""
import io
import os
import shutil

from hypothesis import given, settings, strategies as st

from evote.ballotbox.framing import iter_frames
from evote.verify.station import verify_station

BASE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "specs", "vectors", "records", "base")
STATION = "city-1-st001"
K1 = f"boxes/{STATION}/{STATION}-k1.box"
K2 = f"boxes/{STATION}/{STATION}-k2.box"


def _read(rel):
    with open(os.path.join(BASE, *rel.split("/")), "rb") as f:
        return f.read()


MANIFEST, CONTEXT = _read("manifest.json"), _read("context.json")


def _task(record, boxes):
    return verify_station(record, STATION, tuple(boxes), MANIFEST, CONTEXT)


ONLY_K2 = _task(BASE, [K2])   # what the station counts when k1 counts nothing
BOTH = _task(BASE, [K1, K2])


def _frames(data):
    return [(f.offset, f.size) for f in iter_frames(io.BytesIO(data))]


def _forged(tmp, data):
    record = os.path.join(tmp, "rec")
    shutil.copytree(BASE, record)
    with open(os.path.join(record, *K1.split("/")), "wb") as f:
        f.write(data)
    return record


def _assert_counts_nothing(out):
    assert any(check == "V6" and loc.startswith(K1) for check, loc, _ in out["failures"])
    assert out["tallies"] == ONLY_K2["tallies"]
    assert out["ballot_ids"] == ONLY_K2["ballot_ids"]
    assert out["alphas"] == ONLY_K2["alphas"]
    for check in ("V8", "V10"):
        assert out["checked"][check] == ONLY_K2["checked"][check]
        assert not [f for f in out["failures"] if f[0] == check]


def test_the_base_box_counts():
    """Control: unchanged, both boxes count (the rule is not vacuous)."""
    assert not BOTH["failures"]
    assert BOTH["tallies"] != ONLY_K2["tallies"]
    assert len(BOTH["ballot_ids"]) > len(ONLY_K2["ballot_ids"])


@settings(max_examples=12, deadline=None)
@given(st.data())
def test_any_broken_frame_makes_the_box_count_nothing(tmp_path_factory, data):
    raw = _read(K1)
    frames = _frames(raw)
    k = data.draw(st.integers(1, len(frames) - 1), label="frame")
    how = data.draw(st.sampled_from(["copy", "drop", "swap", "flip", "tail"]), label="how")
    off, size = frames[k]
    if how == "copy":
        forged = raw[:off + size] + raw[off:off + size] + raw[off + size:]
    elif how == "drop":
        forged = raw[:off] + raw[off + size:]
    elif how == "swap" and k + 1 < len(frames):
        off2, size2 = frames[k + 1]
        forged = raw[:off] + raw[off2:off2 + size2] + raw[off:off + size] + raw[off2 + size2:]
    elif how == "flip":
        pos = off + data.draw(st.integers(0, size - 1), label="byte")
        forged = raw[:pos] + bytes([raw[pos] ^ 0x01]) + raw[pos + 1:]
    else:   # bytes after the last frame
        forged = raw + raw[off:off + min(size, 40)]
    record = _forged(str(tmp_path_factory.mktemp("faulty")), forged)
    _assert_counts_nothing(_task(record, [K1, K2]))


def test_a_copied_frame_is_not_a_duplicate_ballot(tmp_path):
    """The copy's ballot is never fingerprinted: no V9 input repeats (record.md 8.2)."""
    raw = _read(K1)
    off, size = _frames(raw)[1]
    out = _task(_forged(str(tmp_path), raw[:off + size] + raw[off:off + size]
                        + raw[off + size:]), [K1, K2])
    _assert_counts_nothing(out)
    ids = [out["ballot_ids"][i:i + 32] for i in range(0, len(out["ballot_ids"]), 32)]
    assert len(ids) == len(set(ids))
    assert any(c == "V7" for c, _, _ in out["failures"])   # the copy's code breaks the chain
