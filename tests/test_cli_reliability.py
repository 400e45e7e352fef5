"""`annotator agreement --pairs` and `annotator trainee-report`: JSON equal to the engine on
the pair, tidy CSV, self-contained escaped HTML, one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from annotator.domain.model import DocumentStatus
from annotator.services.agreement import Request, measure
from annotator.storage import Project
from tests.services.reliability_project import build
from tests.test_cli import assert_one_line_error, run


@pytest.fixture
def three(tmp_path: Path) -> Path:
    path = tmp_path / "three.annotator"
    build(path).close()
    return path


def test_pairs_json_equals_agreement_of_each_pair(three: Path) -> None:
    result = run("agreement", three, "--pairs", "--level", "document", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["coders"] for p in data["pairs"]] == [
        ["Ana", "Ben"],
        ["Ana", "Cleo"],
        ["Ben", "Cleo"],
    ]
    by_hand = run("agreement", three, "--coders", "Ana,Cleo", "--level", "document", "--json")
    assert data["pairs"][1]["measures"] == json.loads(by_hand.stdout)["measures"]
    lowest = {r["coder"] for r in data["per_coder"] if r["lowest_mean_alpha"]}
    assert lowest == {"Cleo"}


def test_pairs_csv_is_long_with_the_coders_table_beside_it(three: Path, tmp_path: Path) -> None:
    target = tmp_path / "pairs.csv"
    result = run("agreement", three, "--pairs", "--level", "document", "-o", target)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    with Project.open(three, read_only=True) as project:
        pair = measure(project, Request(coders=["Ben", "Cleo"], levels=("document",)))
    mine = [r for r in rows if (r["coder_a"], r["coder_b"]) == ("Ben", "Cleo")]
    assert len(mine) == len(pair.measures)
    for row, m in zip(mine, pair.measures, strict=True):
        assert row["name"] == m.name
        assert float(row["krippendorff_alpha"]) == pytest.approx(m.krippendorff_alpha, abs=1e-6)
    coders = list(csv.DictReader(io.StringIO((tmp_path / "pairs_coders.csv").read_text("utf-8"))))
    assert {r["coder"] for r in coders} == {"Ana", "Ben", "Cleo"}
    assert {r["coder"] for r in coders if r["lowest_mean_alpha"] == "1"} == {"Cleo"}


def test_pairs_html_and_bad_extension(three: Path, tmp_path: Path) -> None:
    target = tmp_path / "pairs.html"
    assert run("agreement", three, "--pairs", "--level", "document", "-o", target).exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert "Ana – Cleo" in page
    assert "class='lowest'" in page
    assert "<script" not in page
    assert_one_line_error(
        run("agreement", three, "--pairs", "-o", tmp_path / "x.txt"), "written as .csv or .html"
    )


def test_trainee_report_json_html_csv(three: Path, tmp_path: Path) -> None:
    result = run("trainee-report", three, "--coder", "Cleo", "--reference", "Ana", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_hand = run("agreement", three, "--coders", "Cleo,Ana", "--json")
    assert data["agreement"]["measures"] == json.loads(by_hand.stdout)["measures"]
    [motive] = data["article_confusion_matrices"]
    assert motive["articles"] == 12
    assert data["missed"]
    assert data["added"]
    page = tmp_path / "cleo.html"
    assert (
        run("trainee-report", three, "--coder", "Cleo", "--reference", "Ana", "-o", page).exit_code
        == 0
    )
    text = page.read_text(encoding="utf-8")
    assert "<blockquote>A worker left the factory" in text
    assert "Passages missed (" in text
    passages = tmp_path / "cleo.csv"
    run("trainee-report", three, "--coder", "Cleo", "--reference", "Ana", "-o", passages)
    rows = list(csv.DictReader(io.StringIO(passages.read_text(encoding="utf-8"))))
    assert len(rows) == len(data["missed"]) + len(data["added"])


def test_trainee_report_terminal_matrix_names_every_category_whole(three: Path) -> None:
    data = json.loads(
        run("trainee-report", three, "--coder", "Cleo", "--reference", "Ana", "--json").stdout
    )
    text = run("trainee-report", three, "--coder", "Cleo", "--reference", "Ana").stdout
    matrix = data["article_confusion_matrices"][0]
    assert any(len(label) > 12 for label in matrix["labels"])  # long enough to have been cut
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{matrix['dimension']}:"))
    header, rows = lines[at + 1], lines[at + 2 : at + 2 + len(matrix["labels"])]
    assert header.split() == [f"({i})" for i in range(1, len(matrix["labels"]) + 1)]
    for number, (label, counts, row) in enumerate(
        zip(matrix["labels"], matrix["counts"], rows, strict=True), start=1
    ):
        assert row.startswith(f"({number}) {label}")  # the whole name
        assert [int(n) for n in row[len(f"({number}) {label}") :].split()] == counts


def test_trainee_report_escapes_names_and_text(tmp_path: Path) -> None:
    path = tmp_path / "x.annotator"
    with Project.create(path) as project:
        dimension = project.codebook.add("Tone <b>", exclusive=True)
        code = project.codebook.add("Angry & <i>loud</i>", dimension.id).id
        gold, tom = project.coders.add("Gold").id, project.coders.add("<Tom>").id
        doc = project.documents.add(
            "<script>x</script>", "a.txt", "<script>alert(1)</script> text"
        ).id
        for coder in (gold, tom):
            project.statuses.mark(doc, coder, DocumentStatus.DONE)
        project.codings.add(doc, gold, code, 0, 25)
    page = tmp_path / "r.html"
    result = run("trainee-report", path, "--coder", "<Tom>", "--reference", "Gold", "-o", page)
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;Tom&gt;" in text


def test_trainee_report_errors(three: Path) -> None:
    assert_one_line_error(
        run("trainee-report", three, "--coder", "Cleo", "--reference", "Cleo"), "same coder"
    )
    assert_one_line_error(
        run("trainee-report", three, "--coder", "Zed", "--reference", "Ana"), "no coder 'Zed'"
    )


def test_pairs_of_an_article_set_equal_agreement_on_that_set(three: Path) -> None:
    with Project.open(three, read_only=True) as project:
        ids = sorted(project.documents.lengths())
    half = ",".join(str(i) for i in ids[: max(2, len(ids) // 2)])
    made = run("sets", three, "create", "half", "--documents", half)
    assert made.exit_code == 0, made.output
    every = json.loads(run("agreement", three, "--pairs", "--level", "document", "--json").stdout)
    result = run("agreement", three, "--pairs", "--set", "half", "--level", "document", "--json")
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.stdout)["pairs"]
    by_hand = run(
        "agreement", three, "--coders", "Ana,Cleo", "--set", "half", "--level", "document", "--json"
    )
    assert pairs[1]["measures"] == json.loads(by_hand.stdout)["measures"]
    assert pairs[1]["measures"] != every["pairs"][1]["measures"]  # the set made a difference


def test_agreement_comparing_no_article_is_a_one_line_error(three: Path) -> None:
    with Project.open(three) as project:
        project.coders.add("Idle")
    assert_one_line_error(
        run("agreement", three, "--coders", "Ana,Idle", "--level", "document"),
        "no article counts for both Ana and Idle",
    )
    assert_one_line_error(
        run("agreement", three, "--coders", "Ana,Ben", "--counted-by", "assigned"),
        "no article is assigned to Ana or Ben",
    )


def test_trainee_report_says_not_applied_for_codes_nobody_applied(
    three: Path, tmp_path: Path
) -> None:
    # Agreement 1 by definition on a code nobody applied says nothing: shown as `agreement`
    # shows it, in the text and the page.
    with Project.open(three) as project:
        tone = project.codebook.add("Tone")
        project.codebook.add("Calm", tone.id)
    args = ("trainee-report", three, "--coder", "Cleo", "--reference", "Ana", "--level", "document")
    text = run(*args).stdout
    assert "Article level, Tone > Calm: not applied (N 12)" in text
    assert "Article level, Tone: not applied" in text
    assert not [line for line in text.splitlines() if "Tone" in line and "1.000" in line]
    page = tmp_path / "cleo.html"
    assert run(*args, "-o", page).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert (
        "<td>Tone &gt; Calm</td><td>12</td><td colspan='4' class='unused'>not applied</td>" in html
    )


def test_a_coder_with_no_article_counted_is_named_in_a_warning(three: Path) -> None:
    added = run("coders", three, "add", "Dan")
    assert added.exit_code == 0, added.output
    result = run("agreement", three, "--pairs", "--coders", "Ana,Ben,Dan", "--level", "document")
    assert result.exit_code == 0, result.output
    assert "warning: no article counts for Dan" in result.stderr
    data = json.loads(
        run(
            "agreement",
            three,
            "--pairs",
            "--coders",
            "Ana,Ben,Dan",
            "--level",
            "document",
            "--json",
        ).stdout
    )
    assert data["coders_without_articles"] == ["Dan"]
    assert data["articles_counted"]["Dan"] == 0
