"""Passages drawn as dashed outlines over the reader's text: a machine's suggestions, kept
apart from codings (which the reader fills with their code's colour).

Each outline is drawn around the text it covers, line by line, in its code's colour made
darker (the codes' colours are pastels), dashed; the current one (the suggestion the keys act
on) solid, thicker and lightly filled. Offsets come in as code points and are kept in UTF-16
units, the reader's (see :mod:`annotator.ui.offsets`). Only the outlines on the lines on
screen are worked out, on each paint.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTextBlock

from annotator.ui.offsets import OffsetMap

#: How much darker than its code's colour an outline is drawn (QColor.darker's factor).
DARKER = 190
#: A dashed outline is two one-pixel dashed rectangles, one inside the other (Qt strokes a
#: wider dashed pen several times slower: a hundred outlines on screen would cost 20 ms).
DASH_PATTERN = (4.0, 3.0)
CURRENT_WIDTH = 3
CURRENT_FILL_ALPHA = 70


class Outline(NamedTuple):
    """One outlined passage, in UTF-16 units of the reader's text; ``key`` names it to the
    caller (a machine coding's id)."""

    start: int
    end: int
    key: int
    color: QColor


class OutlineLayer:
    """The outlines of one article (see the module's text)."""

    def __init__(self) -> None:
        self._outlines: list[Outline] = []
        self._starts: list[int] = []
        self._longest = 0
        self._label: Callable[[int], str] = lambda key: ""
        self.current: int | None = None

    def set(
        self,
        offsets: OffsetMap,
        spans: Iterable[tuple[int, int, int, str]],
        label: Callable[[int], str],
        current: int | None = None,
    ) -> None:
        """Outline these ``(start, end, key, '#RRGGBB')`` passages (code points);
        ``label(key)`` is an outline's tooltip."""
        to_units = offsets.to_utf16
        colors: dict[str, QColor] = {}  # a few codes, hundreds of outlines

        def darker(color: str) -> QColor:
            found = colors.get(color)
            if found is None:
                found = colors[color] = QColor(color).darker(DARKER)
            return found

        self._outlines = sorted(
            (
                Outline(to_units(start), to_units(end), key, darker(color))
                for start, end, key, color in spans
                if start < end
            ),
            key=lambda o: (o.start, o.end, o.key),
        )
        self._starts = [o.start for o in self._outlines]
        self._longest = max((o.end - o.start for o in self._outlines), default=0)
        self._label = label
        self.current = current

    def clear(self) -> None:
        self._outlines, self._starts, self._longest = [], [], 0
        self._label = lambda key: ""
        self.current = None

    def __len__(self) -> int:
        return len(self._outlines)

    def overlapping(self, start: int, end: int) -> list[Outline]:
        """Outlines overlapping ``[start, end)`` (UTF-16 units)."""
        first = bisect_left(self._starts, start - self._longest)
        last = bisect_left(self._starts, end)
        return [o for o in self._outlines[first:last] if o.end > start]

    def keys_at(self, position: int) -> list[int]:
        """The keys of the outlines covering the character at ``position`` (UTF-16)."""
        return [o.key for o in self.overlapping(position, position + 1)]

    def label(self, key: int) -> str:
        return self._label(key)

    def span_of(self, key: int) -> tuple[int, int] | None:
        """An outline's ``(start, end)`` in UTF-16 units (None: not outlined)."""
        for outline in self._outlines:
            if outline.key == key:
                return outline.start, outline.end
        return None

    # -- drawing ---------------------------------------------------------------------------

    def rectangles(
        self, blocks: Sequence[tuple[QTextBlock, QRectF]], height: float | None = None
    ) -> list[tuple[Outline, QRectF]]:
        """Each outline's rectangle on each line it covers, of the blocks given (with their
        rectangles in viewport coordinates, as the reader lists those on screen); with
        ``height`` (the viewport's), on the lines from 0 to ``height`` only: an article of
        one long paragraph is one block of thousands of lines."""
        found: list[tuple[Outline, QRectF]] = []
        if not self._outlines:
            return found
        for block, rect in blocks:
            start, length = block.position(), block.length()
            layout = block.layout()
            origin = rect.topLeft() + layout.position()
            lines = [layout.lineAt(i) for i in range(layout.lineCount())]
            low, high = start, start + max(length, 1)
            if height is not None and lines:
                tops = [origin.y() + line.y() for line in lines]
                first = max(bisect_right(tops, 0.0) - 1, 0)
                last = max(bisect_right(tops, height) - 1, 0)
                low = start + lines[first].textStart()
                high = start + lines[last].textStart() + lines[last].textLength()
                high = max(high, low + 1)
            outlines = self.overlapping(low, high)
            if not outlines:
                continue
            line_starts = [line.textStart() for line in lines]
            for outline in outlines:
                left = max(outline.start - start, 0)
                right = min(outline.end - start, max(length - 1, 0))
                number = max(bisect_right(line_starts, left) - 1, 0)
                while number < len(lines) and line_starts[number] < right:
                    line = lines[number]
                    first = max(left, line.textStart())
                    last = min(right, line.textStart() + line.textLength())
                    if first < last:
                        x1, x2 = line.cursorToX(first)[0], line.cursorToX(last)[0]
                        found.append(
                            (
                                outline,
                                QRectF(
                                    QPointF(origin.x() + min(x1, x2), origin.y() + line.y()),
                                    QPointF(
                                        origin.x() + max(x1, x2),
                                        origin.y() + line.y() + line.height(),
                                    ),
                                ),
                            )
                        )
                    number += 1
        return found

    def paint(
        self,
        painter: QPainter,
        blocks: Sequence[tuple[QTextBlock, QRectF]],
        height: float | None = None,
    ) -> None:
        """Draw the outlines on the blocks given (behind the text: call before Qt draws it),
        on the lines from 0 to ``height`` if given."""
        pieces = self.rectangles(blocks, height)
        if not pieces:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        dashed = QPen()
        dashed.setCosmetic(True)
        dashed.setWidth(1)
        dashed.setDashPattern(list(DASH_PATTERN))
        for outline, rect in pieces:
            if outline.key == self.current:
                fill = QColor(outline.color)
                fill.setAlpha(CURRENT_FILL_ALPHA)
                painter.fillRect(rect, fill)
                pen = QPen(outline.color, CURRENT_WIDTH)
                painter.setPen(pen)
                inset = CURRENT_WIDTH / 2
                painter.drawRect(rect.adjusted(inset, inset, -inset, -inset))
                continue
            dashed.setColor(outline.color)
            painter.setPen(dashed)
            outer = rect.adjusted(0.5, 0.5, -1.5, -1.5)  # a one-pixel line on whole pixels
            painter.drawRect(outer)
            painter.drawRect(outer.adjusted(1, 1, -1, -1))
        painter.restore()
