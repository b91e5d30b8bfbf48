"""Shared by the test_voter_* tests: the ballots of the small demo record, read with the
box reader (independently of evote.voter's search), and a CLI runner. Holds no tests."""
import glob
import os

from click.testing import CliRunner

from evote.ballotbox.reader import walk_box
from evote.ballotbox.records import CastRecord, SpoilRecord, short_code
from evote.cli.main import cli


def ballots_of(record: str) -> list:
    """Every CAST and SPOIL record of the record's boxes, as dicts."""
    out = []
    for full in sorted(glob.glob(os.path.join(record, "boxes", "*", "*.box"))):
        station, kiosk = full.split(os.sep)[-2], os.path.basename(full)[:-4]
        for rec, problems in walk_box(full, authority_key=None, election_hash=None,
                                      station_id=None, kiosk_id=None):
            assert not problems, problems
            if isinstance(rec, (CastRecord, SpoilRecord)):
                out.append(dict(kind="CAST" if isinstance(rec, CastRecord) else "SPOIL",
                                station=station, kiosk=kiosk, seq=rec.seq, code=rec.code,
                                short=short_code(rec.code), payload=rec.payload,
                                secrets=getattr(rec, "secrets", None),
                                path=f"boxes/{station}/{kiosk}.box"))
    return out


def first(record: str, kind: str) -> dict:
    found = [b for b in ballots_of(record) if b["kind"] == kind]
    assert found, f"the small demo record has no {kind} ballot"
    return found[0]


def run(*args):
    """(exit code, stdout, stderr) of `evote ARGS`."""
    r = CliRunner().invoke(cli, [str(a) for a in args])
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def challengers(voters_dir: str) -> list:
    """The small demo's voters who challenged, as dicts: station, voter number, the
    challenged ballot's short code (their printout) and the path of their opening."""
    from evote.demo.voters import CODE_FILE, OPENING_FILE
    out = []
    for home in sorted(glob.glob(os.path.join(voters_dir, "*", "voter-*"))):
        with open(os.path.join(home, CODE_FILE), encoding="ascii") as f:
            code = f.read().strip()
        out.append(dict(station=home.split(os.sep)[-2], voter=int(home.rsplit("-", 1)[1]),
                        short=code, opening=os.path.join(home, OPENING_FILE)))
    assert out, "the small demo has no voter who challenged"
    return out
