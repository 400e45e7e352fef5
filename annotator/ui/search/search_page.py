"""The Search tab: the query and where to search, the hits in context as they are found,
and coding the ticked hits (preview first, then one undoable step)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services import saved_searches, search
from annotator.services.autocode import Origin, Unit
from annotator.services.changes import Changes
from annotator.storage.saved_searches import SavedSearch
from annotator.ui.controller import Controller
from annotator.ui.models.documents import DocumentsModel
from annotator.ui.panels import one_line_rows
from annotator.ui.read_only import why_read_only
from annotator.ui.search.coding import (
    CodeChooser,
    Previewed,
    PreviewModel,
    UnitChooser,
    make_preview,
    preview_summary,
)
from annotator.ui.search.commands import code_hits, refuse_coding
from annotator.ui.search.hits_model import HitsModel
from annotator.ui.search.hits_view import HitsView
from annotator.ui.search.jobs import CallJob, Page, Runner, SearchJob
from annotator.ui.search.query_bar import ERROR_STYLE, QueryBar
from annotator.ui.search.save_dialog import SaveSearchDialog
from annotator.ui.search.scope import ScopeChooser


def hits_in_articles(hits: int, articles: int) -> str:
    """ "12 hits in 3 articles" (singular where it is one)."""
    return f"{hits:,} hit{'s' * (hits != 1)} in {articles:,} article{'s' * (articles != 1)}"


class SearchPage(QWidget):
    """Search, read the hits in context, code them."""

    #: Show a hit in the reader: (document id, start, end).
    jumpRequested = Signal(int, int, int)
    #: A search was saved (the saved searches list reads them again).
    savedChanged = Signal()
    #: A search ended: its hits and articles (None when it failed or was cancelled).
    searched = Signal(object)
    #: Hits were added to the table while the search runs: how many it shows now.
    hitsShown = Signal(int)

    def __init__(
        self, controller: Controller, documents: DocumentsModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.runner = Runner(controller.project, self)
        self.previewer = Runner(controller.project, self)
        #: The saved search shown (its query, options and scope unchanged), and the articles
        #: it is run on (None: every one in its scope).
        self.saved: SavedSearch | None = None
        self.saved_documents: frozenset[int] | None = None
        #: The highest article when the search ran: what a saved search on every article
        #: searched (its mark of new articles moves no further).
        self.searched_up_to: int | None = None
        self._loading = False
        self.request: search.Request | None = None
        self.query_bar = QueryBar()
        self.save_button = QPushButton("Sa&ve search…")
        self.save_button.setToolTip(
            "Keep this search under a name, tied to a code if you like, to run again later"
        )
        self.scope = ScopeChooser(controller, documents)
        self.scope.layout().addWidget(self.save_button)
        self.saved_label = QLabel()
        self.saved_label.setTextFormat(Qt.TextFormat.PlainText)
        self.saved_label.hide()
        self.model = HitsModel(self)
        self.view = HitsView(self.model)
        # -- coding the hits
        self.tick_all = QPushButton("Tick &all")
        self.tick_none = QPushButton("Untick all")
        self.ticked = QLabel()
        self.code = CodeChooser()
        self.code.setToolTip("The code to give the ticked hits")
        self.unit = UnitChooser()
        self.preview_button = QPushButton("&Preview")
        self.preview_button.setToolTip("List the passages the ticked hits would code")
        self.apply_button = QPushButton("Appl&y")
        self.apply_button.setToolTip(
            "Code the passages of the preview, as one step (Ctrl+Z takes them back)"
        )
        self.apply_button.setEnabled(False)
        bar = QHBoxLayout()
        bar.addWidget(self.tick_all)
        bar.addWidget(self.tick_none)
        bar.addWidget(self.ticked, 1)
        bar.addWidget(QLabel("Code:"))
        bar.addWidget(self.code)
        bar.addWidget(QLabel("Unit:"))
        bar.addWidget(self.unit)
        bar.addWidget(self.preview_button)
        bar.addWidget(self.apply_button)
        hits_pane = QWidget()
        hits_layout = QVBoxLayout(hits_pane)
        hits_layout.setContentsMargins(0, 0, 0, 0)
        hits_layout.addWidget(self.view, 1)
        hits_layout.addLayout(bar)
        # -- the preview
        self.preview_model = PreviewModel(self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        one_line_rows(self.preview_view)
        preview_header = self.preview_view.horizontalHeader()
        preview_header.setStretchLastSection(False)
        self.preview_view.setColumnWidth(0, 260)
        preview_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.preview_view.setColumnWidth(2, 50)
        self.preview_view.doubleClicked.connect(self._jump_to_planned)
        self.summary = QLabel("Tick hits, choose a code and a unit, then Preview.")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        preview_pane = QWidget()
        preview_layout = QVBoxLayout(preview_pane)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(self.summary)
        preview_layout.addWidget(self.preview_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(hits_pane)
        self.splitter.addWidget(preview_pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.query_bar)
        layout.addWidget(self.scope)
        layout.addWidget(self.saved_label)
        layout.addWidget(self.splitter, 1)
        self.fill_codes()
        self._show_ticked()
        self.query_bar.searchRequested.connect(self.run)
        self.query_bar.cancelRequested.connect(self.cancel)
        self.query_bar.edited.connect(self._edited)
        self.scope.changed.connect(self._edited)
        self.view.hitActivated.connect(
            lambda hit: self.jumpRequested.emit(hit.document_id, hit.start, hit.end)
        )
        self.tick_all.clicked.connect(lambda: self.model.set_all_checked(True))
        self.tick_none.clicked.connect(lambda: self.model.set_all_checked(False))
        self.model.checksChanged.connect(self._checks_changed)
        self.code.currentIndexChanged.connect(lambda _: self.forget_preview())
        self.unit.currentIndexChanged.connect(lambda _: self.forget_preview())
        self.preview_button.clicked.connect(self.preview)
        self.apply_button.clicked.connect(self.apply)
        self.save_button.clicked.connect(self.save_search)
        controller.changed.connect(self._on_changed)
        controller.coderChanged.connect(self.forget_preview)
        self._read_only()

    def _read_only(self) -> None:
        """A read-only project searches, previews and counts, but codes and saves nothing."""
        reason = why_read_only(self.controller.project)
        if reason:
            for button in (self.apply_button, self.save_button):
                button.setEnabled(False)
                button.setToolTip(f"{button.text().replace('&', '')} is off. Read-only: {reason}.")

    @property
    def writable(self) -> bool:
        return not self.controller.project.read_only

    def fill_codes(self) -> None:
        """List the codes again; a chosen code that is gone leaves none chosen (Preview off
        until one is), and the window says so."""
        if self.code.fill(self.controller.codebook):
            self.forget_preview("The code chosen was deleted: choose a code, then Preview.")

    def _on_changed(self, changes: Changes) -> None:
        if changes.codebook:
            self.fill_codes()
            self.refresh_saved()
        previewed = self.preview_model.previewed
        if previewed is None:
            return
        # Any coding changed in an article of the hits (an undo too) can change what the
        # preview leaves out: even a preview with nothing to code.
        touched = previewed.documents | {p.document_id for p in previewed.preview.planned}
        coded = {c.document_id for c in changes.before + changes.after}
        if changes.codebook or changes.coders or touched & (changes.documents | coded):
            self.forget_preview("The project changed since the preview: preview again.")

    # -- searching ---------------------------------------------------------------------------

    def run(self) -> None:
        """Search (the first page of hits shows as soon as it is found)."""
        if not self.query_bar.check():
            return
        scope = self.scope.scope()
        if self.saved is not None and self.saved_documents is not None:
            scope = search.Scope(
                scope.conditions, scope.within, scope.coders, documents=self.saved_documents
            )
        request = self.query_bar.request(scope)
        self.request = request
        self.searched_up_to = saved_searches.highest_document(self.controller.project)
        self.forget_preview()
        self.model.clear(self.controller.project.documents.variables())
        self.query_bar.set_running(True)
        self.query_bar.status.setText("Searching…")
        self.runner.start(
            SearchJob(self.runner.connect_project, request),
            done=self._searched,
            failed=self._failed,
            page=self._page,
        )

    def _page(self, page: object) -> None:
        assert isinstance(page, Page)
        first = self.model.rowCount() == 0
        self.model.add_page(page)
        if first:
            self.view.fit()
        self.query_bar.status.setText(
            hits_in_articles(self.model.rowCount(), self.model.articles()) + " so far…"
        )
        self.hitsShown.emit(self.model.rowCount())

    def _searched(self, counts: object) -> None:
        assert isinstance(counts, search.Counts)
        self.query_bar.set_running(False)
        self.query_bar.check()
        self.query_bar.status.setText(
            hits_in_articles(*counts) if counts.hits else "No hits" + self._where()
        )
        self._show_ticked()
        self.searched.emit(counts)

    def refresh_saved(self) -> None:
        """Read the saved search shown again (renamed, or deleted, in the Saved searches tab
        or elsewhere): its hits stay, coded under its new name — or as a plain search once it
        is gone."""
        if self.saved is None:
            return
        now = saved_searches.store(self.controller.project).by_guid(self.saved.guid)
        if now is None:
            name = self.saved.name
            self.saved, self.saved_documents = None, None
            self.saved_label.setText(
                f"Saved search “{name}” was deleted: its hits stay, coded as a plain search"
            )
            return
        if now != self.saved:
            self.saved = now
            self.saved_label.setText(f"Saved search “{now.name}”")

    def _where(self) -> str:
        if self.saved_documents is not None:
            return f" in the {len(self.saved_documents):,} articles searched"
        return ""

    def _failed(self, message: str) -> None:
        self.query_bar.set_running(False)
        self.query_bar.check()
        self.query_bar.show_problem(message)
        self.query_bar.status.setText(
            hits_in_articles(self.model.rowCount(), self.model.articles()) + " before it stopped"
            if self.model.rowCount()
            else ""
        )
        self.searched.emit(None)

    def cancel(self) -> None:
        """Stop the search under way; the hits found so far stay."""
        if not self.runner.busy:
            return
        self.runner.cancel()
        self.query_bar.set_running(False)
        self.query_bar.check()
        self.query_bar.status.setText(
            "Cancelled: "
            + hits_in_articles(self.model.rowCount(), self.model.articles())
            + " found before"
        )
        self.searched.emit(None)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.runner.busy:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- saved searches ------------------------------------------------------------------------

    def _edited(self) -> None:
        if not self._loading and self.saved is not None:
            self.saved = None
            self.saved_documents = None
            self.saved_label.hide()

    def load_saved(self, saved: SavedSearch, documents: frozenset[int] | None, where: str) -> bool:
        """Show a saved search (its query, options, scope, code and unit) and run it on
        ``documents`` (None: every article in its scope); ``where`` says which in words."""
        try:
            request = saved_searches.request_of(self.controller.project, saved)
        except UserError as error:
            self.query_bar.show_problem(str(error))
            return False
        self._loading = True
        try:
            self.query_bar.set_request(request)
            self.scope.set_scope(request.scope)
            if saved.code_id is not None:
                self.code.choose(saved.code_id)
            self.unit.set_unit(saved.unit)
        finally:
            self._loading = False
        self.saved, self.saved_documents = saved, documents
        self.saved_label.setText(f"Saved search “{saved.name}” — {where}")
        self.saved_label.show()
        self.run()
        return True

    def save_search(self) -> SaveSearchDialog | None:
        """Ask for a name (and a code, and a unit) and keep the search as it is typed."""
        if not self.writable or not self.query_bar.check():
            return None
        request = self.query_bar.request(self.scope.scope())

        def save(name: str, code_id: int | None, unit: Unit) -> None:
            saved = saved_searches.save(
                self.controller.project, name, request, code_id=code_id, unit=unit
            )
            # The hits shown are the rule's only if they were found by the request saved
            # (a query typed since, or found on some articles only, is searched again):
            # codings always record the search that found them.
            shown = self.request == request and not self.runner.busy
            self.saved, self.saved_documents = saved, None
            self.saved_label.setText(f"Saved search “{saved.name}”")
            self.saved_label.show()
            if code_id is not None:  # the hits are coded as the rule codes them
                self.code.choose(code_id)
                self.unit.set_unit(unit)
            self.savedChanged.emit()
            if not shown:
                self.run()

        dialog = SaveSearchDialog(
            self.controller, save, self.code.code_id(), self.unit.unit(), parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- coding --------------------------------------------------------------------------------

    def _checks_changed(self) -> None:
        self._show_ticked()
        self.forget_preview()

    def _show_ticked(self) -> None:
        total, ticked = self.model.rowCount(), self.model.checked_count()
        self.ticked.setText(f"{ticked:,} of {total:,} hits ticked" if total else "")
        self.preview_button.setEnabled(ticked > 0 and self.code.code_id() is not None)

    def forget_preview(self, why: str = "") -> None:
        """The preview no longer holds (ticks, code, unit or the project changed)."""
        self.previewer.cancel()
        if self.preview_model.previewed is not None or why:
            self.preview_model.set_preview(None)
            self.summary.setStyleSheet("")
            self.summary.setText(why or "Preview again to see what would be coded.")
        self.apply_button.setEnabled(False)
        self._show_ticked()

    def preview(self) -> None:
        """Work out (in a worker) the passages the ticked hits would code, and list them."""
        code_id = self.code.code_id()
        hits = [(h.document_id, h.start, h.end) for h in self.model.checked_hits()]
        if code_id is None or not hits:
            self.summary.setText("Tick the hits to code and choose a code first.")
            return
        self.forget_preview()
        coder, unit = self.controller.coder, self.unit.unit()
        self.summary.setStyleSheet("")
        self.summary.setText(f"Working out the passages of {len(hits):,} hits…")
        self.previewer.start(
            CallJob(
                self.previewer.connect_project,
                lambda project: make_preview(project, hits, code_id, coder.id, unit),
            ),
            done=self._previewed,
            failed=self._preview_failed,
        )

    def _previewed(self, result: object) -> None:
        assert isinstance(result, Previewed)
        self.preview_model.set_preview(result)
        codebook = self.controller.codebook
        code = codebook.path(result.preview.code_id)
        self.summary.setStyleSheet("")
        self.summary.setText(preview_summary(result, code, self.controller.coder.name))
        self.apply_button.setEnabled(bool(result.preview.planned) and self.writable)

    def _preview_failed(self, message: str) -> None:
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setText(message[:1].upper() + message[1:])

    def apply(self) -> int:
        """Code what the preview lists, as one undoable step; how many codings were made."""
        previewed = self.preview_model.previewed
        if previewed is None or not previewed.preview.planned:
            return 0
        preview = previewed.preview
        self.refresh_saved()  # renamed or deleted since it was loaded
        try:
            refuse_coding(self.controller)
            step = code_hits(
                self.controller,
                preview,
                self._origin(preview.unit),
                self.saved,
                self.saved_documents if self.saved is not None else None,
                self.searched_up_to,
            )
        except UserError as error:
            self.summary.setStyleSheet(ERROR_STYLE)
            self.summary.setText(str(error)[:1].upper() + str(error)[1:])
            return 0
        made = len(step.codings)
        self.preview_model.set_preview(None)
        self.apply_button.setEnabled(False)
        code = self.controller.codebook.path(preview.code_id)
        self.summary.setStyleSheet("")
        dropped = (
            f" Left out: {step.dropped:,} passage{'s' * (step.dropped != 1)} in articles "
            "deleted since the preview."
            if step.dropped
            else ""
        )
        self.summary.setText(
            f"Coded {made:,} passage{'s' * (made != 1)} {code} for "
            f"{self.controller.coder.name} (Ctrl+Z takes them back).{dropped}"
        )
        return made

    def _origin(self, unit: Unit) -> Origin:
        request = self.request
        query = request.query if request is not None else self.query_bar.query.text().strip()
        regex = request.regex if request is not None else self.query_bar.regex.isChecked()
        if self.saved is not None:
            return Origin(query, regex, unit, rule=self.saved.guid, name=self.saved.name)
        return Origin(query, regex, unit)

    def _jump_to_planned(self, index: QModelIndex) -> None:
        """Show a passage of the preview in the reader (a whole article: the article)."""
        if not 0 <= index.row() < self.preview_model.rowCount():
            return
        planned = self.preview_model.planned(index.row())
        if planned.start is not None and planned.end is not None:
            self.jumpRequested.emit(planned.document_id, planned.start, planned.end)
        else:
            self.jumpRequested.emit(planned.document_id, -1, -1)

    def release_worker(self) -> None:
        """Let the search and the preview under way go (the window is closing): the window,
        shown again, is ready for the next search."""
        self.cancel()
        if self.previewer.busy:
            self.previewer.release()
            self.summary.setStyleSheet("")
            self.summary.setText("Preview again to see what would be coded.")
