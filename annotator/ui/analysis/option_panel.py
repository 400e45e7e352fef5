"""The Analysis window's options, in two rows along its top: which table, how articles are grouped,
which coders and codes, and what the cells show. Each change says which option changed, so
that the window counts again only when the counts change."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from annotator.analysis.cooccurrence import Within
from annotator.analysis.crosstab import Unit
from annotator.domain.model import VariableType
from annotator.services.analysis import BY_ALL, BY_CODER, Bin, Rows, Show
from annotator.ui.analysis.grid import SHOW_LABELS, UNIT_LABELS
from annotator.ui.analysis.options import COOCCURRENCE, FREQUENCIES, Options
from annotator.ui.controller import Controller
from annotator.ui.dialogs.retrieval_choices import ChecklistButton
from annotator.ui.models.codebook import swatch

#: Options whose change leaves the counts as they are: the table is shown again, not counted.
SHOWING = frozenset({"unit", "show", "measure"})

BIN_LABELS = {"": "each date", **{b.value: b.value for b in Bin}}


def _combo(items: list[tuple[str, str]], tip: str = "") -> QComboBox:
    combo = QComboBox()
    for label, value in items:
        combo.addItem(label, value)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)
    if tip:
        combo.setToolTip(tip)
    return combo


class OptionPanel(QWidget):
    """The options as widgets; :attr:`changed` names the option the user changed."""

    changed = Signal(str)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._dates: set[str] = set()
        # The id behind each coder's name and code's path as last read, so that a filter
        # follows a rename; and the saved names the project no longer has, for the notice.
        self._ids: dict[str, dict[str, int]] = {"coder": {}, "code": {}}
        self._gone: dict[str, list[str]] = {"coder": [], "code": []}
        self.table = _combo(
            [("Frequencies", FREQUENCIES), ("Co-occurrence", COOCCURRENCE)],
            "Frequencies: each code per group of articles. Co-occurrence: codes applied "
            "together by one coder.",
        )
        self.by = _combo([], "Group the articles by a variable's value, by coder, or not at all")
        self.bin = _combo(
            [(label, value) for value, label in BIN_LABELS.items()],
            "How a date variable's articles are grouped (ISO weeks)",
        )
        self.coders = ChecklistButton("All coders", "coders")
        self.coders.setToolTip("Whose codings are counted (the consensus coder is a coder)")
        self.codes = ChecklistButton("All codes", "codes")
        self.codes.setToolTip("Which codes: a dimension or code takes every code below it")
        self.rows = _combo(
            [("codes", Rows.CODES.value), ("dimensions", Rows.DIMENSIONS.value)],
            "One row per code, or per dimension (all its codes together)",
        )
        self.unit = _combo(
            [(UNIT_LABELS[u], u.value) for u in Unit],
            "segments: codings; articles: articles coded (each once); characters: characters "
            "the codings cover",
        )
        self.show_as = _combo(
            [(SHOW_LABELS[s], s.value) for s in Show],
            "counts; row %: of the code's total; column %: of the group's total; % of "
            "articles: articles coded as a share of the group's articles",
        )
        self.within = _combo(
            [("a passage", Within.PASSAGE.value), ("an article", Within.ARTICLE.value)],
            "a passage: two codings by one coder sharing a character; an article: both codes "
            "anywhere in one article by one coder",
        )
        self.measure = _combo(
            [("count", "count"), ("Jaccard", "jaccard")],
            "Jaccard (article level): the (article, coder) pairs holding both codes over those "
            "holding either",
        )
        # Two rows of label and choice, four to a row: the table and chart get the width.
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(4)
        self.labels: dict[QWidget, QLabel] = {}
        for row, column, label, widget in (
            (0, 0, "&Table:", self.table),
            (0, 1, "Group &by:", self.by),
            (0, 1, "&Within:", self.within),
            (0, 2, "B&in:", self.bin),
            (0, 2, "&Measure:", self.measure),
            (0, 3, "&Rows:", self.rows),
            (1, 0, "Co&ders:", self.coders),
            (1, 1, "Co&des:", self.codes),
            (1, 2, "&Unit:", self.unit),
            (1, 3, "&Show:", self.show_as),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.labels[widget] = caption
            self.grid.addWidget(caption, row, 2 * column)
            self.grid.addWidget(widget, row, 2 * column + 1)
        for column in range(4):
            self.grid.setColumnStretch(2 * column + 1, 1)
        self.blind_note = QLabel(
            "Blind mode: only your own codings are counted (View → Show other coders' codings)."
        )
        self.blind_note.setWordWrap(True)
        self.blind_note.setStyleSheet("color: #8a5a00")
        self.grid.addWidget(self.blind_note, 2, 0, 1, 8)
        self.filter_note = QLabel()
        self.filter_note.setObjectName("filterNote")
        self.filter_note.setWordWrap(True)
        self.filter_note.setStyleSheet("color: #8a5a00")
        self.filter_note.hide()
        self.grid.addWidget(self.filter_note, 3, 0, 1, 8)
        for name, combo in (
            ("table", self.table),
            ("by", self.by),
            ("bin", self.bin),
            ("rows", self.rows),
            ("unit", self.unit),
            ("show", self.show_as),
            ("within", self.within),
            ("measure", self.measure),
        ):
            combo.currentIndexChanged.connect(lambda _, name=name: self._changed(name))
        self.coders.changed.connect(lambda: self._changed("coders"))
        self.codes.changed.connect(lambda: self._changed("codes"))

    # -- filling -------------------------------------------------------------------------------

    def fill(self, options: Options) -> None:
        """(Re)build the choices the project offers — variables, coders, codes — and show
        ``options`` in them (a name the project does not have is left out)."""
        project = self.controller.project
        variables = project.documents.variables()
        self._dates = {v.name for v in variables if v.type is VariableType.DATE}
        names = {v.name for v in variables}
        with _Quiet(self):
            self.by.clear()
            for variable in variables:
                self.by.addItem(variable.name, variable.name)
            for label, value in (("coder", BY_CODER), ("all articles", BY_ALL)):
                if value not in names:  # a variable of that name is taken first
                    self.by.addItem(label, value)
            codebook = self.controller.codebook
            entries = []
            for dimension in codebook.dimensions():
                entries.append(
                    (dimension.id, f"{dimension.name} (all its codes)", swatch(dimension.color))
                )
                for code in codebook.walk(dimension.id):
                    entries.append((code.id, "    " + codebook.path(code.id), swatch(code.color)))
            self.codes.set_entries(entries)
            visible = self.controller.visible_coder_ids()
            coders = [c for c in project.coders.all() if visible is None or c.id in visible]
            self.coders.set_entries([(c.id, c.name, None) for c in coders])
            self.coders.setEnabled(visible is None)
            self.coders.none_text = "All coders" if visible is None else "Me"
            self.blind_note.setVisible(visible is not None)
        self.set_options(options)

    def default_by(self) -> str:
        """Where articles are grouped first: by outlet, else by the first variable, else not."""
        values = [self.by.itemData(i) for i in range(self.by.count())]
        if "outlet" in values:
            return "outlet"
        variables = [v.name for v in self.controller.project.documents.variables()]
        return variables[0] if variables else BY_ALL

    def set_options(self, options: Options) -> None:
        """Show ``options`` (without saying so: nothing changed by the user)."""
        project = self.controller.project
        codebook = self.controller.codebook
        with _Quiet(self):
            for combo, value in (
                (self.table, options.table),
                (self.by, options.by or self.default_by()),
                (self.bin, options.bin),
                (self.rows, options.rows),
                (self.unit, options.unit),
                (self.show_as, options.show),
                (self.within, options.within),
                (self.measure, options.measure),
            ):
                index = combo.findData(value)
                combo.setCurrentIndex(max(index, 0))
            coders = [project.coders.lookup(name) for name in options.coders]
            self.coders.set_checked([c.id for c in coders if c is not None])
            codes = [codebook.find(path) for path in options.codes]
            self.codes.set_checked([c.id for c in codes if c is not None])
        for kind, names, found in (
            ("coder", options.coders, coders),
            ("code", options.codes, codes),
        ):
            self._ids[kind].update(
                {n: f.id for n, f in zip(names, found, strict=True) if f is not None}
            )
            gone = [
                n
                for n, f in zip(names, found, strict=True)
                if f is None and n not in self._gone[kind]
            ]
            self._gone[kind] += gone  # shown until the user chooses again
        self._notice()
        self._enable()

    def follow(self, options: Options) -> Options:
        """``options`` with each coder and code under the name the project gives it now (a
        rename made while the window was open is followed, by id)."""
        project = self.controller.project
        codebook = self.controller.codebook
        names = {c.id: c.name for c in project.coders.all()}
        coder_ids, code_ids = self._ids["coder"], self._ids["code"]
        coders = tuple(names.get(coder_ids.get(n, -1), n) for n in options.coders)
        codes = tuple(
            codebook.path(code_ids[n]) if code_ids.get(n, -1) in codebook else n
            for n in options.codes
        )
        return options.with_(coders=coders, codes=codes)

    def _notice(self) -> None:
        """Say which saved coders or codes filtered on no longer exist (rather than widen to
        all of them without a word)."""
        parts = []
        for kind, gone in self._gone.items():
            if not gone:
                continue
            left = (self.coders if kind == "coder" else self.codes).checked()
            showing = f"showing the other {kind}s chosen" if left else f"showing all {kind}s"
            quoted = ", ".join(f"'{name}'" for name in gone)
            if len(gone) == 1:
                parts.append(f"the saved {kind} filter {quoted} no longer exists; {showing}")
            else:
                parts.append(f"the saved {kind} filters {quoted} no longer exist; {showing}")
        text = ". ".join(parts)
        self.filter_note.setText(text[:1].upper() + text[1:] + "." if text else "")
        self.filter_note.setVisible(bool(text))

    # -- reading -------------------------------------------------------------------------------

    def options(self, chart: str) -> Options:
        """What the widgets say (``chart``: the chart kind, chosen beside the chart)."""
        project = self.controller.project
        codebook = self.controller.codebook
        coders = {c.id: c.name for c in project.coders.all()}
        coder_ids = [i for i in self.coders.checked() if i in coders]
        code_ids = [i for i in self.codes.checked() if i in codebook]
        self._ids["coder"].update({coders[i]: i for i in coder_ids})
        self._ids["code"].update({codebook.path(i): i for i in code_ids})
        return Options(
            table=str(self.table.currentData()),
            by=str(self.by.currentData() or BY_ALL),
            bin=str(self.bin.currentData()),
            coders=tuple(coders[i] for i in coder_ids),
            codes=tuple(codebook.path(i) for i in code_ids),
            rows=str(self.rows.currentData()),
            unit=str(self.unit.currentData()),
            show=str(self.show_as.currentData()),
            within=str(self.within.currentData()),
            measure=str(self.measure.currentData()),
            chart=chart,
        )

    def dated(self) -> bool:
        """Whether the articles are grouped by a date variable (the bin applies)."""
        return str(self.by.currentData()) in self._dates

    def counted_coders(self) -> tuple[str, ...]:
        """The coders whose codings are counted, by name: those ticked; in blind mode, you."""
        visible = self.controller.visible_coder_ids()
        project = self.controller.project
        names = {c.id: c.name for c in project.coders.all()}
        ticked = [names[i] for i in self.coders.checked() if i in names]
        if visible is not None:
            return tuple(names[i] for i in sorted(visible) if i in names)
        return tuple(ticked)

    # -- changing ------------------------------------------------------------------------------

    def _changed(self, name: str) -> None:
        if name in ("coders", "codes") and self._gone[name[:-1]]:
            self._gone[name[:-1]] = []  # the user has chosen again
            self._notice()
        self._enable()
        self.changed.emit(name)

    def _enable(self) -> None:
        """Show the options of the table chosen; the bin only for a date variable, the unit
        only where the cells count it, Jaccard only within an article."""
        frequencies = self.table.currentData() == FREQUENCIES
        for widget in (self.by, self.bin, self.unit, self.show_as):
            widget.setVisible(frequencies)
            self.labels[widget].setVisible(frequencies)
        for widget in (self.within, self.measure):
            widget.setVisible(not frequencies)
            self.labels[widget].setVisible(not frequencies)
        self.bin.setEnabled(self.dated())
        self.unit.setEnabled(self.show_as.currentData() != Show.ARTICLE_PERCENT.value)
        article = self.within.currentData() == Within.ARTICLE.value
        if not article and self.measure.currentData() == "jaccard":
            self.measure.blockSignals(True)
            self.measure.setCurrentIndex(self.measure.findData("count"))
            self.measure.blockSignals(False)
        self.measure.setEnabled(article)


class _Quiet:
    """Blocks the panel's widgets' signals while the program (not the user) sets them."""

    def __init__(self, panel: OptionPanel) -> None:
        self.widgets: list[QWidget] = [
            panel.table,
            panel.by,
            panel.bin,
            panel.coders,
            panel.codes,
            panel.rows,
            panel.unit,
            panel.show_as,
            panel.within,
            panel.measure,
        ]

    def __enter__(self) -> None:
        for widget in self.widgets:
            widget.blockSignals(True)

    def __exit__(self, *args: object) -> None:
        for widget in self.widgets:
            widget.blockSignals(False)
