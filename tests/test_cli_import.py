"""`annotator import`: a chosen encoding, files read in a legacy encoding named, relative paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli.main import cli
from annotator.storage import Project


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
    (folder / "tokyo").mkdir(parents=True)
    (folder / "tokyo" / "ferry.txt").write_bytes("港の渡し船".encode("euc_jp"))
    (folder / "seoul.txt").write_bytes(
        "항구 여객선 선원들이 밀린 임금을 요구하며 오늘 아침 일손을 놓았다.".encode("euc_kr")
    )
    return folder


def texts(path: Path) -> dict[str, str]:
    with Project.open(path) as project:
        return {d.source: project.documents.text(d.id) for d in project.documents.all()}


def test_unclear_encoding_is_refused_with_the_likely_ones(project_path: Path, folder: Path) -> None:
    result = run("import", project_path, folder)
    assert result.exit_code == 1
    assert "read as Korean (EUC-KR/CP949): seoul.txt" in result.stdout
    [refusal] = result.stderr.strip().splitlines()
    assert refusal.startswith("refused: tokyo/ferry.txt: cannot tell its encoding: it reads as ")
    assert "Japanese (EUC-JP)" in refusal
    assert list(texts(project_path)) == ["seoul.txt"]
    [refused] = json.loads(run("import", project_path, folder, "--json").stdout)["refused"]
    assert refused["source"] == "tokyo/ferry.txt"
    assert refused["file"] == str(folder / "tokyo" / "ferry.txt")


def test_encoding_option_reads_the_refused_file(project_path: Path, folder: Path) -> None:
    result = run("import", project_path, folder / "tokyo", "--encoding", "EUC-JP", "--json")
    assert result.exit_code == 0, result.output
    [imported] = json.loads(result.stdout)["imported"]
    assert (imported["source"], imported["encoding"]) == ("ferry.txt", "euc_jp")
    assert texts(project_path) == {"ferry.txt": "港の渡し船"}


@pytest.mark.parametrize("name", ["klingon", "base64"])
def test_unknown_encoding_is_a_usage_error(project_path: Path, folder: Path, name: str) -> None:
    result = run("import", project_path, folder, "--encoding", name)
    assert result.exit_code == 2
    assert f"'{name}' is not a text encoding annotator knows" in result.stderr
    assert texts(project_path) == {}


def test_a_chosen_encoding_that_garbles_a_file_refuses_it(
    project_path: Path, tmp_path: Path
) -> None:
    # Before, --encoding cp1251 stored the Korean article as Cyrillic mojibake, exit 0.
    folder = tmp_path / "mixed"
    folder.mkdir()
    russian = "Экипаж парома покинул судно сегодня утром, требуя выплатить долги по зарплате."
    (folder / "ru.txt").write_bytes(russian.encode("cp1251"))
    (folder / "ko.txt").write_bytes(
        "항구 여객선 선원들이 밀린 임금을 요구하며 오늘 아침 일손을 놓았다.".encode("euc_kr")
    )
    result = run("import", project_path, folder, "--encoding", "cp1251")
    assert result.exit_code == 1
    [refusal] = result.stderr.strip().splitlines()
    assert refusal.startswith("refused: ko.txt: does not read as Cyrillic (Windows-1251) text (")
    assert "it reads as Korean (EUC-KR/CP949): choose that encoding for it" in refusal
    assert texts(project_path) == {"ru.txt": russian}


def test_utf16_without_a_byte_order_mark_when_named(project_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("항구 여객선 선원들이 일손을 놓았다.".encode("utf-16-le"))
    refused = run("import", project_path, path)
    assert refused.exit_code == 1
    assert "(--encoding utf-16-le)" in refused.stderr
    result = run("import", project_path, path, "--encoding", "utf-16-le")
    assert result.exit_code == 0, result.output
    assert texts(project_path) == {"wide.txt": "항구 여객선 선원들이 일손을 놓았다."}


def test_utf8_cut_inside_its_last_character_is_imported_with_a_warning(
    project_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes("Café owners said “no” — ".encode()[:-2])
    result = run("import", project_path, path)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "warning: cut.txt: ends inside a character, so it looks cut off: its incomplete last "
        "character was left out"
    )
    assert texts(project_path) == {"cut.txt": "Café owners said “no” "}


def test_variables_for_articles_already_present_say_how_many_were_set(
    project_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(f"Article {name} about the harbour.", encoding="utf-8")
    assert run("import", project_path, folder).exit_code == 0
    table = tmp_path / "meta.csv"
    table.write_text("file,outlet\na.txt,Harbour Post\nb.txt,Tide Daily\n", encoding="utf-8")
    result = run("import", project_path, folder, "--variables", table)
    assert result.exit_code == 0
    assert "set the variables of 2 articles already in the project" in result.stdout
    assert "imported 0 articles" not in result.stdout
    as_json = json.loads(run("import", project_path, folder, "--variables", table, "--json").stdout)
    assert as_json["variables_set"] == 2
    assert as_json["imported"] == []
    with Project.open(project_path) as project:
        outlets = {d.source: project.documents.values(d.id) for d in project.documents.all()}
    assert outlets == {
        "a.txt": {"outlet": "Harbour Post"},
        "b.txt": {"outlet": "Tide Daily"},
        "c.txt": {},
    }


def test_a_new_article_with_variables_still_counts_as_imported(
    project_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "d.txt").write_text("Article d about the harbour.", encoding="utf-8")
    table = tmp_path / "meta.csv"
    table.write_text("file,outlet\nd.txt,Harbour Post\n", encoding="utf-8")
    result = run("import", project_path, tmp_path / "d.txt", "--variables", table)
    assert "imported 1 articles" in result.stdout
    assert "already in the project" not in result.stdout


def test_a_file_named_with_a_line_break_keeps_the_report_one_line_each(
    project_path: Path, tmp_path: Path
) -> None:
    fixture = Path(__file__).parent / "io" / "news" / "fixtures" / "proquest_numbered.txt"
    odd = tmp_path / "two\nlines\x1b[31m.txt"
    odd.write_bytes(fixture.read_bytes())
    result = run("import", project_path, odd, "--duplicates", "mark")
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("two\\x0alines\\x1b[31m.txt: ProQuest text, ")  # the name in one line
    assert "\x1b" not in result.output
