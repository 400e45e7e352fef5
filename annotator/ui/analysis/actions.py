"""The coding window's Analysis menu: opens the Analysis window (one per coding window) and
shows the passages behind a cell in the coding window's retrieval view."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QMenuBar

from annotator.ui.analysis.window import AnalysisWindow
from annotator.ui.controller import Controller
from annotator.ui.dialogs.retrieval import RetrievalPanel

ANALYSIS_KEY = "Ctrl+Shift+T"
#: The keys inside the Analysis window, for the shortcuts sheet (F1).
ANALYSIS_KEYS = (
    ("Enter", "List the passages behind the chosen cell (or double-click it)", "Analysis"),
    ("Ctrl+C", "Copy the selected cells as tab-separated text", "Analysis"),
)


class AnalysisActions:
    """Mixed into the main window, which provides these."""

    controller: Controller
    retrieval: RetrievalPanel
    retrieval_dock: QDockWidget
    analysis_action: QAction
    analysis_window: AnalysisWindow | None
    _action: Callable[..., QAction]

    def _install_analysis(self, menus: QMenuBar) -> QMenu:
        """Make Analysis → Frequencies and co-occurrence… (it only reads: it stays on in a
        read-only project)."""
        self.analysis_window = None
        self.analysis_action = self._action(
            "&Frequencies and co-occurrence…",
            self.show_analysis,
            ANALYSIS_KEY,
            tip="Code frequencies by outlet, date or coder, codes applied together; charts",
        )
        menu = menus.addMenu("Anal&ysis")
        menu.addAction(self.analysis_action)
        return menu

    def show_analysis(self) -> AnalysisWindow:
        """Open (or bring up) the Analysis window."""
        if self.analysis_window is None:
            self.analysis_window = AnalysisWindow(self.controller, self)  # type: ignore[arg-type]
            self.analysis_window.passagesRequested.connect(self.show_passages)
        window = self.analysis_window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def show_passages(
        self, codings: list[int], codes: list[int], coders: list[int] | None, origin: str
    ) -> None:
        """List exactly these codings in the retrieval view."""
        self.retrieval_dock.show()
        self.retrieval.show_codings(codings, codes, coders, origin)
