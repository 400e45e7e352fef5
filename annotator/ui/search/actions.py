"""The coding window's way into the Search window: Edit → Search articles… (Ctrl+Shift+F),
and a hit shown in the reader, selected and scrolled into view."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from annotator.ui.article_list import DocumentsPanel
from annotator.ui.controller import Controller
from annotator.ui.reader import Reader
from annotator.ui.search.hits_view import HITS_KEYS
from annotator.ui.search.window import SearchWindow

SEARCH_KEY = "Ctrl+Shift+F"
#: The keys inside the Search window, for the shortcuts sheet (F1).
SEARCH_KEYS = HITS_KEYS


class SearchActions:
    """Mixed into the main window, which provides these."""

    controller: Controller
    documents: DocumentsPanel
    reader: Reader
    undo_action: QAction
    redo_action: QAction
    search_action: QAction
    search_window: SearchWindow | None
    _action: Callable[..., QAction]

    def _install_search(self, menu: QMenu) -> QAction:
        """Make Edit → Search articles… (it reads; coding from it is refused read-only)."""
        self.search_window = None
        self.search_action = self._action(
            "&Search articles…",
            self.show_search,
            SEARCH_KEY,
            tip="Find words, phrases or patterns in every article, read the hits, code them",
        )
        menu.addAction(self.search_action)
        return self.search_action

    def show_search(self) -> SearchWindow:
        """Open (or bring up) the Search window, the query box ready for typing."""
        if self.search_window is None:
            window = SearchWindow(
                self.controller,
                self.documents.model,
                self,  # type: ignore[arg-type]
                actions=[self.undo_action, self.redo_action],
            )
            window.jumpRequested.connect(self.show_hit)
            self.search_window = window
        window = self.search_window
        window.show()
        window.raise_()
        window.activateWindow()
        window.search.query_bar.query.setFocus()
        window.search.query_bar.query.selectAll()
        return window

    def show_hit(self, document_id: int, start: int, end: int) -> None:
        """Open the article in the reader with the hit selected and scrolled into view (the
        reader converts code points to Qt's positions); ``start`` -1 opens the article."""
        self.controller.open_document(document_id)
        if start >= 0 and end > start:
            self.reader.select_span(start, end)
        window = self.reader.window()
        window.raise_()
        window.activateWindow()
        self.reader.setFocus()
