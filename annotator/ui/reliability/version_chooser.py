"""A chooser of the codebook version whose codings a comparison or an export takes."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox, QWidget

from annotator.services.codebook_versions import tags
from annotator.storage import Project

ALL_CODINGS = "All codings (every version)"


class VersionChooser(QComboBox):
    """ "All codings", then each tagged codebook version (codings made while it was the
    latest tag, from the tag up to the next)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setToolTip(
            "Only codings made under this codebook version: made while it was the latest "
            "tag, from the tag up to the next tag"
        )
        self.refresh()

    def refresh(self) -> None:
        """Read the tags again, keeping the choice when its tag is still there."""
        kept = self.chosen()
        with QSignalBlocker(self):  # refilling is no choice of the user's: one signal at most
            self.clear()
            self.addItem(ALL_CODINGS, "")
            for tag in tags(self.project):
                self.addItem(f"{tag.name} (tagged {tag.made_at[:10]})", tag.name)
            index = self.findData(kept)
            self.setCurrentIndex(max(index, 0))
        if self.chosen() != kept:
            self.currentIndexChanged.emit(self.currentIndex())

    def chosen(self) -> str:
        """The tag chosen ('' for all codings)."""
        data = self.currentData()
        return str(data) if data else ""

    def choose(self, name: str) -> None:
        index = self.findData(name)
        if index < 0:
            raise ValueError(name)
        self.setCurrentIndex(index)
