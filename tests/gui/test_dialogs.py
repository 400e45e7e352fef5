"""Dialogs: importing with a report of refused files, the codebook editor, the coder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.dialogs.codebook_editor import CodebookDialog
from annotator.ui.dialogs.coder import NEW_CODER, CoderDialog
from annotator.ui.intake.dialog import ImportDialog
from annotator.ui.intake.report import report_html
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs
from tests.gui.importing import read_and_import


def test_import_dialog_reports_refused_files(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "new-article.txt").write_text(
        "A new article about a border crossing.", encoding="utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(b"%PDF-garbage")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    rows = window.documents.model.rowCount()
    dialog = ImportDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.add_paths([folder])
    report = read_and_import(dialog, qtbot)
    assert [i.source for i in report.imported] == ["new-article.txt"]
    assert {r.path.name for r in report.refused} == {"empty.txt", "scan.pdf", "photo.jpg"}
    html = report_html(report)
    assert "Refused 3 files" in html
    assert "empty.txt: is empty" in html
    assert window.documents.model.rowCount() == rows + 1
    assert window.controller.project.documents.by_name("new-article") is not None


def test_bad_variables_csv_is_refused_before_reading(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "vars.csv").write_text("name,outlet\na.txt,X\n", encoding="utf-8")
    dialog = ImportDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.add_paths([tmp_path / "a.txt"])
    dialog.choose.variables.setText(str(tmp_path / "vars.csv"))
    dialog.start()
    assert dialogs.shown == [
        ("warning", "Import articles: vars.csv, line 1: the header lacks the column 'file'")
    ]
    assert window.controller.project.documents.by_name("a") is None


def _dialog(window: MainWindow, qtbot: QtBot) -> CodebookDialog:
    dialog = CodebookDialog(window.controller, window.codebook_model, window)
    qtbot.addWidget(dialog)
    return dialog


def test_codebook_editor_add_rename_recolour_describe_and_undo(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _dialog(window, qtbot)
    framing = dialog.add_dimension("Framing")
    assert framing is not None
    code = dialog.add_code("Human interest")
    assert code is not None
    assert window.controller.codebook.path(code.id) == "Framing > Human interest"
    dialog.name.setText("Human-interest frame")
    dialog._show_color("#AADDFF")
    dialog.shortcut.setText("z")
    dialog.description.setPlainText("Definition: the story is told through one person.")
    dialog.save_form()
    stored = window.controller.project.codebook.get(code.id)
    assert (stored.name, stored.color, stored.shortcut) == ("Human-interest frame", "#AADDFF", "z")
    assert window.codebook_model.index_of(code.id).data() == "Human-interest frame"
    window.undo_action.trigger()
    assert window.controller.project.codebook.get(code.id).name == "Human interest"
    window.undo_action.trigger()  # the colour, saved when it was picked
    assert window.controller.project.codebook.get(code.id).color != "#AADDFF"
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert window.controller.codebook.find("Framing") is None
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert window.controller.codebook.path(code.id) == "Framing > Human interest"


def test_codebook_editor_reorders_and_moves(window: MainWindow, qtbot: QtBot) -> None:
    dialog = _dialog(window, qtbot)
    codebook = window.controller.codebook
    other = codebook.find("Motive > Other / unclear")
    actor = codebook.find("Actor type")
    assert other is not None
    assert actor is not None
    dialog.select(other.id)
    dialog.move_by(-1)
    motive_codes = [c.name for c in window.controller.codebook.children(other.parent_id)]
    assert motive_codes[-2:] == ["Other / unclear", "Family / personal"]
    dialog.move_to(actor.id, ask=False)
    assert window.controller.codebook.path(other.id) == "Actor type > Other / unclear"


def test_codebook_editor_merge_and_delete_confirm_with_counts(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    codebook = window.controller.codebook
    other, political = (
        codebook.find("Motive > Other / unclear"),
        codebook.find("Motive > Political"),
    )
    assert other is not None
    assert political is not None
    usage = len(project.codings.for_code(other.id))
    dialog = _dialog(window, qtbot)
    dialog.select(other.id)
    dialogs.answer(QMessageBox.StandardButton.Cancel)
    dialog.merge_into(political.id)
    assert f"Move the {usage} codings" in dialogs.shown[-1][1]
    assert window.controller.codebook.find("Motive > Other / unclear") is not None
    dialogs.answer(QMessageBox.StandardButton.Yes)
    dialog.merge_into(political.id)
    assert window.controller.codebook.find("Motive > Other / unclear") is None
    dialog.select(political.id)
    count = len(project.codings.for_code(political.id))
    dialogs.answer(QMessageBox.StandardButton.Yes)
    dialog.delete()
    assert f"{count} codings use them" in dialogs.shown[-1][1]
    assert project.codings.for_code(political.id) == []
    assert window.controller.codebook.find("Motive > Political") is None


def test_coder_dialog_creates_a_new_coder(qtbot: QtBot, demo_project: Project) -> None:
    dialog = CoderDialog(demo_project)
    qtbot.addWidget(dialog)
    dialog.choice.setCurrentText(NEW_CODER)
    dialog.name.setText("Cleo")
    dialog.accept()
    assert dialog.coder is not None
    assert dialog.coder.name == "Cleo"
    assert demo_project.coders.by_name("Cleo") == dialog.coder


def test_coder_dialog_refuses_an_empty_name(qtbot: QtBot, demo_project: Project) -> None:
    dialog = CoderDialog(demo_project)
    qtbot.addWidget(dialog)
    dialog.choice.setCurrentText(NEW_CODER)
    dialog.accept()
    assert dialog.coder is None
    assert "cannot be empty" in dialog.error.text()


def test_title_names_project_and_coder(window: MainWindow) -> None:
    assert window.windowTitle() == "demo.annotator — coder: Ana — annotator"
