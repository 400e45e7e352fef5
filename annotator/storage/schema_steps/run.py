"""What every migration uses to run its statements."""

from __future__ import annotations

from sqlite_utils import Database


def run(db: Database, statements: list[str]) -> None:
    """Execute ``statements`` in order inside the migration's transaction."""
    # Not executescript(): it commits first, which would break the migration's transaction.
    for statement in statements:
        db.execute(statement)
