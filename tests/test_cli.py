"""The command line through click's CliRunner: the contract scripts rely on."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import platformdirs
import pytest
from click.testing import CliRunner, Result

from annotator import paths
from annotator.cli.main import cli
from tests.conftest import SHARED_CORPUS


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def assert_one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.output


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    result = run("new", path, "--demo")
    assert result.exit_code == 0, result.output
    assert "8 documents" in result.stdout
    return path


def test_demo_plus_real_articles_are_listed(demo_path: Path, corpus_dir: Path) -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("the shared corpus is not here")
    result = run("import", demo_path, SHARED_CORPUS)
    assert result.exit_code == 0, result.output
    assert "imported 5 articles" in result.stdout
    listing = json.loads(run("documents", demo_path, "--json").stdout)
    names = [d["name"] for d in listing]
    assert names[:8] == sorted(p.stem for p in corpus_dir.glob("*.txt"))
    assert names[8:] == sorted(p.stem for p in SHARED_CORPUS.glob("*.txt"))
    assert listing[0]["status"] == {"Ana": "done", "Ben": "done"}
    assert listing[0]["variables"]["outlet"]
    assert listing[-1]["codings"] == 0


def test_import_folder_refuses_bad_files_by_name_and_exits_1(
    tmp_path: Path, demo_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text("A good article.", encoding="utf-8")
    (folder / "same.txt").write_text("A good article.", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    result = run("import", demo_path, folder)
    assert result.exit_code == 1
    assert "imported 1 articles" in result.stdout
    assert "duplicate: same.txt: same text as 'good'" in result.stdout
    assert sorted(result.stderr.strip().splitlines()) == [
        "refused: empty.txt: is empty",
        "refused: image.jpg: not an article format annotator reads (.docx, .html, .md, .pdf, .txt)",
    ]
    as_json = json.loads(run("import", demo_path, folder, "--json").stdout)
    assert as_json["imported"] == []
    assert {Path(r["file"]).name for r in as_json["refused"]} == {"empty.txt", "image.jpg"}


def test_segments_export_and_codings_import_round_trip(
    tmp_path: Path, demo_path: Path, corpus_dir: Path
) -> None:
    segments = tmp_path / "segments.csv"
    assert run("export", demo_path, "--format", "segments", "-o", segments).exit_code == 0
    fresh = tmp_path / "fresh.annotator"
    assert run("new", fresh).exit_code == 0
    articles = sorted(corpus_dir.glob("*.txt"))
    assert (
        run("import", fresh, *articles, "--variables", corpus_dir / "variables.csv").exit_code == 0
    )
    result = run("codings", "import", fresh, segments, "--mark-done", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["coders_added"] == ["Ana", "Ben"]
    assert summary["marked_done"] == 16
    again = run("export", fresh, "--format", "segments").stdout
    original = segments.read_text(encoding="utf-8")
    assert _without_ids(again) == _without_ids(original)


def _without_ids(text: str) -> list[list[str]]:
    """Rows of a segments CSV without coding_id and document_id (ids differ between projects)."""
    return [row[2:] for row in csv.reader(io.StringIO(text))]


def test_codings_import_with_a_bad_row_lists_it_and_writes_nothing(
    tmp_path: Path, demo_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "document_name,coder,code_path,start,end,text\n"
        "01_restaurant-workers,Cleo,Motive > Political,0,5,Wrong\n",
        encoding="utf-8",
    )
    result = run("codings", "import", demo_path, bad)
    assert result.exit_code == 1
    assert "bad.csv, line 2: text does not match document '01_restaurant-workers'" in result.stderr
    assert "nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    coders = json.loads(run("documents", demo_path, "--json").stdout)[0]["status"]
    assert "Cleo" not in coders


def test_codebook_export_and_import(tmp_path: Path, demo_path: Path) -> None:
    exported = tmp_path / "codebook.csv"
    result = run("codebook", "export", demo_path, exported)
    assert result.exit_code == 0
    assert "wrote 20 codebook entries" in result.stdout
    assert exported.read_text(encoding="utf-8").startswith(
        "path,color,shortcut,exclusive,description\n"
    )
    result = run("codebook", "import", demo_path, exported)
    assert result.stdout.startswith("added 0, changed 0, unchanged 20")
    as_json = json.loads(run("export", demo_path, "--format", "codebook").stdout)
    assert [d["name"] for d in as_json["dimensions"]] == [
        "Motive",
        "Actor type",
        "Source reliability",
    ]


def test_documents_export(tmp_path: Path, demo_path: Path) -> None:
    out = tmp_path / "documents.csv"
    result = run("export", demo_path, "--format", "documents", "-o", out)
    assert result.stdout.strip() == f"wrote 8 documents to {out}"
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert (
        header
        # The title is each demo article's first line, found at import.
        == "document_id,document_name,source,sha256,characters,imported_at,title,outlet,date,"
        "author"
    )


def test_status_command(demo_path: Path) -> None:
    result = run(
        "status", demo_path, "--coder", "Cleo", "--in-progress", "01_restaurant-workers", "2"
    )
    assert result.exit_code == 0, result.output
    assert "new coder: Cleo" in result.stdout
    statuses = [
        d["status"]["Cleo"] for d in json.loads(run("documents", demo_path, "--json").stdout)
    ]
    assert statuses[:3] == ["in_progress", "in_progress", "not_started"]
    assert_one_line_error(
        run("status", demo_path, "--coder", "Ana", "--done", "nope"), "no document named 'nope'"
    )
    assert run("status", demo_path, "--coder", "Ana", "doc").exit_code == 2


def test_check_json(demo_path: Path) -> None:
    result = run("check", demo_path, "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["counts"]["codings"] == 171


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("documents", "missing.annotator"), "missing.annotator: no such project"),
        (("new", "{demo}"), "already exists"),
        (("import", "{junk}", "x.txt"), "not an annotator project"),
        (("codebook", "import", "{demo}", "{junk}"), "codebooks are read from .json or .csv"),
        (
            ("export", "{demo}", "--format", "codebook", "-o", "{tmp}/cb.xml"),
            "written as .json, .csv or .qdc",
        ),
        (
            ("export", "{demo}", "--format", "segments", "-o", "{tmp}/no/such/dir.csv"),
            "does not exist",
        ),
    ],
)
def test_errors_are_one_line_without_traceback(
    tmp_path: Path, demo_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    junk = tmp_path / "junk.annotator"
    junk.write_text("not a database", encoding="utf-8")
    filled = [a.format(demo=demo_path, junk=junk, tmp=tmp_path) for a in args]
    assert_one_line_error(run(*filled), fragment)


def test_a_bug_is_one_line_too(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.services import checks

    def broken(project: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr("annotator.cli.main.check_project", broken)
    assert checks.check_project is not broken
    assert_one_line_error(run("check", demo_path), "internal error (RuntimeError: unexpected)")


def test_writing_commands_refuse_a_project_open_elsewhere(demo_path: Path) -> None:
    from annotator.storage import Project

    with Project.open(demo_path):
        assert_one_line_error(
            run("status", demo_path, "--coder", "Ana", "--done", "1"),
            "is open in another annotator",
        )
        assert run("documents", demo_path).exit_code == 0


def test_data_dir_override_moves_the_default_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(paths.HOME_VARIABLE, str(tmp_path / "elsewhere"))
    assert paths.default_project_path() == tmp_path / "elsewhere" / "default.annotator"
    monkeypatch.delenv(paths.HOME_VARIABLE)
    assert paths.data_dir() == Path(platformdirs.user_data_dir("annotator", appauthor=False))


def test_help_of_every_command_has_an_example() -> None:
    commands = [
        [],
        ["new"],
        ["import"],
        ["documents"],
        ["codebook", "import"],
        ["codebook", "export"],
        ["codings", "import"],
        ["export"],
        ["status"],
        ["check"],
        ["gui"],
    ]
    for command in commands:
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert "Example: annotator" in result.stdout, command
