"""Coding the hits of a search as one step on the window's undo stack.

Undo removes exactly the codings the step made, and is refused (nothing changed) when one of
them was changed or removed since; redo puts them back with their ids, GUIDs, times and
origin. A step that ran a saved search also moves the search's "new articles" mark (the
coder's), and undo
puts the mark back, in the same transaction (so that undoing a run on new articles leaves
them new).
"""

from __future__ import annotations

from annotator.domain.errors import UserError
from annotator.domain.model import Coding
from annotator.services import autocode, saved_searches
from annotator.services.agreement import CONSENSUS
from annotator.services.autocode import Origin, Preview
from annotator.services.changes import Changes
from annotator.storage.saved_searches import SavedSearch
from annotator.ui.controller import Command, Controller


def refuse_coding(controller: Controller) -> None:
    """Refuse (a :class:`UserError`) to code from a search where the window codes nothing:
    a read-only project, or as the review's consensus coder (whose codings are decisions)."""
    project = controller.project
    if project.read_only:
        raise UserError(f"{project.name} is open read-only: nothing can be coded")
    if controller.coder.name == CONSENSUS:
        raise UserError(
            f"'{CONSENSUS}' holds the review's decisions: switch to your own coder "
            "(Coder → Switch coder…) to code from a search"
        )


def code_hits(
    controller: Controller,
    preview: Preview,
    origin: Origin,
    saved: SavedSearch | None = None,
    documents: frozenset[int] | None = None,
    reach: int | None = None,
) -> CodeHits:
    """Write what ``preview`` plans as one undoable step (through ``saved``'s rule when the
    search is a saved one, run on ``documents``, or on every article up to ``reach`` when
    none: its "new articles" mark moves only past those); returns the step (its codings,
    and how many passages it dropped because their article was deleted since the preview)."""
    refuse_coding(controller)
    if preview.coder_id != controller.coder.id:
        raise UserError("the preview was made for another coder: preview again")
    command = CodeHits(controller, preview, origin, saved, documents, reach)
    controller.run(command)
    return command


class CodeHits(Command):
    """Code hits of a search (see the module's text)."""

    def __init__(
        self,
        controller: Controller,
        preview: Preview,
        origin: Origin,
        saved: SavedSearch | None = None,
        documents: frozenset[int] | None = None,
        reach: int | None = None,
    ) -> None:
        code = controller.codebook.get(preview.code_id).name
        count = len(preview.planned)
        super().__init__(controller, f"code {count} passage{'s' * (count != 1)} as {code}")
        self.preview, self.origin, self.saved = preview, origin, saved
        self.documents = documents  # what the saved search ran on (None: every article)
        self.reach = reach  # on every article: the highest one when it searched
        self.codings: tuple[Coding, ...] = ()
        #: Passages of the preview left out: their article was deleted since.
        self.dropped = 0
        #: The saved search's "new articles" mark before and after the step.
        self.marks: tuple[int, int] | None = None

    def do(self) -> None:
        project = self.project
        if self.saved is None:
            coded = autocode.apply(project, self.preview, self.origin)
        else:
            coder = self.preview.coder_id
            before = saved_searches.mark(project, self.saved, coder)
            run = saved_searches.RuleRun(self.saved, self.documents, self.preview, reach=self.reach)
            applied = saved_searches.rule_apply(project, run)
            assert applied.coded is not None
            coded = applied.coded
            self.marks = (before, saved_searches.mark(project, self.saved, coder))
        self.codings, self.dropped = coded.codings, coded.dropped
        self.controller.notify(coded.changes)

    def again(self) -> None:
        with self.project.transaction():
            changes = autocode.put_back(self.project, self.codings)
            self._mark(after=True)
        self.controller.notify(changes | self._documents())

    def undo(self) -> None:
        with self.project.transaction():
            changes = autocode.take_back(self.project, self.codings)
            self._mark(after=False)
        self.controller.notify(changes | self._documents())

    def _mark(self, *, after: bool) -> None:
        """The saved search's mark as the step leaves it (``after``) or found it; a search
        deleted since keeps no mark."""
        if self.saved is None or self.marks is None:
            return
        store = saved_searches.store(self.project)
        if store.by_guid(self.saved.guid) is None:
            return
        store.set_mark(self.saved.id, self.preview.coder_id, self.marks[1 if after else 0])

    def _documents(self) -> Changes:
        return Changes(documents=frozenset(c.document_id for c in self.codings))

    def where(self) -> int | None:
        documents = {coding.document_id for coding in self.codings}
        return documents.pop() if len(documents) == 1 else None
