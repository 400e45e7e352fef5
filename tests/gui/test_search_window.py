"""The Search window: opened by its key, a query searched in a worker (the first page at
once), errors said inline, regular expressions stopped or cancelled, scopes, state kept."""

from __future__ import annotations

import json
import linecache
import re
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from annotator.cli.main import cli
from annotator.services import import_files, search
from annotator.services.article_filter import Condition, Match
from annotator.storage import Project
from annotator.ui.dialogs.shortcuts import shortcuts_html, window_shortcuts
from annotator.ui.main_window import MainWindow
from annotator.ui.search import jobs
from annotator.ui.search.window import SearchWindow
from annotator.ui.workers import join_let_go
from tests.gui.conftest import Dialogs, open_window
from tests.gui.search_window_support import WAIT_MS, open_search, run_search, shown_hits


def texts(project: Project) -> dict[int, str]:
    return project.documents.texts()


def test_ctrl_shift_f_opens_the_window_and_the_sheet_lists_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    search_window = open_search(qtbot, window)
    assert search_window.search.query_bar.query.hasFocus()
    keys = window_shortcuts(window)
    assert ("Ctrl+Shift+F", "Search articles", "Edit") in keys
    # No other action of the window has the key.
    every = [
        shortcut.toString()
        for action in window.findChildren(type(window.search_action))
        for shortcut in action.shortcuts()
    ]
    assert every.count(QKeySequence("Ctrl+Shift+F").toString()) == 1
    sheet = shortcuts_html(window.controller.codebook, keys, search_window_keys())
    assert "Search articles" in sheet
    assert "Tick or untick the selected hits" in sheet
    # A second press brings up the same window.
    search_window.close()
    assert open_search(qtbot, window) is search_window


def search_window_keys() -> list[tuple[str, str, str]]:
    from annotator.ui.dialogs.shortcuts import other_windows_keys

    return other_windows_keys()


def test_hits_and_counts_are_the_command_lines(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    page = open_search(qtbot, window).search
    counts = run_search(qtbot, page, '"security official" OR official*')
    result = CliRunner().invoke(
        cli, ["search", str(demo_project.path), '"security official" OR official*', "--json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    rows = [
        (r["document_id"], r["start"], r["end"], r["left"], r["hit"], r["right"])
        for r in printed["rows"]
    ]
    assert [tuple(hit) for hit in shown_hits(page)] == rows
    assert counts == search.Counts(printed["hits"], printed["articles"])
    assert printed["hits"] > 1
    assert printed["articles"] > 1
    assert page.query_bar.status.text() == (
        f"{printed['hits']} hits in {printed['articles']} articles"
    )
    # Each hit is what the stored text holds at its offsets.
    stored = texts(demo_project)
    for hit in shown_hits(page):
        assert stored[hit.document_id][hit.start : hit.end].lower().startswith("official") or (
            stored[hit.document_id][hit.start : hit.end].lower() == "security official"
        )


def test_a_malformed_query_is_said_inline_never_in_a_dialog(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs
) -> None:
    page = open_search(qtbot, window).search
    bar = page.query_bar
    bar.query.insert("(remit* OR")
    assert "cannot be read at position" in bar.hint.toolTip()
    assert not bar.search_button.isEnabled()
    qtbot.keyClick(bar.query, Qt.Key.Key_Return)  # nothing runs
    assert not page.runner.busy
    assert page.model.rowCount() == 0
    bar.query.clear()
    bar.regex.setChecked(True)
    bar.query.insert("(unclosed")
    assert "not a valid regular expression" in bar.hint.toolTip()
    bar.query.clear()
    bar.query.insert("unclosed")
    assert bar.hint.toolTip().startswith("A regular expression")  # the syntax again
    assert dialogs.shown == []


def test_regular_expression_and_match_case_find_what_python_finds(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    page = open_search(qtbot, window).search
    stored = texts(demo_project)
    pattern = r"\b[Ss]ecurity \w+"
    expected = sorted(
        (d, m.start(), m.end())
        for d, text in stored.items()
        for m in re.finditer(pattern, text, re.MULTILINE)
    )
    run_search(qtbot, page, pattern, regex=True, match_case=True)
    assert sorted((h.document_id, h.start, h.end) for h in shown_hits(page)) == expected
    assert expected
    assert run_search(qtbot, page, "seoul", match_case=True) == search.Counts(0, 0)
    assert page.query_bar.status.text() == "No hits"
    found = run_search(qtbot, page, "seoul")
    assert isinstance(found, search.Counts)
    assert found.hits == sum(len(re.findall(r"\bSeoul\b", t)) for t in stored.values())


def test_a_variable_filter_and_a_codes_passages_narrow_the_search(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    page = open_search(qtbot, window).search
    everywhere = run_search(qtbot, page, "the")
    assert isinstance(everywhere, search.Counts)
    dialog = page.scope.add_variable_filter()
    dialog.variable.setCurrentIndex(dialog.variable.findData("outlet"))
    dialog.value.setEditText("Pacific Wire")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert page.scope.conditions == [
        Condition("outlet", page.scope.conditions[0].type, Match.IS, text="Pacific Wire")
    ]
    assert "Pacific Wire" in page.scope.conditions_label.text()
    narrowed = run_search(qtbot, page, "the")
    outlets = {
        d: demo_project.documents.values(d).get("outlet") for d, _ in demo_project.documents.names()
    }
    assert {outlets[h.document_id] for h in shown_hits(page)} == {"Pacific Wire"}
    assert isinstance(narrowed, search.Counts)
    assert 0 < narrowed.hits < everywhere.hits
    # Only inside Ana's passages of one code (blind: her own).
    page.scope.clear_conditions()
    code = window.controller.codebook.find("Actor type > Overseas worker")
    assert code is not None
    page.scope.within.action_of(code.id).trigger()
    run_search(qtbot, page, "the")
    ana = window.controller.coder.id
    passages = [
        (c.document_id, c.start, c.end)
        for c in demo_project.codings.for_code(code.id)
        if c.coder_id == ana
    ]
    hits = shown_hits(page)
    assert hits
    for hit in hits:
        assert any(
            d == hit.document_id and (s is None or (s <= hit.start and hit.end <= e))
            for d, s, e in passages
        )


LONG = "many words " * 40


@pytest.fixture
def many_hits(qtbot: QtBot, demo_project: Project, tmp_path: Path) -> MainWindow:
    """An article where "words" is found 3,000 times (several pages of hits)."""
    path = tmp_path / "many.txt"
    path.write_text("\n\n".join([LONG] * 75), encoding="utf-8")
    import_files(demo_project, [path])
    return open_window(qtbot, demo_project)


def test_the_first_page_shows_before_the_rest(qtbot: QtBot, many_hits: MainWindow) -> None:
    page = open_search(qtbot, many_hits).search
    shown: list[int] = []
    page.hitsShown.connect(shown.append)
    counts = run_search(qtbot, page, "words")
    assert counts == search.Counts(3000, 1)
    # The first page alone: FIRST_PAGE hits, or fewer when finding them took longer than a
    # page's time (a loaded machine): never the whole result at once.
    assert 1 <= shown[0] <= jobs.FIRST_PAGE
    assert shown[-1] == 3000
    assert len(shown) >= 2
    assert page.model.rowCount() == 3000
    assert page.query_bar.status.text() == "3,000 hits in 1 article"


@pytest.fixture
def slow_pattern(qtbot: QtBot, demo_project: Project, tmp_path: Path) -> MainWindow:
    """An article on which (a|aa)+$ tries an exponential number of ways."""
    path = tmp_path / "slow.txt"
    path.write_text("a" * 60 + "b", encoding="utf-8")
    import_files(demo_project, [path])
    return open_window(qtbot, demo_project)


def test_a_regular_expression_that_runs_too_long_is_stopped_with_a_message(
    qtbot: QtBot, slow_pattern: MainWindow, monkeypatch: pytest.MonkeyPatch, dialogs: Dialogs
) -> None:
    monkeypatch.setattr(search, "REGEX_SECONDS", 0.3)
    page = open_search(qtbot, slow_pattern).search
    assert run_search(qtbot, page, "(a|aa)+$", regex=True) is None
    assert "ran longer than 0.3 s and was stopped" in page.query_bar.hint.toolTip()
    assert page.query_bar.search_button.isEnabled()
    assert not page.runner.busy
    assert dialogs.shown == []


def _matching_now() -> bool:
    """Whether a thread is inside the regular expression's matching: its innermost frame of
    the search service is the comprehension that runs ``finditer`` (Python 3.11), or stands
    on the line that calls it (later versions inline comprehensions). The window's thread
    can see this only while the matching has let go of the GIL."""
    for frame in sys._current_frames().values():
        while frame is not None:
            if frame.f_code.co_filename == search.__file__:
                line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
                return frame.f_code.co_name == "<listcomp>" or "finditer(" in line
            frame = frame.f_back
    return False


def test_a_long_regular_expression_is_cancelled_at_once(
    qtbot: QtBot, slow_pattern: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "REGEX_SECONDS", 4.0)
    page = open_search(qtbot, slow_pattern).search
    page.query_bar.regex.setChecked(True)
    page.query_bar.query.insert("(a|aa)+$")
    started = time.monotonic()
    qtbot.keyClick(page.query_bar.query, Qt.Key.Key_Return)
    assert page.runner.busy
    assert page.query_bar.cancel_button.isEnabled()
    seen: list[bool] = []

    def matching_while_the_window_runs() -> bool:
        # Seen inside the matching at several turns of the window's event loop: the window
        # runs while the pattern does (a pattern holding the GIL would block it until its
        # time limit, and be over by then).
        if _matching_now():
            seen.append(True)
        return len(seen) >= 5

    qtbot.waitUntil(matching_while_the_window_runs, timeout=3_000)
    with qtbot.waitSignal(page.searched, timeout=WAIT_MS) as ended:
        qtbot.keyClick(page, Qt.Key.Key_Escape)
    # The window was free while the pattern ran, and is at once after Cancel.
    assert time.monotonic() - started < 3.0
    assert ended.args == [None]
    assert page.query_bar.status.text().startswith("Cancelled")
    assert not page.runner.busy
    assert page.query_bar.search_button.isEnabled()
    join_let_go()  # the pattern stops at its time limit; nothing of it reaches the window
    assert page.query_bar.status.text().startswith("Cancelled")


def test_the_query_options_unit_and_sizes_survive_a_restart(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    search_window = open_search(qtbot, window)
    page = search_window.search
    run_search(qtbot, page, '"state media"', match_case=True)
    page.query_bar.match_accents.setChecked(True)
    page.unit.set_unit("paragraph")
    search_window.tabs.setCurrentIndex(2)
    search_window.words.top.setValue(80)
    page.splitter.setSizes([500, 123])
    share = page.splitter.sizes()[1] / sum(page.splitter.sizes())
    size = search_window.size()
    search_window.close()
    window.close()
    again = open_window(qtbot, demo_project)
    restored = open_search(qtbot, again)
    assert restored is not search_window
    bar = restored.search.query_bar
    assert bar.query.text() == '"state media"'
    assert bar.match_case.isChecked()
    assert bar.match_accents.isChecked()
    assert not bar.regex.isChecked()
    assert restored.search.unit.unit().value == "paragraph"
    assert restored.tabs.currentIndex() == 2
    assert restored.words.top.value() == 80
    restored.tabs.setCurrentIndex(0)
    assert restored.size() == size
    sizes = restored.search.splitter.sizes()
    assert sizes[1] / sum(sizes) == pytest.approx(share, abs=0.01)  # the preview's share
    assert isinstance(restored, SearchWindow)
