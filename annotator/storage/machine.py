"""The machine coder's records (migration 0017): backends, trained models, runs and the
articles each run finished, validations, and the decisions coders took on suggestions.

Plain SQL and records only; what they mean and the rules for writing them (one transaction
per article, resume, the exclusive rule) are in :mod:`annotator.services.machine`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlite_utils import Database

from annotator.domain.errors import NotFoundError
from annotator.domain.model import new_guid, utc_now
from annotator.storage.deletions import DeletionStore
from annotator.storage.machine_rows import (
    BACKEND_COLUMNS,
    BACKEND_KINDS,
    COUNT_KEYS,
    DECISIONS,
    MACHINE_MADE,
    RUN_COLUMNS,
    RUN_STATUSES,
    VALIDATION_COLUMNS,
    Backend,
    ModelRow,
    NewRun,
    RunArticle,
    RunRecord,
    RunState,
    ValidationRow,
    backend_of_row,
    counts_of,
    dumps,
    json_or,
    run_article_of_row,
    run_of_row,
)

__all__ = [
    "BACKEND_KINDS",
    "COUNT_KEYS",
    "DECISIONS",
    "MACHINE_MADE",
    "RUN_STATUSES",
    "Backend",
    "MachineStore",
    "ModelRow",
    "NewRun",
    "RunArticle",
    "RunRecord",
    "RunState",
    "ValidationRow",
    "dumps",
]


class MachineStore:
    """Read and write the machine coder's tables. Methods that write join the transaction
    around them (``with project.transaction():``) or commit on return."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._deletions = DeletionStore(db)

    # -- backends ----------------------------------------------------------------------

    def add_backend(
        self,
        coder_id: int,
        kind: str,
        *,
        url: str = "",
        model: str = "",
        api_key_env: str = "",
        allow_remote: bool = False,
        remote_consent: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Backend:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO machine_backends (guid, coder_id, kind, url, model, api_key_env, "
                "allow_remote, remote_consent, settings, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    new_guid(),
                    coder_id,
                    kind,
                    url,
                    model,
                    api_key_env,
                    int(allow_remote),
                    None if remote_consent is None else dumps(dict(remote_consent)),
                    dumps(dict(settings or {})),
                    utc_now(),
                ],
            )
        return self.backend(int(cursor.lastrowid or 0))

    def _backends(self, where: str = "", parameters: Sequence[object] = ()) -> list[Backend]:
        rows = self.db.execute(
            f"SELECT {BACKEND_COLUMNS} FROM machine_backends b JOIN coders c ON c.id = b.coder_id "
            f"{where} ORDER BY c.name COLLATE NOCASE, b.id",
            list(parameters),
        )
        return [backend_of_row(row) for row in rows]

    def backends(self) -> list[Backend]:
        """Every machine, by name."""
        return self._backends()

    def backend(self, backend_id: int) -> Backend:
        found = self._backends("WHERE b.id = ?", [backend_id])
        if not found:
            raise NotFoundError(f"there is no machine with id {backend_id}")
        return found[0]

    def backend_of_coder(self, coder_id: int) -> Backend | None:
        """The machine that codes as this coder (None: a human, or a replicate's coder)."""
        found = self._backends("WHERE b.coder_id = ?", [coder_id])
        return found[0] if found else None

    def set_settings(self, backend_id: int, settings: Mapping[str, Any]) -> Backend:
        with self.db.atomic():
            self.db.execute(
                "UPDATE machine_backends SET settings = ? WHERE id = ?",
                [dumps(dict(settings)), backend_id],
            )
        return self.backend(backend_id)

    # -- trained models ----------------------------------------------------------------

    def add_model(
        self,
        backend_id: int,
        *,
        format: str,
        model: bytes,
        sha256: str,
        trained_from_coder_id: int | None,
        trained_document_ids: Iterable[int],
        cv: Mapping[str, Any],
    ) -> int:
        """Store a trained model (the newest of a backend is the one in use); its id."""
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO machine_models (backend_id, trained_at, trained_from_coder_id, "
                "format, model, sha256, trained_document_ids, cv) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    backend_id,
                    utc_now(),
                    trained_from_coder_id,
                    format,
                    model,
                    sha256,
                    dumps(sorted(set(trained_document_ids))),
                    dumps(dict(cv)),
                ],
            )
        return int(cursor.lastrowid or 0)

    def latest_model(self, backend_id: int) -> ModelRow | None:
        """The model in use: the newest a backend has (None: never trained)."""
        row = self.db.execute(
            "SELECT id, backend_id, trained_at, trained_from_coder_id, format, model, sha256, "
            "trained_document_ids, cv FROM machine_models WHERE backend_id = ? "
            "ORDER BY id DESC LIMIT 1",
            [backend_id],
        ).fetchone()
        if row is None:
            return None
        return ModelRow(
            int(row[0]),
            int(row[1]),
            str(row[2]),
            None if row[3] is None else int(row[3]),
            str(row[4]),
            bytes(row[5]) if isinstance(row[5], bytes | bytearray | memoryview) else b"",
            str(row[6]),
            [int(d) for d in json_or(row[7], []) if isinstance(d, int)],
            json_or(row[8], {}),
        )

    # -- runs --------------------------------------------------------------------------

    def add_run(self, new: NewRun) -> RunRecord:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO machine_runs (guid, backend_id, coder_id, kind, model, "
                "model_version, prompt_template, prompt_sha256, codebook_version, codebook_hash, "
                "settings, app_version, started_at, status, replicate, replicate_group, "
                "validated_by, unvalidated, document_ids, counts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                [
                    new_guid(),
                    new.backend_id,
                    new.coder_id,
                    new.kind,
                    new.model,
                    new.model_version,
                    new.prompt_template,
                    new.prompt_sha256,
                    new.codebook_version,
                    new.codebook_hash,
                    dumps(dict(new.settings)),
                    new.app_version,
                    utc_now(),
                    new.replicate,
                    new.replicate_group,
                    new.validated_by,
                    int(new.unvalidated),
                    dumps(list(dict.fromkeys(new.document_ids))),
                    dumps(dict.fromkeys(COUNT_KEYS, 0)),
                ],
            )
        return self.run(int(cursor.lastrowid or 0))

    def run(self, run_id: int) -> RunRecord:
        row = self.db.execute(
            f"SELECT {RUN_COLUMNS} FROM machine_runs WHERE id = ?", [run_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no machine run with id {run_id}")
        return run_of_row(row)

    def run_state(self, run_id: int) -> RunState:
        """What writing an article of a run needs of it, without its (long) article list."""
        row = self.db.execute(
            "SELECT status, coder_id, codebook_version, counts, tokens_prompt, "
            "tokens_completion FROM machine_runs WHERE id = ?",
            [run_id],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no machine run with id {run_id}")
        return RunState(
            str(row[0]),
            int(row[1]),
            None if row[2] is None else int(row[2]),
            counts_of(row[3]),
            int(row[4]),
            int(row[5]),
        )

    def runs(self, backend_id: int | None = None) -> list[RunRecord]:
        """Every run (of one backend), oldest first."""
        where = "" if backend_id is None else "WHERE backend_id = ?"
        rows = self.db.execute(
            f"SELECT {RUN_COLUMNS} FROM machine_runs {where} ORDER BY id",
            [] if backend_id is None else [backend_id],
        )
        return [run_of_row(row) for row in rows]

    def runs_by_guid_prefix(self, prefix: str) -> list[RunRecord]:
        """The runs whose GUID starts with ``prefix`` (ignoring case)."""
        rows = self.db.execute(
            f"SELECT {RUN_COLUMNS} FROM machine_runs WHERE substr(lower(guid), 1, ?) = lower(?) "
            "ORDER BY id",
            [len(prefix), prefix],
        )
        return [run_of_row(row) for row in rows]

    def set_run_end(self, run_id: int, status: str, ended_at: str | None) -> None:
        self.db.execute(
            "UPDATE machine_runs SET status = ?, ended_at = ? WHERE id = ?",
            [status, ended_at, run_id],
        )

    def set_run_model_version(self, run_id: int, model_version: str | None) -> None:
        """What the server said the model is (a language model's run learns it from the
        replies, after the run was recorded)."""
        self.db.execute(
            "UPDATE machine_runs SET model_version = ? WHERE id = ?", [model_version, run_id]
        )

    def set_run_counts(
        self, run_id: int, counts: Mapping[str, int], tokens: tuple[int, int]
    ) -> None:
        self.db.execute(
            "UPDATE machine_runs SET counts = ?, tokens_prompt = ?, tokens_completion = ? "
            "WHERE id = ?",
            [dumps(dict(counts)), tokens[0], tokens[1], run_id],
        )

    def run_articles(self, run_id: int) -> dict[int, RunArticle]:
        """The articles a run finished, by article id."""
        rows = self.db.execute(
            "SELECT run_id, document_id, status, reason, codings, dropped, tokens_prompt, "
            "tokens_completion FROM machine_run_articles WHERE run_id = ? ORDER BY document_id",
            [run_id],
        )
        return {int(row[1]): run_article_of_row(row) for row in rows}

    def run_article(self, run_id: int, document_id: int) -> RunArticle | None:
        """The run's row for one article (None: the run has not finished it)."""
        row = self.db.execute(
            "SELECT run_id, document_id, status, reason, codings, dropped, tokens_prompt, "
            "tokens_completion FROM machine_run_articles WHERE run_id = ? AND document_id = ?",
            [run_id, document_id],
        ).fetchone()
        return None if row is None else run_article_of_row(row)

    def put_run_article(self, article: RunArticle) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO machine_run_articles (run_id, document_id, status, reason, "
            "codings, dropped, tokens_prompt, tokens_completion) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                article.run_id,
                article.document_id,
                article.status,
                article.reason,
                article.codings,
                article.dropped,
                article.tokens_prompt,
                article.tokens_completion,
            ],
        )

    def article_totals(self, run_id: int) -> tuple[int, int, int, int]:
        """Of a run's finished articles: done, failed, codings written, codings dropped."""
        row = self.db.execute(
            "SELECT ifnull(sum(status = 'done'), 0), ifnull(sum(status = 'failed'), 0), "
            "ifnull(sum(codings), 0), ifnull(sum(dropped), 0) FROM machine_run_articles "
            "WHERE run_id = ?",
            [run_id],
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2]), int(row[3])

    def run_coding_counts(self) -> dict[str, int]:
        """How many codings each run's GUID has in the project now (a later run of the same
        coder replaces a run's codings of the articles it codes again)."""
        rows = self.db.execute(
            f"SELECT json_extract(origin, '$.run'), count(*) FROM codings WHERE {MACHINE_MADE} "
            "GROUP BY 1"
        )
        return {str(guid): int(count) for guid, count in rows if guid is not None}

    # -- a machine's codings -----------------------------------------------------------

    def remove_machine_codings(self, coder_id: int, document_id: int) -> int:
        """Delete the machine-made codings of this coder in this article (leaving tombstones,
        as every deletion does); returns how many."""
        rows = self.db.execute(
            f"SELECT guid FROM codings WHERE document_id = ? AND coder_id = ? AND {MACHINE_MADE}",
            [document_id, coder_id],
        ).fetchall()
        if not rows:
            return 0
        self.db.execute(
            f"DELETE FROM codings WHERE document_id = ? AND coder_id = ? AND {MACHINE_MADE}",
            [document_id, coder_id],
        )
        self._deletions.record(((str(r[0]), coder_id, document_id) for r in rows), "coding")
        return len(rows)

    def other_codings(
        self, coder_id: int, document_id: int
    ) -> list[tuple[int, int | None, int | None]]:
        """``(code, start, end)`` of this coder's codings of the article not made by a
        machine run (none, as a rule: the machine's rule is kept against them too)."""
        rows = self.db.execute(
            'SELECT code_id, start, "end" FROM codings WHERE document_id = ? AND coder_id = ? '
            f"AND NOT {MACHINE_MADE}",
            [document_id, coder_id],
        )
        return [(int(c), s, e) for c, s, e in rows]

    def document_length(self, document_id: int) -> int | None:
        """An article's length in characters (None: there is no such article)."""
        row = self.db.execute("SELECT length FROM documents WHERE id = ?", [document_id]).fetchone()
        return None if row is None else int(row[0])

    def insert_codings(
        self,
        rows: Sequence[tuple[int, int, int, int | None, int | None, str]],
        codebook_version: int | None,
    ) -> list[str]:
        """Insert ``(document, coder, code, start, end, origin JSON)`` rows the caller has
        checked (the table's triggers still refuse a span outside its text); their GUIDs."""
        now = utc_now()
        guids = [new_guid() for _ in rows]
        self.db.conn.executemany(
            'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", memo, '
            "created_at, updated_at, origin, codebook_version) "
            "VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)",
            [
                (guid, document, coder, code, start, end, now, now, origin, codebook_version)
                for guid, (document, coder, code, start, end, origin) in zip(
                    guids, rows, strict=True
                )
            ],
        )
        return guids

    # -- validations -------------------------------------------------------------------

    def add_validation(
        self,
        backend_id: int,
        *,
        settings_sha256: str,
        against: Sequence[str],
        level: str,
        result: Sequence[Mapping[str, Any]],
        excluded_trained: int = 0,
    ) -> ValidationRow:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO machine_validations (guid, backend_id, settings_sha256, against, "
                "level, created_at, result, excluded_trained) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    new_guid(),
                    backend_id,
                    settings_sha256,
                    dumps(list(against)),
                    level,
                    utc_now(),
                    dumps([dict(r) for r in result]),
                    excluded_trained,
                ],
            )
        return self.validation(int(cursor.lastrowid or 0))

    def _validations(self, where: str, parameters: Sequence[object]) -> list[ValidationRow]:
        rows = self.db.execute(
            f"SELECT {VALIDATION_COLUMNS} FROM machine_validations {where} ORDER BY id",
            list(parameters),
        )
        return [
            ValidationRow(
                int(row[0]),
                str(row[1]),
                int(row[2]),
                str(row[3]),
                [str(name) for name in json_or(row[4], [])],
                str(row[5]),
                str(row[6]),
                [r for r in json_or(row[7], []) if isinstance(r, dict)],
                int(row[8]),
            )
            for row in rows
        ]

    def validation(self, validation_id: int) -> ValidationRow:
        found = self._validations("WHERE id = ?", [validation_id])
        if not found:
            raise NotFoundError(f"there is no machine validation with id {validation_id}")
        return found[0]

    def validations(
        self, backend_id: int, settings_sha256: str | None = None
    ) -> list[ValidationRow]:
        """A backend's validations (of these settings), oldest first."""
        if settings_sha256 is None:
            return self._validations("WHERE backend_id = ?", [backend_id])
        return self._validations(
            "WHERE backend_id = ? AND settings_sha256 = ?", [backend_id, settings_sha256]
        )

    # -- decisions on suggestions ------------------------------------------------------

    def add_decision(self, run_id: int, coding_guid: str, coder_id: int, decision: str) -> int:
        with self.db.atomic():
            # What was suggested goes with the decision (the coding may be replaced later).
            cursor = self.db.execute(
                "INSERT INTO machine_suggestion_decisions (run_id, coding_guid, coder_id, "
                'decision, at, document_id, machine_coder_id, code_id, start, "end") '
                'SELECT ?, ?, ?, ?, ?, c.document_id, c.coder_id, c.code_id, c.start, c."end" '
                "FROM (SELECT 1) LEFT JOIN codings c ON c.guid = ?",
                [run_id, coding_guid, coder_id, decision, utc_now(), coding_guid],
            )
        return int(cursor.lastrowid or 0)

    def remove_decision(self, decision_id: int) -> None:
        """Take a decision back (undo)."""
        with self.db.atomic():
            self.db.execute("DELETE FROM machine_suggestion_decisions WHERE id = ?", [decision_id])

    def decision_counts(self, run_ids: Iterable[int] | None = None) -> dict[str, int]:
        """How many suggestions were accepted, edited and rejected (of these runs)."""
        counts = dict.fromkeys(DECISIONS, 0)
        if run_ids is None:
            rows = self.db.execute(
                "SELECT decision, count(*) FROM machine_suggestion_decisions GROUP BY decision"
            )
        else:
            rows = self.db.execute(
                "SELECT decision, count(*) FROM machine_suggestion_decisions "
                "WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY decision",
                [json.dumps(sorted(set(run_ids)))],
            )
        counts.update({str(d): int(n) for d, n in rows})
        return counts
