"""The coding window's project-file actions: File → Restore from backup (and what the window
does once a snapshot is back) and File → Save a copy. A mixin of
:class:`~annotator.ui.main_window.MainWindow`, whose state it uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.domain.errors import UserError
from annotator.services import backups
from annotator.services.backups import Restored
from annotator.services.changes import Changes
from annotator.storage.snapshots import describe_counts
from annotator.ui.dialogs.backups import RestoreDialog


class ProjectFileActions:
    """Restore and Save a copy; expects the window's controller, keeper, status bar and
    ``projectReplaced`` signal (``self`` is the MainWindow)."""

    controller: Any
    keeper: Any

    def show_backups(self) -> RestoreDialog:
        dialog = RestoreDialog(self.controller, self)
        dialog.restored.connect(self._restored)
        dialog.open()
        return dialog

    def _restored(self, restored: Restored) -> None:
        self.keeper.restarted()
        self.controller.undo_stack.clear()
        # Everything may differ now: every view reads again (the session then rebuilds the
        # window, but nothing may show the old state meanwhile).
        project = self.controller.project
        document = self.controller.document_id
        if document is not None and document not in dict(project.documents.names()):
            document = None
        self.controller.open_document(document)
        self.controller.notify(
            Changes(
                documents=frozenset(dict(project.documents.names())),
                codebook=True,
                coders=True,
                variables=True,
            )
        )
        counts = restored.counts
        self.statusBar().showMessage(
            f"Restored {restored.snapshot.name}: {counts.articles:,} articles, "
            f"{counts.codings:,} codings, {counts.coders:,} coders. The state before it is "
            f"kept as {restored.safety.path}"
        )
        self.projectReplaced.emit()

    def save_copy(self) -> Path | None:
        project = self.controller.project
        if project.path is None:
            return None
        suggested = project.path.with_name(f"{project.path.stem} copy.annotator")
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save a copy of the project",
            str(suggested),
            "annotator projects (*.annotator)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return None
        target = Path(path)
        try:
            counts = backups.save_copy(project, target)
        except UserError as error:
            QMessageBox.warning(self, "Save a copy", f"{error}. Choose a new file name.")
            return None
        self.statusBar().showMessage(f"Saved a copy to {target}: {describe_counts(counts)}", 8000)
        return target
