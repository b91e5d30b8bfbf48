"""Exit codes that do not lie (issue 14 item 6-7): a failed write of a command's output is
exit 2 with one line, never a traceback and never 1 ("invalid"); size options are
bounded; the verifier's API refuses wrong argument types with an evote error."""
import os
import subprocess
import sys

import pytest

from evote.errors import EvoteValueError
from evote.verify.run import verify_record

from test_verify_support import small_record

EVOTE = [sys.executable, "-m", "evote.cli.main"]
needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


def _run_to_dev_full(args):
    with open("/dev/full", "w") as full:
        return subprocess.run(EVOTE + args, stdout=full, stderr=subprocess.PIPE, text=True,
                              timeout=300)


@needs_dev_full
def test_verify_of_a_valid_record_to_a_full_disk_is_exit_2_not_invalid(tmp_path_factory):
    record = small_record(tmp_path_factory)
    ok = subprocess.run(EVOTE + ["verify", record], capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stdout[-2000:] + ok.stderr[-2000:]
    proc = _run_to_dev_full(["verify", record])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "evote: error: cannot write the output: No space left on device"]


@needs_dev_full
def test_selftest_to_a_full_disk_is_exit_2_with_one_line():
    proc = _run_to_dev_full(["selftest"])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("option", ["--stations", "--voters-per-station", "--jobs"])
def test_demo_size_options_are_bounded(option):
    proc = subprocess.run(EVOTE + ["demo", option, str(10 ** 30)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert f"Invalid value for '{option}'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("record_dir", [None, 3, b"/tmp"])
def test_verify_record_refuses_a_record_dir_that_is_not_a_path(record_dir):
    with pytest.raises(EvoteValueError, match="record_dir: expected a path"):
        verify_record(record_dir)


@pytest.mark.parametrize("jobs", ["2", 0, -1, True, 2.0])
def test_verify_record_refuses_jobs_that_are_not_a_positive_int(tmp_path, jobs):
    with pytest.raises(EvoteValueError, match="jobs: expected None or an int >= 1"):
        verify_record(str(tmp_path), jobs=jobs)


def test_demo_on_a_full_disk_says_so_and_removes_its_partial_record(tmp_path):
    # A file size limit (RLIMIT_FSIZE, EFBIG) stands for a full disk: the record's large
    # files fail to write. Was: exit 2 with the partial record left in place.
    import resource
    import signal

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))   # decryption.json: 54 KB
    out = tmp_path / "rec"
    proc = subprocess.run(EVOTE + ["demo", "--out", str(out), "--stations", "2",
                                   "--voters-per-station", "2", "--jobs", "1"],
                          preexec_fn=small_disk, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("evote demo: error:")]
    assert "File too large" in line and f"the partial record {out} was removed" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no record, no parties' files
