"""Help → Keyboard shortcuts: the codes' keys and every key of the window, on one sheet.

The window's keys are read from its actual actions (its menus, then any action added to the
window outside them), so the sheet lists what the keys do now and cannot drift from them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook

#: A key of the window: (keys as shown, what it does, where it is in the menus).
Shortcut = tuple[str, str, str]


def _plain(text: str) -> str:
    """A menu text without its mnemonic ampersands or trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def keys_of(action: QAction) -> str:
    """All of an action's keys, in the platform's notation ("Ctrl+Shift+Z, Ctrl+Y")."""
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())


def window_shortcuts(window: QMainWindow) -> list[Shortcut]:
    """Every action of the window that has a key: in menu order, then those in no menu."""
    found: list[Shortcut] = []
    seen: set[QAction] = set()

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            submenu = action.menu()
            if isinstance(submenu, QMenu):
                walk(submenu, f"{path} › {_plain(action.text())}")
            elif action.shortcuts() and action not in seen:
                seen.add(action)
                found.append((keys_of(action), _plain(action.text()), path))

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            walk(menu, _plain(top.text()))
    for action in window.actions():
        if action.shortcuts() and action not in seen and action.text():
            seen.add(action)
            found.append((keys_of(action), _plain(action.text()), ""))
    return found


def shortcuts_html(
    codebook: Codebook, shortcuts: Iterable[Shortcut], extra: Iterable[Shortcut] = ()
) -> str:
    """The sheet: code keys, the window's keys, and keys that work inside one part of it."""

    def rows(items: Iterable[Shortcut]) -> str:
        return "".join(
            f"<tr><td><b>{html.escape(keys)}</b></td><td>{html.escape(name)}</td>"
            f"<td style='color:#666'>{html.escape(where)}</td></tr>"
            for keys, name, where in items
        )

    codes = "".join(
        f"<tr><td><b>{html.escape(c.shortcut)}</b></td>"
        f"<td>{html.escape(codebook.path(c.id))}</td></tr>"
        for c in codebook.codes()
        if c.shortcut
    )
    table = "<table cellspacing='0' cellpadding='3'>"
    return (
        "<p>Select a passage, then press a code's key:</p>"
        f"{table}{codes}</table><p>Window keys:</p>{table}{rows(shortcuts)}</table>"
        + (f"<p>Elsewhere:</p>{table}{rows(extra)}</table>" if extra else "")
    )


class ShortcutsDialog(QDialog):
    """The sheet in a scrolling window (a long codebook does not push it off the screen)."""

    def __init__(self, parent: QWidget, sheet: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.sheet = QTextBrowser()
        self.sheet.setHtml(sheet)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sheet)
        layout.addWidget(buttons)
        self.resize(640, 560)


def other_windows_keys() -> list[Shortcut]:
    """The keys of the windows the main window opens (review, project log, analysis,
    search), as each of them declares the keys it binds."""
    from annotator.ui.analysis.actions import ANALYSIS_KEYS
    from annotator.ui.dialogs.review import REVIEW_KEYS
    from annotator.ui.memos.log import LOG_KEYS
    from annotator.ui.search.actions import SEARCH_KEYS

    return [*REVIEW_KEYS, *LOG_KEYS, *ANALYSIS_KEYS, *SEARCH_KEYS]


def show_shortcuts(
    window: QMainWindow, codebook: Codebook, extra: Iterable[Shortcut] = ()
) -> ShortcutsDialog:
    """Open the sheet for this window (not modal: it can stay open while coding): its own
    keys, then ``extra`` (a bar's keys) and those of the windows it opens."""
    elsewhere = [*extra, *other_windows_keys()]
    dialog = ShortcutsDialog(window, shortcuts_html(codebook, window_shortcuts(window), elsewhere))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
