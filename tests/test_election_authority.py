"""The election authority's steps as functions (evote.election.requests, .certificates,
.authority, .manifest_check): the happy path from the key to the package, and each
refusal, built on purpose and checked for its message."""
import json
import os

import nacl.signing
import pytest

from evote.ballotbox import issue_certificate
from evote.election import authority as A
from evote.election.certificates import (CertificateFileError, OfficialCredential,
                                         load_kiosk_certificate_file,
                                         load_official_certificate_file,
                                         write_kiosk_certificate_file,
                                         write_official_certificate_file)
from evote.election.files import StepFileError
from evote.election.keys import load_signing_key
from evote.election.manifest_check import check_manifest_file
from evote.election.package import PackageError, load_package
from evote.election.requests import (RequestError, keygen, load_request, make_request,
                                     parse_request)
from evote.errors import EvoteError
from evote.manifest import make_demo_manifest
from evote.protocol.ceremony import run_ceremony
from evote.tally import certify_official

CITY, VILLAGE = "city-1-st001", "village-001-st001"
PW = "authority passphrase"
FAST = {"opslimit": 1, "memlimit": 8192 * 1024}


@pytest.fixture
def election(tmp_path):
    key = nacl.signing.SigningKey.generate()
    public = A.init_authority(tmp_path / "a.key", PW, key=key, **FAST)
    m = make_demo_manifest(3, 1, 1, authority_key=public)
    (tmp_path / "m.json").write_bytes(m.to_canonical_bytes())
    context, _ = run_ceremony(m.hash(), 1, 1)
    (tmp_path / "c.json").write_bytes(context.to_canonical_bytes())
    return tmp_path, key, m


def _kiosk(d, kiosk_id, station=CITY, tag=None):
    tag = tag or kiosk_id
    req = keygen("kiosk", d / "m.json", station, kiosk_id, d / f"{tag}.key",
                 d / f"{tag}.req", None)
    cert = A.certify_kiosk(d / f"{tag}.req", d / "m.json", d / "a.key", PW,
                           d / f"{tag}.cert")
    return req, cert, d / f"{tag}.cert"


def _official(d, role, station=CITY, tag=None):
    tag = tag or f"{role}-{station}"
    keygen("official", d / "m.json", station, role, d / f"{tag}.key", d / f"{tag}.req",
           "official pw", **FAST)
    cred = A.certify_official(d / f"{tag}.req", d / "m.json", d / "a.key", PW,
                              d / f"{tag}.cert")
    return cred, d / f"{tag}.cert"


def test_init_authority(tmp_path):
    public = A.init_authority(tmp_path / "a.key", PW, **FAST)
    assert len(public) == 32
    assert os.stat(tmp_path / "a.key").st_mode & 0o777 == 0o600
    assert bytes(load_signing_key(tmp_path / "a.key", PW).verify_key) == public
    with pytest.raises(EvoteError, match="passphrase"):
        load_signing_key(tmp_path / "a.key", "not it")
    with pytest.raises(StepFileError, match="already exists"):
        A.init_authority(tmp_path / "a.key", PW, **FAST)
    with pytest.raises(EvoteError, match="passphrase"):
        A.init_authority(tmp_path / "b.key", None)
    assert not (tmp_path / "b.key").exists()


def test_requests_prove_possession():
    key = nacl.signing.SigningKey.generate()
    obj = make_request("official", bytes(32), CITY, "head", key)
    req = parse_request(obj, "r")
    assert (req.kind, req.station_id, req.name, req.public_key) == \
        ("official", CITY, "head", bytes(key.verify_key))
    other = nacl.signing.SigningKey.generate()
    with pytest.raises(RequestError, match=r"r\.signature"):
        parse_request(dict(obj, public_key=bytes(other.verify_key).hex()), "r")
    for field, value, where in (("version", "x", "r.version"), ("kind", "voter", "r.kind"),
                                ("manifest_hash", "00", "r.manifest_hash"),
                                ("name", "", "r.name")):
        with pytest.raises(RequestError, match=where.replace(".", r"\.")):
            parse_request(dict(obj, **{field: value}), "r")
    with pytest.raises(RequestError, match="missing field 'signature'"):
        parse_request({k: v for k, v in obj.items() if k != "signature"}, "r")
    with pytest.raises(RequestError, match="unknown field 'extra'"):
        parse_request(dict(obj, extra=1), "r")


def test_keygen_refusals(election):
    d, _, _ = election
    with pytest.raises(RequestError, match="'nowhere' is not in the manifest"):
        keygen("kiosk", d / "m.json", "nowhere", "k1", d / "k.key", d / "k.req", None)
    with pytest.raises(RequestError, match="cannot name a record file"):
        keygen("kiosk", d / "m.json", CITY, "k/1", d / "k.key", d / "k.req", None)
    with pytest.raises(RequestError, match="non-empty"):
        keygen("official", d / "m.json", CITY, "", d / "k.key", d / "k.req", "pw", **FAST)
    with pytest.raises(RequestError, match="passphrase"):
        keygen("official", d / "m.json", CITY, "head", d / "k.key", d / "k.req", None)
    with pytest.raises(RequestError, match="kind"):
        keygen("guardian", d / "m.json", CITY, "g", d / "k.key", d / "k.req", "pw")
    assert not (d / "k.key").exists() and not (d / "k.req").exists()
    # an existing request file: refused before the key is written
    (d / "k.req").write_text("{}")
    with pytest.raises(StepFileError, match="already exists"):
        keygen("kiosk", d / "m.json", CITY, "k1", d / "k.key", d / "k.req", None)
    assert not (d / "k.key").exists()


def test_certificates_round_trip_and_checks(election):
    d, key, m = election
    req, cert, path = _kiosk(d, "k1")
    assert load_kiosk_certificate_file(path) == cert
    cert.verify(m.authority_key, election_hash=m.hash(), station_id=CITY, kiosk_id="k1")
    assert cert.kiosk_key == req.public_key == \
        bytes(load_signing_key(d / "k1.key", None).verify_key)
    obj = json.loads(path.read_text())
    (d / "lie.cert").write_text(json.dumps(dict(obj, kiosk_id="k2")))
    with pytest.raises(CertificateFileError, match=r"kiosk_id: 'k2', but the certificate"):
        load_kiosk_certificate_file(d / "lie.cert")
    cred, opath = _official(d, "head")
    assert load_official_certificate_file(opath) == cred
    cred.verify(m.authority_key)
    with pytest.raises(CertificateFileError, match="not signed by the election authority"):
        cred.verify(bytes(nacl.signing.SigningKey.generate().verify_key))
    obj = json.loads(opath.read_text())
    (d / "bad.cert").write_text(json.dumps(dict(obj, public_key="zz")))
    with pytest.raises(CertificateFileError, match=r"\.public_key: expected 64"):
        load_official_certificate_file(d / "bad.cert")


def test_certify_refusals(election):
    d, _, m = election
    keygen("kiosk", d / "m.json", CITY, "k1", d / "k.key", d / "k.req", None)
    stranger = d / "s.key"
    A.init_authority(stranger, PW, **FAST)
    with pytest.raises(EvoteError, match="authority_key"):
        A.certify_kiosk(d / "k.req", d / "m.json", stranger, PW, d / "out")
    other = make_demo_manifest(3, 1, 1, authority_key=m.authority_key, election_id="other")
    (d / "other.json").write_bytes(other.to_canonical_bytes())
    with pytest.raises(EvoteError, match="another manifest"):
        A.certify_kiosk(d / "k.req", d / "other.json", d / "a.key", PW, d / "out")
    with pytest.raises(EvoteError, match="official"):
        A.certify_official(d / "k.req", d / "m.json", d / "a.key", PW, d / "out")
    with pytest.raises(StepFileError, match="also an input"):
        A.certify_kiosk(d / "k.req", d / "m.json", d / "a.key", PW, d / "k.req")
    assert not (d / "out").exists()
    assert load_request(d / "k.req", "kiosk").name == "k1"


def test_package(election):
    d, key, m = election
    _, _, k2 = _kiosk(d, "k2")
    _, _, k1 = _kiosk(d, "k1")
    creds = [_official(d, r, s) for r, s in (("observer", CITY), ("head", CITY),
                                              ("head", VILLAGE))]
    pkg = A.make_package(d / "m.json", d / "c.json", d / "a.key", PW, [k2, k1],
                         [p for _, p in creds], d / "package.json")
    assert load_package(d / "package.json").hash() == pkg.hash()
    assert (d / "package.json").read_bytes() == pkg.to_bytes()
    city, village = pkg.stations
    assert (city.station_id, city.mode, village.station_id, village.mode) == \
        (CITY, "electronic", VILLAGE, "paper")
    assert [k.kiosk_id for k in city.kiosks] == ["k1", "k2"]
    assert [o.role for o in city.officials] == ["head", "observer"]
    assert village.kiosks == () and [o.role for o in village.officials] == ["head"]


def test_package_refusals(election):
    d, key, m = election
    _, _, k1 = _kiosk(d, "k1")
    _, _, k1_again = _kiosk(d, "k1", tag="k1-again")
    args = (d / "m.json", d / "c.json", d / "a.key", PW)
    with pytest.raises(PackageError, match="'k1' is also certified"):
        A.make_package(*args, [k1, k1_again], [], d / "p.json")
    # a kiosk certificate by another key, and one for another election
    forged = issue_certificate(nacl.signing.SigningKey.generate(), election_hash=m.hash(),
                               station_id=CITY, kiosk_id="k9", kiosk_key=bytes(
                                   nacl.signing.SigningKey.generate().verify_key))
    write_kiosk_certificate_file(d / "forged.cert", forged)
    with pytest.raises(PackageError, match="forged.cert"):
        A.make_package(*args, [d / "forged.cert"], [], d / "p.json")
    elsewhere = issue_certificate(key, election_hash=bytes(32), station_id=CITY,
                                  kiosk_id="k8", kiosk_key=bytes(
                                      nacl.signing.SigningKey.generate().verify_key))
    write_kiosk_certificate_file(d / "elsewhere.cert", elsewhere)
    with pytest.raises(PackageError, match="elsewhere.cert"):
        A.make_package(*args, [d / "elsewhere.cert"], [], d / "p.json")
    # an official certificate for a station the manifest does not have
    pub = bytes(nacl.signing.SigningKey.generate().verify_key)
    stray = OfficialCredential(m.hash(), "nowhere", "head", pub,
                               certify_official(key, m.hash(), "nowhere", "head", pub))
    write_official_certificate_file(d / "stray.cert", stray)
    with pytest.raises(PackageError, match="stray.cert"):
        A.make_package(*args, [], [d / "stray.cert"], d / "p.json")
    # a context for another manifest, and one that does not parse
    ctx, _ = run_ceremony(bytes(32), 1, 1)
    (d / "c2.json").write_bytes(ctx.to_canonical_bytes())
    with pytest.raises(PackageError, match="another manifest"):
        A.make_package(d / "m.json", d / "c2.json", d / "a.key", PW, [k1], [], d / "p.json")
    (d / "c3.json").write_text('{"version": 1}')
    with pytest.raises(PackageError, match="c3.json"):
        A.make_package(d / "m.json", d / "c3.json", d / "a.key", PW, [k1], [], d / "p.json")
    # another authority key, and the output naming an input
    A.init_authority(d / "s.key", PW, **FAST)
    with pytest.raises(EvoteError, match="authority_key"):
        A.make_package(d / "m.json", d / "c.json", d / "s.key", PW, [k1], [], d / "p.json")
    with pytest.raises(StepFileError, match="also an input"):
        A.make_package(*args, [k1], [], k1)
    assert not (d / "p.json").exists()


def test_manifest_check_functions(election):
    d, _, m = election
    good = check_manifest_file(d / "m.json")
    assert good.errors == [] and good.manifest.hash() == m.hash()
    obj = m.to_json_obj()
    obj["contests"][0]["candidates"][0]["code"] = -1
    obj["contests"][1]["seats"] = 99
    obj["styles"][0]["contest_ids"] = ["ghost"]
    (d / "bad.json").write_text(json.dumps(obj, ensure_ascii=False))
    bad = check_manifest_file(d / "bad.json")
    assert bad.manifest is None
    assert [e.split(":")[0] for e in bad.errors] == [
        "$.contests[0].candidates[0].code", "$.contests[1].seats",
        "$.styles[0].contest_ids[0]"], bad.errors
