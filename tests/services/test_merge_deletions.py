"""Deletions travel: a coding or memo a coder withdraws after a merge is withdrawn at the lead
too (and no longer counted in agreement); a deletion older than the lead's own later change
is a conflict with a choice; an older package merged again does not bring it back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.domain.model import DocumentStatus
from annotator.services import create_project
from annotator.services.agreement import Request, measure
from annotator.services.merge import (
    MergeChoices,
    MergeConflictError,
    export_package,
    merge_file,
)
from annotator.storage import Project

ARTICLES = {
    "one": "Workers left the restaurant because they had not been paid for months.",
    "two": "The diplomat said he feared for his children's future under the regime.",
}


@pytest.fixture
def lead(tmp_path: Path) -> Path:
    path = tmp_path / "lead.annotator"
    with create_project(path) as project:
        for name, text in ARTICLES.items():
            project.documents.add(name, f"{name}.txt", text)
    return path


def _coders_copy(lead: Path, coder: str) -> Path:
    """A coder's machine: the lead's project copied, coded twice in article one (Political and
    Subsistence), with a memo on it, and everything done."""
    copy = lead.with_name(f"{coder}.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:
        me = project.coders.add(coder)
        one = project.documents.find("one")
        tree = project.codebook.tree()
        for path, start, end in (("Motive > Political", 0, 20), ("Motive > Subsistence", 21, 40)):
            code = tree.find(path)
            assert code is not None
            project.codings.add(one.id, me.id, code.id, start, end)
        project.memos.add("ask the lead about pay", document_id=one.id, coder_id=me.id)
        for document, _ in project.documents.names():
            project.statuses.mark(document, me.id, DocumentStatus.DONE)
    return copy


def _package(copy: Path, coder: str) -> Path:
    package = copy.with_suffix(".annpkg")
    with Project.open(copy) as project:
        export_package(project, coder, package)
    return package


def _withdraw(copy: Path, coder: str, path: str = "Motive > Subsistence") -> str:
    """The coder deletes their coding of ``path``; returns its GUID."""
    with Project.open(copy) as project:
        code = project.codebook.tree().find(path)
        [coding] = [
            c
            for c in project.codings.for_coder(project.coders.find(coder).id)
            if code is not None and c.code_id == code.id
        ]
        project.codings.delete(coding.id)
        return coding.guid


def _guids(lead: Path) -> set[str]:
    with Project.open(lead, read_only=True) as project:
        return {c.guid for c in project.codings.all()}


def test_a_coding_the_coder_deleted_is_deleted_at_the_lead_and_leaves_agreement(
    lead: Path,
) -> None:
    ana, ben = _coders_copy(lead, "Ana"), _coders_copy(lead, "Ben")
    with Project.open(lead) as project:
        merge_file(project, _package(ana, "Ana"))
        merge_file(project, _package(ben, "Ben"))
        subsistence = _subsistence_units(project)
        assert subsistence == (1.0, 2)  # both coded it in one, neither in two
    withdrawn = _withdraw(ana, "Ana")
    package = _package(ana, "Ana")
    assert [d["guid"] for d in json.loads(package.read_text("utf-8"))["deletions"]] == [withdrawn]
    with Project.open(lead) as project:
        [report] = merge_file(project, package)
        assert (report.added, report.unchanged, report.deleted) == (0, 1, 1)
        assert "1 already there, 1 deleted" in report.summary()
        assert withdrawn not in {c.guid for c in project.codings.all()}
        # Ben alone applied Subsistence now: the article no longer agrees on it.
        assert _subsistence_units(project) == (0.5, 2)
        # The lead remembers the deletion, with the coder's time.
        assert withdrawn in project.deletions.by_guids([withdrawn])
        # Merging the same package again changes nothing.
        [again] = merge_file(project, package)
        assert (again.added, again.deleted, again.kept) == (0, 0, 0)


def _subsistence_units(project: Project) -> tuple[float | None, int]:
    report = measure(project, Request(levels=("document",), codes=("Motive > Subsistence",)))
    [row] = [m for m in report.measures if m.name == "Motive > Subsistence"]
    return row.percent_agreement, row.units


def test_an_older_package_merged_after_the_deletion_does_not_bring_it_back(lead: Path) -> None:
    ana = _coders_copy(lead, "Ana")
    old = _package(ana, "Ana")
    shutil.copy(old, old.with_name("old.annpkg"))
    withdrawn = _withdraw(ana, "Ana")
    new = _package(ana, "Ana")
    with Project.open(lead) as project:
        [report] = merge_file(project, new)  # the lead never had it: the deletion is kept
        assert (report.added, report.deleted) == (1, 0)
        [report] = merge_file(project, old.with_name("old.annpkg"))
        # Said as it is: deleted at the lead, and not brought back (not "kept … (newer)").
        assert (report.added, report.kept, report.kept_deleted) == (0, 0, 1)
        assert report.summary() == (
            "old.annpkg: Ana: 0 codings added, 1 already there, 1 kept deleted (deleted at the "
            "lead after the package's version: not brought back)"
        )
    assert withdrawn not in _guids(lead)


def test_a_deletion_older_than_a_change_at_the_lead_is_a_conflict_with_a_choice(
    lead: Path,
) -> None:
    ana = _coders_copy(lead, "Ana")
    with Project.open(lead) as project:
        merge_file(project, _package(ana, "Ana"))
    withdrawn = _withdraw(ana, "Ana")
    package = _package(ana, "Ana")
    with Project.open(lead) as project:  # the lead corrects that coding after Ana deleted it
        coding = project.codings.by_guid(withdrawn)
        assert coding is not None
        project.codings.overwrite(coding.id, coding.code_id, 21, 35, "", "2999-01-01T00:00:00Z")
        with pytest.raises(MergeConflictError) as refused:
            merge_file(project, package)
        [conflict] = refused.value.conflicts
        assert conflict.startswith("'one': the coding of 'Motive > Subsistence' (21–35) was ")
        assert "deleted by Ana at" in conflict
        assert conflict.endswith(
            "changed here later, at 2999-01-01T00:00:00Z: choose 'delete' or 'keep'"
        )
        assert withdrawn in _guids_of(project)  # nothing was written
        [kept] = merge_file(project, package, MergeChoices(deletions="keep"))
        assert kept.deleted == 0
        assert kept.left_out == [
            f"the deletion of 'one': the coding of 'Motive > Subsistence' (21–35) (Ana deleted "
            f"it at {_deleted_at(package)}; it was changed here later, at 2999-01-01T00:00:00Z)"
        ]
        assert withdrawn in _guids_of(project)
        [deleted] = merge_file(project, package, MergeChoices(deletions="delete"))
        assert deleted.deleted == 1
        assert withdrawn not in _guids_of(project)


def _guids_of(project: Project) -> set[str]:
    return {c.guid for c in project.codings.all()}


def _deleted_at(package: Path) -> str:
    [deletion] = json.loads(package.read_text("utf-8"))["deletions"]
    return str(deletion["deleted_at"])


def test_a_deleted_memo_is_deleted_at_the_lead_and_a_later_edit_there_is_a_conflict(
    lead: Path,
) -> None:
    ana = _coders_copy(lead, "Ana")
    with Project.open(lead) as project:
        merge_file(project, _package(ana, "Ana"))
        [memo] = project.memos.all()
    older = shutil.copy(_package(ana, "Ana"), lead.with_name("older.annpkg"))
    with Project.open(ana) as copy:
        copy.memos.delete(copy.memos.all()[0].id)
    package = _package(ana, "Ana")
    lead_copy = lead.with_name("lead-copy.annotator")
    shutil.copy(lead, lead_copy)
    with Project.open(lead) as project:
        [report] = merge_file(project, package)
        assert report.memos_deleted == 1
        assert "1 memos deleted" in report.summary()
        assert project.memos.all() == []
        # The package from before the deletion does not bring it back, and says so.
        [report] = merge_file(project, Path(older))
        assert (report.memos, report.memos_kept_deleted) == (0, 1)
        assert "1 memos kept deleted (deleted at the lead" in report.summary()
        assert project.memos.all() == []
    with Project.open(lead_copy) as project:  # had the lead edited it later: a conflict
        project.memos.set_text(memo.id, "pay: see the contract", updated_at="2999-01-01T00:00:00Z")
        with pytest.raises(
            MergeConflictError, match="the memo 'pay: see the contract' was deleted"
        ):
            merge_file(project, package)
        [report] = merge_file(project, package, MergeChoices(deletions="keep"))
        assert report.memos_deleted == 0
        assert [m.text for m in project.memos.all()] == ["pay: see the contract"]


def test_an_article_whose_codings_were_all_withdrawn_still_travels(lead: Path) -> None:
    copy = lead.with_name("Cy.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:
        me = project.coders.add("Cy")
        code = project.codebook.tree().find("Motive > Political")
        assert code is not None
        coding = project.codings.add(project.documents.find("two").id, me.id, code.id, 4, 12)
        export_package(project, "Cy", copy.with_suffix(".annpkg"))
    with Project.open(lead) as project:
        merge_file(project, copy.with_suffix(".annpkg"))
    with Project.open(copy) as project:
        project.codings.delete(coding.id)  # Cy's only work on any article
        package = export_package(project, "Cy", copy.with_suffix(".annpkg"))
        assert [d.name for d in package.documents] == ["two"]
    with Project.open(lead) as project:
        [report] = merge_file(project, copy.with_suffix(".annpkg"))
        assert report.deleted == 1
        assert project.codings.count() == 0


def test_a_whole_project_merged_carries_its_deletions(lead: Path) -> None:
    ana = _coders_copy(lead, "Ana")
    with Project.open(lead) as project:
        merge_file(project, ana)
    withdrawn = _withdraw(ana, "Ana")
    with Project.open(lead) as project:
        [report] = merge_file(project, ana)
        assert (report.coder, report.deleted) == ("Ana", 1)
    assert withdrawn not in _guids(lead)


def test_a_package_of_version_1_without_deletions_still_merges(lead: Path) -> None:
    package = _package(_coders_copy(lead, "Ana"), "Ana")
    data = json.loads(package.read_text("utf-8"))
    assert data["version"] == 2
    del data["deletions"]
    data["version"] = 1
    package.write_text(json.dumps(data), encoding="utf-8")
    with Project.open(lead) as project:
        [report] = merge_file(project, package)
        assert (report.added, report.deleted, report.memos) == (2, 0, 1)


def test_a_deletion_undone_by_the_coder_brings_the_coding_back_at_the_lead(lead: Path) -> None:
    """Undo puts a coding back with its old times; a package exported after the deletion the
    lead received, holding it again, brings it back."""
    copy = lead.with_name("Ana.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:
        ana = project.coders.add("Ana")
        code = project.codebook.tree().find("Motive > Political")
        assert code is not None
        made = "2025-01-10T09:00:00Z"
        coding = project.codings.add(
            project.documents.find("one").id, ana.id, code.id, 0, 20, created_at=made
        )
        export_package(project, "Ana", copy.with_suffix(".annpkg"))
    with Project.open(lead) as project:
        merge_file(project, copy.with_suffix(".annpkg"))
    with Project.open(copy) as project:
        gone = project.codings.delete(coding.id, deleted_at="2025-01-11T09:00:00Z")
        export_package(project, "Ana", copy.with_suffix(".annpkg"))
    with Project.open(lead) as project:
        assert merge_file(project, copy.with_suffix(".annpkg"))[0].deleted == 1
    with Project.open(copy) as project:  # Ctrl+Z: back with its GUID and times
        assert project.codings.restore(gone) == coding
        assert project.deletions.count() == 0
        package = export_package(project, "Ana", copy.with_suffix(".annpkg"))
        assert package.deletions == ()
    with Project.open(lead) as project:
        [report] = merge_file(project, copy.with_suffix(".annpkg"))
        assert report.added == 1
        assert coding.guid in _guids_of(project)
        assert project.deletions.by_guids([coding.guid]) == {}


def test_an_old_copy_of_a_project_does_not_bring_back_what_was_deleted_since(
    lead: Path,
) -> None:
    ana = _coders_copy(lead, "Ana")
    old_copy = ana.with_name("Ana-old.annotator")
    shutil.copy(ana, old_copy)
    with Project.open(lead) as project:
        merge_file(project, ana)
    withdrawn = _withdraw(ana, "Ana")
    with Project.open(lead) as project:
        assert merge_file(project, ana)[0].deleted == 1
        [report] = merge_file(project, old_copy)
        assert (report.added, report.kept, report.kept_deleted) == (0, 0, 1)
    assert withdrawn not in _guids(lead)
