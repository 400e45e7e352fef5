"""The rule of an exclusive dimension.

The codes of an exclusive dimension exclude each other on a passage: one coder gives no two
of them to overlapping passages of an article. A whole-article coding
is a judgement about the whole article and covers every character of it (as agreement reads
it), so when one coder gives an article one of an exclusive dimension's codes as a
whole-article coding, that coder can give the article no other code of the dimension: not a
second one as a whole (say Subsistence and Political as the article's motive), and not one on
a passage either — both contradict the first, and agreement would read them as a category of
their own. Every route that makes codings (the window, ``codings import``, merge, consensus)
asks :func:`exclusive_clashes` (both ways of breaking the rule) before it writes, and
``check`` reports what an older project holds as errors.

Changing the codebook can break the rule too, without any new coding: making a dimension
exclusive, merging a code into one of an exclusive dimension, moving a code under one. Those
routes ask :func:`exclusive_clashes` about the dimension's codings as they would be, and
refuse with :class:`ExclusiveRuleError`.
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
        if not self.passages:
            return (
                f"{self.what(codebook, article, coder)}, but '{dimension}' is exclusive (an "
                "article takes one of its codes as a whole)"
            )
        return (
            f"{self.what(codebook, article, coder)}, but '{dimension}' is exclusive (a "
            "whole-article coding covers the article, so no other of its codes fits anywhere in it)"
        )

    def what(self, codebook: Codebook, article: str, coder: str) -> str:
        """The article, the coder and the codes, without the rule they break."""
        if not self.passages:
            codes = _named(codebook, self.codes)
            return f"'{article}', coder {coder}: {codes} both as whole-article codings"
        whole = (
            f"{_named(codebook, self.codes)} as a whole-article coding"
            if len(self.codes) == 1
            else f"{_named(codebook, self.codes)} as whole-article codings"
        )
        where = "on a passage" if len(self.passages) == 1 else "on passages"
        return f"'{article}', coder {coder}: {whole} and {_named(codebook, self.passages)} {where}"


@dataclass(frozen=True)
class PassageOverlap:
    """One coder gave two codes of an exclusive dimension to overlapping passages of one
    article; ``start``–``end`` is where they overlap."""

    document_id: int
    coder_id: int
    dimension_id: int
    codes: tuple[int, int]
    start: int
    end: int

    def describe(self, codebook: Codebook, article: str, coder: str) -> str:
        """One line naming the article, the coder, the codes, where, and the dimension."""
        dimension = codebook.get(self.dimension_id).name
        return (
            f"{self.what(codebook, article, coder)}, but '{dimension}' is exclusive (a passage "
            "takes one of its codes)"
        )

    def what(self, codebook: Codebook, article: str, coder: str) -> str:
        """The article, the coder, the codes and where, without the rule they break."""
        return (
            f"'{article}', coder {coder}: {_named(codebook, self.codes)} overlap at "
            f"{self.start}–{self.end}"
        )


#: Either way an exclusive dimension's rule is broken.
ExclusiveClash = WholeArticleClash | PassageOverlap


def _named(codebook: Codebook, codes: tuple[int, ...]) -> str:
    return " and ".join(f"'{codebook.path(code)}'" for code in codes)


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


class ExclusiveClashError(ConflictError):
    """Codings that would break an exclusive dimension's rule: beside a whole-article coding
    of one of its codes another of its codes, or two of its codes on overlapping passages."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


#: The name the error had when it covered whole-article codings only.
WholeArticleClashError = ExclusiveClashError


def refuse_whole_article_clashes(
    codebook: Codebook,
    codings: Iterable[tuple[int, int, int, int | None]],
    article: Callable[[int], str],
    coder: Callable[[int], str],
) -> None:
    """Raise :class:`ExclusiveClashError` naming every clash among ``codings`` (see
    :func:`whole_article_clashes`); ``article`` and ``coder`` give names for ids."""
    clashes = whole_article_clashes(codebook, codings)
    if clashes:
        raise ExclusiveClashError(
            [c.describe(codebook, article(c.document_id), coder(c.coder_id)) for c in clashes]
        )


def refuse_exclusive_clashes(
    codebook: Codebook,
    codings: Iterable[tuple[int, int, int, int | None, int | None]],
    article: Callable[[int], str],
    coder: Callable[[int], str],
) -> None:
    """Raise :class:`ExclusiveClashError` naming every clash among ``codings``, given as
    ``(document, coder, code, start, end)`` (see :func:`exclusive_clashes`: whole-article
    clashes and overlapping passages); ``article`` and ``coder`` give names for ids. Give
    every coding of the articles and coders concerned."""
    clashes = exclusive_clashes(codebook, codings)
    if clashes:
        raise ExclusiveClashError(
            [c.describe(codebook, article(c.document_id), coder(c.coder_id)) for c in clashes]
        )


def passage_overlaps(
    codebook: Codebook, codings: Iterable[tuple[int, int, int, int | None, int | None]]
) -> list[PassageOverlap]:
    """Two different codes of one exclusive dimension on overlapping passages by one coder in
    one article, among codings given as ``(document, coder, code, start, end)``; one finding
    per pair of passages, in order of article, coder and position. Whole-article codings and
    codes the codebook does not have are ignored."""
    passages: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
    for document, coder, code, start, end in codings:
        if start is None or end is None or code not in codebook:
            continue
        dimension = codebook.dimension_of(code)
        if dimension.exclusive and dimension.id != code:
            passages.setdefault((document, coder, dimension.id), []).append((start, end, code))
    found = []
    for key, spans in sorted(passages.items()):
        spans.sort()
        for i, (_start, end, code) in enumerate(spans):
            for other_start, other_end, other in spans[i + 1 :]:
                if other_start >= end:
                    break  # sorted by start: no later passage reaches back into this one
                if other != code:
                    found.append(
                        PassageOverlap(*key, (code, other), other_start, min(end, other_end))
                    )
    return found


def exclusive_clashes(
    codebook: Codebook, codings: Iterable[tuple[int, int, int, int | None, int | None]]
) -> list[ExclusiveClash]:
    """Every way the codings, given as ``(document, coder, code, start, end)``, break the
    rule of an exclusive dimension: :func:`whole_article_clashes` and
    :func:`passage_overlaps`, by article and coder."""
    given = list(codings)
    clashes: list[ExclusiveClash] = [
        *whole_article_clashes(codebook, ((d, c, k, s) for d, c, k, s, _ in given)),
        *passage_overlaps(codebook, given),
    ]
    return sorted(clashes, key=lambda c: (c.document_id, c.coder_id, c.dimension_id))


class ExclusiveRuleError(ConflictError):
    """A change to the codebook that would leave an exclusive dimension's codings breaking its
    rule; nothing is changed. ``refusal`` says what cannot be done and where codings clash
    ("'Motive' cannot be made exclusive: its codings clash"); the message adds in how many
    places and names the first few (article, coder, codes)."""

    SHOWN = 3

    def __init__(self, refusal: str, problems: list[str]) -> None:
        self.refusal = refusal
        self.problems = problems
        places = "1 place" if len(problems) == 1 else f"{len(problems)} places"
        shown = "; ".join(problems[: self.SHOWN])
        more = f" (and {len(problems) - self.SHOWN} more)" if len(problems) > self.SHOWN else ""
        super().__init__(
            f"{refusal} in {places} — {shown}{more}; remove one coding of each clash first "
            "(nothing was changed)"
        )
