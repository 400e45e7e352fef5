"""A percentile bootstrap interval for α_U, resampling whole articles as α's interval does.

α_U is computed on the articles every coder counts, joined end to end. A resample draws those
articles with replacement; each brings its coders' units and the stretches between units that
begin in it (the one that runs on into the next article included, so that drawing every article
once gives back exactly the continuum of the estimate). Recomputing α_U a thousand times would
cost a thousand runs of the whole computation; instead its ingredients are split by article:

- D_O: every pair of segments belongs to one article (the one its unit lies in), so Σ δ² adds
  up over articles, as do the continuum's length L and the number of units N;
- D_E: the terms of each unit alone (ℓ³, ℓ², ℓ(ℓ − 1)) add up too; what does not is the sum
  over every unit g and every gap h at least as long of ℓ_g² (ℓ_h − ℓ_g + 1), a product of
  two resampled sets. Gaps at least as long as the longest unit meet every unit, so for them
  it is Σ ℓ_g² · Σ (ℓ_h + 1) − Σ ℓ_g³ · Σ 1, products of sums that add up; the few shorter
  gaps are counted exactly on a grid of the unit lengths (articles × lengths).

So each resample is a weighted sum of per-article rows plus one small matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.bootstrap import RESAMPLES, SEED, Interval, draws, percentile_interval
from annotator.agreement.levels import Continuum
from annotator.agreement.unitizing import gaps_of, pair_terms

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Multiplications (resamples × articles × unit lengths, over the codes) above which the
# resampling would keep a researcher waiting: the report then says so instead.
MAX_WORK = 2e10


@dataclass(frozen=True)
class _Terms:
    """One code's ingredients of D_O and D_E, per article (rows of ``additive`` and
    ``long_gaps``) and on a grid of its unit lengths for the gaps shorter than its longest
    unit: ``short`` holds, for the articles ``short_rows``, Σ_h max(0, ℓ_h + 1 − length) over
    those gaps; ``cells``, for the articles ``cell_rows``, Σ ℓ_g² of the units of each length."""

    additive: FloatArray  # (articles, 6): Σ δ², N, Σ (2ℓ³ − 3ℓ² + ℓ), Σ ℓ(ℓ − 1), Σ ℓ², Σ ℓ³
    long_gaps: FloatArray  # (articles, 2): Σ (ℓ_h + 1) and how many, gaps ≥ the longest unit
    short_rows: IntArray
    short: FloatArray  # (short_rows, lengths)
    cell_rows: IntArray
    cells: FloatArray  # (cell_rows, lengths)

    @property
    def work(self) -> int:
        """Multiplications per resample for the short gaps (the cheaper of two ways)."""
        lengths = self.short.shape[1]
        return min(
            lengths * (len(self.short_rows) + len(self.cell_rows)),
            len(self.short_rows) * len(self.cell_rows),
        )


def _rows_of(
    at: IntArray, columns: IntArray, values: FloatArray, width: int
) -> tuple[IntArray, FloatArray]:
    """``values`` summed into a table of the articles in ``at`` (rows) by ``columns``."""
    rows, inverse = np.unique(at, return_inverse=True)
    flat = np.bincount(inverse * width + columns, weights=values, minlength=len(rows) * width)
    table: FloatArray = flat.astype(np.float64).reshape(len(rows), width)
    return rows, table


def _terms(units: list[tuple[IntArray, IntArray]], continuum: Continuum) -> _Terms | None:
    starts, length, articles = continuum.starts, continuum.length, continuum.articles

    def article_of(positions: IntArray) -> IntArray:
        found: IntArray = np.searchsorted(starts, positions, side="right") - 1
        return found

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
                delta += np.bincount(article_of(begins_of), weights=share, minlength=articles)

    def per_article(values: FloatArray, at: IntArray = where) -> FloatArray:
        summed: FloatArray = np.bincount(at, weights=values, minlength=articles).astype(np.float64)
        return summed

    additive = np.column_stack(
        [
            delta,
            per_article(np.ones_like(lengths)),
            per_article(2 * lengths**3 - 3 * lengths**2 + lengths),
            per_article(lengths * (lengths - 1)),
            per_article(lengths**2),
            per_article(lengths**3),
        ]
    )
    found = [gaps_of(b, e, length) for b, e in units]
    gap_at = article_of(np.concatenate([g[0] for g in found]))
    gap_lengths = np.concatenate([g[1] for g in found]).astype(np.float64)
    long = gap_lengths >= lengths.max()
    long_gaps = np.column_stack(
        [
            per_article(gap_lengths[long] + 1, gap_at[long]),
            per_article(np.ones(int(long.sum())), gap_at[long]),
        ]
    )
    short_at, short_lengths = gap_at[~long], gap_lengths[~long]
    top = short_lengths.max() if len(short_lengths) else 0.0
    grid = np.unique(lengths[lengths <= top])
    # A short gap reaches the grid lengths up to its own: (ℓ_h + 1) and 1 are summed from
    # there down by a cumulative sum from the right, then Σ (ℓ_h + 1) − length · Σ 1.
    # (A gap shorter than every unit reaches none and is left out.)
    reach = np.searchsorted(grid, short_lengths, side="right") - 1
    some = reach >= 0
    short_at, short_lengths, reach = short_at[some], short_lengths[some], reach[some]
    short_rows, plus = _rows_of(short_at, reach, short_lengths + 1, len(grid))
    _, count = _rows_of(short_at, reach, np.ones_like(short_lengths), len(grid))
    plus = np.cumsum(plus[:, ::-1], axis=1)[:, ::-1]
    count = np.cumsum(count[:, ::-1], axis=1)[:, ::-1]
    on_grid = lengths <= top
    cell_rows, cells = _rows_of(
        where[on_grid], np.searchsorted(grid, lengths[on_grid]), lengths[on_grid] ** 2, len(grid)
    )
    short = plus - grid[None, :] * count
    return _Terms(additive, long_gaps, short_rows, short, cell_rows, cells)


def _short_pairs(terms: _Terms, single: NDArray[np.float32]) -> FloatArray:
    """Σ over units g and gaps h shorter than the longest unit, ℓ_h ≥ ℓ_g, of
    w_g w_h ℓ_g² (ℓ_h − ℓ_g + 1), for every resample. In single precision: the sums, up to
    about 10⁹, lose nothing that shows in α_U's third decimal."""
    short, cells = terms.short_rows, terms.cell_rows
    if not (len(short) and len(cells) and terms.short.shape[1]):
        return np.zeros(len(single))
    if len(short) * len(cells) <= terms.short.shape[1] * (len(short) + len(cells)):
        # Articles × articles: Σ over pairs (a, b) of w_a w_b Σ_k short[a, k] cells[b, k].
        joint = (terms.short @ terms.cells.T).astype(np.float32)
        reached = single[:, short] @ joint
        pairs: FloatArray = np.einsum("ra,ra->r", reached, single[:, cells], dtype=np.float64)
        return pairs
    reach = single[:, short] @ terms.short.astype(np.float32)
    units = single[:, cells] @ terms.cells.astype(np.float32)
    pairs = np.einsum("rk,rk->r", reach, units, dtype=np.float64)
    return pairs


def _disagreements(
    totals: FloatArray, length: FloatArray, pairs: FloatArray, m: int
) -> tuple[FloatArray, FloatArray]:
    """D_O and D_E of every resample from its sums of the per-article terms (``totals``: the
    six of ``additive`` and the two of ``long_gaps``), its length and the short-gap pairs."""
    delta, n, cubic, square_less, squares, cubes, long_plus, long_count = totals.T
    pairs = pairs + squares * long_plus - cubes * long_count
    observed = 2 * delta / (m * (m - 1) * length**2)
    numerator = (n - 1) * cubic / 3 + pairs
    denominator = m * length * (m * length - 1) - square_less
    expected = np.divide(
        2 * numerator,
        length * denominator,
        out=np.zeros_like(numerator),
        where=(n > 0) & (denominator > 0),
    )
    return observed, expected


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
    if resamples * sum(t.work for t in terms.values()) > MAX_WORK:
        slow = Interval(None, articles, "too many articles and unit lengths to resample")
        return dict.fromkeys(codes, slow), slow
    weights = draws(articles, resamples, seed)
    single = weights.astype(np.float32)
    lengths = np.diff(np.append(continuum.starts, continuum.length)).astype(np.float64)
    # Every code's per-article sums in one product (the weights are read once, not per code).
    table = np.hstack(
        [lengths[:, None]] + [np.hstack([t.additive, t.long_gaps]) for t in terms.values()]
    )
    sums = weights @ table
    length = sums[:, 0]
    disagreement = {
        code: _disagreements(
            sums[:, 1 + 8 * k : 9 + 8 * k], length, _short_pairs(t, single), coders
        )
        for k, (code, t) in enumerate(terms.items())
    }
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
