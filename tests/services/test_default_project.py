"""The first-run default project is made from the demo, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator import paths
from annotator.services.projects import open_default_project


def test_first_run_creates_the_demo_project_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "not-yet-there"
    monkeypatch.setenv(paths.HOME_VARIABLE, str(home))
    with open_default_project() as project:
        assert project.path == home / "default.annotator"
        assert project.documents.count() == 8
        assert [c.name for c in project.coders.all()] == ["Ana", "Ben"]
        project.coders.add("Cleo")
    with open_default_project() as again:
        assert [c.name for c in again.coders.all()] == ["Ana", "Ben", "Cleo"]
