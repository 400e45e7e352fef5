"""Read article files (txt, Markdown, saved web pages, docx, pdf) into text and variables."""

from __future__ import annotations

import os
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
    """An article read from a file, ready to store: the text is already normalised."""

    path: Path
    text: str
    metadata: Metadata
    encoding: str | None = None

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def source(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Refusal:
    """A file that was not imported, and why (one line)."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


def _read_plain(data: bytes, path: Path) -> tuple[str, Metadata, str | None]:
    text, encoding = decode_text(data, path)
    return text, Metadata(), encoding


def _read_html(data: bytes, path: Path) -> tuple[str, Metadata, str | None]:
    from annotator.io.html import read_html

    text, metadata = read_html(data, path)
    return text, metadata, None


def _read_docx(data: bytes, path: Path) -> tuple[str, Metadata, str | None]:
    from annotator.io.docx import read_docx

    text, metadata = read_docx(data, path)
    return text, metadata, None


def _read_pdf(data: bytes, path: Path) -> tuple[str, Metadata, str | None]:
    from annotator.io.pdf import read_pdf

    text, metadata = read_pdf(data, path)
    return text, metadata, None


_Reader = Callable[[bytes, Path], tuple[str, Metadata, str | None]]
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


def read_article(path: Path) -> Article:
    """Read one article file, or raise :class:`BadFileError` saying why it cannot be used."""
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
    text, metadata, encoding = reader(data, path)
    text = normalise_text(text)
    if not text.strip():
        raise BadFileError(path, "holds no text")
    return Article(path=path, text=text, metadata=metadata, encoding=encoding)


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[Refusal]]:
    """Expand folders (recursively, in name order, skipping hidden files) into files.

    Paths that do not exist come back as refusals; everything else is left for
    :func:`read_article` to accept or refuse.
    """
    files: list[Path] = []
    refused: list[Refusal] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
        elif path.exists():
            files.append(path)
        else:
            refused.append(Refusal(path, "no such file or folder"))
    return files, refused
