"""What the fuzz tests found, each as a plain test of its own: a file that made a reader raise
something other than a user error (or hang, or write half a project), now refused with a
one-line reason naming the file and nothing changed — or read as it should be.

Failures in the codebook readers, which are being rewritten elsewhere, are kept here as
strict expected failures: each names its example, and passes once the reader is fixed."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from annotator.domain.errors import BadFileError, UserError, one_line
from annotator.domain.text import text_sha256
from annotator.services import create_project, import_codebook, import_files
from annotator.services.coder_packages import export_package
from annotator.services.merge import MergeChoices, merge_file
from annotator.services.refi import export_qdpx
from annotator.storage import Project
from tests.io.test_articles import build_pdf


@pytest.fixture
def lead(tmp_path: Path) -> Iterator[Project]:
    """The demo project, open: eight articles, the default codebook, two coders' work."""
    with create_project(tmp_path / "lead.annotator", demo=True) as project:
        yield project


def _bytes(project: Project) -> bytes:
    project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert project.path is not None
    return project.path.read_bytes()


def refused(project: Project, path: Path) -> BadFileError:
    """Merge ``path``, which must be refused naming it, the project unchanged."""
    before = _bytes(project)
    with pytest.raises(BadFileError) as caught:
        merge_file(project, path)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path.name}: ")
    assert _bytes(project) == before
    return caught.value


# -- coder packages ---------------------------------------------------------------------------


def _package(lead: Project, tmp_path: Path) -> tuple[Path, dict[str, object]]:
    path = tmp_path / "ana.annpkg"
    export_package(lead, "Ana", path)
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_package_nested_thousands_deep_is_refused(lead: Project, tmp_path: Path) -> None:
    # json.loads gave up with a RecursionError, which came out as a crash.
    path = tmp_path / "deep.annpkg"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "nested too deeply" in refused(lead, path).problem


def test_package_with_a_lone_surrogate_is_refused(lead: Project, tmp_path: Path) -> None:
    # "\ud800" is valid JSON but not Unicode: SQLite refused to store it (UnicodeEncodeError)
    # halfway through the merge.
    path, package = _package(lead, tmp_path)
    codings = package["codings"]
    assert isinstance(codings, list)
    codings[0]["memo"] = "half a pair: \ud800"
    codings[0]["guid"] = "0f7f58b5-0000-4000-8000-000000000001"  # a new coding, to be added
    path.write_text(json.dumps(package), encoding="utf-8")
    assert "lone surrogate" in refused(lead, path).problem


# -- another project --------------------------------------------------------------------------


def _other(lead: Project, *statements: str) -> Path:
    """A copy of the lead's project with the statements run on it behind annotator's back."""
    assert lead.path is not None
    _bytes(lead)
    other = lead.path.with_name("other.annotator")
    shutil.copyfile(lead.path, other)
    connection = sqlite3.connect(other, isolation_level=None)
    connection.execute("PRAGMA ignore_check_constraints = ON")
    for statement in statements:
        connection.execute(statement)
    connection.close()
    return other


def test_project_without_a_table_is_refused(lead: Project) -> None:
    # The merge read the coders of a project whose table was dropped: OperationalError.
    other = _other(lead, "DROP TABLE coders")
    assert "coders" in refused(lead, other).problem


def test_project_with_a_status_its_schema_forbids_is_refused(lead: Project) -> None:
    # DocumentStatus('-1') raised ValueError.
    other = _other(lead, "UPDATE document_status SET status = '-1'")
    assert "damaged project" in refused(lead, other).problem


def test_project_with_a_code_its_own_parent_is_refused(lead: Project) -> None:
    # Walking up from a coded code to its dimension went round for ever.
    other = _other(
        lead,
        "UPDATE codes SET parent_id = id WHERE id = (SELECT code_id FROM codings LIMIT 1)",
    )
    assert "cycle" in refused(lead, other).problem


def test_project_with_text_where_a_number_belongs_is_refused(lead: Project) -> None:
    # Sorting the codebook by position compared '' with numbers: TypeError.
    other = _other(lead, "UPDATE codes SET position = '' WHERE id = 1")
    assert "damaged project" in refused(lead, other).problem


def test_project_with_a_dangling_reference_is_refused(lead: Project) -> None:
    other = _other(lead, "UPDATE codings SET coder_id = 99999 WHERE id = 1")
    assert "points to a missing row of coders" in refused(lead, other).problem


def test_project_with_a_coding_span_of_the_wrong_type_is_refused(lead: Project) -> None:
    # SQLite keeps text in an INTEGER column; the package built from it must say so.
    other = _other(
        lead,
        'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", memo, '
        "created_at, updated_at) SELECT '0f7f58b5-0000-4000-8000-00000000000a', document_id, "
        "coder_id, code_id, 'twelve', 20, '', created_at, updated_at FROM codings LIMIT 1",
    )
    assert "'start' has the wrong type" in refused(lead, other).problem


def test_project_whose_text_does_not_match_its_hash_is_refused(tmp_path: Path) -> None:
    # An article added behind annotator's back, its SHA-256 another text's: the merge took the
    # text under the wrong hash.
    with create_project(tmp_path / "lead.annotator") as lead:  # no articles yet
        with create_project(tmp_path / "demo.annotator", demo=True) as demo:
            other = demo.path
        assert other is not None
        connection = sqlite3.connect(other, isolation_level=None)
        connection.execute(
            "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
            "VALUES ('0f7f58b5-0000-4000-8000-00000000000b', 'forged', 'forged.txt', "
            "'Text of one article.', 20, ?, '2025-01-01T00:00:00Z')",
            [text_sha256("Text of another article.")],
        )
        connection.close()
        before = _bytes(lead)
        with pytest.raises(BadFileError) as caught:
            merge_file(lead, other, MergeChoices(articles="import", codes="add"))
        assert "does not match its SHA-256" in caught.value.problem
        assert _bytes(lead) == before


def test_damaged_project_file_is_called_a_project(lead: Project, tmp_path: Path) -> None:
    # A project whose first bytes were damaged was read as a coder package: "is not UTF-8
    # text, so not a coder package".
    other = _other(lead)
    data = bytearray(other.read_bytes())
    data[0] ^= 0xFF
    other.write_bytes(bytes(data))
    assert "not an annotator project" in refused(lead, other).problem


# -- REFI-QDA ---------------------------------------------------------------------------------


def _qdpx(lead: Project, tmp_path: Path) -> tuple[Path, list[tuple[zipfile.ZipInfo, bytes]]]:
    path = tmp_path / "lead.qdpx"
    export_qdpx(lead, path)
    with zipfile.ZipFile(path) as archive:
        return path, [(info, archive.read(info)) for info in archive.infolist()]


def _rezip(path: Path, entries: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)


def test_qdpx_with_a_damaged_compressed_entry_is_refused(lead: Project, tmp_path: Path) -> None:
    # zlib.error ("invalid distance too far back") escaped the archive reader.
    path, _ = _qdpx(lead, tmp_path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("project.qde")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 10, start + 60):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    assert "is damaged" in refused(lead, path).problem


def test_qdpx_with_a_nul_in_a_text_leaves_that_article_out(tmp_path: Path) -> None:
    # The text went to SQLite, which cut it at the NUL: IntegrityError (length) mid-merge.
    with create_project(tmp_path / "demo.annotator", demo=True) as demo:
        path, entries = _qdpx(demo, tmp_path)
    sources = [i for i, (info, _) in enumerate(entries) if info.filename.startswith("sources/")]
    info, data = entries[sources[0]]
    entries[sources[0]] = (info, data[:20] + b"\x00" + data[20:])
    _rezip(path, entries)
    with create_project(tmp_path / "lead.annotator") as lead:
        reports = merge_file(lead, path)
        assert len(lead.documents.all()) == len(sources) - 1
    notes = [note for report in reports for note in report.notes]
    assert any("holds NUL characters" in note for note in notes), notes


def test_qdpx_with_codes_nested_too_deeply_names_the_archive(lead: Project, tmp_path: Path) -> None:
    # The codebook reader's refusal named "codebook", not the file.
    path, entries = _qdpx(lead, tmp_path)
    index = next(i for i, (info, _) in enumerate(entries) if info.filename == "project.qde")
    info, data = entries[index]
    guid = "0f7f58b5-0000-4000-8000-0000000000{:02x}"
    nested = "".join(
        f'<Code guid="{guid.format(n)}" name="n{n}" isCodable="true">' for n in range(150)
    )
    nested += "</Code>" * 150
    entries[index] = (info, data.replace(b"<Codes>", b"<Codes>" + nested.encode(), 1))
    _rezip(path, entries)
    assert "deep" in refused(lead, path).problem


# -- articles ---------------------------------------------------------------------------------


def test_word_document_without_a_body_is_refused(project: Project, tmp_path: Path) -> None:
    # python-docx reads lazily: the missing body surfaced as AttributeError while reading text.
    original = tmp_path / "ferry.docx"
    document = docx.Document()
    document.add_paragraph("The crew left the vessel.")
    document.save(str(original))
    with zipfile.ZipFile(original) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    index = next(i for i, (info, _) in enumerate(entries) if info.filename == "word/document.xml")
    info, data = entries[index]
    start, end = data.index(b"<w:body>"), data.index(b"</w:body>") + len(b"</w:body>")
    entries[index] = (info, data[:start] + data[end:])
    path = tmp_path / "bodiless.docx"
    _rezip(path, entries)
    report = import_files(project, [path])
    [refusal] = report.refused
    assert "damaged Word document" in refusal.reason
    assert project.documents.all() == []


def test_pdf_whose_text_holds_a_nul_is_imported_without_it(
    project: Project, tmp_path: Path
) -> None:
    # SQLite's length() stops at a NUL, so the CHECK on the text's length failed:
    # IntegrityError out of the import.
    path = tmp_path / "nul.pdf"
    path.write_bytes(build_pdf(b"BT /F1 12 Tf 72 720 Td (Ferry\\000crew walks off) Tj ET"))
    report = import_files(project, [path])
    assert not report.refused
    [imported] = report.imported
    text = project.documents.text(imported.document_id)
    assert "\x00" not in text
    assert "crew walks off" in text


def test_pdf_with_a_reference_inside_its_text_is_refused(project: Project, tmp_path: Path) -> None:
    # pypdf's content-stream parser asserts (AssertionError "mypy") on "1 0 R" in a stream.
    path = tmp_path / "reference.pdf"
    path.write_bytes(build_pdf(b"BT /F1 12 Tf 72 720 Td (Ferry crew walks off) Tj 1 0 R ET"))
    report = import_files(project, [path])
    [refusal] = report.refused
    assert "not a readable PDF" in refusal.reason
    assert project.documents.all() == []


def test_web_page_with_a_half_understood_date_is_imported_quietly(
    project: Project, tmp_path: Path
) -> None:
    # dateutil warned (UnknownTimezoneWarning) about "…ZZ": noise on the terminal, and an
    # error where warnings are errors.
    from tests.fuzz.conftest import NEWS_PAGE

    path = tmp_path / "page.html"
    path.write_text(NEWS_PAGE.replace("08:00:00Z", "08:00:00ZZ"), encoding="utf-8")
    report = import_files(project, [path])
    assert not report.refused
    assert len(report.imported) == 1


def test_a_project_never_stores_a_text_with_a_nul(project: Project) -> None:
    with pytest.raises(UserError, match="NUL"):
        project.documents.add("nul", "nul.txt", "before\x00after")
    assert project.documents.all() == []


# -- messages ---------------------------------------------------------------------------------


def test_a_refusal_quoting_a_cell_with_line_breaks_is_one_line(
    project: Project, tmp_path: Path
) -> None:
    # A codebook CSV's cell of several lines was quoted whole: the message ran over lines.
    path = tmp_path / "codebook.csv"
    path.write_text('path,exclusive\nMotive,"yes\nand no\x1b[31m"\n', encoding="utf-8")
    with pytest.raises(BadFileError) as caught:
        import_codebook(project, path)
    message = str(caught.value)
    assert "\n" not in message
    assert "\x1b" not in message
    assert "yes⏎and no" in message


def test_one_line_keeps_tabs_and_shows_breaks() -> None:
    assert one_line("a\r\nb\tc\u2028d\x07") == "a⏎b\tc⏎d\ufffd"


def test_qdc_with_codes_nested_too_deeply_names_the_file(project: Project, tmp_path: Path) -> None:
    # The refusal named "codebook", not the file (fixed by the codebook readers' rewrite).
    guid = "0f7f58b5-0000-4000-8000-0000000000{:02x}"
    nested = "".join(
        f'<Code guid="{guid.format(n)}" name="n{n}" isCodable="true">' for n in range(150)
    )
    path = tmp_path / "deep.qdc"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{nested}{"</Code>" * 150}'
        "</Codes></CodeBook>",
        encoding="utf-8",
    )
    with pytest.raises(BadFileError) as caught:
        import_codebook(project, path)
    assert caught.value.path == path


# -- codebooks -----------------------------------------------------------------------------------


def test_json_codebook_with_a_lone_surrogate_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "codebook.json"
    path.write_text('{"dimensions": [{"name": "\\ud800", "codes": []}]}', encoding="utf-8")
    with pytest.raises(BadFileError) as caught:
        import_codebook(project, path)
    assert caught.value.path == path
