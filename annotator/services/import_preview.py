"""What an import would store, shown before anything is written: one row per article read —
headline, outlet, date, words, source file — and whether the project or the batch already
holds its text, the same (by SHA-256) or nearly the same (the near-duplicate index).

Reading (:func:`preview_rows`) needs no project; the duplicate check
(:func:`flag_duplicates`) only reads it, so both can run in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.domain.text import text_sha256
from annotator.services.duplicates import DEFAULT_THRESHOLD, find_near_duplicates
from annotator.services.imports import ReadBatch
from annotator.storage import Project


@dataclass(frozen=True)
class DuplicateFlag:
    """An article whose text a project document or an earlier article of the batch holds
    already: the same text (``similarity`` 1.0) or one nearly the same."""

    existing: str  # the document's name, or the earlier article's headline
    similarity: float
    row: int | None = None  # the earlier article's index in the batch (None: in the project)
    # The same text (same SHA-256). Two texts can differ and still share every five-word
    # shingle (one repeats paragraphs of the other): similarity 1.0, yet not the same text.
    same: bool = False

    @property
    def in_project(self) -> bool:
        return self.row is None

    @property
    def exact(self) -> bool:
        return self.same

    @property
    def importable(self) -> bool:
        """False for the same text as a project document: that is never stored twice."""
        return not (self.exact and self.in_project)

    def __str__(self) -> str:
        what = "same text as" if self.exact else f"{_similarity(self.similarity)} like"
        where = "in the project" if self.row is None else f"row {self.row + 1}"
        return f"{what} '{self.existing}' ({where})"


@dataclass(frozen=True)
class PreviewRow:
    """One article of a read batch as the preview lists it."""

    index: int  # in ReadBatch.articles (what store_articles' ``selected`` takes)
    headline: str
    outlet: str
    date: str  # ISO for a date the reader understood, else the text it found
    words: int
    source: str  # the file it came from, as the import names it


def preview_rows(batch: ReadBatch) -> list[PreviewRow]:
    """A row for each article of ``batch``, in batch order. ``words`` is the count the export
    gives where it gives one, else the words of the text."""
    sources = {i: file.source for file in batch.files for i in file.indices}
    rows = []
    for index, article in enumerate(batch.articles):
        values = article.metadata.values
        words = values.get("words", "")
        rows.append(
            PreviewRow(
                index,
                article.name,
                values.get("outlet", ""),
                values.get("date") or values.get("date_text", ""),
                int(words) if words.isdigit() else len(article.text.split()),
                sources.get(index, article.source),
            )
        )
    return rows


def flag_duplicates(
    project: Project,
    batch: ReadBatch,
    *,
    similarity: float = DEFAULT_THRESHOLD,
    cancelled: Callable[[], bool] | None = None,
) -> dict[int, DuplicateFlag]:
    """The articles of ``batch`` (by index) whose text the project or an earlier article of
    the batch holds: the same text, else one at least ``similarity`` alike (the Jaccard index
    of their word shingles; see :mod:`annotator.services.duplicates`). Reads the project,
    writes nothing. Returns what was found so far when ``cancelled()`` turns true."""
    articles = batch.articles
    shas = [text_sha256(article.text) for article in articles]
    held = project.documents.existing_sha256(set(shas))
    names: dict[str, str] = {}  # sha256 -> name of the document holding it
    first: dict[str, int] = {}  # sha256 -> first article of the batch with it
    flags: dict[int, DuplicateFlag] = {}
    unique: list[int] = []
    for index, sha256 in enumerate(shas):
        if sha256 in held:
            if sha256 not in names:
                document = project.documents.by_sha256(sha256)
                names[sha256] = document.name if document is not None else "?"
            flags[index] = DuplicateFlag(names[sha256], 1.0, same=True)
        elif sha256 in first:
            earlier = first[sha256]
            flags[index] = DuplicateFlag(articles[earlier].name, 1.0, earlier, same=True)
        else:
            first[sha256] = index
            unique.append(index)
    if not unique or (cancelled is not None and cancelled()):
        return flags
    near = find_near_duplicates(
        project, [articles[i].text for i in unique], threshold=similarity, cancelled=cancelled
    )
    for match in near:
        index = unique[match.index]
        if match.existing_id is not None:
            name = project.documents.get(match.existing_id).name
            flags[index] = DuplicateFlag(name, match.similarity)
        elif match.batch_index is not None:
            earlier = unique[match.batch_index]
            flags[index] = DuplicateFlag(articles[earlier].name, match.similarity, earlier)
    return flags


def _similarity(value: float) -> str:
    # Two decimals, never rounded up to a "1.00" that would read as the same text.
    return f"{min(value, 0.99):.2f}" if value < 1.0 else "1.00"
