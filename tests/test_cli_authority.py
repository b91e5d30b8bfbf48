"""The election authority's commands end to end through the CLI (specs/election.md
sections 1-4): authority init, manifest check, kiosk/official keygen and certify,
package; and every refusal, each built on purpose and checked for exit 2 (1 for an
invalid manifest) with a message naming what is wrong."""
import json

import nacl.signing
import pytest
from click.testing import CliRunner

from evote.ballotbox import issue_certificate
from evote.cli.main import cli
from evote.election.certificates import write_kiosk_certificate_file
from evote.election.package import load_package
from evote.election.requests import make_request
from evote.manifest import make_demo_manifest
from evote.protocol.ceremony import run_ceremony

CITY, VILLAGE = "city-1-st001", "village-001-st001"
FAST = ["--kdf-ops", "1", "--kdf-mem-kib", "8192"]


def evote(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def ok(*args):
    result = evote(*args)
    assert result.exit_code == 0, result.output
    return result.output


def refused(needle, *args, code=2):
    result = evote(*args)
    assert result.exit_code == code, result.output
    assert needle in result.output, result.output
    return result.output


class Authority:
    """An authority key made with `evote authority init`, a manifest naming it, and a
    context from a one-guardian ceremony, all as files under `d`."""

    def __init__(self, d, name="auth", seed=1, election_id="demo-1405"):
        self.d = d
        self.pw = d / "pw"
        if not self.pw.exists():
            self.pw.write_text("correct horse\n")
        self.key = d / f"{name}.key"
        out = ok("authority", "init", "--out", self.key, "--passphrase-file", self.pw, *FAST)
        self.public = bytes.fromhex(out.split("public key: ")[1].split()[0])
        self.m = make_demo_manifest(seed, 1, 1, authority_key=self.public,
                                    election_id=election_id)
        self.manifest = d / f"{name}.manifest.json"
        self.manifest.write_bytes(self.m.to_canonical_bytes())
        self.context = d / f"{name}.context.json"
        context, _ = run_ceremony(self.m.hash(), 1, 1)
        self.context.write_bytes(context.to_canonical_bytes())

    def keygen(self, kind, station, name, tag, *extra, manifest=None):
        key, req = self.d / f"{tag}.key", self.d / f"{tag}.req.json"
        flag = "--kiosk" if kind == "kiosk" else "--role"
        ok(kind, "keygen", "--manifest", manifest or self.manifest, "--station", station,
           flag, name, "--key-out", key, "--request-out", req,
           *(extra or ("--passphrase-file", self.pw, *FAST)))
        return key, req

    def certify(self, kind, req, out_tag):
        out = self.d / f"{out_tag}.cert.json"
        ok(kind, "certify", req, "--manifest", self.manifest, "--authority-key", self.key,
           "--out", out, "--passphrase-file", self.pw)
        return out

    def package_args(self, out, *certs):
        args = ["package", "--manifest", self.manifest, "--context", self.context,
                "--authority-key", self.key, "--out", out, "--passphrase-file", self.pw]
        for kind, path in certs:
            args += [f"--{kind}-cert", path]
        return args


@pytest.fixture
def auth(tmp_path):
    return Authority(tmp_path)


def test_init_to_package(auth, tmp_path):
    assert oct(auth.key.stat().st_mode & 0o777) == "0o600"
    assert b"correct horse" not in auth.key.read_bytes()
    out = ok("manifest", "check", auth.manifest, "--names")
    assert f"manifest hash: {auth.m.hash().hex()}" in out
    assert "privacy floor 10" in out
    some = auth.m.contests[0].candidates[0]
    assert some.name in out
    _, k1 = auth.keygen("kiosk", CITY, "k1", "k1", "--no-passphrase")
    _, k2 = auth.keygen("kiosk", CITY, "k2", "k2")
    _, o1 = auth.keygen("official", CITY, "station-head", "o1")
    _, o2 = auth.keygen("official", VILLAGE, "station-head", "o2")
    certs = [("kiosk", auth.certify("kiosk", k2, "k2")),
             ("kiosk", auth.certify("kiosk", k1, "k1")),
             ("official", auth.certify("official", o1, "o1")),
             ("official", auth.certify("official", o2, "o2"))]
    out = ok(*auth.package_args(tmp_path / "package.json", *certs))
    pkg = load_package(tmp_path / "package.json")
    assert f"\npackage hash: {pkg.hash().hex()}\n" in "\n" + out
    assert f"station {CITY}: electronic, 2 kiosk(s), 1 official(s)" in out
    assert f"station {VILLAGE}: paper, 0 kiosk(s), 1 official(s)" in out
    assert [s.station_id for s in pkg.stations] == [CITY, VILLAGE]
    assert [k.kiosk_id for k in pkg.station(CITY).kiosks] == ["k1", "k2"]
    assert (tmp_path / "package.json").read_bytes() == pkg.to_bytes()


def test_wrong_passphrase_and_wrong_authority_key(auth, tmp_path):
    _, req = auth.keygen("kiosk", CITY, "k1", "k1", "--no-passphrase")
    bad_pw = tmp_path / "bad-pw"
    bad_pw.write_text("wrong\n")
    refused("wrong passphrase", "kiosk", "certify", req, "--manifest", auth.manifest,
            "--authority-key", auth.key, "--out", tmp_path / "c.json",
            "--passphrase-file", bad_pw)
    other = Authority(tmp_path, name="other")
    for kind, tag in (("kiosk", "k1"), ("official", None)):
        if tag is None:
            _, req = auth.keygen("official", CITY, "head", "o1")
        refused("authority_key", kind, "certify", req, "--manifest", auth.manifest,
                "--authority-key", other.key, "--out", tmp_path / f"{kind}.cert.json",
                "--passphrase-file", auth.pw)
        assert not (tmp_path / f"{kind}.cert.json").exists()
    refused("authority_key", *auth.package_args(tmp_path / "p.json")[:5],
            "--authority-key", other.key, "--out", tmp_path / "p.json",
            "--passphrase-file", auth.pw)
    assert not (tmp_path / "p.json").exists()


def test_request_for_another_manifest(auth, tmp_path):
    other = tmp_path / "other.manifest.json"
    other.write_bytes(make_demo_manifest(1, 1, 1, authority_key=auth.public,
                                         election_id="other-1405").to_canonical_bytes())
    _, req = auth.keygen("kiosk", CITY, "k1", "k1", "--no-passphrase", manifest=other)
    refused("another manifest", "kiosk", "certify", req, "--manifest", auth.manifest,
            "--authority-key", auth.key, "--out", tmp_path / "c.json",
            "--passphrase-file", auth.pw)


def test_context_for_another_manifest(auth, tmp_path):
    other = Authority(tmp_path, name="other", election_id="other-1405")
    refused("another manifest", *auth.package_args(tmp_path / "p.json")[:3],
            "--context", other.context, "--authority-key", auth.key,
            "--out", tmp_path / "p.json", "--passphrase-file", auth.pw)
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": "evote/election-context/v1"}')
    refused(str(broken), *auth.package_args(tmp_path / "p.json")[:3], "--context", broken,
            "--authority-key", auth.key, "--out", tmp_path / "p.json",
            "--passphrase-file", auth.pw)


def test_keygen_refusals(auth, tmp_path):
    refused("nowhere", "kiosk", "keygen", "--manifest", auth.manifest, "--station",
            "nowhere", "--kiosk", "k1", "--key-out", tmp_path / "k.key", "--request-out",
            tmp_path / "k.req", "--no-passphrase")
    refused("cannot name a record file", "kiosk", "keygen", "--manifest", auth.manifest,
            "--station", CITY, "--kiosk", "../k1", "--key-out", tmp_path / "k.key",
            "--request-out", tmp_path / "k.req", "--no-passphrase")
    refused("--no-passphrase", "official", "keygen", "--manifest", auth.manifest,
            "--station", CITY, "--role", "head", "--key-out", tmp_path / "o.key",
            "--request-out", tmp_path / "o.req", "--no-passphrase")
    for name in ("k.key", "k.req", "o.key", "o.req"):
        assert not (tmp_path / name).exists()
    # the request may not replace the manifest it was made from
    refused("also an input", "kiosk", "keygen", "--manifest", auth.manifest, "--station",
            CITY, "--kiosk", "k1", "--key-out", tmp_path / "k.key", "--request-out",
            auth.manifest, "--no-passphrase")


def test_altered_request_and_unknown_station_at_certify(auth, tmp_path):
    _, req = auth.keygen("kiosk", CITY, "k1", "k1", "--no-passphrase")
    obj = json.loads(req.read_text())
    for field, value in (("name", "k9"), ("station_id", VILLAGE), ("signature", "00" * 64),
                         ("kind", "official")):
        bad = tmp_path / f"bad-{field}.json"
        bad.write_text(json.dumps(dict(obj, **{field: value})))
        refused("signature", "kiosk", "certify", bad, "--manifest", auth.manifest,
                "--authority-key", auth.key, "--out", tmp_path / f"c-{field}.json",
                "--passphrase-file", auth.pw)
        assert not (tmp_path / f"c-{field}.json").exists()
    # well signed, but for a station the manifest does not have
    key = nacl.signing.SigningKey.generate()
    stray = tmp_path / "stray.json"
    stray.write_text(json.dumps(make_request("kiosk", auth.m.hash(), "nowhere", "k1", key)))
    refused("'nowhere'", "kiosk", "certify", stray, "--manifest", auth.manifest,
            "--authority-key", auth.key, "--out", tmp_path / "c.json",
            "--passphrase-file", auth.pw)
    # an official's request is not certified as a kiosk's
    _, o = auth.keygen("official", CITY, "head", "o1")
    refused("official", "kiosk", "certify", o, "--manifest", auth.manifest,
            "--authority-key", auth.key, "--out", tmp_path / "c.json",
            "--passphrase-file", auth.pw)
    assert not (tmp_path / "c.json").exists()


def test_existing_output_and_output_that_is_an_input(auth, tmp_path):
    _, req = auth.keygen("kiosk", CITY, "k1", "k1", "--no-passphrase")
    cert = auth.certify("kiosk", req, "k1")
    before = cert.read_bytes()
    refused("already exists", "kiosk", "certify", req, "--manifest", auth.manifest,
            "--authority-key", auth.key, "--out", cert, "--passphrase-file", auth.pw)
    assert cert.read_bytes() == before
    for target in (auth.manifest, auth.context, auth.key, cert):
        data = target.read_bytes()
        refused(str(target), *auth.package_args(target, ("kiosk", cert)))
        assert target.read_bytes() == data
    refused("also an input", "kiosk", "certify", req, "--manifest", auth.manifest,
            "--authority-key", auth.key, "--out", req, "--passphrase-file", auth.pw)
    refused("already exists", "authority", "init", "--out", auth.key,
            "--passphrase-file", auth.pw, *FAST)


def test_two_certificates_for_one_kiosk(auth, tmp_path):
    _, a = auth.keygen("kiosk", CITY, "k1", "a", "--no-passphrase")
    _, b = auth.keygen("kiosk", CITY, "k1", "b", "--no-passphrase")
    certs = [("kiosk", auth.certify("kiosk", a, "a")), ("kiosk", auth.certify("kiosk", b, "b"))]
    refused("k1", *auth.package_args(tmp_path / "p.json", *certs))
    assert not (tmp_path / "p.json").exists()


def test_certificate_not_signed_by_the_authority(auth, tmp_path):
    stranger = nacl.signing.SigningKey.generate()
    forged = issue_certificate(stranger, election_hash=auth.m.hash(), station_id=CITY,
                               kiosk_id="k1",
                               kiosk_key=bytes(nacl.signing.SigningKey.generate().verify_key))
    path = write_kiosk_certificate_file(tmp_path / "forged.cert.json", forged)
    refused("forged.cert.json", *auth.package_args(tmp_path / "p.json", ("kiosk", path)))
    _, o = auth.keygen("official", CITY, "head", "o1")
    cert = auth.certify("official", o, "o1")
    obj = json.loads(cert.read_text())
    obj["role"] = "observer"   # the certificate was for "head"
    cert.write_text(json.dumps(obj))
    refused("o1.cert.json", *auth.package_args(tmp_path / "p.json", ("official", cert)))
    assert not (tmp_path / "p.json").exists()


def _manifest_obj(auth):
    return json.loads(auth.manifest.read_text())


def test_manifest_check_reports_every_error_with_its_path(auth, tmp_path):
    obj = _manifest_obj(auth)
    obj["stations"][0]["station_id"] = "bad id!"
    obj["stations"][1]["name"] = ""
    obj["contests"][0]["seats"] = 0
    obj["districts"][0]["kind"] = "county"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(obj, ensure_ascii=False))
    out = refused("NOT VALID", "manifest", "check", path, code=1)
    for where in ("$.stations[0].station_id", "$.stations[1].name", "$.contests[0].seats",
                  "$.districts[0].kind"):
        assert where in out, out


def test_manifest_check_cross_references(auth, tmp_path):
    obj = _manifest_obj(auth)
    obj["stations"][0]["style_id"] = "no-such-style"
    obj["contests"][0]["district_id"] = "no-such-district"
    obj["stations"][1]["station_id"] = obj["stations"][0]["station_id"]
    obj["districts"][1]["name"] = obj["districts"][0]["name"]
    obj["privacy_floor"] = 0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(obj, ensure_ascii=False))
    out = refused("NOT VALID (5 error(s))", "manifest", "check", path, code=1)
    for where, what in (("$.stations[0].style_id", "unknown style 'no-such-style'"),
                        ("$.contests[0].district_id", "unknown district 'no-such-district'"),
                        ("$.stations[1].station_id", "duplicate station id"),
                        ("$.districts[1].name", "collides"),
                        ("$.privacy_floor", "outside")):
        assert f"{path}: {where}: " in out and what in out, (where, out)


def test_manifest_check_style_of_another_district(auth, tmp_path):
    obj = _manifest_obj(auth)
    obj["stations"][0]["style_id"] = obj["stations"][1]["style_id"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(obj, ensure_ascii=False))
    out = refused("NOT VALID (1 error(s))", "manifest", "check", path, code=1)
    assert "$.stations[0].style_id" in out and "of district" in out


def test_manifest_check_unreadable(tmp_path):
    refused("missing.json", "manifest", "check", tmp_path / "missing.json")
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    refused("garbage.json", "manifest", "check", garbage)
