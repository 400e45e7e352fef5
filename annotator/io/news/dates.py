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

# A date in a year before these or after tomorrow is not a publication date.
EARLIEST_YEAR = 1800

_ISO = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*")
_FAST_FORMATS = ("%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%B %d, %Y %A", "%d %B %Y %A")


def parse_date(text: str, languages: Sequence[str] | None = None) -> str | None:
    """``text`` as an ISO date, or None when it is not one whole date (day, month and year)
    or lies outside the years a publication can have. ``languages`` (ISO 639-1 codes) narrows
    dateparser's search when the format says which language it is in."""
    return _parse(" ".join(text.split()), tuple(languages or ()))


@lru_cache(maxsize=65536)
def _parse(text: str, languages: tuple[str, ...]) -> str | None:
    if not text or len(text) > 200:
        return None
    date = _fast(text)
    if date is None:
        date = _dateparser(text, languages)
    if date is None:
        return None
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    if date.year < EARLIEST_YEAR or date > tomorrow:
        return None
    return date.isoformat()


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
