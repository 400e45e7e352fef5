"""The project schema as append-only migrations.

A migration that has shipped is never edited: change the schema by adding a new migration at
the end (a function in a module under ``storage/schema_steps/``, its step appended to ``_STEPS``
below). Every migration runs in one transaction together with the record that it ran.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from annotator.domain import project_file
from annotator.storage.schema_steps import (
    article_sets,
    early,
    ids,
    machine,
    rule_marks,
    search,
    search_separators,
    versions,
)

MIGRATION_SET = "annotator"
# PRAGMA application_id marks a file as an annotator project ("ANNO").
APPLICATION_ID = project_file.APPLICATION_ID

#: Every migration, oldest first: the order in which they run.
_STEPS = [
    *early.STEPS,
    *ids.STEPS,
    *search.STEPS,
    *article_sets.STEPS,
    *versions.STEPS,
    *rule_marks.STEPS,
    *machine.STEPS,
    *search_separators.STEPS,
]

migrations = Migrations(MIGRATION_SET)
for _name, _step in _STEPS:
    migrations(name=_name)(_step)


def known_migrations() -> list[str]:
    """Names of every migration this version of annotator knows, oldest first."""
    return [migration.name for migration in migrations.pending(Database(memory=True))]
