"""When a stored value may be handed to a statistics package as a number.

R, SPSS and Stata read numbers as doubles. A value goes out as a number only if reading it
that way gives back exactly what was stored: ``1234567890123456789`` (more digits than a double
holds) and ``02134`` (a zip code; the leading zero is part of it) are identifiers, and stay
text. A column is numeric only if every value in it is, and no two different values in it
are the same number: section ``1.1`` and section ``1.10`` are two sections, not one.
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
# Integral values below this go out as integers (they fit the 64-bit integers of pandas).
_INTEGERS = 2**63


def exact_number(text: str) -> int | float | None:
    """The number ``text`` holds if it survives the trip through a double exactly (the
    shortest form of that double has the same value), else ``None``. Integral values come
    back as ``int`` (below 2**63, the integers pandas holds)."""
    if not _PLAIN.fullmatch(text) or _LEADING_ZERO.match(text):
        return None
    number, value = float(text), Decimal(text)
    if not math.isfinite(number) or Decimal(repr(number)) != value:
        return None
    if number.is_integer() and abs(number) < _INTEGERS:
        return int(value)  # the digits stored, not the double's binary expansion of them
    return number


def numeric_column(values: Iterable[str]) -> bool:
    """True if every non-empty value is an :func:`exact_number` and no two different values
    are the same number (``1.1`` and ``1.10``, ``7`` and ``+7``): written as numbers, they
    would become one value, and what set them apart would be lost."""
    seen: dict[int | float, str] = {}
    for value in values:
        if value == "":
            continue
        number = exact_number(value)
        if number is None or seen.setdefault(number, value) != value:
            return False
    return True
