"""What a use case changed, so that views refresh exactly that."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """Ids of the records a use case added, changed or removed."""

    documents: frozenset[int] = field(default_factory=frozenset)
    codings: frozenset[int] = field(default_factory=frozenset)
    statuses: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (document, coder)
    codebook: bool = False
    coders: bool = False
    variables: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.documents
            or self.codings
            or self.statuses
            or self.codebook
            or self.coders
            or self.variables
        )

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            documents=self.documents | other.documents,
            codings=self.codings | other.codings,
            statuses=self.statuses | other.statuses,
            codebook=self.codebook or other.codebook,
            coders=self.coders or other.coders,
            variables=self.variables or other.variables,
        )
