"""The review's passages as text: each coder's version of a difference, the part every coder
has plain, the part only some have marked, the part this coder lacks greyed; short excerpts
for the table. Offsets are code points (Python indices) throughout."""

from __future__ import annotations

import html
from collections.abc import Sequence
from itertools import pairwise

from annotator.services.consensus import Difference

Span = tuple[int, int]

#: A common stretch longer than this is shown as its beginning and end.
LONG = 120
#: Marks: the part only some coders have (highlighted and underlined), and what a coder lacks.
ONLY_STYLE = "background-color:#ffe08a;text-decoration:underline;font-weight:600"
LACKS_STYLE = "color:#9a9a9a"


def excerpt(text: str, spans: Sequence[Span], whole: bool = False, width: int = 60) -> str:
    """A passage in words for a table cell: whole if short, else its first words and as many
    of its last ones (where boundaries usually differ) as fit in about ``width`` characters."""
    if whole:
        return "whole article"
    if not spans:
        return "—"
    parts = []
    for start, end in spans:
        words = text[start:end].split()
        shown = " ".join(words)
        if len(shown) > width and len(words) > 3:
            head = " ".join(words[:2])
            tail: list[str] = []
            for word in reversed(words[2:]):
                if tail and len(head) + len(" ".join([word, *tail])) + 3 > width:
                    break
                tail.insert(0, word)
            shown = f"{head} … {' '.join(tail)}"
        parts.append(f"“{shown}”")
    return "; ".join(parts)


def _covers(spans: Sequence[Span], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _piece(text: str, style: str | None, elide: bool) -> str:
    if elide and len(text) > LONG:  # its first and last words
        head = text[: LONG // 2].rsplit(" ", 1)[0]
        tail = text[-(LONG // 2) :].split(" ", 1)[-1]
        text = f"{head} … {tail}"
    escaped = html.escape(" ".join(text.split("\n")))
    return f'<span style="{style}">{escaped}</span>' if style else escaped


def compared_html(text: str, item: Difference, names: Sequence[str]) -> str:
    """One row per coder: the difference's stretch of text as that coder coded it."""
    rows = []
    if item.whole:
        for name, has in zip(names, item.whole, strict=True):
            what = (
                f'<span style="{ONLY_STYLE}">codes the whole article</span>'
                if has
                else f'<span style="{LACKS_STYLE}">does not code the whole article</span>'
            )
            rows.append(
                f"<b>{html.escape(name)}</b>: {what} with <i>{html.escape(item.code_path)}</i>"
            )
        return "<br>".join(rows)
    extent = item.extent
    if extent is None:
        return "<i>Nobody codes this passage any more.</i>"
    cuts = sorted({extent[0], extent[1], *(p for side in item.sides for s in side for p in s)})
    pieces = [(a, b) for a, b in pairwise(cuts) if a < b]
    for name, own in zip(names, item.sides, strict=True):
        out = []
        for start, end in pieces:
            mine = _covers(own, start, end)
            everyone = all(_covers(side, start, end) for side in item.sides)
            if everyone:
                out.append(_piece(text[start:end], None, True))
            elif mine:
                out.append(_piece(text[start:end], ONLY_STYLE, False))
            else:
                out.append(_piece(text[start:end], LACKS_STYLE, True))
        note = "" if own else f' <span style="{LACKS_STYLE}">(does not code it)</span>'
        rows.append(f"<p><b>{html.escape(name)}</b>{note}: {''.join(out)}</p>")
    legend = (
        f'<p style="{LACKS_STYLE}">Plain: every coder has it · '
        f'<span style="{ONLY_STYLE}">marked</span>: only some coders have it · grey: this coder '
        "does not</p>"
    )
    return "".join(rows) + legend
