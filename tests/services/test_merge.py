"""Team coding across machines: two coders code copies of the lead's project, send packages,
and the lead merges them — by GUIDs and text hashes, twice without change, conflicts listed
and resolved by explicit choice, hostile packages refused with nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.domain.model import DocumentStatus
from annotator.services import create_project
from annotator.services.agreement import Request, measure
from annotator.services.merge import (
    MergeChoices,
    MergeConflictError,
    export_package,
    merge_file,
    merge_files,
)
from annotator.storage import Project

ARTICLES = {
    "one": "Workers left the restaurant because they had not been paid for months.",
    "two": "The diplomat said he feared for his children's future under the regime.",
    "three": "State media called the defectors traitors; officials declined to comment.",
}


@pytest.fixture
def lead(tmp_path: Path) -> Path:
    """The lead's project: three articles and the default codebook, no coder yet."""
    path = tmp_path / "lead.annotator"
    with create_project(path) as project:
        for name, text in ARTICLES.items():
            project.documents.add(name, f"{name}.txt", text)
    return path


def _machine(lead: Path, coder: str, spans: list[tuple[str, str, int, int]]) -> Path:
    """A coder's copy of the project, coded and with every article done; returns the package."""
    copy = lead.with_name(f"{coder}.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:
        me = project.coders.add(coder)
        tree = project.codebook.tree()
        for article, path, start, end in spans:
            document = project.documents.by_name(article)
            code = tree.find(path)
            assert document is not None
            assert code is not None
            project.codings.add(document.id, me.id, code.id, start, end)
        for document, _ in project.documents.names():
            project.statuses.mark(document, me.id, DocumentStatus.DONE)
        package = copy.with_suffix(".annpkg")
        export_package(project, coder, package)
    return package


def _count(path: Path) -> dict[str, int]:
    with Project.open(path, read_only=True) as project:
        names = {c.id: c.name for c in project.coders.all()}
        counts: dict[str, int] = {}
        for _, coder, *_ in project.codings.rows():
            counts[names[coder]] = counts.get(names[coder], 0) + 1
        return counts


def test_two_coders_two_machines_and_the_leads_agreement_covers_both(lead: Path) -> None:
    ana = _machine(
        lead, "Ana", [("one", "Motive > Subsistence", 0, 30), ("two", "Motive > Political", 4, 40)]
    )
    ben = _machine(
        lead,
        "Ben",
        [("one", "Motive > Subsistence", 0, 30), ("two", "Motive > Family / personal", 4, 40)],
    )
    with Project.open(lead) as project:
        [first] = merge_file(project, ana)
        [second] = merge_file(project, ben)
        assert (first.coder, first.added, first.statuses) == ("Ana", 2, 3)
        assert (second.coder, second.added) == ("Ben", 2)
        report = measure(project, Request(levels=("document",)))
        assert report.coders == ("Ana", "Ben")
        assert report.documents == 3
        political = next(m for m in report.measures if m.name == "Motive > Political")
        assert political.units == 3
        # The same packages again change nothing.
        again = [merge_file(project, ana)[0], merge_file(project, ben)[0]]
        assert [(r.added, r.updated, r.unchanged, r.statuses) for r in again] == [
            (0, 0, 2, 0),
            (0, 0, 2, 0),
        ]
    assert _count(lead) == {"Ana": 2, "Ben": 2}


def test_a_later_change_updates_and_an_older_one_is_kept(lead: Path) -> None:
    package = _machine(lead, "Ana", [("one", "Motive > Subsistence", 0, 30)])
    with Project.open(lead) as project:
        merge_file(project, package)
    with Project.open(lead.with_name("Ana.annotator")) as copy:
        [coding] = copy.codings.for_coder(copy.coders.find("Ana").id)
        copy.codings.overwrite(coding.id, coding.code_id, 0, 25, "shorter", "2999-01-01T00:00:00Z")
        export_package(copy, "Ana", package)
    with Project.open(lead) as project:
        [report] = merge_file(project, package)
        assert report.updated == 1
        [merged] = project.codings.for_coder(project.coders.find("Ana").id)
        assert (merged.end, merged.memo) == (25, "shorter")
        # An older version does not overwrite the newer one the lead has.
        project.codings.overwrite(merged.id, merged.code_id, 0, 20, "", "3000-01-01T00:00:00Z")
        [report] = merge_file(project, package)
        assert (report.updated, report.kept) == (0, 1)


def test_missing_article_is_a_conflict_until_skipped(lead: Path) -> None:
    copy = lead.with_name("extra.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:
        extra = project.documents.add("four", "four.txt", "An article only the coder has.")
        me = project.coders.add("Ana")
        code = project.codebook.tree().find("Motive > Political")
        assert code is not None
        project.codings.add(extra.id, me.id, code.id, 0, 10)
        project.codings.add(project.documents.find("one").id, me.id, code.id, 0, 10)
        export_package(project, "Ana", copy.with_suffix(".annpkg"))
    with Project.open(lead) as project:
        with pytest.raises(MergeConflictError, match="no article with the text of 'four'") as error:
            merge_file(project, copy.with_suffix(".annpkg"))
        assert error.value.conflicts == ["the master has no article with the text of 'four'"]
        assert project.codings.count() == 0
        assert project.coders.by_name("Ana") is None  # nothing half-written
        [report] = merge_file(project, copy.with_suffix(".annpkg"), MergeChoices(articles="skip"))
        assert report.added == 1
        assert report.left_out == ["article 'four' (not in the master)"]
    # A whole project can bring the article along.
    with Project.open(lead) as project:
        reports = merge_file(project, copy, MergeChoices(articles="import"))
        assert reports[0].articles_added == ["four"]
        assert project.documents.by_name("four") is not None
        assert reports[0].added == 1


def test_missing_code_and_coder_clash_need_a_choice(lead: Path) -> None:
    copy = lead.with_name("Ana.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:
        me = project.coders.add("Ana")
        dimension = project.codebook.add("Framing")
        new_code = project.codebook.add("Victims", dimension.id, color="#AABBCC")
        project.codings.add(project.documents.find("one").id, me.id, new_code.id, 0, 9)
        export_package(project, "Ana", copy.with_suffix(".annpkg"))
    package = copy.with_suffix(".annpkg")
    with Project.open(lead) as project:
        project.coders.add("Ana")  # someone else of that name
        with pytest.raises(MergeConflictError) as error:
            merge_file(project, package)
        assert set(error.value.conflicts) == {
            "the master's codebook has no code 'Framing'",
            "the master's codebook has no code 'Framing > Victims'",
            "the master's coder 'Ana' is someone else (another GUID): choose 'rename' or 'same'",
        }
        [report] = merge_file(project, package, MergeChoices(codes="add", coder="rename"))
        assert report.coder == "Ana (2)"
        assert report.codes_added == ["Framing", "Framing > Victims"]
        added = project.codebook.by_guid(new_code.guid)
        assert added is not None
        assert added.color == "#AABBCC"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfebinary", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b'{"format": "something else"}', "not an annotator coder package"),
        (b'{"format": "annotator-coder-package", "version": 9}', "version 9"),
        (b'{"format": "annotator-coder-package", "version": 1, "project_guid": "x"}', "not a GUID"),
    ],
)
def test_hostile_packages_are_refused_with_nothing_written(
    lead: Path, content: bytes, problem: str
) -> None:
    path = lead.with_name("hostile.annpkg")
    path.write_bytes(content)
    with Project.open(lead) as project, pytest.raises(BadFileError, match=problem):
        merge_file(project, path)
    assert _count(lead) == {}


def test_a_package_with_a_bad_span_is_refused(lead: Path) -> None:
    package = _machine(lead, "Ana", [("one", "Motive > Subsistence", 0, 30)])
    data = json.loads(package.read_text(encoding="utf-8"))
    data["codings"][0]["start"] = 40
    data["codings"][0]["end"] = 10
    package.write_text(json.dumps(data), encoding="utf-8")
    with (
        Project.open(lead) as project,
        pytest.raises(BadFileError, match="codings\\[0\\]: the span"),
    ):
        merge_file(project, package)
    assert _count(lead) == {}


def test_a_project_nobody_coded_yet_brings_its_articles_when_asked(
    lead: Path, tmp_path: Path
) -> None:
    with create_project(tmp_path / "empty.annotator") as project:
        [report] = merge_file(project, lead, MergeChoices(articles="import"))
        assert sorted(report.articles_added) == sorted(ARTICLES)
        assert project.coders.all() == []
        assert project.documents.count() == len(ARTICLES)
        [again] = merge_file(project, lead, MergeChoices(articles="import"))
        assert again.summary() == "lead.annotator: nothing new"


def test_a_broken_file_after_a_good_one_writes_nothing(lead: Path) -> None:
    """Issue 20.4: the good package used to be written (and a coder 'Ana (2)' added) while
    the error named only the broken file."""
    package = _machine(lead, "Ana", [("one", "Motive > Subsistence", 0, 30)])
    broken = lead.with_name("broken.annpkg")
    broken.write_text("{not json", encoding="utf-8")
    with Project.open(lead) as project:
        project.coders.add("Ana")  # someone else of that name: Ana comes in renamed
        with pytest.raises(BadFileError) as refused:
            merge_files(project, [package, broken], MergeChoices(coder="rename"))
        assert str(refused.value).startswith("broken.annpkg, line 1: is not valid JSON")
        assert str(refused.value).endswith("; nothing was merged")
        assert project.codings.count() == 0
        assert [c.name for c in project.coders.all()] == ["Ana"]


def test_a_file_refused_while_writing_takes_the_files_before_it_back(lead: Path) -> None:
    first = _machine(lead, "Ana", [("one", "Motive > Subsistence", 0, 30)])
    second = _machine(lead, "Ben", [("two", "Motive > Political", 4, 40)])
    data = json.loads(second.read_text(encoding="utf-8"))
    data["codings"][0]["end"] = 4000  # past the article's end: found only against the master
    second.write_text(json.dumps(data), encoding="utf-8")
    with Project.open(lead) as project:
        with pytest.raises(BadFileError, match=r"^Ben\.annpkg: .*; nothing was merged$"):
            merge_files(project, [first, second])
        assert project.codings.count() == 0
        assert project.coders.all() == []


def test_the_conflicts_of_every_file_are_listed_together(lead: Path) -> None:
    copy = lead.with_name("extra.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:
        extra = project.documents.add("four", "four.txt", "An article only the coder has.")
        me = project.coders.add("Cleo")
        code = project.codebook.tree().find("Motive > Political")
        assert code is not None
        project.codings.add(extra.id, me.id, code.id, 0, 10)
        export_package(project, "Cleo", copy.with_suffix(".annpkg"))
    good = _machine(lead, "Ana", [("one", "Motive > Subsistence", 0, 30)])
    with Project.open(lead) as project:
        project.coders.add("Ben")
        ben = _machine(lead, "Ben", [("two", "Motive > Political", 4, 40)])
        with pytest.raises(MergeConflictError) as refused:
            merge_files(project, [good, copy.with_suffix(".annpkg"), ben])
        assert refused.value.conflicts == [
            "extra.annpkg: the master has no article with the text of 'four'",
            "Ben.annpkg: the master's coder 'Ben' is someone else (another GUID): choose "
            "'rename' or 'same'",
        ]
        assert project.codings.count() == 0
        assert [c.name for c in project.coders.all()] == ["Ben"]


def test_the_summary_names_the_coder_the_codings_are_filed_under(lead: Path) -> None:
    package = _machine(lead, "Ana", [("one", "Motive > Subsistence", 0, 30)])
    with Project.open(lead) as project:
        project.coders.add("Ana")
        [first] = merge_file(project, package, MergeChoices(coder="rename"))
        assert first.summary().startswith("Ana.annpkg: Ana (2): 1 codings added")
        # Merged again (by GUID, no clash now), still filed under "Ana (2)" and named so.
        [again] = merge_file(project, package)
        assert again.coder == "Ana (2)"
        assert again.summary().startswith("Ana.annpkg: Ana (2): 0 codings added, 1 already")
    # Told they are the same person, Ana's codings are filed under the master's Ana.
    with create_project(lead.with_name("other.annotator")) as other:
        for name, text in ARTICLES.items():
            other.documents.add(name, f"{name}.txt", text)
        other.coders.add("Ana")
        [same] = merge_file(other, package, MergeChoices(coder="same"))
        assert same.coder == "Ana"


def test_package_times_are_kept_in_utc_and_an_unreadable_one_is_refused(lead: Path) -> None:
    package = _machine(lead, "Ana", [("one", "Motive > Subsistence", 0, 30)])
    data = json.loads(package.read_text(encoding="utf-8"))
    data["codings"][0]["created_at"] = "2025-03-01T23:30:00-05:00"
    data["codings"][0]["updated_at"] = "20250302T043000Z"
    package.write_text(json.dumps(data), encoding="utf-8")
    with Project.open(lead) as project:
        merge_file(project, package)
        [coding] = project.codings.all()
        assert (coding.created_at, coding.updated_at) == (
            "2025-03-02T04:30:00Z",
            "2025-03-02T04:30:00Z",
        )
    data["codings"][0]["updated_at"] = "yesterday"
    package.write_text(json.dumps(data), encoding="utf-8")
    with (
        Project.open(lead) as project,
        pytest.raises(BadFileError, match=r"codings\[0\]: 'updated_at': 'yesterday' is not"),
    ):
        merge_file(project, package)


def test_a_merge_takes_a_snapshot_first_and_a_refused_one_leaves_none(lead: Path) -> None:
    from annotator.services import backups

    package = _machine(lead, "Ana", [("one", "Motive > Political", 0, 10)])
    copy = lead.with_name("extra.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:
        extra = project.documents.add("four", "four.txt", "An article only the coder has.")
        me = project.coders.add("Ben")
        code = project.codebook.tree().find("Motive > Political")
        assert code is not None
        project.codings.add(extra.id, me.id, code.id, 0, 10)
        export_package(project, "Ben", copy.with_suffix(".annpkg"))
    with Project.open(lead) as project:
        with pytest.raises(MergeConflictError):
            merge_file(project, copy.with_suffix(".annpkg"))
        assert backups.list_snapshots(lead) == []
        merge_file(project, package)
    (snapshot,) = backups.list_snapshots(lead)
    assert snapshot.reason == "before merging Ana.annpkg"
    assert snapshot.counts.codings == 0
    assert _count(lead) == {"Ana": 1}


def test_a_package_of_a_coder_spelled_like_the_consensus_coder_needs_a_new_name(
    lead: Path,
) -> None:
    # Taken in as "Consensus", the coder would count in agreement as one more independent
    # coder (only 'consensus' is left out), and the review would write its decisions there.
    package = _machine(lead, "Cy", [("one", "Motive > Subsistence", 0, 30)])
    data = json.loads(package.read_text(encoding="utf-8"))
    data["coder_name"] = "Consensus"
    package.write_text(json.dumps(data), encoding="utf-8")
    with Project.open(lead) as project:
        with pytest.raises(MergeConflictError, match="'consensus'"):
            merge_file(project, package)
        assert _count(lead) == {}
        [report] = merge_file(project, package, MergeChoices(coder="rename"))
        assert report.coder == "Consensus (2)"
    assert _count(lead) == {"Consensus (2)": 1}
