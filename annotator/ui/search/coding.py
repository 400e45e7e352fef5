"""Coding from the hits: the code and the unit (the hit, its sentence, its paragraph, the
whole article), the preview of the passages that would be coded — and how many are left out
because the coder has them already — and the list of those passages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QWidget

from annotator.domain.codebook import Codebook
from annotator.services import autocode
from annotator.services.autocode import Planned, Preview, Unit
from annotator.storage import Project
from annotator.ui.models import ROOT, Index, TitledColumnsModel
from annotator.ui.models.codebook import swatch
from annotator.ui.search.hits_model import one_line

UNIT_LABELS = {
    Unit.HIT: "the hit",
    Unit.SENTENCE: "its sentence",
    Unit.PARAGRAPH: "its paragraph",
    Unit.ARTICLE: "the whole article",
}
PASSAGE_LIMIT = 300
WHOLE_ARTICLE = "(whole article)"


class CodeChooser(QComboBox):
    """The codebook's codes by dimension (a dimension's name heads its codes and cannot be
    chosen), each with its colour, as the window's other code lists show them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        self.entries = QStandardItemModel(self)
        self.none_text: str | None = None
        self.setModel(self.entries)

    def fill(self, codebook: Codebook, none_text: str | None = None) -> bool:
        """List the codes (``none_text``, when given, first: no code), keeping the choice;
        whether the code chosen is gone (then none is chosen: never another code quietly)."""
        chosen = self.code_id()
        self.blockSignals(True)
        self.entries.clear()
        self.none_text = none_text
        if none_text is not None:
            self.entries.appendRow(QStandardItem(none_text))
        bold = QFont()
        bold.setBold(True)
        for dimension in codebook.dimensions():
            heading = QStandardItem(swatch(dimension.color), dimension.name)
            heading.setFont(bold)
            heading.setFlags(Qt.ItemFlag.NoItemFlags)
            self.entries.appendRow(heading)
            for code in codebook.walk(dimension.id):
                below = codebook.path(code.id).split(" > ", 1)[-1]  # the dimension heads it
                item = QStandardItem(swatch(code.color), "    " + below)
                item.setData(code.id, Qt.ItemDataRole.UserRole)
                item.setToolTip(codebook.path(code.id))
                self.entries.appendRow(item)
        lost = False
        if not self.choose(chosen):
            codes = [
                r
                for r in range(self.count())
                if self.itemData(r, Qt.ItemDataRole.UserRole) is not None
            ]
            lost = chosen is not None
            if none_text is not None:
                self.setCurrentIndex(0)
            else:  # the first code at first; none once the chosen one is gone
                self.setCurrentIndex(-1 if lost else (codes or [-1])[0])
        self.blockSignals(False)
        return lost

    def code_id(self) -> int | None:
        """The code chosen (None: none, or the no-code entry)."""
        value = self.currentData(Qt.ItemDataRole.UserRole)
        return int(value) if value is not None else None

    def choose(self, code_id: int | None) -> bool:
        """Choose a code (``None``: the no-code entry, if there is one); whether it is listed."""
        if code_id is None:
            if self.none_text is None:
                return False
            self.setCurrentIndex(0)
            return True
        row = self.findData(code_id, Qt.ItemDataRole.UserRole)
        if row < 0:
            return False
        self.setCurrentIndex(row)
        return True


class UnitChooser(QComboBox):
    """What of each hit is coded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for unit, label in UNIT_LABELS.items():
            self.addItem(label, unit.value)
        self.setToolTip(
            "What of each hit is coded: the hit itself, the sentence or paragraph it is in, "
            "or the whole article; passages that overlap become one"
        )

    def unit(self) -> Unit:
        return Unit(str(self.currentData()))

    def set_unit(self, unit: Unit | str) -> None:
        """Choose a unit (one not known — a setting from elsewhere — chooses the hit)."""
        self.setCurrentIndex(max(0, self.findData(str(unit))))


@dataclass(frozen=True)
class Previewed:
    """A preview and what the window shows of it: each planned passage's article and text."""

    preview: Preview
    headlines: dict[int, str]
    passages: tuple[str, ...]
    #: The articles of the hits previewed (a coding changed in one makes the preview stale).
    documents: frozenset[int] = frozenset()

    @property
    def hits(self) -> int:
        return sum(p.hits for p in self.preview.planned)


def make_preview(
    project: Project,
    hits: list[tuple[int, int, int]],
    code_id: int,
    coder_id: int,
    unit: Unit,
) -> Previewed:
    """The preview of coding ``hits`` (``(document, start, end)``), with the passages' text:
    read in a worker thread."""
    preview = autocode.preview(project, hits, code_id, coder_id, unit)
    documents = sorted({p.document_id for p in preview.planned})
    values = project.documents.all_values(documents) if documents else {}
    names = dict(project.documents.names()) if documents else {}
    headlines = {
        d: one_line(values.get(d, {}).get("title", "")) or names.get(d, str(d)) for d in documents
    }
    texts: dict[int, str] = {}
    passages = []
    for planned in preview.planned:
        if planned.start is None or planned.end is None:
            passages.append(WHOLE_ARTICLE)
            continue
        if planned.document_id not in texts:
            texts[planned.document_id] = project.documents.text(planned.document_id)
        passage = one_line(texts[planned.document_id][planned.start : planned.end])
        if len(passage) > PASSAGE_LIMIT:
            passage = passage[: PASSAGE_LIMIT - 1] + "…"
        passages.append(passage)
    return Previewed(preview, headlines, tuple(passages), frozenset(h[0] for h in hits))


def preview_summary(previewed: Previewed, code: str, coder: str) -> str:
    """The preview in one sentence: what will be coded, and what is left out and why (in
    passages — articles when the unit is the whole article — and the hits said apart)."""
    preview = previewed.preview
    noun = "article" if preview.unit is Unit.ARTICLE else "passage"

    def units(count: int) -> str:
        return f"{count:,} {noun}{'s' * (count != 1)}"

    count = len(preview.planned)
    if count:
        where = (
            ""
            if preview.unit is Unit.ARTICLE
            else (f" in {preview.articles:,} article{'s' * (preview.articles != 1)}")
        )
        text = (
            f"{units(count)}{where} will be coded as {code} for {coder} "
            f"({previewed.hits:,} hit{'s' * (previewed.hits != 1)})"
        )
    else:
        text = "Nothing to code"
    left_out = []
    if preview.skipped:
        left_out.append(f"{units(preview.skipped)} already coded so by {coder}")
    if preview.clashing:
        left_out.append(
            f"{units(preview.clashing)} where {coder} has another code of its exclusive dimension"
        )
    if preview.gone:
        left_out.append(
            f"{preview.gone:,} hit{'s' * (preview.gone != 1)} in articles deleted since the search"
        )
    if left_out:
        text += "; left out: " + ", ".join(left_out)
    return text + "."


class PreviewModel(TitledColumnsModel):
    """The passages a preview would code."""

    COLUMNS = ("Article", "Passage to code", "Hits")

    changedPreview = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.previewed: Previewed | None = None

    def set_preview(self, previewed: Previewed | None) -> None:
        self.beginResetModel()
        self.previewed = previewed
        self.endResetModel()
        self.changedPreview.emit()

    def planned(self, row: int) -> Planned:
        assert self.previewed is not None
        return self.previewed.preview.planned[row]

    def rowCount(self, parent: Index = ROOT) -> int:
        if parent.isValid() or self.previewed is None:
            return 0
        return len(self.previewed.preview.planned)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.previewed is None:
            return None
        if not 0 <= index.row() < self.rowCount():
            return None
        planned = self.planned(index.row())
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return self.previewed.headlines.get(planned.document_id, "")
            if column == 1:
                return self.previewed.passages[index.row()]
            return planned.hits if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None
