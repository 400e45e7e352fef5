"""The Analysis window's options: what the user chose, kept in the settings (so that they
survive closing the window and a restart) by name, not by id — coders and codes by name and
path, which mean the same in the next project too."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from annotator.analysis.cooccurrence import Within
from annotator.analysis.crosstab import Unit
from annotator.services.analysis import Bin, Request, Rows, Show
from annotator.services.analysis_charts import ChartKind
from annotator.ui.settings import Setting

FREQUENCIES = "frequencies"
COOCCURRENCE = "cooccurrence"

OPTIONS = Setting("analysis/options", "")
GEOMETRY = Setting("analysis/geometry", QByteArray())
SPLITTER = Setting("analysis/splitter", QByteArray())


@dataclass(frozen=True)
class Options:
    """Everything the window's options say. ``by`` "" means the window picks (an outlet
    variable, else the first variable, else all articles); ``bin`` "" groups a date
    variable by its values as written."""

    table: str = FREQUENCIES
    by: str = ""
    bin: str = Bin.YEAR.value
    coders: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    rows: str = Rows.CODES.value
    unit: str = Unit.SEGMENTS.value
    show: str = Show.COUNTS.value
    within: str = Within.PASSAGE.value
    measure: str = "count"
    chart: str = ChartKind.BARS.value

    def request(self, dated: bool) -> Request:
        """The frequencies request (``dated``: ``by`` is a date variable, which takes the
        bin)."""
        return Request(
            by=self.by,
            bin=Bin(self.bin) if dated and self.bin else None,
            coders=self.coders,
            codes=self.codes,
            rows=Rows(self.rows),
        )

    def with_(self, **changes: Any) -> Options:
        return replace(self, **changes)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Options:
        """Options from the settings; anything unreadable or out of range is the default
        (a settings file edited by hand, or written by another version)."""
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        default = cls()
        chosen: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in data:
                continue
            value = data[item.name]
            if item.name in ("coders", "codes"):
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    chosen[item.name] = tuple(value)
            elif isinstance(value, str) and _allowed(item.name, value):
                chosen[item.name] = value
        return replace(default, **chosen)


_CHOICES: dict[str, set[str]] = {
    "table": {FREQUENCIES, COOCCURRENCE},
    "bin": {"", *(b.value for b in Bin)},
    "rows": {r.value for r in Rows},
    "unit": {u.value for u in Unit},
    "show": {s.value for s in Show},
    "within": {w.value for w in Within},
    "measure": {"count", "jaccard"},
    "chart": {k.value for k in ChartKind},
}


def _allowed(name: str, value: str) -> bool:
    return name not in _CHOICES or value in _CHOICES[name]


def load(store: QSettings) -> Options:
    return Options.from_json(OPTIONS.get(store))


def save(store: QSettings, options: Options) -> None:
    OPTIONS.set(store, options.to_json())
