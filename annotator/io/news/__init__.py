"""Files from news databases and article sheets: many articles to a file, with their metadata.

One module per database format (Factiva, Nexis, Lexis, ProQuest, Europresse, sheets). Each
offers a :class:`Reader`: ``recognises`` looks at the file's content (never its extension
alone) and ``read`` gives a
:class:`NewsFile`, or raises :class:`~annotator.domain.errors.BadFileError` with a one-line
reason. Readers take bytes and give plain values; storing them is the services' work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.io.news.text_bytes import plain_bytes

# The variables every reader fills where its format has them, in this order; any other field a
# format carries keeps a readable name of its own (``subject``, ``load_date``).
STANDARD_FIELDS = (
    "title",
    "outlet",
    "date",  # ISO YYYY-MM-DD (see dates.py); an unparseable date stays text under date_text
    "author",
    "section",
    "words",  # a whole number
    "language",
    "url",
)


#: The most articles one file may hold. Checking a batch for near-duplicates takes about 4.5 KB
#: of memory an article besides its text (its shingles, MinHash signature and band keys), so a
#: sheet of many short rows reaches 1 GB near 200,000 rows (measured: 130,000 rows of 120
#: characters, a 16 MB CSV, 681 MB); more is refused, to be split.
MAX_ARTICLES_PER_FILE = 150_000


def too_many_articles(name: str | Path, limit: int = MAX_ARTICLES_PER_FILE) -> BadFileError:
    """The refusal of a file holding more than ``limit`` articles."""
    return BadFileError(
        name,
        f"holds more than {limit:,} articles; split it (checking more at once "
        "for duplicates takes over 1 GB of memory)",
    )


#: How much of a file that :func:`plain_bytes` must change (UTF-16, old Mac line ends) is
#: changed for recognising it: the recognisers look at the first megabyte or so, and the
#: furthest (ProQuest's, for a first record of many megabytes) at 16 MB.
RECOGNITION_LIMIT = 32 * 2**20


@dataclass(frozen=True)
class NewsArticle:
    """One article of a database export or a sheet.

    ``title`` and ``body`` make the document's text (headline, blank line, body); ``fields``
    its variables, by the names of :data:`STANDARD_FIELDS` and readable names for the rest.
    ``position`` numbers it in its file from 1, for messages ("article 7 of export.html").
    """

    title: str
    body: str
    fields: dict[str, str] = field(default_factory=dict)
    position: int = 0

    @property
    def text(self) -> str:
        return f"{self.title}\n\n{self.body}" if self.title else self.body


@dataclass(frozen=True)
class NewsFile:
    """What a reader found in one file: the database and format, the articles, and the
    entries it left out with why (an entry without text)."""

    database: str  # "Factiva", "Nexis Uni", "Nexis UK", "LexisNexis Academic", "sheet"
    format: str  # a readable name of the layout: "Factiva HTML (Article Format)"
    articles: tuple[NewsArticle, ...]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reader:
    """A database format: how to recognise its files by content, and how to read them.

    Its two functions take the bytes as :func:`~annotator.io.news.text_bytes.plain_bytes`
    makes them (UTF-8 for UTF-16 and UTF-32, no byte-order mark, no line ends of a carriage
    return alone); :meth:`recognises` and :meth:`read` pass any file through it first."""

    name: str
    recognises_plain: Callable[[bytes, str], bool]
    read_plain: Callable[[bytes, str], NewsFile]

    def recognises(self, data: bytes, name: str) -> bool:
        return self.recognises_plain(plain_bytes(data, RECOGNITION_LIMIT), name)

    def read(self, data: bytes, name: str) -> NewsFile:
        return self.read_plain(plain_bytes(data), name)


def readers() -> tuple[Reader, ...]:
    """Every format known, most specific first. Imported here, not at module level, so that
    importing a plain article never loads the readers' dependencies."""
    from annotator.io.news import (
        apa,
        europresse,
        factiva,
        lexis_academic,
        nexis,
        proquest,
        sheets,
    )

    # Sheets last: the database formats are more specific than "a table with a text column".
    return (
        *factiva.READERS,
        *nexis.READERS,
        *lexis_academic.READERS,
        *proquest.READERS,
        *europresse.READERS,
        apa.READER,
        sheets.READER,
    )


def recognise(data: bytes, name: str) -> Reader | None:
    """The reader whose format ``data`` is in, or None for an ordinary single article."""
    # Once for all the readers asked, and no more of a long file than recognising needs.
    plain = plain_bytes(data, RECOGNITION_LIMIT)
    return next((reader for reader in readers() if reader.recognises_plain(plain, name)), None)
