"""The coding window's modes: blind after a coder switch, word snapping by grapheme clusters,
settings that are garbage falling back to their defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QRect
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator import paths
from annotator.services import import_files
from annotator.storage import Project
from annotator.ui import settings
from annotator.ui.controller import Controller
from annotator.ui.dialogs.coder import NEW_CODER, CoderDialog
from annotator.ui.main_window import MainWindow
from annotator.ui.window_state import (
    PREFERRED,
    clamped,
    default_size,
    pane_widths,
    restore_geometry,
)
from tests.gui.conftest import open_window


def _coders_shown(window: MainWindow) -> set[str]:
    model = window.codings.model
    return {model.data(model.index(row, 1)) for row in range(model.rowCount())}


def _switch_to(window: MainWindow, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    def answer(dialog: CoderDialog) -> int:
        if window.controller.project.coders.by_name(name) is None:
            dialog.choice.setCurrentText(NEW_CODER)
            dialog.name.setText(name)
        else:
            dialog.choice.setCurrentText(name)
        dialog.accept()
        return int(CoderDialog.DialogCode.Accepted)

    monkeypatch.setattr(CoderDialog, "exec", answer)
    window.coder_action.trigger()
    assert window.controller.coder.name == name


def test_a_coder_switch_starts_blind(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    window.show_all_action.trigger()  # Ana looks at everyone's codings
    assert _coders_shown(window) == {"Ana", "Ben"}
    _switch_to(window, monkeypatch, "Ben")
    assert not window.show_all_action.isChecked()
    assert _coders_shown(window) == {"Ben"}
    document_id = window.controller.document_id
    assert document_id is not None
    ben = window.controller.coder.id
    assert window.reader.span_count() == len(
        window.controller.project.codings.spans(document_id, [ben])
    )


def test_a_new_coder_on_a_one_coder_project_starts_blind(
    qtbot: QtBot, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "one.txt"
    path.write_text("Workers left the country in spring.\n", encoding="utf-8")
    import_files(project, [path])
    window = open_window(qtbot, project)
    # Only Ana codes here: she sees everything, which is all hers.
    assert window.show_all_action.isChecked()
    window.controller.open_document(project.documents.by_name("one").id)  # type: ignore[union-attr]
    code = next(c for c in window.controller.codebook.codes() if not c.is_dimension)
    window.reader.select_span(0, 7)
    assert window.apply(code.id)
    assert _coders_shown(window) == {"Ana"}
    _switch_to(window, monkeypatch, "Dana")
    assert not window.show_all_action.isChecked()
    assert _coders_shown(window) == set()  # not Ana's work
    assert window.reader.span_count() == 0
    assert len(list(project.codings.all())) == 1


@pytest.mark.parametrize(
    "word", ["cafe\u0301", "e\u0301tait", "हिन्दी"], ids=["café", "était", "hindi"]
)
def test_a_code_key_on_part_of_a_word_with_marks_codes_the_whole_word(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, word: str
) -> None:
    path = tmp_path / "marks.txt"
    path.write_text(f"Au {word} ce matin.\n", encoding="utf-8")
    project = window.controller.project
    import_files(project, [path])
    document = project.documents.by_name("marks")
    assert document is not None
    window.controller.open_document(document.id)
    start = window.reader.text.index(word)
    window.reader.select_span(start + len(word) - 2, start + len(word))  # the last two
    assert window.snap_action.isChecked()
    qtbot.keyClick(window.reader, "q")  # Actor type > Overseas worker
    [coding] = project.codings.for_document(document.id, window.controller.coder.id)
    assert (coding.start, coding.end) == (start, start + len(word))
    assert project.documents.text(document.id)[coding.start : coding.end] == word


def _write_settings(lines: str) -> None:
    (paths.data_dir() / "settings.ini").parent.mkdir(parents=True, exist_ok=True)
    (paths.data_dir() / "settings.ini").write_text(lines, encoding="utf-8")


@pytest.mark.parametrize(
    "geometry",
    ["garbage", "@ByteArray(\\x1\\xd9\\xd0\\xcb\\0\\x3)", "@ByteArray()", "12"],
)
def test_a_garbage_geometry_gives_the_default_size(
    qtbot: QtBot, demo_project: Project, geometry: str
) -> None:
    _write_settings(f"[window]\ngeometry={geometry}\n")
    window = MainWindow(_controller(demo_project))
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry()
    assert window.size() == default_size(screen)
    assert window.width() >= min(PREFERRED.width(), screen.width() * 9 // 10)


def test_the_default_size_fits_a_small_screen() -> None:
    assert default_size(QRect(0, 0, 1280, 720)).toTuple() == (1152, 648)
    assert default_size(QRect(0, 0, 2560, 1440)) == PREFERRED


def test_a_saved_geometry_is_restored(qtbot: QtBot, demo_project: Project) -> None:
    first = MainWindow(_controller(demo_project))
    qtbot.addWidget(first)
    first.resize(700, 500)  # the offscreen screen is 800×600
    first.save_state()
    second = MainWindow(_controller(demo_project))
    qtbot.addWidget(second)
    assert second.size().toTuple() == (700, 500)


@pytest.mark.parametrize(("value", "on"), [("maybe", True), ("false", False), ("0", False)])
def test_an_invalid_snap_setting_means_the_default(
    qtbot: QtBot, demo_project: Project, value: str, on: bool
) -> None:
    _write_settings(f"[reading]\nsnap_to_words={value}\n")
    assert settings.SNAP_TO_WORDS.get(settings.open_settings()) is on
    window = open_window(qtbot, demo_project)
    assert window.snap_action.isChecked() is on
    assert window.reader.snap_to_words is on


def _controller(project: Project):  # type: ignore[no-untyped-def]
    from annotator.ui.controller import Controller

    coder = project.coders.by_name("Ana")
    assert coder is not None
    return Controller(project, coder)


def test_byte_array_setting_survives_a_string() -> None:
    store = settings.open_settings()
    store.setValue(settings.GEOMETRY.key, "nonsense")
    assert isinstance(settings.GEOMETRY.get(store), QByteArray)


@pytest.mark.parametrize(
    ("frame", "available", "expected"),
    [
        # saved on a 2560-px monitor, opened on the 1280×720 laptop
        ((1200, 300, 1440, 860), (0, 0, 1280, 720), (0, 0, 1280, 720)),
        ((2000, 100, 800, 600), (0, 0, 1280, 720), (480, 100, 800, 600)),  # off to the right
        ((-900, -50, 800, 600), (0, 25, 1280, 695), (0, 25, 800, 600)),  # above, to the left
        ((100, 100, 800, 600), (0, 0, 1280, 720), (100, 100, 800, 600)),  # fits: unchanged
        ((1500, 100, 800, 600), (1280, 0, 1920, 1080), (1500, 100, 800, 600)),  # second screen
    ],
)
def test_a_restored_frame_is_clamped_to_the_screen(
    frame: tuple[int, ...], available: tuple[int, ...], expected: tuple[int, ...]
) -> None:
    assert clamped(QRect(*frame), QRect(*available)).getRect() == expected


def test_a_window_saved_on_a_larger_screen_opens_inside_this_one(qtbot: QtBot) -> None:
    big = QWidget()
    qtbot.addWidget(big)
    available = big.screen().availableGeometry()
    big.setGeometry(available.right() + 200, available.bottom() - 50, 2600, 1500)
    saved = big.saveGeometry()
    again = QWidget()
    qtbot.addWidget(again)
    assert restore_geometry(again, saved)
    assert available.contains(again.frameGeometry()), (again.frameGeometry(), available)


@pytest.mark.parametrize(
    ("total", "wanted", "least", "expected"),
    [
        (1600, [340, 760, 380], [200, 100, 150], [340, 880, 380]),  # room: the article grows
        (1392, [340, 760, 380], [200, 100, 150], [340, 672, 380]),  # the others as wanted
        (792, [344, 760, 380], [201, 101, 156], [233, 301, 258]),  # 38 % for the article
        (400, [344, 760, 380], [201, 101, 156], [201, 101, 156]),  # nothing below its least
    ],
)
def test_the_article_keeps_its_share_of_a_narrow_window(
    total: int, wanted: list[int], least: list[int], expected: list[int]
) -> None:
    assert pane_widths(total, wanted, least, main=1) == expected


def test_an_800_pixel_window_shows_the_article_and_the_codebook_names(
    qtbot: QtBot, demo_project: Project
) -> None:
    coder = demo_project.coders.by_name("Ana")
    assert coder is not None
    window = MainWindow(Controller(demo_project, coder))
    qtbot.addWidget(window)
    window.resize(800, 600)
    with qtbot.waitExposed(window):
        window.show()
    documents, article, side = window.main.sizes()
    assert article >= 0.37 * sum((documents, article, side)), window.main.sizes()
    codebook, header = window.codebook, window.codebook.header()
    # the counts step aside
    qtbot.waitUntil(lambda: header.isSectionHidden(2) and header.isSectionHidden(3))
    assert header.sectionSize(0) >= codebook.fontMetrics().horizontalAdvance("Overseas")
    window.resize(1400, 860)  # the panes follow the window until the coder moves a divider
    qtbot.waitUntil(lambda: not header.isSectionHidden(3))  # room again: the counts are back
    assert window.main.sizes()[2] >= 360
    window.main.splitterMoved.emit(500, 1)  # as a drag does
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800)
    assert window.main.sizes()[2] > 212  # the coder's arrangement is not undone
