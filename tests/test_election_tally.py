"""The tally centre's steps (evote.election.tally_centre, results_step; `evote tally`,
`evote results`, `evote seal`): a whole record from files, and every problem of `evote
tally` built on purpose (each named, nothing written)."""
import os
import shutil

import pytest
from click.testing import CliRunner

from election_support import (build_election, declare_all, make_box, write_paper_result)
from evote.ballotbox import issue_certificate
from evote.cli.main import cli
from evote.election import results_step, tally_centre
from evote.record import layout
from evote.record.jsonio import canonical_bytes
from evote.record.tallies import RecordTallies
from evote.protocol.decryption import compute_decryption_share
from evote.protocol.lot import LOT_LABEL
from evote.record.lot import decrypt_lot
from evote.tally import decrypt_district_tallies



@pytest.fixture(scope="module")
def e(tmp_path_factory):
    e = build_election(tmp_path_factory.mktemp("election"))
    e.declarations = declare_all(e)
    e.paper_file = write_paper_result(e)
    return e


def _inputs(e, boxes=None, declarations=None, papers=None):
    return ([e.path("boxes-in")] if boxes is None else boxes,
            [e.path("declarations-in")] if declarations is None else declarations,
            [e.path("paper-in")] if papers is None else papers)


def _fresh(tmp_path, name="record"):
    return str(tmp_path / name)


def _problems(e, tmp_path, **kw):
    out = _fresh(tmp_path)
    o = tally_centre.tally(e.package_path, *_inputs(e, **kw), out)
    assert o.record_dir is None and o.problems
    assert not os.path.exists(out)
    assert os.listdir(tmp_path) == []          # no partial directory left beside it
    return o.problems


def _one(problems, *fragments):
    hits = [p for p in problems if all(f in p for f in fragments)]
    assert hits, problems
    return hits[0]


def test_tally_writes_the_record_then_results_and_seal(e, tmp_path):
    out = _fresh(tmp_path)
    o = tally_centre.tally(e.package_path, *_inputs(e), out)
    assert o.ok and o.record_dir == os.path.abspath(out), o.problems
    assert (o.boxes, o.ballots, o.stations) == (3, 7, 3)
    assert "3 boxes, 7 ballots" in o.summary
    assert open(os.path.join(out, layout.PACKAGE), "rb").read() == \
        open(e.package_path, "rb").read()
    for kid, src in e.boxes.items():
        dest = os.path.join(out, *layout.box_path(kid.rsplit("-", 1)[0], kid).split("/"))
        assert open(dest, "rb").read() == open(src, "rb").read()
    for sid in (e.city, e.village):
        assert os.path.isfile(os.path.join(out, layout.declaration_path(sid)))
    assert os.path.isfile(os.path.join(out, layout.paper_path(e.paper_station)))
    # the guardians' part (here in memory: the guardian steps have their own tests)
    tallies = RecordTallies.from_json_obj(
        __import__("json").loads(open(os.path.join(out, layout.TALLY), "rb").read()))
    dec = decrypt_district_tallies(e.context, e.guardians[:2], tallies.districts,
                                   manifest=e.manifest)
    os.makedirs(os.path.join(out, "tally"), exist_ok=True)
    with open(os.path.join(out, *layout.DECRYPTION.split("/")), "wb") as f:
        f.write(canonical_bytes(dec.to_json_obj()))
    r = CliRunner().invoke(cli, ["results", out])        # the lot is not decrypted yet
    assert r.exit_code == 2 and layout.LOT in r.output, r.output
    lot = decrypt_lot(e.context, [compute_decryption_share(
        g, e.context, [e.context.lot_ciphertext], [LOT_LABEL]) for g in e.guardians[1:]])
    with open(os.path.join(out, *layout.LOT.split("/")), "wb") as f:
        f.write(canonical_bytes(lot.to_json_obj()))
    r = CliRunner().invoke(cli, ["results", out])
    assert r.exit_code == 0, r.output
    results_obj = __import__("json").loads(open(os.path.join(out, layout.RESULTS), "rb").read())
    assert results_obj["lot_seed"] == lot.seed.hex()
    assert os.path.isfile(os.path.join(out, layout.RESULTS))
    assert not os.path.exists(os.path.join(out, "reports"))     # seal writes them
    r = CliRunner().invoke(cli, ["results", out])
    assert r.exit_code == 2 and "results/results.json" in r.output
    r = CliRunner().invoke(cli, ["seal", out])
    assert r.exit_code == 0, r.output
    root = open(os.path.join(out, layout.ROOT)).read().strip()
    assert r.output == f"root hash: {root}\n"
    for name in ("results.html", "results.txt"):
        report = open(os.path.join(out, "reports", name), encoding="utf-8").read()
        assert root in report and e.package.hash().hex() in report
    from evote.verify.run import verify_record
    assert verify_record(out, expected_package=e.package.hash()).valid


def test_cli_tally_exit_codes(e, tmp_path):
    out = _fresh(tmp_path)
    args = ["tally", "--package", e.package_path, "--boxes", e.path("boxes-in"),
            "--declarations", e.path("declarations-in"), "--paper", e.path("paper-in")]
    r = CliRunner().invoke(cli, args + ["--out", out])
    assert r.exit_code == 0, r.output
    assert "3 boxes" in r.output
    r = CliRunner().invoke(cli, args + ["--out", out])        # an existing record
    assert r.exit_code == 2 and "exists and is not empty" in r.output
    assert "Traceback" not in r.output
    other = _fresh(tmp_path, "other")
    r = CliRunner().invoke(cli, args[:-2] + ["--out", other])  # no paper result
    assert r.exit_code == 1 and "no paper result was given" in r.output
    assert not os.path.exists(other)
    r = CliRunner().invoke(cli, ["tally", "--package", e.path("nope.json"), "--out", other])
    assert r.exit_code == 2 and "nope.json" in r.output


def test_a_box_that_does_not_verify(e, tmp_path):
    bad = tmp_path.parent / (tmp_path.name + "-in")
    shutil.copytree(e.path("boxes-in"), bad)
    victim = bad / f"{e.city}-k1.box"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 1
    victim.write_bytes(bytes(data))
    p = _problems(e, tmp_path, boxes=[str(bad)])
    _one(p, str(victim))


def test_two_boxes_for_one_kiosk(e, tmp_path):
    again = make_box(e, f"{e.city}-k1", 3, directory=str(tmp_path.parent / "again"))
    p = _problems(e, tmp_path, boxes=[e.path("boxes-in"), again])
    _one(p, "a second box for this kiosk")


def test_a_certified_kiosk_without_a_box(e, tmp_path):
    p = _problems(e, tmp_path, boxes=[e.boxes[f"{e.city}-k1"], e.boxes[f"{e.village}-k1"]])
    _one(p, f"kiosk '{e.city}-k2'", "no box was given")


def test_a_box_of_an_unlisted_kiosk(e, tmp_path):
    import nacl.signing
    key = nacl.signing.SigningKey.generate()
    cert = issue_certificate(e.authority, election_hash=e.manifest.hash(),
                             station_id=e.city, kiosk_id=f"{e.city}-k9",
                             kiosk_key=bytes(key.verify_key))
    box = make_box(e, f"{e.city}-k9", 1, directory=str(tmp_path.parent / "k9"), key=key,
                   certificate=cert)
    p = _problems(e, tmp_path, boxes=[e.path("boxes-in"), box])
    _one(p, box, "not listed in the election package")


def test_a_box_of_a_paper_station(e, tmp_path):
    import nacl.signing
    key = nacl.signing.SigningKey.generate()
    kid = f"{e.paper_station}-k1"
    cert = issue_certificate(e.authority, election_hash=e.manifest.hash(),
                             station_id=e.paper_station, kiosk_id=kid,
                             kiosk_key=bytes(key.verify_key))
    box = make_box(e, kid, 1, directory=str(tmp_path.parent / "pbox"), key=key,
                   certificate=cert)
    p = _problems(e, tmp_path, boxes=[e.path("boxes-in"), box])
    _one(p, box, "a paper station")


def test_a_missing_declaration(e, tmp_path):
    p = _problems(e, tmp_path, declarations=[e.declarations[e.city]])
    _one(p, f"station {e.village}", "no declaration was given")


def test_a_declaration_given_as_a_paper_result_and_back(e, tmp_path):
    p = _problems(e, tmp_path, papers=[e.paper_file, e.declarations[e.city]])
    _one(p, e.declarations[e.city], "given as a paper result")
    p = _problems(e, tmp_path, declarations=[e.path("declarations-in"), e.paper_file])
    _one(p, e.paper_file, "given as a declaration")


def test_a_declaration_that_does_not_verify(e, tmp_path):
    import json
    obj = json.loads(open(e.declarations[e.city], "rb").read())
    obj["forms_issued"] += 1          # changed after the officials signed
    bad = tmp_path.parent / "bad-decl"
    bad.mkdir(exist_ok=True)
    (bad / "city.json").write_bytes(canonical_bytes(obj))
    p = _problems(e, tmp_path, declarations=[str(bad / "city.json"),
                                             e.declarations[e.village]])
    _one(p, str(bad / "city.json"))


def test_a_reconciliation_mismatch(e, tmp_path):
    d = declare_all(e, directory=str(tmp_path.parent / "decl-wrong"),
                    forms={e.city: e.cast[e.city] + 1})
    p = _problems(e, tmp_path, declarations=[d[e.city], d[e.village]])
    _one(p, f"station {e.city}", f"forms issued {e.cast[e.city] + 1} != ballots cast")


def test_a_missing_paper_result(e, tmp_path):
    p = _problems(e, tmp_path, papers=[])
    _one(p, f"station {e.paper_station}", "no paper result")


def test_results_before_the_decryption_and_a_bad_seed(e, tmp_path):
    out = _fresh(tmp_path)
    assert tally_centre.tally(e.package_path, *_inputs(e), out).ok
    r = CliRunner().invoke(cli, ["results", out])
    assert r.exit_code == 2 and "decryption.json" in r.output
    r = CliRunner().invoke(cli, ["results", out, "--lot-seed", "5e" * 32])  # no such option
    assert r.exit_code == 2 and "--lot-seed" in r.output
    assert not os.path.exists(os.path.join(out, layout.RESULTS))
