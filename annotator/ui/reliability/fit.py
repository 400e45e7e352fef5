"""The reliability windows' first size: the one they are laid out for, never more than the
screen they open on can show (as the coding window does, see ``ui/window_state.py``)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fitted(preferred: QSize, available: QRect) -> QSize:
    """``preferred``, shrunk to nine tenths of ``available`` where the screen is smaller."""
    # Nine tenths, as the coding window's default size: the title bar and edges stay reachable.
    return QSize(
        min(preferred.width(), max(1, available.width() * 9 // 10)),
        min(preferred.height(), max(1, available.height() * 9 // 10)),
    )


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` × ``height``, or what its screen has room for."""
    parent = window.parentWidget()
    screen = (
        window.screen()
        or (parent.screen() if parent is not None else None)
        or QGuiApplication.primaryScreen()
    )
    available = screen.availableGeometry() if screen is not None else QRect(0, 0, width, height)
    window.resize(fitted(QSize(width, height), available))
