"""Articles by their headlines (list, header, typed variables editors) and the Coder menu's
add, rename and merge."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.domain.model import DocumentStatus, VariableType
from annotator.services.changes import Changes
from annotator.services.imports import import_files
from annotator.storage import Project
from annotator.ui.dialogs.variables import VariablesDialog
from annotator.ui.main_window import MainWindow
from annotator.ui.models.documents import NAME_ROLE
from tests.gui.conftest import Dialogs, open_window

DEMO_TITLE = "Former state security officer says he fled after being told to inform on his own unit"


def _row(window: MainWindow, name: str) -> int:
    return window.documents.shown_names().index(name)


def test_the_list_shows_headlines_and_names_stay_reachable(
    window: MainWindow, tmp_path: Path
) -> None:
    panel, project = window.documents, window.controller.project
    # The demo's articles start with a headline line: imported as their title.
    row = _row(window, "02_security-officer")
    index = panel.proxy.index(row, 0)
    assert index.data() == DEMO_TITLE
    assert index.data(NAME_ROLE) == "02_security-officer"
    assert "02_security-officer" in index.data(Qt.ItemDataRole.ToolTipRole)
    # An article without a heading is listed by its name.
    plain = tmp_path / "000_2a05006190c49059.txt"
    plain.write_text("One paragraph and nothing more, no headline above it.", encoding="utf-8")
    window.controller.notify(import_files(project, [plain]).changes)
    assert panel.shown_headlines()[-1] == "000_2a05006190c49059"
    # The title column, shown by the Article column, starts hidden; the others show.
    assert panel.shown_columns() == ["Article", "Status", "Codings", "outlet", "date", "author"]
    # Words of a headline and of a name both find an article.
    panel.filter.setText("inform on his own")
    assert panel.shown_names() == ["02_security-officer"]
    panel.filter.setText("02_security")
    assert panel.shown_names() == ["02_security-officer"]
    panel.filter.clear()
    # Sorting by headline and by a variable column.
    panel.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    headlines = panel.shown_headlines()
    assert headlines == sorted(headlines, key=str.casefold)
    outlet = panel.model.column_of("outlet")
    assert outlet is not None
    panel.view.sortByColumn(outlet, Qt.SortOrder.DescendingOrder)
    outlets = [
        panel.model.value(panel.proxy.mapToSource(panel.proxy.index(r, 0)).row(), "outlet")
        for r in range(panel.proxy.rowCount())
    ]
    present = [o for o in outlets if o]
    assert present == sorted(present, key=str.casefold, reverse=True)
    assert outlets[-1] == ""  # the article without variables last


def test_the_header_shows_headline_key_variables_and_opens_the_variables(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    document = project.documents.by_name("02_security-officer")
    assert document is not None
    window.controller.open_document(document.id)
    text = window.article.heading.text()
    assert DEMO_TITLE in text
    assert "Pacific Wire · 2017-09-12 · Daniel Mercer" in text
    assert "— done · 02_security-officer" in text
    window.article.heading.linkActivated.emit("variables")
    [dialog] = window.findChildren(VariablesDialog)
    assert dialog.isVisible()
    assert dialog.document_id == document.id
    # Editing the title: list and header follow; undo takes it back.
    dialog.editors["title"].setText("Security officer flees")
    dialog.save_button.click()
    assert project.documents.values(document.id)["title"] == "Security officer flees"
    assert "Security officer flees" in window.article.heading.text()
    assert window.documents.shown_headlines()[_row(window, "02_security-officer")] == (
        "Security officer flees"
    )
    window.undo_action.trigger()
    assert project.documents.values(document.id)["title"] == DEMO_TITLE
    assert window.documents.shown_headlines()[_row(window, "02_security-officer")] == DEMO_TITLE
    assert DEMO_TITLE in window.article.heading.text()


def test_typed_editors(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    project.documents.define_variable("words", VariableType.NUMBER)
    window.controller.notify(Changes(variables=True))
    dialog = window.edit_variables()
    assert dialog is not None
    words, date = dialog.editors["words"], dialog.editors["date"]
    # A number takes only what can become a number; a date only digits and dashes.
    words.clear()
    qtbot.keyClicks(words, "12a.5x")
    assert words.text() == "12.5"
    date.clear()
    qtbot.keyClicks(date, "2019/04-1x6")
    assert date.text() == "2019-16"  # "/" and "x" refused as typed
    assert dialog.error.text() == "date: '2019-16' is not a date of the form YYYY-MM-DD"
    # The calendar fills the date in.
    dialog.calendars[date].clicked.emit(QDate(2018, 2, 9))
    assert date.text() == "2018-02-09"
    assert dialog.error.text() == ""
    # A category is chosen from the values in use.
    outlet = dialog.findChildren(QComboBox)[0]
    assert outlet.lineEdit() is dialog.editors["outlet"]
    assert "Pacific Wire" in [outlet.itemText(i) for i in range(outlet.count())]
    dialog.save_button.click()
    document_id = dialog.document_id
    values = project.documents.values(document_id)
    assert values["words"] == "12.5"
    assert values["date"] == "2018-02-09"


# -- the Coder menu ---------------------------------------------------------------------------


def _answers(monkeypatch: pytest.MonkeyPatch, texts: list[str], items: list[str]) -> None:
    def get_text(*args: object, **kwargs: object) -> tuple[str, bool]:
        return (texts.pop(0), True) if texts else ("", False)

    def get_item(parent: object, title: str, label: str, names: list[str], *rest: object):  # type: ignore[no-untyped-def]
        choice = items.pop(0)
        assert choice in names, (choice, names)
        return choice, True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))


def test_coder_menu_add_and_rename(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    project = window.controller.project
    actions = window.coder_actions
    assert set(actions.actions()) <= set(window.coder_menu.actions())
    _answers(monkeypatch, ["A. Kim"], [])
    actions.add_action.trigger()
    assert project.coders.by_name("A. Kim") is not None
    assert "Added coder A. Kim" in window.statusBar().currentMessage()
    # Renaming the coder at work: the window follows.
    ana = window.controller.coder
    _answers(monkeypatch, ["Ana Lee"], ["Ana"])
    actions.rename_action.trigger()
    assert project.coders.get(ana.id).name == "Ana Lee"
    assert window.controller.coder.name == "Ana Lee"
    assert "coder: Ana Lee" in window.windowTitle()
    # A taken name is refused with a message; nothing changes.
    _answers(monkeypatch, ["Ben"], ["A. Kim"])
    actions.rename_action.trigger()
    assert project.coders.by_name("A. Kim") is not None


def test_coder_menu_merge_asks_first(
    window: MainWindow, dialogs: Dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = window.controller.project
    ana = window.controller.coder
    kim = project.coders.add("A. Kim")
    shared = next(c for c in project.codings.for_coder(ana.id) if c.start is not None)
    project.codings.add(shared.document_id, kim.id, shared.code_id, shared.start, shared.end)
    project.codings.add(2, kim.id, 7, 0, 5)
    project.statuses.mark(3, kim.id, DocumentStatus.IN_PROGRESS)
    count = len(project.codings.for_coder(ana.id))
    # Cancelled at the confirmation: nothing changes.
    _answers(monkeypatch, [], ["A. Kim", "Ana"])
    dialogs.answer(QMessageBox.StandardButton.No)
    window.coder_actions.merge_action.trigger()
    assert project.coders.by_name("A. Kim") is not None
    assert "Merge A. Kim into Ana?" in dialogs.shown[-1][1]
    # Confirmed: Kim's work is Ana's, the passage both coded kept once and reported.
    _answers(monkeypatch, [], ["A. Kim", "Ana"])
    dialogs.answer(QMessageBox.StandardButton.Yes)
    window.coder_actions.merge_action.trigger()
    assert project.coders.by_name("A. Kim") is None
    assert len(project.codings.for_coder(ana.id)) == count + 1
    assert project.statuses.get(3, ana.id) is DocumentStatus.DONE
    kind, message = dialogs.shown[-1]
    assert kind == "information"
    assert "Kept once:" in message
    assert "merged A. Kim into Ana: 1 codings" in window.statusBar().currentMessage()


def test_merging_away_the_coder_at_work_switches_to_the_other(
    qtbot: QtBot, demo_project: Project, dialogs: Dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    kim = demo_project.coders.add("Kim")
    demo_project.codings.add(2, kim.id, 7, 0, 5)
    window = open_window(qtbot, demo_project, "Kim")
    _answers(monkeypatch, [], ["Kim", "Ben"])
    dialogs.answer(QMessageBox.StandardButton.Yes)
    window.coder_actions.merge_action.trigger()
    assert window.controller.coder.name == "Ben"
    ben = demo_project.coders.find("Ben")
    assert (2, 7, 0, 5) in {
        (c.document_id, c.code_id, c.start, c.end) for c in demo_project.codings.for_coder(ben.id)
    }
    assert window.controller.undo_stack.count() == 0
