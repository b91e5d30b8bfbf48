"""Every change to a box is detected and named: which record, which check."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from evote.ballotbox import read_box, scan_box
from evote.ballotbox.problems import BoxMismatch, BoxProblem, CertificateError, ChainError
from test_ballotbox_support import Identity, field_ranges, fill, refix, split, write

TYPES = {"OPEN": 0, "CAST": 1, "SPOIL": 2, "CLOSE": 5}  # record index of each type in `box`


@pytest.fixture(scope="module")
def ident():
    return Identity(seed=bytes([7] * 32))


@pytest.fixture(scope="module")
def box_frames(ident, tmp_path_factory):
    """OPEN, CAST, SPOIL, CAST, CAST, CLOSE."""
    path = tmp_path_factory.mktemp("tamper") / "box.evb"
    box = ident.open(path)
    fill(box, 3, 1, size=120, close=True)
    box.release()
    frames = split(path)
    assert [f[5] for f in frames] == [1, 2, 3, 2, 2, 4]
    return frames


def problems_of(path, ident, **kw):
    rep = scan_box(path, authority_key=ident.authority_key, **kw)
    return rep, [(p.seq, p.check) for p in rep.problems]


# For a raw bit flip (media damage) the framing checks fire first; for a tamperer who also
# fixes the CRCs, the named semantic check (and the signature) must fire.
TAMPER_EXPECT = {
    "seq": "sequence", "prev-hash": "prev-hash", "time": "signature", "signature": "signature",
    "ballot-id": "ballot-id", "code": "confirmation-code", "payload": "confirmation-code",
    "election-hash": "certificate-binding", "station": "certificate-binding",
    "kiosk": "certificate-binding", "cert-election-hash": "certificate",
    "cert-kiosk-key": "certificate", "cert-signature": "certificate", "n-cast": "close-counts",
    "n-spoiled": "close-counts", "chain-head": "close-chain-head",
}
RAW_FRAMING = {"magic": "magic", "version": "header-check", "type": "header-check",
               "reserved": "header-check", "length": "header-check", "header-check": "header-check"}



@pytest.mark.parametrize("kind", list(TYPES))
def test_raw_bit_flip_in_every_field_is_detected_at_that_record(kind, box_frames, ident, tmp_path):
    idx = TYPES[kind]
    fields = field_ranges(box_frames[idx])
    assert len(fields) >= 12
    for name, (start, end) in fields.items():
        for pos in {start, (start + end - 1) // 2, end - 1}:
            for bit in (0, 7):
                frames = list(box_frames)
                b = bytearray(frames[idx])
                b[pos] ^= 1 << bit
                frames[idx] = bytes(b)
                write(tmp_path / "t.evb", frames)
                rep, found = problems_of(tmp_path / "t.evb", ident)
                assert found, (kind, name, pos, bit)
                assert rep.torn_offset is None, (kind, name, "never mistaken for a torn frame")
                assert found[0][0] == idx, (kind, name, found)
                want = RAW_FRAMING.get(name, "frame-check")
                assert (idx, want) in found, (kind, name, found)


@pytest.mark.parametrize("kind", list(TYPES))
def test_tampering_with_every_field_is_named(kind, box_frames, ident, tmp_path):
    idx = TYPES[kind]
    for name, (start, end) in field_ranges(box_frames[idx]).items():
        if name in RAW_FRAMING or name == "frame-check" or name.endswith("-length"):
            continue
        frames = list(box_frames)
        b = bytearray(frames[idx])
        b[(start + end) // 2] ^= 0x10
        frames[idx] = refix(bytes(b))
        write(tmp_path / "t.evb", frames)
        rep, found = problems_of(tmp_path / "t.evb", ident)
        at_record = {check for seq, check in found if seq == idx}
        assert TAMPER_EXPECT[name] in at_record, (kind, name, found)
        assert "frame-check" not in at_record
        with pytest.raises(BoxProblem) as e:
            list(read_box(tmp_path / "t.evb", authority_key=ident.authority_key))
        assert e.value.seq == idx and e.value.kiosk_id in (None, "kiosk-1")


def test_changed_length_fields_are_detected(box_frames, ident, tmp_path):
    for kind, idx in TYPES.items():
        for name, (start, end) in field_ranges(box_frames[idx]).items():
            if not name.endswith("-length"):
                continue
            frames = list(box_frames)
            b = bytearray(frames[idx])
            b[end - 1] ^= 1
            frames[idx] = refix(bytes(b))
            write(tmp_path / "t.evb", frames)
            _, found = problems_of(tmp_path / "t.evb", ident)
            assert (idx, "body") in found or (idx, "certificate") in found, (kind, name, found)


def _rebuilt(frames, tmp_path, name="t.evb"):
    write(tmp_path / name, frames)
    return tmp_path / name


@pytest.mark.parametrize("op,at,checks", [
    ("remove", 2, {"sequence", "prev-hash"}),
    ("duplicate", 3, {"sequence", "prev-hash"}),
    ("reorder", 3, {"sequence", "prev-hash"}),
    ("remove-close", None, {"not-closed"}),
    ("remove-last-cast", 4, {"sequence", "prev-hash", "close-counts"}),
])
def test_removed_duplicated_reordered_records(op, at, checks, box_frames, ident, tmp_path):
    f = list(box_frames)
    if op == "remove":
        del f[2]
    elif op == "duplicate":
        f.insert(3, f[2])
    elif op == "reorder":
        f[3], f[4] = f[4], f[3]
    elif op == "remove-close":
        f = f[:-1]
    elif op == "remove-last-cast":
        del f[4]
    path = _rebuilt(f, tmp_path)
    if op == "remove-close":
        with pytest.raises(ChainError) as e:
            list(read_box(path, authority_key=ident.authority_key, require_closed=True))
        assert e.value.check == "not-closed" and e.value.seq == 5
        return
    _, found = problems_of(path, ident)
    assert checks <= {c for s, c in found if s == at}, found
    assert min(s for s, _ in found) == at


def test_record_inserted_from_another_box_of_the_same_kiosk(box_frames, ident, tmp_path):
    other = ident.open(tmp_path / "other.evb")
    fill(other, 2, 0, close=False)
    other.release()
    stranger = split(tmp_path / "other.evb")[1]
    f = list(box_frames)
    f.insert(2, stranger)
    _, found = problems_of(_rebuilt(f, tmp_path), ident)
    at = {c for s, c in found if s == 2}
    assert {"prev-hash", "ballot-id", "confirmation-code"} <= at, found
    assert "signature" not in at  # genuinely signed by this kiosk: the chain catches it


def test_record_resigned_with_another_kiosks_key(box_frames, ident, tmp_path):
    f = list(box_frames)
    f[3] = refix(f[3], key=SigningKey.generate())
    _, found = problems_of(_rebuilt(f, tmp_path), ident)
    assert found == [(3, "signature")]


def test_whole_box_forged_with_a_self_made_certificate(tmp_path, ident):
    forger = Identity(authority=SigningKey.generate(), election_hash=ident.election_hash)
    box = forger.open(tmp_path / "f.evb")
    fill(box, 2, 0)
    box.release()
    with pytest.raises(CertificateError) as e:
        list(read_box(tmp_path / "f.evb", authority_key=ident.authority_key))
    assert e.value.seq == 0 and e.value.check == "certificate"


def test_box_of_another_election_or_station(tmp_path, ident):
    other = Identity(election_hash=bytes(32 * [1]), station="station-9")
    box = other.open(tmp_path / "o.evb")
    fill(box, 1, 0)
    box.release()
    for kw, check in ((dict(election_hash=ident.election_hash), "election"),
                      (dict(station_id="station-7"), "station"),
                      (dict(kiosk_id="kiosk-2"), "kiosk")):
        with pytest.raises(BoxMismatch) as e:
            list(read_box(tmp_path / "o.evb", authority_key=ident.authority_key, **kw))
        assert e.value.check == check and e.value.seq == 0


def test_cast_record_moved_into_another_election_box_by_the_kiosk_itself(tmp_path, ident):
    """Same kiosk key certified for two elections: a ballot copied across is caught by
    its ballot id and code (both bind the OPEN record), even when re-chained and re-signed."""
    twin = Identity(election_hash=bytes(32 * [9]), seed=bytes([7] * 32))
    a, b = ident.open(tmp_path / "a.evb"), twin.open(tmp_path / "b.evb")
    fill(a, 2, 0, close=False)
    fill(b, 1, 0, close=False)
    a.release()
    b.release()
    fa, fb = split(tmp_path / "a.evb"), split(tmp_path / "b.evb")
    moved = bytearray(fa[2])
    moved[16:24] = (2).to_bytes(8, "big")
    from evote.ballotbox.framing import record_hash
    last = fb[1]
    body_len = int.from_bytes(last[8:12], "big")
    moved[32:64] = record_hash(last[:64 + body_len])
    path = _rebuilt(fb + [refix(bytes(moved), key=twin.kiosk_key)], tmp_path)
    _, found = problems_of(path, twin)
    assert {(2, "ballot-id"), (2, "confirmation-code")} <= set(found), found


def test_time_going_backwards_is_detected(box_frames, ident, tmp_path):
    f = list(box_frames)
    b = bytearray(f[3])
    b[24:32] = (1).to_bytes(8, "big")   # a ballot record carries no time (version 2)
    f[3] = refix(bytes(b), key=ident.kiosk_key)
    _, found = problems_of(_rebuilt(f, tmp_path), ident)
    assert (3, "time") in found and (4, "prev-hash") in found


def test_records_after_close_and_second_open(box_frames, ident, tmp_path):
    _, found = problems_of(_rebuilt(list(box_frames) + [box_frames[1]], tmp_path), ident)
    assert (6, "after-close") in found
    _, found = problems_of(_rebuilt([box_frames[1]] + list(box_frames), tmp_path, "u.evb"), ident)
    assert (0, "open-first") in found and (1, "open-repeated") in found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_bit_flip_anywhere_is_damage_never_silent_or_torn(data, box_frames, ident, tmp_path):
    blob = bytearray(b"".join(box_frames))
    pos = data.draw(st.integers(0, len(blob) - 1))
    blob[pos] ^= 1 << data.draw(st.integers(0, 7))
    (tmp_path / "h.evb").write_bytes(bytes(blob))
    rep = scan_box(tmp_path / "h.evb", authority_key=ident.authority_key)
    assert rep.problems and rep.torn_offset is None
