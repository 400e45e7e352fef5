"""`annotator codebook versions` / `codebook tag`, and `--codebook-version` on agreement and
export: the log and tags as text and JSON, and one-line errors for an unknown version."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.test_cli import assert_one_line_error, demo_path, run

__all__ = ["demo_path"]


def test_tag_then_versions_lists_the_log_and_the_tag(demo_path: Path) -> None:
    result = run("codebook", "tag", demo_path, "v1 pilot", "--note", "pilot round")
    assert result.exit_code == 0, result.output
    assert "'v1 pilot'" in result.stdout
    text = run("codebook", "versions", demo_path)
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith("current version: v1 pilot (")
    assert "added Motive > Political" in text.stdout
    assert "[tag: v1 pilot]" in text.stdout
    data = json.loads(run("codebook", "versions", demo_path, "--json").stdout)
    assert [t["name"] for t in data["tags"]] == ["v1 pilot"]
    assert data["tags"][0]["note"] == "pilot round"
    assert data["changes"][0]["action"] == "baseline"
    assert {c["route"] for c in data["changes"][1:]} == {"new project, codebook codebook.json"}
    found = json.loads(
        run("codebook", "versions", demo_path, "--json", "--find", "Diplomat").stdout
    )
    assert [c["code"] for c in found["changes"]] == ["Actor type > Diplomat"]
    again = run("codebook", "tag", demo_path, "V1 PILOT")
    assert_one_line_error(again, "already a codebook version 'v1 pilot'")


def test_agreement_and_export_limited_to_a_version(demo_path: Path, tmp_path: Path) -> None:
    run("codebook", "tag", demo_path, "v1")
    every = json.loads(run("agreement", demo_path, "--json", "--no-interval").stdout)
    limited = json.loads(
        run("agreement", demo_path, "--json", "--no-interval", "--codebook-version", "v1").stdout
    )
    # The demo's codings were all made under the state v1 names: the same figures.
    assert limited["measures"] == every["measures"]
    assert any("limited to codings made under 'v1'" in w for w in limited["warnings"])
    change = tmp_path / "colour.csv"
    change.write_text("path,color\nMotive,\nMotive > Political,#ABCDEF\n", encoding="utf-8")
    assert run("codebook", "import", demo_path, change).exit_code == 0
    run("codebook", "tag", demo_path, "v2")
    log = json.loads(run("codebook", "versions", demo_path, "--json").stdout)
    assert log["changes"][-1]["route"] == "codebook import colour.csv"
    assert (log["changes"][-1]["field"], log["changes"][-1]["new"]) == ("color", "#ABCDEF")
    # The demo's codings were made under v1's state: v2's range holds none of them.
    empty = run("export", demo_path, "--format", "segments", "--codebook-version", "v2")
    assert empty.exit_code == 0, empty.output
    assert len(list(csv.reader(io.StringIO(empty.stdout)))) == 1  # the header only
    full = run("export", demo_path, "--format", "segments", "--codebook-version", "v1")
    assert len(list(csv.reader(io.StringIO(full.stdout)))) == 172  # 171 codings
    unknown = run("agreement", demo_path, "--codebook-version", "v9")
    assert_one_line_error(unknown, "there is no codebook version 'v9'")
    wrong = run("export", demo_path, "--format", "documents", "--codebook-version", "v2")
    assert_one_line_error(wrong, "not documents")
