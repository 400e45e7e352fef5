"""File → Import articles: the encoding chooser with its live preview, and relative paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.ui.intake.dialog import DETECT, ImportDialog
from annotator.ui.intake.report import report_html
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs
from tests.gui.importing import import_ticked, read, read_and_import

UNCLEAR = "港の渡し船"  # as EUC-JP, as plausible as Big5 hanzi: detection refuses it


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    (folder / "tokyo").mkdir(parents=True)
    (folder / "a-english.txt").write_text("Ferry crew walks off in the harbour.", encoding="utf-8")
    (folder / "tokyo" / "ferry.txt").write_bytes(UNCLEAR.encode("euc_jp"))
    return folder


def dialog_for(window: MainWindow, qtbot: QtBot, *paths: Path) -> ImportDialog:
    dialog = ImportDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_paths(list(paths))
    return dialog


def test_preview_follows_the_chosen_encoding_and_the_import_uses_it(
    window: MainWindow, qtbot: QtBot, folder: Path
) -> None:
    dialog = dialog_for(window, qtbot, folder)
    # The folder's file that is not UTF-8 is the one previewed; detection refuses it.
    assert dialog.choose.encoding.currentText() == DETECT
    assert "Would be refused:" in dialog.choose.preview_label.text()
    assert "ferry.txt: cannot tell its encoding" in dialog.choose.preview_label.text()
    assert dialog.choose.preview.toPlainText() == ""
    dialog.choose.encoding.setCurrentIndex(dialog.choose.encoding.findText("Japanese (EUC-JP)"))
    assert "read as <b>Japanese (EUC-JP)</b>" in dialog.choose.preview_label.text()
    assert dialog.choose.preview.toPlainText() == UNCLEAR
    # A wrong choice shows at once: refused, naming an encoding it reads in.
    dialog.choose.encoding.setCurrentIndex(dialog.choose.encoding.findText("Korean (EUC-KR/CP949)"))
    assert "Would be refused:" in dialog.choose.preview_label.text()
    assert "does not read as Korean (EUC-KR/CP949) text" in dialog.choose.preview_label.text()
    assert "; it reads as " in dialog.choose.preview_label.text()
    assert dialog.choose.preview.toPlainText() == ""
    dialog.choose_encoding("euc_jp")
    report = read_and_import(dialog, qtbot)
    assert report.refused == []
    assert sorted(i.source for i in report.imported) == ["a-english.txt", "tokyo/ferry.txt"]
    assert "tokyo/ferry.txt: Japanese (EUC-JP)" in report_html(report)
    project = window.controller.project
    document = project.documents.by_name("ferry")
    assert document is not None
    assert project.documents.text(document.id) == UNCLEAR
    assert document.source == "tokyo/ferry.txt"


def test_without_a_choice_the_unclear_file_is_refused_with_its_reason(
    window: MainWindow, qtbot: QtBot, folder: Path
) -> None:
    dialog = dialog_for(window, qtbot, folder)
    read(dialog, qtbot)
    assert dialog.preview_page.problem_lines() == [
        "refused: tokyo/ferry.txt: " + dialog.preview_result.batch.refused[0].reason
    ]
    report = import_ticked(dialog, qtbot)
    assert [i.source for i in report.imported] == ["a-english.txt"]
    html = report_html(report)
    assert "tokyo/ferry.txt: cannot tell its encoding: it reads as " in html
    assert window.controller.project.documents.by_name("ferry") is None


def test_preview_of_a_chosen_file_and_of_nothing(
    window: MainWindow, qtbot: QtBot, folder: Path
) -> None:
    dialog = dialog_for(window, qtbot)
    assert dialog.choose.preview_label.text().startswith("Preview: choose a plain-text file")
    dialog.add_paths([folder / "a-english.txt", folder / "tokyo" / "ferry.txt"])
    assert "read as <b>UTF-8</b>" in dialog.choose.preview_label.text()
    assert dialog.choose.preview.toPlainText() == "Ferry crew walks off in the harbour."
    dialog.choose.paths.setCurrentRow(1)
    assert "Would be refused:" in dialog.choose.preview_label.text()


def test_an_ambiguous_bare_name_in_the_variables_is_refused(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    for outlet in ("nyt", "wapo"):
        (tmp_path / "batch" / outlet).mkdir(parents=True)
        (tmp_path / "batch" / outlet / "day1.txt").write_text(f"{outlet} story", encoding="utf-8")
    (tmp_path / "vars.csv").write_text("file,outlet\nday1.txt,NYT\n", encoding="utf-8")
    documents = window.controller.project.documents.count()
    dialog = dialog_for(window, qtbot, tmp_path / "batch")
    dialog.choose.variables.setText(str(tmp_path / "vars.csv"))
    dialog.start()
    qtbot.waitUntil(lambda: bool(dialogs.shown), timeout=20_000)
    assert dialogs.shown == [
        (
            "warning",
            "Import articles: vars.csv, line 2: 'day1.txt' matches 2 files of this import "
            "(nyt/day1.txt, wapo/day1.txt); name each file by its path as the import knows it "
            "(nyt/day1.txt)",
        )
    ]
    assert window.controller.project.documents.count() == documents


def test_utf16_without_a_byte_order_mark_is_chosen_and_imported(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    text = "Ferry crew walks off.\n항구 여객선 선원들이 일손을 놓았다."
    (tmp_path / "wide.txt").write_bytes(text.encode("utf-16-le"))
    dialog = dialog_for(window, qtbot, tmp_path / "wide.txt")
    assert "Would be refused:" in dialog.choose.preview_label.text()
    assert "UTF-16 without a byte-order mark" in dialog.choose.preview_label.text()
    dialog.choose.encoding.setCurrentIndex(
        dialog.choose.encoding.findText("Unicode (UTF-16 LE, no byte-order mark)")
    )
    assert (
        "read as <b>Unicode (UTF-16 LE, no byte-order mark)</b>"
        in dialog.choose.preview_label.text()
    )
    assert dialog.choose.preview.toPlainText() == text
    assert [i.source for i in read_and_import(dialog, qtbot).imported] == ["wide.txt"]
    project = window.controller.project
    document = project.documents.by_name("wide")
    assert document is not None
    assert project.documents.text(document.id) == text
