"""Ballot-box speed: casts per second (fsync on/off, with a mirror), and reopening and
verifying a busy station's box (2,000 ballots of ~15 KB, the size of a 9-of-50 council
ballot: 50*(64+6*32) + 20*64 = 14,080 bytes, rounded up to 15,000 random bytes).

Each figure is printed with its ratio to an anchor measured in the same run:
- cast: a bare append + fsync of the same bytes to the same disk (the storage floor);
- reopen/verify: one SHA-512 pass over the file plus one Ed25519 verify per record
  (the cryptographic floor of any reader).

    PYTHONPATH=src python benchmarks/bench_ballotbox.py          # prints the table
    PYTHONPATH=src pytest benchmarks/bench_ballotbox.py -s       # same, under pytest
    EVOTE_BOX_KILL_SECONDS=300 pytest tests/test_ballotbox_crash.py -s   # long SIGKILL run
"""
import os as _os
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no BLAS pool spinning in the CPU clock

import hashlib
import os
import sys
import tempfile
import time

from nacl.signing import SigningKey

from evote.ballotbox import BallotBox, issue_certificate, read_box, scan_box

PAYLOAD = 15_000
N_BOX = 2_000


def _identity():
    auth = SigningKey.generate()
    kiosk = SigningKey.generate()
    election = os.urandom(32)
    cert = issue_certificate(auth, election_hash=election, station_id="station-1",
                             kiosk_id="kiosk-1", kiosk_key=bytes(kiosk.verify_key))
    return auth, kiosk, cert


def _best(fn, repeat=3):
    return min(fn() for _ in range(repeat))


def bench_casts(tmp, n, durable, mirror):
    auth, kiosk, cert = _identity()
    path = os.path.join(tmp, f"cast-{durable}-{mirror}-{time.monotonic_ns()}.evb")
    box = BallotBox.create(path, kiosk_key=kiosk, certificate=cert,
                           authority_key=bytes(auth.verify_key), durable=durable,
                           mirror=path + ".mirror" if mirror else None)
    payloads = [os.urandom(PAYLOAD) for _ in range(n)]
    t = time.perf_counter()
    for p in payloads:
        box.cast(box.next_ballot_id(), p)
    elapsed = time.perf_counter() - t
    box.release()
    return n / elapsed


def anchor_fsync_appends(tmp, n):
    path = os.path.join(tmp, f"anchor-{time.monotonic_ns()}.bin")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    data = os.urandom(PAYLOAD + 300)
    t = time.perf_counter()
    for _ in range(n):
        os.write(fd, data)
        os.fsync(fd)
    elapsed = time.perf_counter() - t
    os.close(fd)
    return n / elapsed


def make_big_box(tmp):
    auth, kiosk, cert = _identity()
    path = os.path.join(tmp, "busy-station.evb")
    box = BallotBox.create(path, kiosk_key=kiosk, certificate=cert,
                           authority_key=bytes(auth.verify_key), durable=False)
    for i in range(N_BOX):
        if i % 50 == 49:
            box.challenge(box.next_ballot_id(), os.urandom(PAYLOAD))
        else:
            box.cast(box.next_ballot_id(), os.urandom(PAYLOAD))
    box.close()
    box.release()
    return path, auth, kiosk


def anchor_crypto_floor(path, n_records, kiosk):
    sig = kiosk.sign(b"x" * 32).signature
    vk = kiosk.verify_key

    def run():
        t = time.perf_counter()
        h = hashlib.sha512()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        for _ in range(n_records):
            vk.verify(b"x" * 32, sig)
        return time.perf_counter() - t
    return _best(run)


def run_all(print_=print):
    figures = {}
    with tempfile.TemporaryDirectory(dir=os.environ.get("EVOTE_BENCH_DIR")) as tmp:
        anchor = anchor_fsync_appends(tmp, 200)
        figures["anchor: bare append+fsync of 15 KB, per s"] = anchor
        for durable, mirror, n in ((True, False, 300), (True, True, 300), (False, False, 2000)):
            rate = bench_casts(tmp, n, durable, mirror)
            label = f"casts/s fsync={'on' if durable else 'off'}{' +mirror' if mirror else ''}"
            figures[label] = rate
            print_(f"{label:38s} {rate:9.0f}   ratio to bare fsync anchor: {rate / anchor:5.2f}")
        print_(f"{'anchor: bare append+fsync/s':38s} {anchor:9.0f}")
        path, auth, kiosk = make_big_box(tmp)
        size = os.path.getsize(path)
        auth_pk = bytes(auth.verify_key)
        floor = anchor_crypto_floor(path, N_BOX + 2, kiosk)
        t_scan = _best(lambda: _timed(lambda: scan_box(path, authority_key=auth_pk)))
        t_read = _best(lambda: _timed(lambda: sum(1 for _ in read_box(path, authority_key=auth_pk))))

        def reopen():
            b = BallotBox.reopen(path, kiosk_key=kiosk, authority_key=auth_pk)
            b.release()
        t_reopen = _best(lambda: _timed(reopen))
        print_(f"box: {N_BOX} ballots of {PAYLOAD} B, {size / 1e6:.1f} MB")
        for label, t in (("read_box (verify all, stream records)", t_read),
                         ("scan_box (verify all, list problems)", t_scan),
                         ("BallotBox.reopen (verify + lock)", t_reopen),
                         ("anchor: SHA-512 of file + Ed25519 verifies", floor)):
            figures[label] = t
            print_(f"{label:44s} {t * 1000:7.1f} ms   ratio to crypto floor: {t / floor:4.2f}")
    return figures


def _timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def test_ballotbox_figures(capsys):
    with capsys.disabled():
        print()
        figures = run_all()
    assert figures["read_box (verify all, stream records)"] < 5.0


if __name__ == "__main__":
    run_all()
    sys.exit(0)
