"""Importing batches of article files: good files in, bad ones refused by name, one transaction."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError, UserError
from annotator.domain.model import VariableType
from annotator.services import import_files
from annotator.storage import Project
from annotator.storage.documents import DocumentStore


def _png() -> bytes:
    header = b"\x89PNG\r\n\x1a\n"
    body = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    chunk = (
        struct.pack(">I", len(body))
        + b"IHDR"
        + body
        + struct.pack(">I", zlib.crc32(b"IHDR" + body))
    )
    return header + chunk + b"\x00" * 64


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    (folder / "more").mkdir(parents=True)
    (folder / "a.txt").write_text("First article about a border crossing.\n", encoding="utf-8")
    (folder / "b.md").write_bytes("# Second\r\n\r\nWith CRLF line ends and 😀.\r\n".encode())
    (folder / "more" / "c.txt").write_bytes(
        "Caf\u00e9 \u201cquoted\u201d \u2014 cp1252.".encode("cp1252")
    )
    (folder / "copy-of-a.txt").write_text(
        "First article about a border crossing.\n", encoding="utf-8"
    )
    (folder / "photo.png").write_bytes(_png())
    (folder / "binary.txt").write_bytes(_png())
    (folder / "empty.txt").write_bytes(b"")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    return folder


def test_folder_with_bad_files_imports_the_good_ones_and_names_the_rest(
    project: Project, folder: Path
) -> None:
    report = import_files(project, [folder])
    # A file in a subfolder keeps its path relative to the folder imported.
    assert sorted(i.source for i in report.imported) == ["a.txt", "b.md", "more/c.txt"]
    refused = {r.path.name: r.reason for r in report.refused}
    assert set(refused) == {"photo.png", "binary.txt", "empty.txt"}
    assert "not an article format" in refused["photo.png"]
    assert "binary" in refused["binary.txt"]
    assert "empty" in refused["empty.txt"]
    assert [str(d) for d in report.duplicates] == [
        "copy-of-a.txt: same text as 'a', not imported again"
    ]
    texts = {d.source: project.documents.text(d.id) for d in project.documents.all()}
    assert texts == {
        "a.txt": "First article about a border crossing.\n",
        "b.md": "# Second\n\nWith CRLF line ends and 😀.\n",
        "more/c.txt": "Café “quoted” — cp1252.",
    }


def test_reimporting_the_same_folder_imports_nothing(project: Project, folder: Path) -> None:
    import_files(project, [folder])
    again = import_files(project, [folder])
    assert again.imported == []
    assert len(again.duplicates) == 4
    assert project.documents.count() == 3


def test_an_unexpected_failure_leaves_nothing_half_imported(
    project: Project, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = DocumentStore.add
    calls = []

    def failing_add(self: DocumentStore, *args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(DocumentStore, "add", failing_add)
    with pytest.raises(RuntimeError):
        import_files(project, [folder], variables_csv=None)
    assert project.documents.count() == 0
    assert project.documents.variables() == []


def test_missing_path_is_refused(project: Project, tmp_path: Path) -> None:
    report = import_files(project, [tmp_path / "nowhere"])
    assert [str(r) for r in report.refused] == ["nowhere: no such file or folder"]


def test_variables_csv_sets_typed_variables_and_warns_about_unknown_files(
    project: Project, folder: Path, tmp_path: Path
) -> None:
    variables = tmp_path / "vars.csv"
    variables.write_text(
        "file,outlet:category,date,words\n"
        "a.txt,Seoul Ledger,2019-04-16,350\n"
        "c.txt,Pacific Wire,2020-01-02,410\n"
        "gone.txt,Nobody,2020-01-03,1\n",
        encoding="utf-8",
    )
    report = import_files(project, [folder], variables_csv=variables)
    assert report.warnings == ["vars.csv, line 4: no article file 'gone.txt' in this import"]
    types = {v.name: v.type for v in project.documents.variables()}
    assert types == {
        "title": VariableType.TEXT,  # b.md's heading
        "outlet": VariableType.CATEGORY,
        "date": VariableType.DATE,
        "words": VariableType.NUMBER,
    }
    by_source = {d.source: project.documents.values(d.id) for d in project.documents.all()}
    assert by_source["a.txt"] == {"outlet": "Seoul Ledger", "date": "2019-04-16", "words": "350"}
    assert by_source["b.md"] == {"title": "Second"}


def test_variables_for_articles_already_in_the_project_are_applied(
    project: Project, folder: Path, tmp_path: Path
) -> None:
    import_files(project, [folder / "a.txt"])
    variables = tmp_path / "vars.csv"
    variables.write_text("file,outlet\na.txt,Border Monitor\n", encoding="utf-8")
    report = import_files(project, [folder / "a.txt"], variables_csv=variables)
    assert report.imported == []
    [document] = project.documents.all()
    assert project.documents.values(document.id) == {"outlet": "Border Monitor"}


def test_bad_variables_csv_stops_the_run_before_anything_is_written(
    project: Project, folder: Path, tmp_path: Path
) -> None:
    variables = tmp_path / "vars.csv"
    variables.write_text("file,date:date\na.txt,2019-04-16\nc.txt,yesterday\n", encoding="utf-8")
    with pytest.raises(BadFileError, match=r"vars.csv, line 3: date: 'yesterday' is not a date"):
        import_files(project, [folder], variables_csv=variables)
    assert project.documents.count() == 0


def test_progress_is_reported_per_file(project: Project, folder: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    import_files(
        project, [folder], progress=lambda done, total, name: seen.append((done, total, name))
    )
    assert [done for done, _, _ in seen] == list(range(1, 8))
    assert {total for _, total, _ in seen} == {7}


# -- the same file name in two folders -------------------------------------------------------


@pytest.fixture
def outlets(tmp_path: Path) -> Path:
    root = tmp_path / "outlets"
    for outlet, text in (("nyt", "Ferry crew walks off."), ("wapo", "Harbour strike ends.")):
        (root / outlet).mkdir(parents=True)
        (root / outlet / "day1.txt").write_text(text, encoding="utf-8")
    (root / "nyt" / "day2.txt").write_text("Talks resume on Thursday.", encoding="utf-8")
    return root


def _outlets_by_source(project: Project) -> dict[str, dict[str, str]]:
    return {d.source: project.documents.values(d.id) for d in project.documents.all()}


def test_same_name_in_two_folders_is_kept_apart_by_relative_path(
    project: Project, outlets: Path, tmp_path: Path
) -> None:
    variables = tmp_path / "vars.csv"
    variables.write_text(
        "file,outlet\nnyt/day1.txt,NYT\nwapo/day1.txt,WaPo\nday2.txt,NYT\n", encoding="utf-8"
    )
    report = import_files(project, [outlets], variables_csv=variables)
    assert report.warnings == []
    assert _outlets_by_source(project) == {
        "nyt/day1.txt": {"outlet": "NYT"},
        "nyt/day2.txt": {"outlet": "NYT"},
        "wapo/day1.txt": {"outlet": "WaPo"},
    }


def test_an_ambiguous_bare_name_stops_the_run_before_anything_is_written(
    project: Project, outlets: Path, tmp_path: Path
) -> None:
    variables = tmp_path / "vars.csv"
    variables.write_text("file,outlet\nday1.txt,NYT\n", encoding="utf-8")
    with pytest.raises(BadFileError) as caught:
        import_files(project, [outlets], variables_csv=variables)
    assert str(caught.value).startswith(
        "vars.csv, line 2: 'day1.txt' matches 2 files of this import (nyt/day1.txt, wapo/day1.txt)"
    )
    assert project.documents.count() == 0
    assert project.documents.variables() == []


def test_relative_paths_reach_articles_already_in_the_project(
    project: Project, outlets: Path, tmp_path: Path
) -> None:
    import_files(project, [outlets])
    variables = tmp_path / "vars.csv"
    variables.write_text("file,outlet\nwapo/day1.txt,WaPo\n", encoding="utf-8")
    report = import_files(project, [outlets], variables_csv=variables)
    assert report.imported == []
    assert _outlets_by_source(project)["wapo/day1.txt"] == {"outlet": "WaPo"}
    assert _outlets_by_source(project)["nyt/day1.txt"] == {}


# -- encodings and invisible text ----------------------------------------------------------------


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    (tmp_path / "articles").mkdir()
    return tmp_path / "articles"


def test_legacy_japanese_imports_right_and_unclear_files_are_refused(
    project: Project, articles: Path
) -> None:
    (articles / "sjis.txt").write_bytes(
        "港の渡し船の乗組員が今朝、仕事を離れた。".encode("shift_jis")
    )
    (articles / "unclear.txt").write_bytes("港の渡し船".encode("euc_jp"))
    (articles / "invisible.txt").write_bytes("\u200b\u200d\u2060\n".encode())
    report = import_files(project, [articles])
    assert [(i.source, i.encoding) for i in report.imported] == [("sjis.txt", "cp932")]
    assert project.documents.text(report.imported[0].document_id).startswith("港の渡し船")
    refused = {r.source: r.reason for r in report.refused}
    assert refused["unclear.txt"].startswith("cannot tell its encoding")
    assert "Japanese (EUC-JP)" in refused["unclear.txt"]
    assert "holds no text" in refused["invisible.txt"]


def test_a_chosen_encoding_imports_the_file_detection_refused(
    project: Project, articles: Path
) -> None:
    (articles / "unclear.txt").write_bytes("港の渡し船".encode("euc_jp"))
    (articles / "utf8.txt").write_text("Ferry crew walks off.", encoding="utf-8")
    report = import_files(project, [articles], encoding="EUC-JP")
    assert report.refused == []
    texts = {d.source: project.documents.text(d.id) for d in project.documents.all()}
    assert texts == {"unclear.txt": "港の渡し船", "utf8.txt": "Ferry crew walks off."}


def test_an_unknown_encoding_is_refused_before_reading(project: Project, articles: Path) -> None:
    (articles / "a.txt").write_text("Text.", encoding="utf-8")
    with pytest.raises(UserError, match="'klingon' is not a text encoding"):
        import_files(project, [articles], encoding="klingon")
    assert project.documents.count() == 0
