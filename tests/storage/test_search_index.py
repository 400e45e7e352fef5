"""The search index of migration 0013: filled for the articles of an older project, kept in
step by the triggers' pending list however articles come and go, checked by ``check`` and
made anew by ``repair``; codings' origin column and the other tables of the migration."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.domain import search_text
from annotator.domain.text import text_sha256
from annotator.services import search
from annotator.services.checks import check_project
from annotator.services.repair import repair_project
from annotator.storage import Project
from annotator.storage import search_index as index
from annotator.storage.schema_steps.search import UNSPACED_GLOB_0013
from tests.helpers import run_sql

FIXTURES = Path(__file__).parent / "schemas"


def test_an_older_project_is_indexed_when_it_is_brought_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "0012_coder_aliases.annotator", path)
    with sqlite3.connect(path) as raw:
        texts = dict(raw.execute("SELECT id, text FROM documents").fetchall())
    assert texts
    with Project.open(path) as project:
        assert "0013_search" in project.schema_version()  # and any migration since
        assert index.pending_count(project.db) == 0
        assert index.index_problems(project.db.conn) == []
        indexed = {r[0] for r in project.db.execute("SELECT id FROM search_words_docsize")}
        assert indexed == set(texts)
        document_id, text = next(iter(texts.items()))
        word = max(search_text.tokens(text[:200]), key=len)
        hits = search.search(project, search.Request(word)).hits
        assert document_id in {hit.document_id for hit in hits}
        codings = project.codings.all()
        assert all(coding.origin is None for coding in codings)


def test_the_glob_of_the_migration_and_the_ranges_of_search_agree() -> None:
    inside = UNSPACED_GLOB_0013.removeprefix("*[").removesuffix("]*")
    ranges = [(ord(inside[i]), ord(inside[i + 2])) for i in range(0, len(inside), 3)]
    assert tuple(ranges) == search_text.UNSPACED_RANGES
    assert all(inside[i + 1] == "-" for i in range(0, len(inside), 3))


def test_only_articles_in_unspaced_scripts_are_indexed_by_trigrams(memory: Project) -> None:
    latin = memory.documents.add("a", "s", "Plain English only.").id
    chinese = memory.documents.add("b", "s", "中文的文章").id
    thai = memory.documents.add("c", "s", "ภาษาไทย").id
    ids = {r[0] for r in memory.db.execute("SELECT id FROM search_unspaced_docsize")}
    assert ids == {chinese, thai}
    assert latin not in ids


def test_every_route_that_writes_articles_keeps_the_index_in_step(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    Project.create(path).close()
    with Project.open(path) as project:
        kept = project.documents.add("kept", "s", "The broker kept 中文 fees.").id
        gone = project.documents.add("gone", "s", "A broker went 中文 away.").id
    # Another program deletes one article and adds another, behind annotator's back.
    text = "Brokers again 中文."
    run_sql(
        path,
        f"DELETE FROM documents WHERE id = {gone}",
        "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) VALUES "
        f"('g', 'new', 'x', '{text}', {len(text)}, '{text_sha256(text)}', "
        "'2026-01-01T00:00:00Z')",
    )
    with Project.open(path, read_only=True) as reader:
        assert index.pending_count(reader.db) == 2
        hits = search.search(reader, search.Request("broker*")).hits
        assert sorted({h.document_id for h in hits}) == [kept, gone + 1]
        assert check_project(reader).ok  # pending articles are no problem: they are read
    with Project.open(path) as writer:
        assert index.pending_count(writer.db) == 0
        assert index.index_problems(writer.db.conn) == []
        writer.db.execute("INSERT INTO search_words (search_words) VALUES ('integrity-check')")
        writer.db.execute(
            "INSERT INTO search_unspaced (search_unspaced) VALUES ('integrity-check')"
        )
        hits = search.search(writer, search.Request("中文")).hits
        assert sorted({h.document_id for h in hits}) == [kept, gone + 1]


def test_a_text_change_forced_past_the_guard_is_indexed_anew(memory: Project) -> None:
    document = memory.documents.add("a", "s", "old words here").id
    memory.db.execute("DROP TRIGGER documents_text_is_immutable")
    memory.db.execute(
        "UPDATE documents SET text = 'new words there', length = 15 WHERE id = ?", [document]
    )
    assert index.pending_count(memory.db) == 1
    assert [h.hit for h in search.search(memory, search.Request("new")).hits] == ["new"]
    index.catch_up(memory.db)
    memory.db.execute("INSERT INTO search_words (search_words) VALUES ('integrity-check')")
    assert search.search(memory, search.Request("old")).hits == []


def test_check_finds_an_index_out_of_step_and_repair_makes_it_anew(demo: Project) -> None:
    path = demo.path
    assert path is not None
    demo.close()
    run_sql(
        path,
        "INSERT INTO search_words (search_words, rowid, text) "
        "SELECT 'delete', id, text FROM documents WHERE id = 2",
    )
    with Project.open(path, read_only=True, accept_problems=True) as reader:
        report = check_project(reader)
    assert report.errors == ["search index: 1 articles are missing from the search index"]
    assert report.repairable
    repaired = repair_project(path)
    assert repaired.report.rebuilt == ["the search index (8 articles indexed anew)"]
    assert repaired.kept is not None  # a snapshot first
    with Project.open(path, read_only=True, accept_problems=True) as reader:
        assert check_project(reader).ok
        assert index.index_problems(reader.db.conn) == []


@pytest.mark.parametrize(
    "damage",
    [
        "DROP TABLE search_words",
        "DROP TABLE search_words_idx",
        "DROP TABLE search_unspaced_config",
        "DELETE FROM search_words_data",
    ],
)
def test_repair_makes_a_damaged_index_anew(demo: Project, damage: str) -> None:
    path = demo.path
    assert path is not None
    demo.close()
    run_sql(path, damage)
    repair_project(path)
    with Project.open(path) as project:
        assert check_project(project).ok
        project.db.execute("INSERT INTO search_words (search_words) VALUES ('integrity-check')")
        hits = search.search(project, search.Request("brokers"))
        assert hits.counts.articles == 2
