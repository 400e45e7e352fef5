"""Read-only is a mode (issue 21.12): every editing action is off and says why, and nothing
reaches "attempt to write a readonly database"."""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.storage import Project, access
from annotator.ui.app import Session
from annotator.ui.main_window import MainWindow
from annotator.ui.models.codings import MEMO_COLUMN
from annotator.ui.read_only import EDITING_ACTIONS
from tests.gui.conftest import Dialogs, open_window

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def read_only_window(qtbot: QtBot, demo_path: Path) -> Iterator[MainWindow]:
    """The demo project opened read-only, as after "Open it read-only?" → Yes."""
    project = Project.open(demo_path, read_only=True)
    window = open_window(qtbot, project)
    yield window
    window.close()
    project.close()


def _state(project: Project) -> tuple[object, ...]:
    """What an edit could change, read from the file itself."""
    with Project.open(project.path, read_only=True) as fresh:  # type: ignore[arg-type]
        return (
            sorted((c.id, c.code_id, c.start, c.end, c.memo) for c in fresh.codings.all()),
            [
                fresh.statuses.get(d.id, c.id)
                for d in fresh.documents.all()
                for c in fresh.coders.all()
            ],
            [(c.id, c.name, c.color, c.shortcut) for c in fresh.codebook.tree().codes()],
        )


def test_every_editing_action_is_off_and_says_why(read_only_window: MainWindow) -> None:
    window = read_only_window
    for name in EDITING_ACTIONS:  # Coder → Add / Rename / Merge among them
        action = attrgetter(name)(window)
        assert not action.isEnabled(), name
        assert "Read-only: it was opened read-only" in action.toolTip(), name
    assert window.variables_action.isEnabled()  # looking at variables is reading
    assert not window.codebook.viewport().acceptDrops()  # no coding by drag and drop
    assert window.export_action.isEnabled()
    assert window.read_only.label.isVisible()
    assert window.read_only.label.text() == "Read-only: nothing can be changed here"
    assert "it was opened read-only" in window.read_only.label.toolTip()
    assert window.windowTitle().endswith("[read-only] — annotator")


def test_no_editing_key_writes_or_fails(
    read_only_window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    window = read_only_window
    project = window.controller.project
    before = _state(project)
    reader = window.reader
    text = reader.text
    start = text.index("hung up")
    reader.select_span(start, start + len("hung up"))
    # Ana coded the whole article "Other / unclear" (Motive, exclusive): Subsistence would ask
    # "Replace coding?" in a writable project. Here it neither asks nor writes.
    qtbot.keyClick(reader, "1")
    assert "Cannot code: read-only" in window.statusBar().currentMessage()
    qtbot.keyClick(reader, "q")
    own = [c for c in project.codings.all() if c.coder_id == window.controller.coder.id]
    window.codings.select([own[0].id])
    for key, modifiers in (
        (Qt.Key.Key_D, CTRL | SHIFT),  # in progress
        (Qt.Key.Key_D, CTRL),  # done
        (Qt.Key.Key_B, CTRL),  # boundaries
        (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_E, CTRL),  # codebook editor
        (Qt.Key.Key_M, CTRL | SHIFT),  # merge
        (Qt.Key.Key_I, CTRL),  # import articles
    ):
        qtbot.keyClick(reader, key, modifiers)
    assert dialogs.shown == []  # no question, no warning, no internal error
    assert _state(project) == before


def test_a_memo_cannot_be_opened_for_editing(read_only_window: MainWindow, qtbot: QtBot) -> None:
    window = read_only_window
    view, model = window.codings.view, window.codings.model
    index = model.index(0, MEMO_COLUMN)
    rect = view.visualRect(index)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.state() != QAbstractItemView.State.EditingState
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert view.state() != QAbstractItemView.State.EditingState


def test_any_other_route_is_refused_with_a_message_not_a_database_error(
    read_only_window: MainWindow,
) -> None:
    controller = read_only_window.controller
    project = controller.project
    before = _state(project)
    own = next(c for c in project.codings.all() if c.coder_id == controller.coder.id)
    for edit in (
        lambda: controller.remove_codings([own.id]),
        lambda: controller.set_memo(own.id, "a note"),
        lambda: controller.set_status(DocumentStatus.IN_PROGRESS, own.document_id),
    ):
        with pytest.raises(UserError, match="is open read-only: nothing can be changed"):
            edit()
    assert controller.undo_stack.count() == 0
    assert _state(project) == before


@pytest.fixture
def read_only_folder(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo project's folder cannot be written (simulated: chmod does not stop root)."""
    folder = demo_path.parent
    writable = access.can_write

    def can_write(path: Path) -> bool:
        resolved = Path(path).resolve()
        return folder not in (resolved, resolved.parent) and writable(path)

    monkeypatch.setattr(access, "can_write", can_write)
    return demo_path


def test_a_project_in_a_read_only_folder_opens_in_read_only_mode_saying_why(
    session: Session, read_only_folder: Path, qtbot: QtBot, dialogs: Dialogs
) -> None:
    assert session.open(read_only_folder)
    window = session.window
    assert window is not None
    assert window.controller.project.read_only
    assert "is read-only (a mounted share or a disc?)" in window.read_only.reason
    assert "Read-only:" in window.banner.label.text()
    assert not window.progress_action.isEnabled()
    assert "its folder" in window.progress_action.toolTip()
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.codings.model.rowCount() > 0)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_D, CTRL | SHIFT)
    assert dialogs.shown == []
    window.grab().save("/tmp/window_readonly.png")


def test_a_refused_write_no_window_guarded_is_a_message_not_an_internal_error(
    read_only_window: MainWindow, dialogs: Dialogs
) -> None:
    """Review → Copy agreements (or any route a window does not guard) in a read-only
    project: the refusal reaches the crash hook, which shows it as a one-line warning."""
    from annotator.ui import app

    controller = read_only_window.controller
    own = next(c for c in controller.project.codings.all() if c.coder_id == controller.coder.id)
    try:
        controller.remove_codings([own.id])
    except UserError as error:
        app._report_crash(type(error), error, None)
    assert dialogs.shown == [
        ("warning", "annotator: demo.annotator is open read-only: nothing can be changed")
    ]
