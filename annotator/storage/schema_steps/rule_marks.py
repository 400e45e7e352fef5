"""Migration 0016: a saved search's "new articles" mark per coder.

Shipped once released: never edit it; add a new migration at the end of the set
(``storage/schema.py``).
"""

from __future__ import annotations

from sqlite_utils import Database

from annotator.storage.schema_steps.run import run as _run


def rule_marks(db: Database) -> None:
    """``saved_search_marks``: the highest article id a saved search has run on for each
    coder (running a rule on "new" articles takes the ids above that coder's mark). Until now
    the mark was one per search (``saved_searches.last_document_id``, no longer read): once
    one coder had run a rule, it found nothing new for the others.

    The old mark becomes the mark of every coder who has codings made by the rule (its GUID
    in the codings' origin): they ran it, and nobody else can be told apart — coders who never
    ran it start with no mark (every article is new to them). A mark goes with its search
    and with its coder.
    """
    _run(
        db,
        [
            """CREATE TABLE saved_search_marks (
                search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
                coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
                last_document_id INTEGER NOT NULL CHECK (last_document_id >= 0),
                PRIMARY KEY (search_id, coder_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX saved_search_marks_by_coder ON saved_search_marks (coder_id)",
            """INSERT INTO saved_search_marks (search_id, coder_id, last_document_id)
                SELECT s.id, ran.coder_id, s.last_document_id FROM saved_searches s
                JOIN (SELECT DISTINCT coder_id, json_extract(origin, '$.rule') AS rule
                      FROM codings WHERE origin IS NOT NULL) ran ON ran.rule = s.guid
                WHERE s.last_document_id > 0""",
        ],
    )


#: The migrations of this module, in the order they run.
STEPS = [
    ("0016_rule_marks", rule_marks),
]
