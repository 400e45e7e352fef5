"""Every memo write compares with the memo as its editor loaded it: another window's text or a
merged memo is never overwritten unseen; the typed text is kept aside, visible, and the editor
shows the memo as the project holds it (third hostile pass: lost updates of memos)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.services import memos as memo_service
from annotator.services.changes import Changes
from annotator.services.editing import ChangedSince
from annotator.services.merge import MergeChoices, merge_files
from annotator.storage import Project
from tests.gui.conftest import Dialogs, open_window

ARTICLE, POLITICAL = "01_restaurant-workers", "Motive > Political"


def _own(project: Project, **target: int) -> str | None:
    memo = memo_service.own_memo(project, project.coders.find("Ana").id, **target)
    return None if memo is None else memo.text


def test_article_memo_typed_in_a_second_window_does_not_overwrite_the_first(
    qtbot: QtBot, demo_project: Project, dialogs: Dialogs
) -> None:
    project = demo_project
    doc = project.documents.by_name(ARTICLE).id
    a = open_window(qtbot, project, "Ana")
    b = open_window(qtbot, project.worker_connection(), "Ana")
    for window in (a, b):
        window.controller.open_document(doc)
        window.memo_action.trigger()
    qtbot.keyClicks(a.memo_pane.editor, "Window A: long careful notes")
    a.memo_pane.commit()
    qtbot.keyClicks(b.memo_pane.editor, "B typed")  # B still shows the memo as it had none
    b.memo_pane.commit()
    assert _own(project, document_id=doc) == "Window A: long careful notes"
    pane = b.memo_pane
    assert pane.editor.toPlainText() == "Window A: long careful notes"
    assert pane.kept.isVisible()
    assert pane.kept.toPlainText() == "B typed"
    assert "changed since" in pane.state.text()
    assert "changed since" in pane.kept_label.text()
    # B may now type on the memo as it is: that write goes through
    pane.editor.moveCursor(pane.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(pane.editor, " + B")
    pane.commit()
    assert _own(project, document_id=doc) == "Window A: long careful notes + B"


def test_code_memo_two_windows_keeps_both_texts(
    qtbot: QtBot, demo_project: Project, dialogs: Dialogs
) -> None:
    project = demo_project
    a = open_window(qtbot, project, "Ana")
    b = open_window(qtbot, project.worker_connection(), "Ana")
    code = project.codebook.tree().find(POLITICAL).id
    da, db = a.edit_code_memo(code), b.edit_code_memo(code)
    qtbot.keyClicks(da.memo.editor, "Decision from training day: X")
    da.memo.commit()
    qtbot.keyClicks(db.memo.editor, "B")
    db.memo.commit()
    assert _own(project, code_id=code) == "Decision from training day: X"
    assert db.memo.kept.toPlainText() == "B"
    assert db.memo.editor.toPlainText() == "Decision from training day: X"
    # closing B's window asks (the kept text would be lost); Cancel keeps it open
    dialogs.answer(QMessageBox.StandardButton.Cancel)
    db.close()
    assert db.isVisible()
    assert "changed since" in dialogs.shown[-1][1]
    dialogs.answer(QMessageBox.StandardButton.Discard)
    db.close()
    assert not db.isVisible()


def test_merge_in_the_same_window_refreshes_the_open_memo_pane(
    qtbot: QtBot, demo_project: Project, dialogs: Dialogs, tmp_path: Path
) -> None:
    project = demo_project
    doc = project.documents.by_name(ARTICLE).id
    ana = project.coders.find("Ana").id
    memo_service.write_memo(project, "v1", ana, document_id=doc)
    laptop = tmp_path / "laptop.annotator"
    source, copy = sqlite3.connect(project.path), sqlite3.connect(laptop)
    source.backup(copy)
    copy.close()
    source.close()
    other = Project.open(laptop)
    memo = memo_service.own_memo(other, ana, document_id=doc)
    assert memo is not None
    other.memos.set_text(memo.id, "v1 plus laptop notes", updated_at="2099-01-01T00:00:00Z")
    other.close()
    w = open_window(qtbot, project, "Ana")
    w.controller.open_document(doc)
    w.memo_action.trigger()
    assert w.memo_pane.editor.toPlainText() == "v1"
    report = merge_files(project, [laptop], MergeChoices())[0]
    assert _own(project, document_id=doc) == "v1 plus laptop notes"
    w.controller.notify(report.changes)
    assert w.memo_pane.editor.toPlainText() == "v1 plus laptop notes"
    qtbot.keyClicks(w.memo_pane.editor, "(checked) ")
    w.memo_pane.commit()
    assert _own(project, document_id=doc) == "(checked) v1 plus laptop notes"


def test_merge_while_typing_keeps_both_the_merged_memo_and_the_typing(
    qtbot: QtBot, demo_project: Project, dialogs: Dialogs
) -> None:
    project = demo_project
    doc = project.documents.by_name(ARTICLE).id
    ana = project.coders.find("Ana").id
    w = open_window(qtbot, project, "Ana")
    w.controller.open_document(doc)
    w.memo_action.trigger()
    qtbot.keyClicks(w.memo_pane.editor, "typing now")
    # what a merge does underneath the pane: the stored memo changes
    memo_service.write_memo(project, "merged memo", ana, document_id=doc)
    w.controller.notify(Changes(memos=True))
    assert w.memo_pane.editor.toPlainText() == "typing now"  # typing is not thrown away
    w.memo_pane.commit()
    assert _own(project, document_id=doc) == "merged memo"
    assert w.memo_pane.kept.toPlainText() == "typing now"


def test_log_entry_edited_in_two_windows_keeps_the_first_edit(
    qtbot: QtBot, demo_project: Project, dialogs: Dialogs
) -> None:
    project = demo_project
    ana = project.coders.find("Ana").id
    memo_service.add_log_entry(project, "entry v1", ana)
    a = open_window(qtbot, project, "Ana")
    b = open_window(qtbot, project.worker_connection(), "Ana")
    la, lb = a.show_memos(), b.show_memos()
    assert la.log_model.setData(la.log_model.index(0, 2), "entry v1 + addition from window A")
    ib = lb.log_model.index(0, 2)
    assert lb.log_model.data(ib, 2) == "entry v1"  # B still shows what it loaded
    assert not lb.log_model.setData(ib, "entry v1 (B)")
    log = [m.text for m in project.memos.all() if m.target == "project"]
    assert log == ["entry v1 + addition from window A"]
    assert lb.log_model.data(lb.log_model.index(0, 2), 2) == "entry v1 + addition from window A"
    assert "changed since" in lb.state.text()
    assert "entry v1 (B)" in lb.state.text()
    for dialog in (la, lb):
        dialog.close()


def test_service_refuses_a_write_over_a_memo_it_did_not_load(demo_project: Project) -> None:
    project = demo_project
    doc = project.documents.by_name(ARTICLE).id
    ana = project.coders.find("Ana").id
    first = memo_service.write_memo(project, "one", ana, document_id=doc, expected=None).after
    with pytest.raises(ChangedSince, match=r"changed since.*'one'"):
        memo_service.write_memo(project, "two", ana, document_id=doc, expected=None)
    memo_service.write_memo(project, "two", ana, document_id=doc, expected=first)
    with pytest.raises(ChangedSince):
        memo_service.write_memo(project, "", ana, document_id=doc, expected=first)
    assert _own(project, document_id=doc) == "two"
