"""Read article files (txt, Markdown, saved web pages, docx, pdf) into text and variables."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.domain.text import normalise_text
from annotator.io.encoding import decode_text

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Metadata:
    """Document variables found inside a file (a web page's title, author, date, outlet)."""

    values: dict[str, str] = field(default_factory=dict)
    types: dict[str, VariableType] = field(default_factory=dict)


@dataclass(frozen=True)
class Article:
    """An article read from a file, ready to store: the text is already normalised.

    ``source`` is the file's path relative to the folder it was imported from (``nyt/day1.txt``),
    or its name when the file itself was chosen: two files of one name in two folders keep
    apart.
    """

    path: Path
    text: str
    metadata: Metadata
    encoding: str | None = None
    source: str = ""
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


def _read_plain(data: bytes, path: Path, encoding: str | None) -> tuple[str, Metadata, str | None]:
    text, used = decode_text(data, path, encoding)
    return text, Metadata(), used


def _read_html(data: bytes, path: Path, _: str | None) -> tuple[str, Metadata, str | None]:
    from annotator.io.html import read_html

    text, metadata = read_html(data, path)
    return text, metadata, None


def _read_docx(data: bytes, path: Path, _: str | None) -> tuple[str, Metadata, str | None]:
    from annotator.io.docx import read_docx

    text, metadata = read_docx(data, path)
    return text, metadata, None


def _read_pdf(data: bytes, path: Path, _: str | None) -> tuple[str, Metadata, str | None]:
    from annotator.io.pdf import read_pdf

    text, metadata = read_pdf(data, path)
    return text, metadata, None


# Called with the bytes, the path, and the encoding chosen for legacy plain text (if any).
_Reader = Callable[[bytes, Path, str | None], tuple[str, Metadata, str | None]]
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
    text, metadata, used = reader(data, path, encoding)
    text = normalise_text(text)
    if reader is not _read_plain:  # text extracted from a page, a document's XML, a PDF
        text, metadata = storable(text), _storable_metadata(metadata)
    if not has_visible_text(text):
        raise BadFileError(path, "holds no text (only spaces or invisible characters)")
    return Article(path=path, text=text, metadata=metadata, encoding=used, source=source)


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
        wide = data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
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

    A file inside a folder keeps its path relative to that folder as its source; a file named
    itself has its name. Paths that do not exist come back as refusals; everything else is
    left for :func:`read_article` to accept or refuse.
    """
    files: list[SourceFile] = []
    refused: list[Refusal] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if not name.startswith("."):
                        file = Path(root) / name
                        files.append(SourceFile(file, file.relative_to(path).as_posix()))
        elif path.exists():
            files.append(SourceFile(path, path.name))
        else:
            refused.append(Refusal(path, "no such file or folder"))
    return files, refused
