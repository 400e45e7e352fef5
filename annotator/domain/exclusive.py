"""The rule of an exclusive dimension for whole-article codings.

The codes of an exclusive dimension exclude each other on a passage. A whole-article coding
is a judgement about the whole article, so one coder may give an article at most one of an
exclusive dimension's codes as a whole-article coding: two (say Subsistence and Political as
the article's motive) contradict each other, and agreement would read them as a category of
their own. Every route that makes codings (the window, ``codings import``, merge) asks
:func:`whole_article_clashes` before it writes, and ``check`` reports what an older project
holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from annotator.domain.codebook import Codebook
from annotator.domain.errors import ConflictError


@dataclass(frozen=True)
class WholeArticleClash:
    """One coder gave one article two or more codes of one exclusive dimension as
    whole-article codings (``codes`` by id, in codebook order)."""

    document_id: int
    coder_id: int
    dimension_id: int
    codes: tuple[int, ...]

    def describe(self, codebook: Codebook, article: str, coder: str) -> str:
        """One line naming the article, the coder, the dimension and the codes."""
        dimension = codebook.get(self.dimension_id).name
        codes = " and ".join(f"'{codebook.path(code)}'" for code in self.codes)
        return (
            f"'{article}', coder {coder}: {codes} both as whole-article codings, but "
            f"'{dimension}' is exclusive (an article takes one of its codes as a whole)"
        )


def whole_article_clashes(
    codebook: Codebook, codings: Iterable[tuple[int, int, int, int | None]]
) -> list[WholeArticleClash]:
    """The clashes among codings given as ``(document, coder, code, start)`` (``start`` None
    for a whole-article coding; span codings and codes outside exclusive dimensions are
    ignored, as are codes the codebook does not have)."""
    given: dict[tuple[int, int, int], set[int]] = {}
    for document, coder, code, start in codings:
        if start is not None or code not in codebook:
            continue
        dimension = codebook.dimension_of(code)
        if dimension.exclusive and dimension.id != code:
            given.setdefault((document, coder, dimension.id), set()).add(code)
    order = {code.id: k for k, code in enumerate(codebook.walk())}
    return [
        WholeArticleClash(document, coder, dimension, tuple(sorted(codes, key=order.__getitem__)))
        for (document, coder, dimension), codes in sorted(given.items())
        if len(codes) > 1
    ]


class WholeArticleClashError(ConflictError):
    """Codings that would give an article two codes of an exclusive dimension as a whole."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


def refuse_whole_article_clashes(
    codebook: Codebook,
    codings: Iterable[tuple[int, int, int, int | None]],
    article: Callable[[int], str],
    coder: Callable[[int], str],
) -> None:
    """Raise :class:`WholeArticleClashError` naming every clash among ``codings`` (see
    :func:`whole_article_clashes`); ``article`` and ``coder`` give names for ids."""
    clashes = whole_article_clashes(codebook, codings)
    if clashes:
        raise WholeArticleClashError(
            [c.describe(codebook, article(c.document_id), coder(c.coder_id)) for c in clashes]
        )
