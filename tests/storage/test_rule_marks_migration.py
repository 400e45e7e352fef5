"""Migration 0016: a saved search's single "new articles" mark becomes the mark of each coder
who has codings the rule made; the others start with none."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from annotator.services import saved_searches as rules
from annotator.services import search
from annotator.storage import Project
from annotator.storage.schema import known_migrations
from tests.helpers import undo_search_separators

#: Migration 0017's tables, children first.
MACHINE_TABLES = (
    "machine_suggestion_decisions",
    "machine_run_articles",
    "machine_runs",
    "machine_validations",
    "machine_models",
    "machine_backends",
)


def test_the_old_mark_goes_to_the_coders_who_ran_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with Project.create(path) as project:
        first = project.documents.add("a", "s", "A broker took a fee.").id
        late = project.documents.add("b", "s", "Another broker, later.").id
        ana, ben, cy = (project.coders.add(name).id for name in ("Ana", "Ben", "Cy"))
        code = project.codebook.add("Trade", project.codebook.add("Topic", None).id)
        saved = rules.save(project, "brokers", search.Request("broker"), code_id=code.id)
        untouched = rules.save(project, "fees", search.Request("fee"), code_id=code.id)
        origin = json.dumps({"kind": "search", "rule": saved.guid, "name": "brokers"})
        other = json.dumps({"kind": "search", "rule": untouched.guid, "name": "fees"})
        for coder, made_by in ((ana, origin), (ben, other), (cy, None)):
            project.codings.add(first, coder, code.id, 2, 8, origin=made_by)
    # The project as 0015 left it: one mark per search, in saved_searches (and none of the
    # later migrations' tables: 0017's made empty).
    connection = sqlite3.connect(path)
    with connection:
        undo_search_separators(connection)
        for table in MACHINE_TABLES:
            connection.execute(f"DROP TABLE {table}")
        connection.execute("ALTER TABLE coders DROP COLUMN kind")
        connection.execute(
            "DELETE FROM _sqlite_migrations WHERE name IN ('0017_machine', '0018_suggestion_spans')"
        )
        connection.execute("DROP TABLE saved_search_marks")
        connection.execute("DELETE FROM _sqlite_migrations WHERE name = '0016_rule_marks'")
        connection.execute("UPDATE saved_searches SET last_document_id = ?", [first])
    connection.close()
    with Project.open(path) as project:
        assert project.schema_version() == known_migrations()
        brokers, fees = rules.find(project, "brokers"), rules.find(project, "fees")
        assert rules.store(project).marks(brokers.id) == {ana: first}
        assert rules.store(project).marks(fees.id) == {ben: first}
        assert rules.rule_preview(project, brokers, ana).documents == {late}
        assert rules.rule_preview(project, brokers, cy).documents == {first, late}
