"""The dates of a sheet's date column, read in one order of day and month for the column.

"03/04/2020" is 3 April in Europe and March 4 in the United States, and a sheet does not say
which. The column does: a date whose first number is over 12 ("13/1/2020") shows it is day
first, one whose second number is over 12 ("1/13/2020") month first. A column with both is
inconsistent: its numeric dates are kept as text and reported. A column with neither is read
in the order of each row's ``language`` (German: day first; American English: month first);
where none is known, a date whose day and month could swap is kept as text and reported, and
only the dates that read the same either way ("05/05/2020") are taken. Dotted dates
("03.04.2020") are day first everywhere, and a year first ("2020/04/03") is never in doubt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from annotator.io.news.dates import Order, numeric_parts, parse_date

# Languages whose numeric dates put the day first (ISO 639-1 codes and names as databases and
# scrapers write them). English is missing on purpose: its order depends on the country.
_DAY_FIRST = frozenset(
    [
        "de",
        "deutsch",
        "german",
        "fr",
        "français",
        "francais",
        "french",
        "es",
        "español",
        "espanol",
        "spanish",
        "it",
        "italiano",
        "italian",
        "nl",
        "nederlands",
        "dutch",
        "pt",
        "português",
        "portugues",
        "portuguese",
        "ru",
        "русский",
        "russian",
        "pl",
        "polski",
        "polish",
        "sv",
        "svenska",
        "swedish",
        "da",
        "dansk",
        "danish",
        "no",
        "nb",
        "nn",
        "norsk",
        "norwegian",
        "fi",
        "suomi",
        "finnish",
        "cs",
        "czech",
        "sk",
        "slovak",
        "tr",
        "türkçe",
        "turkish",
        "el",
        "greek",
        "ro",
        "romanian",
        "bg",
        "bulgarian",
        "uk",
        "ukrainian",
        "hr",
        "croatian",
        "sr",
        "serbian",
        "sl",
        "slovenian",
        "et",
        "estonian",
        "lv",
        "latvian",
        "lt",
        "lithuanian",
        "ca",
        "catalan",
        "id",
        "indonesian",
        "ar",
        "arabic",
        "he",
        "hebrew",
    ]
)
_DAY_FIRST_REGIONS = frozenset(["gb", "uk", "au", "nz", "ie", "in", "za", "sg", "my", "ng", "ke"])
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ColumnOrder:
    """What a date column's own dates tell of its order: ``order`` when its dates show one,
    ``conflict`` (a day-first and a month-first date, each with its row) when they show both."""

    name: str
    order: Order | None = None
    conflict: tuple[tuple[str, str], tuple[str, str]] | None = None


def column_order(name: str, values: Iterable[tuple[str, str]]) -> ColumnOrder:
    """The order of the numeric dates of the column ``name``, from its ``(where, value)``."""
    day_first: tuple[str, str] | None = None
    month_first: tuple[str, str] | None = None
    for where, value in values:
        parts = numeric_parts(value)
        if parts is None or parts[2] == ".":
            continue
        first, second, _ = parts
        if first > 12 >= second and day_first is None:
            day_first = (where, value)
        elif second > 12 >= first and month_first is None:
            month_first = (where, value)
        if day_first and month_first:
            return ColumnOrder(name, conflict=(day_first, month_first))
    if day_first:
        return ColumnOrder(name, "DMY")
    if month_first:
        return ColumnOrder(name, "MDY")
    return ColumnOrder(name)


def language_order(language: str) -> Order | None:
    """The order of numeric dates in ``language`` ("de", "German", "en-US", "en_GB"), or None
    when it does not tell (English alone, an unknown language)."""
    words = _WORDS.findall(language.casefold())
    if not words:
        return None
    if words[0] in ("en", "english"):
        region = words[1] if len(words) > 1 else ""
        if region in ("us", "usa"):
            return "MDY"
        return "DMY" if region in _DAY_FIRST_REGIONS else None
    return "DMY" if words[0] in _DAY_FIRST else None


# A date written without separators, year first ("20230115", as BIGKinds writes its 일자).
_COMPACT = re.compile(r"((?:18|19|20)\d\d)([01]\d)([0-3]\d)")


def read_date(value: str, column: ColumnOrder, language: str) -> tuple[str | None, str]:
    """``value`` of ``column`` as an ISO date, or None with why it is kept as text."""
    compact = _COMPACT.fullmatch(value.strip())
    if compact is not None:
        iso = parse_date("-".join(compact.groups()))
        return iso, "" if iso else "is not a date"
    parts = numeric_parts(value)
    if parts is None or parts[2] == ".":
        iso = parse_date(value)
        return iso, "" if iso else "is not a date"
    first, second, _ = parts
    if column.conflict is not None:
        (where_d, day), (where_m, month) = column.conflict
        both = (
            f"the column '{column.name}' has both, day first ('{day}', {where_d}) and month "
            f"first ('{month}', {where_m})"
        )
        # A date with a number over 12 reads one way only; the column still cannot be trusted.
        if first > 12 >= second:
            return None, f"is day first, but {both}"
        if second > 12 >= first:
            return None, f"is month first, but {both}"
        return None, f"could be day or month first: {both}"
    if first > 12 and second > 12:
        return None, "is not a date"
    order = column.order or language_order(language)
    if order is None:
        if first != second:
            return None, (
                "could be day or month first, and neither the column nor a language tells which"
            )
        order = "DMY"  # the same either way
    iso = parse_date(value, order=order)
    return iso, "" if iso else "is not a date"
