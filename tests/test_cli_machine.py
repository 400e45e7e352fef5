"""``annotator machine list`` and ``machine runs``; machine coders refused where a person
codes (``--coder``) and in merges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.services.machine import (
    MachineCoding,
    add_machine,
    finish_run,
    start_run,
    write_article,
)
from annotator.services.machine.runs import runs_listing
from annotator.storage import Project
from tests.test_cli import assert_one_line_error, run

TEMPLATE = "You code news articles.\nCodebook: {codebook}\n<article>{article}</article>"


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


@pytest.fixture
def with_runs(demo_path: Path) -> Path:
    with Project.open(demo_path) as project:
        gemma = add_machine(
            project,
            "Gemma",
            "llm",
            url="http://127.0.0.1:11434/v1",
            model="gemma3:4b",
            api_key_env="GEMMA_KEY",
        )
        add_machine(project, "Learner", "classifier")
        for replicate in (1, 2):
            made = start_run(
                project,
                gemma,
                document_ids=[1, 2],
                prompt_template=TEMPLATE,
                settings=gemma.settings,
                replicate=replicate,
                replicate_group="request-1",
                unvalidated=True,
                model_version="sha256:9f8e7d6c5b4a",
            )
            write_article(project, made, 1, [MachineCoding(7, 0, 10, 0.8)], tokens=(120, 30))
            write_article(project, made, 2, [], status="failed", reason="HTTP 500", tokens=(9, 0))
            finish_run(project, made, "done")
    return demo_path


def test_no_machines_and_no_runs_yet(demo_path: Path) -> None:
    listed = run("machine", "list", demo_path)
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.startswith("no machines yet")
    runs = run("machine", "runs", demo_path)
    assert runs.exit_code == 0
    assert runs.stdout.strip() == "no machine runs yet"
    assert json.loads(run("machine", "runs", demo_path, "--json").stdout) == []


def test_machine_runs_lists_each_run(with_runs: Path) -> None:
    result = run("machine", "runs", with_runs)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "run",
        "machine",
        "kind",
        "model",
        "version",
        "started",
        "ended",
        "status",
        "articles",
        "codings",
        "dropped",
        "tokens",
        "validated",
    ]
    with Project.open(with_runs, read_only=True) as project:
        runs = project.machine.runs()
    assert len(lines) == 1 + len(runs) == 3
    for line, made in zip(lines[1:], runs, strict=True):
        assert line.startswith(made.guid[:8] + "  Gemma")
        assert "gemma3:4b" in line
        assert "sha256:9f8e7" in line
        assert "1/2 (1 failed)" in line
        assert line.endswith("UNVALIDATED")
        assert " 159 " in line  # tokens: 120 + 30 + 9
    assert "Gemma (replicate 2)" in lines[2]


def test_machine_runs_json_holds_everything_a_run_records(with_runs: Path) -> None:
    result = run("machine", "runs", with_runs, "--json")
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    with Project.open(with_runs, read_only=True) as project:
        assert listing == json.loads(json.dumps(runs_listing(project)))
    first = listing[0]
    assert first["prompt_template"] == TEMPLATE
    assert len(first["prompt_sha256"]) == 64
    assert len(first["codebook_hash"]) == 64
    assert isinstance(first["codebook_version"], int)
    assert first["settings"]["temperature"] == 0
    assert first["app_version"]
    assert first["started_at"]
    assert first["ended_at"]
    assert (first["replicate"], listing[1]["replicate"]) == (1, 2)
    assert first["replicate_group"] == listing[1]["replicate_group"] == "request-1"
    assert first["coder"] == "Gemma"
    assert listing[1]["coder"] == "Gemma (replicate 2)"
    assert first["counts"]["articles_done"] == 1
    assert first["counts"]["articles_failed"] == 1
    assert first["failed_articles"][0]["reason"] == "HTTP 500"
    assert first["unvalidated"] is True


def test_machine_list_names_the_key_variable_never_a_key(
    with_runs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMMA_KEY", "sk-very-secret")
    for arguments in ((), ("--json",)):
        result = run("machine", "list", with_runs, *arguments)
        assert result.exit_code == 0, result.output
        assert "GEMMA_KEY" in result.stdout
        assert "sk-very-secret" not in result.output
    listing = json.loads(run("machine", "list", with_runs, "--json").stdout)
    assert [(m["name"], m["kind"]) for m in listing] == [
        ("Gemma", "llm"),
        ("Learner", "classifier"),
    ]
    assert listing[0]["url"] == "http://127.0.0.1:11434/v1"
    assert listing[0]["allow_remote"] is False
    assert listing[0]["remote_consent"] is None
    plain = run("machine", "list", with_runs).stdout.splitlines()
    assert plain[0].split() == ["machine", "kind", "url", "model", "key", "from", "remote"]
    assert "no (this computer)" in plain[1]
    assert "not trained" in plain[2]


def test_nobody_codes_as_a_machine_from_the_command_line(with_runs: Path) -> None:
    coded = run(
        "search", with_runs, "broker*", "--code", "Motive > Subsistence", "--coder", "Gemma"
    )
    assert_one_line_error(coded, "Gemma is a machine coder")
    saved = run("search", with_runs, "broker*", "--save", "brokers")
    assert saved.exit_code == 0, saved.output
    assert run("search-rules", "tie", with_runs, "brokers", "Motive > Subsistence").exit_code == 0
    rule = run("search-rules", "run", with_runs, "brokers", "--coder", "gemma", "--on", "all")
    assert_one_line_error(rule, "Gemma is a machine coder")
    merged = run("coders", with_runs, "merge", "Ana", "Gemma")
    assert_one_line_error(merged, "Gemma is a machine coder: it cannot be merged")
    with Project.open(with_runs, read_only=True) as project:
        gemma = project.coders.find("Gemma")
        assert {
            json.loads(c.origin or "")["kind"] for c in project.codings.for_coder(gemma.id)
        } == {"machine"}
        assert project.coders.find("Ana")
