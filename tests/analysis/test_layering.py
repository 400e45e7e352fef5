"""annotator/analysis is pure: plain values in, results and figures out. It imports the domain
and nothing above it — writing a chart file is io's (annotator.io.chart_files)."""

from __future__ import annotations

from pathlib import Path

from tests.test_lint import _imported_modules

ROOT = Path(__file__).resolve().parents[2]
ABOVE = ("annotator.io", "annotator.storage", "annotator.services", "annotator.cli", "annotator.ui")


def test_analysis_imports_nothing_above_the_domain() -> None:
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "annotator" / "analysis").rglob("*.py")
        for module in _imported_modules(path)
        if module.startswith(ABOVE)
    )
    assert offenders == []
