"""Publication dates from news databases, in their many formats and languages."""

from __future__ import annotations

import datetime as dt

import pytest

from annotator.io.news.dates import Order, parse_date


@pytest.mark.parametrize(
    ("text", "languages", "iso"),
    [
        ("January 11, 2010 Monday", (), "2010-01-11"),  # Nexis
        ("11. Januar 2017", (), "2017-01-11"),  # Factiva, German interface
        ("Mittwoch 1. Februar 2012", ("de",), "2012-02-01"),
        ("2018年5月28日", (), "2018-05-28"),  # Factiva, Chinese interface
        ("14 novembre 2017", ("fr",), "2017-11-14"),
        ("Thursday, November 14, 2017", (), "2017-11-14"),
        ("2017-11-14T10:00:00Z", (), "2017-11-14"),
        ("  14   November 2017 ", (), "2017-11-14"),
    ],
)
def test_dates_of_many_formats_and_languages_become_iso(
    text: str, languages: tuple[str, ...], iso: str
) -> None:
    assert parse_date(text, languages) == iso


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "3 days ago", "March 2010", "2019", "32 March 2011", "2011-02-30", "x" * 500],
)
def test_what_is_not_one_whole_date_is_none(text: str) -> None:
    assert parse_date(text) is None


def test_a_date_no_publication_can_have_is_none() -> None:
    after_tomorrow = dt.date.today() + dt.timedelta(days=2)
    assert parse_date(after_tomorrow.isoformat()) is None
    assert parse_date("1 March 1799") is None
    assert parse_date("1 March 1800") == "1800-03-01"


@pytest.mark.parametrize(
    ("text", "order", "iso"),
    [
        ("03.04.2020", None, "2020-04-03"),  # dots: day first, whatever the order
        ("03.04.2020", "MDY", "2020-04-03"),
        ("3.4.2020.", None, "2020-04-03"),
        ("03/04/2020", "DMY", "2020-04-03"),
        ("03/04/2020", "MDY", "2020-03-04"),
        ("03-04-2020", "MDY", "2020-03-04"),
        ("13/1/2020", "MDY", None),  # no 13th month: not read the other way round
        ("03/04/20", "DMY", "2020-04-03"),
        ("2020/04/03", "MDY", "2020-04-03"),  # a year first is year-month-day
    ],
)
def test_numeric_dates_are_read_in_the_order_given(
    text: str, order: Order | None, iso: str | None
) -> None:
    assert parse_date(text, order=order) == iso
