"""Undo never touches what it did not do (issue 21, cases 1, 2, 3, 10 and 14): a merge, a
codebook import or another window that changed what a step left makes Ctrl+Z refuse with the
reason, nothing written and the step kept; ids are never given twice; undo and redo put times
back as they were; a step on another article opens it. Driven through the real window, checked
in the database, and across two windows on one project file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.domain.model import Code
from annotator.services.merge import export_package
from annotator.storage import Project
from annotator.ui.dialogs.codebook_editor import CodebookDialog, import_codebook_file
from annotator.ui.dialogs.merge import MergeDialog
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs, open_window
from tests.helpers import run_sql

CTRL = Qt.KeyboardModifier.ControlModifier


def _key(window: MainWindow, qtbot: QtBot, key: Qt.Key) -> None:
    if not window.isActiveWindow():  # two windows: the key goes to the one in front
        with qtbot.waitActive(window):
            window.activateWindow()
    qtbot.keyClick(window, key, CTRL)


def _undo(window: MainWindow, qtbot: QtBot) -> None:
    _key(window, qtbot, Qt.Key.Key_Z)


def _redo(window: MainWindow, qtbot: QtBot) -> None:
    _key(window, qtbot, Qt.Key.Key_Y)


def _copy(project: Project, target: Path) -> Path:
    """A coder's machine: a copy of the lead's project file."""
    assert project.path is not None
    with sqlite3.connect(project.path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def _package(
    project: Project, tmp_path: Path, coder: str, path: str, spans: list[tuple[int, int]]
) -> Path:
    """``coder`` codes the first article on a copy of the project with the code at ``path``
    (made there, with a GUID of its own, if the copy lacks it: a merge then finds it by path)."""
    machine = _copy(project, tmp_path / f"{coder}.annotator")
    with Project.open(machine) as copy:
        person = copy.coders.add(coder)
        document = copy.documents.all()[0]
        tree = copy.codebook.tree()
        code = tree.find(path)
        if code is None:
            dimension, name = path.split(" > ")
            parent = tree.find(dimension)
            assert parent is not None
            code = copy.codebook.add(name, parent.id)
        for start, end in spans:
            copy.codings.add(document.id, person.id, code.id, start, end)
        package = tmp_path / f"{coder}.annpkg"
        export_package(copy, coder, package)
    return package


def _merge(window: MainWindow, qtbot: QtBot, package: Path) -> None:
    """File → Merge coders' work, as the user does it, codes taken by path."""
    dialog: MergeDialog = window.merge()
    qtbot.waitExposed(dialog)
    dialog.files.setText(str(package))
    dialog.codes.setCurrentIndex(dialog.codes.findData("by-path"))  # codes taken by their path
    with qtbot.waitSignal(dialog.merged, timeout=2000, raising=False) as blocker:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert blocker.signal_triggered, dialog.report.toPlainText()
    dialog.close()


def _editor(window: MainWindow, qtbot: QtBot) -> CodebookDialog:
    dialog = CodebookDialog(window.controller, window.codebook_model, window)
    qtbot.addWidget(dialog)
    return dialog


def _add_economic(window: MainWindow, qtbot: QtBot) -> Code:
    """Add 'Motive > Economic' in the codebook editor."""
    dialog = _editor(window, qtbot)
    motive = window.controller.project.codebook.tree().find("Motive")
    assert motive is not None
    dialog.select(motive.id)
    code = dialog.add_code("Economic")
    assert code is not None
    dialog.close()
    return code


@pytest.fixture
def second(window: MainWindow, qtbot: QtBot) -> Iterator[MainWindow]:
    """A second window over a second Project on the same file (its own connection), as Ben:
    what it writes, the first window finds in the file and nowhere else."""
    other = window.controller.project.worker_connection()
    yield open_window(qtbot, other, "Ben")
    other.close()


def _refused(dialogs: Dialogs) -> list[str]:
    return [text for _, text in dialogs.shown if "cannot be undone or redone" in text]


# -- 1: undo of "add code" after a merge coded under it ----------------------------------------


def _undo_add_code_after_merge(
    window: MainWindow, merging: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    project = window.controller.project
    package = _package(project, tmp_path, "Cleo", "Motive > Economic", [(0, 10), (20, 30)])
    code = _add_economic(window, qtbot)
    _merge(merging, qtbot, package)
    cleo = project.coders.by_name("Cleo")
    assert cleo is not None
    assert [c.code_id for c in project.codings.for_coder(cleo.id)] == [code.id, code.id]
    stack = window.controller.undo_stack
    index = stack.index()
    _undo(window, qtbot)
    # Nothing taken away: the code and Cleo's two codings stay, the step stays on the stack.
    assert project.codebook.by_guid(code.guid) is not None
    assert len(project.codings.for_coder(cleo.id)) == 2
    [message] = _refused(dialogs)
    assert "'Economic' has 2 codings now" in message
    assert stack.index() == index
    assert stack.undoText() == "add Economic"
    _redo(window, qtbot)  # nothing to redo: nothing changes
    assert len(project.codings.for_coder(cleo.id)) == 2


def test_undo_of_a_new_code_keeps_the_codings_a_merge_brought_under_it(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    _undo_add_code_after_merge(window, window, qtbot, tmp_path, dialogs)


def test_the_same_across_two_windows_on_one_file(
    window: MainWindow, second: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    _undo_add_code_after_merge(window, second, qtbot, tmp_path, dialogs)


def test_undo_of_a_new_code_nobody_used_still_takes_it_back(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    code = _add_economic(window, qtbot)
    _undo(window, qtbot)
    assert window.controller.project.codebook.by_guid(code.guid) is None
    _redo(window, qtbot)
    assert window.controller.project.codebook.get(code.id).guid == code.guid
    assert not _refused(dialogs)


# -- 2: deleted ids are never given again; undo addresses codings by identity -------------------


def _newest_of(window: MainWindow) -> int:
    controller = window.controller
    assert controller.document_id is not None
    mine = controller.project.codings.for_document(controller.document_id, controller.coder.id)
    return max(c.id for c in mine)


def _delete_newest_then_merge(
    window: MainWindow, merging: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    project = window.controller.project
    # Ana codes a passage (the project's newest coding), then deletes it.
    start = window.reader.text.index("hung up")
    window.reader.select_span(start, start + 7)
    qtbot.keyClick(window.reader, "4")
    newest = max(c.id for c in project.codings.all())
    ana = project.codings.get(newest)
    assert ana.coder_id == window.controller.coder.id
    window.codings.select([newest])
    window.delete_action.trigger()
    assert project.codings.by_guid(ana.guid) is None
    # A third coder's package then brings a coding new to the project.
    package = _package(project, tmp_path, "Cleo", "Motive > Political", [(5, 9)])
    _merge(merging, qtbot, package)
    cleo = project.coders.by_name("Cleo")
    assert cleo is not None
    [theirs] = project.codings.for_coder(cleo.id)
    assert theirs.id > newest  # never the id Ana's coding had
    _undo(window, qtbot)
    assert not _refused(dialogs)
    assert project.codings.by_guid(ana.guid) == ana  # back, as it was
    assert project.codings.by_guid(theirs.guid) == theirs
    _redo(window, qtbot)
    assert project.codings.by_guid(ana.guid) is None  # Ana's coding goes again, not Cleo's
    assert project.codings.by_guid(theirs.guid) == theirs


def test_a_deleted_id_is_not_given_to_a_merged_coding(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    _delete_newest_then_merge(window, window, qtbot, tmp_path, dialogs)


def test_a_deleted_id_is_not_reused_across_two_windows(
    window: MainWindow, second: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    _delete_newest_then_merge(window, second, qtbot, tmp_path, dialogs)


def test_a_taken_id_refuses_the_step_and_keeps_it(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    """Another program (or an old version) put a coding under the id undo would put back: the
    step is refused with a reason, not an IntegrityError, and it stays on the stack."""
    project = window.controller.project
    newest = _newest_of(window)
    ana = project.codings.get(newest)
    window.codings.select([newest])
    window.delete_action.trigger()
    stack = window.controller.undo_stack
    index = stack.index()
    run_sql(
        Path(str(project.path)),
        f'INSERT INTO codings (id, guid, document_id, coder_id, code_id, start, "end", memo, '
        f"created_at, updated_at) VALUES ({newest}, 'someone-else', {ana.document_id}, "
        f"{ana.coder_id}, {ana.code_id}, NULL, NULL, '', '2020-01-01T00:00:00Z', "
        "'2020-01-01T00:00:00Z')",
    )
    _undo(window, qtbot)
    [message] = _refused(dialogs)
    assert "changed since" in message
    assert "IntegrityError" not in message
    assert project.codings.get(newest).guid == "someone-else"
    assert project.codings.by_guid(ana.guid) is None
    assert stack.index() == index  # not popped
    assert stack.undoText() == "remove coding"


def test_redo_refuses_when_a_coding_it_would_remove_was_changed(
    window: MainWindow, second: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    """Undo of a removal, then the other window edits that coding: redo does not delete it."""
    project = window.controller.project
    newest = _newest_of(window)
    window.codings.select([newest])
    window.delete_action.trigger()
    _undo(window, qtbot)
    second.controller.project.codings.set_memo(newest, "Ben's note")
    index = window.controller.undo_stack.index()
    _redo(window, qtbot)
    assert project.codings.get(newest).memo == "Ben's note"
    assert _refused(dialogs)
    assert window.controller.undo_stack.index() == index


# -- 3: undo after a codebook import ------------------------------------------------------------


def test_undo_of_an_edit_does_not_revert_an_imported_codebook(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    project = window.controller.project
    diplomat = project.codebook.tree().find("Actor type > Diplomat")
    assert diplomat is not None
    dialog = _editor(window, qtbot)
    dialog.select(diplomat.id)
    dialog._show_color("#112233")
    dialog.save_form()
    dialog.close()
    assert project.codebook.get(diplomat.id).color == "#112233"
    revised = tmp_path / "revised.json"
    revised.write_text(
        json.dumps(
            {
                "format": "annotator-codebook",
                "version": 1,
                "dimensions": [
                    {
                        "name": "Actor type",
                        "codes": [
                            {
                                "name": "Diplomat",
                                "color": "#445566",
                                "description": "Revised: staff of an embassy or consulate.",
                            }
                        ],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    report = import_codebook_file(window.controller, window, revised)
    assert report is not None
    imported = project.codebook.get(diplomat.id)
    assert (imported.color, imported.description) == (
        "#445566",
        "Revised: staff of an embassy or consulate.",
    )
    _undo(window, qtbot)
    assert project.codebook.get(diplomat.id) == imported  # the import stays
    [message] = _refused(dialogs)
    assert "'Diplomat' was changed since" in message
    assert window.controller.undo_stack.undoText() == "edit Diplomat"


def test_undo_and_redo_of_an_edit_without_an_import(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    diplomat = project.codebook.tree().find("Actor type > Diplomat")
    assert diplomat is not None
    dialog = _editor(window, qtbot)
    dialog.select(diplomat.id)
    dialog._show_color("#112233")
    dialog.save_form()
    dialog.close()
    _undo(window, qtbot)
    assert project.codebook.get(diplomat.id) == diplomat
    _redo(window, qtbot)
    assert project.codebook.get(diplomat.id).color == "#112233"


# -- 10: undo and redo put times back -----------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every stamp a second later than the one before, so that each is told apart."""
    ticks = count(1)
    monkeypatch.setattr(
        "annotator.storage.codings.utc_now", lambda: f"2031-01-01T00:00:{next(ticks):02d}Z"
    )


def test_undo_and_redo_restore_the_times_they_stamped(
    window: MainWindow, qtbot: QtBot, clock: None
) -> None:
    project = window.controller.project
    coding_id = window.codings.model.coding_id(3)
    original = project.codings.get(coding_id)
    assert window.codings.model.setData(window.codings.model.index(3, 3), "check with Ben")
    edited = project.codings.get(coding_id)
    assert edited.updated_at != original.updated_at
    _undo(window, qtbot)
    assert project.codings.get(coding_id) == original  # the memo and its time
    _redo(window, qtbot)
    assert project.codings.get(coding_id) == edited  # the edit as it was made
    # Boundaries too.
    window.reader.select_span(0, 10)
    window.codings.select([coding_id])
    window.boundaries_action.trigger()
    moved = project.codings.get(coding_id)
    _undo(window, qtbot)
    assert project.codings.get(coding_id) == edited
    _redo(window, qtbot)
    assert project.codings.get(coding_id) == moved


def test_undo_and_redo_of_a_status_restore_its_time(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("annotator.storage.statuses.utc_now", lambda: "2031-01-01T00:00:00Z")
    controller = window.controller
    document = controller.document_id
    assert document is not None
    statuses = controller.project.statuses
    before = statuses.row(document, controller.coder.id)
    window.progress_action.trigger()
    after = statuses.row(document, controller.coder.id)
    assert after is not None
    assert after[2] == "2031-01-01T00:00:00Z"
    _undo(window, qtbot)
    assert statuses.row(document, controller.coder.id) == before
    monkeypatch.setattr("annotator.storage.statuses.utc_now", lambda: "2032-01-01T00:00:00Z")
    _redo(window, qtbot)
    assert statuses.row(document, controller.coder.id) == after


def test_undo_of_applying_a_code_leaves_no_deletion_behind(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The coding undo takes back never was: no tombstone for the next merge to carry."""
    project = window.controller.project
    start = window.reader.text.index("hung up")
    window.reader.select_span(start, start + 7)
    qtbot.keyClick(window.reader, "4")
    [made] = [c for c in project.codings.for_coder(window.controller.coder.id) if c.start == start]
    _undo(window, qtbot)
    assert project.codings.by_guid(made.guid) is None
    assert (
        project.db.execute("SELECT count(*) FROM deletions WHERE guid = ?", [made.guid]).fetchone()[
            0
        ]
        == 0
    )
    _redo(window, qtbot)
    assert project.codings.by_guid(made.guid) == made


# -- 14: a step on another article opens it ------------------------------------------------------


def test_undo_on_another_article_opens_it_and_names_it(window: MainWindow, qtbot: QtBot) -> None:
    controller = window.controller
    project = controller.project
    first = controller.document_id
    assert first is not None
    start = window.reader.text.index("hung up")
    window.reader.select_span(start, start + 7)
    qtbot.keyClick(window.reader, "4")
    other = next(d for d, _ in project.documents.names() if d != first)
    controller.open_document(other)
    assert window.reader.text == project.documents.text(other)
    _undo(window, qtbot)
    assert controller.document_id == first  # opened where the step was taken back
    assert window.reader.text == project.documents.text(first)
    name = project.documents.get(first).name
    assert window.statusBar().currentMessage() == f"Undone: apply Other / unclear in {name}"
    controller.open_document(other)
    _redo(window, qtbot)
    assert controller.document_id == first
    assert window.statusBar().currentMessage() == f"Redone: apply Other / unclear in {name}"
