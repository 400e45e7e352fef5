"""Codebook changes from the window. Adding, editing and moving are undoable; merging and
deleting are not (they remove codings) and are confirmed by the user first."""

from __future__ import annotations

from dataclasses import dataclass, replace

from annotator.domain.model import Code, Coding
from annotator.services import codebook_editing
from annotator.services.changes import Changes
from annotator.services.editing import CHANGED_SINCE, ChangedSince
from annotator.storage import Project
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


def expect_code(project: Project, left: Code) -> None:
    """Refuse an undo or redo step (:class:`ChangedSince`) unless the node is as the step left
    it: same GUID, parent, name, colour, definition, shortcut and exclusivity (its position
    among siblings may have moved with them)."""
    now = project.codebook.by_guid(left.guid)
    if now is None or replace(now, position=0) != replace(left, position=0):
        raise ChangedSince(f"'{left.name}' was {CHANGED_SINCE}")


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
        code = self.code
        with self.project.transaction():
            if self.project.codebook.by_guid(code.guid) is not None:
                raise ChangedSince(f"'{code.name}' was {CHANGED_SINCE}")
            self.project.codebook.restore(code)
        self.controller.notify(CODEBOOK_CHANGED)

    def undo(self) -> None:
        # Takes away the code only as it was added: never codings, codes or memos that came
        # under it since (a merge coding by path, an import, another window).
        assert self.code is not None
        code, project = self.code, self.project
        with project.transaction():
            expect_code(project, code)
            if project.codebook.subtree(code.id) != [code.id]:
                raise ChangedSince(f"'{code.name}' has codes below it now, added since")
            used = codebook_editing.code_usage(project, code.id)
            if used:
                raise ChangedSince(
                    f"'{code.name}' has {used} coding{'s' if used > 1 else ''} now, made since "
                    "(by a merge, an import or another window); delete it in the codebook "
                    "editor if it must go"
                )
            if project.memos.for_code(code.id):
                raise ChangedSince(f"'{code.name}' has a memo now, written since")
            project.codebook.delete(code.id)
        self.controller.notify(CODEBOOK_CHANGED)


class _UpdateCode(Command):
    def __init__(self, controller: Controller, before: Code, after: CodeFields) -> None:
        super().__init__(controller, f"edit {before.name}")
        self.code_id = before.id
        self.before, self.after = CodeFields.of(before), after
        self.left: Code | None = None  # the node as the last step left it

    def _set(self, fields: CodeFields) -> None:
        with self.project.transaction():  # the check and the write, one transaction
            if self.left is not None:  # undo or redo: only over what the last step left
                expect_code(self.project, self.left)
            self.left = codebook_editing.update_code(
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
        # Not "target": Command.target is the undo stack's index it keeps for a refusal.
        self.destination = (parent_id, position)
        self.origin = (code.parent_id, code.position)
        self.left: Code | None = None

    def do(self) -> None:
        self._move(self.destination)

    def undo(self) -> None:
        self._move(self.origin)

    def _move(self, place: tuple[int | None, int]) -> None:
        with self.project.transaction():  # the check and the write, one transaction
            if self.left is not None:  # undo or redo: only over what the last step left
                expect_code(self.project, self.left)
            self.left = codebook_editing.move_code(self.project, self.code_id, *place)
        self.controller.notify(CODEBOOK_CHANGED)
