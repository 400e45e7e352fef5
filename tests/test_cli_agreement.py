"""`annotator agreement` and `annotator sample` on the demo project: the JSON contract of
design.md, the CSV and HTML reports, the reliability sample, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

from tests.test_cli import assert_one_line_error, demo_path, run

__all__ = ["demo_path"]  # the fixture, shared with test_cli

MEASURE_KEYS = {
    "level",
    "scope",
    "name",
    "units",
    "coders",
    "percent_agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "alpha_ci95",
    "gwet_ac1",
    "positive_agreement",
    "note",
    "kappa_measure",
    "codes_pooled",
    "applied",
    "path",
}


def test_json_follows_the_contract(demo_path: Path) -> None:
    result = run("agreement", demo_path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["coders"] == ["Ana", "Ben"]
    assert report["documents"] == 8
    assert {m["level"] for m in report["measures"]} == {
        "document",
        "character",
        "unitizing",
        "segment",
    }
    for measure in report["measures"]:
        assert set(measure) == MEASURE_KEYS
        assert measure["scope"] in ("code", "dimension", "overall")
        if measure["krippendorff_alpha"] is None and measure["level"] != "segment":
            assert measure["note"], measure
    assert "NaN" not in result.stdout
    document = run("agreement", demo_path, "--json", "--level", "document").stdout
    assert {m["level"] for m in json.loads(document)["measures"]} == {"document"}


def test_text_table_csv_and_html(demo_path: Path, tmp_path: Path) -> None:
    table = run("agreement", demo_path, "--coders", "Ana,Ben", "--level", "document")
    assert table.exit_code == 0
    assert "Coders: Ana, Ben; articles compared: 8" in table.stdout
    assert "  Subsistence" in table.stdout
    report_csv = tmp_path / "agreement.csv"
    result = run("agreement", demo_path, "-o", report_csv)
    assert result.exit_code == 0
    assert "measures to" in result.stdout
    rows = list(csv.DictReader(io.StringIO(report_csv.read_text(encoding="utf-8"))))
    subsistence = next(
        r for r in rows if r["level"] == "document" and r["name"] == "Motive > Subsistence"
    )
    assert float(subsistence["cohen_kappa"]) == 0.25
    assert subsistence["coders"] == "Ana;Ben"
    page = tmp_path / "agreement.html"
    assert run("agreement", demo_path, "-o", page).exit_code == 0
    text = page.read_text(encoding="utf-8")
    parser = HTMLParser()
    parser.feed(text)  # well-formed enough to parse
    for fragment in ("Krippendorff", "Confusion matrices", "Definitions", "Subsistence", "<table"):
        assert fragment in text
    assert "<script" not in text
    assert "http" not in text.split("</head>")[1]


def test_errors_are_one_line(demo_path: Path, tmp_path: Path) -> None:
    assert_one_line_error(
        run("agreement", demo_path, "--coders", "Ana,Zoe"), "there is no coder 'Zoe'"
    )
    assert_one_line_error(run("agreement", demo_path, "-o", tmp_path / "x.pdf"), ".csv or .html")
    assert_one_line_error(run("agreement", tmp_path / "missing.annotator"), "missing.annotator")


def test_sample_assigns_and_agreement_counts_assigned(demo_path: Path) -> None:
    result = run("sample", demo_path, "--size", "3", "--coders", "Ana,Ben", "--seed", "4")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("drew 3 articles for Ana, Ben (seed 4):")
    again = run("sample", demo_path, "--size", "3", "--coders", "Ana,Ben", "--seed", "4")
    # The same seed draws the same articles (the title line and the three names).
    assert again.stdout.splitlines()[:4] == result.stdout.splitlines()[:4]
    report = json.loads(run("agreement", demo_path, "--json", "--counted-by", "assigned").stdout)
    assert report["documents"] == 3
