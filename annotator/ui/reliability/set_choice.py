"""Which articles the coders are compared on: all, or a named article set (pilot, training…)
— the window's counterpart of ``agreement --set``."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox, QWidget

from annotator.services.article_sets import article_sets
from annotator.storage import Project


class SetChoice(QComboBox):
    """All articles, or one article set (with its number of articles)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.fill()

    def fill(self) -> None:
        """The sets as they are now; the choice is kept if the set still exists."""
        chosen = self.currentData()
        with QSignalBlocker(self):  # refilling is no choice of the user's: one signal at most
            self.clear()
            self.addItem("All articles", None)
            for item in article_sets(self.project):
                self.addItem(f"Set “{item.name}” ({item.count})", item.name)
            found = self.findData(chosen)
            self.setCurrentIndex(max(found, 0))
        if self.currentData() != chosen:
            self.currentIndexChanged.emit(self.currentIndex())
        self.setEnabled(self.count() > 1)

    def showPopup(self) -> None:
        self.fill()  # sets made since (from the command line, say) are offered too
        super().showPopup()

    def documents(self) -> frozenset[int] | None:
        """The chosen set's articles (ids), or None for all."""
        name = self.currentData()
        if name is None:
            return None
        found = next((s for s in article_sets(self.project) if s.name == name), None)
        return None if found is None else found.ids
