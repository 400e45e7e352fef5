"""The status bar's "Done: Ana 8/8 · Ben 5/8 · …": every coder's progress in the room the bar
has, the rest elided (the whole list in the tooltip), so that no number of coders widens the
window; names are shown as text, never read as markup."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

PREFIX = "Done: "
SEPARATOR = " · "
MORE = " · …"


class ProgressLabel(QLabel):
    """Coders' progress, one item per coder; the current coder's in bold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._items: list[tuple[str, bool]] = []

    def set_items(self, items: list[tuple[str, bool]]) -> None:
        """Show ``items`` (text, whether it is the current coder's) as far as they fit."""
        self._items = items
        self.setToolTip(f"<p>{escape(self.full_text())}</p>")  # rich, so escaped: never markup
        self.updateGeometry()
        self._fit()

    def full_text(self) -> str:
        """The whole line as plain text (what the tooltip shows)."""
        return PREFIX + SEPARATOR.join(text for text, _ in self._items)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self._width(len(self._items), elided=False) + 4, hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(PREFIX + "…") + 4, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _width(self, count: int, *, elided: bool) -> int:
        plain, bold = self.fontMetrics(), QFontMetrics(_bold(self.font()))
        width = plain.horizontalAdvance(PREFIX)
        for k, (text, mine) in enumerate(self._items[:count]):
            if k:
                width += plain.horizontalAdvance(SEPARATOR)
            width += (bold if mine else plain).horizontalAdvance(text)
        if elided:
            width += plain.horizontalAdvance(MORE if count else "…")
        return width

    def _fit(self) -> None:
        room = self.contentsRect().width() - 4
        count = len(self._items)
        if self._width(count, elided=False) > room:
            count -= 1
            while count > 0 and self._width(count, elided=True) > room:
                count -= 1
        shown = [f"<b>{escape(t)}</b>" if mine else escape(t) for t, mine in self._items[:count]]
        text = escape(PREFIX) + SEPARATOR.join(shown)
        if count < len(self._items):
            text += MORE if count else "…"
        super().setText(text)


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold
