"""The rule of an exclusive dimension for whole-article codings.

The codes of an exclusive dimension exclude each other on a passage. A whole-article coding
is a judgement about the whole article and covers every character of it (as agreement reads
it), so when one coder gives an article one of an exclusive dimension's codes as a
whole-article coding, that coder can give the article no other code of the dimension: not a
second one as a whole (say Subsistence and Political as the article's motive), and not one on
a passage either — both contradict the first, and agreement would read them as a category of
their own. Every route that makes codings (the window, ``codings import``, merge, consensus)
asks :func:`whole_article_clashes` before it writes, and ``check`` reports what an older
project holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from annotator.domain.codebook import Codebook
from annotator.domain.errors import ConflictError


@dataclass(frozen=True)
class WholeArticleClash:
    """One coder gave one article a code of an exclusive dimension as a whole-article coding
    and another code of it too: ``codes`` are the whole-article ones, ``passages`` the other
    codes given only on passages (ids, in codebook order)."""

    document_id: int
    coder_id: int
    dimension_id: int
    codes: tuple[int, ...]
    passages: tuple[int, ...] = ()

    def describe(self, codebook: Codebook, article: str, coder: str) -> str:
        """One line naming the article, the coder, the dimension and the codes."""
        dimension = codebook.get(self.dimension_id).name

        def named(codes: tuple[int, ...]) -> str:
            return " and ".join(f"'{codebook.path(code)}'" for code in codes)

        if not self.passages:
            return (
                f"'{article}', coder {coder}: {named(self.codes)} both as whole-article codings, "
                f"but '{dimension}' is exclusive (an article takes one of its codes as a whole)"
            )
        whole = (
            f"{named(self.codes)} as a whole-article coding"
            if len(self.codes) == 1
            else f"{named(self.codes)} as whole-article codings"
        )
        where = "on a passage" if len(self.passages) == 1 else "on passages"
        return (
            f"'{article}', coder {coder}: {whole} and {named(self.passages)} {where}, but "
            f"'{dimension}' is exclusive (a whole-article coding covers the article, so no "
            "other of its codes fits anywhere in it)"
        )


def whole_article_clashes(
    codebook: Codebook, codings: Iterable[tuple[int, int, int, int | None]]
) -> list[WholeArticleClash]:
    """The clashes among codings given as ``(document, coder, code, start)`` (``start`` None
    for a whole-article coding): a coder's whole-article coding of an exclusive dimension's
    code beside any other code of that dimension in the article, whole or on a passage. Give
    every coding of the articles and coders concerned, passages included; codes outside
    exclusive dimensions and codes the codebook does not have are ignored."""
    whole: dict[tuple[int, int, int], set[int]] = {}
    passages: dict[tuple[int, int, int], set[int]] = {}
    for document, coder, code, start in codings:
        if code not in codebook:
            continue
        dimension = codebook.dimension_of(code)
        if dimension.exclusive and dimension.id != code:
            given = whole if start is None else passages
            given.setdefault((document, coder, dimension.id), set()).add(code)
    order = {code.id: k for k, code in enumerate(codebook.walk())}
    found = []
    for key, codes in sorted(whole.items()):
        others = passages.get(key, set()) - codes
        if len(codes) > 1 or others:
            found.append(
                WholeArticleClash(
                    *key,
                    tuple(sorted(codes, key=order.__getitem__)),
                    tuple(sorted(others, key=order.__getitem__)),
                )
            )
    return found


class WholeArticleClashError(ConflictError):
    """Codings that would give an article, beside a whole-article coding of an exclusive
    dimension's code, another code of that dimension."""

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
