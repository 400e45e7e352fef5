"""Drift: each window's figures are the engine's on that window's articles alone, the
windows follow the documented times, and bad choices are refused in one line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.services.agreement import Request, measure
from annotator.services.drift import drift, period_label
from annotator.storage import Project
from tests.services.drift_project import build, copy_of, only_done

LEVELS = ("document", "character", "unitizing", "segment")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("drift") / "template.annotator"
    build(path).close()
    return path


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Project:
    opened = copy_of(template, tmp_path / "drift.annotator")
    yield opened  # type: ignore[misc]
    opened.close()


def _names(project: Project, documents: tuple[int, ...]) -> list[str]:
    return [project.documents.get(d).name for d in documents]


def test_each_month_equals_the_engine_run_by_hand_on_its_articles(
    project: Project, template: Path, tmp_path: Path
) -> None:
    result = drift(project, Request(levels=LEVELS), "month")
    assert [w.window.label for w in result.windows] == [
        "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07"
    ]  # fmt: skip
    assert sum(w.report.documents for w in result.windows) == measure(project).documents == 36
    for number, item in enumerate(result.windows):
        by_hand = copy_of(template, tmp_path / f"hand{number}.annotator")
        only_done(by_hand, set(item.window.documents))
        expected = measure(by_hand, Request(levels=LEVELS))
        assert item.report.as_dict() == expected.as_dict()
        assert item.report.documents == len(item.window.documents)
        by_hand.close()


def test_an_article_falls_in_the_month_its_later_coder_finished_it(project: Project) -> None:
    """Cleo finishes each month's sixth article on the 2nd of the next month."""
    result = drift(project, Request(levels=("document",)), "month")
    months = {w.window.label: _names(project, w.window.documents) for w in result.windows}
    assert months["2024-01"] == [f"article {k:02d}" for k in range(5)]
    assert months["2024-02"] == ["article 05"] + [f"article {k:02d}" for k in range(6, 11)]
    assert months["2024-07"] == ["article 35"]
    first = result.windows[1].window
    assert (first.first, first.last) == ("2024-02-02T08:00:00Z", "2024-02-14T09:30:00Z")


def test_a_window_with_too_little_data_carries_the_engines_nulls(project: Project) -> None:
    result = drift(project, Request(levels=("document",)), "month")
    last = result.windows[-1].report  # one article: no interval can be drawn
    assert last.documents == 1
    assert all(m.alpha_ci95 is None for m in last.measures)
    february = result.windows[1].report
    motive = next(m for m in february.measures if m.name == "Motive")
    assert motive.krippendorff_alpha is None  # no variation: undefined, not 0
    assert motive.note


def test_quarters_and_iso_weeks() -> None:
    def at(day: str) -> datetime:
        return datetime.fromisoformat(day).replace(tzinfo=UTC)

    assert period_label(at("2024-03-31"), "quarter") == "2024-Q1"
    assert period_label(at("2024-04-01"), "quarter") == "2024-Q2"
    assert period_label(at("2024-12-30"), "week") == "2025-W01"  # ISO: Monday of week 1
    assert period_label(at("2021-01-03"), "week") == "2020-W53"
    assert period_label(at("2024-01-08"), "week") == "2024-W02"


def test_quarter_windows_pool_their_months(project: Project) -> None:
    result = drift(project, Request(levels=("document",)), "quarter")
    assert [(w.window.label, len(w.window.documents)) for w in result.windows] == [
        ("2024-Q1", 17),
        ("2024-Q2", 18),
        ("2024-Q3", 1),
    ]


def test_batches_in_the_order_articles_were_done(
    project: Project, template: Path, tmp_path: Path
) -> None:
    request = Request(levels=("document", "character"))
    four = drift(project, request, "batch", batches=4)
    assert [len(w.window.documents) for w in four.windows] == [9, 9, 9, 9]
    ordered = [d for w in four.windows for d in w.window.documents]
    # Article 05 was finished on 2 February (by Cleo), before article 06 on the 14th.
    assert _names(project, ordered)[:7] == [f"article {k:02d}" for k in range(7)]
    assert _names(project, ordered)[-1] == "article 35"
    tens = drift(project, request, "batch", batch_size=10)
    assert [w.window.label for w in tens.windows] == ["Batch 1", "Batch 2", "Batch 3", "Batch 4"]
    assert [len(w.window.documents) for w in tens.windows] == [10, 10, 10, 6]
    default = drift(project, request, "batch")
    assert [len(w.window.documents) for w in default.windows] == [4] * 6 + [3] * 4
    by_hand = build(tmp_path / "hand.annotator")
    only_done(by_hand, set(tens.windows[1].window.documents))
    assert tens.windows[1].report.as_dict() == measure(by_hand, request).as_dict()
    by_hand.close()


def test_same_coders_codes_and_options_in_every_window(
    project: Project, template: Path, tmp_path: Path
) -> None:
    request = Request(coders=["Ana", "Ben"], codes=["Actor"], levels=("document",))
    result = drift(project, request, "quarter")
    assert result.coders == ("Ana", "Ben")
    second = result.windows[1]
    assert {m.name for m in second.report.measures} == {
        "All codes",
        "Actor",
        "Actor > Diplomat",
        "Actor > Worker",
    }
    by_hand = build(tmp_path / "hand.annotator")
    only_done(by_hand, set(second.window.documents))
    assert second.report.as_dict() == measure(by_hand, request).as_dict()
    by_hand.close()


def test_alpha_of_a_window_agrees_with_the_krippendorff_package(project: Project) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    result = drift(project, Request(levels=("document",)), "month")
    march = result.windows[2]
    coders = [project.coders.lookup(name) for name in ("Ana", "Ben", "Cleo")]
    diplomat = project.codebook.tree().find("Actor > Diplomat")
    assert diplomat is not None
    data = [
        [
            float(any(c.code_id == diplomat.id for c in project.codings.for_document(d, coder.id)))
            for d in march.window.documents
        ]
        for coder in coders
        if coder is not None
    ]
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    found = next(m for m in march.report.measures if m.name == "Actor > Diplomat")
    assert found.krippendorff_alpha == pytest.approx(expected)


def test_a_status_without_a_time_falls_back_on_the_latest_coding(project: Project) -> None:
    first = project.documents.find("article 00").id
    project.db.execute(
        "UPDATE document_status SET updated_at = 'sometime' WHERE document_id = ?", [first]
    )
    project.db.execute(
        "UPDATE codings SET updated_at = '2024-03-20T10:00:00Z' WHERE document_id = ?", [first]
    )
    project.db.conn.commit()
    months = {
        w.window.label: w.window.documents
        for w in drift(project, Request(levels=("document",)), "month").windows
    }
    assert first in months["2024-03"]
    assert first not in months["2024-01"]


def test_assigning_a_finished_article_later_keeps_its_time(project: Project) -> None:
    first = project.documents.find("article 00").id
    ana = project.coders.lookup("Ana")
    assert ana is not None
    project.statuses.assign_many(ana.id, [first])  # today, long after January
    assert project.statuses.assigned() >= {(first, ana.id)}
    january = drift(project, Request(levels=("document",)), "month").windows[0]
    assert (january.window.label, first in january.window.documents) == ("2024-01", True)


def test_dated_by_coding_time_and_undated_articles(project: Project) -> None:
    second = project.documents.find("article 01").id
    project.db.execute(
        "UPDATE codings SET updated_at = '2024-05-05T10:00:00Z' WHERE document_id = ?", [second]
    )
    project.db.conn.commit()
    by_status = drift(project, Request(levels=("document",)), "month")
    by_coding = drift(project, Request(levels=("document",)), "month", dated_by="coded")
    assert second in by_status.windows[0].window.documents
    assert (
        second in next(w for w in by_coding.windows if w.window.label == "2024-05").window.documents
    )
    assert "latest codings" in by_coding.time_basis
    assert "marked it done" in by_status.time_basis
    # No readable time at all, for one of its coders: undated, in no window, and said so.
    project.db.execute("UPDATE document_status SET updated_at = '' WHERE document_id = ?", [second])
    project.db.execute("DELETE FROM codings WHERE document_id = ?", [second])
    project.db.conn.commit()
    result = drift(project, Request(levels=("document",)), "month")
    assert result.undated == 1
    assert all(second not in w.window.documents for w in result.windows)
    assert result.as_dict()["undated_articles"] == 1


def test_as_dict_holds_every_window_and_measure(project: Project) -> None:
    data = drift(project, Request(levels=("document",)), "quarter").as_dict()
    assert data["period"] == "quarter"
    assert data["coders"] == ["Ana", "Ben", "Cleo"]
    first = data["windows"][0]
    assert (first["window"], first["articles"], first["documents"]) == ("2024-Q1", 17, 17)
    overall = next(m for m in first["measures"] if m["scope"] == "overall")
    assert overall["units"] == 17 * 4
    assert "krippendorff_alpha" in overall


@pytest.mark.parametrize(
    ("period", "options", "message"),
    [
        ("year", {}, "drift goes by month, quarter, week, batch, not 'year'"),
        ("month", {"batch_size": 5}, "goes with batches, not periods"),
        ("batch", {"batch_size": 5, "batches": 2}, "not both"),
        ("batch", {"batches": 0}, "at least one article"),
        ("month", {"dated_by": "typed"}, "'done' or 'coded', not 'typed'"),
    ],
)
def test_bad_choices_are_refused(
    project: Project, period: str, options: dict[str, object], message: str
) -> None:
    with pytest.raises(UserError, match=message):
        drift(project, Request(), period, **options)  # type: ignore[arg-type]


def test_the_methods_sentence_states_the_windows_and_the_range_of_alpha(
    project: Project,
) -> None:
    result = drift(project, Request(levels=("document",)), "month")
    overall = [
        (m.krippendorff_alpha, w.window.label)
        for w in result.windows
        for m in w.report.measures
        if m.scope == "overall" and m.applied and m.krippendorff_alpha is not None
    ]
    assert len(overall) >= 2
    (low, low_at), (high, high_at) = min(overall), max(overall)
    text = result.methods
    assert text.startswith(
        "Agreement over time was measured in 7 monthly windows (2024-01 to 2024-07)"
    )
    assert (
        f"Overall α at article level ranged from {low:.3f} ({low_at}) to {high:.3f} ({high_at}) "
        f"over the {len(overall)} windows with a figure."
    ) in text
    assert result.as_dict()["methods"] == text
