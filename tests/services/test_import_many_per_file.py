"""Files that hold many articles: one document per article, each file stored whole or not at
all, a chosen part of what was read, duplicates, and the project's record of every import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.services.imports import (
    ImportOptions,
    import_files,
    read_articles,
    store_articles,
)
from annotator.storage import Project
from annotator.storage.documents import DocumentStore
from annotator.storage.near_duplicates import NearDuplicateStore
from tests.io.news.fixture_files import FIXTURES, SHARED_EXPORTS
from tests.io.news.workbooks import workbook


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(FIXTURES / "harbour_sheet.csv", folder / "harbour_sheet.csv")
    (folder / "second.csv").write_text(
        "title,text,date\n"
        "Ferry crew walks off in Port Velmar,A second outlet's story of the crew.,2019-04-16\n"
        "Night ferry cancelled,The night ferry did not sail on Friday.,2019-04-19\n",
        encoding="utf-8",
    )
    (folder / "single.txt").write_text("Harbour office reopens on Monday.\n", encoding="utf-8")
    return folder


def _documents(project: Project) -> dict[str, dict[str, str]]:
    return {d.name: project.documents.values(d.id) for d in project.documents.all()}


def test_each_article_of_a_sheet_becomes_a_document_named_by_its_headline(
    project: Project, exports: Path
) -> None:
    report = import_files(project, [exports])
    assert report.refused == []
    documents = _documents(project)
    assert list(documents) == [
        "Ferry crew walks off in Port Velmar",
        "Relief crew reaches Port Velmar",
        "Café owners ask for compensation",
        "Ferry crew walks off in Port Velmar (2)",
        "Night ferry cancelled",
        "single",
    ]
    assert documents["Relief crew reaches Port Velmar"] == {
        "title": "Relief crew reaches Port Velmar",
        "date": "2019-04-17",
        "outlet": "Harbour Weekly",
        "author": "Ivo Renn",
        "url": "https://example.invalid/relief",
        "Words": "27",
        "Desk": "Harbour",
        "database": "sheet",
        "source_file": "harbour_sheet.csv",
    }
    assert documents["Café owners ask for compensation"]["date_text"] == "sometime in spring"
    assert documents["single"] == {}  # an ordinary article file, as before
    types_ = {v.name: v.type for v in project.documents.variables()}
    assert types_["date"] is VariableType.DATE
    assert types_["Words"] is VariableType.NUMBER
    [relief] = [d for d in project.documents.all() if d.name.startswith("Relief")]
    assert relief.source == "harbour_sheet.csv#2"
    assert project.documents.text(relief.id) == (
        "Relief crew reaches Port Velmar\n\nA relief crew from the mainland took over the "
        "morning ferry on Wednesday; the operator said talks with the union would continue "
        "on Thursday."
    )
    files = {f.source: f for f in report.files}
    assert (files["harbour_sheet.csv"].articles, files["harbour_sheet.csv"].imported) == (3, 3)
    assert files["harbour_sheet.csv"].problems == (
        "row 4: no text, left out",
        "row 5: 'sometime in spring' is not a date; kept as date_text",
    )
    assert files["single.txt"].format == "article"


def test_importing_the_same_files_again_adds_and_records_nothing(
    project: Project, exports: Path
) -> None:
    first = import_files(project, [exports])
    before = (project.documents.count(), project.imports.count())
    again = import_files(project, [exports])
    assert again.imported == []
    assert len(again.duplicates) == 6
    assert again.import_id is None
    assert (project.documents.count(), project.imports.count()) == before
    assert [f.duplicates for f in again.files] == [3, 2, 1]
    assert first.import_id == 1


def test_a_file_that_fails_while_stored_is_left_out_whole_and_the_rest_imported(
    project: Project, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = DocumentStore.add

    def add(self: DocumentStore, name: str, source: str, text: str, **kw: str) -> object:
        if source == "second.csv#2":  # the second article of the second file
            raise UserError(f"{source}: the disk said no")
        return original(self, name, source, text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(DocumentStore, "add", add)
    report = import_files(project, [exports])
    names = [d.name for d in project.documents.all()]
    # Nothing of second.csv, not even its first article; the files around it are in.
    assert names == [
        "Ferry crew walks off in Port Velmar",
        "Relief crew reaches Port Velmar",
        "Café owners ask for compensation",
        "single",
    ]
    assert [str(r) for r in report.refused] == ["second.csv: second.csv#2: the disk said no"]
    assert [i.source for i in report.imported] == [
        "harbour_sheet.csv#1",
        "harbour_sheet.csv#2",
        "harbour_sheet.csv#3",
        "single.txt",
    ]
    [run] = project.imports.all()
    recorded = {f.source: (f.imported, f.refused) for f in run.files}
    assert recorded == {
        "harbour_sheet.csv": (3, None),
        "second.csv": (0, "second.csv#2: the disk said no"),
        "single.txt": (1, None),
    }


def test_a_failure_no_one_foresaw_leaves_the_project_as_it_was(
    project: Project, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = DocumentStore.add

    def add(self: DocumentStore, name: str, source: str, text: str, **kw: str) -> object:
        if source == "second.csv#1":
            raise RuntimeError("disk on fire")
        return original(self, name, source, text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(DocumentStore, "add", add)
    with pytest.raises(RuntimeError):
        import_files(project, [exports])
    assert project.documents.count() == 0
    assert project.imports.count() == 0
    assert project.documents.variables() == []


def test_only_the_articles_chosen_are_stored(project: Project, exports: Path) -> None:
    batch = read_articles([exports / "harbour_sheet.csv", exports / "second.csv"])
    assert [a.name for a in batch.articles] == [
        "Ferry crew walks off in Port Velmar",
        "Relief crew reaches Port Velmar",
        "Café owners ask for compensation",
        "Ferry crew walks off in Port Velmar",
        "Night ferry cancelled",
    ]
    report = store_articles(project, batch, selected={1, 4})
    assert [d.name for d in project.documents.all()] == [
        "Relief crew reaches Port Velmar",
        "Night ferry cancelled",
    ]
    assert [(f.articles, f.imported) for f in report.files] == [(3, 1), (2, 1)]
    # The rest later, from the same reading.
    store_articles(project, batch)
    assert project.documents.count() == 5


def test_a_file_without_any_article_is_refused_and_nothing_is_written(
    project: Project, tmp_path: Path
) -> None:
    sheet = tmp_path / "no-text.csv"
    sheet.write_text("title,text\nOne,\nTwo,\n", encoding="utf-8")
    unmapped = tmp_path / "media-cloud.csv"
    unmapped.write_text("stories_id,title,url\n1,Ferry,https://example.invalid\n")
    report = import_files(project, [sheet, unmapped])
    assert [str(r) for r in report.refused] == [
        "no-text.csv: holds no article: no row has text in its column 'text'",
        "media-cloud.csv: no column holds the article text (looked for text, body, content, "
        "full_text); its columns: 'stories_id', 'title', 'url'; name the text column with "
        "--text-column",
    ]
    assert report.import_id is None
    assert (project.documents.count(), project.imports.count()) == (0, 0)
    assert project.documents.variables() == []


def test_a_file_that_looks_like_a_gigabyte_is_refused_unread(
    project: Project, tmp_path: Path
) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.write(b'title,text\nFerry,"')
        handle.seek(2**30)  # a sparse file: one field of a gigabyte, as the size claims
        handle.write(b'"\n')
    good = tmp_path / "good.csv"
    good.write_text("title,text\nFerry,The crew left.\n", encoding="utf-8")
    report = import_files(project, [huge, good])
    assert [str(r) for r in report.refused] == [
        "huge.csv: is 1,024 MB; files over 128 MB are refused (split it: more at once takes "
        "over 1 GB of memory)"
    ]
    assert [d.name for d in project.documents.all()] == ["Ferry"]


def test_a_truncated_workbook_is_refused_and_the_rest_imported(
    project: Project, tmp_path: Path
) -> None:
    data = workbook([["title", "text"], ["Ferry", "The crew left the quay."]])
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    (tmp_path / "whole.xlsx").write_bytes(data)
    report = import_files(project, [tmp_path / "cut.xlsx", tmp_path / "whole.xlsx"])
    [refused] = report.refused
    assert refused.source == "cut.xlsx"
    assert refused.reason.startswith("is a damaged Excel workbook")
    assert [d.name for d in project.documents.all()] == ["Ferry"]
    assert _documents(project)["Ferry"]["source_file"] == "whole.xlsx"


def test_the_variables_csv_in_the_folder_stays_a_variables_csv_and_reaches_every_article(
    project: Project, exports: Path
) -> None:
    variables = exports / "meta.csv"
    variables.write_text("file,batch\nharbour_sheet.csv,spring\nsingle.txt,late\n")
    report = import_files(project, [exports], variables_csv=variables)
    assert report.refused == []
    assert "meta.csv" not in {f.source for f in report.files}
    batches = {d.name: project.documents.values(d.id).get("batch") for d in project.documents.all()}
    assert batches == {
        "Ferry crew walks off in Port Velmar": "spring",
        "Relief crew reaches Port Velmar": "spring",
        "Café owners ask for compensation": "spring",
        "Ferry crew walks off in Port Velmar (2)": None,
        "Night ferry cancelled": None,
        "single": "late",
    }


def test_every_import_is_recorded_with_its_options_and_files(
    project: Project, exports: Path, tmp_path: Path
) -> None:
    (tmp_path / "gone.csv").write_text("title\nx\n")
    options = ImportOptions(text_column="Full Text", duplicates="mark", similarity=0.8)
    import_files(project, [exports / "harbour_sheet.csv", tmp_path / "gone.csv"], options=options)
    [run] = project.imports.all()
    assert run.options == {
        "text_column": "Full Text",
        "columns": {},
        "duplicates": "mark",
        "similarity": 0.8,
        "encoding": None,
        "articles_read": 3,
    }
    assert run.finished_at is not None
    assert run.started_at <= run.finished_at
    sheet, gone = run.files
    assert (sheet.source, sheet.format, sheet.database) == (
        "harbour_sheet.csv",
        "article sheet (CSV)",
        "sheet",
    )
    assert (sheet.articles, sheet.imported, sheet.duplicates, len(sheet.problems)) == (3, 3, 0, 2)
    assert sheet.sha256 is not None
    assert len(sheet.sha256) == 64
    assert gone.source == "gone.csv"
    assert gone.refused is not None
    assert (run.imported, run.refused) == (3, 1)


# -- near-duplicates: the index of annotator.services.duplicates ----------------------------


STORY = " ".join(f"word{i}" for i in range(200))


@pytest.fixture
def wire(tmp_path: Path) -> Path:
    """A wire story printed twice with one word changed, and a story of its own."""
    sheet = tmp_path / "wire.csv"
    sheet.write_text(
        "title,text,outlet\n"
        f"Wire story,{STORY},Ledger\n"
        f"Wire story again,{STORY.replace('word100', 'changed')},Weekly\n"
        "Own story,Something else entirely happened at the quay today.,Weekly\n",
        encoding="utf-8",
    )
    return sheet


@pytest.mark.parametrize(
    ("choice", "stored", "marked"),
    [
        ("skip", ["Wire story", "Own story"], None),
        ("mark", ["Wire story", "Wire story again", "Own story"], "Wire story"),
        ("all", ["Wire story", "Wire story again", "Own story"], None),
    ],
)
def test_near_duplicates_are_skipped_marked_or_kept(
    project: Project,
    wire: Path,
    choice: str,
    stored: list[str],
    marked: str | None,
) -> None:
    report = import_files(project, [wire], options=ImportOptions(duplicates=choice))
    assert [d.name for d in project.documents.all()] == stored
    [duplicate] = report.duplicates
    assert (duplicate.source, duplicate.existing) == ("wire.csv#2", "Wire story")
    assert 0.9 <= duplicate.similarity < 1.0
    assert duplicate.kept is (choice != "skip")
    values = _documents(project)
    assert values.get("Wire story again", {}).get("duplicate_of") == marked
    assert report.files[0].duplicates == 1
    # What was stored was given to the index, in the import's transaction.
    store = NearDuplicateStore(project.db)
    assert store.unindexed() == []
    assert sorted(store.signatures({d.id for d in project.documents.all()})) == [
        d.id for d in project.documents.all()
    ]


def test_near_duplicates_of_the_project_and_the_threshold(
    project: Project, wire: Path, tmp_path: Path
) -> None:
    later = tmp_path / "later.csv"
    later.write_text(
        f"title,text\nReprint,{STORY.replace('word5 ', 'word5 extra ')}\n", encoding="utf-8"
    )
    import_files(project, [wire], options=ImportOptions(duplicates="all"))
    strict = import_files(project, [later], options=ImportOptions(similarity=0.999))
    assert [d.name for d in strict.imported] == ["Reprint"]  # below the threshold asked for
    project.documents.db.execute("DELETE FROM documents WHERE name = 'Reprint'")
    report = import_files(project, [later], options=ImportOptions(duplicates="mark"))
    assert _documents(project)["Reprint"]["duplicate_of"] == "Wire story"
    assert str(report.duplicates[0]).startswith(
        "later.csv#1: nearly the same text as 'Wire story' (0.9"
    )


def test_the_second_print_of_a_wire_story_is_marked(project: Project, wire: Path) -> None:
    report = import_files(project, [wire], options=ImportOptions(duplicates="mark"))
    assert _documents(project)["Wire story again"]["duplicate_of"] == "Wire story"
    assert [d.source for d in report.duplicates] == ["wire.csv#2"]


# -- the real downloads (../shared/news_exports), when they are there -------------------------

REAL_COUNTS = {
    "kw_factiva_irish-independence_1_2017-11-14.html": 44,
    "kw_nexis_spiegel_2012-02-01_0001.html": 49,
    "kw_lexis_usa-today.docx": 7,
    "lnt_sample.TXT": 10,
}


@pytest.mark.skipif(not SHARED_EXPORTS.is_dir(), reason=f"{SHARED_EXPORTS} is not here")
def test_every_real_export_imports_as_its_number_of_articles(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in REAL_COUNTS:
        shutil.copy(SHARED_EXPORTS / name, folder / name)
    report = import_files(project, [folder])
    assert report.refused == []
    assert {f.source: f.articles for f in report.files} == REAL_COUNTS
    # Every article is either stored or reported as a duplicate: the LexisNexis sample is
    # anonymised with one placeholder text, so articles 3-6 repeat article 2 (one exactly,
    # three at 0.97-0.98) and are reported, not stored twice.
    assert {f.source: f.imported + f.duplicates for f in report.files} == REAL_COUNTS
    assert {f.source: f.imported for f in report.files} == {**REAL_COUNTS, "lnt_sample.TXT": 6}
    values = project.documents.all_values()
    for document in project.documents.all():
        found = values[document.id]
        assert document.name == " ".join(document.name.split())
        assert found["outlet"]
        assert len(found["date"]) == 10
        assert found["source_file"] in REAL_COUNTS
        text = project.documents.text(document.id)
        assert len(text) > len(document.name) + 2  # a headline and a body
    again = import_files(project, [folder])
    assert (again.imported, again.import_id) == ([], None)


def test_problem_lines_name_the_file_not_the_folders_it_sits_in(
    project: Project, tmp_path: Path
) -> None:
    """The window lists these lines under the preview: a temporary or home folder's path in
    each would drown what they say."""
    folder = tmp_path / "deep" / "downloads"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "factiva_en.html", folder / "factiva_en.html")
    report = import_files(project, [folder / "factiva_en.html"])
    problems = [problem for file in report.files for problem in file.problems]
    assert problems, "the fixture has an article without text"
    assert all(str(tmp_path) not in problem for problem in problems), problems
    assert any("factiva_en.html" in problem for problem in problems)
