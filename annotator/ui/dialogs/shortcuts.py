"""Help → Keyboard shortcuts: the codes' keys and the window's other keys on one sheet."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.domain.codebook import Codebook


def shortcuts_html(codebook: Codebook, actions: Iterable[QAction]) -> str:
    keys = "".join(
        f"<tr><td><b>{html.escape(c.shortcut)}</b></td>"
        f"<td>{html.escape(codebook.path(c.id))}</td></tr>"
        for c in codebook.codes()
        if c.shortcut
    )
    others = "".join(
        f"<tr><td><b>{html.escape(a.shortcut().toString())}</b></td>"
        f"<td>{html.escape(a.text().replace('&', ''))}</td></tr>"
        for a in actions
    )
    return (
        "<p>Select a passage, then press a code's key:</p>"
        f"<table>{keys}</table><p>Other keys:</p><table>{others}</table>"
    )


def show_shortcuts(parent: QWidget, codebook: Codebook, actions: Iterable[QAction]) -> None:
    QMessageBox.information(parent, "Keyboard shortcuts", shortcuts_html(codebook, actions))
