"""Every file argument of the CLI is read through one checked reader (issue 14 item 5):
given a FIFO, /dev/zero, a directory or a symbolic link to a FIFO where a file is
expected, each command exits 2 within seconds with one line naming that file, prints no
traceback and writes nothing. (A FIFO used to hang the command for ever, /dev/zero to
read until memory ran out.)

Each case runs the CLI's entry point in its own forked process with a deadline and a
memory cap, so a hang or an endless read fails the test instead of blocking the suite or
the machine (forked from a process that has imported evote once: a case costs
milliseconds, not a new interpreter). The other arguments of each case are valid files
of one small election (tests/election_support.py), so that the hostile file is the one
the command reaches and must refuse.
"""
import os
import resource
import shutil
import signal
import subprocess
import sys
import time

import pytest

from election_support import PASSPHRASE, WEAK_KDF, build_election, declare_all, \
    write_paper_result
from test_verify_support import small_record, small_voters

from evote.election.keys import write_new_key_file
from evote.protocol.guardian_store import save_guardian
from evote.record.jsonio import canonical_bytes

KINDS = ("fifo", "devzero", "directory", "symlink-to-fifo")
TIMEOUT = 20    # seconds; each case takes a fraction of one
PARALLEL = 4    # cases running at once
MEMORY_CAP = 2 << 30   # bytes of address space per case (/dev/zero read to the end)


def _evote(*args, cwd=None):
    proc = subprocess.run([sys.executable, "-c", "from evote.cli.main import main; main()",
                           *map(str, args)], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60, cwd=cwd)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def _ceremony(d, manifest, pw):
    """A 2-of-2 key ceremony run with the CLI: (first guardian's files, shares to it)."""
    weak = ("--passphrase-file", pw, "--kdf-ops", "1", "--kdf-mem-kib", "8192")
    g = {i: os.path.join(d, f"g{i}") for i in (1, 2)}
    for i, gd in g.items():
        os.makedirs(gd)
        _evote("guardian", "generate", "--manifest", manifest, "--index", i, "--guardians",
               2, "--threshold", 2, "--out", f"{gd}/secret.json", *weak)
        _evote("guardian", "commit", f"{gd}/secret.json", "--out", f"{gd}/commitment.json",
               "--passphrase-file", pw)
    commitments = [a for i in g for a in ("--commitments", f"{g[i]}/commitment.json")]
    for i, gd in g.items():
        _evote("guardian", "publish", f"{gd}/secret.json", *commitments, "--out",
               f"{gd}/record.json", "--passphrase-file", pw)
    records = [f"{g[i]}/record.json" for i in g]
    for i in (1, 2):
        _evote("guardian", "deal", f"{g[i]}/secret.json", *records, "--out-dir",
               f"{g[i]}/dealt", "--passphrase-file", pw)
    # the first guardian's finished copy (its secret file stays unfinished)
    done = f"{g[1]}/secret-finished.json"
    shutil.copyfile(f"{g[1]}/secret.json", done)
    _evote("guardian", "finish", done, *records, "--shares", f"{g[2]}/dealt/share-2-to-1.json",
           "--passphrase-file", pw)
    _evote("guardian", "acknowledge", done, *records, "--out", f"{g[1]}/ack.json",
           "--passphrase-file", pw)
    return {"gsecret": f"{g[1]}/secret.json", "gdone": done, "gack": f"{g[1]}/ack.json",
            "grecord": records[0],
            "grecord2": records[1], "gcommit": f"{g[1]}/commitment.json",
            "gcommit2": f"{g[2]}/commitment.json",
            "gshare": f"{g[2]}/dealt/share-2-to-1.json"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Valid files of one election, by name, for the arguments that are not under test."""
    from evote.election import exclusion as board_steps
    from evote.election.tally_centre import tally
    from evote.manifest.anchors import Supervisor
    root = str(tmp_path_factory.mktemp("readers"))
    chair_key = os.path.join(root, "chair.key")
    chair = Supervisor("chair", bytes.fromhex(board_steps.keygen(
        chair_key, PASSPHRASE, opslimit=1, memlimit=WEAK_KDF["memlimit"])))
    e = build_election(os.path.join(root, "election"),
                       manifest_fields={"supervisors": (chair,)})
    d = e.dir
    files = {"package": e.package_path, "pw": e.passphrase_file, "chairkey": chair_key}
    files["key"], files["cert"] = e.officials[(e.city, "station-head")]
    files["paperkey"], files["papercert"] = e.officials[(e.paper_station, "station-head")]
    files["manifest"] = os.path.join(d, "manifest.json")
    with open(files["manifest"], "wb") as f:
        f.write(e.manifest.to_canonical_bytes())
    files["context"] = os.path.join(d, "context.json")
    with open(files["context"], "wb") as f:
        f.write(canonical_bytes(e.context.to_json_obj()))
    files["authkey"] = write_new_key_file(os.path.join(d, "authority.key"), e.authority,
                                          PASSPHRASE, **WEAK_KDF)
    files["secret"] = os.path.join(d, "guardian-1.json")
    save_guardian(files["secret"], e.guardians[0], PASSPHRASE, opslimit=1,
                  memlimit=WEAK_KDF["memlimit"])
    files["box"] = e.boxes[f"{e.city}-k1"]
    files["boxes"] = os.path.dirname(files["box"])
    files["declarations"] = os.path.dirname(next(iter(declare_all(e).values())))
    files["paper"] = write_paper_result(e)
    files["station"], files["kiosk"] = e.city, f"{e.city}-k1"
    files["paperstation"] = e.paper_station
    files["request"] = os.path.join(d, "request.json")
    _evote("official", "keygen", "--manifest", files["manifest"], "--station", e.city,
           "--role", "observer", "--key-out", os.path.join(d, "new-official.key"),
           "--request-out", files["request"], "--passphrase-file", files["pw"],
           "--kdf-ops", "1", "--kdf-mem-kib", "8192")
    files.update(_ceremony(os.path.join(root, "ceremony"), files["manifest"], files["pw"]))
    # a tallied record not yet decrypted (for combine and guardian decrypt)
    files["tallied"] = os.path.join(root, "tallied")
    outcome = tally(e.package_path, [files["boxes"]], [files["declarations"]],
                    [files["paper"]], files["tallied"], jobs=1)
    assert outcome.ok, outcome
    files["record"] = small_record(tmp_path_factory)
    voters = small_voters(tmp_path_factory)
    code = opening = None
    for dirpath, _, names in os.walk(voters):
        for name in names:
            if name.endswith(".txt") or name == "code":
                with open(os.path.join(dirpath, name), encoding="ascii") as f:
                    code = f.read().strip()
            else:
                opening = os.path.join(dirpath, name)
        if code and opening:
            break
    files["code"], files["opening"] = code, opening
    return files


# (case id, argv); "{X}" is the hostile file, "{out}" a fresh output path, "{outdir}" a
# directory path not yet made, other names are env's valid files.
CASES = [
    ("manifest check", ["manifest", "check", "{X}"]),
    ("box check PATH", ["box", "check", "{X}"]),
    ("box check --manifest", ["box", "check", "{box}", "--manifest", "{X}"]),
    ("authority init --passphrase-file",
     ["authority", "init", "--out", "{out}", "--passphrase-file", "{X}"]),
    ("kiosk keygen --manifest",
     ["kiosk", "keygen", "--manifest", "{X}", "--station", "{station}", "--kiosk", "{kiosk}",
      "--key-out", "{out}", "--request-out", "{out}2", "--passphrase-file", "{pw}"]),
    ("kiosk keygen --passphrase-file",
     ["kiosk", "keygen", "--manifest", "{manifest}", "--station", "{station}", "--kiosk",
      "{kiosk}", "--key-out", "{out}", "--request-out", "{out}2", "--passphrase-file", "{X}"]),
    ("official keygen --manifest",
     ["official", "keygen", "--manifest", "{X}", "--station", "{station}", "--role",
      "observer", "--key-out", "{out}", "--request-out", "{out}2", "--passphrase-file",
      "{pw}"]),
    ("kiosk certify REQUEST",
     ["kiosk", "certify", "{X}", "--manifest", "{manifest}", "--authority-key", "{authkey}",
      "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("official certify REQUEST",
     ["official", "certify", "{X}", "--manifest", "{manifest}", "--authority-key",
      "{authkey}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("official certify --authority-key",
     ["official", "certify", "{request}", "--manifest", "{manifest}", "--authority-key", "{X}",
      "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("package --manifest",
     ["package", "--manifest", "{X}", "--context", "{context}", "--authority-key",
      "{authkey}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("package --context",
     ["package", "--manifest", "{manifest}", "--context", "{X}", "--authority-key",
      "{authkey}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("package --authority-key",
     ["package", "--manifest", "{manifest}", "--context", "{context}", "--authority-key",
      "{X}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("package --kiosk-cert",
     ["package", "--manifest", "{manifest}", "--context", "{context}", "--authority-key",
      "{authkey}", "--kiosk-cert", "{X}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("package --official-cert",
     ["package", "--manifest", "{manifest}", "--context", "{context}", "--authority-key",
      "{authkey}", "--official-cert", "{X}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("station declare --package",
     ["station", "declare", "--package", "{X}", "--station", "{station}", "--forms-issued",
      "3", "--key", "{key}", "--certificate", "{cert}", "--out", "{out}",
      "--passphrase-file", "{pw}"]),
    ("station declare --key",
     ["station", "declare", "--package", "{package}", "--station", "{station}",
      "--forms-issued", "3", "--key", "{X}", "--certificate", "{cert}", "--out", "{out}",
      "--passphrase-file", "{pw}"]),
    ("station declare --certificate",
     ["station", "declare", "--package", "{package}", "--station", "{station}",
      "--forms-issued", "3", "--key", "{key}", "--certificate", "{X}", "--out", "{out}",
      "--passphrase-file", "{pw}"]),
    ("station declare --passphrase-file",
     ["station", "declare", "--package", "{package}", "--station", "{station}",
      "--forms-issued", "3", "--key", "{key}", "--certificate", "{cert}", "--out", "{out}",
      "--passphrase-file", "{X}"]),
    ("station paper --counts",
     ["station", "paper", "--package", "{package}", "--station", "{paperstation}",
      "--counts", "{X}", "--key", "{paperkey}", "--certificate", "{papercert}", "--out",
      "{out}",
      "--passphrase-file", "{pw}"]),
    ("station sign IN",
     ["station", "sign", "{X}", "--package", "{package}", "--key", "{key}",
      "--certificate", "{cert}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("station fallback --box",
     ["station", "fallback", "--package", "{package}", "--station", "{station}", "--box",
      "{X}", "--reason", "kiosks failed", "--key", "{key}", "--certificate", "{cert}",
      "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("station fallback --package",
     ["station", "fallback", "--package", "{X}", "--station", "{station}", "--box",
      "{box}", "--reason", "kiosks failed", "--key", "{key}", "--certificate", "{cert}",
      "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("exclusion decide --box",
     ["exclusion", "decide", "--package", "{package}", "--box", "{X}", "--station",
      "{station}", "--kiosk", "{kiosk}", "--forms-excluded", "1", "--reason", "disk error",
      "--role", "chair", "--key", "{chairkey}", "--out", "{out}", "--passphrase-file",
      "{pw}"]),
    ("exclusion decide --key",
     ["exclusion", "decide", "--package", "{package}", "--box", "{box}", "--station",
      "{station}", "--kiosk", "{kiosk}", "--forms-excluded", "1", "--reason", "disk error",
      "--role", "chair", "--key", "{X}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("exclusion sign IN",
     ["exclusion", "sign", "{X}", "--package", "{package}", "--role", "chair", "--key",
      "{chairkey}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("exclusion keygen --passphrase-file",
     ["exclusion", "keygen", "--out", "{out}", "--passphrase-file", "{X}"]),
    ("tally --package",
     ["tally", "--package", "{X}", "--boxes", "{boxes}", "--out", "{outdir}", "--jobs",
      "1"]),
    ("tally --boxes",
     ["tally", "--package", "{package}", "--boxes", "{X}", "--declarations",
      "{declarations}", "--paper", "{paper}", "--out", "{outdir}", "--jobs", "1"]),
    ("tally --declarations",
     ["tally", "--package", "{package}", "--boxes", "{boxes}", "--declarations", "{X}",
      "--paper", "{paper}", "--out", "{outdir}", "--jobs", "1"]),
    ("tally --paper",
     ["tally", "--package", "{package}", "--boxes", "{boxes}", "--declarations",
      "{declarations}", "--paper", "{X}", "--out", "{outdir}", "--jobs", "1"]),
    ("tally --exclusions",
     ["tally", "--package", "{package}", "--boxes", "{boxes}", "--declarations",
      "{declarations}", "--paper", "{paper}", "--exclusions", "{X}", "--out", "{outdir}",
      "--jobs", "1"]),
    ("tally --fallbacks",
     ["tally", "--package", "{package}", "--boxes", "{boxes}", "--declarations",
      "{declarations}", "--paper", "{paper}", "--fallbacks", "{X}", "--out", "{outdir}",
      "--jobs", "1"]),
    ("guardian generate --manifest",
     ["guardian", "generate", "--manifest", "{X}", "--index", "1", "--guardians", "3",
      "--threshold", "2", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("guardian generate --passphrase-file",
     ["guardian", "generate", "--manifest", "{manifest}", "--index", "1", "--guardians",
      "3", "--threshold", "2", "--out", "{out}", "--passphrase-file", "{X}"]),
    ("guardian commit SECRET",
     ["guardian", "commit", "{X}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("guardian commit --passphrase-file",
     ["guardian", "commit", "{gsecret}", "--out", "{out}", "--passphrase-file", "{X}"]),
    ("guardian publish SECRET",
     ["guardian", "publish", "{X}", "--commitments", "{gcommit}", "--commitments",
      "{gcommit2}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("guardian publish --commitments",
     ["guardian", "publish", "{gsecret}", "--commitments", "{gcommit}", "--commitments",
      "{X}", "--out", "{out}", "--passphrase-file", "{pw}"]),
    ("guardian deal SECRET",
     ["guardian", "deal", "{X}", "{grecord}", "{grecord2}", "--out-dir", "{outdir}",
      "--passphrase-file", "{pw}"]),
    ("guardian deal RECORDS",
     ["guardian", "deal", "{gsecret}", "{grecord}", "{X}", "--out-dir", "{outdir}",
      "--passphrase-file", "{pw}"]),
    ("guardian finish SECRET",
     ["guardian", "finish", "{X}", "{grecord}", "{grecord2}", "--shares", "{gshare}",
      "--passphrase-file", "{pw}"]),
    ("guardian finish RECORDS",
     ["guardian", "finish", "{gsecret}", "{grecord}", "{X}", "--shares", "{gshare}",
      "--passphrase-file", "{pw}"]),
    ("guardian finish --shares",
     ["guardian", "finish", "{gsecret}", "{grecord}", "{grecord2}", "--shares", "{X}",
      "--passphrase-file", "{pw}"]),
    ("guardian acknowledge SECRET",
     ["guardian", "acknowledge", "{X}", "{grecord}", "{grecord2}", "--out", "{out}",
      "--passphrase-file", "{pw}"]),
    ("guardian acknowledge RECORDS",
     ["guardian", "acknowledge", "{gdone}", "{grecord}", "{X}", "--out", "{out}",
      "--passphrase-file", "{pw}"]),
    ("guardian context RECORDS",
     ["guardian", "context", "{grecord}", "{X}", "--commitments", "{gcommit}",
      "--commitments", "{gcommit2}", "--acknowledgements", "{gack}", "--out", "{out}"]),
    ("guardian context --commitments",
     ["guardian", "context", "{grecord}", "{grecord2}", "--commitments", "{gcommit}",
      "--commitments", "{X}", "--acknowledgements", "{gack}", "--out", "{out}"]),
    ("guardian context --acknowledgements",
     ["guardian", "context", "{grecord}", "{grecord2}", "--commitments", "{gcommit}",
      "--commitments", "{gcommit2}", "--acknowledgements", "{X}", "--out", "{out}"]),
    ("guardian decrypt SECRET",
     ["guardian", "decrypt", "{X}", "{tallied}", "--out", "{out}", "--jobs", "1",
      "--passphrase-file", "{pw}"]),
    ("guardian decrypt RECORD",
     ["guardian", "decrypt", "{secret}", "{X}", "--out", "{out}", "--jobs", "1",
      "--passphrase-file", "{pw}"]),
    ("combine SHARES", ["combine", "{tallied}", "{X}"]),
    ("combine RECORD", ["combine", "{X}", "{context}"]),
    ("verify RECORD", ["verify", "{X}", "--jobs", "1"]),
    ("results RECORD", ["results", "{X}"]),
    ("seal RECORD", ["seal", "{X}"]),
    ("ballot RECORD", ["ballot", "{X}", "{code}"]),
    ("challenge check --opening",
     ["challenge", "check", "{record}", "{code}", "--opening", "{X}"]),
    ("challenge check RECORD",
     ["challenge", "check", "{X}", "{code}", "--opening", "{opening}"]),
]

# Arguments that name a directory by design: a directory there is not hostile.
DIRECTORY_ARGS = {"verify RECORD", "results RECORD", "seal RECORD", "combine RECORD",
                  "ballot RECORD", "challenge check RECORD", "guardian decrypt RECORD",
                  "tally --boxes", "tally --declarations", "tally --paper",
                  "tally --exclusions", "tally --fallbacks"}


def _hostile(kind, where):
    """A path of the given kind under `where` (/dev/zero is itself)."""
    if kind == "devzero":
        return "/dev/zero"
    path = os.path.join(where, f"hostile-{kind}")
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        os.mkdir(path)
    else:
        fifo = os.path.join(where, "a-fifo")
        os.mkfifo(fifo)
        os.symlink(fifo, path)
    return path


def _params():
    for name, argv in CASES:
        for kind in KINDS:
            if kind == "directory" and name in DIRECTORY_ARGS:
                continue
            yield name, argv, kind


PARAMS = list(_params())


def _output_snapshot(env):
    """Every file under the valid files' directories (nothing may appear there)."""
    seen = set()
    for top in (os.path.dirname(env["package"]), env["record"], env["tallied"],
                os.path.dirname(os.path.dirname(env["gsecret"]))):
        for dirpath, dirnames, names in os.walk(top):
            seen.update(os.path.join(dirpath, n) for n in names + dirnames)
    return seen


def _preload():
    """Import every module a command may import lazily, once, before forking: each case
    then costs a fork, not a new interpreter (the file stays fast on a busy machine)."""
    import importlib
    import pkgutil

    import evote
    for mod in pkgutil.walk_packages(evote.__path__, "evote."):
        if not mod.name.startswith(("evote._build", "evote.demo")):
            importlib.import_module(mod.name)


def _start_case(env, where, argv, kind):
    """Fork a child running `evote ARGS` on a hostile file; (pid, args, logs, x, out_dir)."""
    hostile_dir, out_dir = os.path.join(where, "hostile"), os.path.join(where, "out")
    os.makedirs(hostile_dir)
    os.makedirs(out_dir)
    x = _hostile(kind, hostile_dir)
    values = dict(env, X=x, out=os.path.join(out_dir, "file"),
                  outdir=os.path.join(out_dir, "dir"))
    args = [a.format(**values) for a in argv]
    return (*_fork_cli(args, where), x, out_dir)


def _fork_cli(args, where):
    """(pid, args, logs) of a forked child running `evote ARGS`, its output in `where`."""
    logs = (os.path.join(where, "stdout"), os.path.join(where, "stderr"))
    pid = os.fork()
    if pid == 0:     # the child: the CLI's own entry point, its streams to the log files
        code = 1
        try:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            for fd, log in zip((1, 2), logs):
                os.dup2(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), fd)
            sys.stdin = open(0, closefd=False)
            sys.stdout, sys.stderr = (open(1, "w", closefd=False), open(2, "w", closefd=False))
            from evote.cli.main import main
            try:
                main(args)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:   # an uncaught exception: the traceback a user would see
                import traceback
                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    return pid, args, logs


def _finish_case(pid, args, logs, x, out_dir, deadline):
    """Wait for the child until `deadline`; (args, x, out_dir, CompletedProcess or None
    when it was still running: killed, a hang)."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return args, x, out_dir, None
        time.sleep(0.01)
    out, err = (open(log, encoding="utf-8", errors="replace").read() for log in logs)
    return args, x, out_dir, subprocess.CompletedProcess(args, os.waitstatus_to_exitcode(
        status), out, err)


@pytest.fixture(scope="module")
def runs(env, tmp_path_factory):
    """Every case run once in its own forked process, a few at a time, each with its own
    deadline (a hang is one failed case, never a blocked suite)."""
    root = str(tmp_path_factory.mktemp("hostile-runs"))
    _preload()
    before = _output_snapshot(env)
    pending = list(enumerate(PARAMS))
    running, done = [], {}
    while pending or running:
        while pending and len(running) < PARALLEL:
            i, (name, argv, kind) = pending.pop(0)
            running.append(((name, kind), time.monotonic() + TIMEOUT,
                            _start_case(env, os.path.join(root, str(i)), argv, kind)))
        key, deadline, started = running.pop(0)
        done[key] = _finish_case(*started, deadline)
    return done, before, _output_snapshot(env)


@pytest.mark.parametrize("name,kind", [(n, k) for n, _, k in PARAMS],
                         ids=[f"{n} <- {k}" for n, _, k in PARAMS])
def test_hostile_file_argument_is_refused(runs, name, kind):
    args, x, out_dir, proc = runs[0][(name, kind)]
    if proc is None:
        pytest.fail(f"evote {' '.join(args)} still running after {TIMEOUT} s (hangs on {x})")
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out
    assert proc.returncode == 2, out
    # click's own refusal (exit 2) adds its usage lines before the one error line
    lines = [ln for ln in proc.stderr.splitlines()
             if ln.strip() and not ln.startswith(("Usage: ", "Try '"))]
    if args[0] == "verify":
        # the verifier's report goes to stdout; its verdict line names the file
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("UNUSABLE INPUT")]
    assert len(lines) == 1, out
    assert x in lines[0], out
    assert os.listdir(out_dir) == [], os.listdir(out_dir)


def test_no_hostile_case_wrote_beside_its_inputs(runs):
    _, before, after = runs
    assert after == before, sorted(after ^ before)


def test_decryption_log_that_is_a_fifo_is_refused(env, tmp_path):
    # the log beside the secret file (evote.election.decrypt_log) was opened read-write and
    # read to its end: a FIFO there hung `evote guardian decrypt` for ever
    from evote.election.decrypt_log import log_path
    _preload()
    secret = str(tmp_path / "secret.json")
    shutil.copyfile(env["secret"], secret)
    os.mkfifo(log_path(secret))
    out = str(tmp_path / "shares.json")
    args = ["guardian", "decrypt", secret, env["tallied"], "--out", out, "--jobs", "1",
            "--passphrase-file", env["pw"]]
    *_, proc = _finish_case(*_fork_cli(args, str(tmp_path)), None, None,
                            time.monotonic() + TIMEOUT)
    assert proc is not None, f"evote {' '.join(args)} hangs on its decryption log"
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"evote guardian decrypt: decryption log {log_path(secret)}: not a regular file"]
    assert not os.path.exists(out)


@pytest.mark.parametrize("rel", ["tally/lot.json", "notes.txt"])
@pytest.mark.parametrize("kind", ["fifo", "link-to-devzero"])
def test_seal_refuses_a_record_file_that_is_not_regular(env, tmp_path, rel, kind):
    # evote seal hashed every file under the record with open(): a FIFO hung it, a link
    # to /dev/zero hashed for ever (record/roothash.py file_hash)
    _preload()
    record = str(tmp_path / "record")
    shutil.copytree(env["record"], record, symlinks=True)
    for sealed in ("record.json", "ROOT", "reports"):   # back to the step before the seal
        path = os.path.join(record, sealed)
        shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)
    target = os.path.join(record, rel)
    if os.path.exists(target):
        os.unlink(target)
    if kind == "fifo":
        os.mkfifo(target)
    else:
        os.symlink("/dev/zero", target)
    before = sorted(os.listdir(record))
    args = ["seal", record]
    *_, proc = _finish_case(*_fork_cli(args, str(tmp_path)), None, None,
                            time.monotonic() + TIMEOUT)
    assert proc is not None, f"evote seal hangs on {rel}"
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"evote seal: record {record}: cannot hash a record file: {rel}: not a regular file "
        "(a record holds regular files only)"]
    assert sorted(os.listdir(record)) == before     # no record.json, ROOT or reports


def test_record_reader_checks_the_file_it_opened(tmp_path):
    # record/jsonio.read_file_bounded checked the path with lstat, then opened it: a FIFO
    # put in place of a regular file between the two blocked the open for ever. The
    # child below sees every lstat answer "regular file" (the swap, made certain).
    from evote.errors import RecordError
    from evote.record import jsonio
    fifo, regular = str(tmp_path / "fifo"), str(tmp_path / "regular")
    os.mkfifo(fifo)
    with open(regular, "wb") as f:
        f.write(b"{}")
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            real_lstat = os.lstat
            os.lstat = lambda path, *a, **k: real_lstat(regular)
            try:
                jsonio.read_file_bounded(fifo, "record file x.json")
            except RecordError as exc:
                code = 0 if str(exc) == "record file x.json: not a regular file" else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + TIMEOUT
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("read_file_bounded blocks on a FIFO that passed its lstat check")
        time.sleep(0.01)
    assert os.waitstatus_to_exitcode(status) == 0   # refused, with the message above


@pytest.mark.parametrize("option", ["--boxes", "--declarations", "--paper", "--exclusions",
                                    "--fallbacks"])
@pytest.mark.parametrize("kind", ["fifo", "link-to-devzero"])
def test_tally_refuses_a_file_found_in_a_directory_that_is_not_regular(env, tmp_path, option,
                                                                       kind):
    # a directory given to evote tally is searched for *.box or *.json: what it finds is
    # read through the same checked readers as a file named on the command line
    _preload()
    found = tmp_path / "given"
    found.mkdir()
    x = str(found / ("x.box" if option == "--boxes" else "x.json"))
    if kind == "fifo":
        os.mkfifo(x)
    else:
        os.symlink("/dev/zero", x)
    given = {"--boxes": env["boxes"], "--declarations": env["declarations"],
             "--paper": env["paper"]}
    given[option] = str(found)
    out = str(tmp_path / "record")
    args = ["tally", "--package", env["package"], "--out", out, "--jobs", "1"]
    for opt, value in given.items():
        args += [opt, value]
    *_, proc = _finish_case(*_fork_cli(args, str(tmp_path)), None, None,
                            time.monotonic() + TIMEOUT)
    assert proc is not None, f"evote tally hangs on {x}"
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text, text
    # tally refuses it in one of its two documented ways (today a box or exclusion found
    # by the search is one of its "problems", exit 1, nothing written; a declaration or
    # paper result is exit 2 with one line): named once either way, never read
    assert proc.returncode in (1, 2), text
    named = [ln for ln in proc.stderr.splitlines() if x in ln]
    assert len(named) == 1 and named[0].endswith(f"{x}: not a regular file"), text
    if proc.returncode == 1:
        assert proc.stderr.rstrip().endswith("nothing was written"), text
    else:
        assert proc.stderr.strip().splitlines() == named, text
    assert not os.path.exists(out) or os.listdir(out) == []
