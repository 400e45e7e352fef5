"""Reading one file of an import: an ordinary article file gives one article; a file a news
reader recognises by its content (a database export, an article sheet) gives one article per
entry it holds, each with its metadata as variables plus ``database`` and ``source_file``.

Reading needs no project (the window reads in a worker thread); storing is in
:mod:`annotator.services.imports`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.domain.text import normalise_text
from annotator.io.articles import (
    MAX_FILE_BYTES,
    Article,
    Metadata,
    SourceFile,
    has_visible_text,
    read_article,
    storable,
)
from annotator.io.news import (
    MAX_ARTICLES_PER_FILE,
    NewsArticle,
    NewsFile,
    recognise,
    sheets,
    too_many_articles,
)

#: A file holding many articles may be larger than one article (MAX_FILE_BYTES), up to this:
#: reading it and checking its articles for near-duplicates takes about seven times its size
#: in memory (measured: 817 MB for a sheet of 121 MB and 34,500 rows, 1.65 GB for 252 MB),
#: and an import must stay under 1 GB.
MAX_BATCH_FILE_BYTES = 128 * 2**20
MAX_NAME = 200
DUPLICATE_CHOICES = ("skip", "mark", "all")
ARTICLE_FORMAT = "article"
#: Types of the fields every database reader gives; other fields are text.
FIELD_TYPES = {"date": VariableType.DATE, "words": VariableType.NUMBER}


@dataclass(frozen=True)
class ImportOptions:
    """How an import reads and stores: the sheet columns (``--text-column``, ``--column``),
    what becomes of near-duplicates (``skip``, ``mark`` with ``duplicate_of``, or ``all``),
    the Jaccard similarity from which a text is a near-duplicate, and the encoding of
    plain-text files that are not UTF-8."""

    text_column: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    duplicates: str = "skip"
    similarity: float = 0.9
    encoding: str | None = None

    def __post_init__(self) -> None:
        if self.duplicates not in DUPLICATE_CHOICES:
            raise ValueError(f"duplicates must be one of {DUPLICATE_CHOICES}")
        if not 0.0 < self.similarity <= 1.0:
            raise ValueError("similarity must lie in (0, 1]")

    @property
    def sheet(self) -> sheets.SheetOptions:
        return sheets.SheetOptions(self.text_column, self.columns)

    def record(self) -> dict[str, Any]:
        """The options as the project's record of the import keeps them."""
        return {
            "text_column": self.text_column,
            "columns": dict(self.columns),
            "duplicates": self.duplicates,
            "similarity": self.similarity,
            "encoding": self.encoding,
        }


@dataclass(frozen=True)
class FileRead:
    """One file as read: what it was recognised as, where its articles are in the batch
    (``indices`` into :attr:`ReadBatch.articles`), the entries left out and why, and the
    SHA-256 of its bytes; or, for a refused file, why (``refused``) and no articles."""

    path: Path
    source: str
    format: str = ARTICLE_FORMAT
    database: str | None = None
    indices: range = range(0)
    problems: tuple[str, ...] = ()
    sha256: str | None = None
    refused: str | None = None


@dataclass(frozen=True)
class FileArticles:
    """What :func:`read_file` found in one file."""

    format: str
    database: str | None
    articles: list[Article] = field(default_factory=list)
    problems: tuple[str, ...] = ()
    sha256: str | None = None


def read_file(file: SourceFile, options: ImportOptions) -> FileArticles:
    """The articles of one file, or :class:`BadFileError` saying why none can be used."""
    path = file.path
    try:
        size = path.stat().st_size
    except OSError as error:
        raise BadFileError(path, f"cannot be read ({error.strerror or error})") from None
    if size > MAX_BATCH_FILE_BYTES:
        raise BadFileError(
            path,
            f"is {size / 2**20:,.0f} MB; files over {MAX_BATCH_FILE_BYTES // 2**20} MB are "
            "refused (split it: more at once takes over 1 GB of memory)",
        )
    if size == 0 or not path.is_file():
        return _single(file, options, None)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadFileError(path, f"cannot be read ({error.strerror or error})") from None
    sha256 = hashlib.sha256(data).hexdigest()
    found = _news(data, path, options)
    if found is None:
        del data  # an article file is read again by its own reader (at most 50 MB)
        if size > MAX_FILE_BYTES:
            raise BadFileError(
                path,
                f"is {size / 2**20:.0f} MB and holds no articles annotator recognises; single "
                f"articles over {MAX_FILE_BYTES // 2**20} MB are refused",
            )
        return _single(file, options, sha256)
    # The file's bytes and each article as read are let go as soon as they are used: a sheet
    # of 200 MB is otherwise held three times over while its articles are made.
    del data
    news, types = found
    del found
    if len(news.articles) > MAX_ARTICLES_PER_FILE:
        raise too_many_articles(path, MAX_ARTICLES_PER_FILE)
    kind, database, read_problems = news.format, news.database, news.problems
    entries: list[NewsArticle | None] = list(news.articles)
    del news
    articles, problems = _articles(entries, read_problems, database, types, file)
    if not articles:
        raise BadFileError(path, f"holds no article with text ({kind})")
    return FileArticles(kind, database, articles, problems, sha256)


def _single(file: SourceFile, options: ImportOptions, sha256: str | None) -> FileArticles:
    article = read_article(file.path, source=file.source, encoding=options.encoding)
    return FileArticles(ARTICLE_FORMAT, None, [article], (), sha256)


def _news(
    data: bytes, path: Path, options: ImportOptions
) -> tuple[NewsFile, dict[str, VariableType]] | None:
    """The file as a news reader reads it, with its variables' types; None for an ordinary
    article file."""
    reader = recognise(data, path.name)
    if reader is not None and reader is not sheets.READER:
        news = reader.read(data, path.name)  # messages name the file, not where it sits
        return news, {}
    sheet_options = options.sheet
    if (
        reader is not None
        or (sheet_options.given and sheets.recognises(data, path.name, sheet_options))
        or sheets.has_sheet_suffix(path.name)
    ):
        # A file named as a sheet is read as one even when nothing maps: its reason (the
        # columns it has, --text-column) tells more than "not an article format".
        sheet = sheets.read_sheet(data, path.name, sheet_options)
        return sheet.file, sheet.types
    return None


def _articles(
    entries: list[NewsArticle | None],
    read_problems: tuple[str, ...],
    database: str,
    types: dict[str, VariableType],
    file: SourceFile,
) -> tuple[list[Article], tuple[str, ...]]:
    """The documents of a file's articles; each entry of ``entries`` is let go (set to None)
    once it became one."""
    articles: list[Article] = []
    problems = list(read_problems)
    stem = file.path.stem
    # One dict of types for the articles with the same variables (100,000 copies: 44 MB).
    shared_types: dict[tuple[str, ...], dict[str, VariableType]] = {}
    for position in range(1, len(entries) + 1):
        entry, entries[position - 1] = entries[position - 1], None
        assert entry is not None
        number = entry.position or position
        text = _storable(normalise_text(entry.text)).strip("\n")
        if not has_visible_text(text):
            problems.append(f"article {number}: no text, left out")
            continue
        values = {name: _storable(value) for name, value in entry.fields.items() if value}
        values["database"] = database
        values["source_file"] = file.source
        names = tuple(values)
        value_types = shared_types.get(names)
        if value_types is None:
            value_types = shared_types[names] = {
                name: types.get(name) or FIELD_TYPES.get(name, VariableType.TEXT) for name in values
            }
        title = " ".join((entry.title or entry.fields.get("title", "")).split())
        # A headline of only invisible characters (zero-width spaces) would name nothing
        # one can see or pick in a list: the file and position name it instead.
        name = storable(title) if has_visible_text(title) else ""
        name = name or f"{stem} {number}"
        if len(name) > MAX_NAME:
            name = name[: MAX_NAME - 1].rstrip() + "…"
        articles.append(
            Article(
                path=file.path,
                text=text,
                metadata=Metadata(values, value_types),
                source=f"{file.source}#{number}",
                title=name,
            )
        )
    return articles, tuple(problems)


def _storable(text: str) -> str:
    # Most text is ASCII: without a NUL it needs no change, and that is quick to tell.
    return text if text.isascii() and "\x00" not in text else storable(text)
