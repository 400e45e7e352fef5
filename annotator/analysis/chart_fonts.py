"""Fonts for chart labels in any script: Latin, Cyrillic and Greek (DejaVu Sans), Chinese,
Japanese and Korean, Arabic, Hebrew, emoji.

matplotlib (3.6 and later) draws each character with the first font of a list of families
that has it. :func:`families` builds that list from the fonts installed, and
:func:`apply_fonts` gives it to every text of one figure, its future tick labels included —
never to matplotlib's global settings, so a figure built here changes no other.

What no installed font draws is told in one line (:func:`glyph_warning`), naming the script
and a font package to install, instead of matplotlib's warning per missing character
(``GLYPH_NOISE``, which a caller drawing a figure silences). Colour emoji fonts cannot be
drawn by matplotlib; a monochrome one (Symbola, Noto Emoji) is used when installed.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Families in the order they are tried: DejaVu Sans (matplotlib's own, always there) first.
PREFERRED = (
    "DejaVu Sans",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Noto Sans CJK HK",
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Noto Sans Symbols",
    "Noto Sans Symbols 2",
    "Noto Emoji",
    "Symbola",
)
#: matplotlib's warning for each character no font of the list has (a regular expression).
GLYPH_NOISE = r"Glyph \d+ .*missing from (current )?font"
FALLBACK = "fonts-noto-core"
_CJK = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "HALFWIDTH")
_CJK_NAME = "Chinese, Japanese or Korean"
# Where fonts for a script come from, by the name Debian, Ubuntu and their relatives use.
PACKAGES = {_CJK_NAME: "fonts-noto-cjk", "emoji": "fonts-symbola"}
_LOCK = threading.Lock()
_refreshed = False


@dataclass(frozen=True)
class Missing:
    """Characters no installed font draws, by script (``{"emoji": "🙂"}``)."""

    scripts: dict[str, str]

    def __bool__(self) -> bool:
        return bool(self.scripts)

    def warning(self) -> str:
        """One line: which characters, of which scripts, and what to install."""
        shown = "; ".join(f"{script} ({chars})" for script, chars in self.scripts.items())
        packages = ", ".join(dict.fromkeys(PACKAGES.get(s, FALLBACK) for s in self.scripts))
        return (
            f"no installed font draws some characters of the chart's labels: {shown}; they "
            f"show as boxes. Install a font for them (on Debian or Ubuntu: {packages})"
        )


def families() -> list[str]:
    """The families of :data:`PREFERRED` that are installed, in that order."""
    return list(_families())


@functools.cache
def _families() -> tuple[str, ...]:
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return tuple(name for name in PREFERRED if name in installed or name == "DejaVu Sans")


def apply_fonts(figure: Figure) -> None:
    """Give every text of ``figure`` (and the tick labels its axes make later) the family
    list. When a label needs a font matplotlib does not know of yet (installed since its
    font list was cached), the system's fonts are read once more first."""
    if _missing(_texts(figure), families()):
        _refresh_fonts()
    chosen = families()
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        text.set_fontfamily(chosen)
    for axes in figure.axes:
        axes.tick_params(labelfontfamily=chosen)


def missing_glyphs(figure: Figure) -> Missing:
    """The characters of ``figure``'s texts that no installed font draws, by script. Tick
    labels are made when a figure is first drawn: ask after saving or drawing it."""
    return Missing(_missing(_texts(figure), families()))


def glyph_warning(figure: Figure) -> str | None:
    """:meth:`Missing.warning` for ``figure``, or ``None`` when every character is drawn."""
    missing = missing_glyphs(figure)
    return missing.warning() if missing else None


def needs_outlines(figure: Figure) -> bool:
    """Whether a text of ``figure`` is drawn with an OpenType font of PostScript (CFF)
    outlines, such as Noto Sans CJK: a PDF cannot embed it as TrueType (Type 42), whose
    glyphs would come out blank, so such a PDF embeds its fonts as outlines (Type 3)."""
    chosen = families()
    paths = _paths(tuple(chosen))
    for char in _characters(_texts(figure)):
        for path in paths:
            if ord(char) in _charmap(path):
                if _is_cff(path):
                    return True
                break
    return False


def script_of(char: str) -> str:
    """The script a character is written in, as a reader names it: ``emoji``, ``Chinese,
    Japanese or Korean``, ``Arabic``, ``Hebrew``, ``Cyrillic``, …"""
    if _is_emoji(char):
        return "emoji"
    name = unicodedata.name(char, "")
    if name.startswith(_CJK) or "CJK" in name:
        return _CJK_NAME
    first = name.split(" ", 1)[0]
    return first.title() if first else f"U+{ord(char):04X}"


def _texts(figure: Figure) -> list[str]:
    from matplotlib.text import Text

    return [text.get_text() for text in figure.findobj(Text)]


def _characters(texts: Iterable[str]) -> set[str]:
    """The visible characters: no spaces, controls, joiners or variation selectors."""
    found = set()
    for text in texts:
        for char in text:
            if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
                continue
            if 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF:
                continue
            found.add(char)
    return found


def _missing(texts: Iterable[str], chosen: list[str]) -> dict[str, str]:
    paths = _paths(tuple(chosen))
    by_script: dict[str, list[str]] = {}
    for char in sorted(_characters(texts)):
        if not any(ord(char) in _charmap(path) for path in paths):
            by_script.setdefault(script_of(char), []).append(char)
    return {script: "".join(chars[:8]) for script, chars in by_script.items()}


@functools.cache
def _paths(chosen: tuple[str, ...]) -> tuple[str, ...]:
    from matplotlib import font_manager

    found = []
    for name in chosen:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=name), fallback_to_default=False
            )
        except ValueError:
            continue
        found.append(str(path))
    return tuple(dict.fromkeys(found))


@functools.cache
def _charmap(path: str) -> frozenset[int]:
    from matplotlib import font_manager

    try:
        return frozenset(font_manager.get_font(path).get_charmap())
    except (OSError, RuntimeError):
        return frozenset()


@functools.cache
def _is_cff(path: str) -> bool:
    """Whether the font matplotlib loads from ``path`` (the first of a collection) has
    PostScript outlines (sfnt version ``OTTO``)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
            if head[:4] == b"ttcf":
                handle.seek(int.from_bytes(head[12:16], "big"))
                head = handle.read(4)
    except OSError:
        return False
    return head[:4] == b"OTTO"


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) == "So" and (
        0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF
    )


def _refresh_fonts() -> None:
    """Add the system's fonts matplotlib's cached list lacks (installed since it was made),
    once per process."""
    global _refreshed
    with _LOCK:
        if _refreshed:
            return
        _refreshed = True
        from matplotlib import font_manager

        manager: Any = font_manager.fontManager
        known = {entry.fname for entry in manager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue  # a font file FreeType cannot read is no font for us
        _families.cache_clear()
        _paths.cache_clear()
