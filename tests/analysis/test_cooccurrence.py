"""Co-occurrence on hand-made codings whose pairs are counted by eye."""

from __future__ import annotations

from annotator.analysis.cooccurrence import Placed, Within, cooccurrence

ROWS = ["A", "B", "C"]


def _counts(result: object) -> dict[tuple[str, str], int]:
    return {(p.code_a, p.code_b): p.count for p in result.pairs}  # type: ignore[attr-defined]


def test_passages_pair_when_they_share_a_character() -> None:
    codings = [
        Placed("A", 1, 1, 0, 10),
        Placed("B", 1, 1, 9, 20),  # shares character 9 with A
        Placed("C", 1, 1, 10, 15),  # touches A at 10 (half-open: no shared character), inside B
        Placed("C", 1, 2, 0, 10),  # another coder: never pairs with coder 1
        Placed("A", 2, 1, 0, 5),  # another article
        Placed("B", 2, 1, 5, 8),  # adjacent only
    ]
    result = cooccurrence(codings, ROWS, Within.PASSAGE)
    assert _counts(result) == {("A", "B"): 1, ("A", "C"): 0, ("B", "C"): 1}
    assert all(p.jaccard is None for p in result.pairs)
    assert result.holding == {"A": 2, "B": 2, "C": 2}


def test_a_whole_article_coding_overlaps_every_coding_of_its_coder() -> None:
    codings = [
        Placed("A", 1, 1, None, None),
        Placed("B", 1, 1, 3, 4),
        Placed("B", 1, 1, 30, 40),
        Placed("C", 1, 1, None, None),
        Placed("A", 1, 1, 50, 60),  # same row as the whole-article A: no pair with it
    ]
    result = cooccurrence(codings, ROWS, Within.PASSAGE)
    # whole A with: B, B, whole C; whole C with: B, B, A(50-60)
    assert _counts(result) == {("A", "B"): 2, ("A", "C"): 2, ("B", "C"): 2}


def test_article_level_counts_article_coder_pairs_and_jaccard() -> None:
    codings = [
        Placed("A", 1, 1, 0, 5),
        Placed("A", 1, 1, 7, 9),  # twice in one article: still one (article, coder) pair
        Placed("B", 1, 1, 50, 60),
        Placed("A", 1, 2, 0, 5),
        Placed("B", 2, 1, None, None),
        Placed("C", 2, 1, 0, 3),
        Placed("Z", 2, 1, 0, 3),  # not a chosen row
    ]
    result = cooccurrence(codings, ROWS, Within.ARTICLE)
    assert _counts(result) == {("A", "B"): 1, ("A", "C"): 0, ("B", "C"): 1}
    jaccard = {(p.code_a, p.code_b): p.jaccard for p in result.pairs}
    # A held by (1,1), (1,2); B by (1,1), (2,1); C by (2,1)
    assert jaccard[("A", "B")] == 1 / 3
    assert jaccard[("A", "C")] == 0
    assert jaccard[("B", "C")] == 1 / 2
    assert result.holding == {"A": 2, "B": 2, "C": 1}


def test_rows_never_applied_have_no_jaccard() -> None:
    result = cooccurrence([Placed("A", 1, 1, 0, 3)], ["A", "B", "C"], Within.ARTICLE)
    jaccard = {(p.code_a, p.code_b): p.jaccard for p in result.pairs}
    assert jaccard == {("A", "B"): 0.0, ("A", "C"): 0.0, ("B", "C"): None}
