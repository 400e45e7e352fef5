"""Edit stop words: a language's list as the project has it (the package's list with the
user's additions, less what the user took off it), a word added to it or taken off it at
once, kept in the project; a list set back to the package's."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSortFilterProxyModel, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services import word_frequencies
from annotator.ui.controller import Controller
from annotator.ui.read_only import why_read_only
from annotator.ui.search.languages import LanguageChooser
from annotator.ui.search.query_bar import ERROR_STYLE


class StopWordsDialog(QDialog):
    """One language's stop words; :attr:`changed` after each change kept."""

    changed = Signal()

    def __init__(
        self, controller: Controller, language: str = "en", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stop words")
        self.project = controller.project
        self.language = LanguageChooser(own=False)
        self.language.choose(language or "en")
        self.count = QLabel()
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.word = QLineEdit()
        self.word.setPlaceholderText("Type a word to find it in the list, or to add it")
        self.word.setClearButtonEnabled(True)
        self.add_button = QPushButton("&Add to the list")
        self.remove_button = QPushButton("&Take off the list")
        self.reset_button = QPushButton("&Reset to the package's list")
        self.words = QStringListModel(self)
        self.filtered = QSortFilterProxyModel(self)
        self.filtered.setSourceModel(self.words)
        self.filtered.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView()
        self.list.setModel(self.filtered)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("Language:"))
        top.addWidget(self.language, 1)
        entry = QHBoxLayout()
        entry.addWidget(self.word, 1)
        entry.addWidget(self.add_button)
        below = QHBoxLayout()
        below.addWidget(self.remove_button)
        below.addStretch(1)
        below.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.count)
        layout.addLayout(entry)
        layout.addWidget(self.list, 1)
        layout.addLayout(below)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.language.currentIndexChanged.connect(lambda _: self.refresh())
        self.word.textChanged.connect(self.filtered.setFilterFixedString)
        self.word.textChanged.connect(lambda _: self._update_buttons())
        self.word.returnPressed.connect(self.add)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.reset_button.clicked.connect(self.reset)
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.reason = why_read_only(self.project)
        self.refresh()
        self.resize(460, 560)

    def refresh(self) -> None:
        """Show the chosen language's list as the project has it."""
        code = self.language.language()
        words = sorted(word_frequencies.stop_words(self.project, code))
        added, removed = word_frequencies.stop_word_changes(self.project, code)
        self.words.setStringList(words)
        changes = []
        if added:
            changes.append(f"{len(added)} added")
        if removed:
            changes.append(f"{len(removed)} taken off")
        self.count.setText(
            f"{len(words):,} stop words"
            + (f" ({', '.join(changes)} in this project)" if changes else "")
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = not self.reason
        self.add_button.setEnabled(writable and bool(self.word.text().strip()))
        self.remove_button.setEnabled(writable and bool(self.list.selectionModel().hasSelection()))
        self.reset_button.setEnabled(writable)
        if self.reason:
            for button in (self.add_button, self.remove_button, self.reset_button):
                button.setToolTip(f"Read-only: {self.reason}.")

    def selected_words(self) -> list[str]:
        return [
            str(self.filtered.data(index)) for index in self.list.selectionModel().selectedIndexes()
        ]

    def _change(self, *, add: Sequence[str] = (), remove: Sequence[str] = ()) -> bool:
        try:
            word_frequencies.change_stop_words(
                self.project, self.language.language(), add=add, remove=remove
            )
        except UserError as error:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(str(error)[:1].upper() + str(error)[1:])
            return False
        self.message.setStyleSheet("")
        self.refresh()
        self.changed.emit()
        return True

    def add(self) -> bool:
        """Add the word typed to the list."""
        word = self.word.text().strip()
        if not word or self.reason:
            return False
        if self._change(add=[word]):
            self.message.setText(f"“{word}” is a stop word now.")
            self.word.clear()
            return True
        return False

    def remove(self) -> bool:
        """Take the selected words off the list."""
        words = self.selected_words()
        if not words or self.reason:
            return False
        if self._change(remove=words):
            self.message.setText(
                f"{', '.join(f'“{w}”' for w in words[:5])}{'…' if len(words) > 5 else ''} "
                "taken off the list: counted again."
            )
            return True
        return False

    def reset(self) -> int:
        """Forget this project's changes to the chosen language's list."""
        if self.reason:
            return 0
        count = word_frequencies.reset_stop_words(self.project, self.language.language())
        self.message.setStyleSheet("")
        self.message.setText(f"{count} change{'s' * (count != 1)} forgotten.")
        self.refresh()
        if count:
            self.changed.emit()
        return count
