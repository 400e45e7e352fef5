"""Machine suggestions in the window, attacked (issue 18.5 hostile pass): a model's long
reason or many suggestions for the whole article keep the bar a few lines high; in blind
mode a machine trained on another coder's codings of the open article says so; one accept
reads the article's suggestions once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.services import import_files
from annotator.services.machine import MachineCoding, add_machine, start_run, write_article
from annotator.services.machine import suggestions as sg
from annotator.services.machine.runs import finish_run
from annotator.storage import Project
from annotator.storage.machine import RunRecord
from annotator.ui.main_window import MainWindow
from tests.gui.test_machine_suggestions_window import machine_run, shown, three_suggestions

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
# Demo: Actor type 7..13 (not exclusive), Source reliability 15..20 (not exclusive).
ARTICLE_CODES = [7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20]


def test_a_long_reason_and_many_whole_article_suggestions_keep_the_bar_short(
    window: MainWindow, qtbot: QtBot, demo_project: Project
) -> None:
    rambling = "The model explains itself at length.\n" * 150  # a hostile or verbose model
    machine_run(
        demo_project,
        {
            1: [MachineCoding(code, None, None, 0.9, rambling) for code in ARTICLE_CODES]
            + [MachineCoding(9, 0, 30, 0.8, rambling)]
        },
    )
    suggestions = shown(window)
    whole = sum(1 for s in suggestions.items if s.span == (None, None))
    assert whole >= 10  # (Ana made some of them herself)
    qtbot.keyClick(window.reader, Qt.Key.Key_Down, ALT)  # to the passage: its reason shown
    current = suggestions.current_suggestion()
    assert current is not None
    assert current.span == (0, 30)
    bar = suggestions.bar
    qtbot.wait(10)
    assert "explains itself" in bar.text()
    assert bar.heightForWidth(bar.width()) < 8 * bar.fontMetrics().height()  # not 70 lines
    assert f"{whole - 4} more" in bar.text()
    # The reason whole is in the tooltip and the status line, kept to a readable length too.
    assert len(suggestions.label(current)) < 700
    assert "explains itself" in window.statusBar().currentMessage()


def _trained_run(project: Project, trained_from: str, documents: list[int]) -> RunRecord:
    """A classifier 'Gemma' whose model was trained on ``trained_from``'s codings of
    ``documents``, and a run of that model coding article 1."""
    backend = add_machine(project, "Gemma", "classifier")
    coder = project.coders.by_name(trained_from)
    assert coder is not None
    project.machine.add_model(
        backend.id,
        format="annotator-classifier/1",
        model=b"not read here",
        sha256="ab" * 32,
        trained_from_coder_id=coder.id,
        trained_document_ids=documents,
        cv={},
    )
    run = start_run(
        project,
        backend,
        document_ids=[1],
        prompt_template="sentences",
        settings={},
        model_version="ab" * 32,
    )
    write_article(project, run, 1, [MachineCoding(9, 0, 30, 0.8, None)])
    return finish_run(project, run, "done")


@pytest.mark.parametrize(
    ("trained_from", "documents", "warned"),
    [("Ben", [1, 2], True), ("Ben", [2, 3], False), ("Ana", [1, 2], False)],
)
def test_blind_mode_says_when_the_machine_learned_from_another_coder_here(
    window: MainWindow,
    demo_project: Project,
    trained_from: str,
    documents: list[int],
    warned: bool,
) -> None:
    _trained_run(demo_project, trained_from, documents)
    assert not window.controller.show_all_coders
    suggestions = shown(window)
    assert len(suggestions.items) == 1
    said = "trained on Ben's codings of this article" in suggestions.bar.text()
    assert said is warned
    if warned:  # showing every coder: nothing is hidden, so nothing to say
        window.controller.set_show_all_coders(True)
        assert "trained on Ben's" not in suggestions.bar.text()


def test_one_accept_reads_the_suggestions_once(
    window: MainWindow, qtbot: QtBot, demo_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_suggestions(demo_project)
    suggestions = shown(window)
    qtbot.keyClick(window.reader, Qt.Key.Key_Down, ALT)
    reads = []
    real = sg.suggestions
    monkeypatch.setattr(
        sg,
        "suggestions",
        lambda *args: reads.append(args) or real(*args),  # type: ignore
    )
    qtbot.keyClick(window.reader, Qt.Key.Key_Return, CTRL)
    assert len(suggestions.items) == 2
    assert len(reads) == 1
    qtbot.keyClick(window.reader, Qt.Key.Key_Backspace, CTRL)
    assert len(suggestions.items) == 1
    assert len(reads) == 2


def test_an_article_of_one_long_paragraph_works_out_the_outlines_on_screen_only(
    window: MainWindow, demo_project: Project, tmp_path: Path
) -> None:
    sentence = "The minders watched the workers closely at the restaurant in Ningbo. "
    path = tmp_path / "long.txt"
    path.write_text(sentence * 3000, encoding="utf-8")  # one paragraph
    import_files(demo_project, [path])
    document = demo_project.documents.by_name("long")
    assert document is not None
    size = len(sentence)
    machine_run(
        demo_project,
        {
            document.id: [
                MachineCoding(9, k * size, (k + 1) * size - 1, 0.8, None) for k in range(3000)
            ]
        },
    )
    window.controller.open_document(document.id)
    suggestions = shown(window)
    assert len(suggestions.items) == 3000
    on_screen = window.reader.outline_rectangles()
    height = window.reader.viewport().height()
    assert 0 < len(on_screen) < 200
    line = window.reader.fontMetrics().height() * 2  # an outline ends on the line below
    assert all(rect.bottom() >= -line and rect.top() <= height + line for _, rect in on_screen)
    first = suggestions.items[0]
    assert first.coding.id in {key for key, _ in on_screen}
    suggestions.go_to(2999)  # the last one, scrolled to
    keys = {key for key, _ in window.reader.outline_rectangles()}
    assert suggestions.items[2999].coding.id in keys
    assert first.coding.id not in keys
