"""The query box: the query (or a regular expression), its options, one line on the syntax
that turns into what is wrong with the query as it is typed (inline, never a dialog), the
Search and Cancel buttons and where the search stands."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services import search

QUERY_SYNTAX = (
    'Words, "a phrase", remit* for every word that begins so, AND / OR / NOT (in capitals) '
    "and ( ); case and accents are ignored unless ticked."
)
REGEX_SYNTAX = (
    r"A regular expression on the text as stored (\b word edge, \s space, (a|b) either, "
    r"^ $ line ends); stopped after {seconds:g} s."
)
ERROR_STYLE = "color: #B00020"
HINT_STYLE = "color: #555555"


class ElidedLabel(QLabel):
    """One line of plain text, cut with "…" where the room ends (the whole in its tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self.full = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self.full, Qt.TextElideMode.ElideRight, self.width()))


class QueryBar(QWidget):
    """What to find; :attr:`searchRequested` when the user asks for it (Enter or Search)."""

    searchRequested = Signal()
    cancelRequested = Signal()
    #: The query or an option changed (what is shown is no longer its result).
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.query = QLineEdit()
        self.query.setPlaceholderText('Search the articles: remittance, "money transfer", broker*')
        self.query.setClearButtonEnabled(True)
        self.regex = QCheckBox("Re&gular expression")
        self.match_case = QCheckBox("Match &case")
        self.match_accents = QCheckBox("Match &accents")
        self.match_accents.setToolTip(
            'Accents of Latin letters count: "muller" no longer finds "Müller"'
        )
        self.search_button = QPushButton("&Search")
        self.search_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the search under way (Esc)")
        self.cancel_button.setEnabled(False)
        self.hint = ElidedLabel()
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        top = self.top = QHBoxLayout()
        top.addWidget(QLabel("Find:"))
        top.addWidget(self.query, 1)
        top.addWidget(self.regex)
        top.addWidget(self.match_case)
        top.addWidget(self.match_accents)
        top.addWidget(self.search_button)
        top.addWidget(self.cancel_button)
        second = QHBoxLayout()
        second.addWidget(self.hint, 1)
        second.addSpacing(12)
        second.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(second)
        self.query.returnPressed.connect(self.searchRequested.emit)
        self.search_button.clicked.connect(self.searchRequested.emit)
        self.cancel_button.clicked.connect(self.cancelRequested.emit)
        self.query.textChanged.connect(self._edited)
        for box in (self.regex, self.match_case, self.match_accents):
            box.toggled.connect(self._edited)
        self.regex.toggled.connect(lambda on: self.match_accents.setEnabled(not on))
        self.check()

    def request(self, scope: search.Scope) -> search.Request:
        """The request the box and its options make, in ``scope``."""
        return search.Request(
            self.query.text().strip(),
            regex=self.regex.isChecked(),
            match_case=self.match_case.isChecked(),
            match_diacritics=self.match_accents.isChecked() and not self.regex.isChecked(),
            scope=scope,
        )

    def set_request(self, request: search.Request) -> None:
        """Show a request's query and options (a saved search's)."""
        for widget in (self.query, self.regex, self.match_case, self.match_accents):
            widget.blockSignals(True)
        self.query.setText(request.query)
        self.regex.setChecked(request.regex)
        self.match_case.setChecked(request.match_case)
        self.match_accents.setChecked(request.match_diacritics)
        self.match_accents.setEnabled(not request.regex)
        for widget in (self.query, self.regex, self.match_case, self.match_accents):
            widget.blockSignals(False)
        self.check()

    def _edited(self) -> None:
        self.check()
        self.edited.emit()

    def check(self) -> bool:
        """Show the syntax, or what is wrong with the query as typed; whether it can run."""
        text = self.query.text().strip()
        problem = ""
        if text:
            try:
                search.compile_request(self.request(search.Scope()))
            except UserError as error:
                problem = str(error)
        if problem:
            self.show_problem(problem)
        else:
            syntax = (
                REGEX_SYNTAX.format(seconds=search.REGEX_SECONDS)
                if self.regex.isChecked()
                else QUERY_SYNTAX
            )
            self.hint.setStyleSheet(HINT_STYLE)
            self.hint.set_full_text(syntax)
            self.query.setStyleSheet("")
        self.search_button.setEnabled(bool(text) and not problem)
        return bool(text) and not problem

    def show_problem(self, message: str) -> None:
        """Say in the hint line what is wrong (a query, a pattern that ran too long)."""
        sentence = message[:1].upper() + message[1:]
        self.hint.setStyleSheet(ERROR_STYLE)
        self.hint.set_full_text(sentence)
        self.query.setStyleSheet("background: #FFD6D6")

    def set_running(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)
        self.search_button.setEnabled(not running and bool(self.query.text().strip()))
