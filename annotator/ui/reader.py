"""The article reader: read-only text with coded passages highlighted and coding stripes.

Highlights are painted, not stored in the text document: on every paint the reader asks its
:class:`SpanIndex` for the spans on the visible lines and fills their rectangles behind the
text (blended where codes overlap), then lets Qt draw the text on top. Opening an article with
ten thousand codings therefore costs a sort, not ten thousand formatting calls. The stripes
margin on the left draws one lane per code, as MAXQDA's coding stripes do.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextBlock,
    QTextCursor,
    QTextLine,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from annotator.domain.text import snap_to_words
from annotator.ui.coder_lanes import (
    MARGIN_PADDING,
    LaneKey,
    coder_colors,
    fit_lanes,
    margin_room,
)
from annotator.ui.highlights import Span, SpanIndex, SpanRow, blend, segments
from annotator.ui.offsets import OffsetMap
from annotator.ui.outlines import OutlineLayer
from annotator.ui.reader_outlines import SuggestionHooks

SPAN_MIME = "application/x-annotator-span"
# Spans are read for the screen's text plus this much on either side (UTF-16 units), so that
# scrolling a little needs no new query.
WINDOW_MARGIN = 6_000
SpanSource = Callable[[int, int], list[tuple[int, int, int, int, int]]]
LANE_WIDTH = 6
LANE_GAP = 2
CODER_MARK = 2  # the width of a stripe's mark in its coder's colour (lanes by coder)


class BlockDrawing(NamedTuple):
    """A block's highlights ``(x, y, width, height, colour)`` and stripe pieces ``(lane, top,
    height, colour, coder's colour or None)``, relative to the block."""

    highlights: list[tuple[float, float, float, float, QColor]]
    stripes: list[tuple[int, float, float, QColor, QColor | None]]


class Reader(QPlainTextEdit, SuggestionHooks):
    """Shows one article. Offsets in and out of this class are code points. A machine's
    suggestions are outlined over it (:class:`~annotator.ui.reader_outlines.SuggestionHooks`)."""

    #: A code shortcut key was pressed (the key's text, lower case).
    shortcutPressed = Signal(str)
    #: The user clicked text covered by these codings (ids), or nothing coded (empty list).
    codingsClicked = Signal(list)
    #: The user clicked text inside these outlines (their keys), or outside any (empty list).
    outlinesClicked = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMouseTracking(True)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        self.setFont(font)
        self.document().setDocumentMargin(14)
        self.snap_to_words = True
        self.document_id: int | None = None
        self._text = ""
        self._offsets = OffsetMap("")
        self._source: SpanSource | None = None
        self._count = 0
        self._forget_window()
        self._colors: dict[int, str] = {}
        self._color_cache: dict[frozenset[int], QColor] = {}
        self._stripe_colors: dict[int, QColor] = {}
        self._code_names: dict[int, str] = {}
        self._coder_names: dict[int, str] = {}
        # The lanes asked for (by code, or by code and coder) and those drawn: narrowed or
        # packed by coder where they would not leave the text most of the width.
        self._given_lanes: dict[LaneKey, int] = {}
        self._given_count = 0
        self._lanes: dict[LaneKey, int] = {}
        self._coder_colors: dict[int, QColor] = {}
        self._lane_count = 0
        self._pitch = LANE_WIDTH + LANE_GAP
        self._pressed_at: QPoint | None = None
        self._bound: dict[int, Callable[[], object]] = {}
        #: Passages drawn as dashed outlines (a machine's suggestions), apart from codings.
        self.outlines = OutlineLayer()
        self.stripes = StripeMargin(self)
        self.updateRequest.connect(self._scrolled)
        self._update_margin()

    # -- content ---------------------------------------------------------------------------

    def show_article(self, document_id: int | None, text: str) -> None:
        """Show a new article (no highlights until :meth:`set_source`)."""
        self.document_id = document_id
        self._text = text
        self._offsets = OffsetMap(text)
        self._source = None
        self._forget_window()
        self.outlines.clear()
        # Qt makes one line break of a CR LF pair, which would move every position after it
        # by one: each CR is shown as a line break of its own (imports and merges store none,
        # but a project file written by another program is read as it is).
        self.setPlainText(text.replace("\r", "\n") if "\r" in text else text)

    @property
    def text(self) -> str:
        return self._text

    def set_source(
        self,
        source: SpanSource | None,
        count: int,
        colors: dict[int, str],
        code_names: dict[int, str],
        coder_names: dict[int, str],
        lane_order: Sequence[LaneKey | int],
    ) -> None:
        """Where the highlights come from, and how to draw them.

        ``source(start, end)`` returns ``(start, end, coding id, code id, coder id)`` of the
        spans overlapping ``[start, end)``, all in code points; the reader asks only for the
        part of the article near the screen. ``count`` is the number of spans in the article;
        ``colors`` maps code ids to ``#RRGGBB``; the names label tooltips; ``lane_order``
        lists the stripe lanes, nearest the text first: ``(code id, None)`` for a code's
        passages by every coder shown (or just the code id), ``(code id, coder id)`` for one
        coder's (marked in the coder's colour).
        """
        self._source = source
        self._colors = colors
        self._color_cache: dict[frozenset[int], QColor] = {}
        self._stripe_colors: dict[int, QColor] = {}
        self._code_names = code_names
        self._coder_names = coder_names
        self._coder_colors = {c: QColor(h) for c, h in coder_colors(coder_names).items()}
        self._forget_window()  # colours and coders may differ: draw everything anew
        self.refresh(count, lane_order)

    def refresh(self, count: int, lane_order: Sequence[LaneKey | int]) -> None:
        """The spans changed: read the spans near the screen again, and work out again only
        the highlights and stripes of the lines whose spans changed."""
        lanes = {
            key if isinstance(key, tuple) else (key, None): lane
            for lane, key in enumerate(lane_order)
        }
        self._count = count
        low, high = self._window
        old = self._index
        if self._source is None or low >= high or not count:
            self._forget_window()
        else:
            self._index = SpanIndex(self._source_between(low, high))
            changed = old.rows() ^ self._index.rows()
            if lanes != self._given_lanes:  # a code came into or went out of use: stripes move
                changed = old.rows() | self._index.rows()
            self._forget_blocks(low, high, changed)
        self._given_lanes, self._given_count = lanes, len(lanes)
        self._fit_lanes()
        self._update_margin()
        self.viewport().update()
        self.stripes.update()

    def _forget_blocks(self, low: int, high: int, changed: set[SpanRow]) -> None:
        """Drop the cached drawing of blocks outside ``[low, high)`` (UTF-16 units; their
        spans were not read again) and of blocks under the changed spans."""
        document = self.document()
        first, beyond = document.findBlock(low), document.findBlock(high)
        # The blocks wholly inside the window (the block holding ``high`` reaches past it).
        inside = range(
            first.blockNumber() + (first.position() < low),
            beyond.blockNumber() if beyond.isValid() else document.blockCount(),
        )
        stale = set()
        for start, end, *_ in changed:
            stale.update(
                range(
                    document.findBlock(start).blockNumber(),
                    document.findBlock(max(end - 1, start)).blockNumber() + 1,
                )
            )

        def keep(key: tuple[int, int]) -> bool:
            return key[0] in inside and key[0] not in stale

        self._drawing_cache = {k: v for k, v in self._drawing_cache.items() if keep(k)}

    def set_lane_count(self, lanes: int) -> None:
        """Make room for this many stripe lanes (before showing text, to lay it out once)."""
        self._given_count = lanes
        self._fit_lanes()
        self._update_margin()

    def _fit_lanes(self) -> None:
        """Fit the lanes asked for into the margin this reader's width allows."""
        fit = fit_lanes(
            self._given_lanes, self._given_count, margin_room(self.width()), LANE_WIDTH + LANE_GAP
        )
        if fit.lanes != self._lanes:  # stripes move to other lanes
            self._drawing_cache = {}
        self._lanes, self._lane_count, self._pitch = fit

    def _forget_window(self) -> None:
        self._window = (0, 0)
        self._index = SpanIndex()
        self._drawing_cache: dict[tuple[int, int], BlockDrawing] = {}

    def _spans_near(self, start: int, end: int) -> SpanIndex:
        """The spans around ``[start, end)`` (UTF-16 units), read once per window of text."""
        if self._source is None:
            return self._index
        if not (self._window[0] <= start and end <= self._window[1]):
            margin = max(WINDOW_MARGIN, 2 * (end - start))
            low = max(0, start - margin)
            high = min(self._offsets.utf16_length, end + margin)
            self._index = SpanIndex(self._source_between(low, high))
            self._window = (low, high)
        return self._index

    def _source_between(self, low: int, high: int) -> list[SpanRow]:
        """The spans overlapping ``[low, high)``, in UTF-16 units (both ways)."""
        assert self._source is not None
        to_points, to_units = self._offsets.to_code_points, self._offsets.to_utf16
        spans = self._source(to_points(low), to_points(high) + 1)
        if not self._offsets.is_identity:
            spans = [(to_units(s), to_units(e), i, c, k) for s, e, i, c, k in spans]
        return spans

    def span_count(self) -> int:
        """How many passages (span codings) the article has for the coders shown."""
        return self._count

    # -- selection in code points --------------------------------------------------------------

    def selected_span(self) -> tuple[int, int] | None:
        """The selection as a code-point span (snapped to words when that is on), or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._offsets.to_code_points(cursor.selectionStart())
        end = self._offsets.to_code_points(cursor.selectionEnd())
        if self.snap_to_words:
            start, end = snap_to_words(self._text, start, end)
        return (start, end) if start < end else None

    def raw_selected_span(self) -> tuple[int, int] | None:
        """The selection as a code-point span as it is, not snapped to words (None: none)."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return (
            self._offsets.to_code_points(cursor.selectionStart()),
            self._offsets.to_code_points(cursor.selectionEnd()),
        )

    def cursor_position(self) -> int:
        """Where the text cursor is (the start of the selection, if any), in code points."""
        return self._offsets.to_code_points(self.textCursor().selectionStart())

    def select_span(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (code points) and scroll it into view."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_utf16(start))
        cursor.setPosition(self._offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.centerCursor()

    def _position_at(self, point: QPoint) -> int:
        """The character under a viewport point (UTF-16 units)."""
        cursor = self.cursorForPosition(point)
        position = cursor.position()
        # cursorForPosition gives the nearest gap between characters; take the character on
        # the side that was pointed at.
        if point.x() < self.cursorRect(cursor).left() and position > 0:
            position -= 1
        return position

    def spans_at(self, point: QPoint) -> list[Span]:
        """The spans covering the character under a viewport point."""
        position = self._position_at(point)
        return self._spans_near(position, position + 1).at(position)

    def codings_at(self, point: QPoint) -> list[int]:
        """Ids of the codings covering the character under a viewport point."""
        return [span.coding_id for span in self.spans_at(point)]

    def label(self, span: Span) -> str:
        """Tooltip text for a span: its code's path and its coder."""
        code = self._code_names.get(span.code_id, "?")
        return f"{code} — {self._coder_names.get(span.coder_id, '?')}"

    # -- events ------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        handler = self._bound_handler(event)  # a suggestion's key (bind_key)
        if handler is not None:
            event.accept()
            handler()
            return
        text = event.text()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
            Qt.KeyboardModifier.ShiftModifier,
        )
        if plain and len(text) == 1 and text.isprintable() and not text.isspace():
            self.shortcutPressed.emit(text.lower())
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressed_at = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        point = event.position().toPoint()
        moved = self._pressed_at is not None and (point - self._pressed_at).manhattanLength() > 3
        self._pressed_at = None
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if moved and self.snap_to_words:
            span = self.selected_span()
            if span is not None:
                self._select_quietly(*span)
        elif not moved:
            self.codingsClicked.emit(self.codings_at(point))
            self.outlinesClicked.emit(self.outlines_at(point))

    def _select_quietly(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_utf16(start))
        cursor.setPosition(self._offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            labels = sorted({self.label(span) for span in self.spans_at(event.pos())})
            labels += [self.outlines.label(k) for k in self.outlines_at(event.pos())]
            if labels:
                QToolTip.showText(event.globalPos(), "\n".join(labels), self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def createMimeDataFromSelection(self) -> QMimeData:
        """Dragging a selection carries its span, so it can be dropped on a code."""
        mime = super().createMimeDataFromSelection()
        span = self.selected_span()
        if span is not None and self.document_id is not None:
            payload = {"document_id": self.document_id, "start": span[0], "end": span[1]}
            mime.setData(SPAN_MIME, json.dumps(payload).encode())
        return mime

    # -- painting ------------------------------------------------------------------------------

    def visible_blocks(self) -> Iterator[tuple[QTextBlock, QRectF]]:
        """Blocks on screen with their rectangles in viewport coordinates."""
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        bottom = self.viewport().height()
        while block.isValid():
            rect = self.blockBoundingGeometry(block).translated(offset)
            if rect.top() > bottom:
                break
            if block.isVisible():
                yield block, rect
            block = block.next()

    def _visible_index(self) -> tuple[list[tuple[QTextBlock, QRectF]], SpanIndex]:
        blocks = list(self.visible_blocks())
        if not blocks or not self._count:
            return blocks, SpanIndex()
        first, last = blocks[0][0], blocks[-1][0]
        return blocks, self._spans_near(first.position(), last.position() + last.length())

    def paintEvent(self, event: QPaintEvent) -> None:
        blocks, index = self._visible_index()
        if len(index) or len(self.outlines):
            painter = QPainter(self.viewport())
            clip = event.rect()
            shown = [(block, rect) for block, rect in blocks if rect.bottom() >= clip.top()]
            if len(index):
                for block, rect in shown:
                    self._paint_block(painter, index, block, rect)
            # Over the codings' colours, under the text; on the lines on screen.
            self.outlines.paint(painter, shown, self.viewport().height())
            painter.end()
        super().paintEvent(event)

    def _paint_block(
        self, painter: QPainter, index: SpanIndex, block: QTextBlock, rect: QRectF
    ) -> None:
        origin = rect.topLeft() + block.layout().position()
        for x, y, width, height, color in self._drawing(index, block).highlights:
            painter.fillRect(QRectF(origin.x() + x, origin.y() + y, width, height), color)

    def _blended(self, codes: frozenset[int]) -> QColor:
        """The highlight colour of a set of overlapping codes (made once per set)."""
        color = self._color_cache.get(codes)
        if color is None:
            color = QColor(blend(self._colors.get(code, "#DDDDDD") for code in codes))
            self._color_cache[codes] = color
        return color

    def _stripe_color(self, code_id: int) -> QColor:
        color = self._stripe_colors.get(code_id)
        if color is None:
            color = self._stripe_colors[code_id] = self._blended(frozenset({code_id})).darker(115)
        return color

    def _drawing(self, index: SpanIndex, block: QTextBlock) -> BlockDrawing:
        """What to paint for a block's codings, relative to the block: worked out once and
        reused by later paints until its spans, the text's width or the lanes change."""
        key = (block.blockNumber(), self.viewport().width())
        cached = self._drawing_cache.get(key)
        if cached is not None:
            return cached
        start, length = block.position(), block.length()
        spans = index.overlapping(start, start + max(length, 1))
        layout = block.layout()
        lines = [layout.lineAt(i) for i in range(layout.lineCount())]
        drawing = BlockDrawing([], [])
        if spans and lines:
            line_starts = [line.textStart() for line in lines]
            self._highlights(drawing.highlights, spans, start, length, lines, line_starts)
            for span in spans:
                mark = self._coder_colors.get(span.coder_id)
                lane = self._lanes.get((span.code_id, span.coder_id))
                if lane is None:
                    lane, mark = self._lanes.get((span.code_id, None)), None
                if lane is None:
                    continue
                # The lines holding the span's first and last characters within the block.
                first = lines[max(bisect_right(line_starts, span.start - start) - 1, 0)]
                end = min(span.end - start, length) - 1
                last = lines[max(bisect_right(line_starts, end) - 1, 0)]
                top = first.y()
                height = last.y() + last.height() - top
                color = self._stripe_color(span.code_id)
                drawing.stripes.append((lane, top, height, color, mark))
        self._drawing_cache[key] = drawing
        return drawing

    def _highlights(
        self,
        rectangles: list[tuple[float, float, float, float, QColor]],
        spans: list[Span],
        start: int,
        length: int,
        lines: list[QTextLine],
        line_starts: list[int],
    ) -> None:
        """Append a rectangle per line of each piece of text under one set of codes."""
        line_ends = [
            first + line.textLength() for first, line in zip(line_starts, lines, strict=True)
        ]
        x_at: dict[tuple[int, int], float] = {}  # neighbouring pieces share their edges

        def x(number: int, position: int) -> float:
            found = x_at.get((number, position))
            if found is None:
                found = x_at[(number, position)] = lines[number].cursorToX(position)[0]
            return found

        for a, b, codes in segments(spans, start, start + max(length - 1, 0)):
            color = self._blended(codes)
            left, right = a - start, b - start
            # Only the lines the piece runs over, from the one it starts on.
            number = max(bisect_right(line_starts, left) - 1, 0)
            while number < len(lines) and line_starts[number] < right:
                first, last = max(left, line_starts[number]), min(right, line_ends[number])
                if first < last:
                    line = lines[number]
                    x1, x2 = x(number, first), x(number, last)
                    rectangles.append((x1, line.y(), x2 - x1, line.height(), color))
                number += 1

    def paint_stripes(self, painter: QPainter, width: int) -> None:
        """Draw the coding stripes for the visible lines into the margin widget."""
        top_offset = self.viewport().geometry().top() - self.stripes.geometry().top()
        pitch = self._pitch
        lane_width = pitch - (LANE_GAP if pitch > LANE_WIDTH else 1)
        mark_width = max(1, min(CODER_MARK, lane_width // 2))
        blocks, index = self._visible_index()
        if not len(index):
            return
        for block, rect in blocks:
            origin_y = rect.top() + block.layout().position().y() + top_offset
            for lane, top, height, color, mark in self._drawing(index, block).stripes:
                x = width - (lane + 1) * pitch
                painter.fillRect(QRectF(x, origin_y + top, lane_width, height), color)
                if mark is not None:
                    painter.fillRect(QRectF(x, origin_y + top, mark_width, height), mark)

    def stripe_spans_at(self, y: int) -> list[Span]:
        """Spans whose stripe passes the margin's height ``y`` (for tooltips)."""
        point = QPoint(1, y + self.stripes.geometry().top() - self.viewport().geometry().top())
        cursor = self.cursorForPosition(point)
        block = cursor.block()
        line = block.layout().lineForTextPosition(cursor.positionInBlock())
        if not line.isValid():
            return []
        start = block.position() + line.textStart()
        end = start + line.textLength() + 1
        return self._spans_near(start, end).overlapping(start, end)

    def _margin_width(self) -> int:
        lanes = self._lane_count
        if not lanes:
            return MARGIN_PADDING
        return MARGIN_PADDING + min(lanes * self._pitch, margin_room(self.width()))

    def _update_margin(self) -> None:
        width = self._margin_width()
        if width != self.viewportMargins().left():  # a change relays out and repaints
            self.setViewportMargins(width, 0, 0, 0)
            self._place_stripes()

    def _place_stripes(self) -> None:
        rect = self.contentsRect()
        self.stripes.setGeometry(
            QRect(rect.left(), rect.top(), self._margin_width(), rect.height())
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The margin's share of a wider or narrower reader first: the text is then laid out
        # once, for the viewport that remains (laid out before, its lines overran the view).
        self._fit_lanes()
        self._update_margin()
        super().resizeEvent(event)
        self._place_stripes()

    def _scrolled(self, rect: QRect, dy: int) -> None:
        self.stripes.update()


class StripeMargin(QWidget):
    """The margin left of the text where each code's passages show as a coloured bar."""

    def __init__(self, reader: Reader) -> None:
        super().__init__(reader)
        self.reader = reader
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(self.reader._margin_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().window())
        self.reader.paint_stripes(painter, self.width())
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            spans = self.reader.stripe_spans_at(event.pos().y())
            labels = sorted({self.reader.label(span) for span in spans})
            if labels:
                QToolTip.showText(event.globalPos(), "\n".join(labels), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
