"""Sample designs: sizes from shares, proportional allocation by the largest remainder, the
SHA-256 draw checked against an independent script, the rest split by size, the design
stored, every write one transaction."""

from __future__ import annotations

import random
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.services import create_project
from annotator.services.assignments import assigned_counts, assignments
from annotator.services.sample_design import (
    DesignSpec,
    allocate,
    current_design,
    draw_design,
    parse_share,
    plan_design,
    size_of,
    withdraw_design,
)
from annotator.storage import Project
from tests.services.independent_draw import corpus, draw


@pytest.fixture
def press(tmp_path: Path) -> Iterator[Project]:
    """The 40 articles of the independent script, with outlet and date, and three coders."""
    project = create_project(tmp_path / "press.annotator")
    with project.transaction():
        outlet = project.documents.define_variable("outlet", VariableType.CATEGORY)
        day = project.documents.define_variable("date", VariableType.DATE)
        for k, (name, guid, source, date) in enumerate(corpus()):
            document = project.documents.add(
                name, name, f"Text {k} " + "word " * (k * 13 % 50), guid=guid
            )
            project.documents.set_values(
                document.id, {outlet.id: source or None, day.id: date or None}
            )
        for coder in ("Ana", "Ben", "Cleo"):
            project.coders.add(coder)
    yield project
    project.close()


def test_a_share_is_rounded_to_the_nearest_article_a_half_up_exactly() -> None:
    assert parse_share("15%") == parse_share("0.15") == parse_share("15 %") == Fraction(3, 20)
    assert size_of(30, parse_share("0.15")) == 5  # 4.5: float 0.15 * 30 is 4.4999…
    assert size_of(10, parse_share("15%")) == 2  # 1.5
    assert size_of(8, parse_share("15%")) == 1  # 1.2
    assert size_of(3, parse_share("1%")) == 1  # never none
    for bad in ("0", "150%", "abc", "-5%"):
        with pytest.raises(UserError, match="share"):
            parse_share(bad)


def test_largest_remainder_allocation_adds_up_and_breaks_ties_by_size() -> None:
    # Quotas 7.5, 4.5, 3: the one article left goes to the larger of the two halves.
    assert allocate([50, 30, 20], 15) == [8, 4, 3]
    # Quotas 1/3 each: the earliest stratum of equal size gets it.
    assert allocate([1, 1, 1], 1) == [1, 0, 0]
    generator = random.Random(5)
    for _ in range(300):
        sizes = [generator.randint(0, 40) for _ in range(generator.randint(1, 9))]
        if not sum(sizes):
            continue
        total = generator.randint(0, sum(sizes))
        given = allocate(sizes, total)
        assert sum(given) == total
        for n, g in zip(sizes, given, strict=True):
            quota = Fraction(total * n, sum(sizes))
            assert quota - 1 < g < quota + 1
            assert g <= n


def test_the_stratified_draw_is_the_one_an_independent_script_computes(press: Project) -> None:
    spec = DesignSpec(["Ana", "Ben"], seed=7, share="15%", strata=["outlet", "year(date)"])
    plan = plan_design(press, spec)
    expected = draw(corpus(), 15, 7)
    # The script's output, kept literally: the draw must not move with a new Python.
    assert expected == [
        "article-02",
        "article-03",
        "article-21",
        "article-25",
        "article-31",
        "article-32",
    ]
    assert [name for _, name in plan.sample] == expected
    assert plan.size == 6
    assert sum(s.drawn for s in plan.strata) == 6
    assert sum(s.articles for s in plan.strata) == 40
    # Articles with no outlet or no date form their own strata, named so.
    assert any("(no value)" in s.label for s in plan.strata)
    assert plan_design(press, spec) == plan  # the same seed, the same draw
    other = plan_design(
        press, DesignSpec(["Ana"], seed=8, share="15%", strata=["outlet", "year(date)"])
    )
    assert [s.drawn for s in other.strata] == [s.drawn for s in plan.strata]
    assert other.sample != plan.sample


def test_the_rest_is_split_by_size_and_the_design_is_stored(press: Project) -> None:
    spec = DesignSpec(["Ana", "Ben", "Cleo"], seed=3, size=4, split_rest=True, where=["outlet~h"])
    drawn = draw_design(press, spec)
    plan = drawn.plan
    lengths = {d.name: d.length for d in press.documents.all()}
    outlets = {name: source for name, _, source, _ in corpus()}
    sample = {name for _, name in plan.sample}
    rest = [n for n in lengths if n not in sample and "h" in outlets[n].lower()]
    assert sum(r.articles for r in plan.rest) == len(rest)
    assert sum(r.characters for r in plan.rest) == sum(lengths[n] for n in rest)
    spread = max(r.characters for r in plan.rest) - min(r.characters for r in plan.rest)
    assert spread <= max(lengths[n] for n in rest)  # greedy largest-first: within one article
    listed = {a.coder: {name for _, name in a.documents} for a in assignments(press)}
    for share in plan.rest:
        mine = listed[share.coder] - sample
        assert len(mine) == share.articles
        assert sum(lengths[n] for n in mine) == share.characters
        assert listed[share.coder] >= sample
    design = current_design(press)
    assert design is not None
    assert design.id == drawn.design_id
    stated = design.as_dict()
    assert (stated["seed"], stated["size"], stated["coders"]) == (3, 4, ["Ana", "Ben", "Cleo"])
    assert stated["split_rest"] is True
    assert stated["where"] == ["outlet~h"]
    assert "split among the coders" in design.sentence()
    assert withdraw_design(press, drawn.design_id) is not None
    assert current_design(press) is None


def test_a_refused_draw_writes_nothing(press: Project) -> None:
    draw_design(press, DesignSpec(["Ana"], seed=1, size=2))
    before = assigned_counts(press)
    for spec, message in (
        (DesignSpec(["Ana", "Dora"], size=2), "no coder 'Dora'"),
        (DesignSpec(["Ana"], share="15%", strata=["colour"]), "no variable 'colour'"),
        (DesignSpec(["Ana"], share="15%", strata=["year(outlet)"]), "needs a date variable"),
        (DesignSpec(["Ana"], size=41), "fewer than 41"),
        (DesignSpec(["Ana"], size=2, share="15%"), "not both"),
        (DesignSpec(["Ana"], size=2, where=["outlet=Yonhap"]), "--split-rest"),
        (DesignSpec(["Ana"], size=2, split_rest=True, where=["colour=red"]), "no variable"),
    ):
        with pytest.raises(UserError, match=message):
            draw_design(press, spec)
    assert assigned_counts(press) == before
    design = current_design(press)
    assert design is not None
    assert design.design["size"] == 2
