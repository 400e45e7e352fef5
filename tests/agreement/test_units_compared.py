"""Which units enter each figure (issue 22, points 1–4), on projects built through the
services and checked against krippendorff, statsmodels and irrCAC on the units that are right:
pooled rows pool only the codes someone applied; an assigned article a coder has not finished
is missing; a whole-article coding covers its article's characters; a dimension's AC1 counts
every one of its categories."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pytest

from annotator.io.agreement_files import report_html
from annotator.services.agreement import draw_sample
from tests.agreement.conftest import Build
from tests.agreement.studies import Built, ac1, alpha, cohen, irr, percent, row

Coding = tuple[str, str, str, tuple[int, int] | None]  # coder, article, code, span


def _covered(built: Built, codings: list[Coding], coder: str, article: str, code: str):  # type: ignore[no-untyped-def]
    """The characters of an article a coder gave a code (a whole-article coding: all)."""
    covered = np.zeros(built.lengths[article], dtype=int)
    for who, where, what, span in codings:
        if (who, where, what) == (coder, article, code):
            start, end = span if span is not None else (0, built.lengths[article])
            covered[start:end] = 1
    return covered


def _present(codings: list[Coding], coder: str, article: str, code: str) -> int:
    return int(any(c[:3] == (coder, article, code) for c in codings))


ARTICLES = [f"a{n:02d}" for n in range(1, 13)]
TOPICS = [f"Topic {n:02d}" for n in range(1, 21)]
# Two codes used out of twenty: Ana and Ben agree on most passages, not all.
TWO_USED: list[Coding] = [
    *(("Ana", a, "Subject > Topic 01", (0, 40)) for a in ARTICLES[:7]),
    *(("Ben", a, "Subject > Topic 01", (10, 40)) for a in ARTICLES[2:7]),
    ("Ben", "a10", "Subject > Topic 01", (0, 25)),
    *(("Ana", a, "Subject > Topic 02", (50, 120)) for a in ARTICLES[5:10]),
    *(("Ben", a, "Subject > Topic 02", (60, 120)) for a in ARTICLES[4:9]),
]


@pytest.mark.irrcac
def test_all_codes_pools_only_the_codes_applied(build: Build) -> None:
    """22.1: 18 codes nobody used leave "All codes" as it is with the two that were used."""
    built = build({"Subject": (False, TOPICS)}, 12)
    for coder, article, code, span in TWO_USED:
        built.code(coder, article, code, span)
    built.done("Ana", *ARTICLES)
    built.done("Ben", *ARTICLES)
    report = built.measure(levels=("document", "character"))
    used = ["Subject > Topic 01", "Subject > Topic 02"]
    # Article level: the units are the 24 (article, code) pairs of the two codes used.
    units = [
        [_present(TWO_USED, coder, a, code) for coder in ("Ana", "Ben")]
        for code in used
        for a in ARTICLES
    ]
    pooled = row(report, "document", "All codes")
    assert pooled.krippendorff_alpha == pytest.approx(alpha(units), abs=1e-12)
    assert (pooled.units, pooled.codes_pooled) == (24, 2)
    assert pooled.cohen_kappa == pytest.approx(cohen(*zip(*units, strict=True)), abs=1e-12)
    assert pooled.percent_agreement == pytest.approx(percent(units, [0, 1]), abs=1e-12)
    assert pooled.gwet_ac1 == pytest.approx(ac1(units, [0, 1]), abs=1e-12)
    assert "18 codes nobody applied left out" in pooled.note
    # Character level: (character, code) pairs of the two codes used.
    characters = [
        pair
        for code in used
        for a in ARTICLES
        for pair in zip(
            _covered(built, TWO_USED, "Ana", a, code),
            _covered(built, TWO_USED, "Ben", a, code),
            strict=True,
        )
    ]
    pooled = row(report, "character", "All codes")
    assert pooled.units == len(characters)
    assert pooled.codes_pooled == 2
    assert pooled.krippendorff_alpha == pytest.approx(alpha(characters), abs=1e-9)
    assert pooled.gwet_ac1 == pytest.approx(ac1(characters, [0, 1]), abs=1e-9)
    # The summary for a methods section shows the same figure.
    cells = _summary_row(report_html(report), "All codes")
    assert cells[0] == "All codes (2 codes)"
    assert cells[5] == f"{alpha(units):.3f}"
    for name in TOPICS[2:]:
        unused = row(report, "document", f"Subject > {name}")
        assert not unused.applied
        assert unused.note.startswith("not applied")


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _summary_row(page: str, name: str) -> list[str]:
    summary = page.split("<h2>Summary")[1].split("</table>")[0]
    parser = _Rows()
    parser.feed(summary)
    found = next(r for r in parser.rows if r and r[0].startswith(name))
    found[0] = found[0].rstrip("0123456789")  # the footnote mark
    return found


def test_an_assigned_article_not_done_is_missing_not_absent(build: Build) -> None:
    """22.2: Ben finished 4 of the 8 articles assigned to him and never opened the rest."""
    built = build({"Motive": (True, ["Subsistence", "Political"])}, 8)
    built.coder("Ana")
    built.coder("Ben")
    draw_sample(built.project, 8, ["Ana", "Ben"], seed=3)
    articles = ARTICLES[:8]
    for a in ["a01", "a02", *articles[4:]]:
        built.code("Ana", a, "Motive > Subsistence", (0, 20))
    for a in ["a01", "a02"]:
        built.code("Ben", a, "Motive > Subsistence", (0, 20))
    built.done("Ana", *articles)
    built.done("Ben", *articles[:4])
    report = built.measure(levels=("document",), counted_by="assigned")
    subsistence = row(report, "document", "Motive > Subsistence")
    units = [[1, 1], [1, 1], [0, 0], [0, 0]]  # a01–a04; a05–a08 are missing for Ben
    assert subsistence.units == 4
    assert subsistence.krippendorff_alpha == pytest.approx(alpha(units), abs=1e-12)
    assert subsistence.krippendorff_alpha == pytest.approx(1.0)
    assert report.documents == 4
    assert report.left_out == (("Ana", 0), ("Ben", 4))
    assert report.as_dict()["assigned_not_done"] == {"Ana": 0, "Ben": 4}
    assert any(
        w.startswith("Ben: 4 articles assigned but not marked done") for w in report.warnings
    )
    assert "has marked it done" in dict(report.definitions)["Articles"]


def test_an_assigned_coder_who_finished_nothing_is_named(build: Build) -> None:
    """Cleo was assigned the sample with Ana and Ben and finished none of it: counting
    assigned articles, she is not compared, and the report says so (she vanished)."""
    built = build({"Motive": (True, ["Subsistence", "Political"])}, 8)
    for coder in ("Ana", "Ben", "Cleo"):
        built.coder(coder)
    drawn = draw_sample(built.project, 6, ["Ana", "Ben", "Cleo"], seed=3)[0]
    names = [name for name, id in built.ids.items() if id in drawn]
    for a in names:
        built.code("Ana", a, "Motive > Subsistence", (0, 20))
        built.code("Ben", a, "Motive > Subsistence", (0, 20))
    built.code("Cleo", names[0], "Motive > Political", (0, 20))  # begun, never finished
    built.done("Ana", *names)
    built.done("Ben", *names[:5])
    report = built.measure(levels=("document",), counted_by="assigned")
    assert report.coders == ("Ana", "Ben")
    assert report.as_dict()["assigned_not_done"] == {"Ana": 0, "Ben": 1, "Cleo": 6}
    assert (
        "Cleo was assigned 6 articles and has marked none of them done: Cleo is left out of "
        "every figure" in report.warnings
    )
    assert "Cleo: 6 assigned but not done, left out." in report_html(report)
    # Named on purpose, she is compared (with nothing) and warned about as before.
    named = built.measure(levels=("document",), counted_by="assigned", coders=("Ana", "Cleo"))
    assert [w for w in named.warnings if "marked none" in w] == []
    assert any(
        w.startswith("Cleo: 6 articles assigned but not marked done") for w in named.warnings
    )
    # Counting done articles, assignment says nothing about who is compared.
    assert not [w for w in built.measure(levels=("document",)).warnings if "Cleo" in w]


MOTIVES = ["Subsistence", "Political", "Family", "Other"]


@pytest.mark.irrcac
def test_a_whole_article_coding_covers_the_article_at_every_span_level(build: Build) -> None:
    """22.3: Ana codes Family as a whole-article coding, Ben marks the whole text."""
    codings: list[Coding] = []
    for a in ARTICLES[:6]:
        codings.append(("Ana", a, "Motive > Family", None))
    built = build({"Motive": (True, MOTIVES)}, 12)
    for a in ARTICLES[:6]:
        codings.append(("Ben", a, "Motive > Family", (0, built.lengths[a])))
    for a in ARTICLES[6:10]:
        codings.append(("Ana", a, "Motive > Subsistence", (0, 30)))
        codings.append(("Ben", a, "Motive > Subsistence", (5, 30)))
    for coder, article, code, span in codings:
        built.code(coder, article, code, span)
    built.done("Ana", *ARTICLES)
    built.done("Ben", *ARTICLES)
    report = built.measure()
    characters = [
        pair
        for a in ARTICLES
        for pair in zip(
            _covered(built, codings, "Ana", a, "Motive > Family"),
            _covered(built, codings, "Ben", a, "Motive > Family"),
            strict=True,
        )
    ]
    family = row(report, "character", "Motive > Family")
    assert family.krippendorff_alpha == pytest.approx(alpha(characters), abs=1e-9)
    assert family.krippendorff_alpha == pytest.approx(1.0)
    # Both coders' units are the same six whole articles: no observed disagreement.
    assert row(report, "unitizing", "Motive > Family").krippendorff_alpha == pytest.approx(1.0)
    segments = row(report, "segment", "Motive > Family")
    assert (segments.units, segments.percent_agreement) == (12, 1.0)
    assert row(report, "document", "Motive > Family").krippendorff_alpha == pytest.approx(1.0)
    for m in report.measures:
        if "Family" in m.name:
            assert m.applied
            assert "no coder applied" not in m.note
            assert "no coder marked" not in m.note
    # The exclusive dimension per character: Family covers the whole of the six articles.
    values = []
    for a in ARTICLES:
        per_coder = []
        for coder in ("Ana", "Ben"):
            chosen = np.zeros(built.lengths[a], dtype=int)
            for k, code in enumerate(MOTIVES, start=1):
                chosen[_covered(built, codings, coder, a, f"Motive > {code}") == 1] = k
            per_coder.append(chosen)
        values += list(zip(*per_coder, strict=True))
    motive = row(report, "character", "Motive")
    assert motive.krippendorff_alpha == pytest.approx(alpha(values), abs=1e-9)
    assert motive.gwet_ac1 == pytest.approx(ac1(values, range(5)), abs=1e-9)


ARTICLE_MOTIVES = {  # nobody chose Political
    "Ana": ["Subsistence", "Subsistence", "Family", None, "Other", "Family", None, "Family"],
    "Ben": ["Subsistence", "Family", "Family", None, "Other", None, None, "Subsistence"],
    "Cleo": ["Subsistence", "Family", "Other", "Other", "Other", "Family", None, "Family"],
}


@pytest.mark.irrcac
@pytest.mark.parametrize("coders", [("Ana", "Ben"), ("Ana", "Ben", "Cleo")])
def test_dimension_ac1_counts_every_category_of_the_dimension(
    build: Build, coders: tuple[str, ...]
) -> None:
    """22.4: AC1 of Motive with irrCAC's `categories=` all of Motive's (none and each code),
    also when nobody chose Political."""
    built = build({"Motive": (True, MOTIVES), "Actor": (False, ["Worker"])}, 8)
    for coder in coders:
        for a, motive in zip(ARTICLES, ARTICLE_MOTIVES[coder], strict=False):
            if motive is not None:
                built.code(coder, a, f"Motive > {motive}", (0, 30))
            built.code(coder, a, "Actor > Worker", None)
        built.done(coder, *ARTICLES[:8])
    report = built.measure(levels=("document", "character"))
    index = {None: 0, **{m: k for k, m in enumerate(MOTIVES, start=1)}}
    units = [[index[ARTICLE_MOTIVES[c][n]] for c in coders] for n in range(8)]
    motive = row(report, "document", "Motive")
    full = ac1(units, range(5))
    assert motive.gwet_ac1 == pytest.approx(full, abs=1e-12)
    seen = sorted({v for unit in units for v in unit})
    assert abs(full - ac1(units, seen)) > 0.01  # the categories that occurred give another
    assert motive.krippendorff_alpha == pytest.approx(alpha(units), abs=1e-12)
    assert row(report, "character", "Motive").gwet_ac1 is not None
    # Nobody used any Motive code: the dimension is not applied, its AC1 still over 5.
    empty = build({"Motive": (True, MOTIVES), "Actor": (False, ["Worker"])}, 8)
    for coder in coders:
        for a in ARTICLES[: 4 + len(coder) % 3]:
            empty.code(coder, a, "Actor > Worker", None)
        empty.done(coder, *ARTICLES[:8])
    report = empty.measure(levels=("document",))
    motive = row(report, "document", "Motive")
    assert not motive.applied
    assert motive.note.startswith("not applied")
    assert motive.gwet_ac1 == pytest.approx(ac1([[0] * len(coders)] * 8, range(5)))
    assert row(report, "document", "All codes").codes_pooled == 1


SOLO_CODINGS: list[Coding] = [  # Ana's work on articles that count for her alone
    ("Ana", "a07", "Motive > Subsistence", (0, 30)),
    ("Ana", "a07", "Motive > Political", (40, 90)),  # a combination no one else gave
    ("Ana", "a08", "Motive > Political", (0, 60)),
    ("Ana", "a09", "Motive > Political", None),
    ("Ana", "a10", "Actor > Worker", (10, 150)),
]
COMPARED_CODINGS: list[Coding] = [
    ("Ana", "a01", "Motive > Subsistence", (0, 40)),
    ("Ben", "a01", "Motive > Subsistence", (5, 40)),
    ("Cleo", "a01", "Motive > Political", (5, 40)),
    ("Ana", "a02", "Motive > Political", (20, 80)),
    ("Ben", "a02", "Motive > Political", (20, 70)),
    ("Ana", "a03", "Actor > Worker", None),
    ("Cleo", "a03", "Actor > Worker", (0, 50)),
    ("Ben", "a04", "Motive > Subsistence", (0, 30)),
    ("Ana", "a05", "Motive > Subsistence", (0, 30)),
    ("Ben", "a05", "Motive > Subsistence", (0, 30)),
    ("Ana", "a06", "Actor > Worker", (30, 60)),
    ("Ben", "a06", "Actor > Worker", (30, 70)),
]


def _solo_study(build: Build, *, solo: bool) -> Built:
    """Ana, Ben and Cleo: a01–a03 count for all three, a04–a06 for Ana and Ben, and (with
    ``solo``) a07–a10 for Ana alone, who coded them."""
    built = build(
        {"Motive": (True, ["Subsistence", "Political"]), "Actor": (False, ["Worker"])}, 10
    )
    for coder, article, code, span in COMPARED_CODINGS + (SOLO_CODINGS if solo else []):
        built.code(coder, article, code, span)
    built.done("Ana", *ARTICLES[: 10 if solo else 6])
    built.done("Ben", *ARTICLES[:6])
    built.done("Cleo", *ARTICLES[:3])
    return built


@pytest.mark.irrcac
def test_articles_that_count_for_one_coder_move_no_figure(build: Build) -> None:
    """Fleiss' κ and AC1 took their chance shares from every rated unit, so Ana's articles
    that count for her alone moved them (and a combination she gave there added a category
    to Motive). Every coefficient now reads the units compared only: irrCAC given exactly
    those units, and the same figures as without Ana's solo work."""
    built = _solo_study(build, solo=True)
    with_solo = built.measure(levels=("document", "character"))
    without = _solo_study(build, solo=False).measure(levels=("document", "character"))
    assert with_solo.documents == without.documents == 6
    fields = ("units", "percent_agreement", "cohen_kappa", "fleiss_kappa")
    fields += ("krippendorff_alpha", "gwet_ac1", "positive_agreement", "note")
    for ours, theirs in zip(with_solo.measures, without.measures, strict=True):
        for field in fields:
            assert getattr(ours, field) == pytest.approx(getattr(theirs, field), abs=1e-12), (
                ours.level,
                ours.name,
                field,
            )
    coders = ("Ana", "Ben", "Cleo")
    compared = ARTICLES[:6]
    everything = COMPARED_CODINGS + SOLO_CODINGS

    def counts(coder: str, article: str) -> bool:
        return coder != "Cleo" or compared.index(article) < 3

    def value(coder: str, article: str, code: str) -> int | None:
        return _present(everything, coder, article, code) if counts(coder, article) else None

    for code in ("Motive > Subsistence", "Motive > Political", "Actor > Worker"):
        units = [[value(c, a, code) for c in coders] for a in compared]
        found = row(with_solo, "document", code)
        fleiss = irr(units, [0, 1]).fleiss()["est"]["coefficient_value"]
        assert found.fleiss_kappa == pytest.approx(fleiss, abs=1e-12)
        assert found.gwet_ac1 == pytest.approx(ac1(units, [0, 1]), abs=1e-12)
        assert found.krippendorff_alpha == pytest.approx(alpha(units), abs=1e-12)
        # Character level: every character of the articles compared.
        characters = []
        for a in compared:
            covered = [
                _covered(built, everything, c, a, code) if counts(c, a) else None for c in coders
            ]
            for k in range(built.lengths[a]):
                characters.append([None if x is None else int(x[k]) for x in covered])
        found = row(with_solo, "character", code)
        fleiss = irr(characters, [0, 1]).fleiss()["est"]["coefficient_value"]
        assert found.fleiss_kappa == pytest.approx(fleiss, abs=1e-9)
        assert found.gwet_ac1 == pytest.approx(ac1(characters, [0, 1]), abs=1e-9)
    # Motive as one variable: none, Subsistence, Political (Ana's combination in a07 is no
    # category: a07 counts for her alone).
    motive = []
    for a in compared:
        per_coder = []
        for c in coders:
            s, p = value(c, a, "Motive > Subsistence"), value(c, a, "Motive > Political")
            per_coder.append(None if s is None or p is None else s + 2 * p)
        motive.append(per_coder)
    assert all(v != 3 for unit in motive for v in unit)
    found = row(with_solo, "document", "Motive")
    assert found.gwet_ac1 == pytest.approx(ac1(motive, range(3)), abs=1e-12)
    fleiss = irr(motive, range(3)).fleiss()["est"]["coefficient_value"]
    assert found.fleiss_kappa == pytest.approx(fleiss, abs=1e-12)
    assert "combination" not in found.note
