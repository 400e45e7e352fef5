"""Factiva's other downloads through the import service: the real tagged-text and XML (PPS)
downloads in ../shared/news_exports (skipped when absent) import as exactly their number of
articles, each with a headline, a body, an outlet and an ISO date, and importing them again
adds nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.services.imports import import_files
from annotator.storage import Project
from tests.conftest import SHARED_CORPUS

SHARED_EXPORTS = SHARED_CORPUS.parent / "news_exports"
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
