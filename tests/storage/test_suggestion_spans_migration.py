"""Migration 0018: a decision on a suggestion gains the suggestion's article, machine coder,
code and span, filled from the machine coding where it is still in the project."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.services.machine import MachineCoding, add_machine, start_run, write_article
from annotator.services.machine.runs import finish_run
from annotator.storage import Project
from annotator.storage.schema import known_migrations
from tests.helpers import undo_search_separators

SPAN_COLUMNS = ("document_id", "machine_coder_id", "code_id", "start", '"end"')


def test_decisions_taken_before_name_their_suggestion_after(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with Project.create(path) as project:
        article = project.documents.add("a", "s", "An official spoke to the workers.").id
        ana = project.coders.add("Ana").id
        code = project.codebook.add("Official", project.codebook.add("Actor", None).id).id
        machine = add_machine(project, "Gemma", "classifier")
        run = start_run(project, machine, document_ids=[article], prompt_template="t", settings={})
        write_article(project, run, article, [MachineCoding(code, 3, 11, 0.7)])
        finish_run(project, run, "done")
        (kept,) = [c for c in project.codings.all() if c.coder_id == machine.coder_id]
        project.machine.add_decision(run.id, kept.guid, ana, "rejected")
        project.machine.add_decision(run.id, "a-coding-long-gone", ana, "rejected")
    # The project as 0017 left it: decisions by GUID only.
    connection = sqlite3.connect(path)
    with connection:
        undo_search_separators(connection)
        connection.execute("DROP INDEX machine_suggestion_decisions_by_article")
        for column in SPAN_COLUMNS:
            connection.execute(f"ALTER TABLE machine_suggestion_decisions DROP COLUMN {column}")
        connection.execute("DELETE FROM _sqlite_migrations WHERE name = '0018_suggestion_spans'")
    connection.close()
    with Project.open(path) as project:
        assert project.schema_version() == known_migrations()
        rows = project.db.execute(
            f"SELECT coding_guid, {', '.join(SPAN_COLUMNS)} FROM machine_suggestion_decisions "
            "ORDER BY id"
        ).fetchall()
    assert rows == [
        (kept.guid, article, machine.coder_id, code, 3, 11),
        ("a-coding-long-gone", None, None, None, None, None),
    ]
