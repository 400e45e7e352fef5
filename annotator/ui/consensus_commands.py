"""Consensus decisions from the review window, undoable like every coding action."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.domain.model import Choice, Coder, Coding
from annotator.services import consensus, editing
from annotator.services.consensus import Decided, Difference
from annotator.ui.controller import Command, Controller


def decide(
    controller: Controller,
    coders: Sequence[Coder],
    item: Difference,
    choice: Choice,
    reason: str = "",
    edited: tuple[tuple[int, int], ...] = (),
    *,
    took: int | None = None,
    replace_clashing: bool = False,
) -> Decided:
    """Decide a difference among these coders (undoable); returns what was written. Raises
    :class:`~annotator.services.consensus.ReplaceNeeded` (nothing done) when the decision would
    replace consensus codings of an exclusive dimension and ``replace_clashing`` is not set."""
    command = _Decide(controller, tuple(coders), item, choice, reason, edited)
    command.took, command.replace_clashing = took, replace_clashing
    controller.run(command)
    assert command.decided is not None
    return command.decided


def adopt_agreements(controller: Controller, first: Coder, second: Coder) -> int:
    """Give the consensus every coding the two coders agree on (undoable); returns how many."""
    command = _Adopt(controller, first, second)
    controller.run(command)
    return len(command.made)


class _Decide(Command):
    def __init__(
        self,
        controller: Controller,
        coders: tuple[Coder, ...],
        item: Difference,
        choice: Choice,
        reason: str,
        edited: tuple[tuple[int, int], ...],
    ) -> None:
        super().__init__(controller, f"decide {item.code_path}: {choice.value}")
        self.coders, self.item = coders, item
        self.choice, self.reason, self.edited = choice, reason, edited
        self.took: int | None = None
        self.replace_clashing = False
        self.decided: Decided | None = None

    def do(self) -> None:
        self.decided = consensus.decide(
            self.project,
            self.coders[0],
            self.coders[1],
            self.item,
            self.choice,
            reason=self.reason,
            edited=self.edited,
            coders=self.coders,
            took=self.took,
            replace_clashing=self.replace_clashing,
        )
        self.controller.notify(self.decided.changes)

    def again(self) -> None:
        assert self.decided is not None
        self.controller.notify(consensus.reinstate(self.project, self.decided))

    def undo(self) -> None:
        assert self.decided is not None
        self.controller.notify(consensus.withdraw(self.project, self.decided))


class _Adopt(Command):
    def __init__(self, controller: Controller, first: Coder, second: Coder) -> None:
        super().__init__(controller, f"adopt {first.name} and {second.name}'s agreements")
        self.first, self.second = first, second
        self.made: tuple[Coding, ...] = ()

    def do(self) -> None:
        self.made, changes = consensus.adopt_agreements(self.project, self.first, self.second)
        self.controller.notify(changes)

    def again(self) -> None:  # only if they are still gone (restore_codings checks)
        self.controller.notify(editing.restore_codings(self.project, self.made))

    def undo(self) -> None:  # only if the codings are as this step made them
        self.controller.notify(editing.exchange_codings(self.project, self.made, []))
