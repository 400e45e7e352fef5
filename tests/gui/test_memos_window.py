"""Memos in the window: the open article's memo (Ctrl+M), a code's memo (codebook right-click,
and in the code's tooltip), the project's log (Ctrl+Shift+L) and a search over every memo,
each kept at once (no Save) and undoable with the window's other edits."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.app import Session
from annotator.ui.main_window import MainWindow
from annotator.ui.memos.log import MemosDialog
from tests.gui.conftest import open_window
from tests.helpers import run_sql

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _document_memo(project: Project, document_id: int, coder: str = "Ana") -> str | None:
    memo = project.memos.own(project.coders.find(coder).id, document_id=document_id)
    return None if memo is None else memo.text


def _open(window: MainWindow, name: str) -> int:
    document = window.controller.project.documents.by_name(name)
    assert document is not None
    window.controller.open_document(document.id)
    return document.id


def test_the_article_memo_is_written_kept_as_typed_and_undone(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    first = _open(window, "01_restaurant-workers")
    assert not window.memo_dock.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL)
    assert window.memo_dock.isVisible()
    pane = window.memo_pane
    assert "01_restaurant-workers" in pane.heading.text()
    qtbot.keyClicks(pane.editor, "An op-ed, not news")
    # No Save: it lands in the project a moment after typing stops.
    qtbot.waitUntil(lambda: _document_memo(project, first) == "An op-ed, not news")
    assert pane.state.text().startswith("Saved ")
    # Another article has its own (empty) memo; coming back shows this one.
    second = _open(window, "04_diplomat")
    assert pane.editor.toPlainText() == ""
    assert "04_diplomat" in pane.heading.text()
    qtbot.keyClicks(pane.editor, "Wire copy")
    pane.commit()  # what switching article or closing the pane does
    assert _document_memo(project, second) == "Wire copy"
    _open(window, "01_restaurant-workers")
    assert pane.editor.toPlainText() == "An op-ed, not news"
    # Undo takes the window's last edit back: the second article's memo goes, the first stays.
    window.undo_action.trigger()
    assert _document_memo(project, second) is None
    assert _document_memo(project, first) == "An op-ed, not news"
    window.undo_action.trigger()
    assert _document_memo(project, first) is None
    assert pane.editor.toPlainText() == ""
    window.redo_action.trigger()
    assert _document_memo(project, first) == "An op-ed, not news"
    assert pane.editor.toPlainText() == "An op-ed, not news"
    # Emptying the memo removes it.
    pane.editor.clear()
    pane.commit()
    assert project.memos.for_document(first) == []


def test_typing_in_bursts_undoes_as_one_step(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    first = _open(window, "01_restaurant-workers")
    window.memo_action.trigger()
    pane = window.memo_pane
    qtbot.keyClicks(pane.editor, "Op-ed")
    pane.commit()
    qtbot.keyClicks(pane.editor, ", not news")
    pane.commit()
    assert _document_memo(project, first) == "Op-ed, not news"
    window.undo_action.trigger()
    assert _document_memo(project, first) is None


def test_other_coders_article_memos_show_only_with_all_coders(
    demo_project: Project, qtbot: QtBot
) -> None:
    ben = demo_project.coders.find("Ben")
    document = demo_project.documents.by_name("04_diplomat")
    assert document is not None
    demo_project.memos.add("Ben thinks: a profile", document_id=document.id, coder_id=ben.id)
    window = open_window(qtbot, demo_project)
    window.controller.open_document(document.id)
    window.memo_action.trigger()
    pane = window.memo_pane
    assert pane.editor.toPlainText() == ""  # Ben's memo is not Ana's to edit
    assert not pane.others.isVisible()  # blind mode: others' judgements stay hidden
    window.show_all_action.trigger()
    assert pane.others.isVisible()
    assert "Ben thinks: a profile" in pane.others.text()
    assert "<i>Ben," in pane.others.text()


def test_a_code_memo_from_the_codebook_menu_shows_in_its_tooltip(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    model = window.codebook.codebook_model()
    code = window.controller.codebook.find("Motive > Political")
    assert code is not None
    index = model.index_of(code.id)
    window.codebook.scrollTo(index)
    point = window.codebook.visualRect(index).center()
    menu = window.codebook_menu(point)
    [memo_action] = [a for a in menu.actions() if a.text() == "Memo…"]
    memo_action.trigger()
    dialog = window.code_memo_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert "Political" in dialog.windowTitle()
    qtbot.keyClicks(dialog.memo.editor, "Only when the article names a party or regime")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closing keeps what was typed
    assert not dialog.isVisible()
    [memo] = project.memos.for_code(code.id)
    assert memo.text == "Only when the article names a party or regime"
    assert memo.coder_id == window.controller.coder.id
    tip = window.code_tooltip(index)
    assert tip.startswith("Motive > Political")
    assert "Memo (Ana): Only when the article names a party or regime" in tip
    window.undo_action.trigger()
    assert project.memos.for_code(code.id) == []
    assert "Memo (Ana)" not in window.code_tooltip(index)


def test_the_project_log_newest_first_edited_deleted_undone(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL | SHIFT)
    dialog = window.memos_dialog
    assert isinstance(dialog, MemosDialog)
    assert dialog.isVisible()
    for text in ("Round 1 starts", "Agreed: headlines are coded too"):
        qtbot.keyClicks(dialog.entry, text)
        qtbot.keyClick(dialog.entry, Qt.Key.Key_Return, CTRL)
    assert dialog.entry.toPlainText() == ""
    model = dialog.log_model
    shown = [model.index(row, 2).data() for row in range(model.rowCount())]
    assert shown == ["Agreed: headlines are coded too", "Round 1 starts"]  # newest first
    assert model.index(0, 1).data() == "Ana"
    assert [m.text for m in project.memos.project_log()] == shown
    # Edited in place (the view's editor commits through the model), then deleted.
    assert model.setData(model.index(1, 2), "Round 1 starts (10 articles)")
    assert project.memos.project_log()[1].text == "Round 1 starts (10 articles)"
    newest = project.memos.project_log()[0]
    assert not dialog.delete_button.isEnabled()  # nothing selected yet
    dialog.log.selectRow(0)
    assert dialog.delete_button.isEnabled()
    qtbot.keyClick(dialog.log, Qt.Key.Key_Delete)
    assert [m.text for m in project.memos.project_log()] == ["Round 1 starts (10 articles)"]
    window.undo_action.trigger()  # the deletion comes back, with its GUID and time
    assert [m.text for m in project.memos.project_log()] == [
        "Agreed: headlines are coded too",
        "Round 1 starts (10 articles)",
    ]
    assert model.rowCount() == 2
    back = project.memos.project_log()[0]
    assert (back.guid, back.created_at) == (newest.guid, newest.created_at)
    window.undo_action.trigger()
    assert project.memos.project_log()[1].text == "Round 1 starts"
    dialog.close()


def test_every_memo_is_searched_and_opens_its_article(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    document = project.documents.by_name("05_remittances")
    assert document is not None
    ana = project.coders.find("Ana")
    project.memos.add("Remittance figures look ÜBERHÖHT", document_id=document.id, coder_id=ana.id)
    dialog = window.show_memos()
    dialog.tabs.setCurrentIndex(1)
    dialog.filter.insert("überhöht")  # as typed (QTest cannot type non-ASCII keys)
    model = dialog.search_model
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "article 05_remittances"
    assert dialog.count.text() == "1 memo containing 'überhöht'"
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "her mother")  # a coding's memo from the demo
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        "coding of Motive > Family / personal in 05_remittances"
    ]
    dialog.found.activated.emit(model.index(0, 0))
    assert window.controller.document_id == document.id
    # Blind mode hides Ben's coding memos as it hides his codings.
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "state TV")
    assert model.rowCount() == 0
    window.show_all_action.trigger()
    assert [model.index(r, 1).data() for r in range(model.rowCount())] == ["Ben"]
    dialog.close()


def test_memos_screenshot(window: MainWindow, qtbot: QtBot) -> None:
    """The article memo pane and the project log at 1280×720 (for a person to look at)."""
    project = window.controller.project
    ana, ben = project.coders.find("Ana"), project.coders.find("Ben")
    project.memos.add("Pilot: 10 articles each, Ana and Ben", coder_id=ana.id)
    project.memos.add("Agreed: a headline counts as part of the article", coder_id=ben.id)
    window.resize(1280, 720)
    _open(window, "04_diplomat")
    window.memo_action.trigger()
    qtbot.keyClicks(window.memo_pane.editor, "A profile, not news: the defection is years old.")
    window.memo_pane.commit()
    dialog = window.show_memos()
    dialog.log.selectRow(0)  # Ben's entry: Ana cannot delete it
    assert not dialog.delete_button.isEnabled()
    dialog.resize(800, 430)
    dialog.move(window.pos() + QPoint(460, 60))  # over the reader, the memo pane in sight
    QApplication.processEvents()
    # The window with the log on top of it, as a screen would show them.
    shot = window.grab()
    painter = QPainter(shot)
    painter.drawPixmap(dialog.pos() - window.pos(), dialog.grab())
    painter.end()
    shot.save("/tmp/memos.png")
    assert window.memo_dock.height() < 260  # the reader keeps most of the height
    assert window.memo_pane.editor.isVisible()
    dialog.close()


def test_the_export_dialog_writes_the_memos_csv(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    project = window.controller.project
    project.memos.add("Pilot done", coder_id=project.coders.find("Ana").id)
    dialog = window.export()
    qtbot.waitExposed(dialog)
    dialog.set_format("memos")
    assert dialog.path.text().endswith("memos.csv")
    assert dialog.excel.isEnabled()
    target = tmp_path / "memos.csv"
    dialog.path.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as blocker:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "memo_id,target,document,code_path,coder,created_at,updated_at,text"
    assert lines[1].endswith(",Pilot done")
    assert blocker.args == [target, len(lines) - 1]
    dialog.close()


def test_a_code_deleted_while_its_memo_is_open_is_said_not_crashed_on(
    window: MainWindow, qtbot: QtBot
) -> None:
    from annotator.services.changes import Changes
    from annotator.services.codebook_editing import delete_code

    project = window.controller.project
    code = window.controller.codebook.find("Actor type > Returnee")
    assert code is not None
    dialog = window.edit_code_memo(code.id)
    delete_code(project, code.id)
    window.controller.notify(Changes(codebook=True))
    qtbot.keyClicks(dialog.memo.editor, "typed too late")
    dialog.memo.commit()
    assert dialog.memo.state.text().startswith("Not saved: ")
    assert dialog.memo.editor.toPlainText() == "typed too late"  # nothing typed is thrown away
    assert project.memos.all() == []
    dialog.close()


def test_a_project_without_its_memos_table_opens_with_memos_disabled(
    session: Session, demo_path: Path, qtbot: QtBot
) -> None:
    run_sql(demo_path, "DROP TABLE memos")
    assert session.open(demo_path)
    window = session.window
    assert window is not None
    assert window.controller.project.read_only
    assert not window.memo_action.isEnabled()
    assert not window.memos_action.isEnabled()
    code = window.controller.codebook.find("Motive > Political")
    assert code is not None
    index = window.codebook.codebook_model().index_of(code.id)
    assert window.code_tooltip(index).startswith("Motive > Political")
    window.controller.open_document(window.controller.project.documents.names()[3][0])
    assert "cannot be read" in window.memo_pane.heading.text()


def test_undo_of_a_memo_changed_since_is_refused_and_undo_opens_its_article(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    first = _open(window, "01_restaurant-workers")
    window.memo_action.trigger()
    qtbot.keyClicks(window.memo_pane.editor, "An op-ed")
    window.memo_pane.commit()
    # Another article is open when Ctrl+Z takes the memo back: its article comes up.
    second = _open(window, "04_diplomat")
    assert second != first
    window.undo_action.trigger()
    assert window.controller.document_id == first
    assert _document_memo(project, first) is None
    window.redo_action.trigger()
    assert _document_memo(project, first) == "An op-ed"
    # Changed behind the window's back (a merge, another window): the step writes nothing.
    memo = project.memos.own(project.coders.find("Ana").id, document_id=first)
    assert memo is not None
    project.memos.set_text(memo.id, "An op-ed (Ben agrees)")
    with qtbot.waitSignal(window.controller.stepRefused) as refused:
        window.undo_action.trigger()
    assert "changed since" in refused.args[0]
    assert _document_memo(project, first) == "An op-ed (Ben agrees)"


def test_memo_search_shows_the_coded_passages_with_that_memo_text(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    document = project.documents.by_name("04_diplomat")
    assert document is not None
    ana = project.coders.find("Ana")
    project.memos.add("ÜBERHÖHT, a profile", document_id=document.id, coder_id=ana.id)
    dialog = window.show_memos()
    dialog.tabs.setCurrentIndex(1)
    dialog.filter.insert("überhöht")
    qtbot.mouseClick(dialog.passages_button, Qt.MouseButton.LeftButton)
    assert window.retrieval_dock.isVisible()
    assert window.retrieval_dock.windowTitle() == "Coded passages — memo contains “überhöht”"
    shown = window.retrieval.shown_passages()
    assert shown
    assert {p.document_id for p in shown} == {document.id}
    # Ana's codings in that article, every code (blind mode: her own).
    assert len(shown) == len(project.codings.for_document(document.id, ana.id))
    dialog.filter.clear()
    qtbot.mouseClick(dialog.passages_button, Qt.MouseButton.LeftButton)
    assert window.retrieval_dock.windowTitle() == "Coded passages"
    assert len(window.retrieval.shown_passages()) > len(shown)
    dialog.close()
