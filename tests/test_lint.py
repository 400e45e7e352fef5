"""Style rules that hold the architecture together, checked on every run.

ruff enforces (among others) that PySide6 is imported only under annotator/ui/ (TID251);
mypy checks the core (domain, storage, io, services, cli) in strict mode.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_ruff_check() -> None:
    result = _run("ruff", "check", "annotator", "tests", "packaging")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", "annotator", "tests", "packaging")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_on_the_core() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_qt_is_only_imported_under_ui() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "annotator").rglob("*.py")
        if "ui" not in path.relative_to(ROOT / "annotator").parts[:1]
        and any(
            line.lstrip().startswith(("import PySide6", "from PySide6"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []


FORBIDDEN_IN_IO = ("annotator.services", "annotator.cli", "annotator.ui", "annotator.storage")


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_file_formats_depend_on_the_domain_only() -> None:
    """annotator/io takes plain values from the layer below: it never reaches up into services,
    the command line or the window, and never reads a Project (storage) itself."""
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "annotator" / "io").rglob("*.py")
        for module in _imported_modules(path)
        if module.startswith(FORBIDDEN_IN_IO)
    )
    assert offenders == []
