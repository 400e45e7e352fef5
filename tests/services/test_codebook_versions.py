"""Codebook versions: every route that changes the codebook is logged (old → new, when, by
whom, by which route), tags name a state, each coding records the version it was made under,
and agreement and exports limited to a version take exactly that version's codings."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.domain.errors import ConflictError, NotFoundError, UserError
from annotator.domain.model import DocumentStatus
from annotator.services import create_project, import_codebook
from annotator.services.agreement import Request, measure
from annotator.services.codebook import export_appendix
from annotator.services.codebook_editing import delete_code, merge_code, move_code, update_code
from annotator.services.codebook_versions import (
    BEFORE_VERSIONS,
    current_version,
    history,
    tag_version,
    version_range,
    versions_of_codings,
)
from annotator.services.editing import remove_codings, restore_codings
from annotator.services.export_job import ExportJob, run_export
from annotator.services.exports import Selection
from annotator.services.merge import MergeChoices, export_package, merge_file
from annotator.services.refi import export_qdpx
from annotator.storage import Project
from annotator.storage.schema import APPLICATION_ID, migrations


def _log(project: Project) -> list[tuple[str, str | None, str | None, str | None, str | None]]:
    """(action, field, old, new, route) of every change, oldest first."""
    return [
        (str(a), f, o, n, r)
        for a, f, o, n, r in project.db.execute(
            "SELECT action, field, old, new, route FROM codebook_changes ORDER BY id"
        )
    ]


def _latest(project: Project) -> int:
    return int(project.db.execute("SELECT max(id) FROM codebook_changes").fetchone()[0])


def _since(project: Project, change: int) -> list[tuple[str, str | None, str | None, str | None]]:
    return [
        (str(a), f, o, n)
        for a, f, o, n in project.db.execute(
            "SELECT action, field, old, new FROM codebook_changes WHERE id > ? ORDER BY id",
            [change],
        )
    ]


def test_every_editor_change_is_logged_old_to_new_with_coder_and_route(project: Project) -> None:
    project.codebook.coder, project.codebook.route = "Ana", "window"
    tree = project.codebook.tree()
    motive = tree.find("Motive")
    political = tree.find("Motive > Political")
    family = tree.find("Motive > Family / personal")
    actor = tree.find("Actor type")
    assert motive
    assert political
    assert family
    assert actor
    start = _latest(project)
    update_code(project, political.id, name="Politics")
    update_code(project, political.id, color="#123456")
    update_code(project, political.id, description="Fled for political reasons")
    update_code(project, political.id, shortcut="z")
    update_code(project, actor.id, exclusive=not actor.exclusive)
    added = project.codebook.add("Economic", motive.id)
    move_code(project, added.id, actor.id, 0)
    merge_code(project, family.id, political.id)
    delete_code(project, added.id)
    changes = _since(project, start)
    fields = [(a, f) for a, f, _, _ in changes if f != "position"]
    assert fields == [
        ("change", "name"),
        ("change", "color"),
        ("change", "description"),
        ("change", "shortcut"),
        ("change", "exclusive"),
        ("add", None),
        ("change", "parent"),
        ("delete", None),  # the merged code goes
        ("delete", None),
    ]
    assert ("change", "name", "Political", "Politics") in changes
    assert ("change", "color", political.color, "#123456") in changes
    assert ("change", "parent", motive.guid, actor.guid) in changes
    who = project.db.execute(
        "SELECT DISTINCT coder, route FROM codebook_changes WHERE id > ?", [start]
    ).fetchall()
    assert who == [("Ana", "window")]
    shown = history(project, text="Politics").changes
    assert any(c.summary() == "Motive > Politics: renamed 'Political' → 'Politics'" for c in shown)
    moved = [c for c in history(project).changes if c.field == "parent"]
    assert moved[-1].old == "Motive"
    assert moved[-1].new == "Actor type"


def test_codebook_import_merge_and_refi_routes_are_logged(project: Project, tmp_path: Path) -> None:
    # A codebook file
    source = tmp_path / "extra.csv"
    source.write_text("path,color\nFraming,#FFEEDD\nFraming > Victim,#EEDDCC\n", encoding="utf-8")
    start = _latest(project)
    import_codebook(project, source)
    assert {r for *_, r in _log(project)[start:]} == {"codebook import extra.csv"}
    assert [a for a, *_ in _log(project)[start:]] == ["add", "add"]
    # A coder package from a copy whose codebook grew
    project.documents.add("one", "one.txt", "Workers left the restaurant.")
    assert project.path is not None
    copy = project.path.with_name("ana.annotator")
    project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(project.path, copy)
    with Project.open(copy) as other:
        ana = other.coders.add("Ana")
        framing = other.codebook.tree().find("Framing")
        assert framing is not None
        hero = other.codebook.add("Hero", framing.id)
        other.codings.add(other.documents.by_name("one").id, ana.id, hero.id, 0, 7)  # type: ignore[union-attr]
        export_package(other, "Ana", tmp_path / "ana.annpkg")
    start = _latest(project)
    merge_file(project, tmp_path / "ana.annpkg", MergeChoices(codes="add"))
    assert _log(project)[start:] == [("add", None, None, "Hero", "merge ana.annpkg")]
    # A REFI-QDA project whose codebook this one lacks
    with create_project(tmp_path / "refi.annotator", with_default_codebook=False) as other:
        other.documents.add("one", "one.txt", "Workers left the restaurant.")
        dimension = other.codebook.add("Tone")
        other.codebook.add("Hostile", dimension.id)
        ben = other.coders.add("Ben")
        code = other.codebook.tree().find("Tone > Hostile")
        assert code is not None
        other.codings.add(other.documents.by_name("one").id, ben.id, code.id, 0, 7)  # type: ignore[union-attr]
        export_qdpx(other, tmp_path / "refi.qdpx")
    start = _latest(project)
    merge_file(project, tmp_path / "refi.qdpx", MergeChoices(codes="add"))
    added = [(a, n, r) for a, _, _, n, r in _log(project)[start:] if a == "add"]
    assert added == [
        ("add", "Tone", "REFI-QDA import refi.qdpx"),
        ("add", "Hostile", "REFI-QDA import refi.qdpx"),
    ]


def test_a_change_made_by_another_program_is_logged_without_a_coder(project: Project) -> None:
    project.codebook.coder = "Ana"
    assert project.path is not None
    start = _latest(project)
    other = sqlite3.connect(project.path)
    other.execute("UPDATE codes SET name = 'Motives' WHERE name = 'Motive'")
    other.commit()
    other.close()
    assert project.db.execute(
        "SELECT action, field, old, new, coder, route FROM codebook_changes WHERE id > ?", [start]
    ).fetchall() == [("change", "name", "Motive", "Motives", None, None)]


def test_a_refused_change_leaves_no_log_row(project: Project) -> None:
    start = _latest(project)
    political = project.codebook.tree().find("Motive > Political")
    assert political is not None
    with pytest.raises(UserError):
        update_code(project, political.id, name="Subsistence")  # a sibling has that name
    assert _latest(project) == start


def test_tags_name_states_and_the_current_version(project: Project) -> None:
    first = tag_version(project, "v1 pilot", "before training", coder="Lead")
    assert first.change_id == _latest(project)
    assert current_version(project).name.startswith("v1 pilot (")
    with pytest.raises(ConflictError, match="already a codebook version 'v1 pilot'"):
        tag_version(project, "V1 Pilot")
    with pytest.raises(UserError, match="needs a name"):
        tag_version(project, "  ")
    political = project.codebook.tree().find("Motive > Political")
    assert political is not None
    update_code(project, political.id, description="new")
    update_code(project, political.id, color="#010203")
    assert current_version(project).name.startswith("untagged, 2 changes since v1 pilot (")
    second = tag_version(project, "v2 final")
    assert version_range(project, "v1 pilot").until == second.change_id
    assert version_range(project, "v2 final").until is None
    with pytest.raises(NotFoundError, match=r"no codebook version 'v3'.*'v1 pilot', 'v2 final'"):
        version_range(project, "v3")
    found = history(project)
    assert [t.name for t in found.tags] == ["v1 pilot", "v2 final"]
    assert [c.tags for c in found.changes if c.tags] == [("v1 pilot",), ("v2 final",)]


def _two_versions(project: Project) -> tuple[list[int], list[int]]:
    """Ana and Ben code articles 0-3 under 'v1', then 4-7 under 'v2' (after a definition
    changed); they disagree on some. Returns the articles of each version."""
    texts = [f"Article {n} says the workers left because they were not paid." for n in range(8)]
    documents = [project.documents.add(f"a{n}", f"a{n}.txt", t).id for n, t in enumerate(texts)]
    ana, ben = project.coders.add("Ana"), project.coders.add("Ben")
    tree = project.codebook.tree()
    political, subsistence = tree.find("Motive > Political"), tree.find("Motive > Subsistence")
    assert political
    assert subsistence
    tag_version(project, "v1")
    plan = {0: (1, 1), 1: (1, 0), 2: (0, 0), 3: (1, 1), 4: (0, 1), 5: (1, 1), 6: (0, 0), 7: (0, 1)}
    for n in range(8):
        if n == 4:
            update_code(project, political.id, description="Political: fled a regime")
            tag_version(project, "v2")
        for coder, says in zip((ana, ben), plan[n], strict=True):
            code = political if says else subsistence
            project.codings.add(documents[n], coder.id, code.id, None, None)
            project.statuses.mark(documents[n], coder.id, DocumentStatus.DONE)
    return documents[:4], documents[4:]


def test_each_coding_records_the_version_it_was_made_under(project: Project) -> None:
    first, second = _two_versions(project)
    v1, v2 = version_range(project, "v1"), version_range(project, "v2")
    made = dict(project.db.execute("SELECT document_id, codebook_version FROM codings").fetchall())
    assert {made[d] for d in first} == {v1.first}
    assert {made[d] for d in second} == {v2.first}
    counts = versions_of_codings(project)
    assert counts.by_tag == (("v1", 8), ("v2", 8))
    assert (
        counts.as_dict()["sentence"] == "Codings by codebook version: 8 under 'v1'; 8 under 'v2'."
    )


def test_undoing_a_deletion_gives_the_coding_back_its_version(project: Project) -> None:
    first, _ = _two_versions(project)
    v1 = version_range(project, "v1")
    (coding_id,) = project.db.execute(
        "SELECT id FROM codings WHERE document_id = ? LIMIT 1", [sorted(first)[0]]
    ).fetchone()
    removed = remove_codings(project, [coding_id])
    assert _latest(project) > v1.first  # the codebook changed since it was made
    restore_codings(project, removed)
    (version,) = project.db.execute(
        "SELECT codebook_version FROM codings WHERE id = ?", [coding_id]
    ).fetchone()
    assert version == v1.first


def test_agreement_limited_to_a_version_equals_the_engine_on_that_versions_articles(
    project: Project,
) -> None:
    _first, second = _two_versions(project)
    limited = measure(project, Request(levels=("document",), codebook_version="v1", interval=False))
    # By hand: the same engine, with only v1's articles counting (v2's set back to not done).
    for document in second:
        for coder in project.coders.all():
            project.statuses.mark(document, coder.id, DocumentStatus.NOT_STARTED)
    by_hand = measure(project, Request(levels=("document",), interval=False))
    assert limited.measures == by_hand.measures
    political = [m for m in limited.measures if m.name == "Motive > Political"]
    assert [m.units for m in political] == [4]  # v1's four articles, not all eight
    assert any("limited to codings made under 'v1'" in w for w in limited.warnings)


def test_segments_export_limited_to_a_version(project: Project, tmp_path: Path) -> None:
    _first, _second = _two_versions(project)
    target = tmp_path / "v2.csv"
    rows = run_export(project, ExportJob("segments", target, Selection(codebook_version="v2")))
    assert rows == 8
    text = target.read_text(encoding="utf-8")
    assert "a4" in text
    assert "a0" not in text
    with pytest.raises(UserError, match="not documents"):
        run_export(
            project, ExportJob("documents", tmp_path / "d.csv", Selection(codebook_version="v2"))
        )


def test_the_appendix_names_its_version(project: Project, tmp_path: Path) -> None:
    tag_version(project, "v1 pilot")
    target = tmp_path / "appendix.md"
    export_appendix(project, target, markdown=True)
    assert "*Codebook version: v1 pilot (" in target.read_text(encoding="utf-8")
    political = project.codebook.tree().find("Motive > Political")
    assert political is not None
    update_code(project, political.id, description="changed")
    export_appendix(project, tmp_path / "appendix.html", markdown=False)
    html = (tmp_path / "appendix.html").read_text(encoding="utf-8")
    assert "Codebook version: untagged, 1 change since v1 pilot (" in html


def test_a_package_carries_each_codings_version(tmp_path: Path) -> None:
    lead = tmp_path / "lead.annotator"
    with create_project(lead) as project:
        project.documents.add("one", "one.txt", "Workers left the restaurant unpaid.")
        tag_version(project, "v1")
    copy = tmp_path / "ana.annotator"
    shutil.copy(lead, copy)
    with Project.open(copy) as other:
        ana = other.coders.add("Ana")
        code = other.codebook.tree().find("Motive > Political")
        assert code is not None
        other.codings.add(other.documents.by_name("one").id, ana.id, code.id, 0, 7)  # type: ignore[union-attr]
        export_package(other, "Ana", tmp_path / "ana.annpkg")
    package = json.loads((tmp_path / "ana.annpkg").read_text(encoding="utf-8"))
    # An older package: the same without the field.
    old = json.loads(json.dumps(package))
    del old["codings"][0]["codebook_version"]
    old["codings"][0].update(guid="0f0e0d0c-0b0a-4908-8706-050403020100", start=8, end=12)
    (tmp_path / "old.annpkg").write_text(json.dumps(old), encoding="utf-8")
    with Project.open(lead) as project:
        v1 = version_range(project, "v1").first
        political = project.codebook.tree().find("Motive > Political")
        assert political is not None
        update_code(project, political.id, description="changed after the copy")
        merge_file(project, tmp_path / "ana.annpkg")
        merge_file(project, tmp_path / "old.annpkg")
        versions = dict(project.db.execute("SELECT guid, codebook_version FROM codings"))
    assert versions[package["codings"][0]["guid"]] == v1  # kept: made under v1 in the copy
    assert versions[old["codings"][0]["guid"]] == v1 + 1  # not said: the version at merge


def test_a_coding_made_under_another_codebook_history_has_no_version(tmp_path: Path) -> None:
    # Fay's copy changed its codebook its own way; the lead went on to v2. Her codings were
    # made under a change the lead's log lacks: not v2 (a codebook she never saw), unknown.
    lead = tmp_path / "lead.annotator"
    with create_project(lead) as project:
        project.documents.add("one", "one.txt", "Workers left the restaurant unpaid.")
        tag_version(project, "v1")
    copy = tmp_path / "fay.annotator"
    shutil.copy(lead, copy)
    with Project.open(copy) as other:
        fay = other.coders.add("Fay")
        code = other.codebook.tree().find("Motive > Political")
        assert code is not None
        update_code(other, code.id, description="Fay's own definition")
        other.codings.add(other.documents.by_name("one").id, fay.id, code.id, 0, 7)  # type: ignore[union-attr]
        export_package(other, "Fay", tmp_path / "fay.annpkg")
    with Project.open(lead) as project:
        political = project.codebook.tree().find("Motive > Political")
        assert political is not None
        update_code(project, political.id, description="the v2 definition")
        tag_version(project, "v2")
        report = merge_file(project, tmp_path / "fay.annpkg")[0]
        assert list(project.db.execute("SELECT codebook_version FROM codings")) == [(None,)]
        assert versions_of_codings(project).before_versions == 1  # told as of no known version
    assert report.version_unknown == 1
    assert "1 made under a codebook history this project does not have" in report.summary()


def test_codings_made_before_the_migration_have_no_version(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    with create_project(path, demo=True):
        pass
    # Back to 0014's schema is not possible: build a project at the version before, code, go on.
    older = tmp_path / "before.annotator"
    from sqlite_utils import Database

    db = Database(older)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db, stop_before="0015_codebook_versions")
    db.execute(
        "INSERT INTO codes (guid, parent_id, name, color, name_key) "
        "VALUES ('d1', NULL, 'Motive', '#AABBCC', 'motive')"
    )
    db.execute(
        "INSERT INTO codes (guid, parent_id, name, color, name_key) "
        "VALUES ('c1', 1, 'Political', '#AABBCD', 'political')"
    )
    db.execute("INSERT INTO coders (guid, name) VALUES ('k1', 'Ana')")
    db.execute(
        "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
        "VALUES ('x1', 'one', 'one.txt', 'Some text here', 14, 'ab', '2024-01-01T00:00:00Z')"
    )
    db.execute(
        'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", '
        "created_at, updated_at) VALUES ('g1', 1, 1, 2, 0, 4, '2024-01-01T00:00:00Z', "
        "'2024-01-01T00:00:00Z')"
    )
    db.conn.commit()
    db.close()
    with Project.open(older) as project:
        assert project.db.execute("SELECT codebook_version FROM codings").fetchall() == [(None,)]
        baseline = project.db.execute(
            "SELECT action, new FROM codebook_changes ORDER BY id"
        ).fetchall()
        assert baseline == [("baseline", "2")]
        counts = versions_of_codings(project)
        assert counts.before_versions == 1
        assert BEFORE_VERSIONS in counts.sentence
