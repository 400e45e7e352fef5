"""Code colours: validation, legibility under black text, and a default palette."""

from __future__ import annotations

import re

from annotator.domain.errors import UserError

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")

# Pastels whose contrast with black text is at least 9:1 (WCAG relative luminance).
PALETTE = (
    "#FFD6A5",
    "#CAFFBF",
    "#9BF6FF",
    "#BDB2FF",
    "#FFC6FF",
    "#FDFFB6",
    "#A0C4FF",
    "#FFADAD",
    "#D0F4DE",
    "#E4C1F9",
    "#F1C0E8",
    "#B9FBC0",
)


def normalise_color(value: str) -> str:
    """Return ``#RRGGBB`` in upper case, or raise if the value is not such a colour."""
    value = value.strip()
    if not _HEX.match(value):
        raise UserError(f"colour {value!r} is not of the form #RRGGBB")
    return value.upper()


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of ``#RRGGBB``."""
    channels = []
    for i in (1, 3, 5):
        c = int(color[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_black(color: str) -> float:
    """WCAG contrast ratio of black text on this background (1 to 21)."""
    return (relative_luminance(color) + 0.05) / 0.05


def next_color(used: set[str]) -> str:
    """The first palette colour not yet in use (cycling when all are)."""
    taken = {c.upper() for c in used}
    for color in PALETTE:
        if color not in taken:
            return color
    return PALETTE[len(taken) % len(PALETTE)]
