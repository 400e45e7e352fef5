"""The window's Undo and Redo actions, taken through the :class:`Controller` rather than
straight to the stack (as ``QUndoStack.createUndoAction`` would): so that a step the project
refuses stays on the stack and the user reads why, and a step on another article opens it."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from annotator.ui.controller import Controller


class StepAction(QAction):
    """Undo or Redo, its text naming the step ("Undo apply X") as Qt's own actions do. Its
    slots are methods, so Qt disconnects them when the window (and the action) goes."""

    def __init__(self, label: str, parent: QWidget) -> None:
        super().__init__(label, parent)
        self.label = label

    def name_step(self, text: str) -> None:
        self.setText(f"{self.label} {text}".rstrip())


def undo_actions(controller: Controller, parent: QWidget) -> tuple[QAction, QAction]:
    """Undo and Redo actions that follow the stack (enabled, named) and step through the
    controller."""
    stack = controller.undo_stack
    undo, redo = StepAction("&Undo", parent), StepAction("&Redo", parent)
    undo.setEnabled(stack.canUndo())
    redo.setEnabled(stack.canRedo())
    stack.canUndoChanged.connect(undo.setEnabled)
    stack.canRedoChanged.connect(redo.setEnabled)
    stack.undoTextChanged.connect(undo.name_step)
    stack.redoTextChanged.connect(redo.name_step)
    undo.triggered.connect(controller.undo)
    redo.triggered.connect(controller.redo)
    return undo, redo
