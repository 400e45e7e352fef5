"""The machine coder's records as plain values: backends, trained models, runs, the articles a
run finished, validations — and how a row of their tables (migration 0017) becomes one.

The SQL that reads and writes them is :class:`annotator.storage.machine.MachineStore`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Whether a coding was made by a machine run (its origin says so; text that is not JSON
#: counts as not).
MACHINE_MADE = (
    "ifnull(CASE WHEN json_valid(origin) THEN json_extract(origin, '$.kind') END = 'machine', 0)"
)
BACKEND_KINDS = ("classifier", "llm")
RUN_STATUSES = ("running", "done", "cancelled", "failed")
DECISIONS = ("accepted", "edited", "rejected")
#: What a run's ``counts`` always holds (more keys may be added by a backend).
COUNT_KEYS = (
    "articles_done",
    "articles_failed",
    "codings",
    "dropped_quotes",
    "dropped_codes",
    "dropped_exclusive",
    "retries",
)

BACKEND_COLUMNS = (
    "b.id, b.guid, b.coder_id, c.name, b.kind, b.url, b.model, b.api_key_env, b.allow_remote, "
    "b.remote_consent, b.settings, b.created_at"
)
RUN_COLUMNS = (
    "id, guid, backend_id, coder_id, kind, model, model_version, prompt_template, "
    "prompt_sha256, codebook_version, codebook_hash, settings, app_version, started_at, "
    "ended_at, status, replicate, replicate_group, validated_by, unvalidated, document_ids, "
    "counts, tokens_prompt, tokens_completion"
)
VALIDATION_COLUMNS = (
    "id, guid, backend_id, settings_sha256, against, level, created_at, result, excluded_trained"
)


def json_or(text: object, default: Any) -> Any:
    """Stored JSON text as a value (``default`` when empty or not JSON)."""
    if not isinstance(text, str) or not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def dumps(value: object) -> str:
    """JSON as these tables store it: keys sorted, no NaN."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)


@dataclass(frozen=True)
class Backend:
    """A machine: the coder it codes as (``name`` is the coder's), a classifier trained on the
    project or a language model at ``url``; ``api_key_env`` names the environment variable
    holding the key (never the key)."""

    id: int
    guid: str
    coder_id: int
    name: str
    kind: str
    url: str
    model: str
    api_key_env: str
    allow_remote: bool
    remote_consent: dict[str, Any] | None
    settings: dict[str, Any]
    created_at: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "guid": self.guid,
            "kind": self.kind,
            "url": self.url,
            "model": self.model,
            "api_key_env": self.api_key_env,
            "allow_remote": self.allow_remote,
            "remote_consent": self.remote_consent,
            "settings": self.settings,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class ModelRow:
    """A trained model of a backend (``model`` the stored bytes; see the classifier)."""

    id: int
    backend_id: int
    trained_at: str
    trained_from_coder_id: int | None
    format: str
    model: bytes
    sha256: str
    trained_document_ids: list[int]
    cv: dict[str, Any]


@dataclass(frozen=True)
class RunRecord:
    """One run of a backend over articles, as ``machine_runs`` holds it."""

    id: int
    guid: str
    backend_id: int
    coder_id: int
    kind: str
    model: str
    model_version: str | None
    prompt_template: str
    prompt_sha256: str
    codebook_version: int | None
    codebook_hash: str
    settings: dict[str, Any]
    app_version: str
    started_at: str
    ended_at: str | None
    status: str
    replicate: int
    replicate_group: str
    validated_by: int | None
    unvalidated: bool
    document_ids: list[int]
    counts: dict[str, int]
    tokens_prompt: int
    tokens_completion: int

    def as_dict(self) -> dict[str, Any]:
        """Everything the run records (ids of other rows as they are stored)."""
        return {
            "guid": self.guid,
            "kind": self.kind,
            "model": self.model,
            "model_version": self.model_version,
            "prompt_template": self.prompt_template,
            "prompt_sha256": self.prompt_sha256,
            "codebook_version": self.codebook_version,
            "codebook_hash": self.codebook_hash,
            "settings": self.settings,
            "app_version": self.app_version,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "status": self.status,
            "replicate": self.replicate,
            "replicate_group": self.replicate_group,
            "unvalidated": self.unvalidated,
            "document_ids": self.document_ids,
            "counts": self.counts,
            "tokens_prompt": self.tokens_prompt,
            "tokens_completion": self.tokens_completion,
        }


@dataclass(frozen=True)
class RunState:
    """The parts of a run that change while it codes (see :meth:`MachineStore.run_state`)."""

    status: str
    coder_id: int
    codebook_version: int | None
    counts: dict[str, int]
    tokens_prompt: int
    tokens_completion: int


@dataclass(frozen=True)
class RunArticle:
    """An article a run finished: ``done`` (its codings written) or ``failed`` (``reason``)."""

    run_id: int
    document_id: int
    status: str
    reason: str | None
    codings: int
    dropped: int
    tokens_prompt: int | None
    tokens_completion: int | None


@dataclass(frozen=True)
class ValidationRow:
    """A backend compared with human coders (``result``: the rows of ``validate --json``)."""

    id: int
    guid: str
    backend_id: int
    settings_sha256: str
    against: list[str]
    level: str
    created_at: str
    result: list[dict[str, Any]]
    excluded_trained: int


@dataclass
class NewRun:
    """What :meth:`MachineStore.add_run` writes (the rest starts empty)."""

    backend_id: int
    coder_id: int
    kind: str
    model: str
    prompt_template: str
    prompt_sha256: str
    codebook_version: int | None
    codebook_hash: str
    app_version: str
    replicate_group: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    model_version: str | None = None
    replicate: int = 1
    validated_by: int | None = None
    unvalidated: bool = False
    document_ids: Sequence[int] = ()


def backend_of_row(row: Any) -> Backend:
    return Backend(
        int(row[0]),
        str(row[1]),
        int(row[2]),
        str(row[3]),
        str(row[4]),
        str(row[5]),
        str(row[6]),
        str(row[7]),
        bool(row[8]),
        json_or(row[9], None),
        json_or(row[10], {}),
        str(row[11]),
    )


def counts_of(text: object) -> dict[str, int]:
    counts = dict.fromkeys(COUNT_KEYS, 0)
    stored = json_or(text, {})
    if isinstance(stored, dict):
        counts.update({str(k): int(v) for k, v in stored.items() if isinstance(v, int)})
    return counts


def run_of_row(row: Any) -> RunRecord:
    return RunRecord(
        int(row[0]),
        str(row[1]),
        int(row[2]),
        int(row[3]),
        str(row[4]),
        str(row[5]),
        None if row[6] is None else str(row[6]),
        str(row[7]),
        str(row[8]),
        None if row[9] is None else int(row[9]),
        str(row[10]),
        json_or(row[11], {}),
        str(row[12]),
        str(row[13]),
        None if row[14] is None else str(row[14]),
        str(row[15]),
        int(row[16]),
        str(row[17]),
        None if row[18] is None else int(row[18]),
        bool(row[19]),
        [int(d) for d in json_or(row[20], []) if isinstance(d, int)],
        counts_of(row[21]),
        int(row[22]),
        int(row[23]),
    )


def run_article_of_row(row: Any) -> RunArticle:
    return RunArticle(
        int(row[0]),
        int(row[1]),
        str(row[2]),
        None if row[3] is None else str(row[3]),
        int(row[4]),
        int(row[5]),
        None if row[6] is None else int(row[6]),
        None if row[7] is None else int(row[7]),
    )
