"""File → Export: formats and options, the export in the background with its progress, the
file opened when asked, and a clear message when it cannot be written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs


def _export(window: MainWindow, qtbot: QtBot, kind: str, path: Path, suffix: str | None = None):  # type: ignore[no-untyped-def]
    dialog = window.export()
    qtbot.waitExposed(dialog)
    dialog.set_format(kind, suffix)
    dialog.path.setText(str(path))
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as blocker:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    return dialog, blocker.args


def test_matrix_with_options_and_open_when_done(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog = window.export()
    qtbot.waitExposed(dialog)
    dialog.set_format("matrix")
    assert dialog.counts.isEnabled()
    assert dialog.path.text().endswith("matrix.csv")
    dialog.counts.setChecked(True)
    dialog.dimension_columns.setChecked(True)
    dialog.coders.choose(["Ana"])
    dialog.open_after.setChecked(True)
    target = tmp_path / "matrix.csv"
    dialog.path.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as blocker:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert blocker.args == [target, 8]
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {r["coder"] for r in rows} == {"Ana"}
    assert "motive" in rows[0]  # the dimension's column
    assert opened == [str(target)]
    assert dialog.status.text() == (
        f"Wrote 8 to {target} and its columns to {tmp_path / 'matrix_codebook.csv'}."
    )
    assert not dialog.progress.isVisible()


def test_long_csv_and_stata_and_appendix(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    _, (path, count) = _export(window, qtbot, "segments", tmp_path / "codings.csv")
    assert count == window.controller.project.codings.count()
    assert len(list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))) == count
    _, (path, count) = _export(window, qtbot, "dta", tmp_path / "matrix.dta")
    frame, meta = pyreadstat.read_dta(str(path))
    assert len(frame) == count == 16
    assert meta.column_names_to_labels["motive_political"] == "Motive > Political"
    _, (path, _) = _export(window, qtbot, "codebook", tmp_path / "appendix.html", ".html")
    assert "Include" in path.read_text(encoding="utf-8")


def test_a_file_that_cannot_be_written_is_one_message(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    dialog = window.export()
    qtbot.waitExposed(dialog)
    dialog.path.setText(str(tmp_path / "missing" / "codings.csv"))
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: bool(dialogs.shown))
    kind, text = dialogs.shown[-1]
    assert kind == "warning"
    assert "codings.csv" in text
    assert "does not exist" in text
    assert dialog.buttons.isEnabled()
    assert not (tmp_path / "missing").exists()


def _refused_in_dialog(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs, kind: str, target: Path
) -> str:
    dialog = window.export()
    qtbot.waitExposed(dialog)
    dialog.set_format(kind)
    dialog.path.setText(str(target))
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: bool(dialogs.shown))
    kind_shown, text = dialogs.shown.pop()
    assert kind_shown == "warning"
    qtbot.waitUntil(dialog.buttons.isEnabled)
    assert not dialog.progress.isVisible()
    return text


@pytest.mark.parametrize("kind", ["segments", "matrix", "qdpx", "package"])
def test_exporting_onto_the_open_project_is_refused_and_changes_nothing(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs, kind: str
) -> None:
    project = window.controller.project
    assert project.path is not None
    folder = project.path.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix == ".annotator"}
    text = _refused_in_dialog(window, qtbot, dialogs, kind, project.path)
    assert "demo.annotator: is the project being exported" in text
    wal = project.path.with_name(project.path.name + "-wal")
    text = _refused_in_dialog(window, qtbot, dialogs, kind, wal)
    assert "is the write-ahead log of the project demo.annotator" in text
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix == ".annotator"} == before
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_saving_the_agreement_report_onto_the_project_is_refused(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    project = window.controller.project
    assert project.path is not None
    before = project.path.read_bytes()
    link = tmp_path / "report.html"
    link.symlink_to(project.path)
    view = window.show_agreement()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.computed, timeout=20_000):
        view.compute_button.click()
    assert view.save(link) is None
    kind, text = dialogs.shown[-1]
    assert kind == "warning"
    assert "report.html: is an annotator project; an export never replaces it" in text
    assert link.is_symlink()
    assert project.path.read_bytes() == before
