"""Loading and validating manifests: every rule of specs/manifest.md gives a precise error
at the right JSON path; round trips and hashes are stable."""
import copy
import json

import pytest
from hypothesis import given, settings, strategies as st

from evote.errors import EvoteValueError, ManifestError
from evote.hashing import digest
from evote.manifest import (Candidate, Contest, Manifest, NotInManifest, load_manifest,
                            make_demo_manifest, parse_manifest_json)

KEY = bytes(range(32))


def small():
    """A small valid manifest JSON object: one city (proportional), one village."""
    return {
        "version": "evote-manifest/1",
        "election_id": "test-1405",
        "name": "انتخابات آزمایشی",
        "election_date": "2026-06-12",
        "authority_key": KEY.hex(),
        "districts": [
            {"district_id": "city", "name": "شهر", "kind": "city"},
            {"district_id": "vil", "name": "روستا", "kind": "village"},
        ],
        "stations": [
            {"station_id": "s1", "name": "شعبه ۱", "district_id": "city", "style_id": "sc"},
            {"station_id": "s2", "name": "شعبه ۲", "district_id": "city", "style_id": "sc"},
            {"station_id": "v1", "name": "شعبه ۱", "district_id": "vil", "style_id": "sv"},
        ],
        "contests": [
            {"contest_id": "c", "name": "شورای شهر", "district_id": "city", "seats": 3,
             "alternates": 2, "max_choices": 3, "method": "proportional",
             "tie_chain": ["priority"],
             "lists": [{"code": 1, "name": "فهرست الف"}, {"code": 2, "name": "فهرست ب"}],
             "candidates": [
                 {"code": 11, "name": "علی رضایی", "list_code": 1,
                  "attributes": {"priority": 1}},
                 {"code": 12, "name": "مریم کریمی", "list_code": 1,
                  "attributes": {"priority": 0, "note": "x"}},
                 {"code": 21, "name": "حسین موسوی", "list_code": 2,
                  "attributes": {"priority": 0}},
                 {"code": 22, "name": "زهرا نوری", "list_code": None,
                  "attributes": {"priority": 2}},
             ]},
            {"contest_id": "v", "name": "شورای روستا", "district_id": "vil", "seats": 3,
             "alternates": 2, "method": "plurality",
             "candidates": [{"code": c, "name": n} for c, n in
                            [(1, "الف"), (2, "ب"), (3, "پ"), (4, "ت"), (5, "ث")]]},
        ],
        "styles": [{"style_id": "sc", "contest_ids": ["c"]},
                   {"style_id": "sv", "contest_ids": ["v"]}],
    }


def test_small_loads():
    m = Manifest.from_json_obj(small())
    c = m.contest("c")
    assert c.candidate_index(21) == 2
    assert c.list_members(1) == (11, 12)
    assert c.list_members(2) == (21,)
    assert m.contest("v").max_choices == 3  # defaults to seats
    assert m.station("v1").district_id == "vil"
    assert [x.contest_id for x in m.station_contests("s2")] == ["c"]
    assert m.authority_key == KEY
    assert c.candidate(12).attributes["note"] == "x"


def test_lookups_raise_named_errors():
    m = Manifest.from_json_obj(small())
    with pytest.raises(NotInManifest, match="no contest 'zz'"):
        m.contest("zz")
    with pytest.raises(KeyError):
        m.station("zz")
    with pytest.raises(ManifestError, match="no candidate 99"):
        m.contest("c").candidate_index(99)
    with pytest.raises(ManifestError, match="no list 11"):
        m.contest("c").list_members(11)


def mutate(fn):
    obj = small()
    fn(obj)
    return obj


CASES = [
    # (mutation, expected path, words in the message)
    (lambda o: o["stations"][1].update(district_id="nowhere"), "$.stations[1].district_id",
     "unknown district"),
    (lambda o: o["stations"][0].update(style_id="nope"), "$.stations[0].style_id",
     "unknown style"),
    (lambda o: o["stations"][2].update(style_id="sc"), "$.stations[2].style_id",
     "of district 'city'"),
    (lambda o: o["styles"][0]["contest_ids"].append("zz"), "$.styles[0].contest_ids[1]",
     "unknown contest"),
    (lambda o: o["contests"][0].update(district_id="zz"), "$.contests[0].district_id",
     "unknown district"),
    (lambda o: o["stations"].append(dict(o["stations"][0])), "$.stations[3].station_id",
     "duplicate station id"),
    (lambda o: o["contests"][1]["candidates"][3].update(code=1),
     "$.contests[1].candidates[3].code", "duplicate candidate code"),
    (lambda o: o["contests"][0]["lists"][1].update(code=11), "$.contests[0].lists[1].code",
     "also a candidate code"),
    (lambda o: o["contests"][1].update(seats=6), "$.contests[1].seats", "outside [1, 5]"),
    (lambda o: o["contests"][1].update(seats=0), "$.contests[1].seats", "outside"),
    (lambda o: o["contests"][1].update(alternates=-1), "$.contests[1].alternates", "outside"),
    (lambda o: o["contests"][1].update(max_choices=0), "$.contests[1].max_choices", "outside"),
    (lambda o: o["contests"][1].update(max_choices=6), "$.contests[1].max_choices", "outside"),
    (lambda o: o["contests"][0]["candidates"][0].update(list_code=7),
     "$.contests[0].candidates[0].list_code", "unknown list 7"),
    (lambda o: o["contests"][1]["candidates"][1].update(name="ال\u0640ف"),  # tatweel
     "$.contests[1].candidates[1].name", "collides"),
    (lambda o: o["contests"][0]["candidates"][1].update(name="علي رضايي"),
     "$.contests[0].candidates[1].name", "collides"),
    (lambda o: o["contests"][0]["candidates"][1].update(name="علی\u200cرضایی\u0640"),
     "$.contests[0].candidates[1].name", "collides"),
    (lambda o: o["contests"][0]["lists"][1].update(name="فهرست\u200cالف"),
     "$.contests[0].lists[1].name", "collides"),
    (lambda o: o["districts"][1].update(name="شــهر"), "$.districts[1].name", "collides"),
    (lambda o: o["stations"][1].update(name="شعبه 1"), "$.stations[1].name", "collides"),
    (lambda o: o["contests"][1]["candidates"][0].update(code="12a"),
     "$.contests[1].candidates[0].code", "not an ASCII, Persian or Arabic-Indic digit"),
    (lambda o: o["contests"][1]["candidates"][0].update(code="１"),
     "$.contests[1].candidates[0].code", "FULLWIDTH DIGIT ONE"),
    (lambda o: o["contests"][1]["candidates"][0].update(code=0),
     "$.contests[1].candidates[0].code", "outside"),
    (lambda o: o["contests"][1]["candidates"][0].update(code=True),
     "$.contests[1].candidates[0].code", "must be an integer"),
    (lambda o: o["contests"][1]["candidates"][0].update(code=1.5),
     "$.contests[1].candidates[0].code", "must be an integer"),
    (lambda o: o["contests"][1].update(seats="3"), "$.contests[1].seats", "must be an integer"),
    (lambda o: o["contests"][1].update(method="stv"), "$.contests[1].method", "not one of"),
    (lambda o: o["contests"][1].update(candidates=[]), "$.contests[1].candidates",
     "no candidates"),
    (lambda o: o["contests"][1].pop("seats"), "$.contests[1].seats", "missing field"),
    (lambda o: o.pop("styles"), "$.styles", "missing field"),
    (lambda o: o["contests"][0]["candidates"][0].pop("name"),
     "$.contests[0].candidates[0].name", "missing field"),
    (lambda o: o["contests"][0].update(color="red"), "$.contests[0].color", "unknown field"),
    (lambda o: o.update(extra=1), "$.extra", "unknown field"),
    (lambda o: o["districts"][0].update(kind="town"), "$.districts[0].kind", "not one of"),
    (lambda o: o.update(version="evote-manifest/2"), "$.version", "unsupported version"),
    (lambda o: o.update(authority_key="00" * 31), "$.authority_key", "64 lowercase hex"),
    (lambda o: o.update(authority_key="AB" * 32), "$.authority_key", "64 lowercase hex"),
    (lambda o: o.update(election_date="2026-02-30"), "$.election_date", "not a date"),
    (lambda o: o.update(election_date="1405/03/22"), "$.election_date", "not yyyy-mm-dd"),
    (lambda o: o.update(election_id="bad id"), "$.election_id", "not 1-64 ASCII"),
    (lambda o: o["districts"][0].update(district_id="شهر"), "$.districts[0].district_id",
     "not 1-64 ASCII"),
    (lambda o: o.update(districts={}), "$.districts", "must be a JSON array"),
    (lambda o: o["contests"][0].update(tie_chain=["rank"]), "$.contests[0].candidates[0]"
     ".attributes", "integer 'rank'"),
    (lambda o: o["contests"][0]["candidates"][1]["attributes"].update(priority="high"),
     "$.contests[0].candidates[1].attributes", "integer 'priority'"),
    (lambda o: o["contests"][0]["candidates"][1]["attributes"].update(Bad=1),
     "$.contests[0].candidates[1].attributes", "attribute name 'Bad'"),
    (lambda o: o["contests"][0]["candidates"][1]["attributes"].update(x=[1]),
     "$.contests[0].candidates[1].attributes.x", "string or an integer"),
    (lambda o: o["contests"][0]["candidates"][1].update(name="\u200f\u0640 \u064e"),
     "$.contests[0].candidates[1].name", "empty after normalization"),
    (lambda o: o["contests"][0]["candidates"][1].update(name="a\nb"),
     "$.contests[0].candidates[1].name", "control character"),
    (lambda o: o["styles"][0].update(contest_ids=["c", "c"]), "$.styles[0].contest_ids[1]",
     "duplicate contest id"),
    (lambda o: o["styles"][0].update(contest_ids=[]), "$.styles[0].contest_ids", "no contests"),
    (lambda o: o.update(contests=[o["contests"][0], o["contests"][0], o["contests"][1]]),
     "$.contests[1].contest_id", "duplicate contest id"),
]


@pytest.mark.parametrize("fn, path, words", CASES)
def test_validation_errors(fn, path, words):
    obj = mutate(fn)
    with pytest.raises(ManifestError) as info:
        Manifest.from_json_obj(obj)
    err = info.value
    assert err.path == path, str(err)
    assert str(err).startswith(path + ": ")
    if words:
        assert words in str(err)


def test_different_districts_may_reuse_contest_names():
    obj = small()
    obj["contests"][1]["name"] = "شورای شهر"  # as in district "city": allowed in "vil"
    Manifest.from_json_obj(obj)


def test_collision_in_same_district():
    obj = small()
    extra = copy.deepcopy(obj["contests"][0])
    extra["contest_id"] = "c2"
    extra["name"] = "شوراي شهر"
    obj["contests"].append(extra)
    with pytest.raises(ManifestError) as info:
        Manifest.from_json_obj(obj)
    assert info.value.path == "$.contests[2].name"


def test_codes_as_digit_strings():
    obj = small()
    obj["contests"][1]["candidates"][0]["code"] = "۶"
    obj["contests"][0]["candidates"][0]["list_code"] = "٢"
    m = Manifest.from_json_obj(obj)
    assert m.contest("v").candidates[0].code == 6
    assert m.contest("c").list_members(2) == (11, 21)


def test_json_text_parser(tmp_path):
    good = json.dumps(small(), ensure_ascii=False).encode()
    assert parse_manifest_json(good) == Manifest.from_json_obj(small())
    bad = [
        (b'{"a": 1, "a": 2}', "duplicate JSON key"),
        (good.replace(b'"seats": 3', b'"seats": 3.0'), "non-integer number"),
        (good.replace(b'"seats": 3', b'"seats": NaN'), "not JSON"),
        (good[:-5], "not JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[" * 100000, "unusable"),
        (good.replace(b'"seats": 3', b'"seats": ' + b"9" * 5000), "unusable"),
    ]
    for data, words in bad:
        with pytest.raises(ManifestError, match=words):
            parse_manifest_json(data)
    p = tmp_path / "m.json"
    p.write_bytes(good)
    assert load_manifest(p).hash() == Manifest.from_json_obj(small()).hash()
    with pytest.raises(ManifestError, match="cannot read"):
        load_manifest(tmp_path / "missing.json")
    p.write_bytes(good.replace(b'"kind": "city"', b'"kind": "town"'))
    with pytest.raises(ManifestError, match=r"m\.json: \$\.districts\[0\]\.kind"):
        load_manifest(p)


def test_direct_construction_is_validated():
    with pytest.raises(ManifestError, match="code"):
        Candidate(code=-1, name="x")
    with pytest.raises(EvoteValueError):
        Contest("c", "n", "d", seats=2, alternates=0, max_choices=1, method="plurality",
                candidates=(Candidate(1, "الف"),))
    c = Candidate(1, "الف", attributes={"priority": 3})
    with pytest.raises(Exception):
        c.code = 2
    with pytest.raises(Exception):
        c.attributes["priority"] = 4
    assert hash(c) == hash(Candidate(1, "الف", attributes={"priority": 3}))


def test_canonical_bytes_and_hash():
    m = Manifest.from_json_obj(small())
    b = m.to_canonical_bytes()
    assert b == json.dumps(json.loads(b), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False).encode()
    assert m.hash() == digest("evote/v1/manifest", b)
    assert b"\n" not in b and b": " not in b
    assert "علی رضایی".encode() in b  # UTF-8, not \u escapes
    # Key order and whitespace of the input do not matter; any value change does.
    shuffled = json.loads(json.dumps(small(), sort_keys=True, indent=3))
    assert Manifest.from_json_obj(shuffled).hash() == m.hash()
    changed = small()
    changed["contests"][0]["candidates"][0]["name"] = "علی رضائی"
    assert Manifest.from_json_obj(changed).hash() != m.hash()
    # Names are kept as given: a visually equal Arabic-letter name hashes differently.
    arabic = small()
    arabic["contests"][0]["candidates"][0]["name"] = "علي رضايي"
    ma = Manifest.from_json_obj(arabic)
    assert ma.contest("c").candidates[0].name == "علي رضايي"
    assert ma.hash() != m.hash()


def test_demo_manifest_deterministic():
    a = make_demo_manifest(7, 3, 4, authority_key=KEY)
    b = make_demo_manifest(7, 3, 4, authority_key=KEY)
    c = make_demo_manifest(8, 3, 4, authority_key=KEY)
    assert a == b and a.hash() == b.hash()
    assert a.hash() != c.hash()
    city = a.contest("council-city-1")
    assert (city.seats, city.alternates, len(city.candidates)) == (9, 6, 50)
    shapes = sorted({(x.seats, x.alternates) for x in a.contests[1:]})
    assert shapes == [(3, 2), (5, 3)]
    assert len(a.districts) == 5 and len(a.styles) == 5
    assert sum(1 for s in a.stations if s.district_id == "city-1") == 3
    assert Manifest.from_json_obj(a.to_json_obj()) == a
    p = make_demo_manifest(1, 2, 60, authority_key=KEY, city_method="proportional")
    assert p.contest("council-city-1").lists and len(p.districts) == 61


# ---- round trips (hypothesis over demo manifests and over small edits) ---------------

@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2 ** 32), st.integers(1, 4), st.integers(0, 6),
       st.sampled_from(["plurality", "proportional"]))
def test_round_trip_stable(seed, n_city, n_vil, method):
    m = make_demo_manifest(seed, n_city, n_vil, authority_key=KEY, city_method=method,
                           city_candidates=20, city_seats=5, city_alternates=3)
    obj = m.to_json_obj()
    text = json.dumps(obj, ensure_ascii=False).encode()
    m2 = parse_manifest_json(text)
    assert m2 == m
    assert m2.to_json_obj() == obj
    assert m2.to_canonical_bytes() == m.to_canonical_bytes()
    assert m2.hash() == m.hash()


name_chars = st.sampled_from(list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی") +
                             ["\u064a", "\u0643", "\u0640", "\u064e", " ", "\u200c"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(name_chars, min_size=1, max_size=6), min_size=2, max_size=8))
def test_collisions_flagged_exactly(names):
    """A contest loads iff its candidate names have pairwise distinct keys."""
    from evote.manifest import name_key
    obj = small()
    obj["contests"][1]["candidates"] = [{"code": i + 1, "name": n} for i, n in
                                        enumerate(names)]
    obj["contests"][1]["seats"] = 1
    obj["contests"][1]["max_choices"] = 1
    keys = [name_key(n) for n in names]
    if "" in keys:
        with pytest.raises(ManifestError, match="empty after normalization"):
            Manifest.from_json_obj(obj)
    elif len(set(keys)) < len(keys):
        with pytest.raises(ManifestError, match="collides"):
            Manifest.from_json_obj(obj)
    else:
        Manifest.from_json_obj(obj)


def test_pickle_and_copy_round_trip():
    """Worker processes receive manifests by pickle: equal, same hash, lookups work."""
    import pickle
    m = make_demo_manifest(4, 2, 2, authority_key=KEY, city_method="proportional")
    m2 = pickle.loads(pickle.dumps(m))
    assert m2 == m and m2.hash() == m.hash()
    c = m2.contest("council-city-1")
    assert c.candidate_index(c.candidates[7].code) == 7
    assert c.list_members(1) == m.contest("council-city-1").list_members(1)
    assert copy.deepcopy(m) == m


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10 ** 13) | st.floats(allow_nan=False) |
    st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=6)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_edit_loads_or_raises_manifest_error(data):
    """Replacing or deleting any value anywhere gives a Manifest or a ManifestError,
    never another exception."""
    obj = small()
    paths = [p for p in _paths(obj) if p]
    path = data.draw(st.sampled_from(paths))
    parent = obj
    for k in path[:-1]:
        parent = parent[k]
    if data.draw(st.booleans()):
        parent[path[-1]] = data.draw(json_values)
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])
    try:
        Manifest.from_json_obj(obj)
    except ManifestError as exc:
        assert str(exc).startswith("$")
