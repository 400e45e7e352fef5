"""A button whose menu is a checklist (several codes, several coders): the menu stays open
while the user ticks, and the button names what is ticked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QIcon, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolButton, QWidget


class _StayingMenu(QMenu):
    """A menu that does not close when a checkable entry is clicked."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


class ChecklistButton(QToolButton):
    """Tick any number of entries, each an id; :attr:`changed` says when the ticks change.
    ``none_text`` is what the button says with nothing ticked."""

    changed = Signal()

    def __init__(self, none_text: str, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.none_text, self.noun = none_text, noun
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(110)
        self._summary = none_text
        self.setMenu(_StayingMenu(self))
        self._actions: dict[int, QAction] = {}
        self._order: list[int] = []  # ids in the order they were ticked
        self._show()

    def set_entries(self, entries: list[tuple[int, str, QIcon | None]]) -> None:
        """Replace the entries ``(id, label, icon)``, keeping the ticks of ids still there."""
        menu = self.menu()
        menu.clear()
        self._actions = {}
        for entry_id, label, icon in entries:
            action = menu.addAction(label) if icon is None else menu.addAction(icon, label)
            action.setCheckable(True)
            action.setChecked(entry_id in self._order)
            action.toggled.connect(lambda on, i=entry_id: self._toggled(i, on))
            self._actions[entry_id] = action
        self._order = [i for i in self._order if i in self._actions]
        self._show()

    def checked(self) -> list[int]:
        """The ticked ids, in the order they were ticked."""
        return list(self._order)

    def set_checked(self, ids: list[int]) -> None:
        """Tick exactly ``ids`` (those the menu holds), then say so once."""
        self._order = [i for i in ids if i in self._actions]
        for entry_id, action in self._actions.items():
            action.blockSignals(True)
            action.setChecked(entry_id in self._order)
            action.blockSignals(False)
        self._show()
        self.changed.emit()

    def action_of(self, entry_id: int) -> QAction:
        """The menu entry of an id (tests and shortcuts tick through it)."""
        return self._actions[entry_id]

    def _toggled(self, entry_id: int, on: bool) -> None:
        if on and entry_id not in self._order:
            self._order.append(entry_id)
        elif not on and entry_id in self._order:
            self._order.remove(entry_id)
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        labels = [self._actions[i].text().strip() for i in self._order]
        self._summary = ", ".join(labels) or self.none_text
        if len(labels) > 1:
            self._summary = f"{len(labels)} {self.noun}: {self._summary}"
        self._elide()
        self.setToolTip("\n".join(labels) or self.none_text)

    def summary(self) -> str:
        """What is ticked, in full (the button shows it elided to its width)."""
        return self._summary

    def _elide(self) -> None:
        room = max(self.width() - 28, 40)  # the menu arrow and the margins
        self.setText(
            self.fontMetrics().elidedText(self._summary, Qt.TextElideMode.ElideRight, room)
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()
