"""Finding a model's quote in the article: the span of the stored text it quotes, or nothing.

A quote is looked for verbatim first. Failing that, it is looked for with both sides
normalised: every run of white space (line breaks, tabs, no-break and ideographic spaces)
read as one space, the quote's own leading and trailing space left out, every double
quotation mark (" “ ” „ ‟ « » 「 」 『 』 ＂ …) read as ", every single one and apostrophe
(' ‘ ’ ‚ ‛ ‹ › ′ ʼ ` ´ ＇) as ', "…" as "...", and each character compared in Unicode NFC
(an "é" typed as one code point finds "e" + a combining accent). A match found so is mapped
back to the exact code-point span of the stored text, always whole grapheme clusters: a match
that would cut an emoji's skin tone or a letter's accent off is no match. Nothing else is
tried: a quote not found so is dropped and counted, never guessed.

A text may hold a quote several times. Each quote takes the first place, in the text's
order, that the same code has not taken already in this reply: the model coding a repeated
sentence twice with one code codes both places; coding it with two codes puts both on the
first. A quote whose every place is taken by its code is dropped as repeated. Each quote's
places are searched once per reply and walked in order, so a reply repeating a short quote
thousands of times costs what its places do, not their square.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

import regex

from annotator.domain.graphemes import cluster_at
from annotator.services.machine.llm.schema import Dropped, Passage

__all__ = ["Located", "Locator", "Placed", "place_passages"]

DOUBLE_QUOTES = '"“”„‟«»「」『』〝〞＂'
SINGLE_QUOTES = "'‘’‚‛‹›′ʼ`´＇"
_NORMALISED = {**dict.fromkeys(DOUBLE_QUOTES, '"'), **dict.fromkeys(SINGLE_QUOTES, "'")}
_NORMALISED["…"] = "..."
_SPECIAL = regex.escape(DOUBLE_QUOTES + SINGLE_QUOTES + "…")
_TOKEN = regex.compile(rf"(\s+)|([{_SPECIAL}])|([^\s{_SPECIAL}]+)")
_CLUSTER = regex.compile(r"\X")


@dataclass(frozen=True)
class Located:
    """Where a quote is: ``[start, end)`` in code points of the stored text, and whether it
    was found verbatim or only normalised."""

    start: int
    end: int
    exact: bool


def _normalise(text: str) -> str:
    """``text`` as the normalised search compares it (the quote's side)."""
    return "".join(piece for piece, _, _, _ in _pieces(text)).strip(" ")


def _pieces(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """The normalised text in pieces: (piece, start, end in ``text``, linear), where a
    linear piece maps code point to code point and any other is taken whole."""
    for match in _TOKEN.finditer(text):
        space, mark, run = match.groups()
        start, end = match.span()
        if space is not None:
            yield " ", start, end, False
        elif mark is not None:
            yield _NORMALISED[mark], start, end, False
        elif run is not None:
            composed = unicodedata.normalize("NFC", run)
            if composed == run:
                yield run, start, end, True
            else:  # a character composes: each grapheme cluster is a piece of its own
                for cluster in _CLUSTER.finditer(run):
                    low, high = start + cluster.start(), start + cluster.end()
                    yield unicodedata.normalize("NFC", cluster.group()), low, high, False


@dataclass
class _Normalised:
    text: str
    starts: list[int]  # where each piece starts in the normalised text
    spans: list[tuple[int, int]]  # each piece's span in the stored text
    linear: list[bool]

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The stored text's span of the normalised ``[start, end)``, or None when that cuts
        a piece that is not linear (part of a run of spaces, of "…", of a cluster)."""
        first = bisect_right(self.starts, start) - 1
        last = bisect_right(self.starts, end - 1) - 1
        if self.linear[first]:
            low = self.spans[first][0] + start - self.starts[first]
        elif start == self.starts[first]:
            low = self.spans[first][0]
        else:
            return None
        piece_end = self.starts[last + 1] if last + 1 < len(self.starts) else len(self.text)
        if self.linear[last]:
            high = self.spans[last][0] + end - self.starts[last]
        elif end == piece_end:
            high = self.spans[last][1]
        else:
            return None
        return low, high


def _occurrences(haystack: str, needle: str) -> Iterator[int]:
    position = haystack.find(needle)
    while position >= 0:
        yield position
        position = haystack.find(needle, position + 1)


class Locator:
    """Finds quotes in one article's text (the normalised copy is made once, when first
    needed)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._normalised: _Normalised | None = None
        self._places: dict[str, tuple[list[Located], Iterator[Located]]] = {}

    def _whole(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` cuts no grapheme cluster of the text."""
        text = self.text
        return (start == 0 or cluster_at(text, start)[0] == start) and (
            end == len(text) or cluster_at(text, end)[0] == end
        )

    def normalised(self) -> _Normalised:
        if self._normalised is None:
            pieces, starts, spans, linear = [], [], [], []
            size = 0
            for piece, start, end, is_linear in _pieces(self.text):
                pieces.append(piece)
                starts.append(size)
                spans.append((start, end))
                linear.append(is_linear)
                size += len(piece)
            self._normalised = _Normalised("".join(pieces), starts, spans, linear)
        return self._normalised

    def places(self, quote: str) -> Iterator[Located]:
        """Every place of ``quote``: its verbatim occurrences in order, then those of its
        normalised form that are not among them."""
        found: set[tuple[int, int]] = set()
        quote = quote.strip()
        if quote:
            for start in _occurrences(self.text, quote):
                end = start + len(quote)
                if self._whole(start, end):
                    found.add((start, end))
                    yield Located(start, end, True)
        needle = _normalise(quote)
        if not needle:
            return
        normalised = self.normalised()
        for position in _occurrences(normalised.text, needle):
            span = normalised.span(position, position + len(needle))
            if span is not None and span not in found and self._whole(*span):
                found.add(span)
                yield Located(span[0], span[1], False)

    def place(self, quote: str, number: int) -> Located | None:
        """The ``number``-th place of ``quote`` (from 0, in the order of :meth:`places`),
        or None; the places are searched once, as far as asked."""
        found, rest = self._places.setdefault(quote, ([], self.places(quote)))
        while len(found) <= number:
            following = next(rest, None)
            if following is None:
                return None
            found.append(following)
        return found[number]

    def locate(self, quote: str, taken: Collection[tuple[int, int]] = ()) -> Located | None:
        """The first place of ``quote`` not in ``taken``, or None."""
        return next(
            (place for place in self.places(quote) if (place.start, place.end) not in taken), None
        )


@dataclass(frozen=True)
class Placed:
    """A passage found in the text: its code path, span and reason."""

    code: str
    start: int
    end: int
    reason: str
    exact: bool


@dataclass
class Placement:
    """The passages of a reply placed in an article, and the quotes dropped."""

    placed: list[Placed] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)


def place_passages(text: str, passages: Collection[Passage]) -> Placement:
    """Each passage's quote located in ``text`` (see the module's rules); those not found
    are dropped with their reason."""
    locator = Locator(text)
    taken: dict[str, set[tuple[int, int]]] = {}
    # Where each (code, quote) looks next: the places before it are taken by that code, and
    # a code's places taken only grow.
    cursors: dict[tuple[str, str], int] = {}
    result = Placement()
    for passage in passages:
        if not _normalise(passage.quote):
            result.dropped.append(Dropped("quote", f"an empty quote for {passage.code!r}"))
            continue
        codes_taken = taken.setdefault(passage.code, set())
        key = (passage.code, passage.quote)
        number = cursors.get(key, 0)
        place = locator.place(passage.quote, number)
        while place is not None and (place.start, place.end) in codes_taken:
            number += 1
            place = locator.place(passage.quote, number)
        cursors[key] = number
        if place is None:
            shown = passage.quote if len(passage.quote) <= 60 else passage.quote[:59] + "…"
            repeated = locator.place(passage.quote, 0) is not None
            why = "every place of it is already coded" if repeated else "not found in the article"
            result.dropped.append(Dropped("quote", f"{shown!r} ({passage.code}): {why}"))
            continue
        codes_taken.add((place.start, place.end))
        result.placed.append(
            Placed(passage.code, place.start, place.end, passage.reason, place.exact)
        )
    return result
