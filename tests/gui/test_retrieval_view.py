"""The coded-passages view driven as a user would: codes ticked in its menus, how they
combine, coders, a variable through the filter dialog, whole passages, export read back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.domain.model import Coding
from annotator.services.retrieval import Mode
from annotator.ui.dialogs.retrieval import RetrievalPanel
from annotator.ui.main_window import MainWindow

SCREENSHOT = Path("/tmp/retrieval.png")


def _open(window: MainWindow, *, everyone: bool = True) -> RetrievalPanel:
    if everyone:
        window.show_all_action.trigger()
    window.retrieval_action.trigger()  # View > Coded passages (Ctrl+R)
    assert window.retrieval_dock.isVisible()
    return window.retrieval


def _code(window: MainWindow, path: str) -> int:
    code = window.controller.codebook.find(path)
    assert code is not None
    return code.id


def _shown(panel: RetrievalPanel) -> list[int]:
    """Coding ids of the rows the view shows, in its order."""
    return [
        panel.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
        for r in range(panel.proxy.rowCount())
    ]


def _codings(window: MainWindow) -> list[Coding]:
    return list(window.controller.project.codings.all())


def _in_order(window: MainWindow, codings: list[Coding]) -> list[int]:
    """The codings by article name and position, as the view lists them."""
    documents = window.controller.project.documents
    names = {c.document_id: documents.get(c.document_id).name for c in codings}

    def key(c: Coding) -> tuple[str, bool, int, int]:
        return (names[c.document_id], c.start is not None, c.start or 0, c.id)

    return [c.id for c in sorted(codings, key=key)]


def test_two_codes_any_of_then_all_of_then_overlapping(window: MainWindow, qtbot: QtBot) -> None:
    panel = _open(window)
    subsistence = _code(window, "Motive > Subsistence")
    worker = _code(window, "Actor type > Overseas worker")
    panel.codes.action_of(subsistence).trigger()
    panel.codes.action_of(worker).trigger()
    assert panel.codes.summary() == "2 codes: Motive > Subsistence, Actor type > Overseas worker"
    codings = _codings(window)
    chosen = [c for c in codings if c.code_id in (subsistence, worker)]
    assert _shown(panel) == _in_order(window, chosen)
    assert len({c.code_id for c in chosen}) == 2
    assert panel.count.text() == f"{len(chosen)} passages"

    panel.mode.setCurrentIndex(panel.mode.findData(Mode.ALL))
    pairs = {
        (d, k)
        for d, k in {(c.document_id, c.coder_id) for c in chosen}
        if {c.code_id for c in chosen if (c.document_id, c.coder_id) == (d, k)}
        == {subsistence, worker}
    }
    both = [c for c in chosen if (c.document_id, c.coder_id) in pairs]
    assert 0 < len(both) < len(chosen)
    assert _shown(panel) == _in_order(window, both)

    # Subsistence passages that share a character with an actor-type passage.
    panel.mode.setCurrentIndex(panel.mode.findData(Mode.OVERLAP))
    assert panel.others.isVisible()
    actor = _code(window, "Actor type")
    panel.codes.set_checked([subsistence])
    panel.others.action_of(actor).trigger()
    actors = {c.id for c in window.controller.codebook.walk(actor)}

    def overlaps(a: Coding, b: Coding) -> bool:
        if a.start is None or b.start is None or a.end is None or b.end is None:
            return True
        return a.start < b.end and b.start < a.end

    expected = [
        a
        for a in codings
        if a.code_id == subsistence
        and any(
            b.code_id in actors
            and b.document_id == a.document_id
            and b.coder_id == a.coder_id
            and overlaps(a, b)
            for b in codings
        )
    ]
    assert 0 < len(expected) < len([c for c in codings if c.code_id == subsistence])
    assert _shown(panel) == _in_order(window, expected)


def test_coders_variables_and_blind_mode(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = _open(window, everyone=False)
    project = window.controller.project
    ana, ben = project.coders.by_name("Ana"), project.coders.by_name("Ben")
    assert ana is not None
    assert ben is not None
    motive = _code(window, "Motive")
    panel.show_code(motive)
    assert not panel.coders.isEnabled()  # blind mode: one's own passages only
    motives = {c.id for c in window.controller.codebook.walk(motive)}
    codings = [c for c in _codings(window) if c.code_id in motives]
    assert _shown(panel) == _in_order(window, [c for c in codings if c.coder_id == ana.id])

    window.show_all_action.trigger()
    assert panel.coders.isEnabled()
    assert _shown(panel) == _in_order(window, codings)
    panel.coders.action_of(ben.id).trigger()
    assert {panel.proxy.index(r, 1).data() for r in range(panel.proxy.rowCount())} == {"Ben"}
    panel.coders.action_of(ana.id).trigger()  # both ticked: everyone again
    assert _shown(panel) == _in_order(window, codings)

    # Outlet through the article list's own dialog.
    dialog = panel.add_variable_filter()
    assert dialog is not None
    dialog.variable.setCurrentIndex(dialog.variable.findData("outlet"))
    dialog.value.setEditText("Pacific Wire")
    dialog.accept()
    outlet = next(v for v in project.documents.variables() if v.name == "outlet")
    values = project.documents.values_of(outlet.id)
    wire = [c for c in codings if values.get(c.document_id) == "Pacific Wire"]
    assert 0 < len(wire) < len(codings)
    assert _shown(panel) == _in_order(window, wire)
    assert panel.conditions_label.text() == "outlet is “Pacific Wire”"
    panel.clear_button.click()
    assert _shown(panel) == _in_order(window, codings)


def test_whole_passages_and_export_of_what_is_shown(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    panel = _open(window)
    project = window.controller.project
    motive = _code(window, "Motive")
    panel.show_code(motive)
    long_one = max(
        (c for c in _codings(window) if c.start is not None and c.end is not None),
        key=lambda c: c.end - c.start if c.end and c.start is not None else 0,
    )
    panel.set_search([long_one.code_id])
    row = _shown(panel).index(long_one.id)
    text = project.documents.text(long_one.document_id)[long_one.start : long_one.end]
    excerpt = panel.proxy.index(row, 3).data()
    assert "[" in excerpt
    assert excerpt != text
    panel.whole.setChecked(True)
    assert panel.proxy.index(row, 3).data() == text
    assert panel.proxy.headerData(3, Qt.Orientation.Horizontal) == "Passage"
    panel.whole.setChecked(False)

    panel.show_code(motive)
    panel.filter.setText("food")  # export takes exactly the rows shown
    shown = _shown(panel)
    assert 0 < len(shown) < panel.model.rowCount()
    target = tmp_path / "passages.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    panel.export_button.click()
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    codings = {c.id: c for c in _codings(window)}
    assert len(rows) == len(shown)
    for record, coding_id in zip(rows, shown, strict=True):
        coding = codings[coding_id]
        assert record["document"] == project.documents.get(coding.document_id).name
        assert record["start"] == str(coding.start)
        assert (
            record["text"] == project.documents.text(coding.document_id)[coding.start : coding.end]
        )
        assert "food" in record["text"].lower() or "food" in _context(panel, coding_id)
    assert panel.count.text() == f"{len(shown)} passages saved to passages.csv"

    report = tmp_path / "passages"  # no extension: the chosen filter's
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(report), "Report in Markdown (*.md)")),
    )
    assert panel.export() == report.with_suffix(".md")
    markdown = report.with_suffix(".md").read_text(encoding="utf-8")
    assert markdown.startswith("# Coded passages\n\nPassages of Motive.")
    assert markdown.count("\n## ") == len(shown)


def _context(panel: RetrievalPanel, coding_id: int) -> str:
    row = _shown(panel).index(coding_id)
    return str(panel.proxy.index(row, 3).data()).lower()


def test_export_refusal_is_one_line(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    panel = _open(window)
    panel.show_code(_code(window, "Motive"))
    target = tmp_path / "passages.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, _t, text, *a: warnings.append(text))
    )
    assert panel.export() is None
    assert len(warnings) == 1
    assert "name the file .csv, .html, .md or .docx" in warnings[0]
    assert not target.exists()


def test_screenshot_two_codes_and_an_outlet(window: MainWindow, qtbot: QtBot) -> None:
    window.resize(1280, 720)
    panel = _open(window)
    window.resizeDocks([window.retrieval_dock], [330], Qt.Orientation.Vertical)
    panel.set_search(
        [_code(window, "Motive > Subsistence"), _code(window, "Actor type > Overseas worker")]
    )
    dialog = panel.add_variable_filter()
    assert dialog is not None
    dialog.variable.setCurrentIndex(dialog.variable.findData("date"))
    dialog.low.setText("2016")
    dialog.high.setText("2020")
    dialog.accept()
    assert panel.conditions_label.text() == "date from 2016-01-01 to 2020-12-31"
    assert panel.proxy.rowCount() > 0
    qtbot.waitUntil(lambda: window.retrieval_dock.height() > 200)
    assert window.grab().save(str(SCREENSHOT))


def test_the_consensus_is_a_coder_to_choose(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    subsistence = _code(window, "Motive > Subsistence")
    document = project.codings.for_code(subsistence)[0].document_id
    consensus = project.coders.add("consensus")
    coding = project.codings.add(document, consensus.id, subsistence, 0, 5)
    panel = _open(window)  # the coders' menu is built when everyone is shown
    panel.show_code(subsistence)
    panel.coders.action_of(consensus.id).trigger()
    assert panel.coders.summary() == "consensus"
    assert _shown(panel) == [coding.id]
    assert panel.proxy.index(0, 1).data() == "consensus"


def test_the_model_passes_the_model_tester_through_searches(
    window: MainWindow, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    panel = _open(window)
    panel.show_code(_code(window, "Motive"))
    assert panel.model.rowCount() > 0
    qtmodeltester.check(panel.model, force_py=True)
    # The tester stays connected: it checks the model again through each change.
    panel.whole.setChecked(True)
    panel.set_search([_code(window, "Motive")], Mode.OVERLAP, [_code(window, "Actor type")])
    panel.whole.setChecked(False)
    panel.set_search([])
    assert panel.model.rowCount() == 0
