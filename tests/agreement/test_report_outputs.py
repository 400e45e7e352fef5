"""What the report says beside its figures (issue 22 points 6–7, issue 11 points 7 and 12),
on projects built through the services, in every output: JSON, CSV, HTML and text. Figures
are checked against krippendorff and statsmodels on the units laid out here."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from tests.agreement.conftest import Build
from tests.agreement.studies import Built, alpha, cohen, row
from tests.test_cli import run

ARTICLES = [f"a{n:02d}" for n in range(1, 14)]
WORKER = "Actor > Worker"
# Whole-article Worker codings: Ana and Ben on a01–a12 (they differ on two), Cleo on a01 only.
GIVEN = {
    "Ana": [1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1],
    "Ben": [1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1],
    "Cleo": [0],
}


def _three_coders(build: Build) -> Built:
    built = build({"Motive": (True, ["Hunger", "Fear"]), "Actor": (False, ["Worker"])}, 13)
    for coder, given in GIVEN.items():
        for article, present in zip(ARTICLES, given, strict=False):
            if present:
                built.code(coder, article, WORKER, None)
            built.code(coder, article, "Motive > Hunger", (0, 10 + len(coder)))
        built.done(coder, *ARTICLES[: len(given)])
    return built


def test_a_coder_on_few_articles_is_named_and_lights_kappa_is_the_mean_of_pairs(
    build: Build,
) -> None:
    """22.6 and 11.12: Cleo shares one article with Ana and Ben."""
    built = _three_coders(build)
    report = built.measure()
    worker = row(report, "document", WORKER)
    ana, ben, cleo = GIVEN["Ana"], GIVEN["Ben"], GIVEN["Cleo"]
    light = np.mean([cohen(ana, ben), cohen(ana[:1], cleo), cohen(ben[:1], cleo)])
    assert worker.cohen_kappa == pytest.approx(light, abs=1e-12)
    units = [
        [a, b, cleo[0] if n == 0 else None] for n, (a, b) in enumerate(zip(ana, ben, strict=True))
    ]
    assert worker.krippendorff_alpha == pytest.approx(alpha(units), abs=1e-12)
    assert worker.kappa_measure == report.kappa_measure == "Light's κ"
    assert worker.coders == ("Ana", "Ben", "Cleo")
    assert "Cleo shares only 1 article with the other coders (fewer than 10)" in "\n".join(
        report.warnings
    )
    assert any(w.startswith("Ana and Cleo share only 1 article") for w in report.warnings)
    assert any(w.startswith("α_U rests on 1 article (") for w in report.warnings)
    # Cleo's only article counted by nobody else: she enters no figure, and the report says so.
    built.done("Cleo", ARTICLES[12])
    built.project.statuses.mark(built.ids["a01"], built.coder("Cleo"), _not_started())
    report = built.measure(coders=["Ana", "Ben", "Cleo"], levels=("document",))
    worker = row(report, "document", WORKER)
    assert worker.coders == ("Ana", "Ben")
    assert worker.cohen_kappa is None  # Light's κ: Ana–Cleo and Ben–Cleo share nothing
    assert worker.note == (
        "Light's κ: undefined, as the κ of Ana and Cleo and of Ben and Cleo is (they rated no "
        "unit both)"
    )
    assert "Cleo shares no article with the other coders and enters no figure" in report.warnings


def _not_started():  # type: ignore[no-untyped-def]
    from annotator.domain.model import DocumentStatus

    return DocumentStatus.NOT_STARTED


def _outputs(built: Built, tmp_path: Path, *options: str) -> tuple[dict, list[dict], str, str]:  # type: ignore[type-arg]
    path = built.project.path
    assert path is not None
    built.project.close()
    report = json.loads(run("agreement", path, "--json", *options).stdout)
    run("agreement", path, "-o", tmp_path / "r.csv", *options)
    table = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8"))))
    run("agreement", path, "-o", tmp_path / "r.html", *options)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    text = run("agreement", path, *options).stdout
    return report, table, page, text


def test_a_code_nobody_applied_reads_not_applied_everywhere(build: Build, tmp_path: Path) -> None:
    """22.7: Fear was never applied; its agreement and AC1 of 1 must not read as perfect."""
    built = _three_coders(build)
    report, table, page, text = _outputs(
        built, tmp_path, "--coders", "Ana,Ben", "--level", "document"
    )
    fear = next(m for m in report["measures"] if m["name"] == "Motive > Fear")
    assert fear["applied"] is False
    assert fear["note"].startswith("not applied: no coder applied it")
    assert fear["krippendorff_alpha"] is None
    row_ = next(r for r in table if r["name"] == "Motive > Fear")
    assert (row_["applied"], row_["note"][:11]) == ("0", "not applied")
    assert "Fear<sup>" in page
    fear_row = page.split("Fear<sup>")[1].split("</tr>")[0]
    assert "not applied" in fear_row
    assert "1.000" not in fear_row
    [line] = [line for line in text.splitlines() if line.strip().startswith("Fear")]
    assert "not applied" in line
    assert "1.000" not in line
    hunger = next(m for m in report["measures"] if m["name"] == "Motive > Hunger")
    assert hunger["applied"] is True
    # Every α interval here rests on twelve articles or fewer than ten: said when fewer.
    worker = next(m for m in report["measures"] if m["name"] == WORKER)
    assert worker["alpha_ci95"] is not None
    assert "rests on" not in worker["note"]


def test_an_interval_on_fewer_than_ten_articles_says_so(build: Build) -> None:
    built = build({"Actor": (False, ["Worker"])}, 4)
    for coder, given in (("Ana", [1, 0, 1, 0]), ("Ben", [1, 0, 0, 0])):
        for article, present in zip(ARTICLES, given, strict=False):
            if present:
                built.code(coder, article, WORKER, None)
        built.done(coder, *ARTICLES[:4])
    worker = row(built.measure(levels=("document",)), "document", WORKER)
    assert worker.alpha_ci95 is not None
    assert "the interval rests on 4 articles (fewer than 10)" in worker.note


def test_unitizing_rows_say_why_a_measure_is_empty_and_alpha_u_has_an_interval(
    build: Build,
) -> None:
    """11.7: at the unitizing level every empty figure has its reason, α_U an interval."""
    built = build({"Motive": (True, ["Hunger", "Fear"]), "Actor": (False, ["Worker"])}, 12)
    for n, article in enumerate(ARTICLES[:12]):
        built.code("Ana", article, "Motive > Hunger", (0, 40))
        built.code("Ben", article, "Motive > Hunger", (n % 4, 40 + n % 3))
        built.code("Ana", article, WORKER, (50, 90))
        if n % 3:
            built.code("Ben", article, WORKER, (52, 90))
    built.done("Ana", *ARTICLES[:12])
    built.done("Ben", *ARTICLES[:12])
    report = built.measure(levels=("unitizing",))
    for m in report.measures:
        empty = [m.percent_agreement, m.cohen_kappa, m.fleiss_kappa, m.gwet_ac1]
        assert all(value is None for value in empty)
        assert m.note, m
    for name in ("All codes", "Motive > Hunger", WORKER):
        alpha_u = row(report, "unitizing", name)
        assert "α_U only: agreement, Cohen's κ, Fleiss' κ, AC1" in alpha_u.note
        assert alpha_u.alpha_ci95 is not None
        assert alpha_u.krippendorff_alpha is not None
        low, high = alpha_u.alpha_ci95
        assert low <= alpha_u.krippendorff_alpha <= high
    fear = row(report, "unitizing", "Motive > Fear")
    assert not fear.applied
    assert fear.note == (
        "not applied: no coder applied it in the articles compared, so there was nothing to "
        "agree on (α_U is undefined)"
    )
    assert row(report, "unitizing", "All codes").codes_pooled == 2


def test_lights_kappa_is_named_and_the_text_keeps_the_codebooks_hierarchy(
    build: Build, tmp_path: Path
) -> None:
    """11.12: with three coders the κ column is Light's κ in JSON, CSV, HTML and text; the
    text table heads Actor's codes with Actor at every level, not under Motive."""
    built = _three_coders(build)
    report, table, page, text = _outputs(built, tmp_path)
    assert report["kappa_measure"] == "Light's κ"
    assert {m["kappa_measure"] for m in report["measures"]} == {"Light's κ"}
    assert {r["kappa_measure"] for r in table} == {"Light's κ"}
    assert "Light's κ</abbr>" in page
    assert "Cohen's κ</th>" not in page
    assert "κ is Light's κ: the mean of every pair of coders' Cohen's κ." in text
    lines = text.splitlines()
    for level in ("Character level", "Unitizing (α_U)", "Segment matching"):
        start = next(k for k, line in enumerate(lines) if line.startswith(level))
        section = lines[start : start + 8]
        worker = next(k for k, line in enumerate(section) if line.strip().startswith("Worker"))
        assert section[worker - 1] == "Actor", section
        assert section[worker].startswith("  Worker")
    assert lines[lines.index("Article level (N = articles)") + 1].split()[2] == "Light"


def test_every_null_has_its_reason_named_for_what_was_computed(build: Build) -> None:
    """Hostile review, point 5: Light's κ and its coders are named; a pair whose κ is
    undefined is said to leave Light's κ empty; positive agreement on dimensions and segments
    and every figure of a segment row have their reason; "not applied" says what holds at
    each level."""
    built = _three_coders(build)
    report = built.measure()
    # Every empty figure of a row that was applied has a note naming that figure.
    named = {
        "percent_agreement": "agreement",
        "cohen_kappa": "Light's κ",
        "fleiss_kappa": "Fleiss' κ",
        "krippendorff_alpha": "α",
        "gwet_ac1": "AC1",
        "positive_agreement": "positive agreement",
    }
    for m in report.measures:
        for field, name in named.items():
            if m.applied and getattr(m, field) is None:
                assert name in m.note or "no unit was coded" in m.note, (m.level, m.name, field)
    for level in ("document", "character"):
        motive = row(report, level, "Motive")
        assert motive.positive_agreement is None
        assert "positive agreement: it is specific agreement on one code's presence" in (
            motive.note
        )
    assert "Light's κ, Fleiss' κ, α, AC1 and positive agreement need units of equal size" in (
        row(report, "segment", "Motive > Hunger").note
    )
    # Every coder applies Hunger everywhere: each pair's κ is undefined, Light's κ empty.
    hunger = row(report, "document", "Motive > Hunger")
    assert hunger.cohen_kappa is None
    assert hunger.note.startswith("Light's κ: undefined, as the κ of Ana and Ben and of Ana and")
    # Cleo shares one article: where her κ with Ana is undefined, Light's κ is empty, and the
    # warning says in how many rows instead of "counts as much as any other pair's".
    rows = [m for m in report.measures if m.applied and m.level in ("document", "character")]
    empty = [m for m in rows if "Ana and Cleo" in m.note and m.cohen_kappa is None]
    assert 0 < len(empty) < len(rows)
    assert (
        f"Ana and Cleo share only 1 article (fewer than 10): their κ is undefined in "
        f"{len(empty)} of the {len(rows)} rows, which leaves Light's κ empty there; elsewhere "
        "their κ, from so few, counts as much as any other pair's"
    ) in report.warnings
    fear = {m.level: m.note for m in report.measures if m.name == "Motive > Fear"}
    assert fear["document"].endswith("(agreement and AC1 are 1 by definition, α and κ undefined)")
    assert fear["unitizing"].endswith("(α_U is undefined)")
    assert fear["segment"].endswith("(there is no segment to match)")


def test_not_applied_with_nothing_compared_says_so_and_one_combination_is_singular(
    build: Build,
) -> None:
    built = build({"Motive": (True, ["Hunger", "Fear"])}, 4)
    built.code("Ana", "a01", "Motive > Hunger", (0, 10))
    built.code("Ben", "a02", "Motive > Hunger", (0, 10))
    built.done("Ana", "a01")
    built.done("Ben", "a02")
    report = built.measure()
    assert report.documents == 0
    for m in report.measures:
        assert not m.applied
        assert m.note == (
            "not applied: nothing was compared (no article counts for two or more coders)"
        ), (m.level, m.name)
    # One combination coders gave: "1 combination".
    for coder in ("Ana", "Ben"):
        built.code(coder, "a03", "Motive > Hunger", (0, 10))
        built.done(coder, "a03")
    built.code("Ana", "a03", "Motive > Fear", (20, 30))
    motive = row(built.measure(levels=("document",)), "document", "Motive")
    assert "each of its 2 codes, 1 combination coders gave (4 categories" in motive.note


def test_the_text_table_numbers_each_rows_note(build: Build, tmp_path: Path) -> None:
    """A "—" can be traced to its reason: every row with a note ends with its number, and
    the numbered notes follow the tables."""
    built = _three_coders(build)
    _, _, _, text = _outputs(built, tmp_path)
    tables, notes = text.split(
        "\nNotes (why a figure is '—' or 'not applied', what the units are):\n"
    )
    numbered = {}
    for line in notes.split("\n\nWarnings:")[0].splitlines():
        number, note = line.strip().split(" ", 1)
        numbered[number] = note
    marked = 0
    for line in tables.splitlines():
        if "—" in line or "not applied" in line:
            found = re.search(r"  (\(\d+\))(  \[coders: [^]]*\])?$", line)
            assert found is not None, line
            assert found.group(1) in numbered, line
            marked += 1
    assert marked > 10
    assert numbered["(1)"].startswith("units are (article, code) pairs")
