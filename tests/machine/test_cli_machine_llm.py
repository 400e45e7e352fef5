"""``annotator machine add`` and ``machine code`` with a language model, against the loopback
test server: loopback by default, remote only with consent, the key never stored or shown,
replicates, a summary line, Ctrl+C leaving a resumable run."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.storage import Project
from tests.machine.llm_server import LLMServer, answer, slow, status
from tests.test_cli import assert_one_line_error, run

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-proj-cli-0000-secret"
TEXTS = {f"story{k:02d}": f"Story {k}. The workers fled hunger in month {k}." for k in range(24)}


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer() as running:
        running.script("fled hunger", answer([("Motive > Subsistence", "The workers fled hunger")]))
        yield running


@pytest.fixture
def path(tmp_path: Path) -> Path:
    made = tmp_path / "study.annotator"
    assert run("new", made).exit_code == 0
    with Project.open(made) as project:
        for name, text in TEXTS.items():
            project.documents.add(name, f"{name}.txt", text)
    return made


def add(path: Path, url: str, *extra: str) -> None:
    result = run("machine", "add", path, "--name", "Llama", "--url", url, "--model", "m", *extra)
    assert result.exit_code == 0, result.output


def machines(path: Path) -> list[dict[str, object]]:
    result = run("machine", "list", path, "--json")
    assert result.exit_code == 0, result.output
    listed: list[dict[str, object]] = json.loads(result.stdout)
    return listed


def test_add_a_local_server(path: Path) -> None:
    result = run(
        "machine", "add", path, "--name", "Llama", "--url", "http://127.0.0.1:11434/v1/",
        "--model", "llama3.1:8b", "--temperature", "0.2", "--concurrency", "2", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert made["url"] == "http://127.0.0.1:11434/v1"
    assert made["allow_remote"] is False
    assert made["remote_consent"] is None
    assert made["settings"]["temperature"] == 0.2
    assert made["settings"]["concurrency"] == 2
    assert made["settings"]["seed"] == 42
    assert [m["name"] for m in machines(path)] == ["Llama"]


@pytest.mark.parametrize(
    ("url", "extra", "words"),
    [
        ("https://api.example.com/v1", (), "--allow-remote"),
        ("http://10.1.2.3:8000/v1", (), "is not this machine"),
        ("file:///etc/passwd", (), "http:// or https://"),
        ("http://me:pw@127.0.0.1/v1", (), "--api-key-env"),
        ("http://127.0.0.1/v1", ("--temperature", "5"), "temperature must be between 0 and 2"),
        ("http://127.0.0.1/v1", ("--concurrency", "0"), "concurrency must be between 1 and 64"),
        ("http://127.0.0.1/v1", ("--api-key-env", "sk-abc-123"), "never the key itself"),
    ],
)
def test_add_refuses_with_one_line_and_adds_nothing(
    path: Path, url: str, extra: tuple[str, ...], words: str
) -> None:
    result = run("machine", "add", path, "--name", "X", "--url", url, "--model", "m", *extra)
    assert_one_line_error(result, words)
    assert machines(path) == []


def test_a_remote_server_with_consent_is_recorded_and_said(path: Path) -> None:
    result = run(
        "machine", "add", path, "--name", "GPT", "--url", "https://api.example.com/v1",
        "--model", "gpt-4o-mini", "--allow-remote", "--api-key-env", "EXAMPLE_KEY",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "sent to api.example.com (https://api.example.com/v1)" in result.stderr
    assert "full text" in result.stderr
    assert "EXAMPLE_KEY is not set here" in result.stderr
    (made,) = machines(path)
    assert made["allow_remote"] is True
    consent = made["remote_consent"]
    assert isinstance(consent, dict)
    assert consent["url"] == "https://api.example.com/v1"
    assert consent["who"]
    assert str(consent["when"]).endswith("Z")


def test_code_with_a_summary_line_and_runs_listed(path: Path, server: LLMServer) -> None:
    add(path, server.url)
    result = run("machine", "code", path, "--name", "Llama", "--documents", "story01,story02")
    assert_one_line_error(result, "no validation of these settings")
    result = run(
        "machine", "code", path, "--name", "Llama", "--documents", "story01,story02",
        "--unvalidated", "--replicates", "2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert "(Llama) UNVALIDATED, done: 2 of 2 articles coded; 2 codings" in lines[0]
    assert "(Llama (replicate 2)) UNVALIDATED, done" in lines[1]
    assert "300 tokens" in lines[0]
    listing = json.loads(run("machine", "runs", path, "--json").stdout)
    assert [r["replicate"] for r in listing] == [1, 2]
    table = run("machine", "runs", path).stdout
    assert "Llama (replicate 2)" in table  # the name its coder has in every report
    assert "#2" not in table
    assert listing[0]["model_version"] == "test-model:7b (fp_test_1)"
    assert listing[0]["prompt_template"].startswith("=== system ===")
    assert len(server.requests) == 4
    exported = path.parent / "segments.csv"
    result = run("export", path, "--format", "segments", "-o", exported)
    assert result.exit_code == 0, result.output
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["coder"].startswith("Llama")]
    assert len(rows) == 4
    assert {row["run_id"] for row in rows} == {listing[0]["guid"], listing[1]["guid"]}
    assert {row["confidence"] for row in rows} == {""}
    assert {row["assisted"] for row in rows} == {"0"}


def test_failed_articles_are_counted_and_the_run_goes_on(path: Path, server: LLMServer) -> None:
    server.script("month 3.", status(500, "boom"), first=True)
    add(path, server.url)
    with Project.open(path) as project:
        project.machine.set_settings(
            project.machine.backends()[0].id, {"retries": 1, "backoff": 0.01}
        )
    result = run("machine", "code", path, "--name", "Llama", "--unvalidated", "--json")
    assert result.exit_code == 0, result.output
    (coded,) = json.loads(result.stdout)
    assert coded["counts"]["articles_done"] == 23
    assert coded["counts"]["articles_failed"] == 1
    (listed,) = json.loads(run("machine", "runs", path, "--json").stdout)
    (failed,) = listed["failed_articles"]
    assert failed["document"] == "story03"
    assert failed["reason"] == f"HTTP 500 from {server.url}: boom (tried 2 times)"


def test_the_key_is_used_but_never_shown_or_stored(
    path: Path, server: LLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(path, server.url, "--api-key-env", "CLI_TEST_KEY")
    monkeypatch.setenv("CLI_TEST_KEY", KEY)
    server.script("month 5.", status(403, f"key {KEY} has no access"), first=True)
    result = run(
        "machine", "code", path, "--name", "Llama", "--documents", "story05", "--unvalidated"
    )
    assert_one_line_error(result, "HTTP 403")
    assert KEY not in result.output
    assert "[key]" in result.stderr
    assert server.requests[-1].headers["Authorization"] == f"Bearer {KEY}"
    listing = (
        run("machine", "runs", path, "--json").stdout
        + run("machine", "list", path, "--json").stdout
    )
    assert KEY not in listing
    assert "CLI_TEST_KEY" in listing
    for file in path.parent.iterdir():
        assert KEY.encode() not in file.read_bytes(), file.name


def test_resume_takes_no_selection(path: Path, server: LLMServer) -> None:
    add(path, server.url)
    result = run("machine", "code", path, "--name", "Llama", "--resume", "abc", "--replicates", "2")
    assert_one_line_error(result, "--resume goes on with a run's own articles")
    result = run("machine", "code", path, "--name", "Llama", "--resume", "abc")
    assert_one_line_error(result, "the project has no machine run 'abc'")


@pytest.mark.slow
def test_ctrl_c_cancels_the_run_and_resume_finishes_it(path: Path) -> None:
    with LLMServer(
        lambda article: slow(0.15, answer([("Motive > Subsistence", "workers")]))
    ) as server:
        add(path, server.url, "--concurrency", "1")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        child = subprocess.Popen(
            [sys.executable, "-m", "annotator", "machine", "code", str(path), "--name", "Llama",
             "--unvalidated"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
        )  # fmt: skip
        server.wait_for_requests(4)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
        assert child.returncode == 130, err
        assert "stopping: the run ends as cancelled" in err
        assert "cancelled: resume with annotator machine code" in err
        assert ", cancelled: " in out
        (listed,) = json.loads(run("machine", "runs", path, "--json").stdout)
        assert listed["status"] == "cancelled"
        done = listed["counts"]["articles_done"]
        assert 3 <= done < 24
        result = run("machine", "code", path, "--name", "Llama", "--resume", listed["guid"][:8])
        assert result.exit_code == 0, result.output
        assert "done: 24 of 24 articles coded" in result.stdout
        assert server.count <= 24 + 1  # only what was not done, and the one in flight


def test_validate_then_code_the_rest_with_a_model_that_codes_as_ana(tmp_path: Path) -> None:
    """The workflow of the issue with the loopback server: a model answering what Ana coded
    is validated against Ana and Ben (coding the common articles first), which lets it code a
    new article without --unvalidated; the run records the validation."""
    demo = tmp_path / "demo.annotator"
    assert run("new", demo, "--demo").exit_code == 0
    answers: dict[str, tuple[list[tuple[str, str, str]], list[str]]] = {}
    with Project.open(demo) as project:
        tree = project.codebook.tree()
        ana = project.coders.by_name("Ana")
        assert ana is not None
        for document in project.documents.all():
            text = project.documents.text(document.id)
            passages, whole = [], []
            for coding in project.codings.for_document(document.id, ana.id):
                if coding.start is None or coding.end is None:
                    whole.append(tree.path(coding.code_id))
                else:
                    quote = text[coding.start : coding.end]
                    passages.append((tree.path(coding.code_id), quote, "As Ana."))
            answers[text] = (passages, whole)
    with LLMServer(lambda article: answer(*answers.get(article, ([], [])))) as server:
        add(demo, server.url)
        result = run("machine", "validate", demo, "--name", "Llama", "--against", "Ana,Ben",
                     "--level", "document", "--json")  # fmt: skip
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        assert len(server.requests) == 8  # the common articles, coded first
        political = next(r for r in rows if r["code_path"] == "Motive > Political")
        assert political["n_units"] == 8
        assert political["verdict"] == "reliable"
        # It answered exactly what Ana coded: every quote found, so α with Ana is 1 wherever
        # it is defined.
        with_ana = [r["alpha_by_coder"]["Ana"] for r in rows if r["scope"] == "code"]
        assert 1.0 in with_ana
        assert set(with_ana) <= {1.0, None}
        with Project.open(demo) as project:
            project.documents.add("new", "new.txt", "A new article about workers abroad.")
        result = run("machine", "code", demo, "--name", "Llama", "--documents", "new")
        assert result.exit_code == 0, result.output
        assert "UNVALIDATED" not in result.stdout
        listing = json.loads(run("machine", "runs", demo, "--json").stdout)
        assert listing[-1]["validated_by"] is not None
        assert not listing[-1]["unvalidated"]
        assert listing[-1]["document_ids"] == [9]
