"""The issue's acceptance walk: a new user codes three passages with keys, undoes one, sees
overlapping codes as stripes, and finds the passages in the retrieval view."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from annotator.ui.main_window import MainWindow
from tests.gui.conftest import open_window


def test_three_passages_by_key_undo_stripes_and_retrieval(qtbot: QtBot, demo_project) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window(
        qtbot, demo_project, "Newcomer"
    )  # a new coder, nothing coded yet
    reader = window.reader
    window.documents.step(2)  # 03_construction-crew
    assert (
        window.controller.project.documents.get(window.controller.document_id or 0).name
        == "03_construction-crew"
    )
    assert reader.span_count() == 0
    passages = [
        ("we were hungry", "1"),  # Motive > Subsistence
        ("we were hungry, that is all", "q"),  # Actor type > Overseas worker, overlapping
        ("rice with salt", "1"),
    ]
    reader.setFocus()  # as selecting with the mouse does
    for passage, key in passages:
        start = reader.text.index(passage)
        reader.select_span(start, start + len(passage))
        qtbot.keyClick(reader, key)
    assert reader.span_count() == 3
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert reader.span_count() == 2
    # Overlapping codes: two lanes of stripes, and the tooltip names both codes and the coder.
    assert reader.viewportMargins().left() > 10 + 2 * 6
    start = reader.text.index("we were hungry")
    reader.select_span(start + 3, start + 4)
    point = reader.cursorRect().center() + QPoint(2, 0)
    labels = sorted(reader.label(span) for span in reader.spans_at(point))
    assert labels == ["Actor type > Overseas worker — Newcomer", "Motive > Subsistence — Newcomer"]
    # Retrieval of the motive finds exactly the remaining passage.
    subsistence = window.controller.codebook.find("Motive > Subsistence")
    assert subsistence is not None
    window.retrieve(subsistence.id)
    panel = window.retrieval
    assert panel.proxy.rowCount() == 1
    assert "we left because [we were hungry], that is all." in panel.proxy.index(0, 3).data()
