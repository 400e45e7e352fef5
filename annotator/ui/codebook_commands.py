"""Codebook changes from the window. Adding, editing and moving are undoable; merging and
deleting are not (they remove codings) and are confirmed by the user first."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.domain.model import Code, Coding
from annotator.services import codebook_editing
from annotator.services.changes import Changes
from annotator.ui.controller import Command, Controller

CODEBOOK_CHANGED = Changes(codebook=True)


@dataclass(frozen=True)
class CodeFields:
    """The editable fields of a codebook node."""

    name: str
    color: str
    description: str
    shortcut: str | None
    exclusive: bool

    @classmethod
    def of(cls, code: Code) -> CodeFields:
        return cls(code.name, code.color, code.description, code.shortcut, code.exclusive)


class CodebookEditor:
    """The codebook operations of the window, each committed at once."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller
        self.project = controller.project

    def add(self, name: str, parent_id: int | None, *, exclusive: bool = False) -> Code:
        command = _AddCode(self.controller, name, parent_id, exclusive)
        self.controller.run(command)
        assert command.code is not None
        return command.code

    def update(self, code_id: int, fields: CodeFields) -> None:
        before = self.project.codebook.get(code_id)
        if CodeFields.of(before) != fields:
            self.controller.run(_UpdateCode(self.controller, before, fields))

    def move(self, code_id: int, parent_id: int | None, position: int) -> None:
        self.controller.run(_MoveCode(self.controller, code_id, parent_id, position))

    def usage(self, code_id: int) -> int:
        return codebook_editing.code_usage(self.project, code_id)

    def merge(self, source_id: int, target_id: int, *, dropped: list[Coding] | None = None) -> int:
        moved = codebook_editing.merge_code(self.project, source_id, target_id, dropped=dropped)
        self._irreversible()
        return moved

    def move_dropping(self, code_id: int, parent_id: int, dropped: list[Coding]) -> None:
        """Move, deleting the moved codings that clash in the new exclusive dimension."""
        position = len(self.project.codebook.tree().children(parent_id))
        codebook_editing.move_code(self.project, code_id, parent_id, position, dropped=dropped)
        self._irreversible()

    def delete(self, code_id: int) -> int:
        deleted = codebook_editing.delete_code(self.project, code_id)
        self._irreversible()
        return deleted

    def _irreversible(self) -> None:
        # Earlier commands may refer to codes that are gone: they cannot be undone any more.
        self.controller.undo_stack.clear()
        every_document = frozenset(d for d, _ in self.project.documents.names())
        self.controller.notify(Changes(codebook=True, documents=every_document))


class _AddCode(Command):
    """Redo after an undo restores the code with its first id, which later commands use."""

    def __init__(
        self, controller: Controller, name: str, parent_id: int | None, exclusive: bool
    ) -> None:
        super().__init__(controller, f"add {name}")
        self.name, self.parent_id, self.exclusive = name, parent_id, exclusive
        self.code: Code | None = None

    def do(self) -> None:
        self.code = self.project.codebook.add(
            self.name, self.parent_id, exclusive=self.exclusive and self.parent_id is None
        )
        self.controller.notify(CODEBOOK_CHANGED)

    def again(self) -> None:
        assert self.code is not None
        self.project.codebook.restore(self.code)
        self.controller.notify(CODEBOOK_CHANGED)

    def undo(self) -> None:
        assert self.code is not None
        codebook_editing.delete_code(self.project, self.code.id)
        self.controller.notify(CODEBOOK_CHANGED)


class _UpdateCode(Command):
    def __init__(self, controller: Controller, before: Code, after: CodeFields) -> None:
        super().__init__(controller, f"edit {before.name}")
        self.code_id = before.id
        self.before, self.after = CodeFields.of(before), after

    def _set(self, fields: CodeFields) -> None:
        codebook_editing.update_code(
            self.project,
            self.code_id,
            name=fields.name,
            color=fields.color,
            description=fields.description,
            shortcut=fields.shortcut,
            clear_shortcut=fields.shortcut is None,
            exclusive=fields.exclusive,
        )
        self.controller.notify(CODEBOOK_CHANGED)

    def do(self) -> None:
        self._set(self.after)

    def undo(self) -> None:
        self._set(self.before)


class _MoveCode(Command):
    def __init__(
        self, controller: Controller, code_id: int, parent_id: int | None, position: int
    ) -> None:
        code = controller.project.codebook.get(code_id)
        super().__init__(controller, f"move {code.name}")
        self.code_id = code_id
        self.target = (parent_id, position)
        self.origin = (code.parent_id, code.position)

    def do(self) -> None:
        codebook_editing.move_code(self.project, self.code_id, *self.target)
        self.controller.notify(CODEBOOK_CHANGED)

    def undo(self) -> None:
        codebook_editing.move_code(self.project, self.code_id, *self.origin)
        self.controller.notify(CODEBOOK_CHANGED)
