"""`annotator import` of files holding many articles, its options and --json per file;
`annotator imports`; `documents --json` giving each document's source file and database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli.main import cli
from annotator.storage import Project

FIXTURES = Path(__file__).parent / "io" / "news" / "fixtures"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--no-codebook").exit_code == 0
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(FIXTURES / "harbour_sheet.csv", folder)
    shutil.copy(FIXTURES / "harbour_lines.jsonl", folder)
    (folder / "note.txt").write_text("Harbour office reopens on Monday.\n", encoding="utf-8")
    return folder


def test_import_reports_each_file_in_json(project_path: Path, folder: Path) -> None:
    result = run("import", project_path, folder, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["files"] == [
        {
            "source": "harbour_lines.jsonl",
            "format": "JSON Lines",
            "database": "sheet",
            "articles": 2,
            "imported": 2,
            "duplicates": 0,
            "problems": [
                "line 3: not a JSON object, left out",
                "line 5: not valid JSON, left out",
                "line 4: no text, left out",
            ],
            "refused": None,
        },
        {
            "source": "harbour_sheet.csv",
            "format": "article sheet (CSV)",
            "database": "sheet",
            "articles": 3,
            "imported": 3,
            "duplicates": 0,
            "problems": [
                "row 4: no text, left out",
                "row 5: 'sometime in spring' is not a date; kept as date_text",
            ],
            "refused": None,
        },
        {
            "source": "note.txt",
            "format": "article",
            "database": None,
            "articles": 1,
            "imported": 1,
            "duplicates": 0,
            "problems": [],
            "refused": None,
        },
    ]
    assert len(report["imported"]) == 6
    assert report["import_id"] == 1


def test_documents_json_names_source_file_and_database(project_path: Path, folder: Path) -> None:
    assert run("import", project_path, folder).exit_code == 0
    listing = json.loads(run("documents", project_path, "--json").stdout)
    where = {d["name"]: (d["source"], d["source_file"], d["database"]) for d in listing}
    assert where["Café owners ask for compensation"] == (
        "harbour_sheet.csv#3",
        "harbour_sheet.csv",
        "sheet",
    )
    assert where["Relief crew reaches Port Velmar"] == (
        "harbour_lines.jsonl#2",
        "harbour_lines.jsonl",
        "sheet",
    )
    assert where["note"] == ("note.txt", "note.txt", None)


def test_a_file_without_articles_is_refused_with_exit_status_1_and_nothing_written(
    project_path: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "columns.csv"
    sheet.write_text("id,headline,url\n1,Ferry,https://example.invalid\n", encoding="utf-8")
    before = project_path.read_bytes()
    result = run("import", project_path, sheet)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "refused: columns.csv: no column holds the article text (looked for text, body, "
        "content, full_text); its columns: 'id', 'headline', 'url'; name the text column "
        "with --text-column"
    )
    assert result.stdout == "imported 0 articles (0 characters)\n"
    with Project.open(project_path) as project:
        assert (project.documents.count(), project.imports.count()) == (0, 0)
    assert len(project_path.read_bytes()) == len(before)


def test_text_column_and_column_options(project_path: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "scraped.csv"
    sheet.write_text(
        "story,hed,when\nThe crew left the quay.,Ferry crew walks off,16.04.2019\n",
        encoding="utf-8",
    )
    result = run(
        "import", project_path, sheet, "--text-column", "story",
        "--column", "hed=title", "--column", "when=date", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with Project.open(project_path) as project:
        [document] = project.documents.all()
        assert document.name == "Ferry crew walks off"
        assert project.documents.text(document.id) == (
            "Ferry crew walks off\n\nThe crew left the quay."
        )
        assert project.documents.values(document.id)["date"] == "2019-04-16"
        [run_] = project.imports.all()
        assert run_.options["columns"] == {"hed": "title", "when": "date"}
        assert run_.options["text_column"] == "story"


def test_a_malformed_column_option_is_a_usage_error(project_path: Path, tmp_path: Path) -> None:
    result = run("import", project_path, tmp_path, "--column", "headline")
    assert result.exit_code == 2
    assert "'headline': write it as COLUMN=variable" in result.stderr


def test_imports_lists_every_run(project_path: Path, folder: Path) -> None:
    assert run("import", project_path, folder / "harbour_sheet.csv").exit_code == 0
    result = run("import", project_path, folder, "--duplicates", "mark", "--similarity", "0.8")
    assert result.exit_code == 0, result.output
    text = run("imports", project_path)
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert lines[0].startswith("#1 ")
    assert "3 imported" in lines[0]
    assert "  harbour_sheet.csv: article sheet (CSV), 3 articles, 3 imported" in lines[1]
    listing = json.loads(run("imports", project_path, "--json").stdout)
    assert [r["id"] for r in listing] == [1, 2]
    second = listing[1]
    assert (second["options"]["duplicates"], second["options"]["similarity"]) == ("mark", 0.8)
    assert {f["source"]: f["duplicates"] for f in second["files"]} == {
        "harbour_lines.jsonl": 0,
        "harbour_sheet.csv": 3,
        "note.txt": 0,
    }
    assert all(len(f["sha256"]) == 64 for f in second["files"])


def test_imports_of_a_project_without_any(project_path: Path) -> None:
    result = run("imports", project_path)
    assert result.exit_code == 0
    assert result.stdout.startswith("no imports recorded")
    assert json.loads(run("imports", project_path, "--json").stdout) == []


@pytest.mark.parametrize("value", ["0.3", "1.5", "0"])
def test_a_similarity_outside_its_range_is_a_usage_error_before_any_file_is_read(
    project_path: Path, tmp_path: Path, value: str
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Boats fill the harbour for the summer festival.\n", encoding="utf-8")
    result = run("import", project_path, article, "--similarity", value)
    assert result.exit_code == 2
    assert "is not in the range 0.5<=x<=1.0" in result.output
    with Project.open(project_path) as project:
        assert project.documents.count() == 0


def test_the_similarity_help_states_its_range() -> None:
    help_text = " ".join(run("import", "--help").output.split())
    assert "from 0.5 to 1.0" in help_text
