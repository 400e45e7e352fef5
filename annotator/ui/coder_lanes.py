"""Who coded what, at a glance: a colour per coder, stripe lanes per coder, and their legend.

In blind mode (the default) the reader draws one stripe lane per code. With every coder shown
and more than one coder in the article, each code gets a lane per coder who used it, side by
side (so a passage one coder coded and another did not shows as a stripe beside a gap), and
each stripe carries a mark in its coder's colour; the legend says which colour is whose.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import NamedTuple

from PySide6.QtWidgets import QLabel, QWidget

from annotator.ui.controller import Controller

#: A stripe lane: a code, and the coder whose passages it shows (None: every coder shown).
LaneKey = tuple[int, int | None]
#: Pixels of the stripe margin beside its lanes.
MARGIN_PADDING = 10

# Strong, mutually distinct colours (the codes' colours are pastels, so the marks stand out).
PALETTE = (
    "#1F77B4",
    "#D62728",
    "#2CA02C",
    "#9467BD",
    "#FF7F0E",
    "#8C564B",
    "#E377C2",
    "#17BECF",
    "#7F7F7F",
    "#BCBD22",
)


def coder_colors(coder_ids: Iterable[int]) -> dict[int, str]:
    """A colour per coder, by the order of their ids: the same coder keeps the same colour
    in every article and every session of a project."""
    return {coder: PALETTE[i % len(PALETTE)] for i, coder in enumerate(sorted(set(coder_ids)))}


def stripe_lanes(controller: Controller) -> list[LaneKey]:
    """The open article's stripe lanes, nearest the text first.

    One lane per code used (in codebook order); with every coder shown and several coders in
    the article, one lane per code and coder who used it, a code's lanes side by side.
    """
    used = controller.summary.counts
    codes = [code.id for code in controller.codebook.codes() if code.id in used]
    document_id = controller.document_id
    if not controller.show_all_coders or document_id is None or not codes:
        return [(code, None) for code in codes]
    rows = controller.project.codings.counts_by_document_coder_code(document_ids=[document_id])
    pairs = {(code, coder) for _, coder, code, _ in rows}
    coders = sorted({coder for _, coder in pairs})
    if len(coders) <= 1:
        return [(code, None) for code in codes]
    return [(code, coder) for code in codes for coder in coders if (code, coder) in pairs]


#: The stripe margin never takes more than this share of the reader, nor more than
#: MAX_MARGIN pixels: the text keeps most of the width however many lanes there are.
MAX_MARGIN_SHARE = 0.25
MAX_MARGIN = 200
#: Lanes are narrowed down to this pitch (a lane and its gap, in pixels) before they are
#: packed into one lane per coder.
MIN_PITCH = 4


class LaneFit(NamedTuple):
    """Where each lane key is drawn (lane index, nearest the text first), how many lanes
    there are and their pitch in pixels."""

    lanes: dict[LaneKey, int]
    count: int
    pitch: int


def margin_room(reader_width: int) -> int:
    """The pixels the stripe lanes may take in a reader this wide."""
    return max(0, min(int(reader_width * MAX_MARGIN_SHARE), MAX_MARGIN) - MARGIN_PADDING)


def fit_lanes(lanes: dict[LaneKey, int], count: int, room: int, pitch: int) -> LaneFit:
    """Lanes that fit in ``room`` pixels: at their full ``pitch`` if they fit; else narrowed;
    else, with lanes by coder, one lane per coder holding all of that coder's codes (their
    colours stacked). What still does not fit is left out, farthest from the text first."""
    if count * pitch <= room:
        return LaneFit(lanes, count, pitch)
    if count and room // count >= MIN_PITCH:
        return LaneFit(lanes, count, room // count)
    coders = sorted({coder for _, coder in lanes if coder is not None})
    if coders and len(coders) < count:
        packed = {key: coders.index(key[1]) for key in lanes if key[1] is not None}
        narrowed = min(pitch, room // len(coders))
        return LaneFit(packed, len(coders), max(narrowed, MIN_PITCH))
    return LaneFit(lanes, count, MIN_PITCH)


def legend_html(names: dict[int, str], lanes: Iterable[LaneKey]) -> str:
    """The legend of the coders whose lanes are drawn ("" when lanes are by code only)."""
    shown = sorted({coder for _, coder in lanes if coder is not None})
    if not shown:
        return ""
    colors = coder_colors(names)
    items = " &nbsp; ".join(
        f"<span style='color:{colors.get(c, PALETTE[0])}'>■</span> {html.escape(names.get(c, '?'))}"
        for c in shown
    )
    return f"Coders: {items}"


class CoderLegend(QLabel):
    """A line naming the colour of each coder shown, hidden when only one coder is shown."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setContentsMargins(4, 0, 4, 0)
        self.setWordWrap(True)  # many coders take lines, not the window's width
        self.setToolTip(
            "With all coders shown, each coder's passages have their own stripe lanes, "
            "marked in the coder's colour"
        )
        controller.documentOpened.connect(lambda _: self.refresh())
        controller.visibilityChanged.connect(self.refresh)
        controller.coderChanged.connect(self.refresh)
        controller.changed.connect(lambda _: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        names = {coder.id: coder.name for coder in self.controller.project.coders.all()}
        text = legend_html(names, stripe_lanes(self.controller))
        self.setText(text)
        self.setVisible(bool(text))
