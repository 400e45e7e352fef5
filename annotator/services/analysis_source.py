"""What analysis reads from a project, read once and kept while the project stays as it was.

Every coding tallied by (code, article, coder) — the codings and the characters they cover —
in arrays: a crosstab of any codes, coders and grouping is regrouped from them
(:mod:`annotator.analysis.regroup`) without reading the codings again. Co-occurrence takes
every coding's place (:class:`Placements`), kept until the codings change. The command line reads
them once per command; the Analysis window keeps them while it is open, adjusts them when
codings are added, changed or removed (from the :class:`Changes` the window is told), and
reads them again after anything larger (a merge, a codebook edit, an import).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from annotator.domain.model import Coding
from annotator.services.changes import Changes
from annotator.storage import Project

IntArray = NDArray[np.int64]
T = TypeVar("T")

# A whole-article coding covers its article: its length is read for those only (coalesce
# stops at the first value), never the documents row of every coding.
_TALLIES = (
    'SELECT c.code_id, c.document_id, c.coder_id, count(*), sum(coalesce(c."end" - c.start, '
    "(SELECT d.length FROM documents d WHERE d.id = c.document_id))) FROM codings c "
    "GROUP BY c.code_id, c.document_id, c.coder_id"
)


@dataclass
class Tallies:
    """The codings per (code, article, coder): one entry per index of the five arrays. An
    entry emptied by removed codings stays, with 0 segments (counted as nothing)."""

    code: IntArray
    document: IntArray
    coder: IntArray
    segments: IntArray
    characters: IntArray

    @classmethod
    def read(cls, project: Project) -> Tallies:
        """Every coding of ``project``, tallied in one query."""
        found = project.db.execute(_TALLIES).fetchall()
        flat = np.fromiter(chain.from_iterable(found), np.int64, count=5 * len(found))
        table = flat.reshape(len(found), 5)
        return cls(*(np.ascontiguousarray(table[:, i]) for i in range(5)))

    def __len__(self) -> int:
        return int(self.code.size)

    def articles_by_coder(self) -> dict[int, int]:
        """Per coder id, the articles holding any coding by that coder."""
        held = self.segments > 0
        span = int(self.document.max(initial=0)) + 1
        pairs = np.unique(self.coder[held] * span + self.document[held])
        coders, counts = np.unique(pairs // span, return_counts=True)
        return {int(c): int(n) for c, n in zip(coders.tolist(), counts.tolist(), strict=True)}

    def articles_of(self, coder_ids: Iterable[int] | None) -> int:
        """The articles holding any coding by these coders (``None``: by anyone)."""
        held = self.segments > 0
        if coder_ids is not None:
            held &= np.isin(self.coder, np.fromiter(coder_ids, np.int64))
        return int(np.unique(self.document[held]).size)

    def adjust(
        self, removed: Iterable[Coding], added: Iterable[Coding], lengths: dict[int, int]
    ) -> None:
        """Take codings out (as they were) and put codings in (as they are); ``lengths``
        gives the length of each article a whole-article coding among them covers."""
        index = self._index()
        grown: list[tuple[int, int, int, int, int]] = []
        for sign, codings in ((-1, removed), (1, added)):
            for coding in codings:
                covered = (
                    lengths[coding.document_id]
                    if coding.start is None or coding.end is None
                    else coding.end - coding.start
                )
                key = (coding.code_id, coding.document_id, coding.coder_id)
                at = index.get(key)
                if at is None:
                    index[key] = len(self) + len(grown)
                    grown.append((*key, sign, sign * covered))
                elif at >= len(self):
                    entry = grown[at - len(self)]
                    grown[at - len(self)] = (*key, entry[3] + sign, entry[4] + sign * covered)
                else:
                    self.segments[at] += sign
                    self.characters[at] += sign * covered
        if grown:
            more = np.array(grown, dtype=np.int64).reshape(len(grown), 5)
            for position, name in enumerate(
                ("code", "document", "coder", "segments", "characters")
            ):
                setattr(self, name, np.concatenate([getattr(self, name), more[:, position]]))

    def _index(self) -> dict[tuple[int, int, int], int]:
        cached: dict[tuple[int, int, int], int] | None = self.__dict__.get("_keys")
        if cached is None:
            keys = zip(self.code.tolist(), self.document.tolist(), self.coder.tolist(), strict=True)
            cached = {key: at for at, key in enumerate(keys)}
            self.__dict__["_keys"] = cached
        return cached


_PLACEMENTS = (
    'SELECT code_id, document_id, coder_id, coalesce(start, -1), coalesce("end", -1) FROM codings'
)


@dataclass(frozen=True)
class Placements:
    """Every coding's code, article, coder and span (``-1``, ``-1``: the whole article), one
    per index of the five arrays: what co-occurrence counts."""

    code: IntArray
    document: IntArray
    coder: IntArray
    start: IntArray
    end: IntArray

    @classmethod
    def read(cls, project: Project) -> Placements:
        found = project.db.execute(_PLACEMENTS).fetchall()
        flat = np.fromiter(chain.from_iterable(found), np.int64, count=5 * len(found))
        table = flat.reshape(len(found), 5)
        return cls(*(np.ascontiguousarray(table[:, i]) for i in range(5)))


class Source:
    """One project's tallies and whatever else analysis worked out from it (the groups of
    articles by a variable, say), kept until :meth:`forget` is told of a change that
    touches them."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._tallies: Tallies | None = None
        self._placements: Placements | None = None
        self._kept: dict[Any, Any] = {}

    def tallies(self) -> Tallies:
        """The tallies, read on first use and after a change they could not follow."""
        if self._tallies is None:
            self._tallies = Tallies.read(self.project)
        return self._tallies

    def placements(self) -> Placements:
        """Every coding's place, read on first use and after any change to the codings."""
        if self._placements is None:
            self._placements = Placements.read(self.project)
        return self._placements

    def kept(self, key: Any, work: Callable[[], T]) -> T:
        """What ``work`` gives, worked out once until the project's articles, variables,
        coders or codebook change."""
        if key not in self._kept:
            self._kept[key] = work()
        found: T = self._kept[key]
        return found

    def forget(self, changes: Changes) -> None:
        """Follow a change: codings added, changed or removed (and described) adjust the
        tallies; anything larger drops them, to be read again when next needed."""
        touched = {c.document_id for c in (*changes.before, *changes.after)}
        # A coding change names its articles too; articles beyond those were imported,
        # deleted or edited.
        articles = bool(changes.documents - touched)
        if changes.codebook or changes.coders or changes.variables or articles:
            self._kept.clear()
        if changes.codings or changes.codebook or changes.coders or articles:
            self._placements = None  # read again when next needed (a fifth of a second)
        if self._tallies is None or not (
            changes.codings or articles or changes.coders or changes.codebook
        ):
            return
        if changes.described and not (changes.coders or changes.codebook or articles):
            whole = {c.document_id for c in (*changes.before, *changes.after) if c.start is None}
            lengths = {d: self.project.documents.get(d).length for d in whole}
            self._tallies.adjust(changes.before, changes.after, lengths)
        else:
            self._tallies = None
