"""`evote guardian ...`: the ceremony run as file-exchanging CLI steps (generate, publish,
deal, finish, acknowledge, context)."""
import json
import os
import stat

from click.testing import CliRunner

from evote.cli.main import cli
from evote.protocol.context import ElectionContext
from evote.protocol.guardian_store import load_guardian

FAST = ["--kdf-ops", "1", "--kdf-mem-kib", "8"]


def _run(runner, *args, code=0):
    result = runner.invoke(cli, ["guardian", *map(str, args)])
    assert result.exit_code == code, result.output
    return result


def test_ceremony_through_the_cli(tmp_path):
    runner = CliRunner()
    n, t = 3, 2
    mh = "ab" * 32
    pw = tmp_path / "pw"
    pw.write_text("guardian passphrase\n")
    secrets = [tmp_path / f"secret-{i}.json" for i in range(1, n + 1)]
    records = [tmp_path / f"record-{i}.json" for i in range(1, n + 1)]
    commits = [tmp_path / f"commitment-{i}.json" for i in range(1, n + 1)]
    for i, (s, c) in enumerate(zip(secrets, commits), start=1):
        _run(runner, "generate", "--manifest-hash", mh, "--index", i, "--guardians", n,
             "--threshold", t, "--out", s, "--passphrase-file", pw, *FAST)
        assert stat.S_IMODE(os.stat(s).st_mode) == 0o600
        _run(runner, "commit", s, "--out", c, "--passphrase-file", pw)
    # the commitment round: no record before every guardian's commitment is in
    r = _run(runner, "publish", secrets[0], "--commitments", commits[0], "--commitments",
             commits[1], "--out", records[0], "--passphrase-file", pw, code=2)
    assert "none from guardian(s) 3" in r.output and not records[0].exists()
    r = _run(runner, "publish", secrets[0], *[x for c in (commits[1], commits[1], commits[2])
                                              for x in ("--commitments", c)],
             "--out", records[0], "--passphrase-file", pw, code=2)
    assert "a second commitment of guardian 2" in r.output and not records[0].exists()
    com_args = [x for c in commits for x in ("--commitments", c)]
    for s, r in zip(secrets, records):
        _run(runner, "publish", s, *com_args, "--out", r, "--passphrase-file", pw)
    shares = tmp_path / "shares"
    for s in secrets:
        _run(runner, "deal", s, *records, "--out-dir", shares, "--passphrase-file", pw)
    for i, s in enumerate(secrets, start=1):
        mine = sorted(shares.glob(f"share-*-to-{i}.json"))
        assert len(mine) == n - 1
        args = [x for p in mine for x in ("--shares", p)]
        _run(runner, "finish", s, *records, *args, "--passphrase-file", pw)
    acks = [tmp_path / f"ack-{i}.json" for i in range(1, n + 1)]
    for s, a in zip(secrets, acks):
        _run(runner, "acknowledge", s, *records, "--out", a, "--passphrase-file", pw)
    out = tmp_path / "context.json"
    # every guardian's acknowledgement is needed: one missing is refused, naming it
    r = _run(runner, "context", *records, *com_args, *[x for a in acks[:2] for x in
                                                        ("--acknowledgements", a)],
             "--out", out, code=2)
    assert "guardian(s) 3" in r.output and not out.exists()
    # an acknowledgement whose lot contribution was altered is refused (its proof/signature)
    obj = json.loads(acks[1].read_bytes())
    bad = tmp_path / "ack-bad.json"
    obj["contribution"] = obj["contribution"][64:] + obj["contribution"][:64]
    bad.write_text(json.dumps(obj))
    r = _run(runner, "context", *records, *com_args, "--acknowledgements", acks[0],
             "--acknowledgements", bad, "--acknowledgements", acks[2], "--out", out, code=2)
    assert "guardian 2" in r.output and not out.exists()
    ack_args = [x for a in acks for x in ("--acknowledgements", a)]
    # every guardian's commitment is needed too: one missing is refused, naming it
    r = _run(runner, "context", *records, *com_args[:4], *ack_args, "--out", out, code=2)
    assert "--commitments" in r.output and "guardian(s) 3" in r.output and not out.exists()
    _run(runner, "context", *records, *com_args, *ack_args, "--out", out)
    ctx = ElectionContext.from_json_obj(json.loads(out.read_bytes()))
    assert [a.guardian_index for a in ctx.acknowledgements] == [1, 2, 3]
    assert [c.guardian_index for c in ctx.ceremony_commitments] == [1, 2, 3]
    for i, s in enumerate(secrets, start=1):
        g = load_guardian(s, "guardian passphrase")
        assert g.base_hash == ctx.base_hash and g.key_share is not None

    # a wrong passphrase or a damaged record is one precise line and exit 2
    bad_pw = tmp_path / "bad"
    bad_pw.write_text("nope\n")
    r = _run(runner, "publish", secrets[0], "--out", tmp_path / "x.json",
             "--passphrase-file", bad_pw, code=2)
    assert "wrong passphrase" in r.output
    obj = json.loads(records[1].read_bytes())
    obj["signature"] = "00" * 64
    records[1].write_text(json.dumps(obj))
    r = _run(runner, "context", *records, *com_args, *ack_args,
             "--out", tmp_path / "ctx2.json", code=2)
    assert "guardian 2" in r.output


def test_finish_with_a_missing_share_writes_a_complaint(tmp_path):
    runner = CliRunner()
    pw = tmp_path / "pw"
    pw.write_text("x\n")
    secrets, records = [], []
    for i in (1, 2):
        s, r = tmp_path / f"s{i}", tmp_path / f"r{i}"
        _run(runner, "generate", "--manifest-hash", "cd" * 32, "--index", i, "--guardians", 2,
             "--threshold", 2, "--out", s, "--passphrase-file", pw, *FAST)
        _run(runner, "commit", s, "--out", tmp_path / f"c{i}", "--passphrase-file", pw)
        secrets.append(s)
        records.append(r)
    for s, r in zip(secrets, records):
        _run(runner, "publish", s, "--commitments", tmp_path / "c1", "--commitments",
             tmp_path / "c2", "--out", r, "--passphrase-file", pw)
    _run(runner, "deal", secrets[1], *records, "--out-dir", tmp_path / "sh", "--passphrase-file", pw)
    share = tmp_path / "sh" / "share-2-to-1.json"
    obj = json.loads(share.read_bytes())
    obj["sealed"] = "00" * 128
    share.write_text(json.dumps(obj))
    complaints = tmp_path / "complaints.json"
    _run(runner, "finish", secrets[0], *records, "--shares", share, "--complaints-out",
         complaints, "--passphrase-file", pw, code=1)
    (c,) = json.loads(complaints.read_bytes())
    assert (c["accuser"], c["accused"], c["reason"]) == (1, 2, "bad-signature")
    assert load_guardian(secrets[0], "x").key_share is None


# ------------------------------------------------------------- the ceremony's footguns

def _dealt(tmp_path, n=3):
    """n guardians generated, published and dealt through the CLI (threshold 2)."""
    runner = CliRunner()
    pw = tmp_path / "pw"
    pw.write_text("pw\n")
    secrets = [tmp_path / f"s{i}.json" for i in range(1, n + 1)]
    records = [tmp_path / f"r{i}.json" for i in range(1, n + 1)]
    for i, s in enumerate(secrets, start=1):
        _run(runner, "generate", "--manifest-hash", "ef" * 32, "--index", i, "--guardians", n,
             "--threshold", 2, "--out", s, "--passphrase-file", pw, *FAST)
        _run(runner, "commit", s, "--out", tmp_path / f"c{i}.json", "--passphrase-file", pw)
    com_args = [x for i in range(1, n + 1) for x in ("--commitments", tmp_path / f"c{i}.json")]
    for s, r in zip(secrets, records):
        _run(runner, "publish", s, *com_args, "--out", r, "--passphrase-file", pw)
    for s in secrets:
        _run(runner, "deal", s, *records, "--out-dir", tmp_path / "sh", "--passphrase-file", pw)
    return runner, pw, secrets, records


def test_publish_onto_the_secret_file_is_refused_and_the_secret_kept(tmp_path):
    runner, pw, secrets, records = _dealt(tmp_path)
    before = secrets[0].read_bytes()
    r = _run(runner, "publish", secrets[0], "--out", secrets[0], "--passphrase-file", pw,
             code=2)
    assert "is also an input of this step" in r.output
    r = _run(runner, "context", *records, "--out", records[0], code=2)
    assert f"{records[0]}: is also an input" in r.output
    r = _run(runner, "deal", secrets[0], *records, "--out-dir", tmp_path / "sh",
             "--passphrase-file", pw, code=2)   # its share files exist: never replaced
    assert "already exists" in r.output
    assert secrets[0].read_bytes() == before
    assert load_guardian(secrets[0], "pw").index == 1


def test_finish_refuses_a_missing_share_unless_told_to_complain(tmp_path):
    runner, pw, secrets, records = _dealt(tmp_path)
    share = tmp_path / "sh" / "share-2-to-1.json"
    before = secrets[0].read_bytes()
    r = _run(runner, "finish", secrets[0], *records, "--shares", share,
             "--passphrase-file", pw, code=2)
    assert r.output == ("evote guardian finish: no share from guardian(s) 3: a missing share "
                        "is not a bad share; give every share, or --complain-missing to "
                        "complain against them\n")
    assert secrets[0].read_bytes() == before
    complaints = tmp_path / "c.json"
    _run(runner, "finish", secrets[0], *records, "--shares", share, "--complain-missing",
         "--complaints-out", complaints, "--passphrase-file", pw, code=1)
    (c,) = json.loads(complaints.read_bytes())
    assert (c["accuser"], c["accused"], c["reason"]) == (1, 3, "missing")


def test_a_glob_after_shares_spilling_into_records_is_named(tmp_path):
    runner, pw, secrets, records = _dealt(tmp_path)
    mine = sorted((tmp_path / "sh").glob("share-*-to-1.json"))
    # what `--shares sh/share-*-to-1.json` expands to: only the first is an option value
    r = _run(runner, "finish", secrets[0], *records, "--shares", mine[0], mine[1],
             "--passphrase-file", pw, code=2)
    assert (f"RECORDS has {mine[1]}, a sealed share: give --shares before each share file, "
            "e.g. --shares a.json --shares b.json; a glob after --shares gives it only its "
            "first file") in r.output
    _run(runner, "finish", secrets[0], *records, "--shares", mine[0], "--shares", mine[1],
         "--passphrase-file", pw)


def test_acknowledge_before_finish_is_refused(tmp_path):
    runner, pw, secrets, records = _dealt(tmp_path)
    out = tmp_path / "ack.json"
    r = _run(runner, "acknowledge", secrets[0], *records, "--out", out, "--passphrase-file",
             pw, code=2)
    assert "has not finished the key ceremony" in r.output and not out.exists()


def test_acknowledge_refuses_records_where_its_own_carries_another_lot_commitment(tmp_path):
    """Guardian 1 is handed records where its own is a re-signed one committing to
    another lot secret (same polynomial, so the same base hash): acknowledge refuses,
    writes nothing, and with its own record it acknowledges."""
    import dataclasses
    from evote.group import Scalar
    from evote.protocol.ceremony import publish_record
    from evote.protocol.ceremony_wire import canonical_json
    runner, pw, secrets, records = _dealt(tmp_path)
    sh = tmp_path / "sh"
    _run(runner, "finish", secrets[0], *records, "--shares", sh / "share-2-to-1.json",
         "--shares", sh / "share-3-to-1.json", "--passphrase-file", pw)
    g1 = load_guardian(secrets[0], "pw")
    other = tmp_path / "r1-other.json"
    other.write_bytes(canonical_json(publish_record(
        dataclasses.replace(g1, lot_secret=Scalar.random())).to_json_obj()))
    out = tmp_path / "ack.json"
    r = _run(runner, "acknowledge", secrets[0], other, *records[1:], "--out", out,
             "--passphrase-file", pw, code=2)
    assert "guardian 1's record is not the one" in r.output and not out.exists()
    _run(runner, "acknowledge", secrets[0], *records, "--out", out, "--passphrase-file", pw)
