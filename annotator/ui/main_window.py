"""The main window: articles | reader | codebook and codings, with menus and shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.model import Coding, DocumentStatus
from annotator.services.changes import Changes
from annotator.services.imports import ImportReport
from annotator.ui import settings
from annotator.ui.analysis.actions import AnalysisActions
from annotator.ui.article_list import DocumentsPanel
from annotator.ui.article_view import ArticleView
from annotator.ui.auto_status import StartedOnCoding
from annotator.ui.blind_mode import BlindWhenOthersJoin
from annotator.ui.code_menus import CodeMenus
from annotator.ui.controller import Controller
from annotator.ui.dialogs.agreement import AgreementWindow
from annotator.ui.dialogs.codebook_editor import CodebookDialog
from annotator.ui.dialogs.coder import CoderDialog
from annotator.ui.dialogs.export import ExportDialog
from annotator.ui.dialogs.merge import MergeDialog
from annotator.ui.dialogs.retrieval import RetrievalPanel
from annotator.ui.dialogs.review import ReviewWindow
from annotator.ui.dialogs.sample import SampleDialog
from annotator.ui.dialogs.shortcuts import ShortcutsDialog, show_shortcuts
from annotator.ui.dialogs.variables import VariablesDialog
from annotator.ui.edit_commit import EditCommitter
from annotator.ui.exclusive_prompts import change_span_asking
from annotator.ui.find import FIND_BAR_KEYS, FindBar
from annotator.ui.intake.dialog import ImportDialog
from annotator.ui.intake.report import ImportReportDialog, status_message
from annotator.ui.keeper import ProjectKeeper
from annotator.ui.machine.suggestions import SUGGESTION_KEYS, MachineSuggestions
from annotator.ui.memos.actions import MemoActions
from annotator.ui.models.codebook import CodebookModel
from annotator.ui.panels import CodebookView, CodingsPanel, needed_width, titled
from annotator.ui.progress_label import ProgressLabel
from annotator.ui.project_banner import ProjectBanner
from annotator.ui.project_files import ProjectFileActions
from annotator.ui.read_only import ReadOnlyMode
from annotator.ui.reliability.queue_dock import install_queue
from annotator.ui.search.actions import SearchActions
from annotator.ui.window_menus import WindowMenus
from annotator.ui.window_state import pane_widths, restore_geometry
from annotator.ui.workers import stop_workers


class MainWindow(
    WindowMenus,
    CodeMenus,
    ProjectFileActions,
    MemoActions,
    SearchActions,
    AnalysisActions,
    QMainWindow,
):
    """The coding window over one open project and one coder."""

    #: Another project should be opened in place of this one (its path).
    projectRequested = Signal(object)
    #: The open project's content was replaced (a restore): rebuild the window over it.
    projectReplaced = Signal()

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        #: False once the application quits whatever is answered (a signal, the end of the
        #: desktop session): closing then asks nothing.
        self.ask_before_closing = True
        self.store = settings.open_settings()
        self.documents = DocumentsPanel(controller)
        self.article = ArticleView(controller)
        self.reader = self.article.reader
        self.find_bar = FindBar(self.reader, controller)
        self.article.layout().addWidget(self.find_bar)
        self.codebook_model = CodebookModel(controller)
        self.codebook = CodebookView(self.codebook_model)
        self.codings = CodingsPanel(controller)
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.addWidget(titled("Codebook", self.codebook))
        self.side.addWidget(self.codings)
        self.main = QSplitter(Qt.Orientation.Horizontal)
        self.main.addWidget(self.documents)
        self.main.addWidget(self.article)
        self.main.addWidget(self.side)
        self.main.setStretchFactor(1, 1)
        self._wanted_panes = [max(300, needed_width(self.documents.view)), 760, 380]
        self.main.setSizes(self._wanted_panes)
        self.panes_arranged = False  # by the coder: set when a divider is dragged
        self.main.splitterMoved.connect(self._panes_moved)
        self.side.setSizes([420, 300])
        # Above the panes, hidden unless the project can only be read (damaged, read-only).
        self.banner = ProjectBanner()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.main, 1)
        self.setCentralWidget(central)
        self.retrieval = RetrievalPanel(controller, self.documents.model)
        self.retrieval_dock = QDockWidget("Coded passages", self)
        self.retrieval_dock.setObjectName("retrieval")
        self.retrieval_dock.setWidget(self.retrieval)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.retrieval_dock)
        self.retrieval_dock.hide()
        self.status_label = ProgressLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self.agreement_window: AgreementWindow | None = None
        self.review_window: ReviewWindow | None = None
        self.keeper = ProjectKeeper(controller, self)
        self.started_on_coding = StartedOnCoding(controller)
        self.keeper.snapshotTaken.connect(
            lambda snapshot: self.statusBar().showMessage(f"Backup taken: {snapshot.name}", 5000)
        )
        self.keeper.snapshotFailed.connect(
            lambda reason: self.statusBar().showMessage(f"No backup taken: {reason}")
        )
        self.keeper.projectMoved.connect(self.banner.show_note)
        self.edits = EditCommitter(self)
        self._build_actions()
        self.queue_dock = install_queue(self, controller, self.view_menu)
        self.suggestions = MachineSuggestions(self)
        self.edits.watch()
        self.blind = BlindWhenOthersJoin(self, self)
        self.read_only = ReadOnlyMode(self, controller.project)
        self.read_only.apply()
        self._wire()
        self.controller.confirm_replace = self._confirm_replace
        self._restore_state()
        self._update_title()
        self._update_progress()
        if controller.document_id is None and self.documents.proxy.rowCount():
            self.documents.step(0)
        self.reader.setFocus()  # coding happens here: keys go to the reader from the start

    def _wire(self) -> None:
        controller = self.controller
        self.reader.shortcutPressed.connect(
            lambda key: self._guarded(lambda: self.apply_shortcut(key))
        )
        self.reader.codingsClicked.connect(self.codings.select)
        self.reader.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.reader.customContextMenuRequested.connect(self._reader_menu)
        self.codebook.codeActivated.connect(
            lambda code_id: self._guarded(lambda: self.apply(code_id))
        )
        self.codebook.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.codebook.customContextMenuRequested.connect(self._codebook_menu)
        self.codings.codingChosen.connect(self.show_coding)
        self.retrieval.jumpRequested.connect(self.jump_to)
        for panel in (self.documents, self.article):
            panel.variablesRequested.connect(
                lambda document_id: self._guarded(lambda: self.edit_variables(document_id))
            )
        controller.changed.connect(self._on_changed)
        controller.stepRefused.connect(self._step_refused)
        controller.coderChanged.connect(self._update_title)
        controller.coderChanged.connect(self._update_progress)
        controller.coderChanged.connect(self._start_blind)

    def _step_refused(self, reason: str) -> None:
        QMessageBox.warning(
            self,
            "annotator",
            f"This step cannot be undone or redone now: {reason}\n\nNothing was changed.",
        )

    def _guarded(self, action: Callable[[], object]) -> None:
        """Run a user action (what an open cell editor holds is saved first); a UserError
        becomes a message, not a crash."""
        self.edits.commit()
        try:
            action()
        except UserError as error:
            QMessageBox.warning(self, "annotator", str(error))

    # -- coding ----------------------------------------------------------------------------------

    def apply(self, code_id: int, *, whole_article: bool = False) -> bool:
        """Apply a code to the selected passage (or the whole article)."""
        if self.read_only.refuses("code"):
            return False
        if whole_article:
            return self.controller.apply_code(code_id, None)
        span = self.reader.selected_span()
        if span is None:
            self.statusBar().showMessage("Select a passage first, then choose a code.", 4000)
            return False
        applied = self.controller.apply_code(code_id, span)
        if applied:
            code = self.controller.codebook.get(code_id)
            self.statusBar().showMessage(f"Coded as {self.controller.codebook.path(code.id)}", 3000)
        return applied

    def apply_shortcut(self, key: str) -> None:
        code = self.controller.codebook.by_shortcut(key)
        if code is None:
            self.statusBar().showMessage(f"No code has the key '{key}'.", 3000)
            return
        self.apply(code.id)

    def remove_selected_codings(self) -> None:
        ids = self.codings.selected_ids()
        own = [
            i
            for i in ids
            if self.controller.project.codings.get(i).coder_id == self.controller.coder.id
        ]
        if len(own) < len(ids):
            self.statusBar().showMessage("Only your own codings can be removed.", 4000)
        self.controller.remove_codings(own)

    def set_boundaries(self) -> None:
        ids = self.codings.selected_ids()
        span = self.reader.selected_span()
        if len(ids) != 1 or span is None:
            raise UserError("choose one coding in the list and select its new passage in the text")
        coding = self.controller.project.codings.get(ids[0])
        if coding.coder_id != self.controller.coder.id:
            raise UserError("only your own codings can be changed")
        change_span_asking(self.controller, coding, *span)  # asks before breaking a rule

    def show_coding(self, coding_id: int) -> None:
        coding = self.controller.project.codings.get(coding_id)
        if coding.start is not None and coding.end is not None:
            self.reader.select_span(coding.start, coding.end)

    def _confirm_replace(self, conflicts: list[Coding]) -> bool:
        codebook = self.controller.codebook
        dimension = codebook.dimension_of(conflicts[0].code_id).name
        text = self.reader.text

        def where(coding: Coding) -> str:
            if coding.start is None:
                return "the whole article"
            passage = " ".join(text[coding.start : coding.end].split())
            return f"“{passage[:60]}…”" if len(passage) > 60 else f"“{passage}”"

        listed = "\n".join(f"• {codebook.path(c.code_id)}: {where(c)}" for c in conflicts)
        answer = QMessageBox.question(
            self,
            "Replace coding?",
            f"'{dimension}' is exclusive: a passage takes only one of its codes, and a "
            f"whole-article coding covers the whole article.\n\nReplace your coding"
            f"{'s' if len(conflicts) > 1 else ''}?\n{listed}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _mark(self, status: DocumentStatus) -> None:
        if self.controller.document_id is None:
            raise UserError("open an article first")
        self.controller.set_status(status)

    def _toggle_snap(self) -> None:
        self.reader.snap_to_words = self.snap_action.isChecked()
        settings.SNAP_TO_WORDS.set(self.store, self.snap_action.isChecked())

    def _toggle_show_all(self) -> None:
        self.controller.set_show_all_coders(self.show_all_action.isChecked())

    def _start_blind(self) -> None:
        """A coder switch starts blind: the new coder sees only their own codings."""
        self.show_all_action.setChecked(False)
        self.controller.set_show_all_coders(False)

    # -- other windows -----------------------------------------------------------------------

    def retrieve(self, code_id: int) -> None:
        self.retrieval_dock.show()
        self.retrieval.show_code(code_id)

    def jump_to(self, document_id: int, start: int | None, end: int | None) -> None:
        """Open an article and select a passage in it (from the retrieval view)."""
        self.controller.open_document(document_id)
        if start is not None and end is not None:
            self.reader.select_span(start, end)
        self.reader.setFocus()

    def show_agreement(self) -> AgreementWindow:
        if self.agreement_window is None:
            self.agreement_window = AgreementWindow(self.controller, self)
            self.agreement_window.reviewRequested.connect(self.show_review)
            self.agreement_window.addActions([self.undo_action, self.redo_action])
        self.agreement_window.show()
        self.agreement_window.raise_()
        return self.agreement_window

    def show_review(
        self, first: str | None = None, second: str | None = None, codes: list[int] | None = None
    ) -> ReviewWindow:
        if self.review_window is None:
            self.review_window = ReviewWindow(self.controller, self)
            # Decisions are on the window's undo stack: Ctrl+Z works from the review too.
            self.review_window.addActions([self.undo_action, self.redo_action])
        window = self.review_window
        if first and second:
            window.review(first, second, codes or [])
        else:
            window.refresh()
        window.show()
        window.raise_()
        return window

    def draw_sample(self) -> None:
        dialog = SampleDialog(self.controller, self)
        dialog.exec()
        if dialog.message:  # a draw, or assignments taken back
            self.statusBar().showMessage(dialog.message)

    def export(self, kind: str | None = None, suffix: str | None = None) -> ExportDialog:
        dialog = ExportDialog(self.controller, self)
        if kind is not None:
            dialog.set_format(kind, suffix)
        dialog.exported.connect(
            lambda path, count: self.statusBar().showMessage(f"Exported {count:,} to {path}", 5000)
        )
        dialog.open()
        return dialog

    def merge(self, *, refi: bool = False) -> MergeDialog:
        dialog = MergeDialog(self.controller, self, refi=refi)
        dialog.open()
        return dialog

    def edit_codebook(self) -> None:
        CodebookDialog(self.controller, self.codebook_model, self).exec()

    def edit_variables(self, document_id: int | None = None) -> VariablesDialog | None:
        """Article → Variables…: the open article's variables (or another article's)."""
        document_id = document_id if document_id is not None else self.controller.document_id
        if document_id is None:
            self.statusBar().showMessage("Open an article first.", 4000)
            return None
        dialog = VariablesDialog(self.controller, document_id, self.documents.model, self)
        dialog.open()
        return dialog

    def import_articles(self, paths: list[Path] | None = None) -> ImportDialog:
        """File → Import articles: the dialog (a preview before anything is written); after
        an import the status bar says what was imported, and a report opens when storing
        found something the preview did not show."""
        dialog = ImportDialog(self.controller, self)

        def imported(report: ImportReport) -> None:
            self.statusBar().showMessage(status_message(report))
            if dialog.unforeseen:
                ImportReportDialog(report, self).open()

        dialog.imported.connect(imported)
        if paths:
            dialog.add_paths(paths)
        dialog.open()
        return dialog

    def switch_coder(self) -> None:
        dialog = CoderDialog(self.controller.project, self.controller.coder.name, self)
        if dialog.exec() == CoderDialog.DialogCode.Accepted and dialog.coder is not None:
            settings.CODER.set(self.store, dialog.coder.name)
            self.controller.set_coder(dialog.coder)
            self.controller.notify(Changes(coders=True))

    def open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", "", "annotator projects (*.annotator *.sqlite);;All files (*)"
        )
        if path:
            self.projectRequested.emit(Path(path))

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "New project", "study.annotator", "annotator projects (*.annotator)"
        )
        if not path:
            return
        from annotator.services import create_project

        create_project(path).close()
        self.projectRequested.emit(Path(path))

    # -- refreshing --------------------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if changes.statuses or changes.documents:
            self._update_progress()

    def _update_title(self) -> None:
        project = self.controller.project
        suffix = " [read-only]" if project.read_only else ""
        self.setWindowTitle(
            f"{project.name} — coder: {self.controller.coder.name}{suffix} — annotator"
        )

    def _update_progress(self) -> None:
        """This coder's progress under the list; every coder's in the status bar."""
        project, me = self.controller.project, self.controller.coder
        total = project.documents.count()
        counts = {
            coder.name: project.statuses.done_count(coder.id) for coder in project.coders.all()
        }
        self.documents.progress.setText(f"{counts.get(me.name, 0)} of {total} done by {me.name}")
        self.status_label.set_items(
            [(f"{name} {done}/{total}", name == me.name) for name, done in counts.items()]
        )

    def _show_shortcuts(self) -> ShortcutsDialog:
        return show_shortcuts(self, self.controller.codebook, (*FIND_BAR_KEYS, *SUGGESTION_KEYS))

    # -- state -------------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        restore_geometry(self, settings.GEOMETRY.get(self.store))
        restored = False
        for setting, splitter in (
            (settings.MAIN_SPLITTER, self.main),
            (settings.SIDE_SPLITTER, self.side),
        ):
            state = setting.get(self.store)
            if not state.isEmpty():
                restored = splitter.restoreState(state) or restored
        self.fit_panes(restored)

    def fit_panes(self, restored: bool) -> None:
        """Share the width out: on a narrow screen the article keeps
        :data:`~annotator.ui.window_state.MAIN_SHARE` of it — the list and the codebook
        shrink, not the text. Until the coder drags a divider the panes follow the window's
        width; panes the coder arranged (``restored`` from the settings, or dragged) are kept
        unless the window becomes too narrow for them to leave the article a quarter."""
        self.panes_arranged = restored
        if not restored:
            total = self.width() - 8  # the splitter's handles
            least = [self.main.widget(i).minimumSizeHint().width() for i in range(3)]
            self.main.setSizes(pane_widths(total, self._wanted_panes, least, main=1))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self.panes_arranged:
            self.fit_panes(restored=False)
        elif self.isVisible():  # (a hidden splitter's sizes are not laid out yet)
            self._keep_article_readable()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._keep_article_readable)  # once the panes are laid out

    def _keep_article_readable(self) -> None:
        if self.panes_arranged and self.main.sizes()[1] < self.width() // 4:
            self.fit_panes(restored=False)

    def _panes_moved(self) -> None:
        self.panes_arranged = True

    def save_state(self) -> None:
        settings.GEOMETRY.set(self.store, self.saveGeometry())
        settings.MAIN_SPLITTER.set(self.store, self.main.saveState())
        settings.SIDE_SPLITTER.set(self.store, self.side.saveState())
        self.store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # What the open cell editors hold, as File → Quit from the menu or by its key does
        # (a signal or the end of the desktop session closes the window without either).
        if not self.controller.project.closed:
            self.edits.commit()
        # Memo text the project refused: asked first (unless the application quits anyway).
        if not self.memos_may_close(ask=self.ask_before_closing):
            event.ignore()
            return
        self.save_state()
        stop_workers(self)  # none may run on once the window goes
        self.memo_pane.finish()  # a memo typed in the last moment goes into the closing backup
        self.statusBar().showMessage("Taking a backup…")
        self.keeper.close()
        super().closeEvent(event)
