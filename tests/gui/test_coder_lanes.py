"""Who coded what: with all coders shown, stripes per coder, a legend and a Coder column."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.coder_lanes import coder_colors
from annotator.ui.main_window import MainWindow
from annotator.ui.models.codings import CODER_COLUMN


def colours_in(image: QImage) -> set[str]:
    return {
        QColor(image.pixel(x, y)).name().upper()
        for x in range(image.width())
        for y in range(0, image.height(), 2)
    }


def coders_listed(window: MainWindow) -> set[str]:
    model = window.codings.model
    return {str(model.index(row, CODER_COLUMN).data()) for row in range(model.rowCount())}


def open_first(window: MainWindow, project: Project) -> None:
    document = project.documents.by_name("01_restaurant-workers")
    assert document is not None
    window.controller.open_document(document.id)
    window.codings.model.reload()


def test_blind_mode_shows_no_coder_marks(qtbot: QtBot, window: MainWindow) -> None:
    project = window.controller.project
    open_first(window, project)
    assert not window.show_all_action.isChecked()  # blind is the default
    assert window.article.legend.isHidden()
    assert window.codings.view.isColumnHidden(CODER_COLUMN)
    assert coders_listed(window) == {"Ana"}
    marks = set(coder_colors(c.id for c in project.coders.all()).values())
    assert not marks & colours_in(window.reader.stripes.grab().toImage())


def test_all_coders_each_visible(qtbot: QtBot, window: MainWindow) -> None:
    project = window.controller.project
    open_first(window, project)
    window.show_all_action.trigger()
    ana, ben = project.coders.by_name("Ana"), project.coders.by_name("Ben")
    assert ana is not None
    assert ben is not None
    colors = coder_colors(c.id for c in project.coders.all())
    # The legend names both, each in their colour.
    legend = window.article.legend
    assert legend.isVisible()
    assert "Ana" in legend.text()
    assert "Ben" in legend.text()
    assert colors[ana.id] in legend.text()
    assert colors[ben.id] in legend.text()
    # The codings list says whose each coding is; both coded this article.
    assert not window.codings.view.isColumnHidden(CODER_COLUMN)
    assert coders_listed(window) == {"Ana", "Ben"}
    # The stripes margin shows both coders' marks.
    seen = colours_in(window.reader.stripes.grab().toImage())
    assert colors[ana.id] in seen
    assert colors[ben.id] in seen
    # Back to blind mode: the marks and the legend go.
    window.show_all_action.trigger()
    assert window.article.legend.isHidden()
    assert colors[ben.id] not in colours_in(window.reader.stripes.grab().toImage())
