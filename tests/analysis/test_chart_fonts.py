"""Chart labels in any script: the font fallback list built from the fonts installed, applied
to one figure only; one warning line naming the script and the font package instead of
matplotlib's warning per missing character; PDFs whose CJK glyphs would come out blank as
TrueType embed them as outlines. Tests that need a CJK or emoji font skip without one."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib
import pytest

from annotator.analysis import chart_fonts, charts
from annotator.io.chart_files import save_chart

CJK = "中国 日本語 한국어"
EMOJI = "🙂"
ARABIC, HEBREW, CYRILLIC = "العربية", "עברית", "Жизнь"


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    yield
    chart_fonts._families.cache_clear()
    chart_fonts._paths.cache_clear()


def _chart(*names: str) -> Any:
    return charts.bar_chart(
        list(names),
        ["Wire", "Ledger"],
        [[1.0, 2.0]] * len(names),
        colors=["#FFADAD"] * len(names),
        stacked=False,
        title=f"Codings — {names[0]}",
        value_label="Coded segments",
    )


def _drawn_noise(figure: Any) -> list[str]:
    """matplotlib's own warnings while it draws ``figure``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(figure).draw()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def _has(family: str) -> bool:
    return family in chart_fonts.families()


needs_cjk = pytest.mark.skipif(
    not any(
        _has(f) for f in chart_fonts.PREFERRED if "CJK" in f or "WenQuanYi" in f or "Droid" in f
    ),
    reason="no CJK font installed (e.g. fonts-noto-cjk)",
)
needs_emoji = pytest.mark.skipif(
    not (_has("Symbola") or _has("Noto Emoji")),
    reason="no monochrome emoji font installed (e.g. fonts-symbola)",
)


def test_dejavu_first_and_only_installed_families() -> None:
    from matplotlib import font_manager

    chosen = chart_fonts.families()
    assert chosen[0] == "DejaVu Sans"
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    assert set(chosen) <= installed
    assert chosen == [f for f in chart_fonts.PREFERRED if f in chosen]


def test_the_fonts_are_the_figures_not_matplotlibs_settings() -> None:
    before = dict(matplotlib.rcParams)
    figure = _chart("Motive > Economy")
    assert dict(matplotlib.rcParams) == before
    title = figure.axes[0].title
    assert title.get_fontfamily() == chart_fonts.families()
    # tick labels made later, when the figure is drawn, get the list too
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure).draw()
    for label in figure.axes[0].get_yticklabels():
        assert label.get_fontfamily() == chart_fonts.families()


@pytest.mark.parametrize("label", [ARABIC, HEBREW, CYRILLIC, "Ελληνικά", "Café € — ‘x’"])
def test_scripts_dejavu_draws_need_no_other_font(label: str) -> None:
    figure = _chart(label)
    assert _drawn_noise(figure) == []
    assert chart_fonts.glyph_warning(figure) is None


def test_one_warning_line_instead_of_glyph_noise(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Runs everywhere: with DejaVu Sans alone, CJK and emoji have no font."""
    monkeypatch.setattr(chart_fonts, "families", lambda: ["DejaVu Sans"])
    monkeypatch.setattr(chart_fonts, "_refresh_fonts", lambda: None)
    figure = _chart(f"Motive > {CJK}", f"Mood {EMOJI}\ufe0f", f"Actor > {CYRILLIC}")
    # pytest turns every warning into an error: a save that let matplotlib warn per glyph
    # would fail here.
    for suffix in (".png", ".svg", ".pdf"):
        save_chart(figure, tmp_path / f"chart{suffix}", dpi=72)
    warning = chart_fonts.glyph_warning(figure)
    assert warning is not None
    assert "\n" not in warning
    assert "Chinese, Japanese or Korean (" in warning
    assert "中" in warning
    assert "emoji (🙂)" in warning
    assert "fonts-noto-cjk" in warning
    assert "fonts-symbola" in warning
    assert "Cyrillic" not in warning  # DejaVu Sans draws it
    assert "\ufe0f" not in warning  # a variation selector is no character to draw
    missing = chart_fonts.missing_glyphs(figure)
    assert set(missing.scripts) == {"Chinese, Japanese or Korean", "emoji"}


@needs_cjk
def test_cjk_labels_fall_back_to_an_installed_cjk_font(tmp_path: Path) -> None:
    figure = _chart(f"Motive > {CJK}", f"Actor > {CYRILLIC}")
    assert _drawn_noise(figure) == []
    assert chart_fonts.glyph_warning(figure) is None
    save_chart(figure, tmp_path / "chart.svg")
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert CJK in svg  # text stays text, with the family list to draw it
    assert "DejaVu Sans" in svg


@needs_cjk
def test_a_pdf_with_cjk_labels_keeps_its_glyphs(tmp_path: Path) -> None:
    save_chart(_chart(f"Motive > {CJK}"), tmp_path / "cjk.pdf")
    data = (tmp_path / "cjk.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    if chart_fonts.needs_outlines(_chart(CJK)):
        # a CFF font (Noto Sans CJK) embedded as outlines, since TrueType would be blank
        assert b"/Type3" in data
    # Latin alone stays TrueType, as journals ask
    save_chart(_chart("Motive > Economy"), tmp_path / "latin.pdf")
    assert b"/Type3" not in (tmp_path / "latin.pdf").read_bytes()


@needs_cjk
def test_fonts_installed_after_matplotlib_cached_its_list_are_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from matplotlib import font_manager

    # As if every fallback font's files were installed after matplotlib cached its list.
    fallbacks = {f for f in chart_fonts.families() if f != "DejaVu Sans"}
    files = {e.fname for e in font_manager.fontManager.ttflist if e.name in fallbacks}
    stale = [e for e in font_manager.fontManager.ttflist if e.fname not in files]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    monkeypatch.setattr(chart_fonts, "_refreshed", False)
    chart_fonts._families.cache_clear()
    chart_fonts._paths.cache_clear()
    font_manager.fontManager._findfont_cached.cache_clear()
    assert chart_fonts.families() == ["DejaVu Sans"]
    figure = _chart(f"Motive > {CJK}")
    assert chart_fonts.glyph_warning(figure) is None
    assert len(chart_fonts.families()) > 1
    font_manager.fontManager._findfont_cached.cache_clear()


@needs_emoji
def test_emoji_fall_back_to_a_monochrome_font() -> None:
    figure = _chart(f"Mood {EMOJI}")
    assert _drawn_noise(figure) == []
    assert chart_fonts.glyph_warning(figure) is None


@pytest.mark.parametrize(
    ("char", "script"),
    [
        ("中", "Chinese, Japanese or Korean"),
        ("あ", "Chinese, Japanese or Korean"),
        ("한", "Chinese, Japanese or Korean"),
        ("ا", "Arabic"),
        ("ע", "Hebrew"),
        ("Ж", "Cyrillic"),
        ("🙂", "emoji"),
        ("☺", "emoji"),
        ("ก", "Thai"),
    ],
)
def test_script_names(char: str, script: str) -> None:
    assert chart_fonts.script_of(char) == script
