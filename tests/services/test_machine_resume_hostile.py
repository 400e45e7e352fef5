"""Resuming a classifier's stopped run when articles it was asked to code were deleted since."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.services.machine import classifier
from tests.services.machine_project import MachineProject

pytest.importorskip("sklearn")


@pytest.fixture
def built(tmp_path: Path) -> Iterator[MachineProject]:
    made = MachineProject(tmp_path / "m.annotator", 120)
    made.code("Ana", range(1, 81), miss=0.05, seed=1)
    yield made
    made.project.close()


def test_a_run_whose_articles_were_deleted_since_resumes_with_the_others(
    built: MachineProject,
) -> None:
    project = built.project
    machine = classifier.train(project, "Clf", "Ana").machine
    every = list(built.ids.values())
    stopped = classifier.code_articles(
        project, machine, every, unvalidated=True, cancel=lambda: True
    )
    assert stopped.status == "cancelled"
    with project.transaction():
        project.db.execute("DELETE FROM documents WHERE id = ?", [every[-1]])
    totals: set[int] = set()
    resumed = classifier.code_articles(
        project, machine, [], resume=stopped.guid, progress=lambda d, t, n: totals.add(t)
    )
    assert resumed.status == "done"
    assert totals == {len(every) - 1}  # the progress counts only what can be coded
    # The run has nothing left: it no longer offers to resume (the window's Resume).
    with pytest.raises(UserError, match="nothing to resume"):
        classifier.code_articles(project, machine, [], resume=stopped.guid)
