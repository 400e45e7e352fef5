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
    assert "Wrote 8 to" in dialog.status.text()
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
