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


def clamped(frame: QRect, available: QRect) -> QRect:
    """``frame`` made to fit ``available``: no larger than it, moved wholly inside it (a
    window saved on a large monitor, opened on the laptop it was undocked from)."""
    width = min(frame.width(), available.width())
    height = min(frame.height(), available.height())
    x = min(max(frame.x(), available.x()), available.x() + available.width() - width)
    y = min(max(frame.y(), available.y()), available.y() + available.height() - height)
    return QRect(x, y, width, height)


def _available(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1440, 900)


def restore_geometry(window: QWidget, geometry: QByteArray) -> bool:
    """Put the window where the settings say, clamped to the screen it opens on; a missing,
    unreadable or implausibly small geometry gives the default size, centred on the screen.
    Returns whether the setting held."""
    if not geometry.isEmpty() and window.restoreGeometry(geometry):
        size = window.size()
        if size.width() >= SMALLEST.width() and size.height() >= SMALLEST.height():
            fit_to_screen(window)
            return True
    available = _available(window)
    size = default_size(available)
    window.resize(size)
    window.move(
        available.x() + (available.width() - size.width()) // 2,
        available.y() + (available.height() - size.height()) // 2,
    )
    return False


def fit_to_screen(window: QWidget) -> None:
    """Shrink and move the window (title bar and frame included) into its screen's
    available geometry; a maximised or full-screen window is the screen's already."""
    if window.isMaximized() or window.isFullScreen():
        return
    available = _available(window)
    frame, inner = window.frameGeometry(), window.geometry()
    # the frame's extra (title bar, borders) stays as it is; the window itself shrinks
    extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
    fitted = clamped(frame, available)
    if fitted == frame:
        return
    window.resize(max(1, fitted.width() - extra_w), max(1, fitted.height() - extra_h))
    window.move(fitted.topLeft())


#: The least share of the width the article keeps when the panes do not fit side by side.
MAIN_SHARE = 0.38


def pane_widths(total: int, wanted: list[int], least: list[int], main: int) -> list[int]:
    """Widths of side-by-side panes that fill ``total``: as ``wanted`` where they fit (pane
    ``main`` taking what is left over); on a narrow screen pane ``main`` (the article) keeps
    :data:`MAIN_SHARE` of it, and the others shrink in proportion to their wants, none below
    its ``least``."""
    others = [i for i in range(len(wanted)) if i != main]
    widths = list(wanted)
    if sum(wanted) <= total:
        widths[main] = total - sum(wanted[i] for i in others)
        return widths
    floor = sum(least[i] for i in others)
    room = max(floor, min(total - int(total * MAIN_SHARE), sum(wanted[i] for i in others)))
    room = min(room, max(floor, total - least[main]))
    asked = sum(wanted[i] for i in others)
    for i in others:
        widths[i] = least[i] if room <= floor else max(least[i], wanted[i] * room // asked)
    widths[main] = max(least[main], total - sum(widths[i] for i in others))
    return widths
