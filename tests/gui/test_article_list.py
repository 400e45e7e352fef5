"""The article list with document variables: columns to choose, sorting by a variable's type,
filters by value or range, and an article's variables viewed and edited."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator import paths
from annotator.domain.model import VariableType
from annotator.services import import_files
from annotator.services.changes import Changes
from annotator.services.variables import set_document_values
from annotator.storage import Project
from annotator.ui.article_list import DocumentsPanel
from annotator.ui.dialogs.variables import VariablesDialog
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import open_window

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _id(project: Project, name: str) -> int:
    document = project.documents.by_name(name)
    assert document is not None
    return document.id


def _set(window: MainWindow, name: str, **values: str) -> None:
    """Set variables through the service and tell the window, as any action does."""
    project = window.controller.project
    window.controller.notify(set_document_values(project, _id(project, name), values))


def _column(panel: DocumentsPanel, title: str) -> int:
    column = panel.model.column_of(title)
    assert column is not None
    return column


def _shown_values(panel: DocumentsPanel, title: str) -> list[str]:
    column = _column(panel, title)
    return [panel.proxy.index(row, column).data() for row in range(panel.proxy.rowCount())]


def _names(window: MainWindow) -> list[str]:
    return [name for _, name in window.controller.project.documents.names()]


# -- columns ------------------------------------------------------------------------------------


def test_columns_are_chosen_in_the_header_menu_and_kept_for_the_next_session(
    qtbot: QtBot, demo_project: Project
) -> None:
    window = open_window(qtbot, demo_project)
    panel = window.documents
    assert panel.shown_columns() == ["Article", "Status", "Codings", "outlet", "date", "author"]
    menu = panel.header_menu(_column(panel, "author"))
    actions = {a.text(): a for a in menu.actions()}
    assert "Filter by author…" in actions
    assert "Article" not in actions  # the article's name is always shown
    actions["author"].trigger()
    actions["Codings"].trigger()
    assert panel.shown_columns() == ["Article", "Status", "outlet", "date"]
    assert panel.view.isColumnHidden(_column(panel, "author"))
    window.close()
    settings_file = paths.data_dir() / "settings.ini"
    assert "author" in settings_file.read_text(encoding="utf-8")

    again = open_window(qtbot, demo_project)
    assert again.documents.shown_columns() == ["Article", "Status", "outlet", "date"]
    # The Columns button lists the same choice; showing a column again is kept too.
    columns = again.documents.columns_button.menu()
    columns.aboutToShow.emit()
    author = next(a for a in columns.actions() if a.text() == "author")
    assert not author.isChecked()
    author.trigger()
    assert again.documents.shown_columns()[-1] == "author"
    assert "author" not in settings_file.read_text(encoding="utf-8")


def test_a_damaged_column_setting_hides_nothing(qtbot: QtBot, demo_project: Project) -> None:
    (paths.data_dir()).mkdir(parents=True, exist_ok=True)
    (paths.data_dir() / "settings.ini").write_text(
        '[articles]\nhidden_columns="{not json"\n', encoding="utf-8"
    )
    window = open_window(qtbot, demo_project)
    assert len(window.documents.shown_columns()) == 7  # the title column too


# -- sorting ------------------------------------------------------------------------------------


def test_dates_sort_by_date_numbers_by_number_and_empty_values_last(window: MainWindow) -> None:
    panel, project = window.documents, window.controller.project
    names = _names(window)
    _set(window, names[2], date="")  # one article without a date
    date = _column(panel, "date")
    panel.view.sortByColumn(date, Qt.SortOrder.DescendingOrder)
    dates = _shown_values(panel, "date")
    assert dates[-1] == ""
    assert dates[:-1] == sorted(dates[:-1], reverse=True)
    assert panel.shown_names()[-1] == names[2]
    panel.view.sortByColumn(date, Qt.SortOrder.AscendingOrder)
    dates = _shown_values(panel, "date")
    assert dates[-1] == ""  # last in either order
    assert dates[:-1] == sorted(dates[:-1])

    project.documents.define_variable("words", VariableType.NUMBER)
    window.controller.notify(Changes(variables=True))  # the new variable's column
    window.controller.notify(
        set_document_values(project, _id(project, names[0]), {"words": "900"})
        | set_document_values(project, _id(project, names[1]), {"words": "85"})
        | set_document_values(project, _id(project, names[3]), {"words": "1200.5"})
    )
    words = _column(panel, "words")
    panel.view.sortByColumn(words, Qt.SortOrder.AscendingOrder)
    assert panel.shown_names()[:4] == [names[1], names[0], names[3], names[2]]
    assert _shown_values(panel, "words")[:4] == ["85", "900", "1200.5", ""]
    panel.view.sortByColumn(words, Qt.SortOrder.DescendingOrder)
    # Numbers by value, highest first; the empty ones after them, in import order.
    assert panel.shown_names() == [names[3], names[0], names[1], *names[2:3], *names[4:]]

    _set(window, names[6], author="abel lowercase")
    panel.view.sortByColumn(_column(panel, "author"), Qt.SortOrder.AscendingOrder)
    assert panel.shown_names()[0] == names[6]  # letter case does not count


def test_the_sort_holds_when_articles_are_imported(window: MainWindow, tmp_path: Path) -> None:
    panel = window.documents
    date = _column(panel, "date")
    panel.view.sortByColumn(date, Qt.SortOrder.DescendingOrder)
    article = tmp_path / "new.txt"
    article.write_text("A newer article about the border.", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,date,genre\nnew.txt,2030-01-01,feature\n", encoding="utf-8")
    report = import_files(window.controller.project, [article], variables_csv=meta)
    window.controller.notify(report.changes)
    assert panel.shown_names()[0] == "new"
    assert _shown_values(panel, "date")[:2] == ["2030-01-01", "2022-01-10"]
    header = panel.view.horizontalHeader()
    assert header.sortIndicatorSection() == date
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert panel.shown_columns()[-1] == "genre"


# -- filters ------------------------------------------------------------------------------------


def test_filter_by_a_value_and_a_date_range_combined_with_words(window: MainWindow) -> None:
    panel = window.documents
    dialog = panel.filter_by("outlet")
    dialog.value.setEditText("Pacific Wire")  # a value the list offers
    assert dialog.count.text() == "outlet is “Pacific Wire”: 2 of 8 articles"
    dialog.ok_button.click()
    pacific = ["02_security-officer", "06_returnee-on-tv"]
    assert panel.shown_names() == pacific
    assert panel.bar.isVisible()
    assert panel.bar.texts() == ["outlet is “Pacific Wire”", "<b>2</b> of 8 articles shown"]

    dialog = panel.filter_by("date")
    dialog.low.setText("March 2020")
    assert not dialog.ok_button.isEnabled()
    assert "'March 2020' is not a date" in dialog.error.text()
    dialog.low.setText("2020")
    dialog.high.setText("2021-06")
    dialog.ok_button.click()
    assert panel.shown_names() == ["06_returnee-on-tv"]
    assert panel.bar.texts()[:2] == [
        "outlet is “Pacific Wire”",
        "date from 2020-01-01 to 2021-06-30",
    ]

    # Removing one condition keeps the other; words filter along with the conditions.
    panel.remove_condition("date")
    assert panel.shown_names() == pacific
    panel.filter.setText("security")
    assert panel.shown_names() == ["02_security-officer"]
    assert panel.bar.texts()[0] == "words: “security”"
    panel.bar.clear_button.click()
    assert len(panel.shown_names()) == 8
    assert panel.filter.text() == ""
    assert not panel.bar.isVisible()


def test_typed_text_matches_within_values_and_no_value_can_be_asked_for(
    window: MainWindow,
) -> None:
    panel = window.documents
    dialog = panel.filter_by("outlet")
    dialog.value.setEditText("wire")  # not a value: text within one
    assert dialog.count.text() == "outlet contains “wire”: 2 of 8 articles"
    dialog.reject()
    assert len(panel.shown_names()) == 8  # cancelled: no filter

    names = _names(window)
    _set(window, names[4], date="")
    dialog = panel.filter_by("date")
    dialog.empty.setChecked(True)
    dialog.accept()
    assert panel.shown_names() == [names[4]]
    # Giving the article a date takes it out of the list of articles without one.
    _set(window, names[4], date="2021-08-10")
    assert panel.shown_names() == []
    assert panel.bar.texts()[-1] == "<b>0</b> of 8 articles shown"


def test_the_menu_of_a_cell_filters_by_its_value(window: MainWindow) -> None:
    panel = window.documents
    row = panel.shown_names().index("02_security-officer")
    menu = panel.cell_menu(panel.proxy.index(row, _column(panel, "outlet")))
    only = menu.actions()[0]
    assert only.text() == "Only articles with outlet “Pacific Wire”"
    only.trigger()
    assert panel.shown_names() == ["02_security-officer", "06_returnee-on-tv"]
    menu = panel.cell_menu(panel.proxy.index(0, _column(panel, "date")))
    menu.actions()[0].trigger()
    assert panel.shown_names() == ["02_security-officer"]
    assert panel.bar.texts()[1] == "date is 2017-09-12"


def test_values_are_shown_as_they_are_in_menus_and_the_bar(window: MainWindow) -> None:
    panel = window.documents
    _set(window, "04_diplomat", outlet="AT&T <b>Wire</b>")
    row = panel.shown_names().index("04_diplomat")
    menu = panel.cell_menu(panel.proxy.index(row, _column(panel, "outlet")))
    only = menu.actions()[0]
    assert only.text() == "Only articles with outlet “AT&&T <b>Wire</b>”"  # && shows as &
    only.trigger()
    assert panel.shown_names() == ["04_diplomat"]
    [label] = panel.bar.labels
    assert label.text() == "outlet is “AT&T <b>Wire</b>”"
    assert label.textFormat() == Qt.TextFormat.PlainText  # not bold: the value as typed


# -- an article's variables -----------------------------------------------------------------------


def test_variables_are_edited_checked_and_undone(window: MainWindow, qtbot: QtBot) -> None:
    project, panel = window.controller.project, window.documents
    document_id = window.controller.document_id
    assert document_id is not None
    before = project.documents.values(document_id)
    qtbot.keyClick(
        window.reader,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    [dialog] = window.findChildren(VariablesDialog)
    assert dialog.isVisible()
    assert {name: e.text() for name, e in dialog.editors.items()} == before

    dialog.editors["date"].setText("7 March 2003")
    dialog.editors["outlet"].setText("Korea Herald")
    qtbot.keyClick(dialog.editors["outlet"], Qt.Key.Key_Return)
    assert dialog.isVisible()  # refused: nothing written
    assert dialog.error.text() == "date: '7 March 2003' is not a date of the form YYYY-MM-DD"
    assert dialog.focusWidget() is dialog.editors["date"]
    assert project.documents.values(document_id) == before

    dialog.editors["date"].setText("2003-03-07")
    dialog.editors["author"].clear()
    dialog.save_button.click()
    assert not dialog.isVisible()
    after = {"title": before["title"], "outlet": "Korea Herald", "date": "2003-03-07"}
    assert project.documents.values(document_id) == after
    row = panel.shown_names().index(window.controller.project.documents.get(document_id).name)
    shown = [panel.proxy.index(row, _column(panel, t)).data() for t in ("outlet", "date", "author")]
    assert shown == ["Korea Herald", "2003-03-07", ""]
    assert "Korea Herald" in window.article.heading.text()

    window.undo_action.trigger()
    assert project.documents.values(document_id) == before
    assert panel.proxy.index(row, _column(panel, "outlet")).data() == before["outlet"]
    window.redo_action.trigger()
    assert project.documents.values(document_id) == after


def test_the_variables_of_another_article_from_the_list(window: MainWindow) -> None:
    panel, project = window.documents, window.controller.project
    row = panel.shown_names().index("07_famine-memoir")
    menu = panel.cell_menu(panel.proxy.index(row, 0))
    menu.actions()[-1].trigger()
    [dialog] = window.findChildren(VariablesDialog)
    assert dialog.windowTitle() == "Variables of “07_famine-memoir”"
    outlets = [dialog.editors["outlet"].parent().itemText(i) for i in range(4)]  # type: ignore[attr-defined]
    assert outlets == ["Border Monitor", "Northeast Asia Dispatch", "Pacific Wire", "Seoul Ledger"]
    dialog.editors["outlet"].setText("Pacific Wire")
    dialog.accept()
    assert project.documents.values(_id(project, "07_famine-memoir"))["outlet"] == "Pacific Wire"


def test_a_project_without_variables_says_how_to_get_some(
    qtbot: QtBot, project: Project, tmp_path: Path
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Some text about the border.", encoding="utf-8")
    import_files(project, [article])
    window = open_window(qtbot, project)
    dialog = window.edit_variables()
    assert dialog is not None
    assert "no variables yet" in dialog.note.text()
    assert not dialog.save_button.isEnabled()
    assert window.documents.filter_by().count.text() == (
        "This project has no variables to filter by."
    )


# -- models and the look ------------------------------------------------------------------------


def test_the_models_pass_the_model_tester_through_sorts_filters_and_edits(
    window: MainWindow, request: pytest.FixtureRequest
) -> None:
    panel = window.documents
    for model in (panel.model, panel.proxy):
        tester = ModelTester(request.config)
        request.addfinalizer(tester._cleanup)
        tester.check(model, force_py=True)
    names = _names(window)
    panel.view.sortByColumn(_column(panel, "date"), Qt.SortOrder.DescendingOrder)
    dialog = panel.filter_by("outlet")
    dialog.value.setEditText("Seoul Ledger")
    dialog.accept()
    _set(window, names[3], outlet="Pacific Wire")  # leaves the filter's rows
    _set(window, names[5], outlet="Seoul Ledger")  # enters them
    window.controller.notify(Changes(variables=True))
    panel.clear_filters()
    panel.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert panel.shown_names() == names


def test_screenshot_of_columns_and_filters(window: MainWindow, qtbot: QtBot) -> None:
    """Saved for people to look at: screenshots/article-list.png (1400×900)."""
    window.resize(1400, 900)
    window.main.setSizes([560, 520, 320])
    panel = window.documents
    panel.show_column("author", False)
    panel.view.sortByColumn(_column(panel, "date"), Qt.SortOrder.DescendingOrder)
    dialog = panel.filter_by("date")
    dialog.low.setText("2017")
    dialog.high.setText("2021")
    dialog.accept()
    panel.cell_menu(panel.proxy.index(0, _column(panel, "outlet"))).actions()[0].trigger()
    # What the bar shows is laid out on the next pass of the event loop.
    qtbot.waitUntil(lambda: all(label.isVisible() for label in panel.bar.labels))
    assert panel.bar.texts() == [
        "date from 2017-01-01 to 2021-12-31",
        "outlet is “Border Monitor”",
        "<b>2</b> of 8 articles shown",
    ]
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / "article-list.png"
    image = window.grab()
    assert (image.width(), image.height()) == (1400, 900)
    assert image.save(str(path))
