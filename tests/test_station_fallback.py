"""An electronic station falling back to paper (specs/record.md 5.4), the officials' and
the tally centre's steps: `evote station fallback` (+ `sign`, `paper --fallback`) and
`evote tally --fallbacks`. The honest fallback gives a record in which both the boxes and
the paper count are counted; each refusal is built on purpose and named."""
import json
import os

import pytest
from click.testing import CliRunner

from election_support import (PASSPHRASE, build_election, declare_all, make_box,
                              official_args, paper_counts)
from evote.cli.main import cli
from evote.election import station as station_steps
from evote.election import tally_centre
from evote.election.exclusion import box_file_hash
from evote.election.files import write_new_json
from evote.election.station import StationStepRefused
from evote.errors import EvoteError
from evote.record import layout
from evote.record.jsonio import canonical_bytes
from evote.tally.fallback import PaperFallback

REASON = "the kiosks' printers failed at noon"


@pytest.fixture(scope="module")
def e(tmp_path_factory):
    """The city station falls back: its two boxes closed, a paper count of its paper
    forms; the paper station keeps its own paper result; declarations for both
    electronic stations (the city's covers the forms its boxes hold)."""
    e = build_election(tmp_path_factory.mktemp("fallback"))
    declare_all(e)
    d = e.path("fallback-in")
    os.makedirs(d)
    head = os.path.join(d, "head.json.part")
    station_steps.fallback(e.package_path, e.city, [e.boxes[k] for k in e.kiosks(e.city)],
                           REASON, out=head, **official_args(e, e.city, "station-head"))
    e.fallback = os.path.join(d, f"{e.city}.json")
    station_steps.sign(head, out=e.fallback, package_path=e.package_path,
                       **official_args(e, e.city, "observer"))
    os.unlink(head)
    e.papers = e.path("paper-in")
    os.makedirs(e.papers)
    for sid, forms in ((e.paper_station, 10), (e.city, 4)):
        counts = write_new_json(e.path(f"counts-{sid}.json"), _counts(e, sid, forms), "c")
        first = os.path.join(e.papers, f"{sid}.part")
        station_steps.paper(e.package_path, sid, counts, out=first,
                            fallback=sid == e.city, **official_args(e, sid, "station-head"))
        station_steps.sign(first, out=os.path.join(e.papers, f"{sid}.json"),
                           package_path=e.package_path, **official_args(e, sid, "observer"))
        os.unlink(first)
    return e


def _counts(e, sid, forms):
    """paper_counts for any station of the city style (both city stations share it)."""
    c = paper_counts(e, forms=forms, spoiled=1)
    assert e.manifest.station(sid).style_id == e.manifest.station(e.paper_station).style_id
    return c


def _tally(e, out, **kw):
    args = dict(box_inputs=[e.path("boxes-in")], declaration_inputs=[e.path(
        "declarations-in")], paper_inputs=[e.papers], fallback_inputs=[e.fallback])
    args.update(kw)
    return tally_centre.tally(e.package_path, args.pop("box_inputs"),
                              args.pop("declaration_inputs"), args.pop("paper_inputs"),
                              out, **args)


def test_the_decision_names_every_box_by_its_record_hash(e):
    doc = PaperFallback.from_json_bytes(open(e.fallback, "rb").read())
    assert doc.station_id == e.city and doc.reason == REASON
    assert doc.box_hashes() == {k: box_file_hash(e.boxes[k], e.city, k)
                                for k in e.kiosks(e.city)}
    assert sorted(o.role for o in doc.officials) == ["observer", "station-head"]
    doc.verify(e.manifest)                     # complete: every required role
    assert open(e.fallback, "rb").read() == canonical_bytes(doc.to_json_obj())


def test_honest_fallback_record_holds_boxes_declaration_and_paper(e, tmp_path):
    o = _tally(e, str(tmp_path / "record"))
    assert o.ok, o.problems
    rec = o.record_dir
    for rel in (layout.fallback_path(e.city), layout.paper_path(e.city),
                layout.declaration_path(e.city),
                *(layout.box_path(e.city, k) for k in e.kiosks(e.city))):
        assert os.path.isfile(os.path.join(rec, *rel.split("/"))), rel
    assert open(os.path.join(rec, "fallback", f"{e.city}.json"), "rb").read() == \
        open(e.fallback, "rb").read()
    assert o.stations == 3                     # the fallback station once


def test_without_the_decision_the_paper_result_is_refused(e, tmp_path):
    o = _tally(e, str(tmp_path / "record"), fallback_inputs=[])
    assert not o.ok
    assert any(f"(station {e.city!r}): an electronic station" in p and
               "fallback decision, --fallbacks" in p for p in o.problems), o.problems


def test_a_decision_missing_a_role_is_refused(e, tmp_path):
    d = str(tmp_path / "fb")
    os.makedirs(d)
    first = os.path.join(d, "one.json")
    station_steps.fallback(e.package_path, e.city, [e.boxes[k] for k in e.kiosks(e.city)],
                           REASON, out=first, **official_args(e, e.city, "observer"))
    o = _tally(e, str(tmp_path / "record"), fallback_inputs=[first])
    assert not o.ok
    assert any("not signed by the required role(s) station-head" in p
               for p in o.problems), o.problems


def test_a_box_that_differs_from_the_decision_is_refused(e, tmp_path):
    """A box replaced after the officials closed it (here: a new box of the same kiosk,
    one more ballot) is not the box the decision names."""
    other = make_box(e, f"{e.city}-k1", 4, directory=str(tmp_path / "other"))
    boxes = str(tmp_path / "boxes")
    os.makedirs(boxes)
    for k in e.kiosks(e.city) + e.kiosks(e.village):
        src = other if k == f"{e.city}-k1" else e.boxes[k]
        os.link(src, os.path.join(boxes, f"{k}.box"))
    o = _tally(e, str(tmp_path / "record"), box_inputs=[boxes])
    assert not o.ok
    assert any("is not the box it closes (its box_hash differs)" in p
               for p in o.problems), o.problems


def test_the_station_step_refuses_a_paper_station_and_missing_boxes(e, tmp_path):
    args = official_args(e, e.paper_station, "station-head")
    with pytest.raises(StationStepRefused, match="is a paper station"):
        station_steps.fallback(e.package_path, e.paper_station, [e.boxes[f"{e.city}-k1"]],
                               REASON, out=str(tmp_path / "x.json"), **args)
    with pytest.raises(StationStepRefused, match="no box given for kiosk"):
        station_steps.fallback(e.package_path, e.city, [e.boxes[f"{e.city}-k1"]], REASON,
                               out=str(tmp_path / "y.json"),
                               **official_args(e, e.city, "station-head"))
    with pytest.raises(StationStepRefused, match="not of station"):
        station_steps.fallback(e.package_path, e.city, [e.boxes[f"{e.village}-k1"]],
                               REASON, out=str(tmp_path / "z.json"),
                               **official_args(e, e.city, "station-head"))
    open_box = make_box(e, f"{e.city}-k2", 1, directory=str(tmp_path / "open"), close=False)
    with pytest.raises(StationStepRefused, match="does not verify to its CLOSE record"):
        station_steps.fallback(e.package_path, e.city, [e.boxes[f"{e.city}-k1"], open_box],
                               REASON, out=str(tmp_path / "w.json"),
                               **official_args(e, e.city, "station-head"))
    with pytest.raises(EvoteError, match="control character"):
        station_steps.fallback(e.package_path, e.city, [e.boxes[k] for k in
                                                        e.kiosks(e.city)], "a\x07b",
                               out=str(tmp_path / "v.json"),
                               **official_args(e, e.city, "station-head"))
    assert not any(os.path.exists(tmp_path / n) for n in ("x.json", "y.json", "z.json",
                                                         "w.json", "v.json"))
    # a paper result of an electronic station needs --fallback
    counts = write_new_json(str(tmp_path / "c.json"), _counts(e, e.city, 3), "c")
    with pytest.raises(StationStepRefused, match="electronic station"):
        station_steps.paper(e.package_path, e.city, counts, out=str(tmp_path / "p.json"),
                            **official_args(e, e.city, "station-head"))


def test_cli_fallback_then_sign(e, tmp_path):
    kp, cp = e.officials[(e.city, "station-head")]
    first, second = str(tmp_path / "a.json"), str(tmp_path / "b.json")
    runner = CliRunner()
    boxes = [a for k in e.kiosks(e.city) for a in ("--box", e.boxes[k])]
    r = runner.invoke(cli, ["station", "fallback", "--package", e.package_path, "--station",
                            e.city, *boxes, "--reason", REASON, "--key", kp,
                            "--certificate", cp, "--out", first, "--passphrase-file",
                            e.passphrase_file])
    assert r.exit_code == 0, r.output
    assert "still to sign: observer" in r.output
    kp, cp = e.officials[(e.city, "observer")]
    r = runner.invoke(cli, ["station", "sign", first, "--package", e.package_path, "--key",
                            kp, "--certificate", cp, "--out", second, "--passphrase-file",
                            e.passphrase_file])
    assert r.exit_code == 0, r.output
    assert "complete: every required role has signed" in r.output
    assert json.loads(open(second, "rb").read())["version"] == "evote-paper-fallback/1"
    # the paper station has no kiosk: refused, exit 2, one line
    kp, cp = e.officials[(e.paper_station, "station-head")]
    r = runner.invoke(cli, ["station", "fallback", "--package", e.package_path, "--station",
                            e.paper_station, "--box", e.boxes[f"{e.city}-k1"], "--reason",
                            REASON, "--key", kp, "--certificate", cp, "--out",
                            str(tmp_path / "c.json"), "--passphrase-file",
                            e.passphrase_file])
    assert r.exit_code == 2 and "paper station" in r.output and "Traceback" not in r.output
    assert PASSPHRASE not in r.output


# ---- a tampered decision never verifies (hypothesis) ------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st   # noqa: E402


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_change_to_a_signed_decision_is_refused(e, data):
    """Whatever field of the body changes (the reason, a box hash bit, a kiosk dropped,
    the station, the manifest hash), the officials' signatures no longer verify:
    PaperFallback.verify raises, so V13 and `evote tally` refuse it."""
    import dataclasses
    from evote.tally.fallback import ClosedBox, PaperFallbackError
    doc = PaperFallback.from_json_bytes(open(e.fallback, "rb").read())
    what = data.draw(st.sampled_from(["reason", "hash", "drop", "station", "manifest"]))
    if what == "reason":
        reason = data.draw(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x6ff,
                                                          exclude_categories=("Cs", "Cc")),
                                   min_size=1, max_size=40).filter(lambda t: t != doc.reason))
        forged = dataclasses.replace(doc, reason=reason)
    elif what == "hash":
        k = data.draw(st.integers(0, len(doc.closed_boxes) - 1))
        bit = data.draw(st.integers(0, 255))
        boxes = list(doc.closed_boxes)
        h = bytearray(boxes[k].box_hash)
        h[bit // 8] ^= 1 << (bit % 8)
        boxes[k] = ClosedBox(boxes[k].kiosk_id, bytes(h))
        forged = dataclasses.replace(doc, closed_boxes=tuple(boxes))
    elif what == "drop":
        k = data.draw(st.integers(0, len(doc.closed_boxes) - 1))
        forged = dataclasses.replace(doc, closed_boxes=doc.closed_boxes[:k] +
                                     doc.closed_boxes[k + 1:])
    elif what == "station":
        forged = dataclasses.replace(doc, station_id=e.village)
    else:
        h = bytearray(doc.manifest_hash)
        h[data.draw(st.integers(0, 31))] ^= 1
        forged = dataclasses.replace(doc, manifest_hash=bytes(h))
    with pytest.raises(PaperFallbackError):
        forged.verify(e.manifest)


def test_cli_tally_with_fallbacks(e, tmp_path):
    """`evote tally --fallbacks FILE` writes the record (exit 0); without it the paper
    result of the electronic station is a problem (exit 1, nothing written)."""
    common = ["tally", "--package", e.package_path, "--boxes", e.path("boxes-in"),
              "--declarations", e.path("declarations-in"), "--paper", e.papers]
    runner = CliRunner()
    r = runner.invoke(cli, common + ["--fallbacks", e.fallback, "--out",
                                     str(tmp_path / "record")])
    assert r.exit_code == 0, r.output
    assert os.path.isfile(tmp_path / "record" / "fallback" / f"{e.city}.json")
    r = runner.invoke(cli, common + ["--out", str(tmp_path / "other")])
    assert r.exit_code == 1 and "--fallbacks" in r.output
    assert not os.path.exists(tmp_path / "other")
