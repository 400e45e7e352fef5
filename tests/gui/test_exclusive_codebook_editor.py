"""The codebook editor refuses, with the reason and nothing changed, a change that would break
an exclusive dimension's rule: ticking "mutually exclusive" on a dimension whose codings clash,
merging a code into one of an exclusive dimension, moving a code under one
(tests/services/test_exclusive_codebook.py has the rule itself)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.dialogs.codebook_editor import CodebookDialog
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs

ARTICLE = "01_restaurant-workers"


def _dialog(window: MainWindow, qtbot: QtBot) -> CodebookDialog:
    dialog = CodebookDialog(window.controller, window.codebook_model, window)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _add(project: Project, path: str, span: tuple[int, int] | None) -> None:
    """Ana's coding, as an older project or a coder's earlier session left it."""
    document = project.documents.by_name(ARTICLE)
    ana = project.coders.by_name("Ana")
    code = project.codebook.tree().find(path)
    assert document is not None
    assert ana is not None
    assert code is not None
    start, end = span if span is not None else (None, None)
    project.codings.add(document.id, ana.id, code.id, start, end)


def _state(project: Project) -> tuple[list[Any], list[Any]]:
    codes = sorted((c.id, c.parent_id, c.name, c.exclusive) for c in project.codebook.tree().walk())
    codings = sorted((c.id, c.code_id, c.start, c.end) for c in project.codings.all())
    return codes, codings


def _button(dialog: CodebookDialog, text: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def test_ticking_exclusive_over_a_clash_is_refused_with_the_reason(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    _add(project, "Actor type > Overseas worker", None)
    _add(project, "Actor type > Official or elite", (0, 7))
    before = _state(project)
    dialog = _dialog(window, qtbot)
    actor = window.controller.codebook.find("Actor type")
    assert actor is not None
    dialog.select(actor.id)
    qtbot.mouseClick(dialog.exclusive, Qt.MouseButton.LeftButton)  # saved at once: refused
    kind, text = dialogs.shown[-1]
    assert kind == "warning"
    assert text.startswith("Codebook: 'Actor type' cannot be made exclusive: its codings clash")
    # Beside Ana's passages of other Actor type codes in 01 (the demo's), named too.
    assert (
        f"'{ARTICLE}', coder Ana: 'Actor type > Overseas worker' as a whole-article coding and "
        "'Actor type > Official or elite' and " in text
    )
    assert _state(project) == before
    assert not dialog.exclusive.isChecked()  # the form shows what is stored
    assert not window.undo_action.isEnabled()  # nothing to undo: nothing was done
    shown = len(dialogs.shown)
    dialog.reject()  # closing does not try again
    assert len(dialogs.shown) == shown


@pytest.mark.parametrize(
    ("button", "target", "refusal"),
    [
        (
            "&Merge into…",
            "Motive > Political",
            "'Actor type > Diplomat' cannot be merged into 'Motive > Political'",
        ),
        ("Move &to…", "Motive", "'Actor type > Diplomat' cannot be moved under 'Motive'"),
    ],
)
def test_merging_or_moving_a_code_into_an_exclusive_dimension_is_refused(
    window: MainWindow,
    qtbot: QtBot,
    dialogs: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
    button: str,
    target: str,
    refusal: str,
) -> None:
    """Ana coded 01 as a whole "Motive > Other / unclear" (the demo) and a passage of it
    Diplomat: as a Motive code that passage would contradict the whole-article Motive."""
    project = window.controller.project
    _add(project, "Actor type > Diplomat", (0, 10))
    before = _state(project)
    dialog = _dialog(window, qtbot)
    diplomat = window.controller.codebook.find("Actor type > Diplomat")
    assert diplomat is not None
    dialog.select(diplomat.id)

    def choose(parent: object, title: str, label: str, items: list[str], *args: object) -> Any:
        return next(i for i in items if i == target), True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(choose))
    if button.startswith("&Merge"):
        dialogs.answer(QMessageBox.StandardButton.Yes)  # "Move the … codings …?"
    dialogs.answer(QMessageBox.StandardButton.Cancel)  # "… Remove the codings that clash?"
    qtbot.mouseClick(_button(dialog, button), Qt.MouseButton.LeftButton)
    kind, text = dialogs.shown[-1]
    assert kind == "question"
    assert text.startswith(
        f"Exclusive dimension: {refusal}: codings would clash in the exclusive dimension"
    )
    assert f"'{ARTICLE}', coder Ana: 'Motive > Other / unclear' as a whole-article coding" in text
    assert _state(project) == before
    assert window.controller.codebook.find("Actor type > Diplomat") is not None
