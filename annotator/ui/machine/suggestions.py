"""View → Machine suggestions: a machine's codings of the open article shown to the coder as
suggestions, to accept (as they are, or on a passage the coder selects instead), reject, or
accept all above a confidence.

Suggestions are off unless the coder chooses a machine coder (its codings, whichever run
made them) or one run in the menu: blind mode hides a machine's codings like any other
coder's, and only this explicit choice shows them — as dashed outlines in the code's colour
over the text, never filled like the coder's own codings, never as a coder's stripe lane.
The choice is remembered per project and coder. Suggestions for the whole article are listed
in the bar above the text, where the current suggestion is named too.

Keys: Ctrl+Return accepts the current suggestion, Ctrl+Backspace rejects it, Alt+Down /
Alt+Up go to the next / previous one (selecting its passage). Select another passage before
accepting to accept it *edited* (on the passage selected). Each accept or reject is one step
of Edit → Undo. A suggestion under the mouse shows its code, the machine's confidence and
its reason in a tooltip; the current one shows them in the status bar.

Here: the controller (actions, keys, the current suggestion, accepting and rejecting); the
bar is :mod:`.suggestion_bar`, what the menu offers :mod:`.suggestion_choices`, the undoable
steps :mod:`.suggestion_commands`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from annotator.domain.errors import UserError
from annotator.domain.model import Coder
from annotator.services.agreement import CONSENSUS
from annotator.services.changes import Changes
from annotator.services.machine import suggestions as sg
from annotator.ui import settings
from annotator.ui.controller import Command
from annotator.ui.machine.accept_all import AcceptAllDialog, at_or_above
from annotator.ui.machine.suggestion_bar import (
    LABEL_REASON,
    SuggestionBar,
    confidence_text,
    short_line,
)
from annotator.ui.machine.suggestion_choices import (
    Choice,
    machine_choices,
    remembered_runs,
    remembered_setting,
    run_choices,
)
from annotator.ui.machine.suggestion_commands import RejectSuggestion, accept_all, accept_one

ACCEPT_KEY = "Ctrl+Return"
REJECT_KEY = "Ctrl+Backspace"
NEXT_KEY = "Alt+Down"
PREVIOUS_KEY = "Alt+Up"
MESSAGE_MS = 12_000


#: The keys the reader answers for suggestions (listed by Help → Keyboard shortcuts).
SUGGESTION_KEYS = (
    (ACCEPT_KEY, "Accept the current machine suggestion", "Reader"),
    (REJECT_KEY, "Reject the current machine suggestion", "Reader"),
    (NEXT_KEY, "Next machine suggestion", "Reader"),
    (PREVIOUS_KEY, "Previous machine suggestion", "Reader"),
)


def _native(key: str) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


class MachineSuggestions(QObject):
    """The window's machine suggestions (see the module's text). ``window`` is the
    :class:`~annotator.ui.main_window.MainWindow`."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.reader = window.reader
        self.choice: Choice | None = None
        self.items: list[sg.Suggestion] = []
        #: Other coders whose codings of the article trained the model of the suggestions.
        self.learned_from: list[Coder] = []
        #: The suggestion the keys act on (its machine coding's id).
        self.current: int | None = None
        self.bar = SuggestionBar()
        layout = window.article.layout()
        layout.insertWidget(layout.indexOf(self.reader), self.bar)
        self._build_actions()
        self._build_menu(window.view_menu)
        self.controller.documentOpened.connect(self._opened)
        self.controller.changed.connect(self._changed)
        self.controller.coderChanged.connect(self.restore)
        self.controller.visibilityChanged.connect(self._update_bar)
        self.reader.outlinesClicked.connect(self._clicked)
        self.restore()

    # -- actions and menu ------------------------------------------------------------------

    def _build_actions(self) -> None:
        # The keypad's Enter too, as for Return.
        self.reader.bind_key("Ctrl+Enter", lambda: self._guarded(self.accept))
        self.accept_action = self._action(
            "&Accept suggestion",
            self.accept,
            ACCEPT_KEY,
            tip="Make the current suggestion your coding (on the passage selected, if you "
            "selected another: edited)",
        )
        self.reject_action = self._action(
            "&Reject suggestion", self.reject, REJECT_KEY, tip="Turn the current suggestion down"
        )
        self.next_action = self._action("&Next suggestion", lambda: self.step(1), NEXT_KEY)
        self.previous_action = self._action(
            "&Previous suggestion", lambda: self.step(-1), PREVIOUS_KEY
        )
        self.accept_all_action = self._action(
            "Accept all above &confidence…",
            self.accept_all_dialog,
            tip="Accept every suggestion of this article with at least a confidence you choose",
        )

    def _action(
        self, text: str, slot: Callable[[], object], key: str | None = None, *, tip: str = ""
    ) -> QAction:
        """A menu action; its key (shown in the menu) is answered by the reader itself, so
        that it works there only: elsewhere Ctrl+Backspace deletes a word (the filter box,
        the find bar) and Ctrl+Return adds a log entry."""
        action = QAction(text if key is None else f"{text}\t{_native(key)}", self.window)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda *_: self._guarded(slot))
        if key is not None:
            self.reader.bind_key(key, lambda: self._guarded(slot))
        return action

    def _build_menu(self, view: QMenu) -> None:
        self.menu = view.addMenu("Machine &suggestions")
        self.menu.setToolTipsVisible(True)
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.off_action = QAction("&Off", self)
        self.off_action.setCheckable(True)
        self.off_action.triggered.connect(lambda *_: self._guarded(lambda: self.choose(None)))
        self.group.addAction(self.off_action)
        self._runs_menu: QMenu | None = None
        self.menu.aboutToShow.connect(self._fill_menu)
        self._fill_menu()

    def _guarded(self, action: Any) -> None:
        self.window._guarded(action)

    def choices(self) -> list[Choice]:
        """Every machine coder of the project, by name."""
        return machine_choices(self.controller.project)

    def run_choices(self) -> list[Choice]:
        """The latest runs that still have codings, newest first."""
        return run_choices(self.controller.project)

    def _fill_menu(self) -> None:
        menu = self.menu
        menu.clear()
        if self._runs_menu is not None:  # a child of the menu, which clear() leaves
            for action in self._runs_menu.actions():
                self.group.removeAction(action)
            self._runs_menu.deleteLater()
            self._runs_menu = None
        for action in self.group.actions():
            if action is not self.off_action:
                self.group.removeAction(action)
        menu.addAction(self.off_action)
        machines = self.choices()
        if not machines:
            none = menu.addAction("No machine coders in this project")
            none.setEnabled(False)
            none.setToolTip("Add one with 'annotator machine add' or 'machine train'")
        for choice in machines:
            self._choice_action(menu, choice)
        runs = self.run_choices()
        if runs:
            submenu = self._runs_menu = menu.addMenu("One &run")
            submenu.setToolTipsVisible(True)
            for choice in runs:
                self._choice_action(submenu, choice)
        menu.addSeparator()
        for action in (
            self.accept_action,
            self.reject_action,
            self.next_action,
            self.previous_action,
            self.accept_all_action,
        ):
            menu.addAction(action)
        self.off_action.setChecked(self.choice is None)

    def _choice_action(self, menu: QMenu, choice: Choice) -> QAction:
        action = menu.addAction(choice.label)
        action.setCheckable(True)
        action.setChecked(self.choice is not None and self.choice.remembered == choice.remembered)
        action.setToolTip("Show these codings as suggestions to accept or reject")
        action.triggered.connect(lambda *_: self._guarded(lambda: self.choose(choice)))
        self.group.addAction(action)
        return action

    # -- which suggestions ------------------------------------------------------------------

    def _remembered(self) -> settings.Setting[str]:
        return remembered_setting(self.controller.project.guid, self.controller.coder.guid)

    def restore(self) -> None:
        """Show what this coder last chose for this project (off unless they chose)."""
        wanted = self._remembered().get(self.window.store)
        found = None
        if wanted:
            found = next(
                (
                    c
                    for c in [*self.choices(), *remembered_runs(self.controller.project, wanted)]
                    if c.remembered == wanted
                ),
                None,
            )
        self._set(found)

    def choose(self, choice: Choice | None) -> None:
        """Show this machine's (or run's) suggestions, or none; remembered for this project
        and coder."""
        self._remembered().set(self.window.store, "" if choice is None else choice.remembered)
        self._set(choice)
        if choice is None:
            self.window.statusBar().showMessage("Machine suggestions are off.", MESSAGE_MS)
        else:
            count = len(self.items)
            self.window.statusBar().showMessage(
                f"Suggestions from {choice.label}: {count} in this article. {self._keys_hint()}",
                MESSAGE_MS,
            )

    def _set(self, choice: Choice | None) -> None:
        self.choice = choice
        self.current = None
        self.off_action.setChecked(choice is None)
        self.reload()

    @property
    def source(self) -> sg.Source | None:
        return None if self.choice is None else self.choice.source

    # -- reading and drawing ----------------------------------------------------------------

    def reload(self) -> None:
        """Read the open article's suggestions again and draw them."""
        controller = self.controller
        document_id = controller.document_id
        source = self.source
        if source is None or document_id is None:
            self.items = []
        else:
            self.items = sg.suggestions(
                controller.project, document_id, controller.coder.id, source
            )
        me = controller.coder.id
        self.learned_from = [
            c for c in sg.learned_from(controller.project, self.items) if c.id != me
        ]
        if self.current not in {s.coding.id for s in self.items}:
            self.current = None
        self._draw()

    def _opened(self, _document_id: object) -> None:
        self.current = None
        self.reload()

    def _changed(self, changes: Changes) -> None:
        if changes.coders and self.choice is not None:
            machine = self._machine()
            if machine is None or not machine.is_machine:  # merged or removed meanwhile
                self._set(None)
                return
        if changes.codebook or changes.coders or self.controller.document_id in changes.documents:
            self.reload()

    def decided(self, document_id: int) -> None:
        """A decision changed this article's suggestions (a reject, or its undo)."""
        if document_id == self.controller.document_id:
            self.reload()

    def label(self, suggestion: sg.Suggestion) -> str:
        """What a suggestion is: its code, whose, the confidence and the reason."""
        codebook = self.controller.codebook
        path = codebook.path(suggestion.code_id) if suggestion.code_id in codebook else "?"
        machine = self._machine_name()
        text = f"Suggested by {machine}: {path} ({confidence_text(suggestion.confidence)})"
        if suggestion.reason:
            text += f"\n{short_line(suggestion.reason, LABEL_REASON)}"
        return text

    def _machine(self) -> Coder | None:
        """The machine coder whose suggestions are shown (None: off, or it is gone)."""
        if self.choice is None:
            return None
        wanted = self.choice.source.coder_id
        return next((c for c in self.controller.project.coders.all() if c.id == wanted), None)

    def _machine_name(self) -> str:
        coder = self._machine()
        return coder.name if coder is not None else "?"

    def _draw(self) -> None:
        codebook = self.controller.codebook
        passages = [s for s in self.items if s.coding.start is not None]
        spans = [
            (
                s.coding.start,
                s.coding.end,
                s.coding.id,
                codebook.get(s.code_id).color if s.code_id in codebook else "#999999",
            )
            for s in passages
            if s.coding.end is not None and s.coding.start is not None
        ]
        by_key = {s.coding.id: s for s in passages}

        def label(key: int) -> str:  # asked for by a tooltip only
            found = by_key.get(key)
            return "" if found is None else self.label(found)

        self.reader.set_outlines(spans, label, self.current)
        self._update_bar()

    def _keys_hint(self) -> str:
        return (
            f"{_native(ACCEPT_KEY)} accepts, {_native(REJECT_KEY)} rejects, "
            f"{_native(NEXT_KEY)} / {_native(PREVIOUS_KEY)} go to the next / previous; "
            "select another passage before accepting to change it"
        )

    def _update_bar(self) -> None:
        if self.choice is None:
            self.bar.hide()
            return
        learned = self.learned_from if not self.controller.show_all_coders else []
        self.bar.show_suggestions(
            self.choice.label,
            self.items,
            self.current,
            self.controller.codebook,
            learned,
            self._machine_name() if learned else "",
            self._keys_hint(),
        )

    # -- the current suggestion ---------------------------------------------------------------

    def current_suggestion(self) -> sg.Suggestion | None:
        return next((s for s in self.items if s.coding.id == self.current), None)

    def go_to(self, index: int) -> sg.Suggestion:
        """Make the ``index``-th suggestion current: its passage selected (and scrolled to),
        its code, confidence and reason in the status bar."""
        suggestion = self.items[index]
        self.current = suggestion.coding.id
        start, end = suggestion.span
        if start is not None and end is not None:
            self.reader.select_span(start, end)
        else:  # for the whole article: no passage is selected (a selection would edit it)
            cursor = self.reader.textCursor()
            cursor.clearSelection()
            self.reader.setTextCursor(cursor)
        self.reader.set_current_outline(self.current)
        self._update_bar()
        self._say_current()
        return suggestion

    def _say_current(self) -> None:
        current = self.current_suggestion()
        if current is None:
            return
        index = self.items.index(current) + 1
        where = "the whole article" if current.coding.start is None else "the passage"
        self.window.statusBar().showMessage(
            f"Suggestion {index} of {len(self.items)} for {where}: "
            + self.label(current).replace("\n", " — "),
            MESSAGE_MS,
        )

    def step(self, direction: int) -> sg.Suggestion | None:
        """Go to the next (1) or previous (-1) suggestion; from none, the first after (or the
        last before) the text cursor."""
        if not self._any():
            return None
        keys = [s.coding.id for s in self.items]
        if self.current in keys:
            index = (keys.index(self.current) + direction) % len(keys)
        else:
            position = self.reader.cursor_position()
            starts = [s.coding.start for s in self.items]
            if direction > 0:
                after = [k for k, a in enumerate(starts) if a is not None and a >= position]
                index = after[0] if after else 0
            else:
                before = [k for k, a in enumerate(starts) if a is not None and a < position]
                index = before[-1] if before else len(keys) - 1
        return self.go_to(index)

    def _any(self) -> bool:
        if self.choice is None:
            self.window.statusBar().showMessage(
                "Machine suggestions are off: choose a machine in View → Machine suggestions.",
                MESSAGE_MS,
            )
            return False
        if not self.items:
            self.window.statusBar().showMessage("No suggestions left in this article.", MESSAGE_MS)
            return False
        return True

    def _clicked(self, keys: list[int]) -> None:
        if not keys:
            if self.current is not None:
                self.current = None
                self.reader.set_current_outline(None)
                self._update_bar()
            return
        # A click again on overlapping ones goes through them.
        key = keys[(keys.index(self.current) + 1) % len(keys)] if self.current in keys else keys[0]
        self.current = key
        self.reader.set_current_outline(key)
        self._update_bar()
        self._say_current()

    def add_to_menu(self, menu: QMenu, point: QPoint) -> None:
        """The reader's right-click menu: accept or reject the suggestions under the pointer
        (a viewport point)."""
        keys = self.reader.outlines_at(point)
        found = [s for s in self.items if s.coding.id in keys]
        if not found:
            return
        menu.addSection("Machine suggestions")
        codebook = self.controller.codebook
        for suggestion in found:
            name = codebook.path(suggestion.code_id) if suggestion.code_id in codebook else "?"
            for verb, act, action in (
                ("Accept", self.accept, self.accept_action),
                ("Reject", self.reject, self.reject_action),
            ):
                entry = menu.addAction(f"{verb} suggestion {name}")
                entry.setEnabled(action.isEnabled())
                entry.triggered.connect(
                    lambda *_, k=suggestion.coding.id, a=act: self._guarded(lambda: self._on(k, a))
                )

    def _on(self, key: int, act: Callable[[], bool]) -> bool:
        """Make a suggestion current, then accept or reject it."""
        if key not in {s.coding.id for s in self.items}:
            return False
        self.current = key
        self.reader.set_current_outline(key)
        return act()

    def _target(self) -> sg.Suggestion | None:
        """The suggestion accept and reject act on: the current one."""
        if not self._any():
            return None
        current = self.current_suggestion()
        if current is None:
            self.window.statusBar().showMessage(
                f"Choose a suggestion first: click it, or go to it with {_native(NEXT_KEY)}.",
                MESSAGE_MS,
            )
        return current

    def _refuse_coder(self) -> None:
        if self.controller.coder.name == CONSENSUS:
            raise UserError(
                f"'{CONSENSUS}' holds the review's decisions: switch to your own coder "
                "(Coder → Switch coder…) to accept or reject suggestions"
            )

    def _chosen_span(self, suggestion: sg.Suggestion) -> tuple[int, int] | None:
        """The passage to accept ``suggestion`` on: None (its own) unless the coder selected
        another one (snapped to words, as coding does)."""
        raw = self.reader.raw_selected_span()
        if raw is None or raw == suggestion.span:
            return None
        chosen = self.reader.selected_span()
        if chosen is None or chosen == suggestion.span:
            return None
        return chosen

    # -- accepting and rejecting ------------------------------------------------------------

    def accept(self) -> bool:
        """Accept the current suggestion (edited: on the passage selected, if another one),
        asking first where it contradicts the coder's codings in an exclusive dimension.
        One undoable step; the next suggestion becomes current."""
        if self.window.read_only.refuses("accept a suggestion"):
            return False
        suggestion = self._target()
        if suggestion is None:
            return False
        self._refuse_coder()
        span = self._chosen_span(suggestion)
        controller = self.controller
        conflicts = sg.clashes(controller.project, suggestion, controller.coder.id, span)
        if conflicts and not controller.confirm_replace(conflicts):
            return False
        index = self.items.index(suggestion)
        self._run(accept_one(controller, suggestion, span=span, replace=[c.id for c in conflicts]))
        self._after_decision(index, "Accepted" + (" (edited)" if span is not None else ""))
        return True

    def reject(self) -> bool:
        """Reject the current suggestion (one undoable step); the next becomes current."""
        if self.window.read_only.refuses("reject a suggestion"):
            return False
        suggestion = self._target()
        if suggestion is None:
            return False
        self._refuse_coder()
        index = self.items.index(suggestion)
        self._run(RejectSuggestion(self.controller, suggestion, self.decided))
        self._after_decision(index, "Rejected")
        return True

    def _run(self, step: Command) -> None:
        """Take a step; if the project refuses it (the suggestion changed since, in another
        window or by a newer run), show the suggestions as they are now, then say why."""
        try:
            self.controller.run(step)
        except UserError:
            self.reload()
            raise

    def _after_decision(self, index: int, done: str) -> None:
        # The step read the article's suggestions again already (its changes, or decided()).
        if self.items:
            self.go_to(min(index, len(self.items) - 1))
            said = self.window.statusBar().currentMessage()
            self.window.statusBar().showMessage(f"{done}. Next: {said}", MESSAGE_MS)
        else:
            self.window.statusBar().showMessage(
                f"{done}. No suggestions left in this article.", MESSAGE_MS
            )

    def accept_all_dialog(self) -> AcceptAllDialog | None:
        """Ask for a confidence and accept every suggestion of the article at or above it."""
        if self.window.read_only.refuses("accept suggestions") or not self._any():
            return None
        self._refuse_coder()
        dialog = AcceptAllDialog(self.items, self._machine_name(), self.window)
        dialog.accepted.connect(lambda: self._guarded(lambda: self.accept_all(dialog.threshold)))
        dialog.open()
        return dialog

    def accept_all(self, threshold: float) -> int:
        """Accept the article's suggestions at or above ``threshold`` as one undoable step;
        how many were accepted."""
        if self.window.read_only.refuses("accept suggestions"):
            return 0
        source, document_id = self.source, self.controller.document_id
        if source is None or document_id is None:
            return 0
        self._refuse_coder()
        chosen = at_or_above(self.items, threshold)
        if not chosen:
            self.window.statusBar().showMessage(
                f"No suggestion in this article has a confidence of {threshold:.2f} or more.",
                MESSAGE_MS,
            )
            return 0
        project, coder_id = self.controller.project, self.controller.coder.id
        if all(sg.clashes(project, s, coder_id) for s in chosen):
            self.window.statusBar().showMessage(
                f"Nothing accepted: the {len(chosen)} suggestion{'s' * (len(chosen) != 1)} at "
                f"or above {threshold:.2f} contradict your codings in an exclusive dimension "
                "(accept them one by one to be asked).",
                MESSAGE_MS,
            )
            return 0
        step = accept_all(self.controller, document_id, source, threshold)
        self._run(step)
        self.current = None
        self.reload()
        count = len(step.accepted)
        message = f"Accepted {count} suggestion{'s' * (count != 1)} at or above {threshold:.2f}"
        if step.clashing:
            message += (
                f"; {len(step.clashing)} left as suggestions: they contradict your codings in "
                "an exclusive dimension"
            )
        self.window.statusBar().showMessage(message + " (Ctrl+Z takes them back).", MESSAGE_MS)
        return count
