"""Machine suggestions in the coding window (issue 18.5): drawn as dashed outlines on the
right characters (after an emoji too), accepted, edited, rejected and accepted in bulk with
keys and the menu, each one undo step, decisions recorded; blind mode shows them only when
chosen (remembered per project and coder); read-only refuses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QTextCursor
from PySide6.QtWidgets import QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.services.machine import MachineCoding, add_machine, start_run, write_article
from annotator.services.machine.runs import finish_run
from annotator.storage import Project
from annotator.storage.machine import Backend, RunRecord
from annotator.ui.coder_lanes import stripe_lanes
from annotator.ui.machine.suggestions import MachineSuggestions
from annotator.ui.main_window import MainWindow
from annotator.ui.outlines import DARKER
from tests.gui.conftest import Dialogs, open_window

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
# Demo code ids: Motive (exclusive) 3 Political, 5 Other / unclear; Actor type 8 Official or
# elite, 9 Security agent or minder, 11 Family member.
POLITICAL, OTHER, OFFICIAL, MINDER, FAMILY = 3, 5, 8, 9, 11
OFFICIAL_TEXT = "an official at South Korea’s Ministry of Unification said on Thursday"
MINDER_TEXT = "A manager and at least one security official are normally assigned to each site"
FAMILY_TEXT = "usually from families considered politically loyal"
MOTIVE_TEXT = "Analysts say the restaurants have come under financial strain"


def _at(project: Project, document_id: int, phrase: str) -> tuple[int, int]:
    text = project.documents.text(document_id)
    start = text.index(phrase)
    return start, start + len(phrase)


def machine_run(
    project: Project, codings: dict[int, list[MachineCoding]], name: str = "Gemma"
) -> tuple[Backend, RunRecord]:
    machine = project.machine.backends()
    backend = machine[0] if machine else add_machine(project, name, "classifier")
    run = start_run(
        project,
        backend,
        document_ids=sorted(codings),
        prompt_template="sentences, TF-IDF, a threshold per code",
        settings={},
    )
    for document_id, given in codings.items():
        write_article(project, run, document_id, given)
    return backend, finish_run(project, run, "done")


def three_suggestions(project: Project) -> tuple[Backend, RunRecord]:
    """Article 1: an official (0.9), a family (0.4) and a minder (0.8) in this order in the
    text, none of them Ana's."""
    return machine_run(
        project,
        {
            1: [
                MachineCoding(OFFICIAL, *_at(project, 1, OFFICIAL_TEXT), 0.9, "an official"),
                MachineCoding(MINDER, *_at(project, 1, MINDER_TEXT), 0.8, "watches the staff"),
                MachineCoding(FAMILY, *_at(project, 1, FAMILY_TEXT), 0.4, None),
            ]
        },
    )


def shown(window: MainWindow) -> MachineSuggestions:
    """Suggestions from the project's first machine, chosen in the menu."""
    suggestions = window.suggestions
    suggestions._fill_menu()
    machine = next(a for a in suggestions.menu.actions() if a.text().startswith("Gemma"))
    machine.trigger()
    return suggestions


def outlined(window: MainWindow) -> set[int]:
    return {key for key, _ in window.reader.outline_rectangles()}


def decisions(project: Project) -> list[tuple[str, int, str]]:
    rows = project.db.execute(
        "SELECT coding_guid, coder_id, decision FROM machine_suggestion_decisions ORDER BY id"
    )
    return [(str(g), int(c), str(d)) for g, c, d in rows]


def assisted(project: Project, coder_id: int) -> list[tuple[int, int | None, int | None, dict]]:
    return sorted(
        (c.code_id, c.start, c.end, json.loads(c.origin or "{}"))
        for c in project.codings.all()
        if c.coder_id == coder_id and c.origin and '"assisted"' in c.origin
    )


def _near(color: QColor, other: QColor, tolerance: int = 40) -> bool:
    return (
        abs(color.red() - other.red())
        + abs(color.green() - other.green())
        + abs(color.blue() - other.blue())
        <= tolerance
    )


def test_suggestions_are_outlined_on_their_characters_after_an_emoji(
    emoji_window: MainWindow, qtbot: QtBot
) -> None:
    window = emoji_window
    project = window.controller.project
    document_id = window.controller.document_id
    assert document_id is not None
    text = window.reader.text
    start = text.index("North Korean workers")
    end = start + len("North Korean workers")
    assert text.index("👀") < start  # an astral character before it: Qt counts it twice
    machine_run(project, {document_id: [MachineCoding(MINDER, start, end, 0.8, "minders")]})
    assert outlined(window) == set()  # off until chosen
    suggestions = shown(window)
    (suggestion,) = suggestions.items
    rectangles = [r for key, r in window.reader.outline_rectangles() if key == suggestion.coding.id]
    assert len(rectangles) == 1
    rect = rectangles[0]
    # The outline runs exactly from the first to the last character (in Qt's UTF-16 units).
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(start + 2)  # two emoji before it, each two UTF-16 units
    cursor.setPosition(end + 2, QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "North Korean workers"
    left = window.reader.cursorRect(QTextCursor(window.reader.document()))
    first, last = QTextCursor(window.reader.document()), QTextCursor(window.reader.document())
    first.setPosition(start + 2)
    last.setPosition(end + 2)
    assert abs(rect.left() - window.reader.cursorRect(first).left()) <= 2
    assert abs(rect.right() - window.reader.cursorRect(last).left()) <= 2
    assert rect.left() > left.left()
    # Drawn distinctly: a dashed outline in the code's colour made darker, nothing filled
    # (the coder's own codings are filled with the code's colour).
    qtbot.wait(20)
    image: QImage = window.reader.viewport().grab().toImage()
    code_color = QColor(window.controller.codebook.get(MINDER).color)
    outline_color = code_color.darker(DARKER)
    top = int(rect.top()) + 1
    row = [QColor(image.pixel(x, top)) for x in range(int(rect.left()) + 1, int(rect.right()))]
    dashes = sum(_near(c, outline_color) for c in row)
    assert dashes >= 5
    assert len(row) - dashes >= 5  # gaps between dashes
    middle = int(rect.center().y())
    inside = [
        QColor(image.pixel(x, middle)) for x in range(int(rect.left()) + 3, int(rect.right()) - 3)
    ]
    assert not any(_near(c, code_color, 6) for c in inside)


def test_accept_reject_undo_and_redo_with_the_keys(
    window: MainWindow, qtbot: QtBot, demo_project: Project
) -> None:
    _, run = three_suggestions(demo_project)
    suggestions = shown(window)
    assert len(outlined(window)) == 3
    official, family, minder = suggestions.items  # in the order of the text
    reader = window.reader
    qtbot.keyClick(reader, Qt.Key.Key_Down, ALT)
    assert suggestions.current == official.coding.id
    assert reader.selected_span() == official.span
    message = window.statusBar().currentMessage()
    assert "Suggestion 1 of 3" in message
    assert "Actor type > Official or elite" in message
    assert "confidence 0.90" in message
    assert "an official" in message
    qtbot.keyClick(reader, Qt.Key.Key_Return, CTRL)
    ana = window.controller.coder.id
    start, end = official.span
    assert assisted(demo_project, ana) == [
        (
            OFFICIAL,
            start,
            end,
            {"kind": "assisted", "run": run.guid, "suggestion": official.guid, "edited": False},
        )
    ]
    assert decisions(demo_project) == [(official.guid, ana, "accepted")]
    assert outlined(window) == {minder.coding.id, family.coding.id}
    assert suggestions.current == family.coding.id  # on to the next
    assert window.undo_action.text() == "&Undo accept suggestion Official or elite"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert assisted(demo_project, ana) == []
    assert decisions(demo_project) == []
    assert len(outlined(window)) == 3
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [row[0] for row in assisted(demo_project, ana)] == [OFFICIAL]
    assert decisions(demo_project) == [(official.guid, ana, "accepted")]
    # Reject the minder: a decision, no coding; undo and redo.
    qtbot.keyClick(reader, Qt.Key.Key_Down, ALT)
    assert suggestions.current == minder.coding.id
    codings = demo_project.codings.count()
    qtbot.keyClick(reader, Qt.Key.Key_Backspace, CTRL)
    assert demo_project.codings.count() == codings
    assert decisions(demo_project)[-1] == (minder.guid, ana, "rejected")
    assert outlined(window) == {family.coding.id}
    assert demo_project.machine.decision_counts([run.id]) == {
        "accepted": 1,
        "edited": 0,
        "rejected": 1,
    }
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert outlined(window) == {minder.coding.id, family.coding.id}
    assert demo_project.machine.decision_counts([run.id])["rejected"] == 0
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert demo_project.machine.decision_counts([run.id])["rejected"] == 1
    assert (
        window.statusBar().currentMessage() == "Redone: reject suggestion Security agent or minder"
    )


def test_selecting_another_passage_accepts_it_edited(
    window: MainWindow, qtbot: QtBot, demo_project: Project
) -> None:
    three_suggestions(demo_project)
    suggestions = shown(window)
    qtbot.keyClick(window.reader, Qt.Key.Key_Up, ALT)  # from the top: back to the last one
    minder = suggestions.current_suggestion()
    assert minder is not None
    assert minder.code_id == MINDER
    start, end = minder.span
    assert start is not None
    # The coder drags a shorter passage: "A manager and at least one security official".
    shorter = end - len(" are normally assigned to each site")
    window.reader.select_span(start, shorter - 3)  # mid-word: snapped to the whole word
    qtbot.keyClick(window.reader, Qt.Key.Key_Return, CTRL)
    ana = window.controller.coder.id
    ((code, a, b, origin),) = assisted(demo_project, ana)
    assert (code, a, b) == (MINDER, start, shorter)
    assert origin["edited"] is True
    assert decisions(demo_project) == [(minder.guid, ana, "edited")]
    assert window.undo_action.text() == "&Undo accept suggestion Security agent or minder (edited)"
    # The machine's coding is as it was.
    assert demo_project.codings.by_guid(minder.guid) == minder.coding


def test_accept_all_above_a_confidence_is_one_step(
    window: MainWindow, qtbot: QtBot, demo_project: Project
) -> None:
    _, run = three_suggestions(demo_project)
    suggestions = shown(window)
    dialog = suggestions.accept_all_dialog()
    assert dialog is not None
    assert dialog.threshold == 0.8
    assert "2 of the 3 suggestions in this article have" in dialog.count.text()
    dialog.spin.setValue(0.95)
    assert "0 of the 3" in dialog.count.text()
    assert not dialog.ok.isEnabled()
    dialog.spin.setValue(0.8)
    dialog.accept()
    ana = window.controller.coder.id
    assert [row[0] for row in assisted(demo_project, ana)] == [OFFICIAL, MINDER]
    assert demo_project.machine.decision_counts([run.id])["accepted"] == 2
    assert len(outlined(window)) == 1
    assert window.statusBar().currentMessage().startswith("Accepted 2 suggestions at or above 0.80")
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # both go back in one step
    assert assisted(demo_project, ana) == []
    assert demo_project.machine.decision_counts([run.id])["accepted"] == 0
    assert len(outlined(window)) == 3


def test_a_suggestion_against_an_exclusive_dimension_asks_first(
    window: MainWindow, qtbot: QtBot, demo_project: Project, dialogs: Dialogs
) -> None:
    # Ana coded article 1 "Other / unclear" for the whole article: Motive is exclusive.
    machine_run(
        demo_project, {1: [MachineCoding(POLITICAL, *_at(demo_project, 1, MOTIVE_TEXT), 0.9)]}
    )
    suggestions = shown(window)
    qtbot.keyClick(window.reader, Qt.Key.Key_Down, ALT)
    ana = window.controller.coder.id
    before = sorted(c.id for c in demo_project.codings.all())
    dialogs.answer(QMessageBox.StandardButton.No)
    qtbot.keyClick(window.reader, Qt.Key.Key_Return, CTRL)
    assert dialogs.shown[-1][0] == "question"
    assert "Replace coding?" in dialogs.shown[-1][1]
    assert "Other / unclear: the whole article" in dialogs.shown[-1][1]
    assert sorted(c.id for c in demo_project.codings.all()) == before
    assert len(suggestions.items) == 1
    dialogs.answer(QMessageBox.StandardButton.Yes)
    qtbot.keyClick(window.reader, Qt.Key.Key_Return, CTRL)
    assert demo_project.codings.find_same(1, ana, OTHER, None, None) is None
    assert [row[0] for row in assisted(demo_project, ana)] == [POLITICAL]
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # one step: the replaced coding comes back
    assert sorted(c.id for c in demo_project.codings.all()) == before


def test_blind_mode_shows_suggestions_only_when_chosen(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    backend, _ = three_suggestions(demo_project)
    controller = window.controller
    assert not controller.show_all_coders  # Ana, Ben and Gemma: blind
    suggestions = window.suggestions
    assert suggestions.choice is None
    assert outlined(window) == set()
    assert not suggestions.bar.isVisible()
    machine_ids = {c.id for c in demo_project.codings.for_document(1, backend.coder_id)}

    def machine_drawn() -> bool:
        spans = window.article._spans(0, len(window.reader.text))
        lanes = stripe_lanes(controller)
        return any(row[2] in machine_ids for row in spans) or any(
            coder == backend.coder_id for _, coder in lanes
        )

    assert not machine_drawn()
    shown(window)
    assert len(outlined(window)) == 3
    assert suggestions.bar.isVisible()
    assert "Suggestions from Gemma (classifier)" in suggestions.bar.text()
    # Shown as suggestions only: never as a coder's codings or stripe lane.
    assert not machine_drawn()
    assert controller.visible_coder_ids() == {controller.coder.id}
    # Remembered for Ana in this project; Ben starts without them.
    ben = demo_project.coders.by_name("Ben")
    assert ben is not None
    controller.set_coder(ben)
    assert suggestions.choice is None
    assert outlined(window) == set()
    ana = demo_project.coders.by_name("Ana")
    assert ana is not None
    controller.set_coder(ana)
    assert suggestions.choice is not None
    assert len(outlined(window)) == 3
    again = open_window(qtbot, demo_project)
    assert again.suggestions.choice is not None
    again.suggestions.choose(None)
    assert not again.suggestions.bar.isVisible()
    third = open_window(qtbot, demo_project)
    assert third.suggestions.choice is None


def test_a_run_and_the_menu(window: MainWindow, demo_project: Project) -> None:
    _, first = three_suggestions(demo_project)
    _, second = machine_run(
        demo_project, {2: [MachineCoding(FAMILY, 0, 20, 0.7)]}
    )  # another article
    suggestions = window.suggestions
    suggestions._fill_menu()
    texts = [a.text() for a in suggestions.menu.actions()]
    assert texts[:2] == ["&Off", "Gemma (classifier)"]
    assert "One &run" in texts
    for name in (
        "&Accept suggestion\tCtrl+Return",
        "&Reject suggestion\tCtrl+Backspace",
        "&Next suggestion\tAlt+Down",
        "Accept all above &confidence…",
    ):
        assert name in texts
    runs = next(a.menu() for a in suggestions.menu.actions() if a.text() == "One &run")
    labels = [a.text() for a in runs.actions()]
    assert labels[0].startswith(second.guid[:8])  # newest first
    assert labels[1].startswith(first.guid[:8])
    runs.actions()[1].trigger()
    assert suggestions.source is not None
    assert suggestions.source.run_guid == first.guid
    assert len(suggestions.items) == 3
    window.controller.open_document(2)
    assert suggestions.items == []  # the first run did not code article 2
    window.suggestions.reject()
    assert window.statusBar().currentMessage() == "No suggestions left in this article."


def test_clicking_a_suggestion_makes_it_current_and_says_what_it_is(
    window: MainWindow, qtbot: QtBot, demo_project: Project
) -> None:
    three_suggestions(demo_project)
    suggestions = shown(window)
    minder = suggestions.items[2]
    window.reader.select_span(*minder.span)  # scrolled into view
    window.reader.moveCursor(QTextCursor.MoveOperation.Start)
    rect = next(r for key, r in window.reader.outline_rectangles() if key == minder.coding.id)
    qtbot.mouseClick(
        window.reader.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(int(rect.left()) + 12, int(rect.center().y())),
    )
    assert suggestions.current == minder.coding.id
    message = window.statusBar().currentMessage()
    assert "Security agent or minder (confidence 0.80)" in message
    assert "watches the staff" in message
    assert "Security agent or minder" in window.reader.outlines.label(minder.coding.id)
    assert "now 3 of 3" in suggestions.bar.text()


@pytest.fixture
def read_only_window(qtbot: QtBot, demo_path: Path) -> Iterator[MainWindow]:
    with Project.open(demo_path) as project:
        three_suggestions(project)
    project = Project.open(demo_path, read_only=True)
    window = open_window(qtbot, project)
    yield window
    window.close()
    project.close()


def test_read_only_shows_suggestions_and_refuses_deciding(
    read_only_window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    window = read_only_window
    project = window.controller.project
    suggestions = shown(window)
    assert len(outlined(window)) == 3  # looking is reading
    for action in (
        suggestions.accept_action,
        suggestions.reject_action,
        suggestions.accept_all_action,
    ):
        assert not action.isEnabled()
        assert "Read-only" in action.toolTip()
    qtbot.keyClick(window.reader, Qt.Key.Key_Down, ALT)
    assert suggestions.current is not None
    qtbot.keyClick(window.reader, Qt.Key.Key_Return, CTRL)
    assert not suggestions.accept()
    assert "Cannot accept a suggestion: read-only" in window.statusBar().currentMessage()
    assert not suggestions.reject()
    assert suggestions.accept_all(0.1) == 0
    assert decisions(project) == []
    assert dialogs.shown == []
    assert len(suggestions.items) == 3


def test_the_keys_act_in_the_reader_only(
    window: MainWindow, qtbot: QtBot, demo_project: Project
) -> None:
    three_suggestions(demo_project)
    suggestions = shown(window)
    qtbot.keyClick(window.reader, Qt.Key.Key_Down, ALT)
    current = suggestions.current
    assert current is not None
    # In the article filter, Ctrl+Backspace deletes a word, as in any text field.
    box = window.documents.findChildren(QLineEdit)[0]
    box.setFocus()
    box.setText("hello world")
    qtbot.keyClick(box, Qt.Key.Key_Backspace, CTRL)
    assert box.text() == "hello "
    assert decisions(demo_project) == []
    box.clear()
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Backspace, CTRL)
    assert [d for _, _, d in decisions(demo_project)] == ["rejected"]


def test_a_suggestion_replaced_meanwhile_is_refused_and_the_new_ones_shown(
    window: MainWindow, qtbot: QtBot, demo_project: Project, dialogs: Dialogs
) -> None:
    three_suggestions(demo_project)
    suggestions = shown(window)
    qtbot.keyClick(window.reader, Qt.Key.Key_Down, ALT)
    old = {s.guid for s in suggestions.items}
    # Another program codes the article again with the machine (this window is not told).
    machine_run(
        demo_project, {1: [MachineCoding(OFFICIAL, *_at(demo_project, 1, OFFICIAL_TEXT), 0.95)]}
    )
    qtbot.keyClick(window.reader, Qt.Key.Key_Return, CTRL)
    kind, text = dialogs.shown[-1]
    assert kind == "warning"
    assert "newer run of the machine replaced it" in text
    assert decisions(demo_project) == []
    assert window.controller.undo_stack.count() == 0
    (now,) = suggestions.items  # read again: the new run's one suggestion
    assert now.guid not in old
    assert now.confidence == 0.95


def test_the_readers_menu_accepts_or_rejects_the_suggestion_under_the_pointer(
    window: MainWindow, demo_project: Project
) -> None:
    three_suggestions(demo_project)
    suggestions = shown(window)
    official = suggestions.items[0]
    window.reader.select_span(*official.span)
    window.reader.moveCursor(QTextCursor.MoveOperation.Start)  # no selection: accepted as is
    rect = next(r for key, r in window.reader.outline_rectangles() if key == official.coding.id)
    menu = window.reader_menu(QPoint(int(rect.left()) + 12, int(rect.center().y())))
    texts = [a.text() for a in menu.actions()]
    assert "Accept suggestion Actor type > Official or elite" in texts
    assert "Reject suggestion Actor type > Official or elite" in texts
    assert not any("Security agent" in t for t in texts)  # not under the pointer
    next(a for a in menu.actions() if a.text().startswith("Accept suggestion")).trigger()
    ana = window.controller.coder.id
    assert decisions(demo_project) == [(official.guid, ana, "accepted")]
    assert [row[0] for row in assisted(demo_project, ana)] == [OFFICIAL]


def test_f1_lists_the_suggestion_keys(window: MainWindow) -> None:
    dialog = window._show_shortcuts()
    sheet = dialog.sheet.toPlainText()
    dialog.close()
    for keys, what in (
        ("Ctrl+Return", "Accept the current machine suggestion"),
        ("Ctrl+Backspace", "Reject the current machine suggestion"),
        ("Alt+Down", "Next machine suggestion"),
        ("Alt+Up", "Previous machine suggestion"),
    ):
        assert f"{keys}\n{what}" in sheet
    # The menu shows the keys beside its entries.
    assert window.suggestions.accept_action.text() == "&Accept suggestion\tCtrl+Return"
