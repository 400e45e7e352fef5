"""The coding window's size and place, restored from settings or fitted to the screen."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: The size the window is laid out for; smaller screens get most of what they have.
PREFERRED = QSize(1440, 860)
#: A restored window smaller than this is not a size anyone chose (a garbage setting).
SMALLEST = QSize(640, 400)


def default_size(available: QRect) -> QSize:
    """The window's size on a screen with this available geometry: the preferred size, never
    more than nine tenths of the screen (so that the title bar and edges stay reachable)."""
    return QSize(
        min(PREFERRED.width(), max(1, available.width() * 9 // 10)),
        min(PREFERRED.height(), max(1, available.height() * 9 // 10)),
    )


def restore_geometry(window: QWidget, geometry: QByteArray) -> bool:
    """Put the window where the settings say; a missing, unreadable or implausibly small
    geometry gives the default size, centred on the screen. Returns whether the setting held."""
    if not geometry.isEmpty() and window.restoreGeometry(geometry):
        size = window.size()
        if size.width() >= SMALLEST.width() and size.height() >= SMALLEST.height():
            return True
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1440, 900)
    size = default_size(available)
    window.resize(size)
    window.move(
        available.x() + (available.width() - size.width()) // 2,
        available.y() + (available.height() - size.height()) // 2,
    )
    return False
