"""Factiva's other downloads and BIGKinds sheets through the import service: an Article
Format PDF and a BIGKinds download written for the tests import one document per article
(the BIGKinds columns as variables, its leads-only text said in the report); the real
tagged-text and XML (PPS) downloads in ../shared/news_exports (skipped when absent) import as
exactly their number of articles, each with a headline, a body, an outlet and an ISO date.
Importing any of them again adds nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.services.imports import import_files
from annotator.storage import Project
from tests.io.news.bigkinds import bigkinds_xlsx
from tests.io.news.factiva_pdfs import ARTICLES, factiva_pdf
from tests.io.news.fixture_files import FIXTURES, SHARED_EXPORTS

COUNTS = {"nk_factiva.txt": 55, "tmf_factiva_pps.xml": 3}


@pytest.mark.skipif(not SHARED_EXPORTS.is_dir(), reason=f"{SHARED_EXPORTS} is not here")
def test_factiva_text_and_xml_downloads_import_as_their_number_of_articles(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in COUNTS:
        shutil.copy(SHARED_EXPORTS / name, folder / name)
    report = import_files(project, [folder])
    assert report.refused == []
    assert {f.source: f.articles for f in report.files} == COUNTS
    assert {f.source: f.imported + f.duplicates for f in report.files} == COUNTS
    values = project.documents.all_values()
    stored = 0
    for document in project.documents.all():
        found = values[document.id]
        assert found["outlet"]
        assert found["title"]
        assert len(found["date"]) == 10
        assert found["date"][4] == found["date"][7] == "-"
        assert found["source_file"] in COUNTS
        assert len(project.documents.text(document.id)) > len(found["title"]) + 2
        stored += 1
    assert stored == sum(f.imported for f in report.files)
    again = import_files(project, [folder])
    assert (again.imported, again.import_id) == ([], None)


def test_an_article_format_pdf_imports_one_document_per_article(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "factiva.pdf"
    path.write_bytes(factiva_pdf())
    report = import_files(project, [path])
    assert report.refused == []
    assert [(f.articles, f.imported) for f in report.files] == [(2, 2)]
    values = project.documents.all_values()
    documents = project.documents.all()
    assert [d.name for d in documents] == [a["headline"] for a in ARTICLES]
    assert [values[d.id]["date"] for d in documents] == ["2019-05-01", "2019-05-02"]
    assert {values[d.id]["source_file"] for d in documents} == {"factiva.pdf"}
    again = import_files(project, [path])
    assert (again.imported, again.import_id) == ([], None)


def test_a_bigkinds_download_imports_with_its_columns_as_variables(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "NewsResult_20190501-20190503.xlsx"
    path.write_bytes(bigkinds_xlsx(leads=True))
    report = import_files(project, [path])
    assert report.refused == []
    (file,) = report.files
    assert (file.articles, file.imported) == (3, 3)
    assert any("holds only the first 200 characters" in p for p in file.problems)
    values = project.documents.all_values()
    first = values[project.documents.all()[0].id]
    assert first["date"] == "2019-05-01"
    assert first["outlet"] == "벨마일보"
    assert first["section"] == "사회>지역"
    assert first["news_id"] == "01100101.20190501090000001"
    assert first["source_file"] == path.name
    again = import_files(project, [path])
    assert (again.imported, again.import_id) == ([], None)


def test_an_apa_download_imports_one_document_per_article(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "apa.rtf"
    shutil.copy(FIXTURES / "apa_onlinemanager.rtf", path)
    report = import_files(project, [path])
    assert report.refused == []
    assert [(f.articles, f.imported) for f in report.files] == [(3, 3)]
    values = project.documents.all_values()
    assert [values[d.id]["outlet"] for d in project.documents.all()] == [
        "Velmarer Nachrichten",
        "Kurier von Velmar",
        "velmar.example",
    ]
    again = import_files(project, [path])
    assert (again.imported, again.import_id) == ([], None)
