"""A percentile bootstrap interval for α_U, resampling whole articles as α's interval does.

α_U is computed on the articles every coder counts, joined end to end. A resample draws those
articles with replacement and joins the drawn ones end to end — in their order, an article
drawn twice twice in a row — and its α_U is exactly the α_U of that new continuum
(:func:`~annotator.agreement.unitizing.disagreements` on it). Building a thousand continua
would be slow; instead the ingredients are split where they can be and the rest is counted
exactly for each resample:

- D_O: units never cross an article's edge, so every pair of segments that counts lies in one
  article and Σ δ² adds up over the drawn articles, as do L, N and the sums of ℓ, ℓ², ℓ³ and
  ℓ(ℓ − 1) over units — the whole of D_E's denominator and of its first term.
- D_E's second term, P = Σ over units g and gaps h with ℓ_h ≥ ℓ_g of ℓ_g² (ℓ_h − ℓ_g + 1),
  does not. For one gap it is (ℓ_h + 1) Σ ℓ_g² − Σ ℓ_g³ minus C(ℓ_h), the same sum over the
  units *longer* than the gap (zero when no unit is). A coder's gaps — every stretch between
  two of their units, before the first and after the last, zero-length ones included — are
  N_c + 1 and together L − Σ ℓ_g long, so the first part over all gaps is a product of sums
  that add up. What remains is C of the gaps shorter than the longest unit: those inside one
  article are fixed (weighted by the article's draws); those that run across joins — from an
  article's last unit through articles the coder marked nothing in to the next unit — depend
  on the draw and are found for each resample. C itself comes from the resample's units
  sorted by length (suffix sums of w ℓ² and w ℓ³).

So each resample costs sums over its units and the articles coders marked, not a rebuilt
continuum; the resamples are processed in blocks so that memory stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.bootstrap import RESAMPLES, SEED, Interval, draws, percentile_interval
from annotator.agreement.levels import Continuum
from annotator.agreement.unitizing import pair_terms

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Numbers handled (resamples × (units + coders × articles), over the codes) above which the
# resampling would keep a researcher waiting (about a minute): the report says so instead.
MAX_WORK = 1e10
# Numbers held at once per block of resamples (a block is resamples × units or articles).
BLOCK_CELLS = 3_000_000

# Columns of the per-article table: Σ δ², N, Σ (2ℓ³ − 3ℓ² + ℓ), Σ ℓ(ℓ − 1), Σ ℓ, Σ ℓ², Σ ℓ³.
_COLUMNS = 7


@dataclass(frozen=True)
class _Edges:
    """One coder's units of the code seen from the joins, per article: whether the coder
    marked a unit in it, how far the first unit begins from the article's start (``lead``)
    and how far the last ends before the article's end (``trail``) — the pieces of the gaps
    that run across joins — and which articles can start a gap shorter than the longest unit
    towards the next article (``short_trail``) or towards a copy of themselves
    (``short_wrap``)."""

    marked: NDArray[np.bool_]
    lead: FloatArray
    trail: FloatArray
    short_trail: NDArray[np.bool_]
    short_wrap: NDArray[np.bool_]


@dataclass(frozen=True)
class _Terms:
    """One code's ingredients: the per-article sums (``additive``), the longest unit, every
    unit's article and length sorted by length, the gaps inside an article shorter than the
    longest unit (article, length), and each coder's :class:`_Edges`."""

    additive: FloatArray  # (articles, _COLUMNS)
    longest: float
    unit_articles: IntArray
    unit_lengths: FloatArray
    inner_articles: IntArray
    inner_lengths: FloatArray
    edges: tuple[_Edges, ...]

    @property
    def work(self) -> int:
        """Numbers held per resample, roughly."""
        return len(self.unit_lengths) + len(self.inner_lengths)


def _terms(units: list[tuple[IntArray, IntArray]], continuum: Continuum) -> _Terms | None:
    starts, articles = continuum.starts, continuum.articles
    ends_of = np.append(starts[1:], continuum.length)

    def article_of(positions: IntArray) -> IntArray:
        found: IntArray = np.searchsorted(starts, positions, side="right") - 1
        return found

    def per_article(values: FloatArray, at: IntArray) -> FloatArray:
        summed: FloatArray = np.bincount(at, weights=values, minlength=articles).astype(np.float64)
        return summed

    begins = np.concatenate([b for b, _ in units])
    if not len(begins):
        return None
    lengths = np.concatenate([e - b for b, e in units]).astype(np.float64)
    where = article_of(begins)
    delta = np.zeros(articles)
    m = len(units)
    for i in range(m):
        for j in range(i + 1, m):
            for (begins_of, _), share in zip(
                (units[i], units[j]), pair_terms(units[i], units[j]), strict=True
            ):
                delta += per_article(share, article_of(begins_of))
    additive = np.column_stack(
        [
            delta,
            per_article(np.ones_like(lengths), where),
            per_article(2 * lengths**3 - 3 * lengths**2 + lengths, where),
            per_article(lengths * (lengths - 1), where),
            per_article(lengths, where),
            per_article(lengths**2, where),
            per_article(lengths**3, where),
        ]
    )
    longest = float(lengths.max())
    inner_at, inner_lengths, edges = [], [], []
    for b, e in units:
        at = article_of(b)
        # Stretches between two units of one article (touching units: length 0).
        same = at[1:] == at[:-1]
        inner = (b[1:] - e[:-1])[same].astype(np.float64)
        short = inner < longest
        inner_at.append(at[1:][same][short])
        inner_lengths.append(inner[short])
        marked, first = np.unique(at, return_index=True)
        last = np.append(first[1:], len(at)) - 1 if len(at) else first
        flags = np.zeros(articles, dtype=bool)
        lead, trail = np.zeros(articles), np.zeros(articles)
        flags[marked] = True
        lead[marked] = b[first] - starts[marked]
        trail[marked] = ends_of[marked] - e[last]
        edges.append(
            _Edges(flags, lead, trail, flags & (trail < longest), flags & (trail + lead < longest))
        )
    order = np.argsort(lengths, kind="stable")
    return _Terms(
        additive,
        longest,
        where[order],
        lengths[order],
        np.concatenate(inner_at).astype(np.int64),
        np.concatenate(inner_lengths),
        tuple(edges),
    )


class _Shorter:
    """For a block of resamples, C(ℓ) = Σ over the drawn units longer than ℓ of
    w ℓ_g² (ℓ − ℓ_g + 1), for any (resample, ℓ)."""

    def __init__(self, terms: _Terms, drawn: NDArray[np.int8] | IntArray) -> None:
        # Units from the longest down, grouped by length: how often each length is drawn.
        lengths = terms.unit_lengths[::-1]
        first = np.flatnonzero(np.append(True, lengths[1:] != lengths[:-1]))
        self.negated = -lengths[first]  # distinct lengths, longest first, negated: ascending
        taken = np.take(drawn, terms.unit_articles[::-1], axis=1)
        counts = np.add.reduceat(taken, first, axis=1, dtype=np.float64)
        # Column i: the sums over the i longest distinct lengths.
        self.width = len(first) + 1
        zero = np.zeros((len(drawn), 1))
        self.squares = np.concatenate([zero, np.cumsum(counts * self.negated**2, axis=1)], axis=1)
        self.cubes = np.concatenate([zero, np.cumsum(counts * -(self.negated**3), axis=1)], axis=1)

    def at(self, rows: IntArray | slice, lengths: FloatArray) -> FloatArray:
        """C of gaps of ``lengths`` in the resamples ``rows`` (one per gap), or with a
        slice: a (resamples × gaps) table."""
        longer = np.searchsorted(self.negated, -lengths, side="left")
        if isinstance(rows, slice):
            table: FloatArray = (lengths + 1) * self.squares[:, longer] - self.cubes[:, longer]
            return table
        cell = rows * self.width + longer
        value: FloatArray = (lengths + 1) * np.take(self.squares, cell) - np.take(self.cubes, cell)
        return value


@dataclass(frozen=True)
class _Drawn:
    """A block of resamples as the list of (resample, article) drawn, by resample and then
    article ("entries"): how often (``times``), how long the article is there with all its
    copies (``extent``), where its first copy begins on the resample (``begin``); each
    resample's first entry and length. The same entries by article (those of article a at
    ``article_start[a]`` on) with what follows each in its resample: the next entry, its
    article (``END``: none, the resample ends) and extent."""

    resample: IntArray
    article: IntArray
    times: FloatArray
    extent: FloatArray
    begin: FloatArray
    first: IntArray
    total: FloatArray
    article_start: IntArray
    # By article:
    entry: IntArray
    next_article: IntArray
    next_extent: FloatArray

    @classmethod
    def of(cls, weights: FloatArray, article_lengths: FloatArray) -> _Drawn:
        resample, article = np.nonzero(weights)
        times = weights[resample, article]
        extent = times * article_lengths[article]
        ends = np.cumsum(extent)
        first = np.searchsorted(resample, np.arange(len(weights)))
        offset = np.append(0.0, ends)[first]  # where each resample starts in the list
        begin = ends - extent - offset[resample]
        total = np.bincount(resample, weights=extent, minlength=len(weights)).astype(np.float64)
        articles = weights.shape[1]
        last = np.append(resample[1:] != resample[:-1], True)
        next_article = np.where(last, articles, np.append(article[1:], articles))
        next_extent = np.where(last, 0.0, np.append(extent[1:], 0.0))
        # Small integers sort by radix: the entries of each article, in resample order.
        narrow = article.astype(np.int16) if articles < 2**15 else article
        entry = np.argsort(narrow, kind="stable")
        counts = np.bincount(article, minlength=articles)
        article_start = np.concatenate([[0], np.cumsum(counts)])
        return cls(
            resample,
            article,
            times,
            extent,
            begin,
            first,
            total,
            article_start,
            entry,
            next_article[entry],
            next_extent[entry],
        )

    def of_articles(self, articles: IntArray) -> tuple[IntArray, IntArray]:
        """Where the entries of the given articles are in the by-article lists, and the
        article of each."""
        counts = self.article_start[articles + 1] - self.article_start[articles]
        shift = np.repeat(self.article_start[articles] - (np.cumsum(counts) - counts), counts)
        return shift + np.arange(int(counts.sum())), np.repeat(articles, counts)


def _across(edges: _Edges, drawn: _Drawn, longest: float, shorter: _Shorter) -> FloatArray:
    """Σ C over one coder's gaps that run across joins and are shorter than ``longest``, for
    each resample of the block: from a resample's start to its first unit, from an article's
    last unit to the next unit (or the resample's end), and between copies of one article.

    A gap from an article's last unit ends in the next entry when the coder marked its
    article; a blank article on the way makes the gap longer by all of it, so only the rare
    gap still short past one needs the next marked article looked up (:func:`onwards`)."""
    resamples = len(drawn.first)
    found = np.zeros(resamples)
    # Per article, and past the last one for "the resample ends": a gap ends there.
    marked = np.append(edges.marked, True)
    lead = np.append(edges.lead, 0.0)

    def add(rows: IntArray, lengths: FloatArray, times: FloatArray | None = None) -> None:
        short = lengths < longest
        if short.any():
            value = shorter.at(rows[short], lengths[short])
            if times is not None:
                value = value * times[short]
            found[:] += np.bincount(rows[short], value, minlength=resamples)

    # From each resample's start.
    first = drawn.article[drawn.first]
    here = marked[first]
    every = np.arange(resamples)
    add(every[here], lead[first[here]])
    on = ~here & (drawn.extent[drawn.first] < longest)
    if on.any():
        onwards(edges, drawn, every[on], drawn.first[on], np.zeros(int(on.sum())), add)
    # From each drawn article's last unit, when it ends near the article's end.
    at, article = drawn.of_articles(np.flatnonzero(edges.short_trail))
    if len(at):
        following = drawn.next_article[at]
        length = edges.trail[article] + lead[following]
        ends = marked[following]
        short = ends & (length < longest)
        add(drawn.resample[drawn.entry[at[short]]], length[short])
        on = ~ends & (edges.trail[article] + drawn.next_extent[at] < longest)
        if on.any():
            entry = drawn.entry[at[on]] + 1
            onwards(edges, drawn, drawn.resample[entry], entry, edges.trail[article[on]], add)
    # An article drawn w times is there w times in a row: w − 1 joins to itself.
    at, article = drawn.of_articles(np.flatnonzero(edges.short_wrap))
    entry = drawn.entry[at]
    repeated = drawn.times[entry] > 1
    if repeated.any():
        entry, article = entry[repeated], article[repeated]
        add(
            drawn.resample[entry],
            edges.trail[article] + edges.lead[article],
            drawn.times[entry] - 1,
        )
    return found


def onwards(
    edges: _Edges,
    drawn: _Drawn,
    rows: IntArray,
    entry: IntArray,
    so_far: FloatArray,
    add: Callable[[IntArray, FloatArray], None],
) -> None:
    """Gaps that are ``so_far`` long where the blank entry ``entry`` (of resample ``rows``)
    begins: they run on through blank articles to the next marked article's first unit, or
    to the resample's end."""
    marks = np.flatnonzero(edges.marked[drawn.article])
    position = np.searchsorted(marks, entry)
    following = marks[np.minimum(position, len(marks) - 1)] if len(marks) else entry
    joined = (position < len(marks)) & (drawn.resample[following] == rows)
    reach = np.where(
        joined,
        drawn.begin[following] + edges.lead[drawn.article[following]],
        drawn.total[rows],
    )
    add(rows, so_far + reach - drawn.begin[entry])


def resampled_disagreements(
    continuum: Continuum, codes: Sequence[int], weights: FloatArray, coders: int
) -> dict[int, tuple[FloatArray, FloatArray]]:
    """``(D_O, D_E)`` of each code (that has units) in each resample: ``weights[r, a]`` is how
    often article ``a`` is drawn in resample ``r``; the drawn articles are joined end to end in
    their order, each as often as it is drawn. Codes without a unit are left out."""
    found = {code: _terms(continuum.units[code], continuum) for code in codes}
    terms = {code: t for code, t in found.items() if t is not None}
    return _disagreements_of(terms, continuum, weights, coders)


def _disagreements_of(
    terms: dict[int, _Terms], continuum: Continuum, weights: FloatArray, coders: int
) -> dict[int, tuple[FloatArray, FloatArray]]:
    m = coders
    article_lengths = np.diff(np.append(continuum.starts, continuum.length)).astype(np.float64)
    # Every code's per-article sums in one product (the weights are read once, not per code).
    table = np.hstack([article_lengths[:, None]] + [t.additive for t in terms.values()])
    sums = weights @ table
    length = sums[:, 0]
    corrections = _corrections(terms, article_lengths, weights)
    found = {}
    for k, code in enumerate(terms):
        delta, n, cubic, square_less, plain, squares, cubes = sums[
            :, 1 + _COLUMNS * k : 1 + _COLUMNS * (k + 1)
        ].T
        # Every coder's gaps: N_c + 1 of them, L − Σ_c ℓ long together, summed over coders.
        gap_count = n + m
        gap_length = m * length - plain
        pairs = (gap_length + gap_count) * squares - gap_count * cubes - corrections[code]
        observed = 2 * delta / (m * (m - 1) * length**2)
        numerator = (n - 1) * cubic / 3 + pairs
        denominator = m * length * (m * length - 1) - square_less
        expected = np.divide(
            2 * numerator,
            length * denominator,
            out=np.zeros_like(numerator),
            where=(n > 0) & (denominator > 0),
        )
        found[code] = (observed, expected)
    return found


def _corrections(
    terms: dict[int, _Terms], article_lengths: FloatArray, weights: FloatArray
) -> dict[int, FloatArray]:
    """Σ C over every gap shorter than the longest unit, per code and resample."""
    widest = max([len(article_lengths)] + [t.work for t in terms.values()])
    block = max(1, BLOCK_CELLS // max(widest, 1))
    # Draws as small integers for the unit sums (exact: no article is drawn 127 times).
    narrow = weights.max(initial=0) < 127
    found = {code: np.zeros(len(weights)) for code in terms}
    for low in range(0, len(weights), block):
        part = weights[low : low + block]
        drawn = _Drawn.of(part, article_lengths)
        counts: NDArray[np.int8] | IntArray = (
            part.astype(np.int8) if narrow else part.astype(np.int64)
        )
        for code, t in terms.items():
            shorter = _Shorter(t, counts)
            total = np.zeros(len(part))
            if len(t.inner_lengths):  # gaps inside an article: as often as it is drawn
                inner = shorter.at(slice(None), t.inner_lengths)
                total += (part[:, t.inner_articles] * inner).sum(axis=1)
            for edges in t.edges:
                total += _across(edges, drawn, t.longest, shorter)
            found[code][low : low + block] = total
    return found


def unitizing_intervals(
    continuum: Continuum,
    codes: Sequence[int],
    pooled: Sequence[int],
    coders: int,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> tuple[dict[int, Interval], Interval]:
    """The 95 % percentile interval of α_U for each code and over the ``pooled`` codes
    (1 − mean D_O / mean D_E), or why there is none."""
    articles = continuum.articles
    if articles < 2:
        why = Interval(None, articles, "an interval needs two or more articles every coder counts")
        return dict.fromkeys(codes, why), why
    found = {code: _terms(continuum.units[code], continuum) for code in codes}
    terms = {code: t for code, t in found.items() if t is not None}
    if resamples * sum(t.work + coders * articles for t in terms.values()) > MAX_WORK:
        slow = Interval(None, articles, "too many articles and units to resample")
        return dict.fromkeys(codes, slow), slow
    weights = draws(articles, resamples, seed)
    disagreement = _disagreements_of(terms, continuum, weights, coders)
    intervals = {}
    for code in codes:
        if code not in disagreement:
            intervals[code] = Interval(None, articles, "no coder marked a unit of it")
            continue
        observed, expected = disagreement[code]
        intervals[code] = _interval(observed, expected, articles, resamples)
    chosen = [disagreement[code] for code in pooled if code in disagreement]
    if not chosen:
        return intervals, Interval(None, articles, "no coder marked any unit")
    observed = np.mean([o for o, _ in chosen], axis=0)
    expected = np.mean([e for _, e in chosen], axis=0)
    return intervals, _interval(observed, expected, articles, resamples)


def _interval(
    observed: FloatArray, expected: FloatArray, articles: int, resamples: int
) -> Interval:
    defined = expected > 0
    ratio: FloatArray = np.divide(observed, expected, out=np.zeros_like(observed), where=defined)
    return percentile_interval(1.0 - ratio[defined], articles, resamples, what="α_U")
