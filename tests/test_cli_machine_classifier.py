"""``annotator machine train|validate|code|report|next`` on a synthetic project: the workflow
train → validate → code, the α gate, JSON output, the report page, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.services.machine_project import MachineProject
from tests.test_cli import assert_one_line_error, run

pytest.importorskip("sklearn")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    made = MachineProject(tmp_path / "m.annotator", 240)
    made.code("Ana", range(1, 181), miss=0.05, seed=1)
    made.project.close()
    return tmp_path / "m.annotator"


def _more_codings(path: Path) -> None:
    """Ana and Ben code articles 181–240 (the machine did not learn from them)."""
    made = MachineProject(path, 240, reopen=True)
    made.code("Ana", range(181, 241), miss=0.05, seed=3)
    made.code("Ben", range(181, 241), miss=0.05, seed=4)
    made.project.close()


def test_the_workflow(path: Path, tmp_path: Path) -> None:
    trained = run("machine", "train", path, "--name", "Clf", "--from", "Ana")
    assert trained.exit_code == 0, trained.output
    assert "trained 'Clf' on 180 articles" in trained.stdout
    assert "Topic > Border" in trained.stdout
    _more_codings(path)

    # Coding other articles needs a validation first.
    refused = run("machine", "code", path, "--name", "Clf", "--documents", "article 001")
    assert_one_line_error(refused, "has no validation of its current settings")

    validated = run("machine", "validate", path, "--name", "Clf", "--against", "Ana,Ben", "--json")
    assert validated.exit_code == 0, validated.output
    rows = json.loads(validated.stdout)
    needed = {
        "code_path",
        "level",
        "alpha_machine",
        "alpha_machine_low",
        "alpha_machine_high",
        "alpha_humans",
        "n_units",
        "verdict",
    }
    assert all(needed <= set(row) for row in rows)
    assert {row["verdict"] for row in rows} <= {"reliable", "tentative", "unreliable"}
    border = next(r for r in rows if r["code_path"] == "Topic > Border")
    assert border["verdict"] == "reliable"

    coded = run("machine", "code", path, "--name", "Clf", "--documents", "article 001,2")
    assert coded.exit_code == 0, coded.output
    assert "2 of 2 articles coded" in coded.stdout
    assert "UNVALIDATED" not in coded.stdout
    listing = json.loads(run("machine", "runs", path, "--json").stdout)
    assert listing[-1]["validated_by"] is not None
    assert not listing[-1]["unvalidated"]

    shown = run("machine", "report", path, "--name", "Clf")
    assert shown.exit_code == 0, shown.output
    assert "validated against Ana and Ben on 60 articles" in shown.stdout
    page = tmp_path / "machine.html"
    written = run("machine", "report", path, "--name", "Clf", "-o", page)
    assert written.exit_code == 0, written.output
    assert "Topic &gt; Border" in page.read_text(encoding="utf-8")
    data = json.loads(run("machine", "report", path, "--name", "Clf", "--json").stdout)
    assert data["validation"]["against"] == ["Ana", "Ben"]

    agreement = json.loads(
        run("agreement", path, "--coders", "Clf,Ana", "--level", "document", "--json").stdout
    )
    assert "supervised classifier" in agreement["methods"]["text"]
    html_report = tmp_path / "agreement.html"
    assert run("agreement", path, "--coders", "Clf,Ana", "-o", html_report).exit_code == 0
    assert "validated against Ana and Ben" in html_report.read_text(encoding="utf-8")

    nexts = json.loads(
        run(
            "machine", "next", path, "--name", "Clf", "--coder", "Ben", "--count", "3", "--json"
        ).stdout
    )
    assert len(nexts) == 3
    assert nexts[0]["uncertainty"] >= nexts[-1]["uncertainty"]


def test_unvalidated_coding_is_recorded(path: Path) -> None:
    assert run("machine", "train", path, "--name", "Clf", "--from", "Ana").exit_code == 0
    coded = run("machine", "code", path, "--name", "Clf", "--where", "nothing=1", "--unvalidated")
    assert_one_line_error(coded, "nothing")
    coded = run("machine", "code", path, "--name", "Clf", "--unvalidated", "--json")
    assert coded.exit_code == 0, coded.output
    (run_record,) = json.loads(coded.stdout)
    assert run_record["unvalidated"] is True
    assert run_record["counts"]["articles_done"] == 240
    assert "UNVALIDATED" in run("machine", "runs", path).stdout
    shown = run("machine", "report", path, "--name", "Clf").stdout
    assert "WITHOUT a validation" in shown
    assert "has not been validated" in shown


def test_a_cancelled_run_is_resumed(path: Path) -> None:
    from annotator.services.machine import classifier
    from annotator.services.machine.coders import backend
    from annotator.storage import Project

    assert run("machine", "train", path, "--name", "Clf", "--from", "Ana").exit_code == 0
    with Project.open(path) as opened:  # as a cancel before the first commit leaves it
        machine = backend(opened, "Clf")
        ids = [document for document, _ in opened.documents.names()]
        stopped = classifier.code_articles(opened, machine, ids, cancel=lambda: True)
    assert (stopped.status, stopped.counts.get("articles_done", 0)) == ("cancelled", 0)
    resumed = run("machine", "code", path, "--name", "Clf", "--resume", stopped.guid[:8], "--json")
    assert resumed.exit_code == 0, resumed.output
    (record,) = json.loads(resumed.stdout)
    assert (record["guid"], record["status"]) == (stopped.guid, "done")
    assert record["counts"]["articles_done"] == 240
    assert_one_line_error(
        run("machine", "code", path, "--name", "Clf", "--resume", stopped.guid[:8]),
        "has coded all its articles",
    )


def test_one_line_errors(path: Path, tmp_path: Path) -> None:
    assert_one_line_error(
        run("machine", "train", path, "--name", "Clf", "--from", "Nobody"), "no coder 'Nobody'"
    )
    assert_one_line_error(
        run("machine", "code", path, "--name", "Clf", "--unvalidated"), "no machine named 'Clf'"
    )
    assert_one_line_error(
        run("machine", "train", path, "--name", "Ana", "--from", "Ana"), "is a human coder"
    )
    assert run("machine", "train", path, "--name", "Clf", "--from", "Ana").exit_code == 0
    assert_one_line_error(
        run("machine", "validate", path, "--name", "Clf", "--against", "Ana"),
        "were used to train 'Clf'",
    )
    assert_one_line_error(
        run("machine", "report", path, "--name", "Clf", "-o", tmp_path / "r.pdf"),
        "written as .html",
    )
    assert_one_line_error(
        run("machine", "code", path, "--name", "Clf", "--unvalidated", "--replicates", "2"),
        "--replicates is for language models",
    )
    assert_one_line_error(
        run("machine", "next", path, "--name", "Clf", "--coder", "Ana", "--count", "0"),
        "--count",
    )


def test_training_on_an_article_set(path: Path) -> None:
    made = run("sets", path, "create", "training", "--documents", "article 001,article 002")
    assert made.exit_code == 0, made.output
    refused = run("machine", "train", path, "--name", "Clf", "--from", "Ana", "--set", "training")
    assert_one_line_error(refused, "no code was given in 3 or more")
    names = ",".join(f"article {n:03d}" for n in range(1, 101))
    assert run("sets", path, "add", "training", "--documents", names).exit_code == 0
    trained = run(
        "machine", "train", path, "--name", "Clf", "--from", "Ana", "--set", "training", "--json"
    )
    assert trained.exit_code == 0, trained.output
    assert json.loads(trained.stdout)["articles"] == 100
    assert_one_line_error(
        run("machine", "train", path, "--name", "Clf", "--from", "Ana", "--set", "nothing"),
        "nothing",
    )


def test_without_scikit_learn_it_says_what_to_install(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sklearn", None)
    assert_one_line_error(
        run("machine", "train", path, "--name", "Clf", "--from", "Ana"),
        "pip install 'annotator[machine]'",
    )
