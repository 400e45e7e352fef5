"""What the README's set-up and the agreement command's help promise matches the code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from click.testing import CliRunner

from annotator.cli.agreement_options import LEVEL_CHOICES
from annotator.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent


def test_agreement_help_describes_every_level() -> None:
    result = CliRunner().invoke(cli, ["agreement", "--help"], terminal_width=200)
    assert result.exit_code == 0
    help_text = " ".join(result.output.split())
    for level in LEVEL_CHOICES:
        assert f"{level}:" in help_text, level


def test_readme_lists_every_level() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [x for x in readme.splitlines() if x.startswith("| `annotator agreement PROJECT")]
    listed = re.search(r"--level ([a-z\\|]+)\]", line)
    assert listed is not None
    assert set(listed.group(1).split("\\|")) == set(LEVEL_CHOICES)


def test_first_setup_command_installs_the_spss_stata_extra() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    [stats] = [
        name
        for name, packages in extras.items()
        if any("pyreadstat" in p for p in packages) and name != "test"
    ]
    first = next(x for x in readme.splitlines() if x.startswith("python3 -m venv"))
    assert f'-e ".[{stats}]"' in first
    assert first.endswith(".venv/bin/annotator")


def test_ci_runs_the_readmes_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("# 2. Install what the tests need and run them\n", 1)[1]
    command = block.splitlines()[0]
    assert command == "python3 tests/run_all.py"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"exec {command}" in ci.splitlines()
