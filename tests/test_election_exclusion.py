"""The supervising board's steps (evote.election.exclusion; `evote exclusion keygen /
decide / sign`) and `evote tally --exclusions`: a complete decision takes exactly its box
out of the tally (also a box too damaged to be placed by its OPEN record), the station
reconciles without its forms; an incomplete, foreign or mismatched decision is refused,
naming the file and what is wrong. Also: `evote tally` refuses a form missing a required
role."""
import json
import os
import shutil

import pytest
from click.testing import CliRunner

from election_support import (PASSPHRASE, build_election, declare_all, official_args,
                              write_paper_result)
from evote.cli.main import cli
from evote.election import exclusion as steps
from evote.election import station as station_steps
from evote.election import tally_centre
from evote.errors import EvoteError
from evote.manifest.anchors import Supervisor
from evote.record.jsonio import canonical_bytes
from evote.record.tallies import RecordTallies
from evote.tally.exclusion import Exclusion

KDF = {"opslimit": 1, "memlimit": 8 * 1024 * 1024}


@pytest.fixture(scope="module")
def e(tmp_path_factory):
    d = tmp_path_factory.mktemp("board")
    board = {}
    for role in ("board-chair", "board-member", "outsider"):
        key = str(d / f"{role}.key")
        board[role] = (key, steps.keygen(key, PASSPHRASE, **KDF))
    sup = tuple(sorted((Supervisor(r, bytes.fromhex(board[r][1]))
                        for r in ("board-chair", "board-member")),
                       key=lambda s: (s.role, s.public_key)))
    e = build_election(d / "election", manifest_fields={"supervisors": sup})
    e.board = board
    e.paper_file = write_paper_result(e)
    return e


def _decide(e, out, *, role="board-chair", key_role=None, box=None, forms=3,
            kiosk=None):
    kiosk = kiosk or f"{e.city}-k1"
    return steps.decide(e.package_path, box or e.boxes[kiosk], e.city, kiosk, forms,
                        "disk error: the box does not verify", role,
                        e.board[key_role or role][0], PASSPHRASE, str(out))


def _complete(e, d, **kw):
    first = _decide(e, d / "by-chair.json", **kw)
    steps.sign(str(d / "by-chair.json"), "board-member", e.board["board-member"][0],
               PASSPHRASE, str(d / "exclusion.json"), e.package_path)
    assert first.signatures[0].role == "board-chair"
    return str(d / "exclusion.json")


def _declarations(e, d, city_forms):
    out = declare_all(e, directory=str(d / "declarations"), forms={e.city: city_forms})
    return [out[e.city], out[e.village]]


def _tally(e, d, exclusions, decl, boxes=None):
    return tally_centre.tally(e.package_path, boxes or list(e.boxes.values()), decl,
                              [e.paper_file], str(d / "record"), exclusion_inputs=exclusions)


def test_honest_exclusion_leaves_the_box_out(e, tmp_path):
    excl = _complete(e, tmp_path)
    # the city station declares all 5 voters; the board attributes 3 to the excluded k1
    o = _tally(e, tmp_path, [excl], _declarations(e, tmp_path, 5))
    assert o.ok, o.problems
    rec = tmp_path / "record"
    written = rec / "exclusions" / e.city / f"{e.city}-k1.json"
    assert written.read_bytes() == open(excl, "rb").read()
    assert (rec / "boxes" / e.city / f"{e.city}-k1.box").read_bytes() == \
        open(e.boxes[f"{e.city}-k1"], "rb").read()     # kept in the record, byte for byte
    t = RecordTallies.from_json_obj(json.loads((rec / "tally" / "encrypted.json").read_bytes()))
    city = t.stations[e.city]
    assert {c.ballots for c in city.contests} == {2}   # k2's 2 ballots only
    assert o.ballots == 2 + 2   # the city's k2 and the village's k1


def test_a_box_too_damaged_to_place_is_found_by_its_hash(e, tmp_path):
    kid = f"{e.city}-k1"
    damaged = str(tmp_path / "damaged.box")
    data = bytearray(open(e.boxes[kid], "rb").read())
    data[5] ^= 0xFF                       # the OPEN record no longer reads
    open(damaged, "wb").write(bytes(data))
    excl = _complete(e, tmp_path, box=damaged)
    boxes = [damaged] + [p for k, p in e.boxes.items() if k != kid]
    without = tally_centre.tally(e.package_path, boxes, _declarations(e, tmp_path, 5),
                                 [e.paper_file], str(tmp_path / "refused"))
    assert not without.ok and any("damaged.box" in p for p in without.problems)
    o = _tally(e, tmp_path, [excl], _declarations(e, tmp_path / "again", 5), boxes=boxes)
    assert o.ok, o.problems
    assert (tmp_path / "record" / "boxes" / e.city / f"{kid}.box").read_bytes() == data


def test_forms_excluded_must_reconcile(e, tmp_path):
    excl = _complete(e, tmp_path, forms=2)     # k1 holds 3 ballots
    o = _tally(e, tmp_path, [excl], _declarations(e, tmp_path, 5))
    assert not o.ok
    assert any(p.startswith(f"station {e.city}: forms issued 3 != ballots cast in the "
                            "boxes 2") for p in o.problems), o.problems


def test_incomplete_exclusion_is_refused_naming_the_role(e, tmp_path):
    first = _decide(e, tmp_path / "by-chair.json")
    assert steps.missing(first, e.manifest) == ["board-member"]
    o = _tally(e, tmp_path, [str(tmp_path / "by-chair.json")], _declarations(e, tmp_path, 5))
    assert not o.ok
    assert any("not signed by the required role(s) board-member" in p for p in o.problems)


def test_exclusion_of_other_bytes_is_refused(e, tmp_path):
    other = str(tmp_path / "other.box")
    shutil.copyfile(e.boxes[f"{e.city}-k2"], other)
    excl = _complete(e, tmp_path, box=other)    # names k1 but hashes k2's bytes
    o = _tally(e, tmp_path, [excl], _declarations(e, tmp_path, 5))
    assert not o.ok and any("box_hash differs" in p for p in o.problems), o.problems


def test_steps_refuse_outsiders_unlisted_kiosks_and_double_signing(e, tmp_path):
    with pytest.raises(EvoteError, match="not listed in the manifest's supervisors"):
        _decide(e, tmp_path / "a.json", key_role="outsider")
    with pytest.raises(EvoteError, match="not listed in the manifest's supervisors with "
                       "role 'board-chair'"):
        _decide(e, tmp_path / "b.json", key_role="board-member")
    with pytest.raises(EvoteError, match="kiosk 'nowhere' is not certified"):
        _decide(e, tmp_path / "c.json", kiosk="nowhere", box=e.boxes[f"{e.city}-k1"])
    _decide(e, tmp_path / "d.json")
    with pytest.raises(EvoteError, match="role 'board-chair' has already signed"):
        steps.sign(str(tmp_path / "d.json"), "board-chair", e.board["board-chair"][0],
                   PASSPHRASE, str(tmp_path / "e.json"), e.package_path)
    assert not os.path.exists(tmp_path / "e.json")
    # a decision changed after signing is refused before anything is signed
    obj = json.loads((tmp_path / "d.json").read_bytes())
    obj["forms_excluded"] = 0
    (tmp_path / "f.json").write_bytes(canonical_bytes(obj))
    with pytest.raises(EvoteError, match="does not verify"):
        steps.sign(str(tmp_path / "f.json"), "board-member", e.board["board-member"][0],
                   PASSPHRASE, str(tmp_path / "g.json"), e.package_path)


def test_cli_exclusion_commands(e, tmp_path):
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    run = CliRunner().invoke
    r = run(cli, ["exclusion", "keygen", "--out", str(tmp_path / "k.key"),
                  "--passphrase-file", str(pw), "--kdf-ops", "1", "--kdf-mem-kib", "8192"])
    assert r.exit_code == 0 and "public key " in r.output, r.output
    kid = f"{e.city}-k1"
    r = run(cli, ["exclusion", "decide", "--package", e.package_path, "--box", e.boxes[kid],
                  "--station", e.city, "--kiosk", kid, "--forms-excluded", "3",
                  "--reason", "disk error", "--role", "board-chair",
                  "--key", e.board["board-chair"][0], "--out", str(tmp_path / "x.json"),
                  "--passphrase-file", str(pw)])
    assert r.exit_code == 0 and "still to sign: board-member" in r.output, r.output
    r = run(cli, ["exclusion", "sign", str(tmp_path / "x.json"), "--package", e.package_path,
                  "--role", "board-member", "--key", e.board["board-member"][0],
                  "--out", str(tmp_path / "y.json"), "--passphrase-file", str(pw)])
    assert r.exit_code == 0 and "complete" in r.output, r.output
    Exclusion.from_json_bytes((tmp_path / "y.json").read_bytes()).verify(e.manifest)
    r = run(cli, ["exclusion", "sign", str(tmp_path / "y.json"), "--package", e.package_path,
                  "--role", "board-member", "--key", e.board["board-member"][0],
                  "--out", str(tmp_path / "z.json"), "--passphrase-file", str(pw)])
    assert r.exit_code == 2 and "already signed" in r.output
    assert "Traceback" not in r.output


def test_tally_refuses_a_form_missing_a_required_role(e, tmp_path):
    d = tmp_path / "decl"
    d.mkdir()
    station_steps.declare(e.package_path, e.city, e.cast[e.city], out=str(d / "head.json"),
                          **official_args(e, e.city, "station-head"))
    full = declare_all(e, directory=str(tmp_path / "full"))
    o = tally_centre.tally(e.package_path, list(e.boxes.values()),
                           [str(d / "head.json"), full[e.village]], [e.paper_file],
                           str(tmp_path / "record"))
    assert not o.ok
    assert any("not signed by the required role(s) observer" in p for p in o.problems), \
        o.problems
