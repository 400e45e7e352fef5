"""Accepting and rejecting machine suggestions as steps of the window's undo stack.

Each step runs one service call (one transaction: :mod:`annotator.services.machine.
suggestions`), and so do its undo and redo; a step whose suggestion or coding was changed
since is refused with the reason, as every step of the window is (see
:class:`~annotator.ui.controller.Command`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from annotator.services.machine import suggestions as sg
from annotator.ui.controller import Command, Controller


class AcceptSuggestions(Command):
    """Accept one suggestion (as it is, on another passage, replacing clashing codings), or
    every suggestion of the article at or above a confidence."""

    def __init__(
        self,
        controller: Controller,
        document_id: int,
        text: str,
        accepting: Callable[[], Sequence[sg.Accepted]],
    ) -> None:
        super().__init__(controller, text)
        self.document_id = document_id
        self.accepting = accepting
        self.accepted: list[sg.Accepted] = []
        #: Suggestions left open because they contradict the coder's codings (in bulk).
        self.clashing: list[sg.Suggestion] = []

    def do(self) -> None:
        self.accepted = list(self.accepting())
        self.controller.notify(sg.accepted_changes(self.accepted))

    def again(self) -> None:
        self.accepted = sg.put_back(self.project, self.accepted)
        self.controller.notify(sg.accepted_changes(self.accepted))

    def undo(self) -> None:
        self.controller.notify(sg.take_back(self.project, self.accepted))


def accept_one(
    controller: Controller,
    suggestion: sg.Suggestion,
    *,
    span: tuple[int, int] | None,
    replace: Sequence[int],
) -> AcceptSuggestions:
    """The step accepting one suggestion as the window's coder."""
    coder_id = controller.coder.id
    name = controller.codebook.get(suggestion.code_id).name
    edited = span is not None and span != suggestion.span
    return AcceptSuggestions(
        controller,
        suggestion.document_id,
        f"accept suggestion {name}{' (edited)' if edited else ''}",
        lambda: [sg.accept(controller.project, suggestion, coder_id, span=span, replace=replace)],
    )


def accept_all(
    controller: Controller, document_id: int, source: sg.Source, threshold: float
) -> AcceptSuggestions:
    """The step accepting every suggestion of the article at or above ``threshold``; its
    :attr:`~AcceptSuggestions.accepted` and :attr:`clashing` say what it did."""
    coder_id = controller.coder.id
    step = AcceptSuggestions(
        controller, document_id, f"accept suggestions at or above {threshold:.2f}", lambda: []
    )

    def accepting() -> Sequence[sg.Accepted]:
        done = sg.accept_all(controller.project, document_id, coder_id, source, threshold)
        step.clashing = list(done.clashing)
        return done.accepted

    step.accepting = accepting
    return step


class RejectSuggestion(Command):
    """Reject one suggestion (a decision, no coding); ``decided`` tells the window to read the
    article's suggestions again."""

    def __init__(
        self,
        controller: Controller,
        suggestion: sg.Suggestion,
        decided: Callable[[int], None],
    ) -> None:
        name = controller.codebook.get(suggestion.code_id).name
        super().__init__(controller, f"reject suggestion {name}")
        self.document_id = suggestion.document_id
        self.suggestion = suggestion
        self.coder_id = controller.coder.id
        self.decided = decided
        self.rejected: sg.Rejected | None = None

    def do(self) -> None:
        self.rejected = sg.reject(self.project, self.suggestion, self.coder_id)
        self.decided(self.document_id)

    def again(self) -> None:
        assert self.rejected is not None
        self.rejected = sg.put_back_rejection(self.project, self.rejected, self.coder_id)
        self.decided(self.document_id)

    def undo(self) -> None:
        assert self.rejected is not None
        sg.take_back_rejection(self.project, self.rejected, self.coder_id)
        self.decided(self.document_id)
