"""Reading what a merge brings in, before anything is written: a coder package, another
annotator project or a REFI-QDA .qdpx project, told apart by what the file is, each checked
as a file from outside (pages, references, every field of its packages, its texts' hashes) and
its article text bounded (:data:`MAX_MERGE_TEXT` over one merge)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.domain.errors import BadFileError, UserError
from annotator.domain.model import utc_now
from annotator.domain.text import normalise_text, text_sha256
from annotator.io.packages import Package, checked_package, read_package
from annotator.services.coder_packages import package_of
from annotator.storage import Project
from annotator.storage.project import reading_error

if TYPE_CHECKING:
    from annotator.services.merge import MergeChoices
    from annotator.services.refi_import import RefiImport

#: The most article text (bytes of UTF-8) one merge brings in, over all its files: a .qdpx or
#: project holding more is refused as it is read, before it fills the memory.
MAX_MERGE_TEXT = 256 * 2**20


@dataclass
class Source:
    """A file read and checked, not yet merged: its packages (one per coder), the texts of its
    articles (a project's, a .qdpx's) and, for a .qdpx, the rest of what it holds."""

    path: Path
    packages: list[Package]
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    refi: RefiImport | None = None


def read_source(
    project: Project,
    path: Path,
    choices: MergeChoices,
    text_limit: int = MAX_MERGE_TEXT,
) -> Source:
    """Read and check a coder package, another annotator project or a REFI-QDA .qdpx project
    (by what the file is), writing nothing; a damaged file is refused naming it, and so is one
    whose articles hold more than ``text_limit`` bytes of text the master lacks."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise BadFileError(path, f"cannot be read ({error.strerror or error})") from None
    if head.startswith(b"SQLite format 3") or path.suffix.lower() == ".annotator":
        try:
            return _read_project(project, path, choices, text_limit)
        except sqlite3.DatabaseError as error:  # damage met reading it: this file's, not ours
            raise reading_error(path, error) from None
    if head.startswith(b"PK") or path.suffix.lower() == ".qdpx":
        from annotator.services.refi_import import read_qdpx

        found = read_qdpx(path, validate=False, text_limit=text_limit)
        return Source(path, found.packages, found.texts, found)
    return Source(path, [read_package(path)])


def _read_project(
    project: Project, other_path: Path, choices: MergeChoices, text_limit: int
) -> Source:
    """Every coder of another project as a package each; with ``articles="import"`` the texts
    of the articles the master lacks (refused past ``text_limit`` bytes in all). The file comes
    from outside: it is checked (pages, references, every field of its packages, its texts'
    hashes) before anything is taken from it."""
    if project.path is not None and Path(other_path).resolve() == Path(project.path).resolve():
        raise UserError(f"{other_path.name}: a project cannot be merged into itself")
    try:
        with Project.open(other_path, read_only=True) as other:
            _check_sound(other, other_path)
            packages = [
                _as_of_its_work(checked_package(other_path, package_of(other, c.name)))
                for c in other.coders.all()
            ]
            texts = {}
            if choices.articles == "import":
                texts = _texts_lacking(project, other, other_path, text_limit)
    except sqlite3.DatabaseError as error:  # a page or a row SQLite cannot read
        raise BadFileError(other_path, f"is a damaged project ({error})") from None
    except (ValueError, TypeError) as error:  # rows its schema would refuse: a status of
        # another name, text where a number belongs (SQLite keeps what it is given)
        raise BadFileError(other_path, f"is a damaged project ({error})") from None
    if not packages:  # nobody has coded yet: the articles alone come in (if asked)
        packages = [Package("", "", "", utc_now())]
    return Source(other_path, packages, texts)


def _texts_lacking(
    project: Project, other: Project, other_path: Path, text_limit: int
) -> dict[str, tuple[str, str]]:
    """The name and text of each article of ``other`` the master lacks, by SHA-256; each text
    checked against its hash and for what no import stores, all within ``text_limit`` bytes."""
    texts: dict[str, tuple[str, str]] = {}
    for document in other.documents.all():
        if project.documents.by_sha256(document.sha256) is not None:
            continue
        text = other.documents.text(document.id)
        if text_sha256(text) != document.sha256:
            raise BadFileError(
                other_path,
                f"the text of article '{document.name}' does not match its SHA-256 (changed "
                "outside annotator)",
            )
        if normalise_text(text) != text:  # imports never store such text
            raise BadFileError(
                other_path,
                f"the text of article '{document.name}' holds a BOM or CR line endings (not "
                "stored by annotator; 'annotator check' names it)",
            )
        text_limit -= text_size(text)
        if text_limit < 0:
            raise BadFileError(other_path, too_much_text())
        texts[document.sha256] = (document.name, text)
    return texts


def text_size(text: str) -> int:
    """Bytes of UTF-8 a text takes (counted without encoding it when it is ASCII)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def too_much_text() -> str:
    return (
        f"its articles hold more than {MAX_MERGE_TEXT // 2**20} MB of text the project lacks, "
        "more than one merge brings in; import some of them first"
    )


def _check_sound(other: Project, path: Path) -> None:
    """Refuse a project file whose pages or references are broken (opening checked its schema
    and codebook, not every page nor every reference)."""
    problems = other.integrity_problems()
    if problems:
        raise BadFileError(path, f"is a damaged project ({problems[0]})")


def _as_of_its_work(package: Package) -> Package:
    """A project's package dated by its latest change, not by now: a copy of a project is no
    newer than its work (an old copy must not bring back what was deleted since)."""
    times = [c.updated_at for c in package.codings] + [m.updated_at for m in package.memos]
    times += [d.deleted_at for d in package.deletions]
    return replace(package, created_at=max(times, default=""))
