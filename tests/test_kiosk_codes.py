"""evote.kiosk.codes.parse_codes: digit systems, separators, every refusal, and the
property that any valid entry written in any mix of digits and separators parses back."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evote.errors import EvoteTypeError
from evote.kiosk import CodeEntryError, parse_codes
from evote.manifest.model import Candidate, Contest, PartyList

PLURALITY = Contest(contest_id="council-a", name="Council A", district_id="d1", seats=3,
                    alternates=0, max_choices=3, method="plurality",
                    candidates=tuple(Candidate(code=c, name=f"Candidate {c}")
                                     for c in (7, 12, 34, 56, 1405)))
# Lists 1 = {101, 102}, 2 = {201, 202, 203}; 301 is on no list.
PROPORTIONAL = Contest(contest_id="council-p", name="Council P", district_id="d1", seats=3,
                       alternates=0, max_choices=4, method="proportional",
                       candidates=tuple(Candidate(code=c, name=f"C{c}", list_code=lc)
                                        for c, lc in ((101, 1), (102, 1), (201, 2), (202, 2),
                                                      (203, 2), (301, None))),
                       lists=(PartyList(code=1, name="List One"),
                              PartyList(code=2, name="List Two")))

PERSIAN = str.maketrans("0123456789", "".join(chr(0x06F0 + i) for i in range(10)))
ARABIC = str.maketrans("0123456789", "".join(chr(0x0660 + i) for i in range(10)))


@pytest.mark.parametrize("typed", ["12 34 56", "۱۲ ۳۴ ۵۶", "١٢ ٣٤ ٥٦", "1۲ ٣4 ۵٦",
                                   "12,34,56", "12، ۳۴،٥٦", "12+34+56", " 12 ,+ 34\t56\n",
                                   ["12", "۳۴", 56], (12, 34, 56)])
def test_digit_systems_and_separators(typed):
    assert parse_codes(PLURALITY, typed) == (12, 34, 56)


def test_order_as_typed_and_blank():
    assert parse_codes(PLURALITY, "56 12") == (56, 12)
    assert parse_codes(PLURALITY, "") == ()
    assert parse_codes(PLURALITY, " , + ") == ()
    assert parse_codes(PLURALITY, []) == ()
    assert parse_codes(PLURALITY, "۱۴۰۵") == (1405,)


def test_list_codes_pass_through():
    assert parse_codes(PROPORTIONAL, "1 301") == (1, 301)
    assert parse_codes(PROPORTIONAL, "۲ 301") == (2, 301)


@pytest.mark.parametrize("contest,typed,message", [
    (PLURALITY, "12 x4", "contest 'council-a': 'x4' is not a code"),
    (PLURALITY, "12-34", "contest 'council-a': '12-34' is not a code"),
    (PLURALITY, "١٢ ٣٤٫٥", "is not a code"),                  # Arabic decimal separator
    (PLURALITY, "１２", "'１２' is not a code"),                 # fullwidth digits
    (PLURALITY, "12 99", "contest 'council-a': code '99' is not a candidate of this contest"),
    (PLURALITY, "۹۹", "code '۹۹' (99) is not a candidate of this contest"),
    (PLURALITY, "1", "code '1' is not a candidate"),           # a list code, not proportional
    (PLURALITY, "12 ۱۲", "code '۱۲' (12) chooses candidate 12 a second time"),
    (PLURALITY, "7 12 34 56", "4 candidates chosen, at most 3 allowed"),
    (PLURALITY, [12, -3], "code -3 is negative"),
    (PLURALITY, "1" * 13, "is not a code"),                    # more than 12 digits
    (PLURALITY, "1 " * 2049, "characters typed, at most 4096"),
    (PROPORTIONAL, "9", "code '9' is not a candidate or list of this contest"),
    (PROPORTIONAL, "1 101", "code '101' chooses candidate 101 a second time (already "
                            "chosen by code 1)"),
    (PROPORTIONAL, "101 1", "code '1' chooses candidate 101 a second time (already "
                            "chosen by code 101)"),
    (PROPORTIONAL, "1 2", "5 candidates chosen, at most 4 allowed"),
])
def test_refusals(contest, typed, message):
    with pytest.raises(CodeEntryError) as info:
        parse_codes(contest, typed)
    assert message in str(info.value)
    assert f"contest {contest.contest_id!r}" in str(info.value)


@pytest.mark.parametrize("typed", [None, 12, b"12", {"12"}, [b"12"], [True], [1.0]])
def test_wrong_types(typed):
    with pytest.raises(EvoteTypeError):
        parse_codes(PLURALITY, typed)


def test_contest_type():
    with pytest.raises(EvoteTypeError, match="contest must be"):
        parse_codes("council-a", "12")


SEPARATOR_RUNS = st.text(alphabet=" \t\n,\u060c+", min_size=1, max_size=3)
DIGITS = st.sampled_from([None, PERSIAN, ARABIC])


@settings(max_examples=200, deadline=None)
@given(codes=st.lists(st.sampled_from(PLURALITY.codes), max_size=3, unique=True),
       data=st.data())
def test_any_spelling_parses_back(codes, data):
    parts = []
    for i, code in enumerate(codes):
        if i:
            parts.append(data.draw(SEPARATOR_RUNS))
        digits = str(code)
        # each digit in its own script, so one code may mix scripts
        parts.append("".join(
            d.translate(t) if (t := data.draw(DIGITS)) is not None else d for d in digits))
    prefix = data.draw(st.sampled_from(["", " ", ", "]))
    assert parse_codes(PLURALITY, prefix + "".join(parts)) == tuple(codes)
