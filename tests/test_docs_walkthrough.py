"""docs/walkthrough.md IS a complete election: its ```sh blocks, run top to bottom in a
fresh directory, must end in `evote verify --package ...` VALID. So the guides cannot
drift from the commands: a changed option or output breaks this test.

Only the blocks fenced exactly as ```sh run (```text blocks are shown output). Each block
runs in the same bash process (`set -euo pipefail`), with EXAMPLES pointing at
docs/examples and the test's python first on PATH (the kiosk program imports evote).
"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WALKTHROUGH = os.path.join(ROOT, "docs", "walkthrough.md")
_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.S | re.M)


def shell_blocks(path: str) -> list:
    with open(path, encoding="utf-8") as f:
        return _BLOCK.findall(f.read())


def test_walkthrough_has_blocks():
    blocks = shell_blocks(WALKTHROUGH)
    assert len(blocks) >= 10
    script = "\n".join(blocks)
    for needle in ("evote authority init", "evote guardian decrypt", "evote tally",
                   "evote combine", "evote verify", "--package", "kiosk_station.py"):
        assert needle in script, needle


def test_walkthrough_runs_a_whole_election(tmp_path):
    script = "set -euo pipefail\n" + "\n".join(shell_blocks(WALKTHROUGH))
    env = dict(os.environ, EXAMPLES=os.path.join(ROOT, "docs", "examples"),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
               LC_ALL="C.UTF-8")
    t0 = time.monotonic()
    run = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    took = time.monotonic() - t0
    assert run.returncode == 0, (f"walkthrough failed (exit {run.returncode}) after "
                                 f"{took:.0f}s\nstdout:\n{run.stdout[-6000:]}\n"
                                 f"stderr:\n{run.stderr[-6000:]}")
    assert "VALID" in run.stdout and "NOT VALID" not in run.stdout
    # a voter's receipt code, taken from its station's page, found by evote ballot
    assert "Your ballot is in the published election record." in run.stdout
    # every party kept its own directory; the record was pinned to the package
    for d in ("authority", "guardian-1", "guardian-5", "tally-centre", "auditor"):
        assert (tmp_path / d).is_dir(), d
    print(f"walkthrough: {took:.1f} s")
