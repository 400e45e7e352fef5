"""Chart files: a matplotlib figure written as PNG (at a chosen resolution), SVG or PDF
through the one output writer (:func:`annotator.io.output.open_output`).

The figure is built by :mod:`annotator.analysis.charts` (pure); writing it is a file for
another program, so it lives here: the rules about where output may go stay in one place.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.analysis.chart_fonts import GLYPH_NOISE, needs_outlines
from annotator.domain.errors import BadFileError, UserError
from annotator.io.output import Protected, check_output, open_output

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_SUFFIXES = (".png", ".svg", ".pdf")
MIN_DPI = 30
MAX_DPI = 2400
_FORMATS = {suffix: suffix[1:] for suffix in CHART_SUFFIXES}

# Text stays text in SVG (editable, searchable) and TrueType in PDF (journals refuse Type 3
# fonts; only glyphs of a CFF font, which TrueType cannot carry, make a PDF use Type 3).
# Both are rcParams, read while saving: changed only for the save and only under this lock,
# so two saves in two threads never see each other's settings.
_SAVE_SETTINGS = {"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "annotator"}
_SAVE_LOCK = threading.Lock()


def save_chart(figure: Figure, path: Path, dpi: int = 300, *, protect: Protected = ()) -> None:
    """Write ``figure`` to ``path`` as PNG (at ``dpi``), SVG or PDF, told by the suffix:
    all or nothing, never onto a project (``protect`` names the project the chart was made
    from)."""
    path = Path(path)
    kind = check_chart(path, dpi, protect=protect)
    matplotlib = _matplotlib()
    # No dates in the files: the same chart saved twice is the same bytes.
    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "svg": {"Date": None},
        "pdf": {"CreationDate": None},
    }
    settings = dict(_SAVE_SETTINGS)
    if kind == "pdf" and needs_outlines(figure):
        settings["pdf.fonttype"] = 3  # a CFF font (Noto Sans CJK) would come out blank as 42
    with (
        _SAVE_LOCK,
        matplotlib.rc_context(settings),
        warnings.catch_warnings(),
        open_output(path, binary=True, protect=protect) as handle,
    ):
        # matplotlib warns once per character no font draws; the caller reports those in
        # one line (annotator.analysis.chart_fonts.glyph_warning) instead.
        warnings.filterwarnings("ignore", GLYPH_NOISE, UserWarning)
        figure.savefig(handle, format=kind, dpi=dpi, metadata=metadata[kind])


def check_chart(path: Path, dpi: int = 300, *, protect: Protected = ()) -> str:
    """The format (``png``, ``svg``, ``pdf``) a chart written to ``path`` at ``dpi`` would
    have, or a :class:`UserError` saying why it cannot be written there; nothing is written.
    Use it to refuse before the work, as :func:`save_chart` does again."""
    path = Path(path)
    kind = _FORMATS.get(path.suffix.lower())
    if kind is None:
        raise BadFileError(path, "is not a chart file: name it .png, .svg or .pdf")
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise UserError(
            f"{dpi} dots per inch is not a resolution for a chart ({MIN_DPI} to {MAX_DPI})"
        )
    check_output(path, protect)
    return kind


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:  # a figure came from somewhere, but be plain about it all the same
        raise UserError(
            "charts need the optional package matplotlib: pip install 'annotator[analysis]'"
        ) from None
    return matplotlib
