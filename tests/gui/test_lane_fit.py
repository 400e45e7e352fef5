"""The stripe lanes never take the text's room: with many coders and codes shown they are
narrowed, then packed into one lane per coder, within a quarter of the reader."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.services.editing import apply_code
from annotator.storage import Project
from annotator.ui.coder_lanes import MAX_MARGIN_SHARE, fit_lanes
from tests.gui.conftest import open_window


def test_fit_lanes_narrows_then_packs_by_coder() -> None:
    by_code = {(code, None): code for code in range(10)}
    assert fit_lanes(by_code, 10, 100, 8) == (by_code, 10, 8)  # room enough
    assert fit_lanes(by_code, 10, 50, 8) == (by_code, 10, 5)  # narrowed
    pairs = [(code, coder) for code in range(17) for coder in (1, 2, 3, 4)]
    by_coder = {key: n for n, key in enumerate(pairs)}
    fit = fit_lanes(by_coder, len(pairs), 110, 8)
    assert fit.count == 4  # one lane per coder
    assert fit.pitch * fit.count <= 110
    assert {fit.lanes[(code, coder)] for code in range(17) for coder in (1, 2)} == {0, 1}
    assert fit.lanes[(5, 3)] == 2


def test_four_coders_with_every_code_leave_the_text_its_room(
    qtbot: QtBot, demo_project: Project
) -> None:
    project = demo_project
    coders = [project.coders.find("Ana"), project.coders.find("Ben")]
    coders += [project.coders.add("Cy"), project.coders.add("Dee")]
    codes = project.codebook.tree().codes()
    project.db.execute("DELETE FROM codings WHERE document_id = 1")
    for coder in coders:
        for k, code in enumerate(codes):
            apply_code(project, 1, coder.id, code.id, k * 100, k * 100 + 60)
    window = open_window(qtbot, project)
    window.resize(1280, 720)
    window.controller.open_document(1)
    window.show_all_action.trigger()
    QApplication.processEvents()
    reader = window.reader
    margin = reader.viewportMargins().left()
    assert margin <= reader.width() * MAX_MARGIN_SHARE
    assert reader.viewport().width() >= reader.width() * 0.6  # the text keeps most of it
    assert reader._lane_count == len(coders)  # packed: one lane per coder
    window.grab().save(str(project.path.parent / "lanes_1280.png"))
    # Blind again: a lane per code, which fits.
    window.show_all_action.trigger()
    QApplication.processEvents()
    assert reader._lane_count == len(codes)
    assert reader.viewportMargins().left() <= reader.width() * MAX_MARGIN_SHARE


@pytest.mark.parametrize("width", [1000, 1152, 1280, 1400])
def test_the_text_wraps_inside_the_reader_at_any_window_width(
    qtbot: QtBot, demo_project: Project, width: int
) -> None:
    """The margin is sized before the text is laid out: laid out for the viewport the margin
    had not yet narrowed, its lines overran the view behind a horizontal scroll bar."""
    window = open_window(qtbot, demo_project)
    for show_all in (False, True):
        window.show_all_action.setChecked(show_all)
        window.resize(width, 648)
        qtbot.waitUntil(lambda: window.width() == width)
        reader = window.reader
        assert reader.document().size().width() <= reader.viewport().width() + 1
        assert reader.horizontalScrollBar().maximum() == 0
