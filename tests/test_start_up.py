"""What a command loads before it starts: not pandas, which sqlite_utils would import only to
map pandas' types (0.2 to 0.4 s of every start), while pandas still works when an export
asks for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _loaded_after(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.strip()


def test_the_commands_start_without_pandas() -> None:
    code = (
        "import sys\nimport annotator.cli.main\nimport annotator.services.imports\n"
        "print('pandas' in sys.modules)"
    )
    assert _loaded_after(code) == "False"


def test_pandas_is_there_when_asked_for_after_the_storage_loaded() -> None:
    code = (
        "import annotator.storage\nimport pandas\nimport sqlite_utils.db\n"
        "print(pandas.DataFrame({'a': [1]}).shape, sqlite_utils.db.pd is None)"
    )
    assert _loaded_after(code) == "(1, 1) True"
