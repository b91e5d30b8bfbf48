"""The record's election package (package.json, V1) and verify_record(expected_package=):
a good package pinned to its hash is VALID; another hash, a missing package.json, a
package of another manifest, a box whose kiosk certificate the package does not list, a
station whose mode disagrees, a package the authority did not sign, one not in canonical
form: each is a V1 failure naming the file (and both hashes when they differ)."""
import dataclasses
import json
import os

import nacl.signing

from evote.ballotbox import issue_certificate, read_box
from evote.election.package import ElectionPackage, KioskEntry, OfficialEntry, StationPlan
from evote.hashing import digest, u64
from evote.manifest import Manifest
from evote.protocol.context import ElectionContext
from evote.verify.run import verify_record

from test_verify_support import SMALL, copy_record, reseal, small_record


def demo_authority() -> nacl.signing.SigningKey:
    return nacl.signing.SigningKey(digest("evote/v1/demo-authority", u64(SMALL["seed"])))


def _read(record, rel):
    with open(os.path.join(record, rel), "rb") as f:
        return json.loads(f.read())


def build_package(record, *, signer=None, replace_kiosk=None, drop_kiosk=None,
                  make_electronic=None) -> ElectionPackage:
    """The package of the demo record: every station with boxes electronic with the
    kiosks of its boxes (certificates from their OPEN records), the others paper, the
    officials of the record's own package.json (V13/V16 require every signer listed).
    replace_kiosk: that kiosk certified anew with a fresh key (not its box's
    certificate); drop_kiosk: that kiosk left out; make_electronic: that paper station
    given a certified kiosk; signer: the key that signs (default: the authority)."""
    authority = demo_authority()
    m = Manifest.from_json_obj(_read(record, "manifest.json"))
    ctx = ElectionContext.from_json_obj(_read(record, "context.json"))
    plans = []
    listed = {s["station_id"]: tuple(OfficialEntry(o["role"], bytes.fromhex(o["public_key"]),
                                                   bytes.fromhex(o["certificate"]))
                                     for o in s["officials"])
              for s in _read(record, "package.json")["stations"]}
    for st in m.stations:
        sid, kiosks = st.station_id, []
        sdir = os.path.join(record, "boxes", sid)
        for name in sorted(os.listdir(sdir)) if os.path.isdir(sdir) else ():
            kid = name[:-len(".box")]
            if kid == drop_kiosk:
                continue
            cert = next(iter(read_box(os.path.join(sdir, name),
                                      authority_key=m.authority_key))).certificate
            if kid == replace_kiosk:
                cert = _fresh_certificate(authority, m, sid, kid)
            kiosks.append(KioskEntry(kid, cert))
        if sid == make_electronic:
            kiosks.append(KioskEntry(f"{sid}-k1", _fresh_certificate(authority, m, sid,
                                                                      f"{sid}-k1")))
        plans.append(StationPlan(sid, "electronic" if kiosks else "paper", tuple(kiosks),
                                 listed.get(sid, ())))
    unsigned = ElectionPackage(m, ctx, tuple(plans), b"\0" * 64)
    sig = (signer or authority).sign(unsigned.hash()).signature
    return dataclasses.replace(unsigned, authority_signature=sig)


def _fresh_certificate(authority, m, sid, kid):
    key = bytes(nacl.signing.SigningKey.generate().verify_key)
    return issue_certificate(authority, election_hash=m.hash(), station_id=sid,
                             kiosk_id=kid, kiosk_key=key)


def unpackaged_record(tmp_path_factory, tmp_path) -> str:
    """A copy of the small demo record without package.json (an older record), resealed."""
    d = copy_record(small_record(tmp_path_factory), tmp_path)
    path = os.path.join(d, "package.json")
    if os.path.exists(path):
        os.unlink(path)
        assert reseal(d)
    return d


def packaged_record(tmp_path_factory, tmp_path, data: bytes) -> str:
    """A copy of the small demo record with package.json = data, resealed."""
    d = unpackaged_record(tmp_path_factory, tmp_path)
    with open(os.path.join(d, "package.json"), "xb") as f:
        f.write(data)
    assert reseal(d)
    return d


def v1_failures(rep) -> list:
    return [(f.location, f.message) for f in rep.get("V1").failures]


def assert_only_v1(rep, location, *needles):
    assert not rep.valid and not rep.unusable and rep.exit_code == 1
    assert [c.number for c in rep.checks if c.status == "fail"] == ["V1"], rep.to_text()
    # the reports show the package hash: without one they cannot be regenerated
    not_run = [c.number for c in rep.checks if c.status == "not run"]
    assert not_run == ([] if rep.package_hash else ["V18"]), rep.to_text()
    hits = [msg for loc, msg in v1_failures(rep) if loc == location]
    assert hits, v1_failures(rep)
    for needle in needles:
        assert any(needle in msg for msg in hits), (needle, hits)


def test_good_package_pinned_to_its_hash_is_valid(tmp_path_factory, tmp_path):
    pkg = build_package(small_record(tmp_path_factory))
    d = packaged_record(tmp_path_factory, tmp_path, pkg.to_bytes())
    rep = verify_record(d, jobs=1, expected_package=pkg.hash())
    assert rep.valid, rep.to_text()
    assert rep.package_hash == pkg.hash().hex() and rep.pinned
    obj = rep.to_json_obj()
    assert obj["package_hash"] == pkg.hash().hex() and obj["pinned"] is True
    # unpinned, the same record is valid too, and says which package it holds
    rep = verify_record(d, jobs=1)
    assert rep.valid and not rep.pinned and rep.package_hash == pkg.hash().hex()


def test_another_announced_hash_names_both(tmp_path_factory, tmp_path):
    pkg = build_package(small_record(tmp_path_factory))
    d = packaged_record(tmp_path_factory, tmp_path, pkg.to_bytes())
    other = bytes(range(32))
    rep = verify_record(d, jobs=1, expected_package=other)
    assert_only_v1(rep, "package.json", pkg.hash().hex(), other.hex())


def test_missing_package_with_an_announced_hash(tmp_path_factory, tmp_path):
    d = unpackaged_record(tmp_path_factory, tmp_path)
    announced = bytes(range(32))
    rep = verify_record(d, jobs=1, expected_package=announced)
    assert_only_v1(rep, "package.json", "missing", announced.hex())
    assert rep.package_hash == ""
    # without --package too: a record stripped of its package is not valid
    rep = verify_record(d, jobs=1)
    assert_only_v1(rep, "package.json", "missing: every record holds its election package")
    assert not rep.pinned and rep.package_hash == ""
    assert rep.to_json_obj()["package_hash"] is None


def test_package_of_another_manifest(tmp_path_factory, tmp_path):
    pkg = build_package(small_record(tmp_path_factory))
    d = packaged_record(tmp_path_factory, tmp_path, pkg.to_bytes())
    m = _read(d, "manifest.json")
    m["name"] = m["name"] + " (changed)"
    with open(os.path.join(d, "manifest.json"), "wb") as f:
        f.write(Manifest.from_json_obj(m).to_canonical_bytes())
    assert reseal(d)
    rep = verify_record(d, jobs=1)
    hits = [msg for loc, msg in v1_failures(rep) if loc == "package.json"]
    assert any("manifest is not byte for byte the record's manifest.json" in h
               for h in hits), v1_failures(rep)


def test_box_whose_certificate_is_not_listed(tmp_path_factory, tmp_path):
    box = "boxes/city-1-st001/city-1-st001-k2.box"
    pkg = build_package(small_record(tmp_path_factory), replace_kiosk="city-1-st001-k2")
    d = packaged_record(tmp_path_factory, tmp_path, pkg.to_bytes())
    rep = verify_record(d, jobs=1, expected_package=pkg.hash())
    assert_only_v1(rep, box, "kiosk certificate (OPEN record) is not the one")
    assert [loc for loc, _ in v1_failures(rep)] == [box]


def test_box_of_an_unlisted_kiosk(tmp_path_factory, tmp_path):
    box = "boxes/city-1-st001/city-1-st001-k2.box"
    pkg = build_package(small_record(tmp_path_factory), drop_kiosk="city-1-st001-k2")
    d = packaged_record(tmp_path_factory, tmp_path, pkg.to_bytes())
    rep = verify_record(d, jobs=1, expected_package=pkg.hash())
    assert_only_v1(rep, box, "kiosk 'city-1-st001-k2' is not listed for station "
                   "'city-1-st001'")


def test_paper_result_of_an_electronic_station(tmp_path_factory, tmp_path):
    pkg = build_package(small_record(tmp_path_factory), make_electronic="city-1-st002")
    d = packaged_record(tmp_path_factory, tmp_path, pkg.to_bytes())
    rep = verify_record(d, jobs=1, expected_package=pkg.hash())
    assert_only_v1(rep, "paper/city-1-st002.json",
                   "whose mode in the election package (package.json) is 'electronic'")
    assert_only_v1(rep, "boxes/city-1-st002/city-1-st002-k1.box", "missing",
                   "certified in the election package")


def test_box_of_a_paper_station(tmp_path_factory, tmp_path):
    pkg = build_package(small_record(tmp_path_factory))
    plans = tuple(dataclasses.replace(s, mode="paper", kiosks=())
                  if s.station_id == "village-001-st001" else s for s in pkg.stations)
    unsigned = dataclasses.replace(pkg, stations=plans)
    pkg = dataclasses.replace(unsigned, authority_signature=demo_authority().sign(
        unsigned.hash()).signature)
    d = packaged_record(tmp_path_factory, tmp_path, pkg.to_bytes())
    rep = verify_record(d, jobs=1)
    assert_only_v1(rep, "boxes/village-001-st001/village-001-st001-k1.box",
                   "whose mode in the election package (package.json) is 'paper'")


def test_package_not_signed_by_the_authority(tmp_path_factory, tmp_path):
    pkg = build_package(small_record(tmp_path_factory),
                        signer=nacl.signing.SigningKey(b"\x01" * 32))
    d = packaged_record(tmp_path_factory, tmp_path, pkg.to_bytes())
    rep = verify_record(d, jobs=1, expected_package=pkg.hash())
    assert_only_v1(rep, "package.json", "authority_signature: not the manifest authority's")


def test_package_not_canonical(tmp_path_factory, tmp_path):
    pkg = build_package(small_record(tmp_path_factory))
    data = json.dumps(pkg.to_json_obj(), indent=1, sort_keys=True).encode()
    d = packaged_record(tmp_path_factory, tmp_path, data)
    rep = verify_record(d, jobs=1, expected_package=pkg.hash())
    assert_only_v1(rep, "package.json", "not in canonical form")
    assert rep.package_hash == pkg.hash().hex()   # the same body: the same hash


def test_package_that_is_not_json(tmp_path_factory, tmp_path):
    d = packaged_record(tmp_path_factory, tmp_path, b"{not json")
    rep = verify_record(d, jobs=1, expected_package=bytes(32))
    assert_only_v1(rep, "package.json", "not a JSON object")
    assert rep.package_hash == ""


def test_expected_package_must_be_32_bytes(tmp_path_factory):
    import pytest
    from evote.errors import EvoteValueError
    with pytest.raises(EvoteValueError, match="expected_package: expected 32 bytes"):
        verify_record(small_record(tmp_path_factory), jobs=1, expected_package=b"ab")
