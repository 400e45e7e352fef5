"""Find in the article: a bar under the reader (Ctrl+F), every match highlighted.

Matches are found in the article's Python text (code points) and shown through the reader's
extra selections (not the coding highlights, which the reader paints itself); the one
conversion to Qt's UTF-16 positions is :class:`~annotator.ui.offsets.OffsetMap`'s, so articles
with emoji or rare CJK characters are searched and highlighted exactly.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTextEdit,
    QToolButton,
    QWidget,
)

from annotator.domain import folding
from annotator.ui.controller import Controller
from annotator.ui.offsets import OffsetMap
from annotator.ui.reader import Reader

#: Keys of the find bar itself (listed by Help → Keyboard shortcuts).
FIND_BAR_KEYS = (
    ("Enter", "Next match", "Find bar"),
    ("Shift+Enter", "Previous match", "Find bar"),
    ("Esc", "Close the find bar", "Find bar"),
)
MATCH_COLOR = QColor("#FFE066")
CURRENT_COLOR = QColor("#FF9632")
# Beyond this many matches only the count is exact: highlighting tens of thousands of one-letter
# matches would make every repaint slow, and no one reads them all.
HIGHLIGHT_LIMIT = 5_000


def find_all(text: str, query: str, *, match_case: bool = False) -> list[tuple[int, int]]:
    """Every non-overlapping match of ``query`` in ``text``, as code-point spans of whole
    grapheme clusters: "café" typed finds "cafe" + U+0301 and the other way round, and
    unless ``match_case`` the case is folded ("strasse" finds "Straße")."""
    return folding.find_all(text, query, match_case=match_case)


class FindBar(QWidget):
    """Find in the open article: Enter or F3 goes to the next match, Shift+Enter or Shift+F3
    to the previous one, Esc closes the bar."""

    def __init__(
        self, reader: Reader, controller: Controller, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self.query = QLineEdit()
        self.query.setPlaceholderText("Find in this article")
        self.query.setClearButtonEnabled(True)
        self.query.installEventFilter(self)
        self.match_case = QCheckBox("Match case")
        self.count_label = QLabel()
        self.count_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("99999 of 99999"))
        previous_button = QToolButton()
        previous_button.setText("↑")
        previous_button.setToolTip("Previous match (Shift+Enter, Shift+F3)")
        next_button = QToolButton()
        next_button.setText("↓")
        next_button.setToolTip("Next match (Enter, F3)")
        close_button = QToolButton()
        close_button.setText("✕")
        close_button.setToolTip("Close (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.query, 1)
        layout.addWidget(previous_button)
        layout.addWidget(next_button)
        layout.addWidget(self.count_label)
        layout.addWidget(self.match_case)
        layout.addWidget(close_button)
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        self._offsets = OffsetMap("")
        self._searched_text: str | None = None
        self.query.textChanged.connect(lambda _: self.search())
        self.match_case.toggled.connect(lambda _: self.search())
        previous_button.clicked.connect(self.find_previous)
        next_button.clicked.connect(self.find_next)
        close_button.clicked.connect(self.close_bar)
        # Another article: the same words searched in it, from its start.
        controller.documentOpened.connect(lambda _: self._article_changed())
        self.hide()

    # -- the user's keys ---------------------------------------------------------------------

    def open_bar(self) -> None:
        """Show the bar with the query selected (a short selection in the text becomes it)."""
        selected = self.reader.textCursor().selectedText()
        if selected and len(selected) <= 100 and "\u2029" not in selected:
            self.query.setText(selected)
        self.show()
        self.query.setFocus()
        self.query.selectAll()
        self.search(keep_place=True)

    def close_bar(self) -> None:
        self.hide()
        self.reader.setExtraSelections([])
        self.reader.setFocus()

    def find_next(self) -> None:
        self._step(1)

    def find_previous(self) -> None:
        self._step(-1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shifted = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                self._step(-1 if shifted else 1)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)

    # -- searching ---------------------------------------------------------------------------

    def search(self, *, keep_place: bool = False) -> None:
        """Find every match of the query and go to the first one at or after the cursor."""
        text = self.reader.text
        if text is not self._searched_text:
            self._offsets = OffsetMap(text)
            self._searched_text = text
        self.matches = find_all(text, self.query.text(), match_case=self.match_case.isChecked())
        self.current = -1
        if self.matches:
            cursor = self.reader.textCursor()
            # Typing narrows the match in place; a new search starts from the selection's start.
            from_utf16 = cursor.selectionStart() if keep_place or cursor.hasSelection() else 0
            start = self._offsets.to_code_points(from_utf16)
            after = [i for i, (a, _) in enumerate(self.matches) if a >= start]
            self._go(after[0] if after else 0)
        else:
            self._show_matches()

    def _step(self, step: int) -> None:
        if not self.isVisible():
            self.open_bar()
            return
        if self._searched_text is not self.reader.text:
            self.search()
        if self.matches:
            self._go((self.current + step) % len(self.matches))

    def _go(self, number: int) -> None:
        self.current = number
        start, end = self.matches[number]
        self.reader.select_span(start, end)
        self._show_matches()

    def _article_changed(self) -> None:
        if self.isVisible():
            self.reader.moveCursor(QTextCursor.MoveOperation.Start)
            self.search()

    def _show_matches(self) -> None:
        """Highlight the matches and say where we are among them."""
        if not self.query.text():
            self.count_label.setText("")
        elif not self.matches:
            self.count_label.setText("no matches")
        else:
            self.count_label.setText(f"{self.current + 1} of {len(self.matches)}")
        self.query.setStyleSheet(
            "background: #FFD6D6" if self.query.text() and not self.matches else ""
        )
        selections = []
        to_utf16 = self._offsets.to_utf16
        shown = self.matches[:HIGHLIGHT_LIMIT]
        if 0 <= self.current < len(self.matches) and self.current >= HIGHLIGHT_LIMIT:
            shown = [*shown, self.matches[self.current]]
        current = self.matches[self.current] if self.current >= 0 else None
        for start, end in shown:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.reader.document())
            cursor.setPosition(to_utf16(start))
            cursor.setPosition(to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            text_format = QTextCharFormat()
            text_format.setBackground(CURRENT_COLOR if (start, end) == current else MATCH_COLOR)
            selection.format = text_format
            selections.append(selection)
        self.reader.setExtraSelections(selections)


def find_actions(window: QMainWindow, bar: FindBar) -> list[QAction]:
    """Edit → Find…, Find next, Find previous, with their keys (they act from anywhere in the
    window; F1 lists them with the others)."""
    actions = []
    for text, slot, key in (
        ("&Find in article…", bar.open_bar, QKeySequence.StandardKey.Find),
        ("Find ne&xt", bar.find_next, "F3"),
        ("Find pre&vious", bar.find_previous, "Shift+F3"),
    ):
        action = QAction(text, window)
        action.setShortcut(key)
        action.triggered.connect(lambda *_, slot=slot: slot())
        window.addAction(action)
        actions.append(action)
    return actions
