"""Agreement with the codings a search made left out, or alone: the figures are those of the
same project without them (or without the others), and the report says what was left out."""

from __future__ import annotations

import shutil
from pathlib import Path

from annotator.services import autocode, search
from annotator.services.agreement import Request, measure
from annotator.services.autocode import Origin, Unit
from annotator.storage import Project
from tests.helpers import run_sql

LEVELS = ("document", "character")


def figures(project: Project, **options: object) -> list[tuple[object, ...]]:
    report = measure(project, Request(levels=LEVELS, interval=False, **options))  # type: ignore[arg-type]
    return [
        (m.level, m.scope, m.name, m.units, m.percent_agreement, m.krippendorff_alpha)
        for m in report.measures
    ]


def test_search_codings_left_out_or_alone(demo: Project, tmp_path: Path) -> None:
    ana = demo.coders.find("Ana").id
    code = demo.codebook.tree().find("Source reliability > Defector testimony")
    assert code is not None
    hits = list(search.hit_spans(demo, search.Request("defect*")))
    preview = autocode.preview(demo, hits, code.id, ana, Unit.SENTENCE)
    made = autocode.apply(demo, preview, Origin("defect*", unit=Unit.SENTENCE)).codings
    assert made
    assert demo.path is not None
    with_search = figures(demo)
    without = figures(demo, search_codings="without")
    only = figures(demo, search_codings="only")
    report = measure(demo, Request(levels=LEVELS, interval=False, search_codings="without"))
    assert report.warnings[0].startswith(f"{len(made)} codings made by a search are left out")
    demo.close()
    by_hand = tmp_path / "by-hand.annotator"
    shutil.copy(demo.path, by_hand)
    run_sql(by_hand, "DELETE FROM codings WHERE origin IS NOT NULL")
    search_only = tmp_path / "search-only.annotator"
    shutil.copy(demo.path, search_only)
    run_sql(search_only, "DELETE FROM codings WHERE origin IS NULL")
    with Project.open(by_hand, read_only=True) as plain:
        assert without == figures(plain)
    with Project.open(search_only, read_only=True) as alone:
        assert only == figures(alone)
    assert with_search != without
