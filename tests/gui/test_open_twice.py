"""Opening the project that is open here brings its window to front; any other name of a
project open in another annotator is refused like the file itself (issue 21.13)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.ui.app import Session
from tests.gui.conftest import Dialogs

HOLDER = """
import sys
from annotator.storage import Project
project = Project.open(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
"""


@pytest.mark.parametrize("name", ["same path", "symbolic link", "spelled otherwise"])
def test_opening_the_project_open_here_brings_it_to_front(
    session: Session, demo_path: Path, tmp_path: Path, dialogs: Dialogs, name: str
) -> None:
    assert session.open(demo_path)
    window, project = session.window, session.project
    assert window is not None
    assert project is not None
    other = tmp_path / "elsewhere"
    other.mkdir()
    asked = {
        "same path": demo_path,
        "symbolic link": other / "link.annotator",
        "spelled otherwise": other / ".." / demo_path.name,
    }[name]
    if name == "symbolic link":
        asked.symlink_to(demo_path)
    window.projectRequested.emit(asked)  # File → Open, the file chosen
    assert dialogs.shown == []  # no "open in another annotator (process <own pid>)"
    assert session.window is window
    assert session.project is project
    assert not project.read_only
    assert not project.closed
    assert "open here already" in window.statusBar().currentMessage()
    # Still the writer: coding goes on in the same file.
    coder = window.controller.coder
    project.coders.get_or_add("Dana")
    assert project.coders.by_name("Dana") is not None
    assert window.controller.coder == coder


@pytest.fixture
def held_elsewhere(demo_path: Path) -> Iterator[subprocess.Popen[str]]:
    """The demo project held for writing by another annotator process."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(demo_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    yield holder
    holder.kill()
    holder.communicate()


@pytest.mark.parametrize("kind", ["symbolic link", "hard link"])
def test_another_name_of_a_project_held_elsewhere_is_refused(
    session: Session,
    demo_path: Path,
    tmp_path: Path,
    dialogs: Dialogs,
    held_elsewhere: subprocess.Popen[str],
    kind: str,
) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    link = other / "mine.annotator"
    if kind == "symbolic link":
        link.symlink_to(demo_path)
        dialogs.answer(QMessageBox.StandardButton.No)  # not read-only either
        assert not session.open(link)
        [(kind_shown, text)] = dialogs.shown
        assert kind_shown == "question"
        assert f"process {held_elsewhere.pid}" in text
        assert f"process {os.getpid()}" not in text
        assert session.project is None
    else:
        os.link(demo_path, link)
        # A file with two names is never written (two write-ahead logs): read-only, saying why.
        assert session.open(link)
        assert session.project is not None
        assert session.project.read_only
        assert dialogs.shown == []
        assert session.window is not None
        assert "names" in session.window.banner.label.text()
