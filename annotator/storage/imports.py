"""Provenance of imports: each run and each file it read (tables of 0008_imports)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from annotator.domain.model import utc_now


@dataclass(frozen=True)
class ImportedFile:
    """One file of an import run: what was found in it and what became of it."""

    source: str
    format: str
    database: str | None = None
    sha256: str | None = None
    articles: int = 0
    imported: int = 0
    duplicates: int = 0
    problems: tuple[str, ...] = ()
    refused: str | None = None  # why the file was refused, if it was


@dataclass(frozen=True)
class ImportRun:
    """One import: when, by which version of annotator, with which options, and its files."""

    id: int
    started_at: str
    finished_at: str | None
    version: str
    options: dict[str, Any]
    files: tuple[ImportedFile, ...] = field(default_factory=tuple)

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def refused(self) -> int:
        return sum(1 for f in self.files if f.refused is not None)


class ImportStore:
    """Record import runs and list them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, version: str, options: dict[str, Any], started_at: str | None = None) -> int:
        """A new run; its id."""
        cursor = self.db.execute(
            "INSERT INTO imports (started_at, version, options) VALUES (?, ?, ?)",
            [started_at or utc_now(), version, json.dumps(options, ensure_ascii=False)],
        )
        return int(cursor.lastrowid or 0)

    def add_file(self, import_id: int, file: ImportedFile) -> None:
        self.db.execute(
            "INSERT INTO import_files (import_id, source, sha256, format, database, articles, "
            "imported, duplicates, problems, refused) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                import_id,
                file.source,
                file.sha256,
                file.format,
                file.database,
                file.articles,
                file.imported,
                file.duplicates,
                json.dumps(list(file.problems), ensure_ascii=False),
                file.refused,
            ],
        )

    def finish(self, import_id: int) -> None:
        self.db.execute("UPDATE imports SET finished_at = ? WHERE id = ?", [utc_now(), import_id])

    def all(self) -> list[ImportRun]:
        """Every run, oldest first, with its files in the order they were read."""
        files: dict[int, list[ImportedFile]] = {}
        for row in self.db.execute(
            "SELECT import_id, source, format, database, sha256, articles, imported, duplicates, "
            "problems, refused FROM import_files ORDER BY import_id, id"
        ):
            files.setdefault(int(row[0]), []).append(
                ImportedFile(
                    source=str(row[1]),
                    format=str(row[2]),
                    database=row[3],
                    sha256=row[4],
                    articles=int(row[5]),
                    imported=int(row[6]),
                    duplicates=int(row[7]),
                    problems=tuple(_json_list(row[8])),
                    refused=row[9],
                )
            )
        return [
            ImportRun(
                id=int(i),
                started_at=str(started),
                finished_at=finished,
                version=str(version),
                options=_json_object(options),
                files=tuple(files.get(int(i), ())),
            )
            for i, started, finished, version, options in self.db.execute(
                "SELECT id, started_at, finished_at, version, options FROM imports ORDER BY id"
            )
        ]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM imports").fetchone()[0])


def _json_list(text: object) -> list[str]:
    # Written by add_file; a project edited by hand may hold anything: show what can be shown.
    try:
        value = json.loads(str(text))
    except ValueError:
        return [str(text)]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _json_object(text: object) -> dict[str, Any]:
    try:
        value = json.loads(str(text))
    except ValueError:
        return {"options": str(text)}
    return value if isinstance(value, dict) else {"options": value}
