"""Third hostile pass over the issue-19 imports, through the service: what only shows once
many articles are stored."""

from __future__ import annotations

import time
from pathlib import Path

from annotator.services.imports import import_files
from annotator.storage import Project


def test_thousands_of_articles_of_one_headline_are_named_in_linear_time(
    project: Project, tmp_path: Path
) -> None:
    rows = [
        f'Letters,"Letter {i}: the harbour {i % 7} needs a {i}th mooring, says reader {i}."'
        for i in range(3000)
    ]
    sheet = tmp_path / "letters.csv"
    sheet.write_text("title,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    began = time.perf_counter()
    report = import_files(project, [sheet])
    took = time.perf_counter() - began
    assert len(report.imported) == 3000
    names = {d.name for d in project.documents.all()}
    assert names == {"Letters"} | {f"Letters ({n})" for n in range(2, 3001)}
    # Was every name before looked up for each new one: 4.5 million look-ups, 35 s.
    assert took < 15, f"{took:.1f} s"
    # A later import goes on numbering after them.
    again = tmp_path / "more.csv"
    again.write_text('title,text\nLetters,"One more letter about the pier."\n', encoding="utf-8")
    import_files(project, [again])
    assert project.documents.by_name("Letters (3001)") is not None
