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


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path) -> None:
    """`annotator documents P --json | head -1`: the pipe closes under a long listing."""
    project = tmp_path / "study.annotator"
    assert annotator("new", project, "--demo", home=tmp_path).returncode == 0
    env = {**os.environ, "ANNOTATOR_HOME": str(tmp_path)}
    listing = subprocess.Popen(
        [sys.executable, "-m", "annotator", "documents", project, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert listing.stdout is not None
    assert listing.stderr is not None
    listing.stdout.close()  # the reader goes away before the listing is written
    with listing.stderr:
        stderr = listing.stderr.read().decode()
    assert listing.wait(timeout=120) == 0, stderr
    assert "Broken pipe" not in stderr
    assert "Traceback" not in stderr
