"""A wide crosstab (many codes × many groups): every per-cell figure from totals counted
once, the records and the χ² built from whole arrays — checked cell by cell against the
definitions recomputed here by brute force, and against scipy."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from scipy.stats import chi2_contingency

from annotator.analysis.crosstab import Tally, Unit, crosstab
from annotator.analysis.independence import chi_square
from annotator.cli.analysis import print_json_rows
from annotator.io.tables import write_records, write_table
from annotator.services.analysis import Frequencies


def _wide() -> Frequencies:
    rng = random.Random(5)
    rows = [f"Code {i}" for i in range(40)]
    groups = {f"Outlet {j}": 1 + j % 3 for j in range(30)}
    tallies = [
        Tally(rng.choice(rows), rng.choice(list(groups)), rng.randrange(200), 1, rng.randrange(90))
        for _ in range(600)
    ]
    return Frequencies(crosstab(tallies, rows, groups), "outlet", "all coders")


@pytest.mark.parametrize("unit", list(Unit))
def test_records_and_percentages_cell_by_cell(unit: Unit) -> None:
    result = _wide()
    table = result.table
    records = result.records(unit)
    assert len(records) == len(table.rows) * len(table.groups)
    for record in records:
        row, group = record["code_path"], record["group"]
        cell = table.cell(row, group)
        assert (record["segments"], record["articles"], record["characters"]) == (
            cell.segments,
            cell.articles,
            cell.characters,
        )
        row_total = sum(table.cell(row, g).count(unit) for g in table.groups)
        column_total = sum(table.cell(r, group).count(unit) for r in table.rows)
        in_group = table.articles_in_group[group]
        assert record["articles_in_group"] == in_group
        expected = [
            round(100 * cell.count(unit) / row_total, 4) if row_total else None,
            round(100 * cell.count(unit) / column_total, 4) if column_total else None,
            round(100 * cell.articles / in_group, 4) if in_group else None,
        ]
        assert [record["row_percent"], record["column_percent"], record["article_percent"]] == (
            expected
        )
        assert table.row_percent(row, group, unit) == (
            None if not row_total else pytest.approx(100 * cell.count(unit) / row_total)
        )
        assert table.column_percent(row, group, unit) == (
            None if not column_total else pytest.approx(100 * cell.count(unit) / column_total)
        )


def test_empty_row_and_group_have_no_percentages() -> None:
    table = crosstab([Tally("A", "x", 1, 2, 5)], ["A", "B"], {"x": 1, "y": 0})
    result = Frequencies(table, "outlet", "all coders")
    by_key = {(r["code_path"], r["group"]): r for r in result.records()}
    assert by_key["B", "x"]["row_percent"] is None
    assert by_key["A", "y"]["column_percent"] is None
    assert by_key["A", "y"]["article_percent"] is None
    assert by_key["A", "x"]["row_percent"] == 100.0


def test_chi_square_of_a_wide_table_agrees_with_scipy() -> None:
    counts = _wide().table.table(Unit.SEGMENTS)
    test = chi_square(counts)
    assert test is not None
    keep = [r for r in counts if sum(r)]
    statistic, p, df, _ = chi2_contingency(keep, correction=False)
    assert test.chi2 == pytest.approx(statistic, rel=1e-9)
    assert test.df == df
    assert test.p == pytest.approx(p, rel=1e-6)
    assert test.cramers_v == pytest.approx(
        math.sqrt(statistic / (sum(map(sum, keep)) * (min(len(keep), len(keep[0])) - 1)))
    )


def test_json_rows_print_exactly_as_json_dumps(capsys: pytest.CaptureFixture[str]) -> None:
    odd = {"code_path": 'say "hi", \\ \n\t\x1b % %s 中文', "group": "(no value)"}
    records = [*_wide().records(Unit.ARTICLES)[:50], _wide().records()[0] | odd]
    print_json_rows(records)
    assert capsys.readouterr().out == json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    mixed = [{"a": 1, "b": None}, {"a": 1.0, "b": True}, {"a": True, "b": 0}]
    print_json_rows(mixed)
    assert capsys.readouterr().out == json.dumps(mixed, ensure_ascii=False, indent=2) + "\n"
    print_json_rows([])
    assert capsys.readouterr().out == "[]\n"


def test_records_csv_is_the_table_csv(tmp_path: Path) -> None:
    odd = {"code_path": "=SUM(1)", "group": 'a "b", c', "segments": 1}
    records = [*_wide().records()[:80], odd | dict.fromkeys(("articles", "characters"), math.nan)]
    records = [dict.fromkeys(records[0]) | r for r in records]
    write_records(tmp_path / "fast.csv", records)
    header = list(records[0])
    write_table(tmp_path / "slow.csv", header, [[r[k] for k in header] for r in records])
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "slow.csv").read_bytes()


def test_percentages_of_a_group_or_row_the_table_lacks() -> None:
    table = crosstab([Tally("A", "x", 1, 2, 5)], ["A"], {"x": 1})
    assert table.row_percent("A", "2002", Unit.SEGMENTS) == 0.0  # a period filled in
    assert table.column_percent("A", "2002", Unit.SEGMENTS) is None
    assert table.row_percent("Z", "x", Unit.SEGMENTS) is None
