"""Imports whose work must grow with the articles, not with their square: many articles under
one headline ("Letters", "Weather"), and crowds of texts alike — a template with a few words
changed, as automated reports are — that are not near-duplicates of each other. Work is
counted (SQL statements, candidates compared), not timed."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from annotator.domain import minhash
from annotator.domain.shingles import ShingleSets
from annotator.services import duplicates
from annotator.services.duplicates import find_near_duplicates
from annotator.services.imports import import_files
from annotator.storage import Project

_VOCABULARY = (
    "harbour board ferry quay council storm pier crew island lamp tide permit market rope "
    "works gate tower bridge river town"
)
_WORDS = _VOCABULARY.split()


def _letters_sheet(path: Path, rows: int) -> None:
    """A sheet of ``rows`` letters to the editor, all under the headline "Letters"."""
    rng = random.Random(5)
    lines = ["title,text"]
    for number in range(rows):
        words = " ".join(rng.choices(_WORDS, k=40))
        lines.append(f'Letters,"Letter {number}: {words}."')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_many_articles_under_one_headline_take_a_few_statements_each(
    project: Project, tmp_path: Path
) -> None:
    rows = 300
    _letters_sheet(tmp_path / "letters.csv", rows)
    statements: list[str] = []
    project.db.conn.set_trace_callback(statements.append)
    try:
        report = import_files(project, [tmp_path / "letters.csv"])
    finally:
        project.db.conn.set_trace_callback(None)
    assert len(report.imported) == rows
    names = [imported.name for imported in report.imported]
    assert names == ["Letters", *(f"Letters ({n})" for n in range(2, rows + 1))]
    by_name = [s for s in statements if "FROM documents WHERE name = " in s]
    # Each name tried from where the last one with that headline stopped: the 300th letter
    # no longer tries the 299 names taken before it (45,000 look-ups in all).
    assert len(by_name) <= 2 * rows
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 5 * rows


def test_a_name_taken_in_the_project_before_the_import_is_still_skipped(
    project: Project, tmp_path: Path
) -> None:
    with project.transaction():
        project.documents.add("Letters (3)", "old.txt", "An older letter about the pier.")
    _letters_sheet(tmp_path / "letters.csv", 4)
    report = import_files(project, [tmp_path / "letters.csv"])
    assert [imported.name for imported in report.imported] == [
        "Letters",
        "Letters (2)",
        "Letters (4)",
        "Letters (5)",
    ]


def _crowd(count: int, seed: int = 11) -> list[str]:
    """``count`` automated reports from one template, each with its own figures: alike (Jaccard
    indices of 0.6 to 0.8) but none a near-duplicate of another at 0.9."""
    rng = random.Random(seed)
    template = " ".join(rng.choices(_WORDS, k=120))
    texts = []
    for number in range(count):
        words = template.split()
        for _ in range(3):  # three figures of the day, at places of their own
            words.insert(rng.randrange(len(words)), f"{number}x{rng.randrange(10**6)}")
        texts.append(" ".join(words) + ".")
    return texts


def test_a_crowd_of_texts_alike_is_checked_in_bounded_work(
    memory: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[int] = []

    class Counting(Counter[int]):
        def __init__(self, items: list[int]) -> None:
            counted.append(len(items))
            super().__init__(items)

    monkeypatch.setattr(duplicates, "Counter", Counting)
    texts = _crowd(1500)
    assert find_near_duplicates(memory, texts) == []
    # Every earlier text shares band keys with the next; it is compared with the latest
    # few of each key's holders, not with the whole crowd (which grew without bound).
    assert max(counted) <= minhash.BANDS * duplicates.HOLDERS_PER_KEY


def test_in_a_crowd_a_copy_of_a_recent_text_is_still_found(memory: Project) -> None:
    texts = _crowd(800)
    copy = texts[790].split()
    copy[-1] = "harbour."  # one word changed
    texts.append(" ".join(copy))
    found = find_near_duplicates(memory, texts)
    assert [(f.index, f.batch_index) for f in found] == [(800, 790)]


@pytest.mark.parametrize("threshold", [0.5, 0.8, 0.9, 1.0])
def test_the_shortlist_of_earlier_texts_is_the_one_of_their_signatures(threshold: float) -> None:
    rng = random.Random(int(threshold * 10))
    texts = [*_crowd(120), "harbour quay", "harbour quay tide", "", "gate"]
    texts += [" ".join(rng.choices(_WORDS, k=rng.randrange(1, 30))) for _ in range(60)]
    batch = duplicates._batch(texts)
    sizes = np.array(batch.sizes, dtype=np.int64)
    signatures = {i: (batch.sizes[i], batch.signatures[i]) for i in range(len(texts))}
    for index in range(len(texts)):
        earlier = rng.sample(range(len(texts)), rng.randrange(0, 70))
        assert duplicates._earlier_shortlist(
            batch, sizes, index, earlier, threshold
        ) == duplicates._shortlist(
            batch.signatures[index], batch.sizes[index], earlier, signatures, threshold
        )


@pytest.mark.slow
def test_the_signatures_of_a_large_batch_checked_are_not_computed_again_to_index_it(
    memory: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [f"report {i} of the harbour board on day {i} of the year" for i in range(25_000)]
    find_near_duplicates(memory, texts)
    shingled: list[int] = []
    real = duplicates.shingle_sets

    def counting(batch: list[str]) -> ShingleSets:
        shingled.append(len(batch))
        return real(batch)

    monkeypatch.setattr(duplicates, "shingle_sets", counting)
    signatures, sizes = duplicates._signatures([*texts[::-1], "a text not checked"])
    # All 25,000 kept from the check (the latest 20,000 were: 5,000 were computed again).
    assert shingled == [1]
    monkeypatch.undo()
    first = duplicates._batch(texts[:500])  # the last 500 asked for, in reverse
    assert sizes[24_500:25_000][::-1] == first.sizes
    assert signatures[24_500:25_000][::-1].tolist() == first.signatures.tolist()
    other = duplicates._batch(["a text not checked"])
    assert (sizes[-1], signatures[-1].tolist()) == (other.sizes[0], other.signatures[0].tolist())


def test_an_import_lets_go_of_the_signatures_it_checked(project: Project, tmp_path: Path) -> None:
    _letters_sheet(tmp_path / "letters.csv", 20)
    import_files(project, [tmp_path / "letters.csv"])
    assert duplicates._checked is None


def test_a_document_added_in_an_import_is_the_one_stored_with_no_savepoint_of_its_own(
    memory: Project,
) -> None:
    statements: list[str] = []
    with memory.transaction():
        memory.db.conn.set_trace_callback(statements.append)
        inside = memory.documents.add("Letters", "a.txt", "A letter about the pier.")
        memory.db.conn.set_trace_callback(None)
    outside = memory.documents.add("Letters", "b.txt", "A letter about the tide.")
    assert inside == memory.documents.get(inside.id)
    assert outside == memory.documents.get(outside.id)
    assert outside.name == "Letters (2)"
    assert not [s for s in statements if "SAVEPOINT" in s.upper()]
    assert len(set(statements)) == 3  # by text, by name, insert (its triggers repeat it)


def _close_crowd(count: int) -> list[str]:
    """``count`` reports from one template of 200 words, two figures each: alike (Jaccard
    indices about 0.83), none a near-duplicate of another at 0.9."""
    rng = random.Random(3)
    template = " ".join(rng.choices(_WORDS, k=200))
    texts = []
    for number in range(count):
        words = template.split()
        for _ in range(2):
            words.insert(rng.randrange(len(words)), f"{number}x{rng.randrange(10**6)}")
        texts.append(" ".join(words) + ".")
    return texts


@pytest.mark.parametrize("crowd", [300, 800])
def test_a_copy_of_a_text_imported_before_a_crowd_of_texts_alike_is_found(
    project: Project, tmp_path: Path, crowd: int
) -> None:
    """Every band key of report 5 is held by hundreds of later reports: it is found through
    the keys whose sample holds it."""
    texts = _close_crowd(crowd)
    lines = ["title,text", *(f'Report {n},"{text}"' for n, text in enumerate(texts))]
    (tmp_path / "reports.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = import_files(project, [tmp_path / "reports.csv"])
    assert "Report 5" in [imported.name for imported in first.imported]
    copy = texts[5].split()
    copy[-1] = "harbour."  # one word changed: a Jaccard index of 0.99 with report 5
    (tmp_path / "copy.csv").write_text(f'title,text\nCopy,"{" ".join(copy)}"\n', encoding="utf-8")
    report = import_files(project, [tmp_path / "copy.csv"])
    assert [d.existing for d in report.duplicates] == ["Report 5"]
