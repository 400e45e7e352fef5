"""The preview of an import (rows and duplicate flags, nothing written) and storing the part of
it a person chose: ticked near-duplicates kept, a cancelled store leaving nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.services import backups
from annotator.services.import_preview import DuplicateFlag, flag_duplicates, preview_rows
from annotator.services.imports import (
    ImportCancelled,
    ImportOptions,
    import_files,
    read_articles,
    store_articles,
)
from annotator.storage import Project
from tests.io.news.fixture_files import FIXTURES

STORY = " ".join(f"word{i}" for i in range(200))


def _jaccard(a: str, b: str) -> float:
    """Jaccard index of the texts' sets of five-word sequences (lower case), counted here."""

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = text.lower().split()
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    return len(shingles(a) & shingles(b)) / len(shingles(a) | shingles(b))


def _dump(project: Project) -> list[str]:
    return list(project.db.conn.iterdump())


def test_rows_of_a_factiva_page_and_a_sheet() -> None:
    batch = read_articles([FIXTURES / "factiva_en.html", FIXTURES / "harbour_sheet.csv"])
    rows = preview_rows(batch)
    assert [(r.index, r.headline, r.outlet, r.date, r.source) for r in rows] == [
        (0, "Ferry crew walks off in Port Velmar", "The Coastal Ledger", "2019-04-16",
         "factiva_en.html"),
        (1, "Lighthouse keepers ask for a second boat", "The Coastal Ledger", "2019-04-12",
         "factiva_en.html"),
        (2, "Fish market moves to the old rope works", "Velmar Courier", "2019-04-09",
         "factiva_en.html"),
        (3, "Ferry crew walks off in Port Velmar", "The Coastal Ledger", "2019-04-16",
         "harbour_sheet.csv"),
        (4, "Relief crew reaches Port Velmar", "Harbour Weekly", "2019-04-17",
         "harbour_sheet.csv"),
        # A date the reader could not read is shown as the sheet has it.
        (5, "Café owners ask for compensation", "Harbour Weekly", "sometime in spring",
         "harbour_sheet.csv"),
    ]  # fmt: skip
    # Factiva states the words (its WC field); a sheet's rows are counted.
    assert [r.words for r in rows[:3]] == [212, 87, 1204]
    assert [r.words for r in rows[3:]] == [len(batch.articles[i].text.split()) for i in (3, 4, 5)]


def test_flags_name_what_the_project_or_the_batch_holds(project: Project, tmp_path: Path) -> None:
    (tmp_path / "held.csv").write_text(f"title,text\nWire story,{STORY}\n", encoding="utf-8")
    import_files(project, [tmp_path / "held.csv"])
    sheet = tmp_path / "new.csv"
    sheet.write_text(
        "title,text\n"
        f"Wire story,{STORY}\n"
        f"Reprint,{STORY.replace('word100', 'changed')}\n"
        "Own story,The quay was quiet on Sunday and the ferry sailed on time.\n"
        "Own story,The quay was quiet on Sunday and the ferry sailed on time.\n",
        encoding="utf-8",
    )
    batch = read_articles([sheet])
    before = _dump(project)
    flags = flag_duplicates(project, batch)
    assert _dump(project) == before  # only read
    assert sorted(flags) == [0, 1, 3]
    assert flags[0] == DuplicateFlag("Wire story", 1.0, same=True)
    assert str(flags[0]) == "same text as 'Wire story' (in the project)"
    assert not flags[0].importable
    assert (flags[1].existing, flags[1].row) == ("Wire story", None)
    texts = [a.text for a in batch.articles]
    held = project.documents.text(project.documents.all()[0].id)
    assert flags[1].similarity == pytest.approx(_jaccard(texts[1], held))
    assert str(flags[1]) == f"{flags[1].similarity:.2f} like 'Wire story' (in the project)"
    assert flags[1].importable
    # Never rounded up to read as the same text.
    assert str(DuplicateFlag("Wire story", 0.998)) == "0.99 like 'Wire story' (in the project)"
    assert flags[3] == DuplicateFlag("Own story", 1.0, 2, same=True)
    assert str(flags[3]) == "same text as 'Own story' (row 3)"
    assert flags[3].importable  # the first one may be left out instead
    # A stricter threshold: the reprint is no longer flagged; the same text still is.
    assert sorted(flag_duplicates(project, batch, similarity=0.99)) == [0, 3]


def test_a_near_duplicate_chosen_is_stored_and_the_choice_recorded(
    project: Project, tmp_path: Path
) -> None:
    sheet = tmp_path / "wire.csv"
    sheet.write_text(
        "title,text\n"
        f"Wire story,{STORY}\n"
        f"Reprint,{STORY.replace('word100', 'changed')}\n"
        "Own story,The quay was quiet on Sunday.\n",
        encoding="utf-8",
    )
    batch = read_articles([sheet])
    assert flag_duplicates(project, batch)[1].row == 0
    report = store_articles(project, batch, selected={1, 2}, options=ImportOptions())
    assert [d.name for d in project.documents.all()] == ["Reprint", "Own story"]
    # With the first print left out the reprint is no near-duplicate of anything stored.
    assert report.duplicates == []
    report = store_articles(project, batch, selected={0}, options=ImportOptions())
    [duplicate] = report.duplicates
    assert (duplicate.source, duplicate.existing, duplicate.kept) == (
        "wire.csv#1",
        "Reprint",
        True,
    )
    assert "Wire story" in [d.name for d in project.documents.all()]
    [first, second] = project.imports.all()
    assert (first.options["articles_read"], first.options["articles_chosen"]) == (3, 2)
    assert second.options["articles_chosen"] == 1


def test_a_store_cancelled_midway_leaves_the_project_as_it_was(
    project: Project, tmp_path: Path
) -> None:
    for name in ("one", "two"):
        rows = "".join(
            f"{name} {i},Story {i} of {name}: the ferry sailed at {i}.\n" for i in range(5)
        )
        (tmp_path / f"{name}.csv").write_text("title,text\n" + rows, encoding="utf-8")
    batch = read_articles([tmp_path / "one.csv", tmp_path / "two.csv"])
    assert project.path is not None
    before = _dump(project)
    snapshots = len(backups.list_snapshots(project.path))
    calls: list[tuple[int, int, str]] = []
    during: list[int] = []

    def progress(done: int, total: int, name: str) -> None:
        calls.append((done, total, name))
        if done == 7:  # in the second file
            assert project.path is not None
            during.append(len(backups.list_snapshots(project.path)))
            raise ImportCancelled

    with pytest.raises(ImportCancelled):
        store_articles(project, batch, progress=progress)
    assert calls[-1] == (7, 10, "two.csv")
    assert _dump(project) == before
    assert project.imports.count() == 0
    # The snapshot taken before the import is gone with it.
    assert during == [snapshots + 1]
    assert len(backups.list_snapshots(project.path)) == snapshots


def test_a_different_text_sharing_every_five_words_is_near_not_the_same(
    project: Project, tmp_path: Path
) -> None:
    """One text repeats a passage of the other: every five-word sequence is shared (Jaccard
    1.0), yet the texts differ — a near-duplicate a person may tick, never "same text"."""
    chorus = "the ferry left the port late and nobody said why "
    (tmp_path / "held.csv").write_text(f"title,text\nWire story,{chorus * 30}\n", encoding="utf-8")
    import_files(project, [tmp_path / "held.csv"])
    sheet = tmp_path / "new.csv"
    sheet.write_text(f"title,text\nWire story,{chorus * 20}\n", encoding="utf-8")
    batch = read_articles([sheet])
    [flag] = flag_duplicates(project, batch).values()
    assert _jaccard(batch.articles[0].text, project.documents.text(1)) == 1.0
    assert flag.similarity == 1.0
    assert not flag.exact
    assert flag.importable
    assert str(flag).endswith("like 'Wire story' (in the project)")
    report = import_files(project, [sheet])
    assert [str(d) for d in report.duplicates] == [
        f"new.csv#1: nearly the same text as 'Wire story' ({report.duplicates[0].similarity:.2f}"
        " similar), not imported"
    ]
