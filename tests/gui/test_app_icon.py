"""The window's icon: annotator's own, in every size the desktop may ask for."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.ui import app


def test_app_icon_has_every_rendered_size(qtbot: QtBot) -> None:
    sizes = {(size.width(), size.height()) for size in app.app_icon().availableSizes()}
    assert {(16, 16), (32, 32), (48, 48), (256, 256), (512, 512)} <= sizes
    picture = app.app_icon().pixmap(64, 64).toImage()
    assert picture.width() == 64
    # The highlighter's yellow is in it (not a blank or a stand-in icon).
    colors = {picture.pixelColor(x, y).name() for x in range(64) for y in range(64)}
    assert "#ffc928" in colors
