"""The integrity report."""

from __future__ import annotations

from annotator.domain.model import DocumentStatus
from annotator.services.checks import check_project
from annotator.storage import Project


def test_demo_project_is_sound(demo: Project) -> None:
    report = check_project(demo)
    assert report.ok, report.errors
    assert report.warnings == []
    assert report.counts["documents"] == 8
    assert report.counts["coders"] == 2


def test_exclusive_overlap_unfinished_document_and_damage_are_reported(project: Project) -> None:
    tree = project.codebook.tree()
    political, subsistence = tree.find("Motive > Political"), tree.find("Motive > Subsistence")
    worker = tree.find("Actor type > Overseas worker")
    assert political
    assert subsistence
    assert worker
    document = project.documents.add(
        "doc", "doc.txt", "They left because they were hungry and afraid."
    )
    ana = project.coders.add("Ana")
    project.codings.add(document.id, ana.id, political.id, 0, 20)
    project.codings.add(document.id, ana.id, subsistence.id, 10, 30)
    project.codings.add(document.id, ana.id, worker.id, 5, 25)  # another dimension: fine
    report = check_project(project)
    # Every route that makes codings refuses the overlap: an error, saying how to mend it,
    # and not damage to the file.
    assert report.errors == [
        "'doc', coder Ana: 'Motive > Political' and 'Motive > Subsistence' overlap at 10–20, "
        "but 'Motive' is exclusive (a passage takes one of its codes): remove the wrong one or "
        "move it off the other (in the window, as that coder: choose it and press Delete, or "
        "select new bounds and press Ctrl+B)"
    ]
    assert (report.clashes, report.damaged) == (1, False)
    assert any("not marked done" in w for w in report.warnings)

    project.statuses.mark(document.id, ana.id, DocumentStatus.DONE)
    project.codings.delete(project.codings.for_code(subsistence.id)[0].id)
    assert check_project(project).ok
    project.db.execute("DROP TRIGGER documents_text_is_immutable")
    project.db.execute("UPDATE documents SET text = upper(text)")
    damaged = check_project(project)
    assert not damaged.ok
    assert damaged.errors == ["document 'doc': its text no longer matches its SHA-256"]


def test_foreign_key_damage_is_reported(project: Project) -> None:
    document = project.documents.add("doc", "doc.txt", "Some text here.")
    ana = project.coders.add("Ana")
    code = project.codebook.tree().codes()[0]
    project.codings.add(document.id, ana.id, code.id, 0, 4)
    project.db.execute("PRAGMA foreign_keys = OFF")
    try:
        project.db.execute("DELETE FROM coders")
    finally:
        project.db.execute("PRAGMA foreign_keys = ON")
    report = check_project(project)
    assert any("points to a missing row of coders" in e for e in report.errors)
    assert any("coder #" in w for w in report.warnings)
