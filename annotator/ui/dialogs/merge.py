"""File → Merge… and Import REFI-QDA…: coder packages, other projects and .qdpx files merged
into the open project. Every file is read and checked first and all are merged in one
transaction: what does not fit, or a damaged file, is listed and nothing is written; the user
chooses what to do and merges again; the report says what came in and what did not."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services.changes import Changes
from annotator.services.merge import MergeChoices, MergeConflictError, MergeReport, merge_files
from annotator.ui.controller import Controller

ARTICLES = (
    ("Stop and list them", "fail"),
    ("Leave their codings out", "skip"),
    ("Import them (from a project or .qdpx)", "import"),
)
CODES = (
    ("Stop and list them", "fail"),
    ("Add them to the codebook", "add"),
    ("Use the codebook's code of the same path, add the rest", "by-path"),
    ("Leave their codings out", "skip"),
)
CODERS = (
    ("Stop and list them", "fail"),
    ("Take them in under another name", "rename"),
    ("They are the same person", "same"),
)
DELETIONS = (
    ("Stop and list them", "fail"),
    ("Delete them all the same", "delete"),
    ("Keep the project's version", "keep"),
)
FILTERS = (
    "Work of coders (*.annpkg *.annotator *.qdpx);;Coder packages (*.annpkg);;"
    "annotator projects (*.annotator);;REFI-QDA projects (*.qdpx);;All files (*)"
)


def _combo(choices: tuple[tuple[str, str], ...], default: str) -> QComboBox:
    combo = QComboBox()
    for label, value in choices:
        combo.addItem(label, value)
    combo.setCurrentIndex([v for _, v in choices].index(default))
    return combo


class MergeDialog(QDialog):
    """Choose files and what to do with what does not fit; merge; read the report."""

    #: Emitted with the reports once a merge is written.
    merged = Signal(list)

    def __init__(
        self, controller: Controller, parent: QWidget | None = None, *, refi: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import REFI-QDA project" if refi else "Merge coders' work")
        self.resize(720, 520)
        self.controller = controller
        self.files = QLineEdit()
        self.files.setPlaceholderText("Files to merge, separated by ';'")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        where = QHBoxLayout()
        where.addWidget(self.files, 1)
        where.addWidget(browse)
        # A .qdpx brings its articles and codebook: importing them is its point.
        self.articles = _combo(ARTICLES, "import" if refi else "fail")
        self.codes = _combo(CODES, "add" if refi else "fail")
        self.coders = _combo(CODERS, "fail")
        self.deletions = _combo(DELETIONS, "fail")
        self.report = QTextBrowser()
        self.report.setOpenLinks(False)
        self.report.setPlainText(
            "Codings are matched by their GUIDs and articles by their text, so merging the same "
            "file twice changes nothing; what a coder deleted is deleted here too. All the "
            "files are merged together or not at all: anything that does not fit is listed "
            "here first, and nothing is written until you choose what to do with it."
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        self.buttons.accepted.connect(self.merge)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Files:", where)
        form.addRow("Articles the project lacks:", self.articles)
        form.addRow("Codes the codebook lacks:", self.codes)
        form.addRow("A coder's name taken by someone else:", self.coders)
        form.addRow("A coder's deletion of what was changed here later:", self.deletions)
        form.addRow(self.report)
        form.addRow(self.buttons)
        self.refi = refi

    def browse(self) -> None:
        pattern = "REFI-QDA projects (*.qdpx);;All files (*)" if self.refi else FILTERS
        names, _ = QFileDialog.getOpenFileNames(self, "Merge", "", pattern)
        if names:
            self.files.setText("; ".join(names))

    def paths(self) -> list[Path]:
        return [Path(p.strip()) for p in self.files.text().split(";") if p.strip()]

    def choices(self) -> MergeChoices:
        return MergeChoices(
            str(self.articles.currentData()),
            str(self.codes.currentData()),
            str(self.coders.currentData()),
            str(self.deletions.currentData()),
        )

    def merge(self) -> list[MergeReport] | None:
        """Merge every file, all in one transaction; show the report, or what must be chosen
        (then nothing was written)."""
        paths = self.paths()
        if not paths:
            self.report.setPlainText("Choose the files to merge first.")
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            reports = merge_files(self.controller.project, paths, self.choices())
        except MergeConflictError as error:
            self._show_conflicts(error)
            return None
        except UserError as error:
            self.report.setPlainText(str(error))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._notify(reports)
        self._show_report(reports)
        self.merged.emit(reports)
        return reports

    def _notify(self, reports: list[MergeReport]) -> None:
        changes = Changes()
        for report in reports:
            changes = changes | report.changes
        # New coders and codes may have come in: everything that lists them refreshes.
        self.controller.notify(changes | Changes(codebook=True, coders=True))

    def _show_conflicts(self, error: MergeConflictError) -> None:
        items = "".join(f"<li>{html.escape(c)}</li>" for c in error.conflicts)
        self.report.setHtml(
            "<p><b>Nothing was merged.</b> These do not fit the project; choose above what to "
            f"do with them and merge again:</p><ul>{items}</ul>"
        )

    def _show_report(self, reports: list[MergeReport]) -> None:
        parts = []
        for report in reports:
            lines = "".join(
                f"<li>{html.escape(line)}</li>"
                for line in [*(f"left out: {x}" for x in report.left_out), *report.notes]
            )
            parts.append(
                f"<p><b>{html.escape(report.summary())}</b></p>"
                + (f"<ul>{lines}</ul>" if lines else "")
            )
        self.report.setHtml("".join(parts) or "<p>Nothing to merge.</p>")
