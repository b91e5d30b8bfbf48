"""SIGKILL a casting process at random moments; everything acknowledged must survive.

Default run: about 10 s. EVOTE_BOX_KILL_SECONDS=600 (say) runs longer.
"""
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

from evote.ballotbox import read_box
from test_ballotbox_support import Identity

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "src"))
TESTS = os.path.abspath(os.path.dirname(__file__))
SEED = bytes([11] * 32)

CHILD = textwrap.dedent("""
    import os, random, sys, time
    sys.path.insert(0, {tests!r})
    from test_ballotbox_support import Identity
    from evote.ballotbox.durability import FileSink

    class Choppy(FileSink):
        # Writes each frame in three pieces with pauses in between, so that a kill often
        # lands inside a frame (a torn final frame), as a power cut would.
        def append(self, data):
            cuts = sorted(random.sample(range(1, len(data)), 2))
            for a, b in zip([0] + cuts, cuts + [len(data)]):
                super().append(data[a:b])
                time.sleep(0.0003)

    ident = Identity(seed={seed!r})
    box = ident.open({path!r}, mirror={mirror!r}, sink_factory=Choppy)
    print("OPEN", box.next_seq, len(box.recovery), flush=True)
    while True:
        bid = box.next_ballot_id()
        payload = os.urandom(random.randint(200, 16000))
        if random.random() < 0.1:
            rec = box.challenge(bid, payload)
            print("ACK", rec.seq, rec.code.hex(), flush=True)
        else:
            r = box.cast(bid, payload)
            print("ACK", r.seq, r.code.hex(), flush=True)
""")


def test_sigkill_loop_loses_nothing_acknowledged(tmp_path):
    budget = float(os.environ.get("EVOTE_BOX_KILL_SECONDS", "9"))
    path, mirror = str(tmp_path / "box.evb"), str(tmp_path / "mirror.evb")
    ident = Identity(seed=SEED)
    code = CHILD.format(tests=TESTS, seed=SEED, path=path, mirror=mirror)
    env = dict(os.environ, PYTHONPATH=SRC)
    rng = random.Random(os.urandom(8))
    acked = {}
    rounds = repaired = 0
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline or rounds < 3:
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(rng.uniform(0.25, 0.9))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err
        for line in out.splitlines():
            parts = line.split()
            if parts and parts[0] == "ACK" and len(parts) == 3:  # a line cut by the kill is not an ACK
                acked[int(parts[1])] = parts[2]
            elif parts and parts[0] == "OPEN":
                repaired += int(parts[2]) > 0
        rounds += 1
    # reopen (cuts a torn tail, brings the mirror up), then every ACK must be there
    box = ident.open(path, mirror=mirror)
    box.cast(box.next_ballot_id(), b"casting continues")
    box.close()
    box.release()
    for p in (path, mirror):
        stored = {r.seq: r.code.hex() for r in read_box(
            p, authority_key=ident.authority_key, election_hash=ident.election_hash,
            require_closed=True) if hasattr(r, "code")}
        missing = {s for s in acked if stored.get(s) != acked[s]}
        assert not missing, f"acknowledged records lost in {p}: {sorted(missing)[:5]}"
    assert open(path, "rb").read() == open(mirror, "rb").read()
    assert rounds >= 3 and len(acked) >= rounds
    print(f"\n{rounds} kills, {len(acked)} acknowledged ballots, {repaired} reopenings "
          "that cut a torn frame or repaired the mirror")
