"""Migration 0017: the machine coder — coders of kind ``machine``, their backends, trained
models, runs (with every article a run coded), validations and the decisions coders took on
machine suggestions.

Shipped once released: never edit it; add a new migration at the end of the set
(``storage/schema.py``).
"""

from __future__ import annotations

from sqlite_utils import Database

from annotator.storage.schema_steps.run import run as _run


def machine(db: Database) -> None:
    """The machine coder (issue 18).

    - ``coders.kind``: ``human`` (every coder so far) or ``machine``. A machine coder's codings
      are ordinary rows of ``codings`` whose ``origin`` names the run that made them
      (``{"kind": "machine", "run": GUID, "confidence": number or null, "reason": text or
      null}``); a suggestion a coder accepted is that coder's coding with
      ``{"kind": "assisted", "run": GUID, "suggestion": GUID, "edited": bool}``.
    - ``machine_backends``: what codes as a machine coder (``coder_id``, one backend per
      coder, which gives its name): a classifier trained on the project's codings or a
      language model behind an OpenAI chat-completions URL; ``api_key_env`` names the
      environment variable holding a key (the key itself is never stored); ``remote_consent``
      (JSON: who, when, url) is set only when a non-loopback URL was allowed; ``settings``
      JSON (temperature, seed, concurrency, timeout, thresholds…).
    - ``machine_models``: the classifier's trained models (the newest row of a backend is the
      one in use): ``format`` names the safe format of ``model`` (JSON and numpy arrays, never
      pickle), ``sha256`` its digest, the articles it was trained on, the cross-validated α.
    - ``machine_runs``: one coding pass of a backend over articles, with everything that made
      its codings (model and version, the full prompt template and its SHA-256, the codebook
      version — the latest ``codebook_changes`` id — and a hash of the codebook, settings, the
      app version), its times, status, replicate number and group, the validation it relies
      on (or ``unvalidated``), the articles asked for, counts (JSON) and token use.
    - ``machine_run_articles``: each article a run finished, ``done`` or ``failed`` (with a
      one-line reason), written in the transaction that wrote its codings: a run resumes with
      the articles it has no ``done`` row for.
    - ``machine_validations``: a backend compared with human coders (``result``: the rows
      ``machine validate --json`` prints), keyed by a hash of what makes its codings.
    - ``machine_suggestion_decisions``: a coder accepting (as is, or edited) or rejecting a
      machine suggestion in the window, for the report's shares.
    """
    _run(
        db,
        [
            "ALTER TABLE coders ADD COLUMN kind TEXT NOT NULL DEFAULT 'human' "
            "CHECK (kind IN ('human', 'machine'))",
            """CREATE TABLE machine_backends (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                guid TEXT NOT NULL UNIQUE,
                coder_id INTEGER NOT NULL UNIQUE REFERENCES coders(id),
                kind TEXT NOT NULL CHECK (kind IN ('classifier', 'llm')),
                url TEXT NOT NULL DEFAULT '',
                model TEXT NOT NULL DEFAULT '',
                api_key_env TEXT NOT NULL DEFAULT '',
                allow_remote INTEGER NOT NULL DEFAULT 0 CHECK (allow_remote IN (0, 1)),
                remote_consent TEXT,
                settings TEXT NOT NULL DEFAULT '{}',
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE machine_models (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                backend_id INTEGER NOT NULL REFERENCES machine_backends(id) ON DELETE CASCADE,
                trained_at TEXT NOT NULL,
                trained_from_coder_id INTEGER REFERENCES coders(id),
                format TEXT NOT NULL,
                model BLOB NOT NULL,
                sha256 TEXT NOT NULL,
                trained_document_ids TEXT NOT NULL DEFAULT '[]',
                cv TEXT NOT NULL DEFAULT '{}'
            )""",
            "CREATE INDEX machine_models_by_backend ON machine_models (backend_id, id)",
            """CREATE TABLE machine_validations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                guid TEXT NOT NULL UNIQUE,
                backend_id INTEGER NOT NULL REFERENCES machine_backends(id) ON DELETE CASCADE,
                settings_sha256 TEXT NOT NULL,
                against TEXT NOT NULL DEFAULT '[]',
                level TEXT NOT NULL,
                created_at TEXT NOT NULL,
                result TEXT NOT NULL DEFAULT '[]',
                excluded_trained INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX machine_validations_by_backend ON machine_validations "
            "(backend_id, settings_sha256)",
            """CREATE TABLE machine_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                guid TEXT NOT NULL UNIQUE,
                backend_id INTEGER NOT NULL REFERENCES machine_backends(id) ON DELETE CASCADE,
                coder_id INTEGER NOT NULL REFERENCES coders(id),
                kind TEXT NOT NULL CHECK (kind IN ('classifier', 'llm')),
                model TEXT NOT NULL DEFAULT '',
                model_version TEXT,
                prompt_template TEXT NOT NULL DEFAULT '',
                prompt_sha256 TEXT NOT NULL,
                codebook_version INTEGER,
                codebook_hash TEXT NOT NULL,
                settings TEXT NOT NULL DEFAULT '{}',
                app_version TEXT NOT NULL,
                started_at TEXT NOT NULL,
                ended_at TEXT,
                status TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
                replicate INTEGER NOT NULL DEFAULT 1 CHECK (replicate >= 1),
                replicate_group TEXT NOT NULL,
                validated_by INTEGER REFERENCES machine_validations(id) ON DELETE SET NULL,
                unvalidated INTEGER NOT NULL DEFAULT 0 CHECK (unvalidated IN (0, 1)),
                document_ids TEXT NOT NULL DEFAULT '[]',
                counts TEXT NOT NULL DEFAULT '{}',
                tokens_prompt INTEGER NOT NULL DEFAULT 0,
                tokens_completion INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX machine_runs_by_backend ON machine_runs (backend_id, id)",
            "CREATE INDEX machine_runs_by_group ON machine_runs (replicate_group)",
            """CREATE TABLE machine_run_articles (
                run_id INTEGER NOT NULL REFERENCES machine_runs(id) ON DELETE CASCADE,
                document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
                reason TEXT,
                codings INTEGER NOT NULL DEFAULT 0,
                dropped INTEGER NOT NULL DEFAULT 0,
                tokens_prompt INTEGER,
                tokens_completion INTEGER,
                PRIMARY KEY (run_id, document_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX machine_run_articles_by_document ON machine_run_articles (document_id)",
            """CREATE TABLE machine_suggestion_decisions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL REFERENCES machine_runs(id) ON DELETE CASCADE,
                coding_guid TEXT NOT NULL,
                coder_id INTEGER NOT NULL REFERENCES coders(id),
                decision TEXT NOT NULL CHECK (decision IN ('accepted', 'edited', 'rejected')),
                at TEXT NOT NULL
            )""",
            "CREATE INDEX machine_suggestion_decisions_by_run ON machine_suggestion_decisions "
            "(run_id, coding_guid)",
            "CREATE INDEX machine_suggestion_decisions_by_coder ON machine_suggestion_decisions "
            "(coder_id)",
        ],
    )


def suggestion_spans(db: Database) -> None:
    """Migration 0018: a decision on a suggestion names what was suggested.

    ``machine_suggestion_decisions`` gains the suggestion's article, machine coder, code and
    span (``document_id``, ``machine_coder_id``, ``code_id``, ``start``, ``end``; filled from
    the machine coding where it is still in the project). A machine coding the article again
    replaces its codings with new ones: a coder's rejection of "this code on this span" now
    holds for the same suggestion made again, where the decision on the old coding's GUID
    alone let it come back.
    """
    columns = ("document_id", "machine_coder_id", "code_id", "start", '"end"')
    _run(
        db,
        [
            *(f"ALTER TABLE machine_suggestion_decisions ADD COLUMN {c} INTEGER" for c in columns),
            """UPDATE machine_suggestion_decisions AS d SET document_id = c.document_id,
                machine_coder_id = c.coder_id, code_id = c.code_id, start = c.start,
                "end" = c."end"
                FROM codings c WHERE c.guid = d.coding_guid""",
            "CREATE INDEX machine_suggestion_decisions_by_article ON "
            "machine_suggestion_decisions (coder_id, document_id)",
        ],
    )


#: The migrations of this module, in the order they run.
STEPS = [
    ("0017_machine", machine),
    ("0018_suggestion_spans", suggestion_spans),
]
