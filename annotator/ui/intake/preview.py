"""The import dialog's second page: the articles found, each with a tick box, the duplicate
choice and threshold, and the report of refused files and per-file problems."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.io.encoding import label as encoding_label
from annotator.services.duplicates import DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD
from annotator.services.imports import ReadBatch
from annotator.ui.intake.jobs import Preview
from annotator.ui.intake.model import (
    DATE,
    FILE,
    HEADLINE,
    OUTLET,
    WORDS,
    PreviewModel,
)

#: (label, ImportOptions.duplicates) in the order the choice lists them.
DUPLICATE_CHOICES = (
    ("Leave them out (untick them)", "skip"),
    ("Import them marked: variable duplicate_of", "mark"),
    ("Import them all", "all"),
)
#: Milliseconds the threshold must rest before the duplicates are looked for again.
RECHECK_MS = 400


class PreviewPage(QWidget):
    """Shows a :class:`Preview`; the dialog runs the import from what is ticked here."""

    #: The threshold was changed and has rested: look for duplicates again (the threshold).
    thresholdChanged = Signal(float)
    #: How many rows are ticked changed (the number ticked).
    tickedChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PreviewModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        # Unsorted at first: the order of the files and of the articles in each.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(
            self.view.fontMetrics().height() + 8
        )  # uniform rows: the view never measures 10,000 of them
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the duplicate flag: "0.94 like 'headline' (…)"
        # Widths from the font, not from 10,000 rows' contents.
        metrics = self.view.fontMetrics()
        samples = (
            (HEADLINE, "Lighthouse keepers ask for a second boat, crew says"),
            (OUTLET, "The Coastal Ledger (Sunday)"),
            (DATE, "2019-04-16"),
            (WORDS, "Words 12"),
            (FILE, "factiva_2019-04-16.html"),
        )
        for column, sample in samples:
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.duplicates = QComboBox()
        for label, choice in DUPLICATE_CHOICES:
            self.duplicates.addItem(label, choice)
        self.similarity = QDoubleSpinBox()
        self.similarity.setRange(MIN_THRESHOLD, MAX_THRESHOLD)
        self.similarity.setSingleStep(0.01)
        self.similarity.setDecimals(2)
        self.similarity.setValue(DEFAULT_THRESHOLD)
        self.similarity.setToolTip(
            "How alike two texts must be to count as near-duplicates: the share of "
            "five-word sequences they have in common (Jaccard similarity)."
        )
        self.tick_all = QPushButton("Tick &all")
        self.tick_none = QPushButton("Tick &none")
        self.tick_all.clicked.connect(lambda: self.model.tick_all(True))
        self.tick_none.clicked.connect(lambda: self.model.tick_all(False))
        options = QHBoxLayout()
        duplicates_label = QLabel("Near-&duplicates:")
        duplicates_label.setBuddy(self.duplicates)
        similarity_label = QLabel("&similar from:")
        similarity_label.setBuddy(self.similarity)
        for widget in (duplicates_label, self.duplicates, similarity_label, self.similarity):
            options.addWidget(widget)
        options.addStretch()
        options.addWidget(self.tick_all)
        options.addWidget(self.tick_none)
        self.problems_label = QLabel()
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.problems_label)
        lower_layout.addWidget(self.problems)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addLayout(options)
        layout.addWidget(self.splitter, 1)
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(RECHECK_MS)
        self._recheck.timeout.connect(lambda: self.thresholdChanged.emit(self.threshold()))
        self.similarity.valueChanged.connect(lambda _value: self._recheck.start())
        self.duplicates.currentIndexChanged.connect(self._choice_changed)
        self.model.dataChanged.connect(self._ticks_changed)
        self.model.modelReset.connect(self._ticks_changed)
        self._batch: ReadBatch | None = None

    # -- what is chosen ------------------------------------------------------------------------

    def choice(self) -> str:
        """skip, mark or all (ImportOptions.duplicates)."""
        return str(self.duplicates.currentData())

    def threshold(self) -> float:
        return round(self.similarity.value(), 2)

    def stop_recheck(self) -> None:
        """Forget a re-check the threshold's change has scheduled (it is run now instead)."""
        self._recheck.stop()

    def _choice_changed(self) -> None:
        self.model.set_keep_near(self.choice() != "skip")

    def _ticks_changed(self) -> None:
        self._update_summary()
        self.tickedChanged.emit(self.model.ticked_count())

    # -- showing ---------------------------------------------------------------------------

    def show_preview(self, preview: Preview) -> None:
        """Show what a reading found."""
        self._batch = preview.batch
        self.model.keep_near = self.choice() != "skip"
        self.model.set_rows(preview.rows, preview.duplicates)
        header = self.view.horizontalHeader()
        if header.sortIndicatorSection() >= 0:  # as the user sorted the last reading
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._show_problems(preview.batch, preview.table_warnings)

    def show_duplicates(self, duplicates: dict) -> None:  # type: ignore[type-arg]
        """Flags found again at another threshold."""
        self.model.set_duplicates(duplicates)

    def _update_summary(self) -> None:
        batch = self._batch
        if batch is None:
            self.summary.setText("")
            return
        model = self.model
        found = len(model.rows)
        files = sum(1 for f in batch.files if f.refused is None)
        exact = sum(1 for f in model.duplicates.values() if f.exact)
        near = len(model.duplicates) - exact
        parts = [
            f"<b>{found:,} article{'' if found == 1 else 's'}</b> in {files:,} file"
            + ("" if files == 1 else "s")
        ]
        if exact:
            parts.append(f"{exact:,} with the same text as another")
        if near:
            parts.append(f"{near:,} nearly the same")
        if batch.refused:
            parts.append(
                f"<b>{len(batch.refused):,} file"
                + ("" if len(batch.refused) == 1 else "s")
                + " refused</b>"
            )
        ticked = model.ticked_count()
        self.summary.setText(
            " · ".join(parts)
            + f". <b>{ticked:,} ticked</b> to import; untick what you leave out."
        )  # fmt: skip

    def _show_problems(self, batch: ReadBatch, table_warnings: tuple[str, ...]) -> None:
        lines = [f"refused: {refusal}" for refusal in batch.refused]
        lines.extend(table_warnings)
        for file in batch.files:
            lines.extend(f"{file.source}: {problem}" for problem in file.problems)
        lines.extend(
            f"{article.source}: {article.warning}"
            for article in batch.articles
            if article.warning is not None
        )
        lines.extend(  # worth a look: does the text read right?
            f"{article.source}: read as {encoding_label(article.encoding)}"
            for article in batch.articles
            if article.encoding not in (None, "utf-8", "utf-16", "utf-32")
        )
        refused = len(batch.refused)
        self.problems_label.setText(
            f"<b>Refused files ({refused:,}) and problems ({len(lines) - refused:,}):</b>"
            if lines
            else "No file refused, no problem found."
        )
        self.problems.setPlainText("\n".join(lines))
        self.problems.setVisible(bool(lines))
        # The report as tall as its lines (up to ten), the table the rest.
        line = self.problems.fontMetrics().lineSpacing()
        report = self.problems_label.sizeHint().height() + (
            line * min(len(lines), 10) + line + 12 if lines else 0
        )
        total = max(self.splitter.height(), 400)
        self.splitter.setSizes([total - report, report])

    def problem_lines(self) -> list[str]:
        """The report as shown, a line each."""
        text = self.problems.toPlainText()
        return text.split("\n") if text else []
