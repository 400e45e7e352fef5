"""The Search window against what a hostile tester did: another program deleting the code or
an article between Preview and Apply, the chosen code deleted, a saved search renamed or
deleted while its hits are shown, a query typed but not run then saved, an undo after a
preview, the window closed in the middle of a search."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.domain.model import Coding, VariableType
from annotator.services import saved_searches
from annotator.services.search import Hit
from annotator.storage import Project
from annotator.ui.codebook_commands import CodebookEditor
from annotator.ui.main_window import MainWindow
from annotator.ui.search.hits_model import LEFT, RIGHT, HitsModel, words_key
from annotator.ui.search.jobs import Article, Page
from annotator.ui.search.save_dialog import SaveSearchDialog
from annotator.ui.search.window import SAVED_TAB, SEARCH_TAB, SearchWindow
from tests.gui.conftest import Dialogs, open_window
from tests.gui.search_window_support import (
    WAIT_MS,
    open_search,
    press,
    preview,
    run_search,
    shown_hits,
)

RETURNEE = "Actor type > Returnee"
FAMILY = "Actor type > Family member"


def code_id(window: MainWindow, path: str) -> int:
    code = window.controller.codebook.find(path)
    assert code is not None
    return code.id


def made_by_search(project: Project) -> list[Coding]:
    return [c for c in project.codings.all() if c.origin]


def save_as(qtbot: QtBot, search_window: SearchWindow, name: str, code: int | None) -> None:
    qtbot.mouseClick(search_window.search.save_button, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in search_window.search.findChildren(SaveSearchDialog) if d.isVisible()]
    dialog.name_edit.setText(name)
    dialog.code.choose(code)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def elsewhere(project: Project, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Another program changes the project file (plain SQL, no notice to the window)."""
    db = sqlite3.connect(project.path, timeout=5)
    for sql, parameters in statements:
        db.execute(sql, parameters)
    db.commit()
    db.close()


def previewed_page(qtbot: QtBot, window: MainWindow, code: str) -> SearchWindow:
    search_window = open_search(qtbot, window)
    page = search_window.search
    run_search(qtbot, page, "security OR broker*")
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    page.code.choose(code_id(window, code))
    preview(qtbot, page)
    assert page.apply_button.isEnabled()
    return search_window


def test_a_code_deleted_by_another_program_before_apply_is_said_not_crashed(
    qtbot: QtBot, window: MainWindow, demo_project: Project, dialogs: Dialogs
) -> None:
    page = previewed_page(qtbot, window, RETURNEE).search
    target = code_id(window, RETURNEE)
    before = list(demo_project.codings.all())
    elsewhere(
        demo_project,
        ("DELETE FROM codings WHERE code_id = ?", (target,)),
        ("DELETE FROM codes WHERE id = ?", (target,)),
    )
    before = list(demo_project.codings.all())
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    assert page.summary.text().startswith("The chosen code is no longer in the codebook")
    assert list(demo_project.codings.all()) == before
    assert window.controller.undo_stack.count() == 0
    assert dialogs.shown == []


def test_an_article_deleted_between_preview_and_apply_is_left_out_and_said(
    qtbot: QtBot, window: MainWindow, demo_project: Project, dialogs: Dialogs
) -> None:
    page = previewed_page(qtbot, window, RETURNEE).search
    previewed = page.preview_model.previewed
    assert previewed is not None
    planned = previewed.preview.planned
    gone = planned[0].document_id
    assert len({p.document_id for p in planned}) >= 2
    elsewhere(
        demo_project,
        ("DELETE FROM codings WHERE document_id = ?", (gone,)),
        ("DELETE FROM documents WHERE id = ?", (gone,)),
    )
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    made = made_by_search(demo_project)
    expected = sorted((p.document_id, p.start, p.end) for p in planned if p.document_id != gone)
    assert sorted((c.document_id, c.start, c.end) for c in made) == expected
    dropped = len(planned) - len(expected)
    assert page.summary.text().endswith(
        f"Left out: {dropped} passage{'s' * (dropped != 1)} in articles deleted since the preview."
    )
    assert dialogs.shown == []


def test_hits_of_an_article_deleted_before_preview_are_left_out_and_the_rest_previews(
    qtbot: QtBot, window: MainWindow, demo_project: Project, dialogs: Dialogs
) -> None:
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "security OR broker*")
    hits = shown_hits(page)
    gone = hits[0].document_id
    lost = sum(1 for h in hits if h.document_id == gone)
    assert lost < len(hits)
    elsewhere(
        demo_project,
        ("DELETE FROM codings WHERE document_id = ?", (gone,)),
        ("DELETE FROM documents WHERE id = ?", (gone,)),
    )
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    page.code.choose(code_id(window, RETURNEE))
    page.unit.set_unit("sentence")
    preview(qtbot, page)
    previewed = page.preview_model.previewed
    assert previewed is not None
    assert previewed.preview.planned
    assert gone not in {p.document_id for p in previewed.preview.planned}
    assert previewed.hits == len(hits) - lost
    assert page.summary.text().endswith(
        f"left out: {lost} hit{'s' * (lost != 1)} in articles deleted since the search."
    )
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    assert len(made_by_search(demo_project)) == len(previewed.preview.planned)
    assert dialogs.shown == []


def test_the_chosen_code_deleted_leaves_no_code_chosen(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    page = previewed_page(qtbot, window, RETURNEE).search
    target = code_id(window, RETURNEE)
    # The code is deleted by the codebook's editing, as the coding window does it.
    CodebookEditor(window.controller).delete(target)
    assert page.code.code_id() is None
    assert page.code.currentIndex() == -1
    assert not page.preview_button.isEnabled()
    assert not page.apply_button.isEnabled()
    assert page.summary.text() == "The code chosen was deleted: choose a code, then Preview."
    # Another code chosen: Preview again codes with it.
    page.code.choose(code_id(window, FAMILY))
    assert page.preview_button.isEnabled()


def test_a_query_typed_but_not_run_then_saved_is_searched_before_its_hits_are_coded(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    search_window = open_search(qtbot, window)
    page = search_window.search
    run_search(qtbot, page, "broker*")
    brokers = shown_hits(page)
    assert brokers
    page.query_bar.query.clear()
    page.query_bar.query.insert("security")  # typed, Enter not pressed
    with qtbot.waitSignal(page.searched, timeout=WAIT_MS):
        save_as(qtbot, search_window, "Security", None)
    hits = shown_hits(page)
    assert hits
    assert all(h.hit.casefold() == "security" for h in hits)
    mark = saved_searches.mark(
        demo_project, saved_searches.find(demo_project, "Security"), window.controller.coder.id
    )
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    page.code.choose(code_id(window, FAMILY))
    preview(qtbot, page)
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    made = made_by_search(demo_project)
    assert made
    for coding in made:
        origin = json.loads(coding.origin or "{}")
        assert (origin["query"], origin["name"]) == ("security", "Security")
        text = demo_project.documents.text(coding.document_id)
        assert text[coding.start : coding.end].casefold() == "security"
    assert (
        saved_searches.mark(
            demo_project, saved_searches.find(demo_project, "Security"), window.controller.coder.id
        )
        >= mark
    )
    # Saving the search whose hits are shown keeps them (nothing searched again).
    run_search(qtbot, page, "broker*")
    shown = shown_hits(page)
    save_as(qtbot, search_window, "Brokers", None)
    assert not page.runner.busy
    assert shown_hits(page) == shown == brokers


def test_a_saved_search_renamed_or_deleted_while_shown(
    qtbot: QtBot, window: MainWindow, demo_project: Project, dialogs: Dialogs
) -> None:
    search_window = open_search(qtbot, window)
    page = search_window.search
    run_search(qtbot, page, "broker*")
    save_as(qtbot, search_window, "Brokers", code_id(window, FAMILY))
    search_window.tabs.setCurrentIndex(SAVED_TAB)
    saved_page = search_window.saved
    saved_page.select("Brokers")
    dialog = saved_page.edit()
    assert dialog is not None
    dialog.name_edit.setText("Middlemen")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    search_window.tabs.setCurrentIndex(SEARCH_TAB)
    assert page.saved_label.text() == "Saved search “Middlemen”"
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    preview(qtbot, page)
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    names = {json.loads(c.origin or "{}")["name"] for c in made_by_search(demo_project)}
    assert names == {"Middlemen"}
    press(qtbot, search_window, QKeySequence.StandardKey.Undo)
    assert made_by_search(demo_project) == []
    # Deleted: its hits stay, coded as a plain search (no rule, no internal id said).
    search_window.tabs.setCurrentIndex(SAVED_TAB)
    saved_page.select("Middlemen")
    dialogs.answer(QMessageBox.StandardButton.Yes)
    assert saved_page.delete()
    search_window.tabs.setCurrentIndex(SEARCH_TAB)
    assert page.saved is None
    assert "was deleted" in page.saved_label.text()
    preview(qtbot, page)
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    made = made_by_search(demo_project)
    assert made
    for coding in made:
        origin = json.loads(coding.origin or "{}")
        assert (origin["query"], origin["rule"], origin["name"]) == ("broker*", None, None)
    assert page.summary.text().startswith("Coded ")


def test_an_undo_after_a_preview_with_nothing_to_code_makes_it_stale(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    search_window = previewed_page(qtbot, window, FAMILY)
    page = search_window.search
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    preview(qtbot, page)
    previewed = page.preview_model.previewed
    assert previewed is not None
    assert previewed.preview.planned == ()
    assert page.summary.text().startswith("Nothing to code; left out: ")
    assert not page.apply_button.isEnabled()
    press(qtbot, search_window, QKeySequence.StandardKey.Undo)
    assert made_by_search(demo_project) == []
    assert page.preview_model.previewed is None
    assert page.summary.text() == "The project changed since the preview: preview again."
    preview(qtbot, page)
    assert page.apply_button.isEnabled()


def test_closing_the_window_mid_search_leaves_it_ready_when_shown_again(
    qtbot: QtBot, window: MainWindow
) -> None:
    search_window = open_search(qtbot, window)
    page = search_window.search
    page.query_bar.query.insert("security")
    qtbot.keyClick(page.query_bar.query, Qt.Key.Key_Return)
    assert page.runner.busy  # its hits reach the window only once its event loop runs
    assert page.query_bar.status.text() == "Searching…"
    search_window.close()
    again = open_search(qtbot, window)
    assert again is search_window
    bar = page.query_bar
    assert not page.runner.busy
    assert bar.status.text() != "Searching…"
    assert bar.search_button.isEnabled()
    assert not bar.cancel_button.isEnabled()
    assert run_search(qtbot, page, "security") is not None


def test_hits_arriving_while_sorted_are_sorted_in_without_sorting_again(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = HitsModel()
    ModelTester(qtbot).check(model, force_py=True)
    rng = random.Random(5)
    words = ["alpha", "beta", "gamma", "delta", ""]

    def right() -> str:
        return " ".join(rng.choice(words) for _ in range(2))

    hits = [Hit(i // 7, i, i + 1, "x", "hit", right()) for i in range(1_500)]
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.clear([])
        model.sort(RIGHT, order)
        # Every row sorted again per page made a search of 80,000 hits stall the window.
        monkeypatch.setattr(model, "_sort_order", lambda: pytest.fail("sorted everything again"))
        watched: QPersistentModelIndex | None = None
        for start in range(0, len(hits), 200):
            page = hits[start : start + 200]
            model.add_page(Page(page, {h.document_id: Article("a") for h in page}))
            if watched is None:
                watched = QPersistentModelIndex(model.index(37, RIGHT))
                followed = model.hit(37)
        monkeypatch.undo()
        # As a stable sort of every hit orders them: ties in the order found.
        expected = sorted(
            hits, key=lambda h: words_key(h.right), reverse=order == Qt.SortOrder.DescendingOrder
        )
        assert [model.hit(r) for r in range(model.rowCount())] == expected
        assert watched is not None
        assert model.hit(watched.row()) == followed


def test_with_many_variables_the_contexts_get_the_room_and_the_user_picks_the_columns(
    qtbot: QtBot, demo_project: Project
) -> None:
    for number in range(1, 18):  # twenty variables, as news exports bring
        variable = demo_project.documents.define_variable(f"field {number}", VariableType.TEXT)
        for document_id, _ in demo_project.documents.names():
            demo_project.documents.set_values(document_id, {variable.id: f"value {number}"})
    window = open_window(qtbot, demo_project)
    search_window = open_search(qtbot, window)
    search_window.resize(1400, 900)
    page = search_window.search
    run_search(qtbot, page, "security OR broker*")
    view = page.view
    names = [v.name for v in page.model.variables]
    assert len(names) == 20

    def shown() -> list[str]:
        return [n for i, n in enumerate(names, start=4) if not view.isColumnHidden(i)]

    assert shown() == names[:3]  # the first few, until the user chooses
    width = view.viewport().width()
    for column in (LEFT, RIGHT):
        assert view.columnWidth(column) >= width // 4
    # The heading's menu lists every variable, ticked where shown; ticking one shows it.
    menu = view.variables_menu()
    assert [(a.text(), a.isChecked()) for a in menu.actions()] == [
        (n, n in names[:3]) for n in names
    ]
    menu.actions()[names.index("field 9")].trigger()
    menu.actions()[names.index("outlet")].trigger()
    assert shown() == [*list(names[1:3]), "field 9"]
    assert (
        sum(
            view.columnWidth(c)
            for c in range(page.model.columnCount())
            if not view.isColumnHidden(c)
        )
        <= width
    )
    for column in (LEFT, RIGHT):
        assert view.columnWidth(column) >= width // 4
    # A new search, and a restart, keep the choice.
    run_search(qtbot, page, "security")
    assert shown() == [*list(names[1:3]), "field 9"]
    search_window.close()
    window.close()
    again = open_search(qtbot, open_window(qtbot, demo_project))
    assert again is not search_window
    run_search(qtbot, again.search, "security")
    view = again.search.view
    assert shown() == [*list(names[1:3]), "field 9"]
