"""The fuzz tests' own checks can fail: each breach of the property is caught."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError, UserError
from annotator.storage import Project
from tests.fuzz import support
from tests.fuzz.conftest import Seeds
from tests.fuzz.support import Hang, example, read_into


def _run(seeds: Seeds, base: Path, call: object) -> None:
    with example(base) as ex:
        named = ex.file("input.csv", b"x")
        read_into(ex, seeds.demo, call, named)  # type: ignore[arg-type]


def test_a_refusal_that_changed_the_project_fails(seeds: Seeds, base: Path) -> None:
    def call(project: Project) -> None:
        project.coders.add("Dana")
        raise BadFileError("input.csv", "refused after writing")

    with pytest.raises(AssertionError, match="the project changed"):
        _run(seeds, base, call)


def test_a_refusal_that_names_no_file_fails(seeds: Seeds, base: Path) -> None:
    def call(project: Project) -> None:
        raise UserError("something is wrong")

    with pytest.raises(AssertionError, match="does not name the file"):
        _run(seeds, base, call)


def test_another_exception_fails(seeds: Seeds, base: Path) -> None:
    def call(project: Project) -> None:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        _run(seeds, base, call)


def test_a_write_outside_the_folder_fails(
    seeds: Seeds, base: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "stray.txt"

    def call(project: Project) -> None:
        elsewhere.write_text("stray")

    with pytest.raises(AssertionError, match="written outside"):
        _run(seeds, base, call)


def test_a_transaction_left_open_fails(seeds: Seeds, base: Path) -> None:
    def call(project: Project) -> None:
        project.db.execute("BEGIN")

    with pytest.raises(AssertionError, match="transaction was left open"):
        _run(seeds, base, call)


def test_a_hang_fails(seeds: Seeds, base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "HANG_SECONDS", 0.2)

    def call(project: Project) -> None:
        # A reader that never returns: blocks until the hang guard's alarm interrupts it.
        threading.Event().wait()

    with pytest.raises(Hang):
        _run(seeds, base, call)


def test_a_clean_refusal_passes(seeds: Seeds, base: Path) -> None:
    def call(project: Project) -> None:
        raise BadFileError("input.csv", "not what we read", line=3)

    _run(seeds, base, call)
