"""What marks a file as an annotator project, told from its first bytes without opening it
as a database, and the files SQLite and annotator keep beside a project while it is open."""

from __future__ import annotations

SQLITE_HEADER = b"SQLite format 3\x00"
#: PRAGMA application_id of every project ("ANNO"); storage/schema.py sets it.
APPLICATION_ID = 0x414E4E4F
# SQLite keeps the application id big-endian at bytes 68-71 of the database header.
_APPLICATION_ID_AT = 68
HEADER_BYTES = 100
#: Beside ``study.annotator``: SQLite's write-ahead log, its index, a rollback journal, and
#: annotator's lock file.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal", ".lock")


def is_project_header(header: bytes) -> bool:
    """True if ``header`` (a file's first :data:`HEADER_BYTES` bytes) starts an annotator
    project: an SQLite database carrying our application id."""
    if not header.startswith(SQLITE_HEADER) or len(header) < _APPLICATION_ID_AT + 4:
        return False
    found = int.from_bytes(header[_APPLICATION_ID_AT : _APPLICATION_ID_AT + 4], "big")
    return found == APPLICATION_ID


def side_file_of(name: str) -> tuple[str, str] | None:
    """For a side file's name (``study.annotator-wal``): the project's name and the suffix;
    ``None`` for any other name."""
    for suffix in SIDE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return None
