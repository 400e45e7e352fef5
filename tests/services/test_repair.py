"""`annotator repair` and restoring in place of a damaged file: what annotator did not make
goes, ours comes back, every row is kept, and the project as it was is kept first."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.domain.errors import DamagedProjectError, NotWritableError, UserError
from annotator.services import backups, create_project
from annotator.services.repair import (
    newest_good_snapshot,
    problems_of,
    put_back,
    repair_project,
)
from annotator.storage import Project, verify
from tests.storage.test_schema_check import ALTERATIONS, BOOBY, HIDDEN_BOOBY, altered


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.annotator"
    create_project(path, demo=True).close()
    return path


def _count(path: Path, table: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def _corrupt_page_of(path: Path, table: str) -> None:
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    [root] = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table])
    connection.close()
    with open(path, "r+b") as handle:
        handle.seek((root[0] - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * 64)


def test_repair_drops_the_booby_trap_and_the_project_works_again(
    demo_file: Path, tmp_path: Path
) -> None:
    path = altered(demo_file, tmp_path, BOOBY)
    repaired = repair_project(path)
    assert repaired.report.dropped == ["trigger 'booby' (on codings)"]
    assert repaired.report.recreated == repaired.report.rebuilt == []
    assert repaired.counts is not None
    assert repaired.counts.codings == 171
    # The project as it was is a snapshot, the trap in it (a restore would refuse it).
    assert repaired.kept is not None
    [snapshot] = backups.list_snapshots(path)
    assert (snapshot.path, snapshot.reason) == (repaired.kept, "before repair")
    with pytest.raises(UserError, match="booby"):
        backups.check_snapshot(snapshot.path)
    with Project.open(path) as project:
        ana = project.coders.find("Ana")
        document = project.documents.all()[0]
        code = project.codebook.tree().find("Motive > Political")
        assert code is not None
        project.codings.add(document.id, ana.id, code.id, 0, 3)
        assert project.codings.count() == 172
    assert repair_project(path).report.changed is False  # nothing left to mend


def test_a_trigger_hidden_behind_an_index_name_is_dropped_and_the_index_kept(
    demo_file: Path, tmp_path: Path
) -> None:
    path = altered(demo_file, tmp_path, *HIDDEN_BOOBY)
    repaired = repair_project(path)
    assert repaired.report.dropped == ["trigger 'codings_by_code' (on codings)"]
    assert repaired.report.recreated == repaired.report.rebuilt == []
    connection = sqlite3.connect(path)
    kinds = connection.execute(
        "SELECT type FROM sqlite_master WHERE name = 'codings_by_code'"
    ).fetchall()
    connection.close()
    assert kinds == [("index",)]
    with Project.open(path) as project:
        document = project.documents.all()[0]
        code = project.codebook.tree().find("Motive > Political")
        assert code is not None
        project.codings.add(document.id, project.coders.find("Ana").id, code.id, 0, 3)
        assert project.codings.count() == 172


def test_a_renamed_table_that_refers_to_itself_gets_its_name_back(
    demo_file: Path, tmp_path: Path
) -> None:
    """Renaming ``codes`` rewrites its own ``parent_id REFERENCES codes`` (and the references
    of codings to it): still ours, renamed."""
    path = altered(
        demo_file,
        tmp_path,
        "ALTER TABLE codes RENAME TO codes_x",
        "CREATE VIEW codes AS SELECT * FROM codes_x",
    )
    repaired = repair_project(path)
    assert "table 'codes' (renamed back from 'codes_x', 20 rows kept)" in repaired.report.rebuilt
    assert problems_of(path) == []
    with Project.open(path) as project:
        assert (
            len(project.codebook.tree().codes()) + len(project.codebook.tree().dimensions()) == 20
        )
        assert project.codings.count() == 171
        assert project.integrity_problems() == []


@pytest.mark.parametrize("case", ALTERATIONS, ids=list(ALTERATIONS))
def test_repair_mends_every_alteration_keeping_the_rows(
    demo_file: Path, tmp_path: Path, case: str
) -> None:
    path = altered(demo_file, tmp_path, *ALTERATIONS[case][0])
    assert problems_of(path)
    repaired = repair_project(path)
    assert repaired.report.changed
    assert problems_of(path) == []
    with Project.open(path) as project:
        assert project.codings.count() == 171
        assert project.documents.count() == 8
        assert [coder.name for coder in project.coders.all()] == ["Ana", "Ben"]
        assert project.integrity_problems() == []


def test_a_table_hidden_behind_a_view_comes_back_with_its_rows(
    demo_file: Path, tmp_path: Path
) -> None:
    path = altered(
        demo_file,
        tmp_path,
        "ALTER TABLE coders RENAME TO coders_real",
        "CREATE VIEW coders AS SELECT * FROM coders_real",
    )
    problems = [problem.text for problem in problems_of(path)]
    assert "'coders' is a view where annotator has a table" in problems
    assert "table 'coders_real' is annotator's 'coders' renamed" in problems
    repaired = repair_project(path)
    assert repaired.report.dropped == ["view 'coders'"]
    assert repaired.report.rebuilt == [
        "table 'coders' (renamed back from 'coders_real', 2 rows kept)"
    ]
    with Project.open(path) as project:
        assert [coder.name for coder in project.coders.all()] == ["Ana", "Ben"]
        assert project.integrity_problems() == []


def test_a_repair_that_would_lose_rows_is_refused_with_nothing_changed(
    demo_file: Path, tmp_path: Path
) -> None:
    path = altered(
        demo_file,
        tmp_path,
        "PRAGMA foreign_keys = OFF",
        "DROP TABLE coders",
        "CREATE VIEW coders AS SELECT 1 AS id, 'g' AS guid, 'Ana' AS name",
    )
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(UserError, match=r"without losing what \d+ rows point to"):
        repair_project(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_rows_that_do_not_fit_our_table_refuse_the_repair(demo_file: Path, tmp_path: Path) -> None:
    path = altered(
        demo_file,
        tmp_path,
        "UPDATE sqlite_master SET sql = replace(sql, "
        "'''not_started'', ''in_progress'', ''done''', "
        "'''not_started'', ''in_progress'', ''done'', ''skipped''') "
        "WHERE name = 'document_status'",
        schema=True,
    )
    connection = sqlite3.connect(path)
    connection.execute("UPDATE document_status SET status = 'skipped' WHERE document_id = 1")
    connection.commit()
    connection.close()
    with pytest.raises(UserError, match="rows do not fit annotator's definition"):
        repair_project(path)
    assert [p.text for p in problems_of(path)] == [
        "table 'document_status': its definition differs (a CHECK, UNIQUE or other constraint)"
    ]


def test_damaged_pages_are_not_repaired_but_restored(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "torn.annotator"
    shutil.copy(demo_file, path)
    with Project.open(path) as project:
        good = backups.take_snapshot(project, "opened")
    assert good is not None
    _corrupt_page_of(path, "codings")
    with pytest.raises(DamagedProjectError) as caught:
        repair_project(path)
    assert not caught.value.repairable
    assert newest_good_snapshot(path) == good
    done = put_back(path, good)
    assert done.counts.codings == 171
    assert done.kept.suffix == ".damaged"  # too damaged for a snapshot: its bytes are kept
    assert verify.damage_of_file(done.kept) != []
    assert verify.damage_of_file(path) == []
    with Project.open(path) as project:
        assert project.codings.count() == 171


def test_a_snapshot_is_put_back_through_a_symbolic_link_to_the_file(
    demo_file: Path, tmp_path: Path
) -> None:
    real = tmp_path / "real.annotator"
    shutil.copy(demo_file, real)
    with Project.open(real) as project:
        good = backups.take_snapshot(project, "opened")
    assert good is not None
    link = tmp_path / "link.annotator"
    link.symlink_to(real)
    _corrupt_page_of(real, "codings")
    put_back(link, good)
    assert link.is_symlink()
    assert _count(real, "codings") == 171


def test_a_file_with_two_names_is_not_repaired(demo_file: Path, tmp_path: Path) -> None:
    path = altered(demo_file, tmp_path, BOOBY)
    (tmp_path / "second-name.annotator").hardlink_to(path)
    with pytest.raises(NotWritableError, match="2 names"):
        repair_project(path)
    assert any("booby" in problem.text for problem in problems_of(path))
