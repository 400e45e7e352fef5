"""The window's status line after an import of variables for articles already present."""

from __future__ import annotations

from pathlib import Path

from annotator.services import create_project, import_files
from annotator.ui.intake.report import status_message


def test_variables_for_present_articles_are_counted(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("An article about the harbour.", encoding="utf-8")
    table = tmp_path / "meta.csv"
    table.write_text("file,outlet\na.txt,Harbour Post\n", encoding="utf-8")
    with create_project(tmp_path / "p.annotator") as project:
        import_files(project, [article])
        report = import_files(project, [article], variables_csv=table)
        [document] = project.documents.all()
        assert project.documents.values(document.id) == {"outlet": "Harbour Post"}
    assert report.variables_set == 1
    assert "variables set for 1 article already in the project" in status_message(report)
