"""The README's worked example of `annotator analyze`: its commands run as shown, print what
the README shows, write the charts they name, and the chart image the README shows exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
SECTION = "### Analysis: code frequencies and co-occurrence"


def _section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(SECTION)
    end = readme.index("\n### ", start + len(SECTION))
    return readme[start:end]


def _example() -> list[tuple[list[str], list[str]]]:
    """The worked example's commands, each with the output lines the README shows."""
    text = _section()
    block = text[text.index("A worked example") :]
    steps: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("    $ "):
            steps.append((shlex.split(line[len("    $ ") :]), []))
        elif line.startswith("    ") and steps:
            steps[-1][1].append(line[4:])
        elif steps and line.strip():
            break
    return steps


def test_the_readme_chart_exists_and_is_a_small_png() -> None:
    images = re.findall(r"!\[[^\]]+\]\((resources/readme/[^)]+)\)", _section())
    assert images == ["resources/readme/frequencies-by-outlet.png"]
    image = ROOT / images[0]
    data = image.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) < 150_000


def test_the_worked_example_runs_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    steps = _example()
    assert [command[:3] for command, _ in steps] == [
        ["annotator", "new", "study.annotator"],
        ["annotator", "analyze", "frequencies"],
        ["annotator", "analyze", "frequencies"],
        ["annotator", "analyze", "cooccurrence"],
    ]
    for command, shown in steps:
        result = run(*command[1:])
        assert result.exit_code == 0, result.output
        printed = [" ".join(line.split()) for line in result.output.splitlines()]
        for line in shown:
            if line.strip() != "…":
                assert " ".join(line.split()) in printed, (command, line)
    for name in ("frequencies-by-outlet.png", "shares.svg", "shares.xlsx", "pairs.pdf"):
        assert (tmp_path / name).stat().st_size > 0
