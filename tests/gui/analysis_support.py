"""What the Analysis window's tests share: opening it as a user does, reading its table as
shown, and counting codings by hand from the project (independently of the analysis code)."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.analysis.window import AnalysisWindow
from annotator.ui.main_window import MainWindow

NO_VALUE = "(no value)"


def open_analysis(window: MainWindow, qtbot: QtBot) -> AnalysisWindow:
    """Ctrl+Shift+T in the coding window."""
    qtbot.keyClick(
        window.reader,
        Qt.Key.Key_T,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    analysis = window.analysis_window
    assert analysis is not None
    qtbot.waitExposed(analysis)
    return analysis


def choose(combo: QComboBox, value: str) -> None:
    """Pick the entry holding ``value``, as the user picks it from the list."""
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def row_of(analysis: AnalysisWindow, label: str) -> int:
    model = analysis.model
    return next(r for r in range(model.rowCount()) if model.text(r, 0) == label)


def column_of(analysis: AnalysisWindow, header: str) -> int:
    model = analysis.model
    return next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == header
    )


def shown(analysis: AnalysisWindow, label: str, header: str) -> str:
    """The text of a cell, found by its row's label and its column's header."""
    model = analysis.model
    return str(model.index(row_of(analysis, label), column_of(analysis, header)).data())


def headers(analysis: AnalysisWindow) -> list[str]:
    model = analysis.model
    return [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for c in range(model.columnCount())
    ]


def values_of(project: Project, variable: str) -> dict[int, str]:
    """Each article's value of a variable ("" for none), read straight from the table."""
    found = {d.id: "" for d in project.documents.all()}
    for document_id, value in project.db.execute(
        "SELECT v.document_id, v.value FROM document_values v JOIN variables x "
        "ON x.id = v.variable_id WHERE x.name = ?",
        [variable],
    ):
        found[document_id] = value
    return found


def by_hand(
    project: Project, group_of: dict[int, str], coders: set[str] | None = None
) -> Counter[tuple[str, str]]:
    """Codings per (code path, group), counted one by one."""
    tree = project.codebook.tree()
    names = {c.id: c.name for c in project.coders.all()}
    counts: Counter[tuple[str, str]] = Counter()
    for coding in project.codings.all():
        if coders is None or names[coding.coder_id] in coders:
            counts[(tree.path(coding.code_id), group_of[coding.document_id])] += 1
    return counts
