"""What the agreement engine is given: coders, articles, the codebook part compared, codings,
and which articles count for which coder. Plain values, read from a project elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
WHOLE_ARTICLE = -1  # start and end of an article-level coding


@dataclass(frozen=True)
class Dimension:
    """A dimension compared: its name, whether its codes exclude each other on a passage, and
    the codes compared (ids, in codebook order) — ``whole`` when they are all of its codes,
    as measures of the dimension itself need."""

    id: int
    name: str
    exclusive: bool
    codes: tuple[int, ...]
    whole: bool = True


@dataclass(frozen=True, eq=False)
class Study:
    """Coders (column order), articles (id → length in characters), for each coder the
    articles that count, the dimensions and codes compared (id → path, and id → the names
    from the dimension down, carried rather than parsed out of the path), the codings as rows
    ``(document, coder index, code, start, end)`` (``WHOLE_ARTICLE`` for no span), for
    each coder how many articles were left out although assigned (not done), and the coders
    assigned articles who are not compared at all, because they finished none of them
    (``absent``: name and how many assigned articles they have not finished)."""

    coders: tuple[str, ...]
    lengths: Mapping[int, int]
    counted: tuple[frozenset[int], ...]
    dimensions: tuple[Dimension, ...]
    paths: Mapping[int, str]
    rows: IntArray
    parts: Mapping[int, tuple[str, ...]]
    left_out: tuple[int, ...]
    absent: tuple[tuple[str, int], ...] = ()

    @classmethod
    def of(
        cls,
        coders: Sequence[str],
        lengths: Mapping[int, int],
        counted: Sequence[Iterable[int]],
        dimensions: Sequence[Dimension],
        paths: Mapping[int, str],
        codings: Iterable[tuple[int, int, int, int | None, int | None]],
        *,
        parts: Mapping[int, Sequence[str]] | None = None,
        left_out: Sequence[int] | None = None,
        absent: Sequence[tuple[str, int]] = (),
    ) -> Study:
        """A study from plain rows; codings of other codes, articles or coders are ignored.

        ``parts`` gives each code's names from its dimension down (by default the dimension's
        name and the code's path); ``left_out`` how many assigned articles each coder has not
        finished (by default none); ``absent`` the coders left out although assigned
        articles, with how many they have not finished."""
        if len(counted) != len(coders):
            raise ValueError("give the counted articles of every coder")
        if left_out is not None and len(left_out) != len(coders):
            raise ValueError("give the left-out articles of every coder")
        codes = {code for dimension in dimensions for code in dimension.codes}
        names = {
            code: tuple(parts[code]) if parts is not None else (dimension.name, paths[code])
            for dimension in dimensions
            for code in dimension.codes
        }
        rows = [
            (d, c, k, WHOLE_ARTICLE if s is None else s, WHOLE_ARTICLE if e is None else e)
            for d, c, k, s, e in codings
            if k in codes and d in lengths and 0 <= c < len(coders)
        ]
        table = np.asarray(rows, dtype=np.int64).reshape(-1, 5)
        return cls(
            tuple(coders),
            dict(lengths),
            tuple(frozenset(d for d in docs if d in lengths) for docs in counted),
            tuple(dimensions),
            dict(paths),
            table,
            names,
            tuple(left_out) if left_out is not None else (0,) * len(coders),
            tuple(absent),
        )

    # -- derived ---------------------------------------------------------------------------

    @property
    def codes(self) -> list[int]:
        """Every code compared, dimension by dimension, in codebook order."""
        return [code for dimension in self.dimensions for code in dimension.codes]

    @cached_property
    def documents(self) -> IntArray:
        """The articles that count for at least one coder, by id."""
        counted = set().union(*self.counted) if self.counted else set()
        return np.asarray(sorted(counted), dtype=np.int64)

    @cached_property
    def counted_mask(self) -> NDArray[np.bool_]:
        """``mask[c, i]``: whether article ``documents[i]`` counts for coder ``c``."""
        return np.array(
            [np.isin(self.documents, sorted(docs)) for docs in self.counted], dtype=bool
        ).reshape(len(self.coders), len(self.documents))

    @cached_property
    def pairable(self) -> NDArray[np.bool_]:
        """``pairable[i]``: article ``documents[i]`` counts for two or more coders."""
        pairable: NDArray[np.bool_] = self.counted_mask.sum(axis=0) >= 2
        return pairable

    @cached_property
    def compared(self) -> int:
        """How many articles count for two or more coders (can be compared at all)."""
        return int(self.pairable.sum())

    @cached_property
    def applied(self) -> frozenset[int]:
        """The codes some coder applied (a passage or the whole article) in an article that
        counts for them and for another coder: the codes whose figures rest on something."""
        located = self.located
        if not len(located):
            return frozenset()
        articles, coders = located[:, 0], located[:, 1]
        compared = self.counted_mask[coders, articles] & self.pairable[articles]
        return frozenset(np.unique(located[compared, 2]).tolist())

    def name(self, code: int) -> str:
        """A code's own name (the last of its names, never cut out of its path)."""
        return self.parts[code][-1]

    @cached_property
    def offsets(self) -> IntArray:
        """Where each article starts on the continuum of all articles, end to end."""
        lengths = np.array([self.lengths[int(d)] for d in self.documents], dtype=np.int64)
        return np.concatenate([[0], np.cumsum(lengths)])

    def positions(self, rows: IntArray) -> IntArray:
        """The article index (in :attr:`documents`) of each coding row (-1 if it does not
        count for anyone)."""
        documents = self.documents
        index = np.searchsorted(documents, rows[:, 0])
        found = index < len(documents)
        found[found] = documents[index[found]] == rows[found, 0]
        return np.where(found, index, -1)

    @cached_property
    def spans(self) -> SpanTable:
        """The codings of counted articles as spans placed on the continuum. A whole-article
        coding covers its article's characters: it is the span ``[0, length)``."""
        rows = self.located.copy()
        whole = rows[:, 3] == WHOLE_ARTICLE
        rows[whole, 3] = 0
        rows[whole, 4] = np.diff(self.offsets)[rows[whole, 0]]
        return SpanTable(rows[rows[:, 4] > rows[:, 3]], self.offsets)

    @cached_property
    def located(self) -> IntArray:
        """The codings of counted articles as ``(article index, coder, code, start, end)``."""
        if not len(self.rows):
            return np.zeros((0, 5), dtype=np.int64)
        where = self.positions(self.rows)
        keep = where >= 0
        located = self.rows[keep].copy()
        located[:, 0] = where[keep]
        return located


class SpanTable:
    """Span codings as columns: ``articles`` (index in :attr:`Study.documents`), ``coders``,
    ``codes``, ``starts``/``ends`` within the article, and ``begins``/``finishes`` on the
    continuum of every counted article end to end (so spans of different articles never meet).
    """

    def __init__(self, rows: IntArray, offsets: IntArray) -> None:
        self.articles, self.coders, self.codes = rows[:, 0], rows[:, 1], rows[:, 2]
        self.starts, self.ends = rows[:, 3], rows[:, 4]
        self.begins = offsets[self.articles] + self.starts
        self.finishes = offsets[self.articles] + self.ends
        order = np.lexsort((self.begins, self.codes))
        codes = self.codes[order]
        self._index: dict[int, IntArray] = {}
        for code in np.unique(codes).tolist():
            low, high = np.searchsorted(codes, [code, code + 1])
            self._index[code] = order[low:high]

    def of_code(self, code: int) -> IntArray:
        """Row numbers of a code's spans, by position on the continuum."""
        return self._index.get(code, np.zeros(0, np.int64))

    def of_codes(self, codes: Iterable[int]) -> IntArray:
        found = [self.of_code(code) for code in codes]
        return np.concatenate(found) if found else np.zeros(0, np.int64)
