"""What a hostile tester found in the window's project safety: a project renamed while open,
a trap hidden behind an index's name, restoring the oldest snapshot, restoring with backups
off, a repair or restore that must not hang on a never-ending view."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.domain.errors import ProjectLockedError
from annotator.services import create_project
from annotator.storage import Project
from tests.gui.conftest import open_window


def _codings_in_file_alone(path: Path, folder: Path) -> int:
    """The codings a copy of the file alone holds (without any log beside it)."""
    copy = folder / "alone.annotator"
    shutil.copyfile(path, copy)
    connection = sqlite3.connect(copy)
    try:
        return int(connection.execute("SELECT count(*) FROM codings").fetchone()[0])
    finally:
        connection.close()
        copy.unlink()


@pytest.fixture
def p_project(tmp_path: Path) -> Iterator[Project]:
    """The demo project as p.annotator (asked for before qtbot: closed after the windows)."""
    project = create_project(tmp_path / "p.annotator", demo=True)
    yield project
    project.close()


def test_a_project_renamed_while_open_keeps_every_coding_in_the_file(
    p_project: Project, qtbot: QtBot, tmp_path: Path
) -> None:
    window = open_window(qtbot, p_project)
    code = window.controller.codebook.find("Actor type > Diplomat")
    assert code is not None
    window.controller.open_document(1)
    window.reader.select_span(0, 12)
    assert window.apply(code.id)
    assert not window.banner.isVisible()
    os.rename(tmp_path / "p.annotator", tmp_path / "q.annotator")
    window.reader.select_span(20, 30)
    assert window.apply(code.id)
    assert window.banner.isVisible()
    assert "p.annotator was renamed or moved" in window.banner.label.text()
    # The file under its new name holds both codings, whatever happens to the window.
    assert _codings_in_file_alone(tmp_path / "q.annotator", tmp_path) == 173
    with pytest.raises(ProjectLockedError, match=f"process {os.getpid()}"):
        Project.open(tmp_path / "q.annotator")
    window.close()
    p_project.close()
    assert _codings_in_file_alone(tmp_path / "q.annotator", tmp_path) == 173
