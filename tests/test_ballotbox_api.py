"""The ballot box as kiosk software and a verifier use it."""
import json
import os
import stat
import subprocess
import sys

import nacl.pwhash
import pytest
from nacl.signing import SigningKey

from evote.ballotbox import (BallotBox, CastRecord, CloseRecord, OpenRecord, SpoilRecord,
                             issue_certificate, read_box, scan_box)
from evote.ballotbox.identity import KioskCertificate
from evote.ballotbox.keyfile import read_key_file, write_key_file
from evote.ballotbox.problems import (BoxClosed, BoxLocked, BoxMismatch, CertificateError,
                                      KeyFileError)
from evote.ballotbox.records import ballot_id_for, next_code, short_code
from evote.errors import EvoteTypeError, EvoteValueError
from test_ballotbox_support import Identity, fill

SRC = os.path.join(os.path.dirname(__file__), "..", "src")


@pytest.fixture
def ident():
    return Identity()


def test_cast_receipts_match_what_a_verifier_reads(tmp_path, ident):
    box = ident.open(tmp_path / "b.evb")
    receipts = []
    for i in range(5):
        bid = box.next_ballot_id()
        payload = os.urandom(50 + i)
        preview = box.preview_code(bid, payload)
        r = box.cast(bid, payload)
        assert r.code == preview and r.ballot_id == bid and r.seq == i + 1
        receipts.append(r)
    spoiled = box.challenge(box.next_ballot_id(), b"ballot")
    closing = box.close()
    box.release()
    recs = list(read_box(tmp_path / "b.evb", authority_key=ident.authority_key,
                         election_hash=ident.election_hash, station_id="station-7",
                         kiosk_id="kiosk-1", require_closed=True))
    assert [type(r) for r in recs] == [OpenRecord] + [CastRecord] * 5 + [SpoilRecord, CloseRecord]
    assert [(r.seq, r.ballot_id, r.code) for r in recs[1:6]] == \
        [(r.seq, r.ballot_id, r.code) for r in receipts]
    assert recs[6] == spoiled and recs[7] == closing
    assert closing.n_cast == 5 and closing.n_spoiled == 1 and closing.chain_head == spoiled.code
    # ballot ids and codes are recomputable from public data alone
    open_rec = recs[0]
    code = open_rec.record_hash
    for r in recs[1:7]:
        assert r.ballot_id == ballot_id_for(ident.election_hash, "kiosk-1", open_rec.record_hash, r.seq)
        code = next_code(code, r.ballot_id, r.payload)
        assert r.code == code
    assert len({r.ballot_id for r in recs[1:7]}) == 6


def test_short_code_is_printable_crockford_groups():
    s = short_code(bytes(range(32)))
    assert len(s) == 19 and s.count("-") == 3
    assert not set(s.replace("-", "")) & set("ILOU")
    assert short_code(bytes(32)) == "0000-0000-0000-0000"
    assert short_code(b"\xff" * 32) == "ZZZZ-ZZZZ-ZZZZ-ZZZZ"


def test_wrong_ballot_id_and_bad_payloads_are_refused(tmp_path, ident):
    box = ident.open(tmp_path / "b.evb")
    bid = box.next_ballot_id()
    with pytest.raises(EvoteValueError, match="not the next ballot id"):
        box.cast(bytes(32), b"x")
    with pytest.raises(EvoteTypeError):
        box.cast(bid, "text")
    with pytest.raises(EvoteValueError):
        box.cast(bid, b"")
    with pytest.raises(EvoteValueError):
        box.cast(bid[:31], b"x")
    box.cast(bid, b"x")
    with pytest.raises(EvoteValueError, match="not the next ballot id"):
        box.cast(bid, b"x")  # an id is used once


def test_closed_box_refuses_writes_also_after_reopen(tmp_path, ident):
    box = ident.open(tmp_path / "b.evb")
    fill(box, 2, 0, close=True)
    with pytest.raises(BoxClosed):
        box.cast(box.next_ballot_id(), b"x")
    with pytest.raises(BoxClosed):
        box.close()
    box.release()
    again = ident.open(tmp_path / "b.evb")
    assert again.closed
    with pytest.raises(BoxClosed):
        again.challenge(again.next_ballot_id(), b"x")
    again.release()


def test_time_never_goes_backwards(tmp_path, ident):
    box = ident.open(tmp_path / "b.evb")
    t = box._last_time
    r = box.cast(box.next_ballot_id(), b"x")    # ballots carry no time (version 2)
    with pytest.raises(EvoteValueError, match="before the last record"):
        box.close_at_time(t - 1)
    assert box.close_at_time(t + 10).time_us == t + 10 and r.seq == 1


def test_reopen_continues_the_chain(tmp_path, ident):
    box = ident.open(tmp_path / "b.evb")
    first = fill(box, 3, 1, close=False)
    head = box.chain_head
    box.release()
    box = ident.open(tmp_path / "b.evb")
    assert (box.next_seq, box.n_cast, box.n_spoiled, box.chain_head) == (5, 3, 1, head)
    r = box.cast(box.next_ballot_id(), b"more")
    assert r.seq == 5 and r.seq > first[-1].seq
    box.close()
    box.release()
    assert len(list(read_box(tmp_path / "b.evb", authority_key=ident.authority_key))) == 7


def test_second_writer_is_locked_out(tmp_path, ident):
    box = ident.open(tmp_path / "b.evb")
    with pytest.raises(BoxLocked):
        ident.open(tmp_path / "b.evb")
    box.release()
    ident.open(tmp_path / "b.evb").release()


def test_reopen_with_another_kiosk_key_or_station_is_refused(tmp_path, ident):
    ident.open(tmp_path / "b.evb").release()
    other = Identity(station="station-8")
    with pytest.raises(BoxMismatch) as e:
        other.open(tmp_path / "b.evb")
    assert e.value.check == "station"
    with pytest.raises(BoxMismatch) as e:
        BallotBox.reopen(tmp_path / "b.evb", kiosk_key=SigningKey.generate(),
                         authority_key=ident.authority_key)
    assert e.value.check == "kiosk-key"


def test_create_refuses_a_key_the_certificate_does_not_certify(tmp_path, ident):
    with pytest.raises(BoxMismatch):
        BallotBox.create(tmp_path / "b.evb", kiosk_key=SigningKey.generate(),
                         certificate=ident.cert, authority_key=ident.authority_key)
    assert not (tmp_path / "b.evb").exists()


def test_certificate_roundtrip_and_rejections(ident):
    cert = KioskCertificate.from_bytes(ident.cert.to_bytes())
    assert cert == ident.cert
    cert.verify(ident.authority_key, election_hash=ident.election_hash,
                station_id="station-7", kiosk_id="kiosk-1")
    with pytest.raises(CertificateError, match="another authority"):
        cert.verify(bytes(SigningKey.generate().verify_key))
    with pytest.raises(CertificateError, match="station id"):
        cert.verify(ident.authority_key, station_id="station-9")
    with pytest.raises(CertificateError, match="election hash"):
        cert.verify(ident.authority_key, election_hash=bytes(32))
    raw = bytearray(cert.to_bytes())
    raw[-1] ^= 1
    with pytest.raises(CertificateError, match="does not verify"):
        KioskCertificate.from_bytes(bytes(raw)).verify(ident.authority_key)
    for bad in (b"", raw[:50], bytes(raw) + b"x"):
        with pytest.raises(CertificateError):
            KioskCertificate.from_bytes(bytes(bad))


@pytest.mark.parametrize("label", ["", " k", "k\n", "a" * 65, "e\u0301"])
def test_bad_labels_are_refused(label, ident):
    with pytest.raises(EvoteValueError):
        issue_certificate(ident.authority, election_hash=ident.election_hash, station_id=label,
                          kiosk_id="k", kiosk_key=bytes(ident.kiosk_key.verify_key))


def test_persian_labels_work(tmp_path):
    ident = Identity(station="شعبه ۱۲", kiosk="کیوسک-۳")
    box = ident.open(tmp_path / "b.evb")
    fill(box, 1, 0)
    box.release()
    assert scan_box(tmp_path / "b.evb", authority_key=ident.authority_key).station_id == "شعبه ۱۲"


FAST = dict(opslimit=nacl.pwhash.argon2id.OPSLIMIT_MIN, memlimit=nacl.pwhash.argon2id.MEMLIMIT_MIN)


def test_key_files(tmp_path):
    key = SigningKey.generate()
    plain, locked = tmp_path / "plain.key", tmp_path / "locked.key"
    write_key_file(plain, key)
    write_key_file(locked, key, passphrase="گذرواژه", **FAST)
    for p in (plain, locked):
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    assert bytes(read_key_file(plain)) == bytes(key)
    assert bytes(read_key_file(locked, passphrase="گذرواژه")) == bytes(key)
    assert bytes(key).hex() not in locked.read_text()
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        read_key_file(locked, passphrase="guess")
    with pytest.raises(KeyFileError, match="passphrase is required"):
        read_key_file(locked)
    with pytest.raises(KeyFileError, match="already exists"):
        write_key_file(plain, key)
    os.chmod(plain, 0o644)
    with pytest.raises(KeyFileError, match="group or others"):
        read_key_file(plain)
    os.chmod(plain, 0o600)
    obj = json.loads(plain.read_text())
    obj["public_key"] = bytes(SigningKey.generate().verify_key).hex()
    plain.write_text(json.dumps(obj))
    with pytest.raises(KeyFileError, match="does not match"):
        read_key_file(plain)
    obj = json.loads(locked.read_text())
    obj["memlimit"] = 1 << 40
    locked.write_text(json.dumps(obj))
    with pytest.raises(KeyFileError, match="out of range"):
        read_key_file(locked, passphrase="گذرواژه")


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC))
    return subprocess.run([sys.executable, "-c", "from evote.cli.main import main; main()", *args],
                          capture_output=True, text=True, env=env)


def test_cli_check(tmp_path, ident):
    box = ident.open(tmp_path / "b.evb")
    fill(box, 3, 1, close=True)
    box.release()
    auth = ident.authority_key.hex()
    ok = _cli("box", "check", str(tmp_path / "b.evb"), "--authority-key", auth)
    assert ok.returncode == 0, ok.stderr
    assert "kiosk-1" in ok.stdout and "3 cast, 1 spoiled; closed" in ok.stdout and "OK" in ok.stdout
    data = bytearray((tmp_path / "b.evb").read_bytes())
    data[-100] ^= 4  # inside the CLOSE frame (180 bytes), record 5
    (tmp_path / "c.evb").write_bytes(bytes(data))
    bad = _cli("box", "check", str(tmp_path / "c.evb"), "--authority-key", auth, "--json")
    assert bad.returncode == 1
    summary = json.loads(bad.stdout)
    assert not summary["ok"] and summary["problems"][0]["record"] == 5
    other = _cli("box", "check", str(tmp_path / "b.evb"), "--authority-key", auth,
                 "--election-hash", "00" * 32)
    assert other.returncode == 1 and "election" in other.stdout
    assert _cli("box", "check", str(tmp_path / "nope.evb"), "--authority-key", auth).returncode == 2
    bare = _cli("box", "check", str(tmp_path / "b.evb"))
    assert bare.returncode == 0 and "NOT checked" in bare.stdout
    forged = Identity(authority=SigningKey.generate())
    box = forged.open(tmp_path / "f.evb")
    box.release()
    assert _cli("box", "check", str(tmp_path / "f.evb")).returncode == 0  # consistent, unverified
    assert _cli("box", "check", str(tmp_path / "f.evb"), "--authority-key", auth).returncode == 1
    assert _cli("box", "check", str(tmp_path / "b.evb"), "--authority-key", "zz").returncode == 2


def test_reader_report_and_unreadable_paths(tmp_path, ident):
    box = ident.open(tmp_path / "b.evb")
    fill(box, 4, 2, close=True)
    box.release()
    reader = read_box(tmp_path / "b.evb", authority_key=ident.authority_key)
    assert reader.report is None
    records = list(reader)
    rep = reader.report
    assert (rep.n_records, rep.n_cast, rep.n_spoiled, rep.closed) == (8, 4, 2, True)
    assert rep.chain_head == records[-1].chain_head and rep.kiosk_id == "kiosk-1"
    from evote.errors import BoxError
    with pytest.raises(BoxError, match="cannot open"):
        list(read_box(tmp_path / "missing.evb", authority_key=ident.authority_key))
    with pytest.raises(EvoteValueError):
        scan_box(tmp_path / "b.evb", authority_key=b"short")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ops = st.lists(st.sampled_from(["cast", "spoil", "reopen"]), max_size=12)


@settings(max_examples=25, deadline=None)
@given(ops=ops, close=st.booleans(), sizes=st.lists(st.integers(1, 3000), min_size=12, max_size=12))
def test_any_sequence_of_operations_reads_back_exactly(tmp_path_factory, ops, close, sizes):
    ident = Identity(seed=bytes([5] * 32))
    d = tmp_path_factory.mktemp("ops")
    path, mirror = d / "b.evb", d / "m.evb"
    box = ident.open(path, mirror=mirror)
    expect = []
    for op, size in zip(ops, sizes):
        if op == "reopen":
            box.release()
            box = ident.open(path, mirror=mirror)
            assert not box.recovery
            continue
        bid, payload = box.next_ballot_id(), os.urandom(size)
        if op == "cast":
            r = box.cast(bid, payload)
            expect.append(("CAST", r.seq, bid, payload, r.code))
        else:
            r = box.challenge(bid, payload)
            expect.append(("SPOIL", r.seq, bid, payload, r.code))
    if close:
        box.close()
    box.release()
    got = [(r.kind.name, r.seq, r.ballot_id, r.payload, r.code)
           for r in read_box(path, authority_key=ident.authority_key,
                             require_closed=close) if hasattr(r, "code")]
    assert got == expect
    assert path.read_bytes() == mirror.read_bytes()
