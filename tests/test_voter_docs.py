"""docs/voter.md's ```sh blocks, run top to bottom in a fresh directory (one bash
process, `set -euo pipefail`): a demo record, a receipt code found on its station's page
and by `evote ballot`, typed another way and as JSON, and a code that is not there."""
import os
import re
import subprocess
import sys

from test_docs_walkthrough import shell_blocks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUIDE = os.path.join(ROOT, "docs", "voter.md")


def test_voter_guide_commands_run(tmp_path):
    blocks = shell_blocks(GUIDE)
    script = "set -euo pipefail\n" + "\n".join(blocks)
    for needle in ("evote demo", "evote ballot", "--root", "--json", "reports/station-"):
        assert needle in script, needle
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep +
               os.environ["PATH"], LC_ALL="C.UTF-8")
    run = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, (run.stdout[-4000:], run.stderr[-4000:])
    out = run.stdout
    code = re.search(r"receipt code: ([0-9A-Z]{4}(-[0-9A-Z]{4}){3})\n", out).group(1)
    assert "station-city-1-st001.html" in out                       # ls reports/
    assert "برگهٔ رأی شما در پروندهٔ منتشرشدهٔ انتخابات هست" in out
    assert "Your ballot is in the published election record." in out
    assert f"confirmation code: {code}" in out and "station: city-1-st001" in out
    assert '"status": "found"' in out                               # the JSON answer
    assert "This code is NOT in the published election record." in out
    assert out.rstrip().endswith("exit code 1")
