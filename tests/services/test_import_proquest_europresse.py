"""ProQuest and Europresse downloads through the import service: one document per article with
its variables, the record without a document id reported, and nothing added a second time."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from annotator.services.imports import import_files
from annotator.storage import Project
from tests.io.news.fixture_files import FIXTURES, SHARED_EXPORTS

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
OURS = {
    "proquest_numbered.txt": 3,
    "proquest_email.eml": 2,
    "proquest_old.html": 2,
    "europresse_current.html": 2,
    "europresse_old.html": 2,
}
REAL_COUNTS = {
    "ipq_proquest_numbered.txt": 500,
    "tmpq_proquest_email_v2.eml": 20,
    "tme_europresse_new.html": 4,
}


def test_the_fixtures_import_as_their_articles_with_their_variables(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in OURS:
        shutil.copy(FIXTURES / name, folder / name)
    report = import_files(project, [folder])
    assert report.refused == []
    assert {f.source: f.imported for f in report.files} == OURS
    databases = {f.source: f.database for f in report.files}
    assert databases["proquest_email.eml"] == "ProQuest"
    assert databases["europresse_old.html"] == "Europresse"
    numbered = next(f for f in report.files if f.source == "proquest_numbered.txt")
    assert numbered.problems == (
        "article 3 of proquest_numbered.txt has no ProQuest document id: imported",
    )
    values = project.documents.all_values()
    by_name = {d.name: values[d.id] for d in project.documents.all()}
    harbour = by_name["Harbour office reopens on Monday"]
    assert (harbour["database"], harbour["source_file"]) == ("ProQuest", "proquest_numbered.txt")
    assert harbour["date"] == "2019-05-02"
    assert "document_id" not in harbour
    assert by_name["Le marché aux poissons déménage"]["outlet"] == "L'Écho des îles"
    again = import_files(project, [folder])
    assert (again.imported, again.import_id) == ([], None)


@pytest.mark.skipif(not SHARED_EXPORTS.is_dir(), reason=f"{SHARED_EXPORTS} is not here")
def test_the_real_proquest_and_europresse_downloads_import_as_their_number_of_articles(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in REAL_COUNTS:
        shutil.copy(SHARED_EXPORTS / name, folder / name)
    report = import_files(project, [folder])
    assert report.refused == []
    assert {f.source: f.articles for f in report.files} == REAL_COUNTS
    assert {f.source: f.imported + f.duplicates for f in report.files} == REAL_COUNTS
    values = project.documents.all_values()
    for document in project.documents.all():
        found = values[document.id]
        assert found["outlet"]
        assert ISO.fullmatch(found["date"])
        assert found["source_file"] in REAL_COUNTS
        text = project.documents.text(document.id)
        assert len(text) > len(document.name) + 2  # a headline and a body
    again = import_files(project, [folder])
    assert (again.imported, again.import_id) == ([], None)
