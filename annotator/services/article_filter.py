"""Conditions on a document variable that the article list filters by.

Plain values, no Qt: a :class:`Condition` says which values of one variable it accepts
(one value, some text within the value, a range of dates or numbers, or no value at all)
and how to describe itself to the user.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.io.variables_csv import check_value

_YEAR = re.compile(r"^\d{4}$", re.ASCII)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class Match(StrEnum):
    """How a condition compares a value."""

    IS = "is"  # the value, ignoring case
    CONTAINS = "contains"  # text within the value, ignoring case
    RANGE = "range"  # from ``low`` to ``high``, both included; either may be open
    EMPTY = "empty"  # no value


@dataclass(frozen=True)
class Condition:
    """Which articles one variable lets through the list's filter."""

    variable: str
    type: VariableType
    match: Match
    text: str = ""  # for IS and CONTAINS
    low: str = ""  # for RANGE: dates as YYYY-MM-DD, numbers as written; "" is open
    high: str = ""

    @classmethod
    def range_of(cls, variable: str, type_: VariableType, low: str, high: str) -> Condition:
        """A range from what the user typed: for dates a year (``2003``), a month
        (``2003-03``) or a day, the low end taken at its first day and the high end at its
        last; for numbers plain numbers. Raises :class:`UserError` for anything else."""
        if type_ is VariableType.DATE:
            low, high = date_bound(low, last=False), date_bound(high, last=True)
        elif type_ is VariableType.NUMBER:
            low, high = number_bound(low), number_bound(high)
        else:
            raise UserError(f"{variable} is a {type_.value} variable: it has no range")
        if not (low or high):
            raise UserError(f"give a first or a last {variable}, or both")
        if low and high and _order(type_, high) < _order(type_, low):
            raise UserError(f"{variable}: {low} comes after {high}")
        return cls(variable, type_, Match.RANGE, low=low, high=high)

    def accepts(self, value: str) -> bool:
        """Whether an article whose variable holds ``value`` ("" for none) is shown."""
        if self.match is Match.EMPTY:
            return not value
        if not value:
            return False
        if self.match is Match.IS:
            return value.casefold() == self.text.casefold()
        if self.match is Match.CONTAINS:
            return self.text.casefold() in value.casefold()
        try:
            key = _order(self.type, value)
        except ValueError:  # a value the type cannot hold (written by another program)
            return False
        low, high = self._bounds
        return (low is None or key >= low) and (high is None or key <= high)

    @cached_property
    def _bounds(self) -> tuple[_Key | None, _Key | None]:
        """The range's ends as values compare (None: open), worked out once per filter."""
        low = _order(self.type, self.low) if self.low else None
        high = _order(self.type, self.high) if self.high else None
        return low, high

    def describe(self) -> str:
        """The condition in words, as the filter bar shows it."""
        if self.match is Match.EMPTY:
            return f"{self.variable}: no value"
        if self.match is Match.IS:
            return f"{self.variable} is “{self.text}”"
        if self.match is Match.CONTAINS:
            return f"{self.variable} contains “{self.text}”"
        if self.low and self.high:
            if self.low == self.high:
                return f"{self.variable} is {self.low}"
            return f"{self.variable} from {self.low} to {self.high}"
        if self.low:
            return f"{self.variable} from {self.low}"
        return f"{self.variable} up to {self.high}"


def date_bound(text: str, *, last: bool) -> str:
    """``2003``, ``2003-03`` or ``2003-03-07`` as a date: the first day of the year or month
    (``last``: the last day); "" stays ""."""
    text = text.strip()
    if not text:
        return ""
    if _YEAR.match(text):
        return f"{text}-12-31" if last else f"{text}-01-01"
    month = _MONTH.match(text)
    if month:
        year, number = int(month[1]), int(month[2])
        if 1 <= number <= 12:
            day = calendar.monthrange(year, number)[1] if last else 1
            return f"{year:04d}-{number:02d}-{day:02d}"
    try:
        return check_value(text, VariableType.DATE)
    except UserError:
        raise UserError(
            f"'{text}' is not a date: write a year (2003), a month (2003-03) or a day (2003-03-07)"
        ) from None


def number_bound(text: str) -> str:
    """A number as typed ("" stays ""), or :class:`UserError`."""
    return check_value(text, VariableType.NUMBER) if text.strip() else ""


#: What a range compares: ``(number, "")`` for numbers, ``(0, ISO date)`` for dates.
_Key = tuple[float, str]


def _order(type_: VariableType, value: str) -> _Key:
    """What a range compares: dates as ISO text, numbers as floats (ValueError if neither)."""
    if type_ is VariableType.NUMBER:
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(value)
        return (number, "")
    if not _ISO_DATE.match(value):
        raise ValueError(value)
    return (0.0, value)
