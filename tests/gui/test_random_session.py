"""A long seeded random session in the coding window: every step is checked against a model
of the undo stack (an undo gives back exactly the project before the step, a redo exactly
the project after it), and at checkpoints the window's list of codings is compared with the
project file read through a fresh connection; at the end the window is closed and opened
again over the file, and shows the same."""

from __future__ import annotations

import contextlib
import random
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.domain.errors import UserError
from annotator.domain.model import Coding
from annotator.services.checks import check_project
from annotator.storage import Project
from annotator.ui.codebook_commands import CodebookEditor, CodeFields
from annotator.ui.main_window import MainWindow
from annotator.ui.models.codings import CODE, END, ID, MEMO_COLUMN, START
from tests.gui.conftest import open_window

STEPS = 300
CHECK_EVERY = 25

Shown = set[tuple[int, str, int | None, int | None, str]]
State = tuple[frozenset[Coding], tuple[tuple[str, str, int | None], ...]]


def _state(project: Project) -> State:
    """Everything the session may change: every coding (times included) and the codebook."""
    codes = tuple(sorted((c.guid, c.name, c.parent_id) for c in project.codebook.tree().codes()))
    return frozenset(project.codings.all()), codes


def _shown(window: MainWindow) -> Shown:
    """What the window's list of codings shows for the open article."""
    model = window.codings.model
    rows: Shown = set()
    for row in range(model.rowCount()):
        found = model._row(row)
        memo = model.data(model.index(row, MEMO_COLUMN)) or ""
        name = window.controller.codebook.get(found[CODE]).name
        rows.add((found[ID], name, found[START], found[END], memo))
    return rows


def _stored(path: Path, document_id: int, coder_id: int) -> Shown:
    """The same, read from the file through a connection of its own."""
    fresh = Project.open(path, read_only=True)
    try:
        tree = fresh.codebook.tree()
        return {
            (c.id, tree.get(c.code_id).name, c.start, c.end, c.memo)
            for c in fresh.codings.for_document(document_id, coder_id)
        }
    finally:
        fresh.close()


def _settle(qtbot: QtBot, window: MainWindow) -> None:
    """Let the list read a newly opened article (it does on the next turn of the event loop)."""
    model = window.codings.model
    qtbot.waitUntil(
        lambda: (
            model._document_id == window.controller.document_id and not model._pending.isActive()
        ),
        timeout=2000,
    )


@pytest.mark.parametrize(("seed", "rare"), [(1, False), (2, True)])
def test_a_long_random_session_stays_true_to_the_file(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, rare: bool
) -> None:
    rng = random.Random(seed)
    # Replace the codings of an exclusive dimension? Yes or no at random.
    monkeypatch.setattr(
        QMessageBox,
        "question",
        staticmethod(
            lambda *a, **k: rng.choice(
                [QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No]
            )
        ),
    )
    project = Project.open(demo_path)
    window = open_window(qtbot, project)
    controller = window.controller
    editor = CodebookEditor(controller)
    documents = [d for d, _ in project.documents.names()]
    coder_id = controller.coder.id
    states = [_state(project)]  # the model of the undo stack: the project after each step
    index = 0
    seen_codes: dict[int, str] = {}
    seen: dict[int, str] = {c.id: c.guid for c in project.codings.all()}  # ids are never reused

    def codes() -> list[int]:
        return [c.id for c in controller.codebook.codes() if not c.is_dimension]

    def own() -> list[int]:
        return [c.id for c in project.codings.for_document(controller.document_id or 0, coder_id)]

    def passage() -> tuple[int, int]:
        length = len(controller.text)
        start = rng.randrange(0, max(1, length - 1))
        return start, min(length, start + rng.randint(1, 80))

    def step(kind: str) -> None:
        if kind == "open":
            controller.open_document(rng.choice(documents))
            _settle(qtbot, window)
        elif kind == "apply":
            window.reader.select_span(*passage())
            window.apply(rng.choice(codes()))
        elif kind == "whole":
            window.apply(rng.choice(codes()), whole_article=True)
        elif kind == "remove" and own():
            window.codings.select(rng.sample(own(), k=min(len(own()), rng.randint(1, 2))))
            window.remove_selected_codings()
        elif kind == "span" and own():
            coding = project.codings.get(rng.choice(own()))
            if coding.start is not None:
                window.codings.select([coding.id])
                window.reader.select_span(*passage())
                window.set_boundaries()
        elif kind == "memo" and own():
            coding_id = rng.choice(own())
            row = window.codings.model.row_of(coding_id)
            assert row is not None
            memo = rng.choice(["", "check", f"memo {rng.randrange(1000)}"])
            window.codings.model.setData(window.codings.model.index(row, MEMO_COLUMN), memo)
        elif kind == "rename":
            code = controller.codebook.get(rng.choice(codes()))
            fields = CodeFields.of(code)
            name = f"{code.name.split(' #')[0]} #{rng.randrange(100)}"
            editor.update(code.id, replace(fields, name=name))
        elif kind == "add":
            parent = rng.choice(controller.codebook.dimensions())
            editor.add(f"New {rng.randrange(10_000)}", parent.id)
        elif kind == "exclusive":
            dimension = rng.choice(controller.codebook.dimensions())
            fields = CodeFields.of(dimension)
            editor.update(dimension.id, replace(fields, exclusive=not fields.exclusive))
        elif kind == "move":
            code = controller.codebook.get(rng.choice(codes()))
            parent = rng.choice(controller.codebook.dimensions())
            editor.move(
                code.id, parent.id, rng.randint(0, len(controller.codebook.children(parent.id)))
            )
        elif kind == "delete code" and len(codes()) > 6:  # not undoable: stack cleared
            editor.delete(rng.choice(codes()))
        elif kind == "merge code" and len(codes()) > 6:
            source, target = rng.sample(codes(), 2)
            editor.merge(source, target)
        elif kind == "undo":
            window.undo_action.trigger()
        elif kind == "redo":
            window.redo_action.trigger()

    kinds = ["open", "apply", "apply", "apply", "whole", "remove", "span", "memo"]
    kinds += ["rename", "add", "exclusive", "move", "undo", "undo", "undo", "redo", "redo"]
    kinds += ["delete code", "merge code"] if rare else []
    controller.open_document(documents[0])
    _settle(qtbot, window)
    for number in range(STEPS):
        kind = rng.choice(kinds)
        stack_before = (controller.undo_stack.index(), controller.undo_stack.count())
        # A refusal with a reason (a passage an exclusive rule forbids) writes nothing.
        with contextlib.suppress(UserError):
            step(kind)
        _settle(qtbot, window)
        now = _state(project)
        stack = controller.undo_stack
        where = f"step {number} ({kind}, seed {seed})"
        if kind == "undo" and stack_before[0] > 0:
            index -= 1
            assert stack.index() == index, where
            assert now == states[index], f"{where}: undo did not give back the project before"
        elif kind == "redo" and stack_before[0] < stack_before[1]:
            index += 1
            assert stack.index() == index, where
            assert now == states[index], f"{where}: redo did not give back the project after"
        elif kind in ("delete code", "merge code") and stack.count() == 0:
            states, index = [now], 0  # nothing before it can be undone any more
        elif (stack.index(), stack.count()) != stack_before:
            assert stack.index() == index + 1, where
            index += 1
            del states[index:]
            states.append(now)
        else:
            assert now == states[index], f"{where}: changed the project without a step"
        for code in controller.project.codebook.tree().codes():
            assert seen_codes.setdefault(code.id, code.guid) == code.guid, (
                f"{where}: code id reused"
            )
        for coding in now[0]:
            assert seen.setdefault(coding.id, coding.guid) == coding.guid, f"{where}: id reused"
        if number % CHECK_EVERY == 0 and controller.document_id is not None:
            assert _shown(window) == _stored(demo_path, controller.document_id, coder_id), where
    assert check_project(project).ok
    document_id = controller.document_id
    assert document_id is not None
    shown = _shown(window)
    assert shown == _stored(demo_path, document_id, coder_id)
    window.close()
    project.close()
    again = Project.open(demo_path)
    reopened = open_window(qtbot, again)
    reopened.controller.open_document(document_id)
    _settle(qtbot, reopened)
    assert _shown(reopened) == shown
    reopened.close()
    again.close()
