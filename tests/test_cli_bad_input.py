"""Bad input from outside (record files, box files, guardian files, CLI arguments) gets one
precise message naming what is wrong and a documented exit code, never a traceback, and
never damages stored data. One test per defect found by fuzzing the CLI."""
import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from evote.cli.main import cli

from test_verify_support import copy_record, covered_files, reseal, small_record


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return small_record(tmp_path_factory)


def _invoke(*args):
    """Run the CLI in process; an exception other than SystemExit is a traceback."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"traceback: {type(result.exception).__name__}: {result.exception}"
    return result


def _subprocess(*args, timeout=60):
    """Run the CLI in a new process (what is printed at interpreter exit counts too)."""
    return subprocess.run([sys.executable, "-c", "from evote.cli.main import main; main()",
                           *map(str, args)], capture_output=True, text=True, timeout=timeout)


def _rewrite_json(path, edit):
    """Apply edit(obj) to a JSON file and write it back with \\u escapes (ASCII only)."""
    with open(path, "rb") as f:
        obj = json.loads(f.read())
    edit(obj)
    with open(path, "w", encoding="ascii") as f:
        f.write(json.dumps(obj, sort_keys=True, separators=(",", ":")))


def _first(record, prefix):
    return next(r for r in covered_files(record) if r.startswith(prefix))


# ---------------------------------------------------------------- evote verify

def test_lone_surrogate_in_the_index_is_unusable_input(record, tmp_path):
    # "\ud800" is valid JSON but not Unicode text: the report could not be printed
    d = copy_record(record, tmp_path)
    _rewrite_json(os.path.join(d, "record.json"),
                  lambda o: o.__setitem__("election_id", "\ud800"))
    result = _invoke("verify", d, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert "record.json $.election_id: a \\u escape of a lone UTF-16 surrogate" in result.output


def test_lone_surrogate_in_a_declaration_fails_v16_at_the_file(record, tmp_path):
    d = copy_record(record, tmp_path)
    rel = _first(d, "declarations/")
    _rewrite_json(os.path.join(d, *rel.split("/")),
                  lambda o: o["officials"][0].__setitem__("role", "\udc80"))
    reseal(d)
    result = _invoke("verify", d, "--jobs", "1")
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if "$.officials[0].role" in x)
    assert line.strip().startswith(rel) and "a \\u escape of a lone UTF-16 surrogate" in line
    assert "unexpected error" not in result.output


@pytest.mark.parametrize("address, message", [
    ("nonsense", "'nonsense': not a Dask scheduler address"),
    ("foo://bar:1", "unknown address scheme 'foo'"),
    ("tcp://127.0.0.1:99999", "port 99999 is not in 1..65535"),
])
def test_bad_scheduler_address_is_one_line_fast(record, address, message):
    # a dask Client whose constructor failed printed a traceback from its __del__ at exit,
    # 10 s later
    pytest.importorskip("distributed")
    start = time.monotonic()
    result = _subprocess("verify", record, "--jobs", "1", "--scheduler", address)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert time.monotonic() - start < 8


# ---------------------------------------------------------------- evote guardian

FAST = ["--kdf-ops", "1", "--kdf-mem-kib", "8"]


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory):
    """Passphrase file, two guardians' secret files and public records (of 2, threshold 2).
    Do not modify: copy what a test changes."""
    d = tmp_path_factory.mktemp("guardians")
    (d / "pw").write_text("passphrase\n")
    for i in (1, 2):
        _invoke("guardian", "generate", "--manifest-hash", "ab" * 32, "--index", i,
                "--guardians", 2, "--threshold", 2, "--out", d / f"secret-{i}.json",
                "--passphrase-file", d / "pw", *FAST)
        _invoke("guardian", "commit", d / f"secret-{i}.json", "--out",
                d / f"commitment-{i}.json", "--passphrase-file", d / "pw")
    for i in (1, 2):
        r = _invoke("guardian", "publish", d / f"secret-{i}.json", "--commitments",
                    d / "commitment-1.json", "--commitments", d / "commitment-2.json",
                    "--out", d / f"record-{i}.json", "--passphrase-file", d / "pw")
        assert r.exit_code == 0, r.output
    return d


def test_deeply_nested_guardian_files_are_refused(ceremony, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100000 + b"]" * 100000)
    result = _invoke("guardian", "context", ceremony / "record-1.json", deep,
                     "--out", tmp_path / "ctx.json")
    assert result.exit_code == 2 and f"{deep}: JSON nested too deeply" in result.output
    result = _invoke("guardian", "publish", deep, "--out", tmp_path / "r.json",
                     "--passphrase-file", ceremony / "pw")
    assert result.exit_code == 2 and f"{deep}: JSON nested too deeply" in result.output
    assert not (tmp_path / "ctx.json").exists() and not (tmp_path / "r.json").exists()


def test_no_passphrase_on_input_is_exit_2(ceremony, tmp_path):
    # click's "Aborted!" exited 1, which for evote guardian means complaints were written
    result = _invoke("guardian", "publish", ceremony / "secret-1.json",
                     "--out", tmp_path / "r.json")
    assert result.exit_code == 2, result.output
    assert "no passphrase given" in result.output


def test_generate_never_replaces_an_existing_secret_file(ceremony, tmp_path):
    secret = tmp_path / "secret-1.json"
    secret.write_bytes((ceremony / "secret-1.json").read_bytes())
    before = secret.read_bytes()
    result = _invoke("guardian", "generate", "--manifest-hash", "ab" * 32, "--index", 1,
                     "--guardians", 2, "--threshold", 2, "--out", secret,
                     "--passphrase-file", ceremony / "pw", *FAST)
    assert result.exit_code == 2 and f"{secret}: already exists" in result.output
    assert secret.read_bytes() == before


# ---------------------------------------------------------------- evote box check

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_box_check_refuses_a_fifo_instead_of_waiting(tmp_path):
    # open() of a FIFO waits for a writer: box check hung forever
    fifo = tmp_path / "k1.box"
    os.mkfifo(fifo)
    result = _subprocess("box", "check", fifo, timeout=20)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"box {fifo}: not a regular file" in result.stderr


def test_box_check_names_a_bad_manifest_not_the_box(record):
    # the manifest's error was reported as "cannot read <the box>"
    box = os.path.join(record, *_first(record, "boxes/").split("/"))
    context = os.path.join(record, "context.json")  # a JSON file that is no manifest
    result = _invoke("box", "check", box, "--manifest", context)
    assert result.exit_code == 2, result.output
    assert f"evote box check: --manifest: {context}: $.acknowledgements: unknown field" \
        in result.output
    assert "cannot read" not in result.output


def test_verify_json_report_never_overwrites_the_record(record, tmp_path):
    # --json record.json replaced the record's index with the report
    d = copy_record(record, tmp_path)
    index = os.path.join(d, "record.json")
    before = open(index, "rb").read()
    result = _invoke("verify", d, "--jobs", "1", "--json", index)
    assert result.exit_code == 2 and f"--json: {index} is inside the record" in result.output
    assert open(index, "rb").read() == before
    # nor under reports/, which V18 checks file by file
    inside = os.path.join(d, "reports", "verify.json")
    result = _invoke("verify", d, "--jobs", "1", "--json", inside)
    assert result.exit_code == 2 and f"--json: {inside} is inside the record" in result.output
    assert not os.path.exists(inside)
    outside = tmp_path / "verify.json"
    assert _invoke("verify", d, "--jobs", "1", "--json", outside).exit_code == 0
    assert json.loads(outside.read_text())["valid"] is True


# ---------------------------------------------------------------- evote demo

def test_demo_seed_beyond_u64_is_a_usage_error(tmp_path):
    # the seed is hashed as a u64: 2**64 raised ValueError from deep inside the demo
    result = _invoke("demo", "--out", tmp_path / "rec", "--stations", 2,
                     "--voters-per-station", 1, "--seed", 1 << 64)
    assert result.exit_code == 2, result.output
    assert "--seed" in result.output and "18446744073709551615" in result.output
    assert not (tmp_path / "rec").exists()


def test_demo_out_that_cannot_be_created_is_exit_2(tmp_path):
    # os.makedirs' FileNotFoundError / NotADirectoryError escaped as a traceback
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = _invoke("demo", "--out", blocker / "rec", "--stations", 2,
                     "--voters-per-station", 1)
    assert result.exit_code == 2, result.output
    assert f"record directory {blocker / 'rec'}: cannot create" in result.output


def test_deal_out_dir_that_cannot_be_created_is_exit_2(ceremony, tmp_path):
    # Path.mkdir's NotADirectoryError escaped as a traceback
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = _invoke("guardian", "deal", ceremony / "secret-1.json",
                     ceremony / "record-1.json", ceremony / "record-2.json",
                     "--out-dir", blocker / "shares", "--passphrase-file", ceremony / "pw")
    assert result.exit_code == 2, result.output
    assert f"{blocker / 'shares'}: cannot create the directory" in result.output


# ---------------------------------------------------------------- kiosk key files (API)

def test_key_file_nested_too_deeply_or_a_fifo_is_a_key_file_error(tmp_path):
    from evote.ballotbox.keyfile import KeyFileError, read_key_file
    deep = tmp_path / "deep.key"
    deep.write_bytes(b"[" * 30000 + b"]" * 30000)   # under the 64 KiB cap
    os.chmod(deep, 0o600)
    with pytest.raises(KeyFileError, match="JSON nested too deeply"):
        read_key_file(deep)   # was RecursionError
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.key"
        os.mkfifo(fifo, 0o600)
        with pytest.raises(KeyFileError, match="not a regular file"):
            read_key_file(fifo)   # os.open waited for a writer forever


# ---------------------------------------------------------------- report wording

def test_a_failure_message_does_not_repeat_its_location():
    from evote.verify.report import Check
    c = Check("V11", "t")
    c.fail("tally/encrypted.json", "tally/encrypted.json: not a regular file")
    c.fail("declarations/s.json", "declarations/s.json $.officials[0].role: not text")
    c.fail("boxes/a.box", "boxes/a.boxes are fine")   # not the location followed by ': '
    c.fail("x.json", "x.json")
    assert [f.message for f in c.failures] == [
        "not a regular file", "$.officials[0].role: not text", "boxes/a.boxes are fine",
        "x.json"]


def test_an_unreadable_tally_file_is_named_once(record, tmp_path):
    d = copy_record(record, tmp_path)
    target = os.path.join(d, "tally", "encrypted.json")
    os.remove(target)
    os.mkdir(target)   # not a regular file
    result = _invoke("verify", d, "--jobs", "1")
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if "tally/encrypted.json" in x
                and "regular" in x)
    assert line.count("tally/encrypted.json") == 1, line


def test_a_guardian_file_that_is_not_json_is_named_once(tmp_path):
    bad = tmp_path / "record-1.json"
    bad.write_text("not json")
    result = _invoke("guardian", "context", bad, "--out", tmp_path / "ctx.json")
    assert result.exit_code == 2, result.output
    assert result.output.count("record-1.json") == 1, result.output
