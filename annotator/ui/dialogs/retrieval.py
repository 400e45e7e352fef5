"""Retrieval: the passages coded with several codes (any of, all of, A overlapping B), by
coder and by article variables; whole passages on demand; exported as CSV or a report.
Double-click jumps to a passage."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services.article_filter import Condition
from annotator.services.changes import Changes
from annotator.services.retrieval import MODE_LABELS, Mode, Passage, Search, describe
from annotator.services.retrieval import export_passages as write_passages
from annotator.ui.controller import Controller
from annotator.ui.dialogs.retrieval_choices import ChecklistButton
from annotator.ui.dialogs.variable_filter import VariableFilterDialog
from annotator.ui.models.codebook import swatch
from annotator.ui.models.documents import DocumentsModel
from annotator.ui.models.retrieval import PASSAGE_COLUMN, RetrievalModel
from annotator.ui.panels import one_line_rows

EXPORT_FILTERS = (
    "CSV, one passage a row (*.csv);;Report as a web page (*.html);;"
    "Report in Markdown (*.md);;Report as a Word document (*.docx)"
)
_SUFFIXES = {"CSV": ".csv", "web": ".html", "Markdown": ".md", "Word": ".docx"}


class RetrievalPanel(QWidget):
    """Choose codes, how they combine, coders and variables; see every passage found."""

    #: Emitted with (document id, start, end) when a passage should be shown in the reader.
    jumpRequested = Signal(int, object, object)

    def __init__(
        self,
        controller: Controller,
        documents: DocumentsModel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.documents = documents
        self.conditions: list[Condition] = []
        #: Memo text to look for (coding, article and code memos); see :meth:`set_memo_filter`.
        self.memo = ""
        #: Only these codings, and where they come from (:meth:`show_codings`).
        self.only: tuple[frozenset[int], str] | None = None
        self.model = RetrievalModel(controller)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(PASSAGE_COLUMN)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.codes = ChecklistButton("Choose codes…", "codes")
        self.mode = QComboBox()
        for mode in Mode:
            self.mode.addItem(MODE_LABELS[mode], mode)
        self.mode.setToolTip(
            "any of: passages of any chosen code\n"
            "all of: their passages in articles where the coder used every chosen code\n"
            "overlapping: passages of the chosen codes that share text with a passage of the "
            "codes on the right, by the same coder"
        )
        self.mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.mode.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.others = ChecklistButton("Choose codes…", "codes")
        self.coders = ChecklistButton("All coders", "coders")
        self.variable_button = QPushButton("Variable…")
        self.variable_button.setToolTip("Keep the passages of articles whose variable matches")
        self.clear_button = QPushButton("Clear filters")
        self.conditions_label = QLabel()
        self.conditions_label.setTextFormat(Qt.TextFormat.PlainText)
        # Long conditions are cut, not allowed to push the count off the panel.
        self.conditions_label.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )
        self.whole = QCheckBox("Whole passages")
        self.whole.setToolTip("Show each passage in full instead of one line in its context")
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the passages shown as CSV, HTML, Markdown or Word")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter passages…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.count = QLabel()
        self.count.setMinimumWidth(
            self.count.fontMetrics().horizontalAdvance("00000 of 00000 passages")
        )
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        # By article and position until asked; set first, or enabling sorting sorts.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        one_line_rows(self.view)
        self.view.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((170, 70, 150, 620)):
            self.view.setColumnWidth(column, width)
        self.view.doubleClicked.connect(self._jump)
        top = QHBoxLayout()
        top.addWidget(QLabel("Codes:"))
        top.addWidget(self.codes, 3)
        top.addWidget(self.mode)
        top.addWidget(self.others, 3)
        top.addWidget(QLabel("Coders:"))
        top.addWidget(self.coders, 1)
        top.addWidget(self.variable_button)
        top.addWidget(self.clear_button)
        second = QHBoxLayout()
        second.addWidget(self.filter, 2)
        second.addWidget(self.conditions_label, 3)
        second.addWidget(self.whole)
        second.addWidget(self.export_button)
        second.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.view, 1)
        self._fill()
        for button in (self.codes, self.others, self.coders):
            button.changed.connect(self._chosen)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.variable_button.clicked.connect(self.add_variable_filter)
        self.clear_button.clicked.connect(self.clear_filters)
        self.whole.toggled.connect(self._set_whole)
        self.export_button.clicked.connect(self.export)
        self.proxy.rowsInserted.connect(self._count)
        self.proxy.modelReset.connect(self._count)
        self.proxy.layoutChanged.connect(self._count)
        self.filter.textChanged.connect(self._count)
        controller.changed.connect(self._on_changed)
        controller.visibilityChanged.connect(self._fill)
        controller.coderChanged.connect(self._fill)
        self._mode_changed()

    # -- choices -----------------------------------------------------------------------------

    def _fill(self) -> None:
        """(Re)build the code and coder choices, keeping the current ones."""
        codebook = self.controller.codebook
        entries = []
        for dimension in codebook.dimensions():
            icon = swatch(dimension.color)
            entries.append((dimension.id, f"{dimension.name} (all its codes)", icon))
            for code in codebook.walk(dimension.id):
                entries.append((code.id, "    " + codebook.path(code.id), swatch(code.color)))
        for button in (self.codes, self.others):
            button.blockSignals(True)
            button.set_entries(entries)
            button.blockSignals(False)
        visible = self.controller.visible_coder_ids()
        coders = self.controller.project.coders.all()
        self.coders.blockSignals(True)
        self.coders.set_entries(
            [(c.id, c.name, None) for c in coders if visible is None or c.id in visible]
        )
        self.coders.blockSignals(False)
        # Blind mode: only one's own passages, so there is no choice to make.
        self.coders.setEnabled(visible is None)
        self.coders.none_text = "All coders" if visible is None else "Me"
        self.coders.set_checked(self.coders.checked())
        self._query()

    def _on_changed(self, changes: Changes) -> None:
        if changes.codebook or changes.coders:
            self._fill()

    def _mode_changed(self) -> None:
        self.others.setVisible(self.current_mode() is Mode.OVERLAP)
        self._chosen()

    def _chosen(self) -> None:
        """The user chose other codes, coders or mode: a cell's passages give way to them."""
        self.only = None
        self._query()

    def show_codings(
        self, codings: list[int], codes: list[int], coders: list[int] | None, origin: str
    ) -> None:
        """List exactly these codings (the passages behind a cell of an analysis table), with
        their codes and coders ticked (``None``: every coder) and ``origin`` saying in the
        filters where they come from; Clear filters, or choosing anything, lists as before."""
        for button in (self.codes, self.others, self.coders):
            button.blockSignals(True)
        self.mode.blockSignals(True)
        self.codes.set_checked(codes)
        self.others.set_checked([])
        self.coders.set_checked(coders or [])
        self.mode.setCurrentIndex(self.mode.findData(Mode.ANY))
        self.others.setVisible(False)
        for button in (self.codes, self.others, self.coders):
            button.blockSignals(False)
        self.mode.blockSignals(False)
        self.conditions = []
        self.filter.clear()
        self.only = (frozenset(codings), origin)
        self._query()

    def show_code(self, code_id: int) -> None:
        """Retrieve the passages of one code (or of every code of a dimension)."""
        self.set_search([code_id])

    def set_search(
        self, codes: list[int], mode: Mode = Mode.ANY, overlapping: list[int] | None = None
    ) -> None:
        """Choose the codes, how they combine, and (for overlapping) the codes on the right."""
        for button in (self.codes, self.others):
            button.blockSignals(True)
        self.mode.blockSignals(True)
        self.codes.set_checked(codes)
        self.others.set_checked(overlapping or [])
        self.mode.setCurrentIndex(self.mode.findData(mode))
        self.others.setVisible(mode is Mode.OVERLAP)
        for button in (self.codes, self.others):
            button.blockSignals(False)
        self.mode.blockSignals(False)
        self._query()

    def set_coders(self, coder_ids: list[int]) -> None:
        """Show the passages of these coders (none: every coder the window shows)."""
        self.coders.set_checked(coder_ids)

    def add_condition(self, condition: Condition) -> None:
        """Keep passages of articles whose variable meets ``condition`` (one per variable)."""
        self.conditions = [c for c in self.conditions if c.variable != condition.variable]
        self.conditions.append(condition)
        self._query()

    def clear_filters(self) -> None:
        self.conditions = []
        self.only = None
        self.filter.clear()
        self._query()

    def set_memo_filter(self, text: str) -> None:
        """Keep passages whose coding, article or code memo holds ``text`` ("" for all).
        The hook for the memos panel's search."""
        self.memo = text
        self._query()

    def add_variable_filter(self) -> VariableFilterDialog | None:
        """Ask for a condition on a variable, as the article list does; then filter."""
        if self.documents is None:
            return None
        dialog = VariableFilterDialog(self.documents, parent=self)
        dialog.setWindowTitle("Coded passages of articles whose variable…")
        dialog.accepted.connect(
            lambda: dialog.condition is not None and self.add_condition(dialog.condition)
        )
        dialog.open()
        return dialog

    def current_mode(self) -> Mode:
        """How the chosen codes combine (the combo box holds the mode's text value)."""
        return Mode(self.mode.currentData())

    def current_search(self) -> Search | None:
        """The search the choices make (None until a code is chosen)."""
        codes = tuple(self.codes.checked())
        if not codes:
            return None
        visible = self.controller.visible_coder_ids()
        chosen = self.coders.checked()
        coders: frozenset[int] | None = frozenset(chosen) if chosen else None
        if visible is not None:
            coders = frozenset(visible) if coders is None else coders & visible
        mode = self.current_mode()
        return Search(
            codes,
            mode,
            tuple(self.others.checked()) if mode is Mode.OVERLAP else (),
            coders,
            tuple(self.conditions),
            self.memo,
            None if self.only is None else self.only[0],
            "" if self.only is None else self.only[1],
        )

    def _query(self) -> None:
        self.model.query(self.current_search())
        described = " · ".join(
            [c.describe() for c in self.conditions] + ([self.only[1]] if self.only else [])
        )
        self.conditions_label.setText(described)
        self.conditions_label.setToolTip(described)
        self.clear_button.setEnabled(bool(self.conditions) or self.only is not None)

    # -- showing -----------------------------------------------------------------------------

    def _set_whole(self, whole: bool) -> None:
        """Whole passages take the lines they need; excerpts keep rows of one line, whose
        fixed height lets the view skip measuring a long list."""
        self.model.set_whole(whole)
        header = self.view.verticalHeader()
        self.view.setWordWrap(whole)
        if whole:
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        else:
            one_line_rows(self.view)

    def _count(self, *args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(
            f"{shown} passages" if shown == total else f"{shown} of {total} passages"
        )
        self.export_button.setEnabled(shown > 0)

    def shown_passages(self) -> list[Passage]:
        """The passages the view shows, in its order (its filter and sorting applied)."""
        rows = (
            self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            for r in range(self.proxy.rowCount())
        )
        return [self.model.passage(row) for row in rows]

    def export(self) -> Path | None:
        """Ask for a file and write the passages shown there; the format follows its name."""
        name, chosen = QFileDialog.getSaveFileName(
            self, "Export the coded passages", "coded-passages.csv", EXPORT_FILTERS
        )
        if not name:
            return None
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(next((s for k, s in _SUFFIXES.items() if k in chosen), ".csv"))
        search = self.model.search
        project = self.controller.project
        words = describe(project, search) if search is not None else ""
        if self.filter.text().strip():
            words += f" Passages containing “{self.filter.text().strip()}”."
        try:
            count = write_passages(project, self.shown_passages(), path, words)
        except UserError as error:
            QMessageBox.warning(self, "Export the coded passages", str(error))
            return None
        self.count.setText(f"{count} passages saved to {path.name}")
        return path

    def _jump(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        _, document_id, start, end = self.model.coding_at(source.row())
        self.jumpRequested.emit(document_id, start, end)
