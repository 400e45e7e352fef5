"""`annotator analyze` on the demo project agrees cell by cell with counts recomputed from
`annotator export --format segments` (the issue's "done when"), for frequencies by outlet and
for co-occurrence within articles and passages; outputs and refusals."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest

from tests.test_cli import assert_one_line_error, run


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


def _segments(path: Path, *options: str) -> list[dict[str, str]]:
    result = run("export", path, "--format", "segments", *options)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _documents(path: Path) -> list[dict[str, str]]:
    result = run("export", path, "--format", "documents")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_frequencies_by_outlet_agree_with_the_segments_export(demo_path: Path) -> None:
    result = run("analyze", "frequencies", demo_path, "--by", "outlet", "--coders", "Ana", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    documents = _documents(demo_path)
    outlets = {d["document_name"]: d["outlet"] for d in documents}
    lengths = {d["document_name"]: int(d["characters"]) for d in documents}
    segments: dict[tuple[str, str], int] = defaultdict(int)
    articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    characters: dict[tuple[str, str], int] = defaultdict(int)
    exported = _segments(demo_path, "--coders", "Ana")
    assert exported
    assert all(r["coder"] == "Ana" for r in exported)
    for record in exported:
        key = (record["code_path"], outlets[record["document_name"]])
        segments[key] += 1
        articles[key].add(record["document_name"])
        if record["start"]:
            characters[key] += int(record["end"]) - int(record["start"])
        else:  # a whole-article coding covers the article
            characters[key] += lengths[record["document_name"]]
    in_group: dict[str, int] = defaultdict(int)
    for outlet in outlets.values():
        in_group[outlet] += 1
    assert {r["group"] for r in rows} == set(in_group)
    for row in rows:
        key = (row["code_path"], row["group"])
        assert row["segments"] == segments.get(key, 0), key
        assert row["articles"] == len(articles.get(key, ())), key
        assert row["articles_in_group"] == in_group[row["group"]]
        assert row["characters"] == characters.get(key, 0), key
    assert sum(r["segments"] for r in rows) == len(exported)
    # every (code, group) cell is there, zeros included
    codes = {r["code_path"] for r in rows}
    assert len(rows) == len(codes) * len(in_group)


@pytest.mark.parametrize("within", ["article", "passage"])
def test_cooccurrence_agrees_with_the_segments_export(demo_path: Path, within: str) -> None:
    result = run("analyze", "cooccurrence", demo_path, "--within", within, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    units: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for record in _segments(demo_path):
        units[(record["document_name"], record["coder"])].append(record)
    expected: dict[frozenset[str], int] = defaultdict(int)
    holding: dict[str, int] = defaultdict(int)
    for codings in units.values():
        if within == "article":
            held = {c["code_path"] for c in codings}
            for code in held:
                holding[code] += 1
            for a, b in combinations(sorted(held), 2):
                expected[frozenset((a, b))] += 1
            continue
        for x, y in combinations(codings, 2):
            if x["code_path"] == y["code_path"]:
                continue
            whole = not x["start"] or not y["start"]
            if whole or (int(x["start"]) < int(y["end"]) and int(y["start"]) < int(x["end"])):
                expected[frozenset((x["code_path"], y["code_path"]))] += 1
    assert sum(expected.values()) > 0
    for row in rows:
        pair = frozenset((row["code_a"], row["code_b"]))
        assert row["count"] == expected.get(pair, 0), pair
        if within == "article":
            either = holding[row["code_a"]] + holding[row["code_b"]] - row["count"]
            assert row["jaccard"] == (round(row["count"] / either, 4) if either else None)
        else:
            assert row["jaccard"] is None
    assert sum(r["count"] for r in rows) == sum(expected.values())


def test_table_csv_output_and_refusals(demo_path: Path, tmp_path: Path) -> None:
    table = run("analyze", "frequencies", demo_path, "--by", "date", "--bin", "year")
    assert table.exit_code == 0, table.output
    assert "N articles" in table.stdout
    assert "χ² = " in table.stdout
    target = tmp_path / "freq.csv"
    written = run("analyze", "frequencies", demo_path, "--by", "outlet", "-o", target)
    assert written.exit_code == 0, written.output
    with target.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert records
    assert {"code_path", "group", "segments", "articles_in_group"} <= set(records[0])
    pairs = tmp_path / "pairs.csv"
    assert (
        run("analyze", "cooccurrence", demo_path, "--within", "article", "-o", pairs).exit_code == 0
    )
    assert pairs.read_text(encoding="utf-8").startswith("code_a,code_b,count,jaccard")
    workbook = run("analyze", "frequencies", demo_path, "--by", "outlet", "-o", tmp_path / "f.xlsx")
    assert workbook.exit_code == 0, workbook.output
    assert (tmp_path / "f.xlsx").read_bytes()[:2] == b"PK"  # a workbook (zip), not CSV
    assert_one_line_error(
        run("analyze", "frequencies", demo_path, "--by", "medium"), "no article variable"
    )
    assert_one_line_error(
        run("analyze", "frequencies", demo_path, "--by", "outlet", "--coders", "Zed"),
        "no coder 'Zed'",
    )
    assert_one_line_error(
        run("analyze", "frequencies", demo_path, "--by", "outlet", "-o", demo_path),
        "p.annotator",
    )
