"""The hostile tester's cases through the import: a file that defeats a parser is refused in
one line and the rest of the batch is still imported; a stopped download stores no cut-off
article."""

from __future__ import annotations

from pathlib import Path

from annotator.services.imports import import_files
from annotator.storage import Project
from tests.io.news.fixture_files import FIXTURES


def test_json_nested_past_the_recursion_limit_is_refused_and_the_batch_goes_on(
    project: Project, tmp_path: Path
) -> None:
    deep = '{"text": "An article body of a few words.", "x": ' + "[" * 5000 + "]" * 5000 + "}\n"
    for name in ("deep.jsonl", "deep.txt"):
        (tmp_path / name).write_text(deep, encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text("Boats fill the harbour for the summer festival.\n", encoding="utf-8")
    report = import_files(project, [plain, tmp_path / "deep.jsonl", tmp_path / "deep.txt"])
    assert [str(r) for r in report.refused] == [
        "deep.jsonl: holds no JSON object (line 1: JSON nested too deeply to read, left out)"
    ]
    # Not a sheet it can read: deep.txt is an ordinary text file, stored whole.
    assert sorted(d.source for d in project.documents.all()) == ["deep.txt", "plain.txt"]


def test_a_stopped_download_then_the_complete_one_stores_every_article_whole(
    project: Project, tmp_path: Path
) -> None:
    data = (FIXTURES / "lexis_academic.txt").read_bytes()
    stopped = tmp_path / "stopped.txt"
    stopped.write_bytes(data[: data.index(b"old rope works.")])
    report = import_files(project, [stopped])
    [file] = report.files
    assert (file.articles, file.imported) == (1, 1)
    assert "article 2 of stopped.txt is cut off (the download stopped): left out" in file.problems
    complete = tmp_path / "complete.txt"
    complete.write_bytes(data)
    report = import_files(project, [complete])
    assert [d.source for d in report.imported] == ["complete.txt#2"]
    texts = [project.documents.text(d.id) for d in project.documents.all()]
    assert any(text.endswith("for the old rope works.") for text in texts)


def test_a_headline_of_invisible_characters_does_not_name_the_document(
    project: Project, tmp_path: Path
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        'title,text\n"\u200b\u200d\u2060","Boats fill the harbour for the summer festival."\n'
        'Visible,"A second article about the ferry timetable."\n',
        encoding="utf-8",
    )
    import_files(project, [sheet])
    assert [d.name for d in project.documents.all()] == ["sheet 1", "Visible"]
