"""Disagreement review: the differences of two to four coders, the passages as text with
the differing edges marked, the article beside it in one pane per coder (each showing that
coder's own passage), and a decision for each difference written as consensus codings."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.model import Choice, Coder
from annotator.services import consensus
from annotator.services.agreement import CONSENSUS
from annotator.services.changes import Changes
from annotator.services.consensus import Difference, ReplaceNeeded
from annotator.ui import consensus_commands
from annotator.ui.controller import Controller
from annotator.ui.models import refilter
from annotator.ui.models.review import DifferencesModel
from annotator.ui.panels import one_line_rows
from annotator.ui.read_only import why_read_only
from annotator.ui.reader import Reader
from annotator.ui.review_text import compared_html

#: The second coder's list ends with this: compare every coder (three or four) at once.
ALL_CODERS = "All coders"
MAX_CODERS = 4
#: Keys of the review window's decisions, in the order of its buttons (listed by F1).
REVIEW_KEYS = (
    ("Ctrl+1", "Accept the first coder's version", "Review differences"),
    ("Ctrl+2", "Accept the second coder's version", "Review differences"),
    ("Ctrl+3", "Both: keep both versions", "Review differences"),
    ("Ctrl+4", "Neither: keep no coding", "Review differences"),
    ("Ctrl+5", "Edit: use the selection in a coder's pane", "Review differences"),
    ("Ctrl+6", "Accept the third coder's version (all coders)", "Review differences"),
    ("Ctrl+7", "Accept the fourth coder's version (all coders)", "Review differences"),
)


class CoderPane(QWidget):
    """One coder's codings of an article, read-only, with that coder's own passage of the
    difference selected (not the stretch all coders cover)."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.reader = Reader(self)
        self.reader.shortcutPressed.connect(lambda _: None)  # keys code nothing here
        self.coder: Coder | None = None
        #: The passages of the difference this pane shows as the coder's own.
        self.own: tuple[tuple[int, int], ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.reader, 1)

    def show_article(
        self,
        coder: Coder,
        document_id: int,
        own: tuple[tuple[int, int], ...],
        extent: tuple[int, int] | None,
        note: str = "",
    ) -> None:
        """Show the article as ``coder`` coded it, their passages ``own`` selected (or, when
        they have none there, the place of the difference, ``extent``)."""
        project = self.controller.project
        codebook = self.controller.codebook
        rows = project.codings.summary(document_id, {coder.id})
        used = {code for code, _, _, _ in rows}
        longest = max((longest or 0 for _, _, _, longest in rows), default=0)
        spans = sum(count - whole for _, count, whole, _ in rows)
        lanes = [code.id for code in codebook.codes() if code.id in used]
        if self.coder != coder or self.reader.document_id != document_id:
            self.reader.set_lane_count(len(lanes))
            self.reader.show_article(document_id, project.documents.text(document_id))
        self.coder = coder
        self.own = own

        def source(start: int, end: int) -> list[tuple[int, int, int, int, int]]:
            return project.codings.spans_between(document_id, {coder.id}, start, end, longest)

        self.reader.set_source(
            source,
            spans,
            {code.id: code.color for code in codebook.codes()},
            {code.id: codebook.path(code.id) for code in codebook.codes()},
            {coder.id: coder.name},
            lanes,
        )
        whole = [codebook.get(code).name for code, _, count, _ in rows if count]
        suffix = f" — whole article: {', '.join(whole)}" if whole else ""
        self.title.setText(f"<b>{escape(coder.name)}</b>{escape(note + suffix)}")
        if own:
            self.reader.select_span(min(s for s, _ in own), max(e for _, e in own))
        elif extent is not None:
            self.reader.select_span(extent[0], extent[0])  # the place, nothing selected


class ReviewWindow(QDialog):
    """Go through two to four coders' differences and decide each for the consensus."""

    #: A decision was made (the difference it decided).
    decided = Signal(object)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review disagreements")
        self.setWindowFlag(Qt.WindowType.Window)
        self.resize(1320, 800)
        self.controller = controller
        self.codes: list[int] = []
        self._texts: dict[int, str] = {}
        self.first_combo, self.second_combo = QComboBox(), QComboBox()
        self.second_combo.setToolTip(
            f"A second coder, or '{ALL_CODERS}': review each code across every coder at once"
        )
        self.overlap = QSpinBox()
        self.overlap.setRange(1, 100)
        self.overlap.setValue(90)
        self.overlap.setSuffix(" %")
        self.show_decided = QCheckBox("Show decided")
        self.show_decided.setChecked(True)
        self.scope = QLabel()
        self.model = DifferencesModel(self._text, self)
        self.proxy = _OpenFilter(self)
        self.proxy.setSourceModel(self.model)
        self.show_decided.toggled.connect(self.proxy.set_show_decided)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        one_line_rows(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.compared = QTextBrowser()
        self.compared.setOpenLinks(False)
        self.panes: list[CoderPane] = []
        self.sides = QSplitter(Qt.Orientation.Horizontal)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason (optional; kept with the decision)")
        self.buttons: dict[Choice, QPushButton] = {}
        #: "Accept <coder>" for the third and fourth coder of an all-coders review.
        self.more_buttons: list[QPushButton] = []
        row = QHBoxLayout()
        row.addWidget(self.reason, 1)
        keys = [key for key, _, _ in REVIEW_KEYS]
        for choice, label, key in (
            (Choice.FIRST, "Accept &first", keys[0]),
            (Choice.SECOND, "Accept &second", keys[1]),
            (Choice.BOTH, "&Both", keys[2]),
            (Choice.NEITHER, "&Neither", keys[3]),
            (Choice.EDITED, "&Edit: use selection", keys[4]),
        ):
            button = QPushButton(label)
            button.setShortcut(QKeySequence(key))
            button.setToolTip(f"{key}")
            button.clicked.connect(lambda *_, c=choice: self.decide(c))
            self.buttons[choice] = button
            row.addWidget(button)
        for took, key in ((2, keys[5]), (3, keys[6])):
            button = QPushButton()
            button.setShortcut(QKeySequence(key))
            button.setToolTip(key)
            button.clicked.connect(lambda *_, t=took: self.decide(Choice.EDITED, took=t))
            button.hide()
            self.more_buttons.append(button)
            row.insertWidget(1 + took, button)
        self.adopt = QPushButton("Copy &agreements to consensus")
        self.adopt.clicked.connect(self.adopt_agreements)
        self.status = QLabel()

        top = QHBoxLayout()
        for label, widget in (
            ("First:", self.first_combo),
            ("Second:", self.second_combo),
            ("Passages agree from:", self.overlap),
        ):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addWidget(self.show_decided)
        top.addWidget(self.scope, 1)
        top.addWidget(self.adopt)
        body = self.body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(self.table)
        body.addWidget(self.compared)
        body.addWidget(self.sides)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(body, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self._set_panes(2)
        self.fill_coders()
        self.first_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.second_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.overlap.valueChanged.connect(lambda _: self.refresh())
        controller.changed.connect(self._on_changed)

    def _text(self, document_id: int) -> str:
        if document_id not in self._texts:
            self._texts[document_id] = self.controller.project.documents.text(document_id)
        return self._texts[document_id]

    def _set_panes(self, count: int) -> None:
        """One pane per coder compared (sizes set anew only when the number changes)."""
        if count == len(self.panes):
            return
        while len(self.panes) > count:
            self.panes.pop().deleteLater()
        while len(self.panes) < count:
            pane = CoderPane(self.controller, self)
            self.panes.append(pane)
            self.sides.addWidget(pane)
        self.sides.setSizes([1000] * count)
        # A row of text per coder above the panes: more coders, more rows.
        self.body.setSizes([200, 130, 450] if count == 2 else [150, 60 + 45 * count, 400])

    def fill_coders(self) -> None:
        names = [c.name for c in self.controller.project.coders.all()]
        if CONSENSUS not in names:
            names.append(CONSENSUS)
        people = [n for n in names if n != CONSENSUS]
        for combo in (self.first_combo, self.second_combo):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.blockSignals(False)
        if len(people) >= 3:
            self.second_combo.blockSignals(True)
            self.second_combo.addItem(ALL_CODERS)
            self.second_combo.blockSignals(False)
        if len(names) > 1:
            self.second_combo.setCurrentIndex(1)

    def review(self, first: str, second: str, codes: list[int]) -> None:
        """Show the differences of two coders on these codes (all if empty); ``second``
        :data:`ALL_CODERS` compares every coder."""
        self.codes = codes
        for combo, name in ((self.first_combo, first), (self.second_combo, second)):
            combo.blockSignals(True)
            combo.setCurrentText(name)
            combo.blockSignals(False)
        self.refresh()

    def chosen(self) -> list[str]:
        """The coders compared, in order."""
        first, second = self.first_combo.currentText(), self.second_combo.currentText()
        if second != ALL_CODERS:
            return [first, second]
        people = [c.name for c in self.controller.project.coders.all() if c.name != CONSENSUS]
        return people[:MAX_CODERS]

    def refresh(self) -> None:
        names = self.chosen()
        self.first_combo.setEnabled(self.second_combo.currentText() != ALL_CODERS)
        keep = self.current()
        self._texts.clear()
        try:
            found = consensus.review_coders(
                self.controller.project,
                names,
                codes=self.codes or None,
                threshold=self.overlap.value() / 100,
            )
        except UserError as error:
            self.model.set_review(None)
            self.status.setText(str(error))
            return
        self.model.set_review(found)
        self._set_panes(len(found.coders))
        self._size_columns(len(found.coders))
        codebook = self.controller.codebook
        named = ", ".join(codebook.path(c) for c in self.codes[:3]) if self.codes else "all codes"
        if len(self.codes) > 3:
            named += ", …"
        self.scope.setText(f"Codes: {named}")
        people = [c.name for c in found.coders]
        for choice, name in zip((Choice.FIRST, Choice.SECOND), people, strict=False):
            self.buttons[choice].setText(f"Accept {name}")
        for k, button in enumerate(self.more_buttons, start=2):
            button.setVisible(k < len(people))
            if k < len(people):
                button.setText(f"Accept {people[k]}")
        self.buttons[Choice.BOTH].setText("&Both" if len(people) == 2 else "&All")
        # setText replaces a button's key with its text's mnemonic: give each its key back.
        buttons = (*self.buttons.values(), *self.more_buttons)
        for button, (key, _, _) in zip(buttons, REVIEW_KEYS, strict=True):
            button.setShortcut(QKeySequence(key))
        for button in (*self.buttons.values(), *self.more_buttons):
            button.setMinimumWidth(button.sizeHint().width())  # names are never cut off
        read_only = self._read_only()
        self.adopt.setEnabled(len(people) == 2 and not read_only)
        self.adopt.setToolTip(
            read_only
            or (
                "Give the consensus coder every coding the two coders agree on, except where "
                "it codes the passage already"
                if len(people) == 2
                else "Compare two coders to copy their agreements"
            )
        )
        stale = f"; {len(found.stale)} changed since decided" if found.stale else ""
        self.status.setText(
            f"{len(found.differences)} differences in {found.articles} "
            f"article{'' if found.articles == 1 else 's'}; "
            f"{len(found.open)} to decide{stale}."
        )
        self._select(keep)

    def _size_columns(self, coders: int) -> None:
        widths = (150, 230, 170) + ((230, 230) if coders == 2 else (170,) * coders)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)

    def current(self) -> Difference | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.difference(self.proxy.mapToSource(index).row())

    def _select(self, previous: Difference | None) -> None:
        """Select the same difference again, or the first one still to decide."""
        rows = self.proxy.rowCount()
        target = None
        for row in range(rows):
            item = self.model.difference(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
            same = previous is not None and (item.document_id, item.code_id, item.extent) == (
                previous.document_id,
                previous.code_id,
                previous.extent,
            )
            if same and item.decision is None:
                target = row
                break
            if target is None and item.decision is None:
                target = row
        if target is None and rows:
            target = 0
        if target is not None:
            self.table.setCurrentIndex(self.proxy.index(target, 0))
        self._show_current()

    def _show_current(self) -> None:
        item = self.current()
        review = self.model.review
        read_only = self._read_only()
        for button in (*self.buttons.values(), *self.more_buttons):
            button.setEnabled(item is not None and item.decision is None and not read_only)
            if read_only:
                button.setToolTip(read_only)
        self.reason.setEnabled(not read_only)
        if item is None or review is None:
            self.compared.clear()
            return
        names = [c.name for c in review.coders]
        self.compared.setHtml(compared_html(self._text(item.document_id), item, names))
        for k, (pane, coder) in enumerate(zip(self.panes, review.coders, strict=True)):
            own = item.sides[k] if k < len(item.sides) else ()
            note = "" if own or item.whole else " — does not code this passage"
            pane.show_article(coder, item.document_id, own, item.extent, note)

    def _read_only(self) -> str:
        """Why no decision can be written ('' when the project can be written)."""
        why = why_read_only(self.controller.project)
        return f"Read-only: {why}; decisions cannot be made here." if why else ""

    def _refused(self) -> bool:
        """Whether a write is refused (read-only); if so the status line says why."""
        read_only = self._read_only()
        if read_only:
            self.status.setText(read_only)
        return bool(read_only)

    def decide(self, choice: Choice, took: int | None = None) -> None:
        item, review = self.current(), self.model.review
        if item is None or review is None or self._refused():
            return
        edited: tuple[tuple[int, int], ...] = ()
        if choice is Choice.EDITED and took is None:
            selected = next(
                (p.reader.selected_span() for p in self.panes if p.reader.selected_span()), None
            )
            if selected is None:
                QMessageBox.information(
                    self, "Edit", "Select the passage the consensus should code in either text."
                )
                return
            edited = (selected,)
        replace = False
        while True:
            try:
                consensus_commands.decide(
                    self.controller,
                    review.coders,
                    item,
                    choice,
                    self.reason.text(),
                    edited,
                    took=took,
                    replace_clashing=replace,
                )
            except ReplaceNeeded as clash:
                answer = QMessageBox.question(
                    self,
                    "Replace in the consensus?",
                    f"{clash}.\n\nReplace it? The decision that put it there is withdrawn "
                    "and its difference shows again.",
                )
                if answer != QMessageBox.StandardButton.Yes or replace:
                    return
                replace = True
                continue
            except UserError as error:
                QMessageBox.warning(self, "Review disagreements", str(error))
                return
            break
        self.reason.clear()
        # On to the next difference; Ctrl+Z now undoes the decision, not the reason's text.
        self.table.setFocus()
        self.decided.emit(item)

    def adopt_agreements(self) -> None:
        review = self.model.review
        if review is None or len(review.coders) != 2 or self._refused():
            return
        try:
            count = consensus_commands.adopt_agreements(
                self.controller, review.first, review.second
            )
        except UserError as error:
            self.status.setText(str(error))
            return
        self.status.setText(f"The consensus coder took {count} agreed codings.")

    def _on_changed(self, changes: Changes) -> None:
        if changes.codings or changes.coders or changes.codebook:
            if changes.coders:
                first, second = self.first_combo.currentText(), self.second_combo.currentText()
                self.fill_coders()
                self.first_combo.setCurrentText(first)
                self.second_combo.setCurrentText(second)
            self.refresh()


class _OpenFilter(QSortFilterProxyModel):
    """Hides decided differences unless asked to show them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.show_decided = True

    def set_show_decided(self, show: bool) -> None:
        refilter(self, lambda: setattr(self, "show_decided", show))

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # type: ignore[no-untyped-def]
        model = self.sourceModel()
        assert isinstance(model, DifferencesModel)
        return self.show_decided or model.difference(source_row).decision is None
