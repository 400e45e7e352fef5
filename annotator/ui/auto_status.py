"""An article a coder starts coding moves from "not started" to "in progress" for them.

The status is the coder's progress through their articles, not a property of the codings:
once they have begun an article it stays begun, so undoing the first coding does not move
it back (the coder has read and worked on it; "in progress" is still true, and a status
that flickered with every undo would be noise). The change is written outside the undo
stack for that reason, and only ever upgrades "not started".
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from annotator.domain.model import DocumentStatus
from annotator.services.changes import Changes
from annotator.ui.controller import Controller


class StartedOnCoding(QObject):
    """Watches the codings a coder adds and marks their article in progress if not started."""

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.controller = controller
        controller.changed.connect(self._on_changed)

    def _on_changed(self, changes: Changes) -> None:
        controller = self.controller
        project, coder_id = controller.project, controller.coder.id
        if project.read_only or not changes.after:
            return
        earlier = {coding.id for coding in changes.before}
        documents = {
            coding.document_id
            for coding in changes.after
            if coding.coder_id == coder_id and coding.id not in earlier
        }
        started = frozenset(
            (document_id, coder_id)
            for document_id in sorted(documents)
            if project.statuses.get(document_id, coder_id) == DocumentStatus.NOT_STARTED
        )
        if not started:
            return
        # One statement for them all (a merge or a paste can touch several articles).
        project.statuses.mark_many(
            coder_id, {document_id: DocumentStatus.IN_PROGRESS for document_id, _ in started}
        )
        controller.notify(Changes(statuses=started))
