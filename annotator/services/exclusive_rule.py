"""Codebook changes that would break an exclusive dimension's rule are refused.

Every route that makes codings keeps the rule (:mod:`annotator.domain.exclusive`); a change to
the codebook can break it without a new coding: making a dimension exclusive (``codebook
import``, the codebook editor), merging a code into a code of an exclusive dimension, moving a
code under one. Each of those makes its change inside a transaction, then calls
:func:`refuse_clashes`, which raises (and so rolls the change back) when the dimension's
codings, as they now are, clash.
"""

from __future__ import annotations

from collections.abc import Collection

from annotator.domain.exclusive import ExclusiveRuleError, exclusive_clashes
from annotator.domain.model import Coding
from annotator.storage import Project


def refuse_clashes(
    project: Project,
    dimension_id: int,
    refusal: str,
    *,
    among: Collection[tuple[int, int]] | None = None,
) -> None:
    """Raise :class:`ExclusiveRuleError` (``refusal`` first) when the codings of the
    dimension, read now, break its rule: a whole-article code beside another of its codes, or
    two of its codes on overlapping passages, by one coder in one article. ``among`` limits
    the look to these (article, coder) pairs — those the change moved codings into. Call it
    inside the transaction that made the change."""
    tree = project.codebook.tree()
    if not tree.get(dimension_id).exclusive:
        return
    codings = [
        (c.document_id, c.coder_id, c.code_id, c.start, c.end)
        for code in tree.walk(dimension_id)
        for c in project.codings.for_code(code.id)
        if among is None or (c.document_id, c.coder_id) in among
    ]
    clashes = exclusive_clashes(tree, codings)
    if not clashes:
        return
    articles: dict[int, str] = {}
    coders: dict[int, str] = {}
    problems = []
    for clash in clashes:
        if clash.document_id not in articles:
            articles[clash.document_id] = project.documents.get(clash.document_id).name
        if clash.coder_id not in coders:
            coders[clash.coder_id] = project.coders.get(clash.coder_id).name
        problems.append(clash.what(tree, articles[clash.document_id], coders[clash.coder_id]))
    raise ExclusiveRuleError(refusal, problems)


def drop_clashing(project: Project, dimension_id: int, brought: set[int]) -> list[Coding]:
    """Delete those of the ``brought`` codings (ids: the codings a merge or move just put into
    the dimension) that clash with the dimension's other codings of the same coder and
    article, and return them: the choice that keeps the rule and the codings already there.
    Call it inside the transaction that made the change, before :func:`refuse_clashes`
    (which still refuses when brought codings clash among themselves)."""
    tree = project.codebook.tree()
    if not tree.get(dimension_id).exclusive:
        return []
    groups: dict[tuple[int, int], list[Coding]] = {}
    for code in tree.walk(dimension_id):
        for coding in project.codings.for_code(code.id):
            groups.setdefault((coding.document_id, coding.coder_id), []).append(coding)
    dropped = []
    for codings in groups.values():
        stay = [_row(c) for c in codings if c.id not in brought]
        for coding in codings:
            if coding.id in brought and exclusive_clashes(tree, [*stay, _row(coding)]):
                dropped.append(project.codings.delete(coding.id))
    return dropped


def _row(coding: Coding) -> tuple[int, int, int, int | None, int | None]:
    return (coding.document_id, coding.coder_id, coding.code_id, coding.start, coding.end)


def coded_pairs(project: Project, code_ids: list[int]) -> set[tuple[int, int]]:
    """The (article, coder) pairs that hold codings of these codes."""
    return {
        (c.document_id, c.coder_id) for code in code_ids for c in project.codings.for_code(code)
    }
