"""The Word frequencies tab: the most frequent words of every article, of the articles whose
variables meet conditions, or of the passages of codes — without the stop words of each
article's language (or of one chosen language) — as a table and a bar chart. Stop words are
edited here and kept in the project."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services import word_frequencies
from annotator.services.changes import Changes
from annotator.services.word_frequencies import Frequencies
from annotator.ui.controller import Controller
from annotator.ui.models import ROOT, Index
from annotator.ui.models.documents import DocumentsModel
from annotator.ui.panels import one_line_rows
from annotator.ui.read_only import why_read_only
from annotator.ui.search.jobs import CallJob, Runner
from annotator.ui.search.languages import LanguageChooser, language_name
from annotator.ui.search.query_bar import ERROR_STYLE
from annotator.ui.search.scope import ScopeChooser
from annotator.ui.search.stop_words_dialog import StopWordsDialog
from annotator.ui.search.words_chart import WordsChart

COLUMNS = ("Word", "Occurrences", "Articles", "Share")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class WordsModel(QAbstractTableModel):
    """The words counted, most frequent first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.result = Frequencies()

    def set_result(self, result: Frequencies) -> None:
        self.beginResetModel()
        self.result = result
        self.endResetModel()

    def word(self, row: int) -> str:
        return self.result.words[row].word

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.result.words)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == 3:
            return "Of every word counted (stop words aside)"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.result.words):
            return None
        word = self.result.words[index.row()]
        column = index.column()
        share = word.count / self.result.total if self.result.total else 0.0
        if role == SORT_ROLE:
            return (word.word.casefold(), word.count, word.articles, share)[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return word.word
            if column == 1:
                return f"{word.count:,}"
            if column == 2:
                return f"{word.articles:,}"
            return f"{share:.1%}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


class WordsPage(QWidget):
    """Count the words of a group of articles or of a code's passages."""

    #: A count ended (its result).
    counted = Signal(object)

    def __init__(
        self, controller: Controller, documents: DocumentsModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.runner = Runner(controller.project, self)
        self.scope = ScopeChooser(controller, documents)
        self.language = LanguageChooser(own=True)
        self.language.setToolTip("Whose stop words are left out")
        self.keep = QCheckBox("Keep stop words")
        self.top = QSpinBox()
        self.top.setRange(10, 1000)
        self.top.setValue(50)
        self.top.setSingleStep(10)
        self.top.setPrefix("top ")
        self.count_button = QPushButton("&Count")
        self.stop_button = QPushButton("Edit stop &words…")
        self.stop_button.setToolTip("See a language's stop words, add words, take some off")
        self.add_stop_button = QPushButton("→ Stop words")
        self.add_stop_button.setToolTip(
            "Add the selected words to the stop words of the languages counted"
        )
        self.status = QLabel("Count the words of every article, or choose where above.")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.model = WordsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        one_line_rows(self.view)
        for column, width in enumerate((170, 90, 70, 60)):
            self.view.setColumnWidth(column, width)
        self.chart = WordsChart()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.chart)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([420, 800])
        options = QHBoxLayout()
        options.addWidget(QLabel("Stop words of:"))
        options.addWidget(self.language, 1)
        options.addWidget(self.keep)
        options.addWidget(self.top)
        options.addWidget(self.count_button)
        options.addStretch(1)
        options.addWidget(self.add_stop_button)
        options.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.scope)
        layout.addLayout(options)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)
        self.count_button.clicked.connect(self.count)
        self.stop_button.clicked.connect(self.edit_stop_words)
        self.add_stop_button.clicked.connect(self.add_selected_to_stop_words)
        self.keep.toggled.connect(lambda keep: self.language.setEnabled(not keep))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        controller.changed.connect(self._on_changed)
        self.reason = why_read_only(controller.project)
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.view.selectionModel().hasSelection()
        self.add_stop_button.setEnabled(selected and not self.reason)
        if self.reason:
            self.add_stop_button.setToolTip(f"Read-only: {self.reason}.")

    def _on_changed(self, changes: Changes) -> None:
        # The passages of codes change with every coding: the counts shown are of then.
        if self.model.rowCount() and (changes.documents or changes.codebook):
            self.status.setText(self.status.text().split(" — ")[0] + " — Count again for now.")

    # -- counting ------------------------------------------------------------------------------

    def count(self) -> None:
        """Count (in a worker) the words of the scope chosen."""
        scope = self.scope.scope()
        top = self.top.value()
        language = self.language.language() or None
        keep = self.keep.isChecked()
        self.count_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("Counting the words…")
        self.runner.start(
            CallJob(
                self.runner.connect_project,
                lambda project: word_frequencies.word_frequencies(
                    project, scope, top=top, language=language, keep_stop_words=keep
                ),
            ),
            done=self._counted,
            failed=self._failed,
        )

    def _counted(self, result: object) -> None:
        assert isinstance(result, Frequencies)
        self.count_button.setEnabled(True)
        self.model.set_result(result)
        self.proxy.sort(-1)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        languages = ", ".join(
            f"{language_name(code)} {count}" for code, count in sorted(result.languages.items())
        )
        where = self.scope.describe()
        stop = (
            "stop words kept"
            if self.keep.isChecked()
            else f"without the stop words of {language_name(self.language.language())}"
            if self.language.language()
            else f"without each article's stop words ({languages})"
        )
        self.status.setText(
            f"{result.total:,} words counted in {result.articles:,} article"
            f"{'s' * (result.articles != 1)} ({where}), {stop}."
        )
        self.chart.show_words(result.words, f"Most frequent words: {where}")
        self.counted.emit(result)

    def _failed(self, message: str) -> None:
        self.count_button.setEnabled(True)
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(message[:1].upper() + message[1:])

    # -- stop words ----------------------------------------------------------------------------

    def _languages_counted(self) -> list[str]:
        chosen = self.language.language()
        if chosen:
            return [chosen]
        return sorted(self.model.result.languages) or [word_frequencies.DEFAULT_LANGUAGE]

    def edit_stop_words(self) -> StopWordsDialog:
        """Open the stop-word lists (the language counted first); a change counts again."""
        dialog = StopWordsDialog(self.controller, self._languages_counted()[0], self)
        dialog.changed.connect(self._stop_words_changed)
        dialog.open()
        return dialog

    def _stop_words_changed(self) -> None:
        if self.model.rowCount() and not self.runner.busy:
            self.count()

    def selected_words(self) -> list[str]:
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.word(row) for row in sorted(rows)]

    def add_selected_to_stop_words(self) -> bool:
        """Add the selected words to the stop words of the languages counted, and count
        again."""
        words = self.selected_words()
        if not words or self.reason:
            return False
        try:
            for code in self._languages_counted():
                word_frequencies.change_stop_words(self.controller.project, code, add=words)
        except UserError as error:
            self._failed(str(error))
            return False
        self.count()
        return True

    def release_worker(self) -> None:
        self.runner.release()
