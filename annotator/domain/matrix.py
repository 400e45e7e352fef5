"""The wide matrix as plain values: typed, labelled columns and one row per (article, coder),
as the services build it and the file formats (CSV, SPSS, Stata) write it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """A column of the matrix: its safe name, what it is, its label (a variable's name, a
    code's full path), its type (number, text, date, category) and value labels."""

    name: str
    kind: str  # "key", "variable", "code" or "dimension"
    label: str
    type: str
    values: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Matrix:
    """Columns and rows; a row holds ints and floats (numbers, category codes), text,
    ``datetime.date`` (dates) and ``None`` (missing)."""

    columns: list[Column]
    rows: list[list[object]]

    def text_rows(self) -> Iterable[list[object]]:
        """Rows as CSV shows them: categories by their labels."""
        labelled = [(i, c.values) for i, c in enumerate(self.columns) if c.type == "category"]
        for row in self.rows:
            if labelled:
                row = list(row)
                for i, values in labelled:
                    row[i] = None if row[i] is None else values[int(row[i])]  # type: ignore[call-overload]
            yield row
