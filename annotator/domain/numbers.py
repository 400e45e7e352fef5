"""When a stored value may be handed to a statistics package as a number.

R, SPSS and Stata read numbers as doubles. A value goes out as a number only if reading it
that way gives back exactly what was stored: ``1234567890123456789`` (more digits than a double
holds) and ``02134`` (a zip code; the leading zero is part of it) are identifiers, and stay
text. A column is numeric only if every value in it is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal

# Plain decimal notation as statistics packages read it (no "nan", "inf", "0x1F" or "1_000").
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
# A leading zero followed by another digit: "02134", "-007".
_LEADING_ZERO = re.compile(r"[+-]?0\d", re.ASCII)
# Integers up to here are written as integers (every one of them is a double).
_EXACT_INTEGERS = 2**53


def exact_number(text: str) -> int | float | None:
    """The number ``text`` holds if it survives the trip through a double exactly (the
    shortest form of that double has the same value), else ``None``. Integral values come
    back as ``int``."""
    if not _PLAIN.fullmatch(text) or _LEADING_ZERO.match(text):
        return None
    number = float(text)
    if not math.isfinite(number) or Decimal(repr(number)) != Decimal(text):
        return None
    if number.is_integer() and abs(number) <= _EXACT_INTEGERS:
        return int(number)
    return number


def numeric_column(values: Iterable[str]) -> bool:
    """True if every non-empty value is an :func:`exact_number`."""
    return all(exact_number(value) is not None for value in values if value != "")
