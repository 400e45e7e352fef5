"""Conditions on a variable, as the article list's filter applies them (no window needed)."""

from __future__ import annotations

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.ui.article_filter import Condition, Match, date_bound

DATE, NUMBER, CATEGORY = VariableType.DATE, VariableType.NUMBER, VariableType.CATEGORY


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2003", "2003-01-01", "2003-12-31"),
        ("2003-03", "2003-03-01", "2003-03-31"),
        ("2004-2", "2004-02-01", "2004-02-29"),  # a leap year
        ("2003-02", "2003-02-01", "2003-02-28"),
        (" 2003-03-07 ", "2003-03-07", "2003-03-07"),
        ("", "", ""),
    ],
)
def test_a_year_or_month_is_a_range_of_days(text: str, first: str, last: str) -> None:
    assert date_bound(text, last=False) == first
    assert date_bound(text, last=True) == last


@pytest.mark.parametrize("text", ["March 2003", "2003-13", "2003-02-30", "03/07/2003", "20031"])
def test_a_date_that_is_not_one_is_refused_with_the_forms_to_use(text: str) -> None:
    with pytest.raises(UserError, match=r"a year .2003., a month .2003-03. or a day"):
        date_bound(text, last=False)


def test_the_articles_of_a_month() -> None:
    march = Condition.range_of("date", DATE, "2003-03", "2003-03")
    assert march.describe() == "date from 2003-03-01 to 2003-03-31"
    accepted = [
        v for v in ("2003-02-28", "2003-03-01", "2003-03-31", "2003-04-01", "") if march.accepts(v)
    ]
    assert accepted == ["2003-03-01", "2003-03-31"]
    # A value a date variable cannot hold (written by another program) is not in any range.
    assert not march.accepts("March 2003")


def test_open_ranges_and_numbers_compare_as_numbers() -> None:
    long = Condition.range_of("words", NUMBER, "900", "")
    assert long.describe() == "words from 900"
    assert [v for v in ("85", "900", "1200", "1e3", "nan", "") if long.accepts(v)] == [
        "900",
        "1200",
        "1e3",
    ]
    assert Condition.range_of("date", DATE, "", "2003").describe() == "date up to 2003-12-31"


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        ("", "", "give a first or a last date"),
        ("2004", "2003", "2004-01-01 comes after 2003-12-31"),
        ("many", "", "'many' is not a number"),
    ],
)
def test_a_range_that_is_not_one_is_refused(low: str, high: str, message: str) -> None:
    type_ = NUMBER if low == "many" else DATE
    with pytest.raises(UserError, match=message):
        Condition.range_of("date" if type_ is DATE else "words", type_, low, high)


def test_a_value_is_matched_ignoring_case_and_text_within_a_value() -> None:
    exact = Condition("outlet", CATEGORY, Match.IS, text="Pacific Wire")
    within = Condition("outlet", CATEGORY, Match.CONTAINS, text="wire")
    none = Condition("outlet", CATEGORY, Match.EMPTY)
    values = ["Pacific Wire", "pacific wire", "Pacific Wire Weekly", "Seoul Ledger", ""]
    assert [v for v in values if exact.accepts(v)] == ["Pacific Wire", "pacific wire"]
    assert [v for v in values if within.accepts(v)] == values[:3]
    assert [v for v in values if none.accepts(v)] == [""]
    assert exact.describe() == "outlet is “Pacific Wire”"
    assert within.describe() == "outlet contains “wire”"
    assert none.describe() == "outlet: no value"
    with pytest.raises(UserError, match="outlet is a category variable: it has no range"):
        Condition.range_of("outlet", CATEGORY, "a", "b")
