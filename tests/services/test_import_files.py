"""Importing batches of article files: good files in, bad ones refused by name, one transaction."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
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
    assert sorted(i.source for i in report.imported) == ["a.txt", "b.md", "c.txt"]
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
        "c.txt": "Café “quoted” — cp1252.",
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
        "outlet": VariableType.CATEGORY,
        "date": VariableType.DATE,
        "words": VariableType.NUMBER,
    }
    by_source = {d.source: project.documents.values(d.id) for d in project.documents.all()}
    assert by_source["a.txt"] == {"outlet": "Seoul Ledger", "date": "2019-04-16", "words": "350"}
    assert by_source["b.md"] == {}


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
