"""The Search window: Search (hits in context, coded in one step), Saved searches, Word
frequencies. One per coding window, beside it; Ctrl+Z there takes back the last step of the
coding window's undo stack, as in the coding window."""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from annotator.storage.saved_searches import SavedSearch
from annotator.ui import settings
from annotator.ui.controller import Controller
from annotator.ui.models.documents import DocumentsModel
from annotator.ui.search import state
from annotator.ui.search.saved_page import SavedSearchesPage
from annotator.ui.search.search_page import SearchPage
from annotator.ui.search.words_page import WordsPage
from annotator.ui.window_state import restore_geometry

SEARCH_TAB, SAVED_TAB, WORDS_TAB = range(3)


class SearchWindow(QWidget):
    """Search the articles, code the hits, keep searches as rules, count words."""

    #: Show a passage in the coding window: (document id, start, end; -1 for the article).
    jumpRequested = Signal(int, int, int)

    def __init__(
        self,
        controller: Controller,
        documents: DocumentsModel,
        parent: QWidget | None = None,
        actions: list[QAction] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle(f"Search — {controller.project.name}")
        self.controller = controller
        self.store = settings.open_settings()
        self.search = SearchPage(controller, documents)
        self.saved = SavedSearchesPage(controller)
        self.words = WordsPage(controller, documents)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.search, "&Search")
        self.tabs.addTab(self.saved, "Sa&ved searches")
        self.tabs.addTab(self.words, "&Word frequencies")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        # The coding window's Undo and Redo: a coding made here is taken back from here too.
        self.addActions(actions or [])
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(self.close)
        self.search.jumpRequested.connect(self.jumpRequested.emit)
        self.search.savedChanged.connect(self.saved.refresh)
        self.saved.runRequested.connect(self.run_saved)
        self.saved.savedEdited.connect(self.search.refresh_saved)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.restore_state()

    def _tab_changed(self, index: int) -> None:
        if index == SAVED_TAB:
            self.saved.refresh()  # new articles may have come since

    def run_saved(self, saved: SavedSearch, documents: frozenset[int] | None, where: str) -> None:
        """Show a saved search's hits in the Search tab."""
        self.tabs.setCurrentIndex(SEARCH_TAB)
        self.search.load_saved(saved, documents, where)

    # -- state ---------------------------------------------------------------------------------

    def restore_state(self) -> None:
        """The last query and options, the unit, the tab, the sizes (as left last time)."""
        store = self.store
        restore_geometry(self, state.GEOMETRY.get(store))  # else fitted to the screen
        bar = self.search.query_bar
        for widget in (bar.query, bar.regex, bar.match_case, bar.match_accents):
            widget.blockSignals(True)
        bar.query.setText(state.QUERY.get(store))
        bar.regex.setChecked(state.REGEX.get(store))
        bar.match_case.setChecked(state.MATCH_CASE.get(store))
        bar.match_accents.setChecked(state.MATCH_ACCENTS.get(store))
        bar.match_accents.setEnabled(not bar.regex.isChecked())
        for widget in (bar.query, bar.regex, bar.match_case, bar.match_accents):
            widget.blockSignals(False)
        bar.check()
        self.search.unit.set_unit(state.UNIT.get(store))
        self.search.view.shown_variables = _names(state.HITS_VARIABLES.get(store))
        self.search.view.show_variables()
        self.words.language.choose(state.WORDS_LANGUAGE.get(store))
        self.words.top.setValue(state.WORDS_TOP.get(store))
        for setting, splitter in (
            (state.HITS_SPLITTER, self.search.splitter),
            (state.WORDS_SPLITTER, self.words.splitter),
        ):
            saved: QByteArray = setting.get(store)
            if not saved.isEmpty():
                splitter.restoreState(saved)
        tab = state.TAB.get(store)
        self.tabs.setCurrentIndex(tab if 0 <= tab < self.tabs.count() else SEARCH_TAB)

    def save_state(self) -> None:
        store = self.store
        bar = self.search.query_bar
        state.GEOMETRY.set(store, self.saveGeometry())
        state.QUERY.set(store, bar.query.text())
        state.REGEX.set(store, bar.regex.isChecked())
        state.MATCH_CASE.set(store, bar.match_case.isChecked())
        state.MATCH_ACCENTS.set(store, bar.match_accents.isChecked())
        state.UNIT.set(store, self.search.unit.unit().value)
        shown = self.search.view.shown_variables
        state.HITS_VARIABLES.set(store, "" if shown is None else json.dumps(shown))
        state.TAB.set(store, self.tabs.currentIndex())
        state.WORDS_LANGUAGE.set(store, self.words.language.language())
        state.WORDS_TOP.set(store, self.words.top.value())
        state.HITS_SPLITTER.set(store, self.search.splitter.saveState())
        state.WORDS_SPLITTER.set(store, self.words.splitter.saveState())
        store.sync()

    def release_worker(self) -> None:
        """Let every search and count under way go (the window or its project is going)."""
        self.search.release_worker()
        self.words.release_worker()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.release_worker()
        super().closeEvent(event)


def _names(setting: str) -> list[str] | None:
    """The variables' names a setting keeps (None: none chosen, or a setting unreadable)."""
    try:
        value = json.loads(setting) if setting else None
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    return [str(name) for name in value]
