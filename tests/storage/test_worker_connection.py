"""A second connection to an open project, for a worker thread of the window."""

from __future__ import annotations

import threading

import pytest

from annotator.domain.errors import ProjectError, ProjectLockedError
from annotator.storage import Project


def test_a_worker_writes_through_its_own_connection_under_the_projects_lock(
    project: Project,
) -> None:
    assert project.path is not None
    stored: list[int] = []

    def work() -> None:
        # Made in this thread: SQLite connections stay in the thread that made them.
        with project.worker_connection() as connection, connection.transaction():
            stored.append(connection.documents.add("From a worker", "w.txt", "Worker text.").id)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert project.documents.get(stored[0]).name == "From a worker"
    # Closing it released nothing: the project is still locked for anyone else.
    with pytest.raises(ProjectLockedError):
        Project.open(project.path)


def test_connecting_writes_nothing(project: Project) -> None:
    assert project.path is not None
    project.checkpoint(truncate=True)
    before = project.path.read_bytes()
    with project.worker_connection() as connection:
        assert connection.documents.count() == 0
    project.checkpoint(truncate=True)
    assert project.path.read_bytes() == before


def test_a_project_in_memory_has_no_second_connection(memory: Project) -> None:
    with pytest.raises(ProjectError, match="in memory has no second connection"):
        memory.worker_connection()
