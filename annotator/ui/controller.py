"""The one object through which the window changes the project.

Every change goes through a method here, runs a service (one transaction, committed when the
method returns) and emits :attr:`Controller.changed` with what changed; each model refreshes
only that. Coding actions are pushed on an undo stack as commands that call the same services.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.model import Coder, Coding, DocumentStatus
from annotator.services import editing, variables
from annotator.services.changes import Changes
from annotator.storage import Project

RECENT_CODES = 8
ArticleRow = tuple[int | None, int | None, int, int, int]


@dataclass(frozen=True)
class ArticleSummary:
    """What the window needs to know about the open article's visible codings without reading
    them: counts per code, how many are article-level, and the longest span."""

    counts: dict[int, int] = field(default_factory=dict)
    whole_article: int = 0
    longest: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def spans(self) -> int:
        return self.total - self.whole_article

    def adjusted(self, changes: Changes, counted: Callable[[Coding], bool]) -> ArticleSummary:
        """The summary after a :attr:`Changes.described` change, without reading the article's
        codings again. ``longest`` only grows: it bounds searches, so a stale bound is safe."""
        counts = Counter(self.counts)
        counts.update(changes.count_change(counted))
        whole = self.whole_article
        whole += sum(1 for c in changes.after if c.start is None and counted(c))
        whole -= sum(1 for c in changes.before if c.start is None and counted(c))
        longest = max(
            [self.longest]
            + [c.end - c.start for c in changes.after if c.start is not None and c.end is not None]
        )
        return ArticleSummary(
            counts={code: n for code, n in counts.items() if n > 0},
            whole_article=whole,
            longest=longest,
        )


class Controller(QObject):
    """Holds the open project, the current coder and article, and the undo stack."""

    #: A :class:`Changes`: what an action added, changed or removed.
    changed = Signal(object)
    #: The article shown changed (its id, or None).
    documentOpened = Signal(object)
    #: The current coder changed.
    coderChanged = Signal()
    #: Whose codings are shown changed (blind mode switched).
    visibilityChanged = Signal()
    #: An undo or redo was refused (the project no longer allows it: changed since by a merge,
    #: say): the reason. Nothing was written and the step stays where it was on the stack.
    stepRefused = Signal(str)
    #: An undo or redo was taken: what to tell the user ("Undone: apply X", and the article,
    #: opened, when it was not the one shown).
    stepTaken = Signal(str)

    def __init__(self, project: Project, coder: Coder, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.coder = coder
        # Who changes the codebook from this window, for its change log (migration 0015).
        project.codebook.coder, project.codebook.route = coder.name, "window"
        self.document_id: int | None = None
        self.undo_stack = QUndoStack(self)
        self.recent_codes: list[int] = []
        # Blind by default when others code this project too: you see only your own codings.
        self.show_all_coders = len(project.coders.all()) <= 1
        # Asked before replacing codings of an exclusive dimension; the window shows a dialog.
        self.confirm_replace: Callable[[list[Coding]], bool] = lambda conflicts: True
        self._codebook: Codebook | None = None
        self._summary: ArticleSummary | None = None
        self._text: tuple[int | None, str] = (None, "")
        self._stepping = False
        self.changed.connect(self._forget)

    # -- what is shown ---------------------------------------------------------------------

    @property
    def codebook(self) -> Codebook:
        if self._codebook is None:
            self._codebook = self.project.codebook.tree()
        return self._codebook

    def _forget(self, changes: Changes) -> None:
        if changes.codebook:
            self._codebook = None
        if self.document_id in changes.documents or changes.codebook:
            if self._summary is not None and changes.described:
                self._summary = self._summary.adjusted(changes, self._counted_in_article)
            else:
                self._summary = None

    def is_shown(self, coding: Coding) -> bool:
        """Whether the window shows this coding in its counts (a coder it shows)."""
        visible = self.visible_coder_ids()
        return visible is None or coding.coder_id in visible

    def _counted_in_article(self, coding: Coding) -> bool:
        return coding.document_id == self.document_id and self.is_shown(coding)

    @property
    def summary(self) -> ArticleSummary:
        """The open article's :class:`ArticleSummary` (read once, until something changes)."""
        if self._summary is None:
            if self.document_id is None:
                self._summary = ArticleSummary()
            else:
                rows = self.project.codings.summary(self.document_id, self.visible_coder_ids())
                self._summary = ArticleSummary(
                    counts={code: count for code, count, _, _ in rows},
                    whole_article=sum(whole for _, _, whole, _ in rows),
                    longest=max((longest or 0 for _, _, _, longest in rows), default=0),
                )
        return self._summary

    @property
    def text(self) -> str:
        """The open article's text ("" if none): read once per opening, as it never changes."""
        if self._text[0] != self.document_id:
            document_id = self.document_id
            text = "" if document_id is None else self.project.documents.text(document_id)
            self._text = (document_id, text)
        return self._text[1]

    def visible_coder_ids(self) -> set[int] | None:
        """The coders whose codings are shown; ``None`` means everyone."""
        return None if self.show_all_coders else {self.coder.id}

    def set_show_all_coders(self, show: bool) -> None:
        if show != self.show_all_coders:
            self.show_all_coders = show
            self._summary = None
            self.visibilityChanged.emit()

    def open_document(self, document_id: int | None) -> None:
        if document_id != self.document_id:
            self.document_id = document_id
            self._summary = None
            self.documentOpened.emit(document_id)

    def set_coder(self, coder: Coder) -> None:
        if coder.id != self.coder.id:
            self.coder = coder
            self.project.codebook.coder = coder.name
            self._summary = None
            self.undo_stack.clear()  # another coder's history is not ours to undo
            self.coderChanged.emit()

    def changed_elsewhere(self, document_id: int) -> None:
        """This article's codings changed outside this window (another window or program):
        its counts are read again and every view is told."""
        if document_id == self.document_id:
            self._summary = None
        self.notify(Changes(documents=frozenset({document_id})))

    def notify(self, changes: Changes) -> None:
        """Tell every view what changed (for changes made outside the undo stack)."""
        if changes:
            self.changed.emit(changes)

    # -- coding actions (undoable) ---------------------------------------------------------

    def apply_code(self, code_id: int, span: tuple[int, int] | None) -> bool:
        """Apply a code to a span of the open article (``None``: to the whole article).

        In an exclusive dimension, overlapping codings of its other codes by this coder are
        replaced if :attr:`confirm_replace` agrees; otherwise nothing happens. Returns whether
        the code was applied.
        """
        if self.document_id is None:
            raise UserError("open an article first")
        code = self.codebook.get(code_id)
        if code.is_dimension:
            raise UserError(f"'{code.name}' is a dimension: choose one of its codes")
        start, end = span if span is not None else (None, None)
        conflicts = editing.exclusive_conflicts(
            self.project, self.document_id, self.coder.id, code_id, start, end
        )
        if conflicts and not self.confirm_replace(conflicts):
            return False
        if self.project.codings.find_same(self.document_id, self.coder.id, code_id, start, end):
            return False
        self.run(_ApplyCode(self, self.document_id, code_id, start, end, [c.id for c in conflicts]))
        self._remember(code_id)
        return True

    def remove_codings(self, coding_ids: list[int]) -> None:
        if coding_ids:
            self.run(_RemoveCodings(self, coding_ids))

    def change_span(self, coding_id: int, start: int, end: int) -> None:
        self.run(_ChangeSpan(self, coding_id, start, end))

    def set_memo(self, coding_id: int, memo: str) -> None:
        if self.project.codings.get(coding_id).memo != memo:
            self.run(_SetMemo(self, coding_id, memo))

    def set_status(self, status: DocumentStatus, document_id: int | None = None) -> None:
        target = document_id if document_id is not None else self.document_id
        if target is not None and self.project.statuses.get(target, self.coder.id) != status:
            self.run(_SetStatus(self, target, status))

    def set_variables(self, document_id: int, values: dict[str, str]) -> bool:
        """Set an article's variable values by name ("" clears one); undoable. Values are
        checked as an import checks them (UserError, nothing written, if one does not fit).
        Returns whether anything changed."""
        before = self.project.documents.values(document_id)
        after = {n: v.strip() for n, v in values.items() if v.strip() != before.get(n, "")}
        if not after:
            return False
        self.run(_SetVariables(self, document_id, after, {n: before.get(n, "") for n in after}))
        return True

    def run(self, command: Command) -> None:
        """Do an action now (errors surface here) and put it on the undo stack."""
        if self.project.read_only:  # the window's actions are off; this catches any other
            raise UserError(f"{self.project.name} is open read-only: nothing can be changed")
        self._expect_coder()
        command.do()
        self.undo_stack.push(command)

    def _expect_coder(self, coder: Coder | None = None) -> None:
        """Refuse to write as a coder (the window's, or ``coder``) another window merged away
        or deleted (found by GUID: ids of coders are never given twice, but a stale window
        must not write under one)."""
        coder = coder or self.coder
        now = self.project.coders.by_guid(coder.guid)
        if now is None or now.id != coder.id:
            raise UserError(
                f"coder {coder.name} is no longer in {self.project.name} (merged or "
                "removed in another window): choose a coder with Coder → Switch coder…"
            )

    # -- undo and redo ---------------------------------------------------------------------

    def undo(self) -> None:
        """Take back the last step (Ctrl+Z). A step that finds the project changed since it
        was done is refused: nothing written, the step stays on the stack, the reason is
        emitted (:attr:`stepRefused`). A step on another article opens that article."""
        self._step(undo=True)

    def redo(self) -> None:
        """Do again the last step undone (Ctrl+Y), on the same terms as :meth:`undo`."""
        self._step(undo=False)

    def _step(self, *, undo: bool) -> None:
        stack = self.undo_stack
        if not (stack.canUndo() if undo else stack.canRedo()):
            return
        command = stack.command(stack.index() - 1 if undo else stack.index())
        text = stack.undoText() if undo else stack.redoText()
        self._stepping = True
        try:
            stack.undo() if undo else stack.redo()
        finally:
            self._stepping = False
        if isinstance(command, Command) and command.failed is not None:
            self._refused(command)
            return
        message = f"{'Undone' if undo else 'Redone'}: {text}"
        where = command.where() if isinstance(command, Command) else None
        if where is not None and where != self.document_id:
            names = dict(self.project.documents.names())
            if where in names:  # the step changed another article: show it, and say so
                self.open_document(where)
                message += f" in {names[where]}"
        self.stepTaken.emit(message)

    def _refused(self, command: Command) -> None:
        """A step failed inside Qt's undo()/redo(), which moved the index all the same: put the
        index back without running the step again, and tell the user why."""
        reason, command.failed = command.failed, None
        if command.target is not None:
            command.skip = True
            self.undo_stack.setIndex(command.target)
            command.skip = False
        self.stepRefused.emit(reason or "")

    def _remember(self, code_id: int) -> None:
        if code_id in self.recent_codes:
            self.recent_codes.remove(code_id)
        self.recent_codes.insert(0, code_id)
        del self.recent_codes[RECENT_CODES:]


class Command(QUndoCommand):
    """An undoable action that runs a service and tells the views what changed.

    The action is done by :meth:`do` *before* the command is pushed, so that an error (a
    UserError, say) reaches the caller in Python instead of being raised inside Qt's
    ``push()``; the first ``redo()`` that ``push()`` calls is therefore skipped.

    Undo and redo check that what they change is what the step left (see
    :class:`~annotator.services.editing.ChangedSince`); a refusal is recorded in
    :attr:`failed` and the controller puts the stack's index back.
    """

    def __init__(self, controller: Controller, text: str) -> None:
        super().__init__(text)
        self.controller = controller
        self.project = controller.project
        self._done_once = False
        #: Why the last undo or redo was refused (None: it was taken).
        self.failed: str | None = None
        #: The stack's index to go back to after a refusal, and whether the next step Qt
        #: calls (putting the index back) must do nothing.
        self.target: int | None = None
        self.skip = False

    def do(self) -> None:
        raise NotImplementedError

    def again(self) -> None:
        """Redo after an undo (by default the same as the first time)."""
        self.do()

    def where(self) -> int | None:
        """The article this step changes (None: none, or the codebook)."""
        document_id = getattr(self, "document_id", None)
        return document_id if isinstance(document_id, int) else None

    def redo(self) -> None:
        if self.skip:
            self.skip = False
        elif self._done_once:
            with self.project.codebook.acting(f"redo {self.text()}"):
                self._guard(self.again)
        self._done_once = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("undo")
        if own is not None:  # Qt calls undo() itself: a refusal must not escape into Qt

            def undo(self: Command, _own: Callable[[Command], None] = own) -> None:
                if self.skip:
                    self.skip = False
                else:
                    with self.project.codebook.acting(f"undo {self.text()}"):
                        self._guard(lambda: _own(self))

            cls.undo = undo  # type: ignore[method-assign]
            cls.undo_unguarded = own  # a step taken inside another

    def undo_unguarded(self) -> None:
        """The undo of this class, raising its refusal (a subclass's own undo)."""
        raise NotImplementedError

    def _guard(self, step: Callable[[], None]) -> None:
        """Take an undo or redo step; when the project refuses it (changed since by a merge,
        or an exclusive dimension's rule), record why instead of crashing: nothing was
        written (each step is one transaction)."""
        stack = self.controller.undo_stack
        self.failed, self.target = None, stack.index()  # Qt moves the index after the step
        try:
            step()
        except UserError as error:
            self.failed = str(error)
        except sqlite3.IntegrityError:  # a row the step would write is there again
            self.failed = f"the project was {editing.CHANGED_SINCE}"
        if self.failed is not None and not self.controller._stepping:
            # stack.undo() called directly (not through the controller): fix up once Qt is done.
            QTimer.singleShot(0, lambda: self.controller._refused(self))


class _ApplyCode(Command):
    def __init__(
        self,
        controller: Controller,
        document_id: int,
        code_id: int,
        start: int | None,
        end: int | None,
        replace: list[int],
    ) -> None:
        name = controller.codebook.get(code_id).name
        super().__init__(controller, f"apply {name}")
        self.document_id, self.code_id, self.start, self.end = document_id, code_id, start, end
        self.replace = replace
        self.coder_id = controller.coder.id
        self.applied: editing.Applied | None = None

    def do(self) -> None:
        self.applied = editing.apply_code(
            self.project,
            self.document_id,
            self.coder_id,
            self.code_id,
            self.start,
            self.end,
            replace=self.replace,
        )
        self.controller.notify(self.applied.changes)

    def again(self) -> None:  # the same coding, with the same id, comes back
        assert self.applied is not None
        applied = self.applied
        self.controller.notify(
            editing.exchange_codings(self.project, applied.replaced, [applied.coding])
        )

    def undo(self) -> None:
        # Only if the coding is as this step made it and the replaced ones are still gone;
        # no tombstone: the coding this step made never was, for the next merge.
        assert self.applied is not None
        applied = self.applied
        self.controller.notify(
            editing.exchange_codings(
                self.project, [applied.coding], applied.replaced, tombstones=False
            )
        )


class _RemoveCodings(Command):
    def __init__(self, controller: Controller, coding_ids: list[int]) -> None:
        super().__init__(controller, "remove coding" if len(coding_ids) == 1 else "remove codings")
        self.coding_ids = coding_ids
        self.removed: tuple[Coding, ...] = ()

    def do(self) -> None:
        self.removed = tuple(editing.remove_codings(self.project, self.coding_ids))
        self.controller.notify(editing.coding_changes(before=self.removed))

    def again(self) -> None:  # the codings put back, only if they are as undo left them
        self.controller.notify(editing.exchange_codings(self.project, self.removed, []))

    def undo(self) -> None:
        self.controller.notify(editing.restore_codings(self.project, self.removed))

    def where(self) -> int | None:
        documents = {coding.document_id for coding in self.removed}
        return documents.pop() if len(documents) == 1 else None


class _EditCoding(Command):
    """Change one coding in place (its span or its memo); undo puts the old value back."""

    def __init__(self, controller: Controller, text: str, coding_id: int) -> None:
        super().__init__(controller, text)
        self.coding_id = coding_id
        self.edited: editing.Edited | None = None

    def edit(self) -> editing.Edited:
        raise NotImplementedError

    def do(self) -> None:
        self.edited = self.edit()
        self.controller.notify(self.edited.changes)

    def again(self) -> None:  # the edit as it was made, its time included
        assert self.edited is not None
        edited = self.edited
        self.controller.notify(
            editing.revert_coding(self.project, edited.before, edited.after).changes
        )

    def undo(self) -> None:  # the coding as it was, its time included
        assert self.edited is not None
        edited = self.edited
        self.controller.notify(
            editing.revert_coding(self.project, edited.after, edited.before).changes
        )

    def where(self) -> int | None:
        return None if self.edited is None else self.edited.before.document_id


class _ChangeSpan(_EditCoding):
    def __init__(self, controller: Controller, coding_id: int, start: int, end: int) -> None:
        super().__init__(controller, "change boundaries", coding_id)
        self.start, self.end = start, end

    def edit(self) -> editing.Edited:
        return editing.change_span(self.project, self.coding_id, self.start, self.end)


class _SetMemo(_EditCoding):
    def __init__(self, controller: Controller, coding_id: int, memo: str) -> None:
        super().__init__(controller, "edit memo", coding_id)
        self.memo = memo

    def edit(self) -> editing.Edited:
        return editing.set_memo(self.project, self.coding_id, self.memo)


class _SetStatus(Command):
    def __init__(self, controller: Controller, document_id: int, status: DocumentStatus) -> None:
        super().__init__(controller, f"mark {status.value.replace('_', ' ')}")
        self.document_id, self.status = document_id, status
        self.coder_id = controller.coder.id
        # The stored rows before and after (status, assignment, time): undo and redo put
        # them back exactly, so that a merge compares true times.
        self.rows: tuple[editing.StatusRow, editing.StatusRow] = (None, None)

    def do(self) -> None:
        statuses = self.project.statuses
        before = statuses.row(self.document_id, self.coder_id)
        editing.set_document_status(self.project, self.document_id, self.coder_id, self.status)
        self.rows = (before, statuses.row(self.document_id, self.coder_id))
        self._notify()

    def again(self) -> None:
        before, after = self.rows
        editing.revert_status(self.project, self.document_id, self.coder_id, before, after)
        self._notify()

    def undo(self) -> None:
        before, after = self.rows
        editing.revert_status(self.project, self.document_id, self.coder_id, after, before)
        self._notify()

    def _notify(self) -> None:
        self.controller.notify(Changes(statuses=frozenset({(self.document_id, self.coder_id)})))


class _SetVariables(Command):
    def __init__(
        self,
        controller: Controller,
        document_id: int,
        after: dict[str, str],
        before: dict[str, str],
    ) -> None:
        super().__init__(
            controller, "edit variables" if len(after) > 1 else f"edit {next(iter(after))}"
        )
        self.document_id, self.after, self.before = document_id, after, before

    def do(self) -> None:
        self.controller.notify(
            variables.set_document_values(self.project, self.document_id, self.after)
        )

    def again(self) -> None:
        self._expect(self.before)
        self.do()

    def undo(self) -> None:
        self._expect(self.after)
        self.controller.notify(
            variables.set_document_values(self.project, self.document_id, self.before)
        )

    def _expect(self, left: dict[str, str]) -> None:
        now = self.project.documents.values(self.document_id)
        if any(now.get(name, "") != value for name, value in left.items()):
            raise editing.ChangedSince(f"the article's variables were {editing.CHANGED_SINCE}")
