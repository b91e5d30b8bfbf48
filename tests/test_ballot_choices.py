"""Choices -> plaintext selections: every refusal happens before encryption."""
import pytest
from hypothesis import given, settings, strategies as st

from ballot_support import make_manifest
from evote.errors import BallotError, EvoteTypeError
from evote.protocol.ballot import plaintext_ballot

M = make_manifest(((5, 2, "plurality"), (4, 3, "proportional")))
# c0: candidates 1..5, max 2. c1: candidates 101..104 (lists 190 = {101, 102},
# 191 = {103, 104}), max 3.


def test_selections_in_candidate_order():
    p = plaintext_ballot(M, "s", {"c0": ["4", 2], "c1": ["191"]})
    c0, c1 = p.contests
    assert c0.votes == (0, 1, 0, 1, 0) and c0.selected == (2, 4) and c0.blank == 0
    assert c1.votes == (0, 0, 1, 1) and c1.selected == (103, 104)


def test_persian_and_arabic_indic_digits():
    p = plaintext_ballot(M, "s", {"c0": ["\u06f3", "\u0665"]})  # Persian 3, Arabic-Indic 5
    assert p.contests[0].selected == (3, 5)


def test_missing_contest_is_blank():
    p = plaintext_ballot(M, "s", {"c0": []})
    assert [c.blank for c in p.contests] == [1, 1]
    assert p.contests[1].votes == (0, 0, 0, 0)


def test_list_plus_candidate_outside_list():
    p = plaintext_ballot(M, "s", {"c1": ["190", "104"]})
    assert p.contests[1].selected == (101, 102, 104)


@pytest.mark.parametrize("choices, words", [
    ({"c0": ["9"]}, ["'c0'", "'9'", "not a candidate"]),
    ({"c0": ["190"]}, ["'c0'", "'190'"]),                    # lists only in proportional
    ({"c0": ["1", "1"]}, ["'c0'", "'1'", "twice"]),
    ({"c0": ["1", 1]}, ["'c0'", "twice"]),
    ({"c1": ["190", "101"]}, ["'c1'", "'101'", "twice", "190"]),
    ({"c1": ["190", "190"]}, ["'c1'", "'190'", "twice"]),
    ({"c0": ["1", "2", "3"]}, ["'c0'", "3 candidates", "at most 2"]),
    ({"c1": ["190", "191"]}, ["'c1'", "4 candidates", "at most 3"]),
    ({"c9": []}, ["'c9'", "not on ballot style"]),
    ({"c0": ["1x"]}, ["'c0'", "'1x'"]),
    ({"c0": ["-1"]}, ["'c0'", "'-1'"]),
    ({"c0": [" 1"]}, ["'c0'"]),
    ({"c0": [-1]}, ["'c0'", "negative"]),
])
def test_refusals_name_contest_and_code(choices, words):
    with pytest.raises(BallotError) as e:
        plaintext_ballot(M, "s", choices)
    for w in words:
        assert w in str(e.value)


def test_contest_not_on_smaller_style():
    with pytest.raises(BallotError, match="'c1' is not on ballot style 's0'"):
        plaintext_ballot(M, "s0", {"c1": ["101"]})


def test_unknown_style():
    with pytest.raises(BallotError, match="'nope'"):
        plaintext_ballot(M, "nope", {})


@pytest.mark.parametrize("choices", [{"c0": "12"}, {"c0": [1.0]}, {"c0": [True]}, [("c0", [])]])
def test_wrong_types(choices):
    with pytest.raises(EvoteTypeError):
        plaintext_ballot(M, "s", choices)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), unique=True, max_size=2),
       st.lists(st.sampled_from([101, 102, 103, 104]), unique=True, max_size=3))
def test_votes_vector_states_the_choice(c0, c1):
    p = plaintext_ballot(M, "s", {"c0": [str(x) for x in c0], "c1": c1})
    assert p.contests[0].votes == tuple(int(i in c0) for i in range(1, 6))
    assert p.contests[1].votes == tuple(int(i in c1) for i in (101, 102, 103, 104))
    assert p.contests[0].blank == int(not c0) and p.contests[1].blank == int(not c1)


def test_repr_hides_choices():
    p = plaintext_ballot(M, "s", {"c0": ["4"]})
    assert "hidden" in repr(p) and "hidden" in repr(p.contests[0])
    assert "votes" not in repr(p.contests[0]) and "(0, 0, 0, 1" not in repr(p)
