"""Migration 0014: named article sets (a pilot set, a training set) and the sample designs
drawn (the reliability sample and the rest of the corpus split among coders).

Shipped once released: never edit it; add a new migration at the end of the set
(``storage/schema.py``).
"""

from __future__ import annotations

from sqlite_utils import Database

from annotator.storage.schema_steps.run import run as _run


def article_sets(db: Database) -> None:
    """Article sets and sample designs.

    - ``article_sets``: a named set of articles (``name`` unique ignoring case), with a GUID
      and a description; ``article_set_members`` its articles (deleting an article or a set
      deletes the membership, never the article).
    - ``sample_designs``: each design drawn, newest last: ``design`` is a JSON object (seed,
      share or size, strata variables, coders by name, whether the rest was split, the
      conditions the rest was limited to, the allocation per stratum and the rest per
      coder), so a report can state the design later.
    - ``sample_design_documents``: the articles a design placed: ``part`` is ``sample`` (every
      coder of the design) or ``rest`` (``coder``, by name, is the one it went to). Coders are
      kept by name, as the design states them: merging coders later changes no design.
    """
    _run(
        db,
        [
            "CREATE TABLE article_sets ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " guid TEXT NOT NULL UNIQUE,"
            " name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
            " description TEXT NOT NULL DEFAULT '',"
            " created_at TEXT NOT NULL)",
            "CREATE TABLE article_set_members ("
            " set_id INTEGER NOT NULL REFERENCES article_sets(id) ON DELETE CASCADE,"
            " document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
            " PRIMARY KEY (set_id, document_id)) WITHOUT ROWID",
            "CREATE INDEX article_set_members_document ON article_set_members (document_id)",
            "CREATE TABLE sample_designs ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " guid TEXT NOT NULL UNIQUE,"
            " created_at TEXT NOT NULL,"
            " design TEXT NOT NULL)",
            "CREATE TABLE sample_design_documents ("
            " design_id INTEGER NOT NULL REFERENCES sample_designs(id) ON DELETE CASCADE,"
            " document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
            " part TEXT NOT NULL CHECK (part IN ('sample', 'rest')),"
            " coder TEXT,"
            " PRIMARY KEY (design_id, document_id)) WITHOUT ROWID",
            "CREATE INDEX sample_design_documents_document ON sample_design_documents"
            " (document_id)",
        ],
    )


STEPS = [
    ("0014_article_sets", article_sets),
]
