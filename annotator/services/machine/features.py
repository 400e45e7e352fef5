"""Text as the supervised machine coder sees it: TF-IDF of word n-grams.

Texts are folded first (NFC and case-folded, as search folds them). A token is a run of word
characters, or one character of a script written without spaces (Chinese, Japanese, Thai, …:
the ranges search uses), so the features work in any language without a download. Counts
become ``1 + log(count)``, weighted by the smoothed inverse document frequency of the
training sentences, ``ln((1 + n) / (1 + df)) + 1``, and each row is scaled to length 1. An
article's features are those of its sentences' counts summed, weighted the same way.

Counting is done here with NumPy (the same counts as scikit-learn's ``CountVectorizer`` with
this token pattern — a test compares — at twice its speed: it never spells out the
n-grams it drops). Everything is plain values (terms, numbers): the model file stores them
and :class:`Vectorizer` is made again from them, never unpickled. Terms are words and pairs
of words in a row (``"border crossing"``): a word never holds a space.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.domain.errors import UserError
from annotator.domain.folding import fold
from annotator.domain.search_text import UNSPACED_RANGES, has_unspaced

__all__ = ["TOKEN_PATTERN", "FeatureSpec", "Vectorizer", "require_sklearn"]

FloatArray = NDArray[np.float32]
IntArray = NDArray[np.int64]

_UNSPACED = "".join(f"{chr(low)}-{chr(high)}" for low, high in UNSPACED_RANGES)
#: One character of an unspaced script, or a run of other word characters.
TOKEN_PATTERN = f"[{_UNSPACED}]|(?:(?![{_UNSPACED}])\\w)+"
_TOKEN = re.compile(TOKEN_PATTERN)
_WORD = re.compile(r"\w+")  # the same tokens in a text without an unspaced script, faster


def require_sklearn() -> Any:
    """scikit-learn, or a one-line error saying how to install it."""
    try:
        import sklearn
    except ImportError:
        raise UserError(
            "the trained machine coder needs scikit-learn: pip install 'annotator[machine]'"
        ) from None
    return sklearn


@dataclass(frozen=True)
class FeatureSpec:
    """How texts become features: word n-grams from ``ngram_min`` to ``ngram_max``, terms
    seen in at least ``min_df`` training sentences, at most ``max_features`` of them (the
    most frequent)."""

    ngram_min: int = 1
    ngram_max: int = 2  # at most 2
    min_df: int = 2
    max_features: int = 100_000

    def describe(self) -> str:
        grams = (
            f"word {self.ngram_min}-grams"
            if self.ngram_min == self.ngram_max
            else f"word {self.ngram_min}–{self.ngram_max}-grams"
        )
        return (
            f"TF-IDF of {grams} (folded text; sublinear counts; smoothed idf of the training "
            f"sentences; rows of length 1; terms in at least {self.min_df} sentences, at most "
            f"{self.max_features:,})"
        )


def _tokens(texts: Sequence[str]) -> tuple[list[str], IntArray]:
    """The tokens of every text (folded) one after the other, and where each text's start."""
    tokens: list[str] = []
    bounds = [0]
    for text in texts:
        folded = fold(text)
        tokens.extend((_TOKEN if has_unspaced(folded) else _WORD).findall(folded))
        bounds.append(len(tokens))
    return tokens, np.asarray(bounds, dtype=np.int64)


def _rows(bounds: IntArray) -> IntArray:
    """The text (row) each token belongs to."""
    return np.repeat(np.arange(len(bounds) - 1, dtype=np.int64), np.diff(bounds))


def _grams(
    spec: FeatureSpec, ids: IntArray, rows: IntArray, words: int
) -> tuple[IntArray, IntArray]:
    """Each n-gram of the texts as a row and a key: a word's id for a word, ``words + first
    · words + second`` for two words in a row (of one text; unknown words, id -1, make none)."""
    keys, owners = [], []
    if spec.ngram_min <= 1:
        known = ids >= 0
        keys.append(ids[known])
        owners.append(rows[known])
    if spec.ngram_max >= 2 and len(ids) > 1:
        pair = (rows[1:] == rows[:-1]) & (ids[1:] >= 0) & (ids[:-1] >= 0)
        keys.append(words + ids[:-1][pair] * words + ids[1:][pair])
        owners.append(rows[:-1][pair])
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(keys), np.concatenate(owners)


class Vectorizer:
    """Terms and their idf weights; turns sentences (and articles) into TF-IDF rows."""

    def __init__(self, spec: FeatureSpec, terms: Sequence[str], idf: FloatArray) -> None:
        if len(terms) != len(idf):
            raise ValueError("one idf weight per term")
        self.spec = spec
        self.terms = tuple(terms)
        self.idf = np.asarray(idf, dtype=np.float32)
        # Words of the terms, and each n-gram's key (as in _grams) → its feature.
        self._words: dict[str, int] = {}
        keys = np.empty(len(self.terms), dtype=np.int64)
        split = [term.split(" ") for term in self.terms]
        for parts in split:
            for word in parts:
                self._words.setdefault(word, len(self._words))
        count = len(self._words)
        for feature, parts in enumerate(split):
            first = self._words[parts[0]]
            keys[feature] = (
                first if len(parts) == 1 else count + first * count + self._words[parts[1]]
            )
        order = np.argsort(keys, kind="stable")
        self._keys, self._features = keys[order], order.astype(np.int64)

    @classmethod
    def fit(cls, spec: FeatureSpec, sentences: Sequence[str]) -> tuple[Vectorizer, Any]:
        """The vocabulary and idf of training sentences, and their count rows."""
        tokens, bounds = _tokens(sentences)
        index: dict[str, int] = {}
        ids = np.fromiter(
            (index.setdefault(t, len(index)) for t in tokens), dtype=np.int64, count=len(tokens)
        )
        words = list(index)
        keys, rows = _grams(spec, ids, _rows(bounds), len(words))
        # Document frequency: each (sentence, n-gram) once.
        order = np.lexsort((keys, rows))
        sorted_keys, sorted_rows = keys[order], rows[order]
        first = np.r_[
            True, (sorted_keys[1:] != sorted_keys[:-1]) | (sorted_rows[1:] != sorted_rows[:-1])
        ]
        unique, df = np.unique(sorted_keys[first], return_counts=True)
        kept = np.flatnonzero(df >= spec.min_df)
        if len(kept) > spec.max_features:  # the commonest, ties by key
            kept = np.sort(kept[np.argsort(-df[kept], kind="stable")[: spec.max_features]])
        if not len(kept):
            raise UserError(
                f"the training articles hold no word seen in {spec.min_df} sentences or more"
            )
        count = len(words)

        def term(key: int) -> str:
            if key < count:
                return words[key]
            first, second = divmod(key - count, count)
            return f"{words[first]} {words[second]}"

        terms = [term(int(k)) for k in unique[kept]]
        alphabetical = sorted(range(len(terms)), key=terms.__getitem__)
        position = np.empty(len(terms), dtype=np.int64)
        position[alphabetical] = np.arange(len(terms))
        n = len(bounds) - 1
        idf = (np.log((1 + n) / (1 + df[kept])) + 1).astype(np.float32)
        ordered_idf = np.empty_like(idf)
        ordered_idf[position] = idf
        vectorizer = cls(spec, [terms[k] for k in alphabetical], ordered_idf)
        at = np.searchsorted(unique[kept], keys).clip(0, len(kept) - 1)
        hit = unique[kept][at] == keys
        counts = _matrix(rows[hit], position[at[hit]], n, len(terms))
        return vectorizer, counts

    def counts(self, sentences: Sequence[str]) -> Any:
        """Raw term counts of sentences (a sparse matrix, one row each)."""
        tokens, bounds = _tokens(sentences)
        words = self._words
        ids = np.fromiter((words.get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))
        keys, rows = _grams(self.spec, ids, _rows(bounds), len(words))
        if not len(self._keys):
            keys = keys[:0]
        at = np.searchsorted(self._keys, keys).clip(0, max(len(self._keys) - 1, 0))
        hit = self._keys[at] == keys if len(self._keys) else np.zeros(0, dtype=bool)
        return _matrix(rows[hit], self._features[at[hit]], len(bounds) - 1, len(self.terms))

    def weigh(self, counts: Any) -> Any:
        """TF-IDF rows of length 1 from count rows (a new matrix)."""
        matrix = counts.astype(np.float32, copy=True).tocsr()
        matrix.data = (1.0 + np.log(matrix.data)) * self.idf[matrix.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        matrix.data /= np.repeat(norms, np.diff(matrix.indptr)).astype(np.float32)
        return matrix


def _matrix(rows: IntArray, columns: IntArray, height: int, width: int) -> Any:
    """A sparse count matrix (repeated cells summed)."""
    require_sklearn()  # scipy comes with it
    from scipy.sparse import csr_matrix

    ones = np.ones(len(rows), dtype=np.float32)
    matrix = csr_matrix((ones, (rows, columns)), shape=(height, width), dtype=np.float32)
    matrix.sum_duplicates()
    return matrix
