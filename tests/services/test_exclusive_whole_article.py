"""A whole-article code of an exclusive dimension beside another of its codes, by one coder in
one article — a second whole-article code (issue 22, point 5) or a passage of another code (a
whole-article coding covers the article): refused where codings are made — applying a code,
`codings import`, merge, consensus (tests/services/test_consensus.py) — with nothing
written, offered for replacement in the window, and reported by `check` as errors in a
project that holds them. Changes to the codebook that would make such clashes:
tests/services/test_exclusive_codebook.py."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.services import create_project, import_codings
from annotator.services.checks import check_project
from annotator.services.editing import apply_code, exclusive_conflicts
from annotator.services.merge import MergeConflictError, export_package, merge_file
from annotator.storage import Project

SUBSISTENCE = "Motive > Subsistence"
POLITICAL = "Motive > Political"
NAMES = {SUBSISTENCE: "Subsistence", POLITICAL: "Political"}


@pytest.fixture
def lead(tmp_path: Path) -> Path:
    """A project with the default codebook (Motive is exclusive), two articles, coder Ana."""
    path = tmp_path / "lead.annotator"
    with create_project(path) as project:
        project.documents.add("one", "one.txt", "Workers left because wages stopped.")
        project.documents.add("two", "two.txt", "He feared the purge that took his chief.")
        project.coders.add("Ana")
    return path


def _ids(project: Project, *paths: str) -> list[int]:
    tree = project.codebook.tree()
    return [tree.find(p).id for p in paths]  # type: ignore[union-attr]


def _whole(project: Project) -> list[tuple[str, str]]:
    tree = project.codebook.tree()
    return sorted(
        (project.documents.get(c.document_id).name, tree.path(c.code_id))
        for c in project.codings.all()
        if c.start is None
    )


def test_applying_a_second_motive_to_the_whole_article_is_refused(lead: Path) -> None:
    with Project.open(lead) as project:
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        subsistence, political, worker = _ids(
            project, SUBSISTENCE, POLITICAL, "Actor type > Overseas worker"
        )
        first = apply_code(project, one, ana, subsistence, None, None)
        with pytest.raises(UserError, match="'Motive' is exclusive") as refused:
            apply_code(project, one, ana, political, None, None)
        assert "'one', coder Ana: 'Motive > Subsistence' and 'Motive > Political'" in str(
            refused.value
        )
        assert _whole(project) == [("one", SUBSISTENCE)]
        # Replacing the first is the way to change one's mind; other dimensions and passages
        # of the article's own code are not touched by the rule.
        apply_code(project, one, ana, political, None, None, replace=[first.coding.id])
        apply_code(project, one, ana, worker, None, None)
        apply_code(project, one, ana, political, 0, 7)
        assert _whole(project) == [("one", "Actor type > Overseas worker"), ("one", POLITICAL)]


def test_a_passage_of_another_code_beside_a_whole_article_code_is_refused(lead: Path) -> None:
    """A whole-article coding covers the article, so a passage of another code of the
    exclusive dimension contradicts it — whichever comes first."""
    with Project.open(lead) as project:
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        two = project.documents.by_name("two").id  # type: ignore[union-attr]
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        subsistence, political = _ids(project, SUBSISTENCE, POLITICAL)
        apply_code(project, one, ana, subsistence, None, None)
        with pytest.raises(UserError) as refused:
            apply_code(project, one, ana, political, 10, 20)
        assert str(refused.value) == (
            "'one', coder Ana: 'Motive > Subsistence' as a whole-article coding and "
            "'Motive > Political' on a passage, but 'Motive' is exclusive (a whole-article "
            "coding covers the article, so no other of its codes fits anywhere in it)"
        )
        passage = apply_code(project, two, ana, political, 10, 20).coding
        with pytest.raises(UserError, match="'Motive > Political' on a passage"):
            apply_code(project, two, ana, subsistence, None, None)
        assert [(c.document_id, c.start) for c in project.codings.for_coder(ana)] == [
            (one, None),
            (two, 10),
        ]
        # The window's way: what the code would contradict is offered for replacement.
        assert exclusive_conflicts(project, two, ana, subsistence, None, None) == [passage]
        apply_code(project, two, ana, subsistence, None, None, replace=[passage.id])
        assert _whole(project) == [("one", SUBSISTENCE), ("two", SUBSISTENCE)]


def _codings_csv(
    path: Path, rows: list[tuple[str, str]] | list[tuple[str, str, int | None]]
) -> Path:
    """Ana's codings: (article, code) for the whole article, or (article, code, start) for
    the passage of five characters from ``start``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document_name", "coder", "code", "code_path", "start", "end"])
        for document, code, *at in rows:
            start = at[0] if at else None
            span = ["", ""] if start is None else [start, start + 5]
            writer.writerow([document, "Ana", NAMES[code], code, *span])
    return path


def test_codings_import_refuses_a_second_whole_article_motive(lead: Path, tmp_path: Path) -> None:
    both = _codings_csv(tmp_path / "both.csv", [("one", SUBSISTENCE), ("one", POLITICAL)])
    with Project.open(lead) as project:
        with pytest.raises(UserError) as refused:
            import_codings(project, both)
        message = str(refused.value)
        assert message.startswith("both.csv: 'one', coder Ana: 'Motive > Subsistence' and")
        assert message.endswith("nothing was imported")
        assert project.codings.count() == 0
        # With what the project already holds.
        import_codings(project, _codings_csv(tmp_path / "a.csv", [("two", SUBSISTENCE)]))
        with pytest.raises(UserError, match="'two', coder Ana"):
            import_codings(project, _codings_csv(tmp_path / "b.csv", [("two", POLITICAL)]))
        assert _whole(project) == [("two", SUBSISTENCE)]


def test_codings_import_refuses_a_passage_beside_a_whole_article_motive(
    lead: Path, tmp_path: Path
) -> None:
    mixed = _codings_csv(tmp_path / "mixed.csv", [("one", SUBSISTENCE), ("one", POLITICAL, 10)])
    with Project.open(lead) as project:
        with pytest.raises(UserError) as refused:
            import_codings(project, mixed)
        assert str(refused.value).startswith(
            "mixed.csv: 'one', coder Ana: 'Motive > Subsistence' as a whole-article coding and "
            "'Motive > Political' on a passage"
        )
        assert project.codings.count() == 0
        # With what the project already holds, either way round; the article's own code on a
        # passage is fine.
        import_codings(project, _codings_csv(tmp_path / "a.csv", [("two", SUBSISTENCE)]))
        import_codings(project, _codings_csv(tmp_path / "b.csv", [("one", POLITICAL, 0)]))
        for rows, name in (([("two", POLITICAL, 3)], "c.csv"), ([("one", SUBSISTENCE)], "d.csv")):
            with pytest.raises(UserError, match="on a passage, but 'Motive' is exclusive"):
                import_codings(project, _codings_csv(tmp_path / name, rows))  # type: ignore[arg-type]
        import_codings(project, _codings_csv(tmp_path / "e.csv", [("two", SUBSISTENCE, 3)]))
        assert project.codings.count() == 3


def test_merge_refuses_a_passage_beside_a_whole_article_motive(lead: Path) -> None:
    copy = lead.with_name("ana.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:  # Ana's laptop: a Political passage in article one
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        apply_code(project, one, ana, *_ids(project, POLITICAL), 0, 8)
        package = copy.with_suffix(".annpkg")
        export_package(project, "Ana", package)
    with Project.open(lead) as project:  # the lead's copy: Subsistence for the whole article
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        apply_code(project, one, ana, *_ids(project, SUBSISTENCE), None, None)
        with pytest.raises(MergeConflictError) as refused:
            merge_file(project, package)
        assert "'Motive > Political' on a passage" in str(refused.value)
        assert [(c.start, c.end) for c in project.codings.for_coder(ana)] == [(None, None)]


def test_merge_refuses_a_second_whole_article_motive(lead: Path) -> None:
    copy = lead.with_name("ana.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:  # Ana's laptop: Political for article one
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        apply_code(project, one, ana, *_ids(project, POLITICAL), None, None)
        project.statuses.mark(one, ana, DocumentStatus.DONE)
        package = copy.with_suffix(".annpkg")
        export_package(project, "Ana", package)
    with Project.open(lead) as project:  # the lead's copy says Subsistence
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        apply_code(project, one, ana, *_ids(project, SUBSISTENCE), None, None)
        for source in (package, copy):
            with pytest.raises(MergeConflictError) as refused:
                merge_file(project, source)
            assert str(refused.value).startswith(f"{source.name}: 'one', coder Ana:")
            assert str(refused.value).endswith("nothing was merged")
            assert _whole(project) == [("one", SUBSISTENCE)]
            assert project.statuses.get(one, ana) is DocumentStatus.NOT_STARTED


def test_check_reports_two_whole_article_motives(lead: Path) -> None:
    with Project.open(lead) as project:  # as an older project may hold them
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        for code in _ids(project, SUBSISTENCE, POLITICAL):
            project.codings.add(one, ana, code, None, None)
        report = check_project(project)
    # Every route that makes codings refuses them: an error (exit 1), saying how to mend it.
    assert report.errors == [
        "'one', coder Ana: 'Motive > Subsistence' and 'Motive > Political' both as "
        "whole-article codings, but 'Motive' is exclusive (an article takes one of its codes as "
        "a whole): keep the right one and remove the others (in the window, as that coder: "
        "choose a coding and press Delete)"
    ]
    assert not report.damaged


def test_check_reports_a_passage_beside_a_whole_article_motive(lead: Path) -> None:
    with Project.open(lead) as project:  # as an older project may hold them
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        subsistence, political = _ids(project, SUBSISTENCE, POLITICAL)
        project.codings.add(one, ana, subsistence, None, None)
        project.codings.add(one, ana, political, 10, 20)
        project.codings.add(one, ana, subsistence, 0, 5)  # its own code: fine
        report = check_project(project)
    assert report.errors == [
        "'one', coder Ana: 'Motive > Subsistence' as a whole-article coding and "
        "'Motive > Political' on a passage, but 'Motive' is exclusive (a whole-article coding "
        "covers the article, so no other of its codes fits anywhere in it): keep the right one "
        "and remove the others (in the window, as that coder: choose a coding and press Delete)"
    ]
    assert not [w for w in report.warnings if "exclusive" in w]
