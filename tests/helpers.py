"""Helpers shared by test modules (not fixtures)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.domain.errors import BadFileError


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write ``text`` as UTF-8 bytes (no newline translation) and return the path."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def refused(reader: Callable[[Path], Any], path: Path, line: int | None) -> BadFileError:
    """Assert ``reader(path)`` refuses the file, naming it (and ``line``), and return the error."""
    with pytest.raises(BadFileError) as caught:
        reader(path)
    error = caught.value
    assert error.path == path
    assert error.line == line
    where = path.name if line is None else f"{path.name}, line {line}"
    assert str(error).startswith(f"{where}: ")
    return error


def run_sql(path: Path, *statements: str) -> None:
    """Change a project file behind annotator's back (as another program or a hostile
    sender would), committing each statement."""
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def undo_search_separators(connection: sqlite3.Connection) -> None:
    """Take a project back to before migration 0019: the word index as 0013 made it (empty;
    0019 fills it again when the project is opened)."""
    connection.execute("DROP TABLE search_words")
    connection.execute(
        "CREATE VIRTUAL TABLE search_words USING fts5(text, content='documents', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2', detail=none)"
    )
    connection.execute("DELETE FROM _sqlite_migrations WHERE name = '0019_search_separators'")
