"""The bar above the article's text while machine suggestions are shown
(:mod:`annotator.ui.machine.suggestions`): whose suggestions, how many, those for the whole
article, the current one, and a warning where the machine was trained on another coder's
codings of this article (which blind mode otherwise hides)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QWidget

from annotator.domain.codebook import Codebook
from annotator.domain.model import Coder
from annotator.services.machine import suggestions as sg

#: A model's reason is one sentence by contract, but nothing holds a model to it: the bar
#: shows this many characters of it, the tooltip and the status line a few more.
BAR_REASON = 120
LABEL_REASON = 500
#: Suggestions for the whole article named in the bar (the rest counted).
BAR_WHOLE = 4


def short_line(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters (an ellipsis marks the cut)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def confidence_text(value: float | None) -> str:
    return "no confidence given" if value is None else f"confidence {value:.2f}"


class SuggestionBar(QLabel):
    """The line above the text naming whose suggestions are shown, how many, those for the
    whole article and the current one; hidden while suggestions are off."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionBar")
        self.setWordWrap(True)
        self.setContentsMargins(6, 2, 6, 2)
        self.setStyleSheet(
            "QLabel#suggestionBar { background: #F3F0FA; border-top: 1px dashed #8069B8; "
            "border-bottom: 1px dashed #8069B8; }"
        )
        self.hide()

    def show_suggestions(
        self,
        title: str,
        items: Sequence[sg.Suggestion],
        current_id: int | None,
        codebook: Codebook,
        learned_from: Sequence[Coder],
        machine: str,
        hint: str,
    ) -> None:
        """Show the suggestions ``items`` from ``title`` (``current_id``: the current one's
        coding), warning that ``machine`` was trained on the codings of ``learned_from`` in
        this article (none: no warning); ``hint`` says the keys."""
        count = len(items)
        parts = [
            f"<b>Suggestions from {html.escape(title)}</b>: "
            f"{count if count else 'none'} in this article"
        ]
        whole = [s for s in items if s.coding.start is None]
        if whole:
            named = whole[:BAR_WHOLE]
            current_whole = next((s for s in whole if s.coding.id == current_id), None)
            if current_whole is not None and current_whole not in named:
                named[-1] = current_whole
            names = ", ".join(
                ("▶ " if s.coding.id == current_id else "")
                + html.escape(codebook.path(s.code_id) if s.code_id in codebook else "?")
                + (f" {s.confidence:.2f}" if s.confidence is not None else "")
                for s in named
            )
            if len(whole) > len(named):
                names += f" and {len(whole) - len(named)} more"
            parts.append(f"for the whole article: {names}")
        current = next((s for s in items if s.coding.id == current_id), None)
        if current is not None:
            index = items.index(current) + 1
            path = codebook.path(current.code_id) if current.code_id in codebook else "?"
            reason = short_line(current.reason or "", BAR_REASON)
            parts.append(
                f"now {index} of {count}: <b>{html.escape(path)}</b>"
                f" ({confidence_text(current.confidence)})"
                + (f" — “{html.escape(reason)}”" if reason else "")
            )
        text = " · ".join(parts)
        if learned_from:
            who = ", ".join(f"{c.name}'s" for c in learned_from)
            text += (
                f"<br><b>⚠ {html.escape(machine)} was trained on "
                f"{html.escape(who, quote=False)} codings of this article</b>: here its "
                "suggestions repeat them, which blind mode otherwise hides."
            )
        text += f"<br><span style='color:#555'>{html.escape(hint)}.</span>"
        self.setText(text)
        self.show()
