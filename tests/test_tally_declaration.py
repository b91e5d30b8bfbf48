"""Electronic stations' declarations of forms issued: sign / verify / JSON round trip,
every tampering named (station and official), the signing tag kept apart from the paper
results', strict parsing, the bytes of specs/tally.md section 5.2 by an independent
path, and reconciliation with the declared forms."""
import dataclasses
import hashlib
import json
import random

import nacl.signing
import pytest

from evote.tally import (PaperResult, PaperResultError, StationDeclaration,
                         StationDeclarationError, TallyInputError, certify_official,
                         declared_forms, reconcile_stations, tally_boxes)
from evote.tally.officials import Official
from evote.hashing import digest
from evote.results.model import ContestCounts

from test_tally_support import AUTHORITY, election, make_box

HEAD = nacl.signing.SigningKey(bytes([3]) * 32)
OBSERVER = nacl.signing.SigningKey(bytes([4]) * 32)


def _cert(station, role, key, authority=AUTHORITY):
    return certify_official(authority, election()[0].hash(), station, role,
                            bytes(key.verify_key))


def _decl(station="c0", forms=3, cert_station=None):
    d = StationDeclaration(election()[0].hash(), station, forms)
    for role, key in (("station-head", HEAD), ("observer", OBSERVER)):
        d = d.sign(role, key, _cert(cert_station or station, role, key))
    return d


def test_signed_declaration_verifies_and_round_trips():
    manifest = election()[0]
    d = _decl()
    d.verify(manifest, min_officials=2)
    data = d.to_json_bytes()
    again = StationDeclaration.from_json_bytes(data)
    assert again == d and again.to_json_bytes() == data
    again.verify(manifest)
    assert declared_forms(manifest, [d, _decl("v0", 5)]) == {"c0": 3, "v0": 5}


def test_bytes_as_the_spec_states():
    """specs/tally.md 5.2, recomputed here without evote's canonical JSON or digest."""
    manifest = election()[0]
    d = _decl()
    body = ('{"forms_issued":3,"manifest_hash":"' + manifest.hash().hex() +
            '","station_id":"c0","version":"evote-station-declaration/1"}').encode()
    tag = b"evote/v1/station-declaration"
    h = hashlib.sha512(len(tag).to_bytes(8, "big") + tag + len(body).to_bytes(8, "big")
                       + body).digest()[:32]
    assert d.signed_digest() == h
    HEAD.verify_key.verify(h, d.officials[0].signature)
    obj = json.loads(d.to_json_bytes())
    assert sorted(obj) == ["forms_issued", "manifest_hash", "officials", "station_id",
                           "version"]
    officials = ",".join(
        '{"certificate":"%s","public_key":"%s","role":"%s","signature":"%s"}'
        % (o.certificate.hex(), o.public_key.hex(), o.role, o.signature.hex())
        for o in d.officials)
    assert d.to_json_bytes() == (
        '{"forms_issued":3,"manifest_hash":"' + manifest.hash().hex() + '","officials":[' +
        officials + '],"station_id":"c0","version":"evote-station-declaration/1"}').encode()


@pytest.mark.parametrize("tamper,message", [
    (lambda d: dataclasses.replace(d, forms_issued=4),
     "station 'c0'.*official 0 .'station-head'.*signature of the declaration"),
    (lambda d: dataclasses.replace(d, station_id="c1"), "station 'c1'.*not certified"),
    (lambda d: dataclasses.replace(d, station_id="nowhere"), "not in the manifest"),
    (lambda d: dataclasses.replace(d, manifest_hash=bytes(32)), "another manifest"),
    (lambda d: dataclasses.replace(d, officials=d.officials[:1]), "2 required"),
    (lambda d: dataclasses.replace(d, officials=()), "0 official signature"),
    (lambda d: dataclasses.replace(d, officials=d.officials[:1] * 2), "signs twice"),
    (lambda d: dataclasses.replace(d, officials=(dataclasses.replace(
        d.officials[0], role="observer"), d.officials[1])), "signs twice"),
    (lambda d: dataclasses.replace(d, officials=(dataclasses.replace(
        d.officials[0], role="clerk"), d.officials[1])), "official 0 .'clerk'.*not certified"),
    (lambda d: dataclasses.replace(d, officials=(dataclasses.replace(
        d.officials[0], signature=bytes(64)), d.officials[1])), "official 0.*signature"),
    (lambda d: dataclasses.replace(d, officials=(dataclasses.replace(
        d.officials[0], certificate=d.officials[1].certificate), d.officials[1])),
     "official 0.*not certified"),
    (lambda d: dataclasses.replace(d, officials=(dataclasses.replace(
        d.officials[0], public_key=bytes(32)), d.officials[1])), "official 0.*not certified"),
])
def test_tampered_declarations_are_named(tamper, message):
    with pytest.raises(StationDeclarationError, match=message):
        tamper(_decl()).verify(election()[0], min_officials=2)


def test_wrong_station_and_uncertified_official():
    manifest = election()[0]
    # officials certified for c1 sign c0's declaration
    with pytest.raises(StationDeclarationError, match="station 'c0'.*not certified"):
        _decl("c0", cert_station="c1").verify(manifest)
    rogue = nacl.signing.SigningKey(bytes([9]) * 32)
    d = StationDeclaration(manifest.hash(), "c0", 3)
    self_cert = certify_official(rogue, manifest.hash(), "c0", "station-head",
                                 bytes(rogue.verify_key))
    with pytest.raises(StationDeclarationError, match="official 0 .'station-head'.*not "
                       "certified by the election authority"):
        d.sign("station-head", rogue, self_cert).verify(manifest)
    with pytest.raises(StationDeclarationError, match="official 2 .'deputy'.*not certified"):
        _decl().sign("deputy", rogue, bytes(64)).verify(manifest)


def test_signing_tags_are_kept_apart():
    """A signature of the paper-result tag over a declaration's body does not verify, and
    a declaration's signature does not verify a paper result."""
    manifest = election()[0]
    d = StationDeclaration(manifest.hash(), "c0", 3)
    wrong = HEAD.sign(digest("evote/v1/paper-result", d.to_json_bytes())).signature
    forged = dataclasses.replace(d, officials=(Official(
        "station-head", bytes(HEAD.verify_key), _cert("c0", "station-head", HEAD), wrong),))
    with pytest.raises(StationDeclarationError, match="signature of the declaration"):
        forged.verify(manifest)
    decl_sig = _decl().officials[0]
    counts = ContestCounts("city-council", (1, 1, 0, 0, 0, 0), 3, 1)
    paper = PaperResult(manifest.hash(), "c0", 3, (counts,), (decl_sig,))
    with pytest.raises(PaperResultError, match="signature of the declared result"):
        paper.verify(manifest)
    paper_signed = PaperResult(manifest.hash(), "c0", 3, (counts,)).sign(
        "station-head", HEAD, _cert("c0", "station-head", HEAD))
    with pytest.raises(StationDeclarationError, match="signature of the declaration"):
        dataclasses.replace(d, officials=paper_signed.officials).verify(manifest)


@pytest.mark.parametrize("mutate,message", [
    (lambda o: o.update(version="evote-paper-result/1"), "version"),
    (lambda o: o.update(extra=1), r"unknown field\(s\) extra"),
    (lambda o: o.pop("officials"), r"missing field\(s\) officials"),
    (lambda o: o.pop("forms_issued"), r"missing field\(s\) forms_issued"),
    (lambda o: o.update(forms_issued=-1), r"station 'c0'.forms_issued: expected an integer"),
    (lambda o: o.update(forms_issued="3"), "forms_issued: expected an integer"),
    (lambda o: o.update(forms_issued=True), "forms_issued: expected an integer"),
    (lambda o: o.update(forms_issued=3.0), "forms_issued: expected an integer"),
    (lambda o: o.update(forms_issued=1 << 63), "forms_issued: .* is more than"),
    (lambda o: o.update(station_id=7), "station_id: expected a non-empty string"),
    (lambda o: o.update(station_id=""), "station_id: expected a non-empty string"),
    (lambda o: o.update(manifest_hash="AB" * 32), "manifest_hash: expected 64 lowercase hex"),
    (lambda o: o.update(manifest_hash="00" * 31), "manifest_hash: expected 64 lowercase hex"),
    (lambda o: o.update(officials={}), "officials: expected a list"),
    (lambda o: o["officials"].append("x"), r"officials\[2\]: expected an object"),
    (lambda o: o["officials"][0].update(signature="zz" * 64), r"officials\[0\].signature"),
    (lambda o: o["officials"][1].update(public_key="00"), r"officials\[1\].public_key"),
    (lambda o: o["officials"][0].update(role=""), r"officials\[0\].role"),
    (lambda o: o["officials"][0].pop("certificate"), r"officials\[0\]: missing field"),
    (lambda o: o["officials"][0].update(note="x"), r"officials\[0\]: unknown field"),
])
def test_from_json_refusals(mutate, message):
    o = _decl().to_json_obj()
    mutate(o)
    with pytest.raises(TallyInputError, match=message):
        StationDeclaration.from_json_obj(o, "declarations/c0.json")


def test_from_json_bytes_and_constructor_refusals():
    for data in (b"", b"[1", b"\xff", b"[]", b"null"):
        with pytest.raises(TallyInputError):
            StationDeclaration.from_json_bytes(data)
    with pytest.raises(TallyInputError, match="forms_issued"):
        StationDeclaration(bytes(32), "c0", -1)
    with pytest.raises(TallyInputError, match="manifest_hash"):
        StationDeclaration(b"short", "c0", 1)
    with pytest.raises(TypeError):
        StationDeclaration(bytes(32), "c0", 1, ("not an official",))
    with pytest.raises(TypeError):
        StationDeclaration(bytes(32), "c0", 1).sign("head", b"not a key", bytes(64))
    with pytest.raises(StationDeclarationError, match="second declaration"):
        declared_forms(election()[0], [_decl(), _decl(forms=4)])


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("declboxes"))
    manifest, context, _ = election()
    rng = random.Random(5)
    box = make_box(d, manifest, context, "c0", "k1", "ccsc", rng)
    return tally_boxes(manifest, context, [box[0]], bytes(AUTHORITY.verify_key), jobs=1,
                       progress=False)


def test_reconciliation_with_declared_forms(run):
    manifest = election()[0]
    ok = reconcile_stations(manifest, run, declared_forms(manifest, [_decl(forms=3)]),
                            require_forms=True)[0]
    assert ok.ok and ok.forms_issued == 3 and ok.cast == 3
    stuffed = reconcile_stations(manifest, run, declared_forms(manifest, [_decl(forms=2)]))[0]
    assert stuffed.mismatches == ("forms issued 2 != ballots cast in the boxes 3",)
    undeclared = reconcile_stations(manifest, run, {}, require_forms=True)[0]
    assert undeclared.mismatches == ("no declaration of the forms issued (voters authorized "
                                     "to vote)",)
    assert reconcile_stations(manifest, run, {})[0].ok  # declarations not required
    unknown = reconcile_stations(manifest, run, {"c0": 3, "zz": 1})
    assert unknown[-1].station_id == "zz"
    assert "station is not in the manifest" in unknown[-1].mismatches
