"""What a use case changed, so that views refresh exactly that."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from annotator.domain.model import Coding


@dataclass(frozen=True)
class Changes:
    """Ids of the records a use case added, changed or removed.

    A use case that knows the codings it touched (every action of the coding window does) also
    gives them as they were (``before``: removed or changed) and as they are now (``after``:
    added or changed), so that views can adjust their counts instead of counting again; see
    :attr:`described`.
    """

    documents: frozenset[int] = field(default_factory=frozenset)
    codings: frozenset[int] = field(default_factory=frozenset)
    statuses: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (document, coder)
    codebook: bool = False
    coders: bool = False
    variables: bool = False
    memos: bool = False  # memos may have changed (a merge): open memo editors read again
    before: tuple[Coding, ...] = ()
    after: tuple[Coding, ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.documents
            or self.codings
            or self.statuses
            or self.codebook
            or self.coders
            or self.variables
            or self.memos
        )

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            documents=self.documents | other.documents,
            codings=self.codings | other.codings,
            statuses=self.statuses | other.statuses,
            codebook=self.codebook or other.codebook,
            coders=self.coders or other.coders,
            variables=self.variables or other.variables,
            memos=self.memos or other.memos,
            before=self.before + other.before,
            after=self.after + other.after,
        )

    @property
    def described(self) -> bool:
        """Whether :attr:`before` and :attr:`after` account for every changed coding, and the
        codebook stayed as it was (so counts by code can be adjusted rather than read again)."""
        seen = {c.id for c in self.before} | {c.id for c in self.after}
        return not self.codebook and seen == self.codings

    def count_change(self, counted: Callable[[Coding], bool]) -> Counter[int]:
        """By code id: how many codings that pass ``counted`` were added minus removed.

        Meaningful only when :attr:`described`; a changed coding counts out as it was and in
        as it is.
        """
        delta: Counter[int] = Counter()
        for coding in self.after:
            if counted(coding):
                delta[coding.code_id] += 1
        for coding in self.before:
            if counted(coding):
                delta[coding.code_id] -= 1
        return delta


def coding_changes(before: tuple[Coding, ...] = (), after: tuple[Coding, ...] = ()) -> Changes:
    """What changing these codings touches, from their states before and after."""
    touched = before + after
    return Changes(
        documents=frozenset(c.document_id for c in touched),
        codings=frozenset(c.id for c in touched),
        before=before,
        after=after,
    )
