"""Saved searches in the window: save (a name taken is said in the dialog), list, edit,
delete; and the issue's path on the demo project — search a phrase, sort by right context,
code the sentences of some hits in one step, undo it, import new articles, re-run the saved
search on them — checked in the database."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.cli.main import cli
from annotator.domain.model import Coding
from annotator.services import import_files, saved_searches
from annotator.services.changes import Changes
from annotator.storage import Project
from annotator.ui.controller import Controller
from annotator.ui.main_window import MainWindow
from annotator.ui.search.hits_model import RIGHT
from annotator.ui.search.save_dialog import SaveSearchDialog
from annotator.ui.search.search_page import SearchPage
from annotator.ui.search.window import SAVED_TAB, SEARCH_TAB, SearchWindow
from tests.gui.conftest import Dialogs
from tests.gui.search_window_support import open_search, press, preview, run_search, shown_hits

NAMED = "Source reliability > Named official"
SECONDARY = "Source reliability > Secondary media report"
# Two articles of our own, imported after the demo's (each names state media twice).
NEW_ARTICLES = {
    "later-one.txt": (
        "Broadcast from Pyongyang\n\n"
        "The programme ran on state media for an hour. Viewers abroad saw it too.\n\n"
        "Analysts said state media had prepared it for weeks."
    ),
    "later-two.txt": (
        "A second broadcast\n\n"
        "A presenter on state media read the statement twice. Nobody else spoke.\n\n"
        "Later, state media repeated it in the evening news."
    ),
}


def made_by_search(project: Project) -> list[Coding]:
    return [c for c in project.codings.all() if c.origin]


def code_id(window: MainWindow, path: str) -> int:
    code = window.controller.codebook.find(path)
    assert code is not None
    return code.id


def save_as(
    qtbot: QtBot, window: MainWindow, name: str, code: int | None, unit: str
) -> SaveSearchDialog:
    search_window = window.search_window
    assert search_window is not None
    qtbot.mouseClick(search_window.search.save_button, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in search_window.search.findChildren(SaveSearchDialog) if d.isVisible()]
    dialog.name_edit.setText(name)
    dialog.code.choose(code)
    dialog.unit.set_unit(unit)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return dialog


def rule_mark(project: Project, controller: Controller, name: str = "state media") -> int:
    """The saved search's mark of new articles for the window's coder."""
    return saved_searches.mark(project, saved_searches.find(project, name), controller.coder.id)


def test_save_list_edit_and_delete(
    qtbot: QtBot,
    window: MainWindow,
    demo_project: Project,
    dialogs: Dialogs,
    qtmodeltester: ModelTester,
) -> None:
    search_window = open_search(qtbot, window)
    page = search_window.search
    run_search(qtbot, page, "broker*")
    named = code_id(window, NAMED)
    dialog = save_as(qtbot, window, "brokers", named, "sentence")
    assert not dialog.isVisible()
    (saved,) = saved_searches.list_searches(demo_project)
    assert (saved.name, saved.query, saved.code_id, saved.unit) == (
        "brokers",
        "broker*",
        named,
        "sentence",
    )
    assert page.saved_label.text() == "Saved search “brokers”"
    # The same name again: said in the dialog, which stays; nothing more is saved.
    again = save_as(qtbot, window, "Brokers", None, "hit")
    assert again.isVisible()
    assert "brokers" in again.error.text().lower()
    assert len(saved_searches.list_searches(demo_project)) == 1
    again.reject()
    # The list.
    search_window.tabs.setCurrentIndex(SAVED_TAB)
    listed = search_window.saved
    row = [listed.model.index(0, c).data() for c in range(listed.model.columnCount())]
    assert row == ["brokers", "broker*", NAMED, "its sentence", "8", "every article"]
    qtmodeltester.check(listed.model)
    # Edit: another name, no code, whole articles.
    listed.view.selectRow(0)
    editing = listed.edit()
    assert editing is not None
    editing.name_edit.setText("Brokers and fixers")
    editing.code.choose(None)
    editing.unit.set_unit("article")
    qtbot.mouseClick(editing.save_button, Qt.MouseButton.LeftButton)
    (changed,) = saved_searches.list_searches(demo_project)
    assert (changed.name, changed.code_id, changed.unit) == ("Brokers and fixers", None, "article")
    assert listed.model.index(0, 2).data() == "—"
    # Delete: asked first; No keeps it, Yes forgets it.
    dialogs.answer(QMessageBox.StandardButton.No)
    assert not listed.delete()
    assert len(saved_searches.list_searches(demo_project)) == 1
    dialogs.answer(QMessageBox.StandardButton.Yes)
    assert listed.delete()
    assert saved_searches.list_searches(demo_project) == []
    assert listed.model.rowCount() == 0


def test_the_issues_path_search_sort_code_undo_import_run_again(
    qtbot: QtBot, window: MainWindow, demo_project: Project, tmp_path: Path
) -> None:
    controller = window.controller
    search_window = open_search(qtbot, window)
    page = search_window.search
    # Search a phrase, sort the hits by right context.
    run_search(qtbot, page, '"state media"')
    found = shown_hits(page)
    assert len(found) == 2
    header = page.view.horizontalHeader()
    x = header.sectionViewportPosition(RIGHT) + header.sectionSize(RIGHT) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    rights = [h.right.lower().split() for h in shown_hits(page)]
    assert rights == sorted(rights)
    # Keep it as a rule for State media, by sentence.
    secondary = code_id(window, SECONDARY)
    save_as(qtbot, window, "state media", secondary, "sentence")
    rule = saved_searches.find(demo_project, "state media")
    assert page.code.code_id() == secondary
    # Code the sentences of the hits in one step.
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    page.unit.set_unit("sentence")
    preview(qtbot, page)
    previewed = page.preview_model.previewed
    assert previewed is not None
    planned = {(p.document_id, p.start, p.end) for p in previewed.preview.planned}
    assert len(planned) == 2  # a sentence for each hit
    before = {c.id for c in demo_project.codings.all()}
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    made = [c for c in demo_project.codings.all() if c.id not in before]
    assert {(c.document_id, c.start, c.end) for c in made} == planned
    for coding in made:
        origin = json.loads(coding.origin or "{}")
        assert (origin["rule"], origin["name"], origin["unit"]) == (
            rule.guid,
            "state media",
            "sentence",
        )
    demo_ids = [d for d, _ in demo_project.documents.names()]
    assert rule_mark(demo_project, controller) == max(demo_ids)
    # Undo it: the codings go, and the rule's mark with them; redo brings both back.
    press(qtbot, search_window, QKeySequence.StandardKey.Undo)
    assert {c.id for c in demo_project.codings.all()} == before
    assert rule_mark(demo_project, controller) == 0
    press(qtbot, search_window, QKeySequence("Ctrl+Shift+Z"))
    assert {(c.document_id, c.start, c.end) for c in made_by_search(demo_project)} == planned
    assert rule_mark(demo_project, controller) == max(demo_ids)
    # Import new articles (as the import dialog does: through the window's controller).
    paths = []
    for name, text in NEW_ARTICLES.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    import_files(demo_project, paths)
    new_ids = {d for d, _ in demo_project.documents.names()} - set(demo_ids)
    assert len(new_ids) == 2
    controller.notify(Changes(documents=frozenset(new_ids)))
    # Re-run the saved search on the new articles only.
    search_window.tabs.setCurrentIndex(SAVED_TAB)
    listed = search_window.saved
    listed.select("state media")
    assert listed.model.index(0, 4).data() == "2"  # added since it last coded
    # Run on the new articles (also offered: those imported after an import).
    assert listed.articles.findData(1) > 0
    listed.articles.setCurrentIndex(listed.articles.findData("new"))
    with qtbot.waitSignal(page.searched):
        qtbot.mouseClick(listed.run_button, Qt.MouseButton.LeftButton)
    assert search_window.tabs.currentIndex() == SEARCH_TAB
    hits = shown_hits(page)
    assert {h.document_id for h in hits} == new_ids
    assert len(hits) == 4
    assert page.saved_label.text() == ("Saved search “state media” — on the 2 new articles")
    # The command line finds the same hits in those articles.
    result = CliRunner().invoke(cli, ["search", str(demo_project.path), '"state media"', "--json"])
    assert result.exit_code == 0, result.output
    rows = [r for r in json.loads(result.output)["rows"] if r["document_id"] in new_ids]
    assert [(r["document_id"], r["start"], r["end"]) for r in rows] == [
        (h.document_id, h.start, h.end) for h in sorted(hits)
    ]
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    assert page.code.code_id() == secondary
    assert page.unit.unit().value == "sentence"
    preview(qtbot, page)
    previewed = page.preview_model.previewed
    assert previewed is not None
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    coded = [c for c in made_by_search(demo_project) if c.document_id in new_ids]
    sentences = {demo_project.documents.text(c.document_id)[c.start : c.end] for c in coded}
    assert sentences == {
        "The programme ran on state media for an hour.",
        "Analysts said state media had prepared it for weeks.",
        "A presenter on state media read the statement twice.",
        "Later, state media repeated it in the evening news.",
    }
    assert len(coded) == 4
    assert all(c.coder_id == controller.coder.id and c.code_id == secondary for c in coded)
    assert rule_mark(demo_project, controller) == max(new_ids)


def _saved_and_previewed(qtbot: QtBot, window: MainWindow) -> tuple[SearchWindow, SearchPage]:
    """ "state media" searched on every article, saved as a rule for Secondary media report by
    sentence, and its hits previewed (not applied yet)."""
    search_window = open_search(qtbot, window)
    page = search_window.search
    run_search(qtbot, page, '"state media"')
    save_as(qtbot, window, "state media", code_id(window, SECONDARY), "sentence")
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    preview(qtbot, page)
    return search_window, page


def test_a_run_on_a_later_import_leaves_the_earlier_import_new(
    qtbot: QtBot, window: MainWindow, demo_project: Project, tmp_path: Path
) -> None:
    """Running a saved search on the articles imported after import 1 moves its mark of new
    articles only past what it searched: import 1's article stays new for the next run."""
    controller = window.controller
    search_window, page = _saved_and_previewed(qtbot, window)
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    demo_top = max(d for d, _ in demo_project.documents.names())
    assert rule_mark(demo_project, controller) == demo_top
    imported = []
    for name, text in NEW_ARTICLES.items():  # two imports, one article each
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        import_files(demo_project, [path])
        imported.append(max(d for d, _ in demo_project.documents.names()))
    controller.notify(Changes(documents=frozenset(imported)))
    first_import = sorted(run.id for run in demo_project.imports.all())[-2]  # ours: the first
    search_window.tabs.setCurrentIndex(SAVED_TAB)
    listed = search_window.saved
    listed.select("state media")
    listed.articles.setCurrentIndex(listed.articles.findData(first_import))
    with qtbot.waitSignal(page.searched):
        qtbot.mouseClick(listed.run_button, Qt.MouseButton.LeftButton)
    assert {h.document_id for h in shown_hits(page)} == {imported[1]}
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    preview(qtbot, page)
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    assert {c.document_id for c in made_by_search(demo_project)} >= {imported[1]}
    # Import 1's article was not searched: it is still after the mark, new.
    assert rule_mark(demo_project, controller) == demo_top


def test_an_article_added_after_the_search_stays_new(
    qtbot: QtBot, window: MainWindow, demo_project: Project, tmp_path: Path
) -> None:
    """A saved search on every article, coded from the window: an article another program
    added after the search ran (before Apply) was not searched, and stays new."""
    controller = window.controller
    _, page = _saved_and_previewed(qtbot, window)
    demo_top = max(d for d, _ in demo_project.documents.names())
    name, text = next(iter(NEW_ARTICLES.items()))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    import_files(demo_project, [path])  # after the search, before Apply
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    assert made_by_search(demo_project)
    assert rule_mark(demo_project, controller) == demo_top
