"""A one-coder project shows everyone's codings (no one to hide); once a merge brings in a
second coder, the window switches to blind mode and says so (the tester's finding: Ben's
codings stayed visible to Ana)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.services import create_project, import_files
from annotator.services.merge import export_package
from annotator.storage import Project
from tests.gui.conftest import open_window


@pytest.fixture
def one_coder(tmp_path: Path) -> Iterator[Project]:
    """Ana's project (her one coding), and Ben's package from a copy of it (his one coding)."""
    path = tmp_path / "p.annotator"
    project = create_project(path)
    article = tmp_path / "a.txt"
    article.write_text("Workers left the plant because wages were unpaid for months.\n")
    import_files(project, [article])
    ana = project.coders.add("Ana")
    tree = project.codebook.tree()
    actor = tree.find("Actor type")
    assert actor is not None
    first, second = tree.children(actor.id)[:2]
    document = project.documents.all()[0]
    project.codings.add(document.id, ana.id, first.id, 0, 7)
    ben_file = tmp_path / "ben.annotator"
    with sqlite3.connect(path) as source, sqlite3.connect(ben_file) as copy:
        source.backup(copy)
    with Project.open(ben_file) as ben_project:
        ben = ben_project.coders.add("Ben")
        ben_project.codings.add(document.id, ben.id, second.id, 8, 13)
        export_package(ben_project, "Ben", tmp_path / "ben.annpkg")
    yield project
    project.close()


def test_a_merge_bringing_a_second_coder_starts_blind_mode(
    one_coder: Project, qtbot: QtBot, tmp_path: Path
) -> None:
    project = one_coder
    document = project.documents.all()[0]
    window = open_window(qtbot, project, "Ana")
    window.controller.open_document(document.id)
    assert window.controller.show_all_coders  # one coder: nothing to hide
    assert window.show_all_action.isChecked()
    dialog = window.merge()
    dialog.files.setText(str(tmp_path / "ben.annpkg"))
    with qtbot.waitSignal(dialog.merged):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    ben_id = project.coders.find("Ben").id
    assert len(project.codings.for_coder(ben_id)) == 1  # Ben's coding is in the project
    assert not window.controller.show_all_coders
    assert not window.show_all_action.isChecked()
    assert "blind mode is on" in window.statusBar().currentMessage()
    model = window.codings.model
    assert model.rowCount() == 1  # Ana's own coding only, Ben's hidden
    dialog.close()
