"""The exclusion format (evote.tally.exclusion, record.md 5.3) and the manifest's signing
anchors (evote.manifest.anchors): a complete decision verifies and round-trips byte for
byte; any change to a signed byte is refused (hypothesis); missing roles, unlisted keys,
a role under another's key, another manifest and malformed JSON are named."""
import dataclasses

import nacl.signing
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evote.errors import EvoteError, ManifestError
from evote.manifest import Manifest
from evote.manifest.anchors import SigningRoles, Supervisor
from evote.tally.errors import TallyInputError
from evote.tally.exclusion import Exclusion, ExclusionError

from test_tally_support import make_election_manifest

CHAIR = nacl.signing.SigningKey(bytes([7]) * 32)
MEMBER = nacl.signing.SigningKey(bytes([8]) * 32)


def _manifest(**kw):
    sup = sorted((Supervisor("board-chair", bytes(CHAIR.verify_key)),
                  Supervisor("board-member", bytes(MEMBER.verify_key))),
                 key=lambda s: (s.role, s.public_key))
    return dataclasses.replace(make_election_manifest(), supervisors=tuple(sup), **kw)


M = _manifest()


def _decision(m=M):
    e = Exclusion(m.hash(), "c0", "c0-k1", bytes(range(32)), 12, "disk error\nrecord 7")
    return e.sign("board-chair", CHAIR).sign("board-member", MEMBER)


def test_complete_decision_verifies_and_round_trips():
    e = _decision()
    e.verify(M)
    assert Exclusion.from_json_bytes(e.to_json_bytes()) == e
    assert e.path == "exclusions/c0/c0-k1.json" and e.box_path == "boxes/c0/c0-k1.box"


@pytest.mark.parametrize("change, message", [
    (lambda e: dataclasses.replace(e, signatures=e.signatures[:1]),
     r"not signed by the required role\(s\) board-member"),
    (lambda e: dataclasses.replace(e, signatures=()), "board-chair, board-member"),
    (lambda e: dataclasses.replace(e, signatures=(e.signatures[0],) * 2), "signs twice"),
    (lambda e: dataclasses.replace(e, signatures=(dataclasses.replace(
        e.signatures[0], role="board-member"), e.signatures[1])), "signs twice"),
    (lambda e: dataclasses.replace(e, signatures=(e.signatures[0], dataclasses.replace(
        e.signatures[1], role="clerk"))), "not a supervisor the manifest lists"),
    (lambda e: dataclasses.replace(e, manifest_hash=bytes(32)), "another manifest"),
    (lambda e: dataclasses.replace(e, station_id="nowhere"), "not in the manifest"),
    (lambda e: dataclasses.replace(e, forms_excluded=13), "does not verify"),
    (lambda e: dataclasses.replace(e, kiosk_id="c0-k2"), "does not verify"),
])
def test_bad_decisions_are_named(change, message):
    with pytest.raises(ExclusionError, match=message):
        change(_decision()).verify(M)


def test_roles_come_from_the_manifest():
    one_role = _manifest(signing_roles=SigningRoles(exclusion=("board-chair",)))
    e = Exclusion(one_role.hash(), "c0", "c0-k1", bytes(32), 1, "r").sign("board-chair",
                                                                           CHAIR)
    e.verify(one_role)
    nobody = dataclasses.replace(make_election_manifest())   # no supervisors listed
    with pytest.raises(ExclusionError, match="not a supervisor"):
        Exclusion(nobody.hash(), "c0", "c0-k1", bytes(32), 1, "r").sign(
            "board-chair", CHAIR).verify(nobody)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_change_to_a_signed_decision_is_refused(data):
    """Flip any byte of the published file: it no longer parses, is not canonical, or
    fails verification; never a different decision that verifies."""
    raw = bytearray(_decision().to_json_bytes())
    i = data.draw(st.integers(0, len(raw) - 1))
    raw[i] ^= data.draw(st.integers(1, 255))
    try:
        Exclusion.from_json_bytes(bytes(raw)).verify(M)
    except EvoteError:
        return
    raise AssertionError(f"byte {i} changed and the decision still verifies")


@pytest.mark.parametrize("obj, message", [
    ([], "expected an object"),
    ({"version": "evote-exclusion/1"}, "missing field"),
    (dict(_decision().to_json_obj(), extra=1), "unknown field"),
    (dict(_decision().to_json_obj(), version="evote-exclusion/2"), "version"),
    (dict(_decision().to_json_obj(), kiosk_id="../x"), "cannot name a record file"),
    (dict(_decision().to_json_obj(), reason=""), "reason"),
    (dict(_decision().to_json_obj(), reason="a\x00b"), "U\\+0000"),
    (dict(_decision().to_json_obj(), forms_excluded=-1), "forms_excluded"),
    (dict(_decision().to_json_obj(), box_hash="00"), "box_hash"),
])
def test_malformed_decisions_are_named(obj, message):
    with pytest.raises(TallyInputError, match=message):
        Exclusion.from_json_obj(obj)


def test_not_canonical_is_refused():
    data = _decision().to_json_bytes().replace(b'{"box_hash"', b'{ "box_hash"', 1)
    with pytest.raises(TallyInputError, match="not in canonical form"):
        Exclusion.from_json_bytes(data)


@pytest.mark.parametrize("field, value, match", [
    ("signing_roles", {"station": [], "exclusion": ["a"]}, r"signing_roles\.station"),
    ("signing_roles", {"station": ["b", "a"], "exclusion": ["a"]}, "sorted and unique"),
    ("signing_roles", {"station": ["Head"], "exclusion": ["a"]}, r"station\[0\]"),
    ("signing_roles", {"station": ["a"]}, "exclusion: missing"),
    ("supervisors", [{"role": "b", "public_key": "00" * 32},
                     {"role": "a", "public_key": "11" * 32}], "sorted"),
    ("supervisors", [{"role": "a", "public_key": "00" * 32},
                     {"role": "b", "public_key": "00" * 32}], "listed twice"),
    ("supervisors", [{"role": "a", "public_key": "zz"}], r"supervisors\[0\]\.public_key"),
])
def test_bad_anchors_are_refused_with_their_path(field, value, match):
    obj = make_election_manifest().to_json_obj()
    obj[field] = value
    with pytest.raises(ManifestError, match=match):
        Manifest.from_json_obj(obj)


def test_anchors_default_and_round_trip():
    m = make_election_manifest()
    assert m.signing_roles.station == ("observer", "station-head")
    assert m.signing_roles.exclusion == ("board-chair", "board-member")
    obj = M.to_json_obj()
    assert obj["supervisors"][0]["role"] == "board-chair"
    again = Manifest.from_json_obj(obj)
    assert again == M and again.hash() == M.hash() and M.hash() != m.hash()
    no_anchors = {k: v for k, v in m.to_json_obj().items()
                  if k not in ("signing_roles", "supervisors", "voting_window")}
    assert Manifest.from_json_obj(no_anchors).hash() == m.hash()   # the defaults
