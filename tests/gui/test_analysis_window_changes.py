"""The Analysis window when the project changes under it: a coder or code filtered on keeps
its filter through a rename (by id), a saved filter whose name is gone says so instead of
widening silently to all; another program's writes make a cell's listing differ from the
table, and the window re-reads the project and says so (never an uncaught error)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.codebook_commands import CodebookEditor, CodeFields
from annotator.ui.main_window import MainWindow
from tests.gui.analysis_support import choose, column_of, open_analysis, row_of, shown
from tests.gui.conftest import open_window
from tests.gui.test_analysis_window_cells import listed, press_enter


def rows_shown(window: MainWindow) -> list[str]:
    analysis = window.analysis_window
    assert analysis is not None
    return [analysis.model.text(r, 0) for r in range(analysis.model.rowCount())]


def test_a_code_filter_follows_a_rename_and_its_undo(window: MainWindow, qtbot: QtBot) -> None:
    window.show_all_action.trigger()
    analysis = open_analysis(window, qtbot)
    political = window.controller.codebook.find("Motive > Political")
    assert political is not None
    analysis.panel.codes.action_of(political.id).trigger()
    assert rows_shown(window) == ["Motive > Political", "Total", "N articles"]
    count = shown(analysis, "Motive > Political", "Total")

    code = window.controller.project.codebook.get(political.id)
    with qtbot.waitSignal(analysis.updated, timeout=2000):
        CodebookEditor(window.controller).update(
            political.id, replace(CodeFields.of(code), name="Political motive")
        )
    assert rows_shown(window) == ["Motive > Political motive", "Total", "N articles"]
    assert shown(analysis, "Motive > Political motive", "Total") == count
    assert analysis.panel.codes.summary() == "Motive > Political motive"
    assert analysis.current.codes == ("Motive > Political motive",)  # saved as renamed
    assert analysis.panel.filter_note.isHidden()

    with qtbot.waitSignal(analysis.updated, timeout=2000):
        window.undo_action.trigger()
    assert rows_shown(window) == ["Motive > Political", "Total", "N articles"]


def test_a_coder_filter_follows_a_rename(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.show_all_action.trigger()
    analysis = open_analysis(window, qtbot)
    ben = window.controller.project.coders.by_name("Ben")
    assert ben is not None
    analysis.panel.coders.action_of(ben.id).trigger()
    assert analysis.caption.text().endswith("; coder Ben.")
    total = shown(analysis, "Total", "Total")
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: ("Ben", True)))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Benjamin", True)))
    with qtbot.waitSignal(analysis.updated, timeout=2000):
        window.coder_actions.rename_action.trigger()
    assert analysis.caption.text().endswith("; coder Benjamin.")
    assert shown(analysis, "Total", "Total") == total
    assert analysis.current.coders == ("Benjamin",)


def test_a_saved_filter_whose_name_is_gone_says_so(demo_path: Path, qtbot: QtBot) -> None:
    with Project.open(demo_path) as project:
        window = open_window(qtbot, project)
        analysis = open_analysis(window, qtbot)
        panel = analysis.panel
        political = window.controller.codebook.find("Motive > Political")
        assert political is not None
        panel.codes.action_of(political.id).trigger()
        analysis.close()
        window.close()
    with Project.open(demo_path) as project:
        project.codings.delete_for_codes([political.id])
        project.codebook.delete(political.id)
    with Project.open(demo_path) as project:
        window = open_window(qtbot, project)
        analysis = open_analysis(window, qtbot)
        note = analysis.panel.filter_note
        assert note.isVisible()
        assert note.text() == (
            "The saved code filter 'Motive > Political' no longer exists; showing all codes."
        )
        assert "Motive > Subsistence" in rows_shown(window)  # all codes, as it says
        motive = window.controller.codebook.find("Motive")
        assert motive is not None
        analysis.panel.codes.action_of(motive.id).trigger()  # the user chooses again
        assert note.isHidden()
        window.close()


def _rename_elsewhere(path: Path, old: str, new: str) -> None:
    """Another program (the command line) renames a coder in the open project."""
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "coders", str(path), "rename", old, new],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_cell_opened_after_another_program_renamed_its_coder(
    demo_path: Path, qtbot: QtBot
) -> None:
    with Project.open(demo_path, read_only=True) as project:
        window = open_window(qtbot, project)  # blind: Ana's codings
        analysis = open_analysis(window, qtbot)
        choose(analysis.panel.by, "coder")
        assert analysis.caption.text().endswith("; coder Ana.")
        _rename_elsewhere(demo_path, "Ana", "Anna")
        with qtbot.waitSignal(analysis.updated, timeout=2000):
            press_enter(analysis, qtbot, 0, 1)  # no uncaught "there is no coder 'Ana'"
        assert analysis.note.text() == (
            "there is no coder 'Ana': the project changed in another program; "
            "the table was re-read."
        )
        assert analysis.caption.text().endswith("; coder Anna.")
        label = analysis.model.text(0, 0)
        press_enter(analysis, qtbot, 0, column_of(analysis, "Anna"))
        assert len(listed(window)) == int(shown(analysis, label, "Anna"))
        window.close()


def test_a_cell_whose_codings_another_program_deleted(demo_path: Path, qtbot: QtBot) -> None:
    with Project.open(demo_path, read_only=True) as project:
        window = open_window(qtbot, project)
        window.show_all_action.trigger()
        analysis = open_analysis(window, qtbot)
        choose(analysis.panel.by, "coder")
        before = shown(analysis, "Total", "Ana")
        with Project.open(demo_path) as elsewhere:
            ana = elsewhere.coders.by_name("Ana")
            assert ana is not None
            gone = elsewhere.codings.for_coder(ana.id)[:5]
            for coding in gone:
                elsewhere.codings.delete(coding.id)
        row, column = row_of(analysis, "Total"), column_of(analysis, "Ana")
        with qtbot.waitSignal(analysis.updated, timeout=2000):
            press_enter(analysis, qtbot, row, column)
        assert analysis.note.text() == (
            "The project changed in another program; the table was re-read."
        )
        assert int(shown(analysis, "Total", "Ana")) == int(before) - len(gone)
        press_enter(analysis, qtbot, row_of(analysis, "Total"), column_of(analysis, "Ana"))
        assert len(listed(window)) == int(before) - len(gone)
        window.close()
