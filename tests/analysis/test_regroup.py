"""The array crosstab and co-occurrence equal the plain ones (:func:`crosstab` and
:func:`cooccurrence`, checked by hand in their own tests) on any tallies and codings."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.analysis.cooccurrence import Placed, Within, cooccurrence
from annotator.analysis.crosstab import Tally, crosstab
from annotator.analysis.regroup import cooccurrence_of, crosstab_of

ROWS = ["A", "B", "C"]
GROUPS = ["x", "y", "z", "w"]

tallies = st.lists(
    st.tuples(
        st.integers(-1, len(ROWS) - 1),  # -1: a code the table does not count
        st.integers(-1, len(GROUPS) - 1),  # -1: a group it leaves out (a coder not chosen)
        st.integers(0, 12),  # article
        st.integers(0, 4),  # segments (0: emptied by removals)
        st.integers(0, 500),  # characters
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(tallies)
def test_equals_the_plain_crosstab(found: list[tuple[int, int, int, int, int]]) -> None:
    columns = np.array(found, dtype=np.int64).reshape(len(found), 5)
    in_group = {"x": 5, "y": 0, "z": 3}  # w is not named: it has 0 articles
    table = crosstab_of(*(columns[:, i] for i in range(5)), ROWS, GROUPS, in_group)
    plain = crosstab(
        [
            Tally(ROWS[r], GROUPS[g], a, s, c)
            for r, g, a, s, c in found
            if r >= 0 and g >= 0 and s > 0
        ],
        ROWS,
        {**in_group, "w": 0},
    )
    assert table == plain


def test_no_tallies_gives_zeros() -> None:
    empty = np.zeros(0, np.int64)
    table = crosstab_of(empty, empty, empty, empty, empty, ["A"], ["x"], {"x": 2})
    assert table.cells == ()
    assert table.row_totals["A"].segments == 0
    assert table.group_totals["x"].articles == 0
    assert table.total.articles == 0
    assert table.articles_in_group == {"x": 2}


codings = st.lists(
    st.tuples(
        st.integers(-1, len(ROWS) - 1),  # row (-1: a code not counted)
        st.integers(0, 3),  # article
        st.integers(0, 1),  # coder
        st.one_of(st.none(), st.tuples(st.integers(0, 30), st.integers(1, 12))),  # span
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(codings, st.sampled_from(list(Within)))
def test_cooccurrence_equals_the_plain_one(
    found: list[tuple[int, int, int, tuple[int, int] | None]], within: Within
) -> None:
    rows_of = np.array([r for r, _, _, _ in found], np.int64)
    units = np.array([2 * a + c for _, a, c, _ in found], np.int64)
    starts = np.array([-1 if s is None else s[0] for *_, s in found], np.int64)
    ends = np.array([-1 if s is None else s[0] + s[1] for *_, s in found], np.int64)
    table = cooccurrence_of(rows_of, units, starts, ends, ROWS, within)
    plain = cooccurrence(
        [
            Placed(ROWS[r], a, c, None if s is None else s[0], None if s is None else s[0] + s[1])
            for r, a, c, s in found
            if r >= 0
        ],
        ROWS,
        within,
    )
    assert table == plain
