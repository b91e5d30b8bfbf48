"""A contest's result settings in the manifest (specs/manifest.md 1.1): defaults, the
canonical form and hash include them, every bad value refused at its JSON path."""
import copy
from fractions import Fraction

import pytest

from evote.errors import ManifestError
from evote.manifest import make_demo_manifest, manifest_from_json_obj
from evote.results import ResultSettings


@pytest.fixture(scope="module")
def obj():
    o = make_demo_manifest(3, authority_key=bytes(32)).to_json_obj()
    for c in o["contests"]:
        del c["settings"]
    return o


def test_omitted_settings_are_the_defaults_and_written_out(obj):
    m = manifest_from_json_obj(obj)
    assert all(c.settings == ResultSettings() for c in m.contests)
    written = m.to_json_obj()["contests"][0]["settings"]
    assert written == {"min_votes": 0, "quota": "hare", "threshold": "0",
                       "independents": "pool", "alternate_rounding": "largest_remainder"}
    assert manifest_from_json_obj(m.to_json_obj()).hash() == m.hash()


def test_settings_are_bound_by_the_hash(obj):
    base = manifest_from_json_obj(obj).hash()
    seen = {base}
    for field, value in (("min_votes", 3), ("quota", "droop"), ("threshold", "1/20"),
                         ("independents", "individual"), ("alternate_rounding", "floor")):
        o = copy.deepcopy(obj)
        o["contests"][0]["settings"] = {field: value}
        m = manifest_from_json_obj(o)
        assert getattr(m.contests[0].settings, field) == (Fraction(value) if field ==
                                                          "threshold" else value)
        seen.add(m.hash())
    assert len(seen) == 6
    o = copy.deepcopy(obj)
    o["contests"][0]["settings"] = {"threshold": "2/40"}      # written back reduced
    assert manifest_from_json_obj(o).to_json_obj()["contests"][0]["settings"]["threshold"] \
        == "1/20"


@pytest.mark.parametrize("settings, where, words", [
    ({"quota": "dhondt"}, "settings.quota", "not one of"),
    ({"independents": 1}, "settings.independents", "must be a string"),
    ({"alternate_rounding": "up"}, "settings.alternate_rounding", "not one of"),
    ({"min_votes": -1}, "settings.min_votes", "outside"),
    ({"min_votes": True}, "settings.min_votes", "integer"),
    ({"min_votes": 2 ** 60}, "settings.min_votes", "outside"),
    ({"threshold": "0.05"}, "settings.threshold", "exact fraction"),
    ({"threshold": "-1/2"}, "settings.threshold", "exact fraction"),
    ({"threshold": "1/0"}, "settings.threshold", "exact fraction"),
    ({"threshold": "1"}, "settings.threshold", "outside [0, 1)"),
    ({"threshold": "7/5"}, "settings.threshold", "outside [0, 1)"),
    ({"threshold": 0}, "settings.threshold", "must be a string"),
    ({"seed": "00"}, "settings.seed", "unknown field"),
    ([], "settings", "must be a JSON object"),
])
def test_bad_settings_are_refused_at_their_path(obj, settings, where, words):
    o = copy.deepcopy(obj)
    o["contests"][1]["settings"] = settings
    with pytest.raises(ManifestError) as exc:
        manifest_from_json_obj(o)
    assert str(exc.value).startswith(f"$.contests[1].{where}: "), str(exc.value)
    assert words in str(exc.value), str(exc.value)
