"""The Coder menu's team actions: add a coder, rename one, merge two names of one person (as
``annotator coders`` does, through :mod:`annotator.services.coders`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from annotator.domain.model import Coder
from annotator.services.changes import Changes
from annotator.services.coders import add_coder, coder_progress, merge_coders, rename_coder
from annotator.ui import settings
from annotator.ui.controller import Controller

#: How many passages kept once the message after a merge names.
SHOWN_CONFLICTS = 10


class CoderActions(QObject):
    """Coder → Add coder…, Rename coder…, Merge coders…; each asks, and a merge asks to be
    confirmed. ``window`` is the main window: its ``_guarded`` turns a refusal into a message,
    its ``store`` keeps the coder's name for the next session."""

    def __init__(self, window: Any, controller: Controller) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.add_action = self._action("&Add coder…", self.add, "Add a coder to the project")
        self.rename_action = self._action(
            "&Rename coder…", self.rename, "Rename a coder; their codings stay theirs"
        )
        self.merge_action = self._action(
            "&Merge coders…",
            self.merge,
            "Two names for one person: give one name's codings, statuses and memos to the other",
        )

    def actions(self) -> list[QAction]:
        return [self.add_action, self.rename_action, self.merge_action]

    def _action(self, text: str, slot: Any, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda: self.window._guarded(slot))
        return action

    @property
    def _parent(self) -> QWidget:
        parent: QWidget = self.window
        return parent

    def _names(self) -> list[str]:
        return [coder.name for coder in self.controller.project.coders.all()]

    def _choose(self, title: str, label: str, names: list[str], current: str) -> str | None:
        index = names.index(current) if current in names else 0
        name, ok = QInputDialog.getItem(self._parent, title, label, names, index, False)
        return name if ok and name else None

    def add(self) -> Coder | None:
        """Ask for a name and add that coder."""
        name, ok = QInputDialog.getText(self._parent, "Add coder", "Name of the new coder:")
        if not ok or not name.strip():
            return None
        coder = add_coder(self.controller.project, name)
        self.controller.notify(Changes(coders=True))
        self.window.statusBar().showMessage(f"Added coder {coder.name}.", 6000)
        return coder

    def rename(self) -> Coder | None:
        """Ask which coder and their new name; rename them."""
        me = self.controller.coder
        old = self._choose("Rename coder", "Coder to rename:", self._names(), me.name)
        if old is None:
            return None
        new, ok = QInputDialog.getText(
            self._parent, "Rename coder", f"New name for {old}:", QLineEdit.EchoMode.Normal, old
        )
        if not ok or not new.strip() or new.strip() == old:
            return None
        coder = rename_coder(self.controller.project, old, new)
        if coder.id == me.id:  # the one coding here: the window and next session follow
            self.controller.coder = coder
            settings.CODER.set(self.window.store, coder.name)
            self.controller.coderChanged.emit()
        self.controller.notify(Changes(coders=True))
        self.window.statusBar().showMessage(f"Renamed coder {old} to {coder.name}.", 6000)
        return coder

    def merge(self) -> bool:
        """Ask which name goes into which, confirm, and merge them."""
        names = self._names()
        if len(names) < 2:
            QMessageBox.information(
                self._parent, "Merge coders", "The project has only one coder: nothing to merge."
            )
            return False
        source = self._choose(
            "Merge coders", "Merge this coder (the name that goes away):", names, ""
        )
        if source is None:
            return False
        others = [name for name in names if name != source]
        target = self._choose(
            "Merge coders", f"Into this coder ({source}'s work goes to):", others, ""
        )
        if target is None:
            return False
        progress = {p.coder.name: p for p in coder_progress(self.controller.project)}
        given = progress[source]
        answer = QMessageBox.question(
            self._parent,
            "Merge coders",
            f"Merge {source} into {target}?\n\n{source}'s {given.codings} codings, article "
            f"statuses, memos and review decisions become {target}'s, and {source} is removed. "
            "A passage both coded with the same code is kept once. A snapshot is taken first "
            "(File → Restore from backup brings it back); this cannot be undone with Edit → Undo.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        report = merge_coders(self.controller.project, source, target)
        controller = self.controller
        controller.undo_stack.clear()  # its steps name codings and a coder that moved
        if controller.coder.name == source:
            into = controller.project.coders.find(target)
            settings.CODER.set(self.window.store, into.name)
            controller.set_coder(into)
        controller.notify(report.changes)
        self.window.statusBar().showMessage(report.summary() + ".", 10000)
        parts = [
            (heading, listed)
            for heading, listed in (
                ("Kept once", report.conflicts),
                ("Consensus codings without a decision", report.undecided_consensus),
            )
            if listed
        ]
        if parts:
            text = f"{report.summary()}."
            for heading, listed in parts:
                more = len(listed) - SHOWN_CONFLICTS
                text += f"\n\n{heading}:\n" + "\n".join(listed[:SHOWN_CONFLICTS])
                text += f"\n… and {more} more" if more > 0 else ""
            QMessageBox.information(self._parent, "Coders merged", text)
        return True
