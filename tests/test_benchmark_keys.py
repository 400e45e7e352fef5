"""The README's benchmark tables describe exactly the keys the benchmark can print.

``run.py --keys`` lists them from the KEYS sets its modules define (measuring nothing); the
smoke test (tests/test_benchmarks_smoke.py) holds a quick run's output to that list.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "benchmarks" / "run.py"


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
        check=False,
    )


def listed_keys() -> list[str]:
    result = _run("--keys")
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def readme_rows() -> list[list[str]]:
    """The cells of every table row of the README's "## Benchmarks" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Benchmarks\n", 1)[1].split("\n## ", 1)[0]
    return [
        [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        for line in section.splitlines()
        if line.startswith("| `")
    ]


def test_keys_are_listed_sorted_and_once() -> None:
    keys = listed_keys()
    assert keys == sorted(set(keys))
    assert {"open_ratio", "sizes", "bundle_size_mb", "bundle_start_s"} <= set(keys)


def test_readme_tables_describe_exactly_the_listed_keys() -> None:
    described = [row[0].strip("`") for row in readme_rows()]
    listed = listed_keys()
    assert sorted(described) == listed, (
        f"not in the README: {sorted(set(listed) - set(described))}; "
        f"not printed by run.py: {sorted(set(described) - set(listed))}; "
        f"described twice: {sorted({k for k in described if described.count(k) > 1})}"
    )


def test_every_row_says_what_is_measured_its_unit_and_target() -> None:
    rows = readme_rows()
    assert rows
    for row in rows:
        assert len(row) == 4, row
        _key, what, unit, target = row
        assert len(what) > 10, row
        assert unit, row
        assert target == "—" or "(issue" in target, row


def test_only_refuses_a_key_that_does_not_exist() -> None:
    result = _run("--only", "open_ratio,no_such_key_ms")
    assert result.returncode == 2
    assert "no such key: no_such_key_ms" in result.stderr
    assert result.stdout == ""
