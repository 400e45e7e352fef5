"""Document text: the two normalisations applied on import, hashing, span rules."""

from __future__ import annotations

import hashlib

from annotator.domain.errors import InvalidSpanError
from annotator.domain.graphemes import snap_to_clusters_and_words

BOM = "\ufeff"


def normalise_text(text: str) -> str:
    """Remove a leading byte-order mark and turn every line ending into ``\\n``.

    These are the only changes made to an article's text; everything else is kept as imported
    so that offsets agree with the source file.
    """
    if text.startswith(BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_sha256(text: str) -> str:
    """The SHA-256 of the text encoded as UTF-8: the identity of a document's content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_span(start: int | None, end: int | None, length: int) -> None:
    """Refuse a span that is not inside ``[0, length]`` or is empty.

    ``start`` and ``end`` both ``None`` is an article-level coding and always valid.
    """
    if start is None and end is None:
        return
    if start is None or end is None:
        raise InvalidSpanError("a span needs both a start and an end (or neither, for the article)")
    if start < 0 or end > length:
        raise InvalidSpanError(
            f"span {start}–{end} lies outside the text, which has {length} characters"
        )
    if end <= start:
        raise InvalidSpanError(f"span {start}–{end} is empty: the end must come after the start")


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words and drop surrounding white space.

    A selection that starts or ends inside a word takes the whole word (apostrophes and hyphens
    inside words count as word characters), and never cuts a user-perceived character (a
    letter with its combining accent, an emoji with its skin tone): see
    :mod:`annotator.domain.graphemes`. A span of only white space comes back empty.
    """
    return snap_to_clusters_and_words(text, start, end)
