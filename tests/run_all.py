"""Install what the tests need and run them all: the README's second command and `.ci/run`.

    python3 tests/run_all.py [pytest options]

1. `.venv` with the test extra (`pip install -e ".[test]"`);
2. the tests run on what users run: every package a plain `pip install -e .` resolves must be
   at the same version in `.venv` (pip resolves the plain install afresh, as a dry run);
3. pytest, with the options given;
4. irrCAC, which pins scipy 1.12 and so numpy < 2, in an environment of its own
   (`.venv-irrcac`, the `irrcac` extra): only the tests marked `irrcac` run there.

Exits with the first failing step's status. Uses only the standard library: it runs on the
system's Python before anything is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / ".venv"
ORACLE = ROOT / ".venv-irrcac"


def python_of(environment: Path) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return environment / folder / ("python.exe" if os.name == "nt" else "python")


def step(title: str, *command: str | Path) -> None:
    print(f"== {title}", flush=True)
    status = subprocess.call([str(part) for part in command], cwd=ROOT)
    if status != 0:
        print(f"== failed ({status}): {title}", file=sys.stderr, flush=True)
        sys.exit(status)


def environment(folder: Path, extra: str) -> Path:
    """A virtual environment at ``folder`` (made if missing) with ``.[extra]`` installed."""
    if not python_of(folder).exists():
        venv.create(folder, with_pip=True)
    python = python_of(folder)
    step(
        f"install .[{extra}] into {folder.name}",
        python,
        "-m",
        "pip",
        "install",
        "-q",
        "-e",
        f".[{extra}]",
    )
    return python


def installed_versions(python: Path) -> dict[str, str]:
    listing = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {_key(row["name"]): row["version"] for row in json.loads(listing)}


def plain_install_versions(python: Path) -> dict[str, str]:
    """What `pip install -e .` resolves today in an empty environment (a dry run)."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "plain.json"
        step(
            "resolve the plain install (dry run)",
            python,
            "-m",
            "pip",
            "install",
            "-q",
            "--dry-run",
            "--ignore-installed",
            "--report",
            report,
            "-e",
            ".",
        )
        resolved = json.loads(report.read_text(encoding="utf-8"))["install"]
    return {
        _key(item["metadata"]["name"]): item["metadata"]["version"]
        for item in resolved
        if _key(item["metadata"]["name"]) not in SEEDED
    }


#: Not compared: annotator itself, and what a new virtual environment already holds (a plain
#: install keeps the venv's pip, which sqlite-utils asks for; the dry run, ignoring what is
#: installed, would name the newest).
SEEDED = {"annotator", "pip", "setuptools", "wheel"}


def _key(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def same_versions(python: Path) -> None:
    """Fail if the test extra moved any package the plain install resolves."""
    plain = plain_install_versions(python)
    here = installed_versions(python)
    moved = {
        name: (version, here.get(name, "missing"))
        for name, version in sorted(plain.items())
        if here.get(name) != version
    }
    if moved:
        for name, (theirs, ours) in moved.items():
            print(f"   {name}: plain install {theirs}, test environment {ours}", file=sys.stderr)
        print("== failed: the test extra changes versions users get", file=sys.stderr)
        sys.exit(1)
    print(f"== {len(plain)} packages of the plain install at the same versions", flush=True)


def main(arguments: list[str]) -> None:
    python = environment(MAIN, "test")
    same_versions(python)
    step("pytest", python, "-m", "pytest", *arguments)
    oracle = environment(ORACLE, "irrcac")
    step(
        "the irrCAC comparisons",
        oracle,
        "-m",
        "pytest",
        "-m",
        "irrcac",
        "-p",
        "no:cacheprovider",
        "tests/agreement",
    )


if __name__ == "__main__":
    main(sys.argv[1:])
