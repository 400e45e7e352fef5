"""The project's records as plain, immutable values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class VariableType(StrEnum):
    """How a document variable's values are read and exported."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CATEGORY = "category"


class DocumentStatus(StrEnum):
    """A coder's progress on one document."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Document:
    """An imported article (its text is fetched separately: it can be large)."""

    id: int
    guid: str
    name: str
    source: str
    sha256: str
    length: int
    imported_at: str


@dataclass(frozen=True, slots=True)
class Variable:
    """A typed document variable such as outlet or date."""

    id: int
    name: str
    type: VariableType


@dataclass(frozen=True, slots=True)
class Code:
    """A node of the codebook tree; a node without a parent is a dimension."""

    id: int
    guid: str
    parent_id: int | None
    name: str
    color: str
    description: str
    shortcut: str | None
    position: int
    exclusive: bool

    @property
    def is_dimension(self) -> bool:
        return self.parent_id is None


@dataclass(frozen=True, slots=True)
class Coder:
    """A person who codes; every coding belongs to exactly one coder. A coder of kind
    ``machine`` is a classifier or language model (``annotator machine``): its codings come
    from its runs, and nobody codes as it in the window or with ``--coder``."""

    id: int
    guid: str
    name: str
    kind: str = "human"

    @property
    def is_machine(self) -> bool:
        return self.kind == "machine"


@dataclass(frozen=True, slots=True)
class Coding:
    """A code applied by a coder to a span ``[start, end)`` of a document, or to all of it.

    Offsets are Python string indices (Unicode code points). An article-level coding has
    ``start`` and ``end`` both ``None``. ``origin`` is ``None`` for a coding made by hand; a
    search that coded its hits records itself there (JSON, see ``services/autocode.py``).
    """

    id: int
    guid: str
    document_id: int
    coder_id: int
    code_id: int
    start: int | None
    end: int | None
    memo: str
    created_at: str
    updated_at: str
    origin: str | None = None
    #: The codebook version it was made under (migration 0015), where it was read with it: a
    #: deleted coding carries it, so that undoing the deletion gives it back unchanged.
    codebook_version: int | None = field(default=None, compare=False)

    @property
    def is_article_level(self) -> bool:
        return self.start is None


@dataclass(frozen=True, slots=True)
class Memo:
    """A note on the project, a document or a code."""

    id: int
    guid: str
    target: str
    document_id: int | None
    code_id: int | None
    coder_id: int | None
    text: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Deletion:
    """A coding or memo that was deleted (a tombstone): its GUID, whose it was, on which
    article, and when, so that the deletion can travel to other copies of the project."""

    guid: str
    kind: str  # "coding" or "memo"
    coder_id: int | None
    document_id: int | None
    deleted_at: str


class Choice(StrEnum):
    """What a disagreement review decided for the consensus."""

    FIRST = "first"
    SECOND = "second"
    BOTH = "both"
    NEITHER = "neither"
    EDITED = "edited"


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewed disagreement between two coders on one code in one article: the extent
    reviewed (``None`` for the whole article), the choice and the reason given."""

    id: int
    guid: str
    document_id: int
    code_id: int
    first_coder_id: int
    second_coder_id: int
    start: int | None
    end: int | None
    choice: Choice
    reason: str
    created_at: str
    #: What it was made on (JSON, see ``services.consensus_basis``); empty for older decisions.
    basis: str = ""
    #: The GUIDs of the consensus codings it wrote.
    made: tuple[str, ...] = ()


def utc_now() -> str:
    """The current time as an ISO 8601 UTC timestamp with second precision."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_guid() -> str:
    """A new lowercase 8-4-4-4-12 GUID, the form REFI-QDA exchange expects."""
    return str(uuid.uuid4())
