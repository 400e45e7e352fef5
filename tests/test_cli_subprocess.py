"""The installed command in a real process: exit codes, stdout JSON, stderr one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def annotator(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANNOTATOR_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_real_process_creates_lists_and_fails_cleanly(tmp_path: Path) -> None:
    project = tmp_path / "study.annotator"
    created = annotator("new", project, "--demo", home=tmp_path)
    assert created.returncode == 0, created.stderr
    listing = annotator("documents", project, "--json", home=tmp_path)
    assert listing.returncode == 0
    assert len(json.loads(listing.stdout)) == 8
    failed = annotator("import", tmp_path / "missing.annotator", tmp_path, home=tmp_path)
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [
        "Error: missing.annotator: no such project (make one with 'annotator new')"
    ]
    assert failed.stdout == ""
