"""The units the supervised machine coder learns from and codes: an article's sentences.

Sentences are those search coding uses (:func:`annotator.services.autocode.sentence_spans`:
``sentencex`` in the article's language, never across a paragraph, offsets in code points).
A sentence is *coded* with a code when one of the coder's codings of it covers it: the
overlap is more than half the sentence, or more than half the coding (a word coded inside a
sentence marks the sentence; a selection that runs a few characters into the next sentence
does not mark that one). A whole-article coding covers every sentence. A passage the machine
codes is a maximal run of consecutive sentences whose probability passes the code's
threshold, from the first sentence's start to the last one's end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from annotator.services.autocode import sentence_spans

__all__ = ["covers", "passages", "sentence_classes", "sentence_labels", "units"]

Span = tuple[int, int]


def units(text: str, language: str = "en") -> list[Span]:
    """The sentences of an article, as ``[start, end)`` spans in code points."""
    return sentence_spans(text, language or "en")


def _overlap(sentence: Span, start: int | None, end: int | None) -> tuple[int, int]:
    """How many characters a coding shares with a sentence, and the coding's length (a
    whole-article coding, ``None``, shares the whole sentence)."""
    low, high = sentence
    if start is None or end is None:
        return high - low, high - low
    return max(0, min(high, end) - max(low, start)), end - start


def covers(sentence: Span, start: int | None, end: int | None) -> bool:
    """Whether a coding ``[start, end)`` (``None``: the whole article) covers a sentence."""
    shared, length = _overlap(sentence, start, end)
    return shared > 0 and (2 * shared > sentence[1] - sentence[0] or 2 * shared > length)


def sentence_labels(
    spans: Sequence[Span], codings: Iterable[tuple[int | None, int | None]]
) -> NDArray[np.bool_]:
    """For each sentence, whether one of ``codings`` (the spans of one code) covers it."""
    labels = np.zeros(len(spans), dtype=bool)
    starts = np.fromiter((s for s, _ in spans), dtype=np.int64, count=len(spans))
    for start, end in codings:
        if start is None or end is None:
            labels[:] = True
            continue
        # Only the sentences the coding touches (sorted, non-overlapping spans).
        first = max(int(np.searchsorted(starts, start, side="right")) - 1, 0)
        for k in range(first, len(spans)):
            if spans[k][0] >= end:
                break
            if not labels[k] and covers(spans[k], start, end):
                labels[k] = True
    return labels


def sentence_classes(
    spans: Sequence[Span],
    codings: Sequence[tuple[int, int | None, int | None]],
    codes: Sequence[int],
) -> NDArray[np.int64]:
    """For an exclusive dimension: each sentence's class, 0 for none or ``1 + k`` for
    ``codes[k]``, the code whose codings cover it most (``codings``: code, start, end)."""
    index = {code: k + 1 for k, code in enumerate(codes)}
    best = np.zeros(len(spans), dtype=np.int64)
    shared_best = np.zeros(len(spans), dtype=np.int64)
    for code, start, end in codings:
        if code not in index:
            continue
        for k, span in enumerate(spans):
            if start is not None and end is not None and (span[1] <= start or span[0] >= end):
                continue
            if covers(span, start, end):
                shared, _ = _overlap(span, start, end)
                if shared > shared_best[k]:
                    shared_best[k], best[k] = shared, index[code]
    return best


def passages(spans: Sequence[Span], chosen: NDArray[np.bool_]) -> list[tuple[int, int, int, int]]:
    """The maximal runs of consecutive chosen sentences as ``(start, end, first, last)``:
    characters from the first sentence's start to the last one's end, and the sentence
    indices ``[first, last)`` of the run."""
    runs: list[tuple[int, int, int, int]] = []
    k, count = 0, len(spans)
    while k < count:
        if not chosen[k]:
            k += 1
            continue
        first = k
        while k < count and chosen[k]:
            k += 1
        runs.append((spans[first][0], spans[k - 1][1], first, k))
    return runs
