"""Word frequencies: the most frequent words of every article or of a code's passages, the
stop words of a language left out (edited and kept in the project), a table and a chart —
the table without matplotlib too."""

from __future__ import annotations

import re
import sys

import pytest
import stopwordsiso
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.services import word_frequencies
from annotator.storage import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.search.window import WORDS_TAB
from annotator.ui.search.words_chart import NO_MATPLOTLIB, chart_words
from annotator.ui.search.words_page import WordsPage
from tests.gui.search_window_support import WAIT_MS, open_search


def words_page(qtbot: QtBot, window: MainWindow) -> WordsPage:
    search_window = open_search(qtbot, window)
    search_window.tabs.setCurrentIndex(WORDS_TAB)
    return search_window.words


def count(qtbot: QtBot, page: WordsPage) -> None:
    with qtbot.waitSignal(page.counted, timeout=WAIT_MS):
        qtbot.mouseClick(page.count_button, Qt.MouseButton.LeftButton)


def table(page: WordsPage) -> dict[str, int]:
    model = page.model
    return {
        model.index(r, 0).data(): int(model.index(r, 1).data().replace(",", ""))
        for r in range(model.rowCount())
    }


def occurrences(texts: list[str], word: str) -> int:
    return sum(len(re.findall(rf"\b{word}\b", t, re.IGNORECASE)) for t in texts)


def test_the_words_of_every_article_without_english_stop_words(
    qtbot: QtBot, window: MainWindow, demo_project: Project, qtmodeltester: ModelTester
) -> None:
    page = words_page(qtbot, window)
    count(qtbot, page)
    shown = table(page)
    assert len(shown) == 50
    texts = list(demo_project.documents.texts().values())
    english = {w.lower() for w in stopwordsiso.stopwords("en")}
    assert not set(shown) & english
    for word in ("south", "border", "money"):
        assert shown[word] == occurrences(texts, word)
    counts = list(shown.values())
    assert counts == sorted(counts, reverse=True)
    qtmodeltester.check(page.model)
    assert "in 8 articles (every article)" in page.status.text()
    # Every article's stop words kept: "the" leads.
    page.keep.setChecked(True)
    count(qtbot, page)
    assert next(iter(table(page))) == "the"
    assert table(page)["the"] == occurrences(texts, "the")


def test_the_words_of_a_codes_passages(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    page = words_page(qtbot, window)
    code = window.controller.codebook.find("Actor type > Overseas worker")
    assert code is not None
    page.scope.within.action_of(code.id).trigger()
    count(qtbot, page)
    ana = window.controller.coder.id
    passages = []
    for coding in demo_project.codings.for_code(code.id):
        if coding.coder_id != ana:
            continue  # blind: Ana's own passages
        text = demo_project.documents.text(coding.document_id)
        passages.append(text if coding.start is None else text[coding.start : coding.end])
    shown = table(page)
    assert shown
    for word in list(shown)[:5]:
        assert shown[word] == occurrences(passages, word)


def test_stop_words_edited_in_the_project_and_counted_again(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    page = words_page(qtbot, window)
    count(qtbot, page)
    assert "south" in table(page)
    assert "said" not in table(page)  # an English stop word
    dialog = page.edit_stop_words()
    assert dialog.language.language() == "en"
    size = len(word_frequencies.stop_words(demo_project, "en"))
    dialog.word.setText("south")
    with qtbot.waitSignal(page.counted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "south" not in table(page)
    assert word_frequencies.stop_word_changes(demo_project, "en") == (["south"], [])
    assert dialog.count.text() == f"{size + 1:,} stop words (1 added in this project)"
    # Take "said" off the list: it is counted again.
    dialog.word.setText("said")
    assert dialog.filtered.rowCount() >= 1
    row = next(
        r for r in range(dialog.filtered.rowCount()) if dialog.filtered.index(r, 0).data() == "said"
    )
    dialog.list.setCurrentIndex(dialog.filtered.index(row, 0))
    with qtbot.waitSignal(page.counted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    texts = list(demo_project.documents.texts().values())
    assert table(page)["said"] == occurrences(texts, "said")
    assert word_frequencies.stop_word_changes(demo_project, "en") == (["south"], ["said"])
    # Words chosen in the table become stop words in one click.
    north = next(
        r for r in range(page.proxy.rowCount()) if page.proxy.index(r, 0).data() == "north"
    )
    page.view.selectRow(north)
    with qtbot.waitSignal(page.counted, timeout=WAIT_MS):
        qtbot.mouseClick(page.add_stop_button, Qt.MouseButton.LeftButton)
    assert "north" not in table(page)
    assert word_frequencies.stop_word_changes(demo_project, "en")[0] == ["north", "south"]
    # Reset: the package's list again.
    with qtbot.waitSignal(page.counted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    assert word_frequencies.stop_word_changes(demo_project, "en") == ([], [])
    assert {"south", "north"} <= set(table(page))


def test_another_languages_stop_words(qtbot: QtBot, window: MainWindow) -> None:
    page = words_page(qtbot, window)
    assert page.language.choose("ko")
    count(qtbot, page)
    assert "the" in table(page)  # English words are not Korean stop words
    assert "Korean (ko)" in page.status.text()


def test_the_chart_draws_the_top_words(qtbot: QtBot, window: MainWindow) -> None:
    pytest.importorskip("matplotlib")
    page = words_page(qtbot, window)
    count(qtbot, page)
    figure = page.chart.figure
    assert page.chart.canvas is not None
    (axes,) = figure.axes
    shown = chart_words(page.chart.width())
    assert 10 <= shown <= 25
    heights = [bar.get_height() for bar in axes.patches]
    assert heights == [float(n) for n in list(table(page).values())[:shown]]
    labels = [label.get_text() for label in axes.get_xticklabels()]
    assert labels == list(table(page))[:shown]


def test_without_matplotlib_the_table_works_and_the_chart_says_why(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    page = words_page(qtbot, window)
    count(qtbot, page)
    assert len(table(page)) == 50
    assert page.chart.canvas is None
    assert page.chart.message.text() == NO_MATPLOTLIB
    assert page.chart.message.isVisible()


def test_a_stop_word_that_could_never_match_is_refused_with_the_reason(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    page = words_page(qtbot, window)
    dialog = page.edit_stop_words()
    for typed, pieces in (("North Korea", "'north', 'korea'"), ("工人", "'工', '人'")):
        dialog.word.setText(typed)
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        assert dialog.message.text() == (
            f"'{typed}' is counted as 2 words ({pieces}): a stop word is one word, "
            "so add each on its own"
        )
        assert word_frequencies.stop_word_changes(demo_project, "en") == ([], [])
    # One word kept as it is counted ("U.S." is counted "u.s").
    dialog.word.setText("U.S.")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert word_frequencies.stop_word_changes(demo_project, "en") == (["u.s"], [])
