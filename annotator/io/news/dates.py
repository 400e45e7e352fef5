"""Publication dates as news databases and sheets write them, in many formats and languages
("January 11, 2010 Monday", "11. Januar 2017", "2018年5月28日"), to ISO ``YYYY-MM-DD``.

dateparser does the languages; the common numeric and English forms are tried first because
dateparser takes a few milliseconds a call, and a batch repeats its dates, so answers are kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

#: The order of day and month in a numeric date ("03/04/2020"): day first or month first.
Order = Literal["DMY", "MDY"]

# A date in a year before these or after tomorrow is not a publication date.
EARLIEST_YEAR = 1800

_ISO = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*")
# Day, month and year in digits: 03.04.2020, 3/4/2020, 03-04-20. A year first (2020/04/03)
# is read year-month-day in any order.
# Either may be followed by a time of day ("03/04/2020 10:15", "3.4.2020, 10:15 Uhr").
_TIME = r"(?:,?[ T]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:[AaPp]\.?[Mm]\.?|Uhr|h))?)?"
_NUMERIC = re.compile(r"\s*(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\.?" + _TIME + r"\s*")
_YEAR_FIRST = re.compile(r"\s*(\d{4})([./])(\d{1,2})\2(\d{1,2})\.?" + _TIME + r"\s*")
_FAST_FORMATS = ("%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%B %d, %Y %A", "%d %B %Y %A")


def parse_date(
    text: str, languages: Sequence[str] | None = None, order: Order | None = None
) -> str | None:
    """``text`` as an ISO date, or None when it is not one whole date (day, month and year)
    or lies outside the years a publication can have. ``languages`` (ISO 639-1 codes) narrows
    dateparser's search when the format says which language it is in. ``order`` says how a
    numeric date with slashes or hyphens is read ("DMY": 03/04/2020 is 3 April); without it
    dateparser decides. A numeric date with dots (03.04.2020) is always day first."""
    return _parse(" ".join(text.split()), tuple(languages or ()), order)


def numeric_parts(text: str) -> tuple[int, int, str] | None:
    """The first two numbers and the separator of a numeric day-month-year date in either
    order ("13/1/2020" gives (13, 1, "/")), or None for any other text, a year-first date
    included. What tells a column's order (see :mod:`annotator.io.news.sheets`)."""
    match = _NUMERIC.fullmatch(text)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(3)), match.group(2)


@lru_cache(maxsize=65536)
def _parse(text: str, languages: tuple[str, ...], order: Order | None = None) -> str | None:
    if not text or len(text) > 200:
        return None
    # A numeric date in a known order is final, even when no such day exists (no dateparser).
    numeric = _numeric(text, order)
    date = numeric[0] if numeric is not None else _fast(text) or _dateparser(text, languages)
    if date is None:
        return None
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    if date.year < EARLIEST_YEAR or date > tomorrow:
        return None
    return date.isoformat()


def _numeric(text: str, order: Order | None) -> tuple[dt.date | None] | None:
    """A numeric date read in a known order (given, or day first for dots; year first is
    always year-month-day), as a 1-tuple whose date is None when no such day exists; None
    when the text is not numeric or its order is not known (then dateparser reads it)."""
    match = _ISO.fullmatch(text)
    if match:  # "2019-13-01" is no date, not the 13th of January
        return (_date(*map(int, match.groups())),)
    match = _YEAR_FIRST.fullmatch(text)
    if match:
        return (_date(int(match.group(1)), int(match.group(3)), int(match.group(4))),)
    match = _NUMERIC.fullmatch(text)
    if match is None:
        return None
    first, separator, second, year_text = match.groups()
    if separator == ".":
        order = "DMY"
    if order is None:
        return None
    year = int(year_text)
    if len(year_text) == 2:
        # Two digits: the century that puts the year at most a year ahead of today.
        year += 2000 if year <= dt.date.today().year % 100 + 1 else 1900
    day, month = (int(first), int(second)) if order == "DMY" else (int(second), int(first))
    return (_date(year, month, day),)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _fast(text: str) -> dt.date | None:
    match = _ISO.fullmatch(text)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            return None
    for pattern in _FAST_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _dateparser(text: str, languages: tuple[str, ...]) -> dt.date | None:
    import dateparser  # a second's import: only when a date needs it

    settings = {
        "STRICT_PARSING": True,
        "REQUIRE_PARTS": ["day", "month", "year"],
        # Never "yesterday" or "3 days ago": a stored date must not depend on today.
        "PARSERS": ["custom-formats", "absolute-time"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        parsed = dateparser.parse(text, languages=list(languages) or None, settings=settings)
    except (ValueError, OverflowError, RecursionError):
        return None
    return parsed.date() if parsed is not None else None
