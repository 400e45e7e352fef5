"""The one place where Python string offsets and Qt text positions meet.

The project stores offsets as Python string indices (Unicode code points). Qt's text classes
count UTF-16 code units, in which every character outside the Basic Multilingual Plane (emoji,
rare CJK) takes two. :class:`OffsetMap` converts between the two for one text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts offsets in one text between code points and UTF-16 units."""

    def __init__(self, text: str) -> None:
        # Code-point index of every astral character, and the UTF-16 index just after it.
        self._astral = (
            [match.start() for match in _ASTRAL.finditer(text)] if _has_astral(text) else []
        )
        self._astral_end_utf16 = [p + k + 2 for k, p in enumerate(self._astral)]
        self.length = len(text)
        self.utf16_length = len(text) + len(self._astral)

    @property
    def is_identity(self) -> bool:
        """True when the text has no astral characters: both counts agree everywhere."""
        return not self._astral

    def to_utf16(self, position: int) -> int:
        """Code-point offset → UTF-16 offset."""
        return position + bisect_left(self._astral, position)

    def to_code_points(self, position: int) -> int:
        """UTF-16 offset → code-point offset (a position inside a surrogate pair moves to
        the character's end)."""
        return position - bisect_right(self._astral_end_utf16, position)


def _has_astral(text: str) -> bool:
    """Whether any character takes two UTF-16 units. Most articles have none, and these two
    checks run at C speed where the regular expression would walk a long article slowly."""
    return not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)
