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
