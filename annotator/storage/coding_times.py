"""When coders finished their articles: the time each coder's status on an article was last
set (``document_status.updated_at``, for the statuses *done*), and the time of each coder's
latest coding in an article (``codings.updated_at``). Drift over time reads these
(:mod:`annotator.services.drift`); they are text as stored (ISO 8601 UTC when annotator wrote
them), to be parsed by the reader."""

from __future__ import annotations

from sqlite_utils import Database


def done_times(db: Database) -> dict[tuple[int, int], str]:
    """``(document, coder) → time`` of every status *done*, as stored (may be empty text)."""
    rows = db.execute(
        "SELECT document_id, coder_id, updated_at FROM document_status WHERE status = 'done'"
    )
    return {(int(d), int(c)): str(t or "") for d, c, t in rows}


def latest_coding_times(db: Database) -> dict[tuple[int, int], str]:
    """``(document, coder) → the latest time`` any of the coder's codings in the article was
    made or changed (times as stored; ISO 8601 text sorts in time order)."""
    rows = db.execute(
        "SELECT document_id, coder_id, max(updated_at) FROM codings GROUP BY document_id, coder_id"
    )
    return {(int(d), int(c)): str(t or "") for d, c, t in rows}
