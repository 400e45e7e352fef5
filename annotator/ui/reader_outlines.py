"""The reader's hooks for a machine's suggestions (:mod:`annotator.ui.machine.suggestions`):
their passages outlined over the text (drawn by :class:`~annotator.ui.outlines.OutlineLayer`),
found under the pointer and on screen, and the keys the suggestions answer in the reader
alone. Codings, which the reader fills with their code's colour, are apart from these."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QKeyCombination, QPoint, QRectF, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextBlock
from PySide6.QtWidgets import QWidget

from annotator.ui.offsets import OffsetMap
from annotator.ui.outlines import OutlineLayer


class SuggestionHooks:
    """Mixed into :class:`annotator.ui.reader.Reader`, whose ``outlines``, ``_offsets`` (its
    text's code points and UTF-16 units), ``_bound`` keys, viewport, visible blocks and
    character under a point these use."""

    outlines: OutlineLayer
    _offsets: OffsetMap
    _bound: dict[int, Callable[[], object]]

    if TYPE_CHECKING:  # the reader's

        def viewport(self) -> QWidget: ...
        def visible_blocks(self) -> Iterator[tuple[QTextBlock, QRectF]]: ...
        def _position_at(self, point: QPoint) -> int: ...

    def set_outlines(
        self,
        spans: Sequence[tuple[int, int, int, str]],
        label: Callable[[int], str],
        current: int | None = None,
    ) -> None:
        """Outline these ``(start, end, key, '#RRGGBB')`` passages (code points) with a dashed
        line, ``current`` solid; ``label(key)`` is an outline's tooltip."""
        self.outlines.set(self._offsets, spans, label, current)
        self.viewport().update()

    def set_current_outline(self, key: int | None) -> None:
        if key != self.outlines.current:
            self.outlines.current = key
            self.viewport().update()

    def outline_span(self, key: int) -> tuple[int, int] | None:
        """An outline's passage in code points (None: it is not outlined)."""
        span = self.outlines.span_of(key)
        if span is None:
            return None
        return self._offsets.to_code_points(span[0]), self._offsets.to_code_points(span[1])

    def outline_rectangles(self) -> list[tuple[int, QRectF]]:
        """The outlines on screen: each one's key and rectangle on each of its lines, in
        viewport coordinates."""
        blocks = list(self.visible_blocks())
        height = self.viewport().height()
        return [(o.key, r) for o, r in self.outlines.rectangles(blocks, height)]

    def outlines_at(self, point: QPoint) -> list[int]:
        """The keys of the outlines covering the character under a viewport point."""
        if not len(self.outlines):
            return []
        return self.outlines.keys_at(self._position_at(point))

    def bind_key(self, key: str, handler: Callable[[], object]) -> None:
        """Answer a key (``"Ctrl+Return"``) typed in the reader with ``handler``. Keys taken
        here, not as the window's shortcuts, leave the same keys to every other field (Ctrl+
        Backspace deletes a word in the filter box) and to windows not yet active."""
        self._bound[QKeySequence(key)[0].toCombined()] = handler

    def _bound_handler(self, event: QKeyEvent) -> Callable[[], object] | None:
        """What :meth:`bind_key` bound to the key pressed (the keypad's as the others)."""
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return self._bound.get(QKeyCombination(modifiers, Qt.Key(event.key())).toCombined())
