"""Station officials' steps (evote.election.station, `evote station ...`): declare, paper,
sign, and every refusal, each built and checked for its message."""
import json
import os

import pytest
from click.testing import CliRunner

from election_support import (PASSPHRASE, build_election, make_official, official_args,
                              paper_counts)
from evote.cli.main import cli
from evote.election import station
from evote.election.files import write_new_json
from evote.errors import EvoteError
from evote.tally import PaperResult, StationDeclaration


@pytest.fixture(scope="module")
def e(tmp_path_factory):
    return build_election(tmp_path_factory.mktemp("election"), voters=(1, 1, 1))


def _out(e, name):
    path = e.path("out", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    assert not os.path.exists(path)
    return path


def _counts(e, name, obj):
    return write_new_json(_out(e, name), obj, "counts")


def _refused(fn, *args, match, **kwargs):
    with pytest.raises(EvoteError, match=match):
        fn(*args, **kwargs)


def test_declare_then_sign_through_the_cli(e):
    head = official_args(e, e.city, "station-head")
    first, second = _out(e, "cli-decl-1.json"), _out(e, "cli-decl-2.json")
    r = CliRunner().invoke(cli, ["station", "declare", "--package", e.package_path,
                                 "--station", e.city, "--forms-issued", "3",
                                 "--key", head["key_path"], "--certificate",
                                 head["certificate_path"], "--out", first,
                                 "--passphrase-file", e.passphrase_file])
    assert r.exit_code == 0, r.output
    assert "signed by station-head (still to sign: observer)" in r.output
    obs = official_args(e, e.city, "observer")
    r = CliRunner().invoke(cli, ["station", "sign", first,
                                 "--key", obs["key_path"], "--certificate",
                                 obs["certificate_path"], "--out", second,
                                 "--passphrase-file", e.passphrase_file])
    assert r.exit_code == 0, r.output
    assert "signed by station-head, observer" in r.output
    doc = StationDeclaration.from_json_bytes(open(second, "rb").read())
    doc.verify(e.manifest, min_officials=2)
    assert doc.forms_issued == 3
    # the same role again: exit 2, one line, nothing written
    again = _out(e, "cli-decl-3.json")
    r = CliRunner().invoke(cli, ["station", "sign", second, "--package", e.package_path,
                                 "--key", obs["key_path"], "--certificate",
                                 obs["certificate_path"], "--out", again,
                                 "--passphrase-file", e.passphrase_file])
    assert r.exit_code == 2
    assert "role 'observer' has already signed it" in r.output
    assert "Traceback" not in r.output and not os.path.exists(again)


def test_paper_with_persian_and_arabic_indic_codes(e):
    counts = paper_counts(e)
    cid = next(iter(counts["contests"]))
    votes = counts["contests"][cid]["votes"]
    to_fa = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    to_ar = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    codes = list(votes)
    counts["contests"][cid]["votes"] = {
        (c.translate(to_fa) if i % 2 else c.translate(to_ar)): votes[c]
        for i, c in enumerate(codes)}
    path = _counts(e, "counts-fa.json", counts)
    out = _out(e, "paper-fa.json")
    doc = station.paper(e.package_path, e.paper_station, path, out=out,
                        **official_args(e, e.paper_station, "station-head"))
    assert isinstance(doc, PaperResult)
    assert doc.counts()[cid].votes[0] == votes[codes[0]]
    PaperResult.from_json_bytes(open(out, "rb").read()).verify(e.manifest, complete=False)


@pytest.mark.parametrize("edit, match", [
    (lambda c, cid, code: c["contests"][cid]["votes"].update({"99": 0}),
     r'counts-bad.json: contests\.{cid}\.votes\["99"\]: candidate 99 is not a candidate'),
    (lambda c, cid, code: c["contests"][cid]["votes"].pop(code),
     r"contests\.{cid}\.votes: no votes given for candidate {code}"),
    (lambda c, cid, code: c["contests"][cid]["votes"].update({code: -1}),
     r'contests\.{cid}\.votes\["{code}"\]: expected an integer >= 0'),
    (lambda c, cid, code: c["contests"][cid]["votes"].update({code: True}),
     r'contests\.{cid}\.votes\["{code}"\]: expected an integer >= 0'),
    (lambda c, cid, code: c["contests"][cid]["votes"].update({"x1": 0}),
     r'contests\.{cid}\.votes\["x1"\]: not a candidate code'),
    (lambda c, cid, code: c["contests"][cid]["votes"].update(
        {code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")): 0}),
     r"candidate {code} is given twice"),
    (lambda c, cid, code: c["contests"].pop(cid), r"contests\.{cid}: missing"),
    (lambda c, cid, code: c["contests"].update({"other": {}}),
     r"contests\.other: not a contest of station"),
    (lambda c, cid, code: c.update(extra=1), r"counts-bad.json: unknown field 'extra'"),
    (lambda c, cid, code: c.pop("spoiled_forms"), r"missing field 'spoiled_forms'"),
    (lambda c, cid, code: c["contests"][cid].update(blank=999),
     r"contests\.{cid}\.blank: 999 blank ballots but"),
    (lambda c, cid, code: c.update(forms_issued=c["forms_issued"] + 1),
     r"contests\.{cid}\.ballots_cast: 9 ballots cast \+ 1 spoiled forms != 11 forms issued"),
    (lambda c, cid, code: c["contests"][cid]["votes"].update({code: 0}),
     r"counts-bad.json: paper result of station .*: contest .*votes"),
])
def test_paper_refuses_bad_counts(e, edit, match):
    counts = paper_counts(e)
    cid = next(iter(counts["contests"]))
    code = next(iter(counts["contests"][cid]["votes"]))
    edit(counts, cid, code)
    path = e.path("out", "counts-bad.json")
    if os.path.exists(path):
        os.unlink(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_new_json(path, counts, "counts")
    out = e.path("out", "never.json")
    _refused(station.paper, e.package_path, e.paper_station, path, out=out,
             match=match.format(cid=cid, code=code),
             **official_args(e, e.paper_station, "station-head"))
    assert not os.path.exists(out)


def test_refusals_of_station_mode_and_officials(e, tmp_path):
    out = str(tmp_path / "never.json")
    head = official_args(e, e.city, "station-head")
    _refused(station.declare, e.package_path, "no-such-station", 1, out=out,
             match="station 'no-such-station' is not in the election package", **head)
    _refused(station.declare, e.package_path, e.paper_station, 1, out=out,
             match=f"station '{e.paper_station}' is a paper station", **head)
    counts = _counts(e, "counts-ok.json", paper_counts(e))
    _refused(station.paper, e.package_path, e.city, counts, out=out,
             match=f"station '{e.city}' is an? electronic station", **head)
    # an official of another station
    _refused(station.declare, e.package_path, e.village, 1, out=out,
             match="station_id: certifies an official of station", **head)
    # certified by the authority but not listed in the package
    kp, cp, _ = make_official(str(tmp_path), e.manifest, e.authority, e.city, "clerk")
    _refused(station.declare, e.package_path, e.city, 1, key_path=kp, certificate_path=cp,
             passphrase=PASSPHRASE, out=out,
             match="official 'clerk' .* is not listed for station")
    # the key is not the certified one
    other = official_args(e, e.city, "observer")
    _refused(station.declare, e.package_path, e.city, 1, key_path=other["key_path"],
             certificate_path=head["certificate_path"], passphrase=PASSPHRASE, out=out,
             match="not the key the certificate .* certifies")
    _refused(station.declare, e.package_path, e.city, 1, key_path=head["key_path"],
             certificate_path=head["certificate_path"], passphrase="wrong", out=out,
             match="key file")
    _refused(station.declare, e.package_path, e.city, -1, out=out, match="forms issued",
             **head)
    assert not os.path.exists(out)


def test_sign_refuses_a_tampered_file_and_a_stranger(e, tmp_path):
    first = str(tmp_path / "d1.json")
    station.declare(e.package_path, e.city, 5, out=first,
                    **official_args(e, e.city, "station-head"))
    obj = json.loads(open(first).read())
    obj["forms_issued"] = 6
    bad = write_new_json(str(tmp_path / "d1-bad.json"), obj, "x")
    out = str(tmp_path / "never.json")
    obs = official_args(e, e.city, "observer")
    _refused(station.sign, bad, out=out, package_path=e.package_path,
             match="signature of the declaration does not verify", **obs)
    # the file's signer is certified but not listed in the package
    kp, cp, _ = make_official(str(tmp_path), e.manifest, e.authority, e.city, "clerk")
    doc = StationDeclaration(e.manifest.hash(), e.city, 5)
    from evote.election.keys import load_signing_key
    from evote.election.certificates import load_official_certificate_file
    cred = load_official_certificate_file(cp)
    doc = doc.sign("clerk", load_signing_key(kp, PASSPHRASE), cred.certificate)
    stranger = write_new_json(str(tmp_path / "d-stranger.json"), doc.to_json_obj(), "x")
    _refused(station.sign, stranger, out=out, package_path=e.package_path,
             match="official 'clerk' .* who signed it is not listed", **obs)
    # the same key under the role it has: already signed
    _refused(station.sign, first, out=out, package_path=e.package_path,
             match="role 'station-head' has already signed it",
             **official_args(e, e.city, "station-head"))
    # a file that is neither a declaration nor a paper result
    other = write_new_json(str(tmp_path / "other.json"), {"version": "x"}, "x")
    _refused(station.sign, other, out=out, package_path=e.package_path, match="is neither",
             **obs)
    # the output may not be an input
    _refused(station.sign, first, out=first, package_path=e.package_path,
             match="is also an input", **obs)
    assert not os.path.exists(out)


def test_sign_without_the_package(e, tmp_path):
    first = str(tmp_path / "p1.json")
    counts = _counts(e, "counts-nopkg.json", paper_counts(e))
    station.paper(e.package_path, e.paper_station, counts, out=first,
                  **official_args(e, e.paper_station, "station-head"))
    out = str(tmp_path / "p2.json")
    obs = official_args(e, e.paper_station, "observer")
    doc = station.sign(first, out=out, **obs)
    doc.verify(e.manifest, min_officials=2)
    obj = json.loads(open(first).read())
    obj["spoiled_forms"] = 0
    bad = write_new_json(str(tmp_path / "p1-bad.json"), obj, "x")
    never = str(tmp_path / "never.json")
    _refused(station.sign, bad, out=never, match="signature does not verify", **obs)
    _refused(station.sign, first, out=never, match="certifies an official of station",
             **official_args(e, e.city, "observer"))
    assert not os.path.exists(never)
