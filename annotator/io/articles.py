"""Read article files (txt, Markdown, saved web pages, docx, pdf) into text and variables."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.controls import strip_controls
from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.domain.text import normalise_text
from annotator.io.encoding import decode, decode_text

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Metadata:
    """Document variables found inside a file (a web page's title, author, date, outlet)."""

    values: dict[str, str] = field(default_factory=dict)
    types: dict[str, VariableType] = field(default_factory=dict)


# No file on a personal computer is older than this (FAT, the oldest file system still read,
# starts in 1980): a date before it, or after today, is a damaged or made-up field.
EARLIEST_FILE_DATE = dt.date(1980, 1, 1)


def file_date(stamp: dt.datetime | None, today: dt.date | None = None) -> str | None:
    """The day of a file's own time stamp (created, modified) as YYYY-MM-DD, or None when
    there is none or it cannot be true: before 1980 or after today (a day of slack for time
    zones). A PDF's ``D:99999999`` is the year 9999, not a date to keep."""
    if stamp is None:
        return None
    day = stamp.date()
    latest = (today or dt.date.today()) + dt.timedelta(days=1)
    return day.isoformat() if EARLIEST_FILE_DATE <= day <= latest else None


@dataclass(frozen=True)
class Article:
    """An article read from a file, ready to store: the text is already normalised.

    ``source`` names the file within its import, as :func:`collect_files` gives it (the path
    relative to the folder imported, ``nyt/day1.txt``; a file chosen itself, its name): two
    files of one name in two folders keep apart.
    """

    path: Path
    text: str
    metadata: Metadata
    encoding: str | None = None
    source: str = ""
    warning: str | None = None  # something the import's report should say about the file
    title: str = ""  # the name to store it under, where not the file's (an export's headline)

    def __post_init__(self) -> None:
        if not self.source:
            object.__setattr__(self, "source", self.path.name)

    @property
    def name(self) -> str:
        return self.title or self.path.stem


@dataclass(frozen=True)
class Refusal:
    """A file that was not imported, and why (one line)."""

    path: Path
    reason: str
    source: str = ""  # as in Article.source; the file's name if not given

    def __str__(self) -> str:
        return f"{self.source or self.path.name}: {self.reason}"


@dataclass(frozen=True)
class SourceFile:
    """A file to read, with its path relative to the folder chosen (see Article.source)."""

    path: Path
    source: str


# Text, variables, the encoding a plain-text file was read in, and a warning about the file.
_Read = tuple[str, Metadata, str | None, str | None]


def _read_plain(data: bytes, path: Path, encoding: str | None) -> _Read:
    decoded = decode(data, path, encoding)
    return decoded.text, Metadata(), decoded.encoding, decoded.warning


def _read_html(data: bytes, path: Path, _: str | None) -> _Read:
    from annotator.io.html import read_html

    text, metadata = read_html(data, path)
    return text, metadata, None, None


def _read_docx(data: bytes, path: Path, _: str | None) -> _Read:
    from annotator.io.docx import read_docx

    text, metadata = read_docx(data, path)
    return text, metadata, None, None


def _read_pdf(data: bytes, path: Path, _: str | None) -> _Read:
    from annotator.io.pdf import read_pdf

    text, metadata = read_pdf(data, path)
    return text, metadata, None, None


# Called with the bytes, the path, and the encoding chosen for legacy plain text (if any).
_Reader = Callable[[bytes, Path, str | None], _Read]
READERS: dict[str, _Reader] = {
    ".txt": _read_plain,
    ".text": _read_plain,
    ".md": _read_plain,
    ".markdown": _read_plain,
    ".html": _read_html,
    ".htm": _read_html,
    ".xhtml": _read_html,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}
SUPPORTED = ", ".join(sorted({".txt", ".md", ".html", ".docx", ".pdf"}))


def read_article(path: Path, *, source: str = "", encoding: str | None = None) -> Article:
    """Read one article file, or raise :class:`BadFileError` saying why it cannot be used.

    ``encoding`` is used for plain-text files that have no byte-order mark and are not UTF-8.
    """
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise BadFileError(path, f"not an article format annotator reads ({SUPPORTED})")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BadFileError(
                path,
                f"is {size / 2**20:.0f} MB; articles over {MAX_FILE_BYTES // 2**20} MB are refused",
            )
        if size == 0:
            raise BadFileError(path, "is empty")
        data = path.read_bytes()
    except OSError as error:
        raise BadFileError(path, f"cannot be read ({error.strerror or error})") from None
    text, metadata, used, warning = reader(data, path, encoding)
    text = normalise_text(text)
    if reader is not _read_plain:  # text extracted from a page, a document's XML, a PDF
        text, metadata = storable(text), _storable_metadata(metadata)
    if not has_visible_text(text):
        raise BadFileError(path, "holds no text (only spaces or invisible characters)")
    if reader is _read_plain and "title" not in metadata.values:
        markdown = path.suffix.lower() in (".md", ".markdown")
        heading = markdown_heading(text) if markdown else first_line_heading(text)
        if heading:
            metadata = Metadata(
                {**metadata.values, "title": heading},
                {**metadata.types, "title": VariableType.TEXT},
            )
    # A value is printed on terminals and shown on one line: no escapes, no controls in it.
    values = {name: strip_controls(value).strip() for name, value in metadata.values.items()}
    values = {name: value for name, value in values.items() if value}
    metadata = Metadata(values, dict(metadata.types))
    return Article(path, text, metadata, used, source, warning)


# A headline is a line of a few words: longer, or ending like a sentence, it is a paragraph.
MAX_HEADING = 200
_SENTENCE_END = (".", ",", ";", ":")
_ATX = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
_SETEXT_ONE = re.compile(r" {0,3}=+[ \t]*")


def clean_heading(text: str) -> str:
    """A heading as a title variable holds it: one line, spaces collapsed, no control
    characters or terminal escapes, not too long."""
    heading = " ".join(strip_controls(text).split())
    return heading if has_visible_text(heading) and len(heading) <= MAX_HEADING else ""


def markdown_heading(text: str) -> str:
    """The first level-one heading of a Markdown text (``# …`` or a line underlined with
    ``===``), else its first heading of any level; "" if it has none."""
    lines = text.splitlines()
    first_any = ""
    for number, line in enumerate(lines):
        atx = _ATX.fullmatch(line)
        if atx is not None:
            if len(atx.group(1)) == 1:
                return clean_heading(atx.group(2))
            first_any = first_any or clean_heading(atx.group(2))
        elif line.strip() and number + 1 < len(lines) and _SETEXT_ONE.fullmatch(lines[number + 1]):
            return clean_heading(line)
    return first_any


def first_line_heading(text: str) -> str:
    """The first line of a plain text, where it reads as a headline: short, not ending like
    a sentence, and followed by more text; "" otherwise (a text that starts with its first
    paragraph has no headline to find)."""
    lines = text.strip().splitlines()
    if len(lines) < 2:
        return ""
    first = lines[0].strip()
    atx = _ATX.fullmatch(first)  # a text file written in Markdown
    if atx is not None:
        first = atx.group(2)
    if first.endswith(_SENTENCE_END) or len(first.split()) > 30:
        return ""
    return clean_heading(first)


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """Extracted text as SQLite can hold it: without NUL characters (SQLite would end the
    text there) and with a lone surrogate (half of a UTF-16 pair, from a broken PDF string)
    as U+FFFD. Neither shows anything; a plain-text file holding them is refused instead."""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def _storable_metadata(metadata: Metadata) -> Metadata:
    values = {name: storable(value) for name, value in metadata.values.items()}
    return Metadata(values, dict(metadata.types))


# How much of a file the import dialog previews.
PREVIEW_BYTES = 256 * 1024


def preview_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The beginning of a plain-text file as it would be imported, and the encoding used; or
    :class:`BadFileError` saying why it would be refused."""
    if READERS.get(path.suffix.lower()) is not _read_plain:
        raise BadFileError(path, "only plain-text files (.txt, .md) have an encoding to choose")
    try:
        with path.open("rb") as handle:
            data = handle.read(PREVIEW_BYTES + 1)
    except OSError as error:
        raise BadFileError(path, f"cannot be read ({error.strerror or error})") from None
    if len(data) > PREVIEW_BYTES:
        # End on a line break, which no multi-byte character holds; UTF-16 and -32 (with
        # their byte-order mark) on a whole character.
        data = data[:PREVIEW_BYTES]
        wide = data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or (
            encoding or ""
        ).lower().replace("_", "-").startswith(("utf-16", "utf-32", "utf16", "utf32"))
        data = data[: len(data) - len(data) % 4] if wide else data[: data.rfind(b"\n") + 1]
    text, used = decode_text(data, path, encoding)
    return normalise_text(text), used


# Characters that show nothing although Unicode calls them letters or symbols.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")


def has_visible_text(text: str) -> bool:
    """True if ``text`` has a character that shows: not only white space, zero-width and
    other format characters (U+200B, U+200D, U+FEFF, U+2060, soft hyphens), controls or
    fillers."""
    return any(
        not ch.isspace()
        and ch not in _INVISIBLE
        and unicodedata.category(ch) not in ("Cf", "Cc", "Zl", "Zp", "Zs")
        for ch in text
    )


def collect_files(paths: Iterable[Path]) -> tuple[list[SourceFile], list[Refusal]]:
    """Expand folders (recursively, in name order, skipping hidden files) into files.

    Each file gets a source that tells it apart from every other file of the run: a file inside
    the one folder given keeps its path relative to that folder (``sub/day1.txt``); with
    several folders given, the folder's own name leads (``nyt/day1.txt``, ``wapo/day1.txt``); a
    file named itself has its name. Where two sources would still be the same (two folders
    both called ``data``, two ``day1.txt`` named directly), their parent folders are added
    until they differ. Paths that do not exist come back as refusals; everything else is left
    for :func:`read_article` to accept or refuse.
    """
    given = list(paths)
    several_folders = sum(1 for path in given if path.is_dir()) > 1
    found: list[tuple[Path, list[str], list[str]]] = []  # file, source parts, parts above them
    refused: list[Refusal] = []
    for path in given:
        if path.is_dir():
            above = list(path.absolute().parts)
            lead = [above.pop()] if several_folders and len(above) > 1 else []
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if not name.startswith("."):
                        file = Path(root) / name
                        found.append((file, [*lead, *file.relative_to(path).parts], above))
        elif path.exists():
            found.append((path, [path.name], list(path.absolute().parent.parts)))
        else:
            refused.append(Refusal(path, "no such file or folder"))
    sources = _distinct_sources(
        [(parts, above) for _, parts, above in found],
        [str(file.absolute()) for file, _, _ in found],
    )
    files = [SourceFile(file, source) for (file, _, _), source in zip(found, sources, strict=True)]
    return files, refused


def _distinct_sources(entries: list[tuple[list[str], list[str]]], files: list[str]) -> list[str]:
    """Each entry's parts joined by ``/``, with as many of the parts above it (its parent
    folders, nearest last) put in front as it takes for no two of the ``files`` to share a
    source (one file given twice is one file)."""
    taken = [0] * len(entries)  # parts above in use, per entry

    def source(index: int) -> str:
        parts, above = entries[index]
        return "/".join([*above[len(above) - taken[index] :], *parts])

    while True:
        by_source: dict[str, list[int]] = {}
        for index in range(len(entries)):
            by_source.setdefault(source(index), []).append(index)
        grown = False
        for group in by_source.values():
            if len({files[index] for index in group}) > 1:
                for index in group:
                    if taken[index] < len(entries[index][1]) - 1:  # never the root
                        taken[index] += 1
                        grown = True
        if not grown:
            return [source(index) for index in range(len(entries))]
