"""Frequencies and co-occurrence read from hand-built projects: whole-article codings, groups
with no codings, articles without the variable, date bins, coders as groups, dimensions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from annotator.analysis.cooccurrence import Within
from annotator.analysis.crosstab import Unit
from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.domain.times import iso_date
from annotator.services.analysis import (
    NO_VALUE,
    NOT_A_DATE,
    Bin,
    Request,
    Rows,
    cooccurrences,
    date_bin,
    frequencies,
)
from annotator.storage import Project
from annotator.ui.models.documents import _date_key

TEXTS = {
    "one": "Workers left the plant and brokers arranged the trip.",
    "two": "A defector spoke to the press.",
    "three": "Nobody else did.",
    "four": "Officials denied it all, again and again.",
}


@dataclass
class Built:
    project: Project
    ids: dict[str, int]
    lengths: dict[str, int]


@pytest.fixture
def built(memory: Project) -> Built:
    p = memory
    ids = {name: p.documents.add(name, f"{name}.txt", text).id for name, text in TEXTS.items()}
    outlet = p.documents.define_variable("outlet", VariableType.CATEGORY)
    day = p.documents.define_variable("date", VariableType.DATE)
    p.documents.set_values(ids["one"], {outlet.id: "Ledger", day.id: "2003-12-31"})
    p.documents.set_values(ids["two"], {outlet.id: "Wire", day.id: "2004-01-02"})
    p.documents.set_values(ids["three"], {outlet.id: "Wire", day.id: "2004-05-09"})
    # "four" has no outlet and no date; "Monitor" is an outlet nobody coded below.
    motive = p.codebook.add("Motive").id
    economic = p.codebook.add("Economic", motive).id
    family = p.codebook.add("Family", motive).id
    route = p.codebook.add("Route").id
    broker = p.codebook.add("Broker", route).id
    ana, ben = p.coders.add("Ana").id, p.coders.add("Ben").id
    p.codings.add(ids["one"], ana, economic, 0, 7)  # "Workers"
    p.codings.add(ids["one"], ana, broker, 26, 33)  # "brokers"
    p.codings.add(ids["one"], ana, economic, None, None)  # whole article
    p.codings.add(ids["two"], ana, family, 2, 10)
    p.codings.add(ids["two"], ben, family, 0, 11)
    p.codings.add(ids["four"], ana, broker, 0, 9)
    p.codings.add(ids["three"], ben, economic, None, None)
    return Built(p, ids, {k: len(v) for k, v in TEXTS.items()})


def _cells(built: Built, request: Request) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    result = frequencies(built.project, request)
    return {
        (r["code_path"], r["group"]): (
            r["segments"],
            r["articles"],
            r["characters"],
            r["articles_in_group"],
        )
        for r in result.records()
    }


def test_by_outlet_counts_whole_article_codings_and_articles_without_a_value(
    built: Built,
) -> None:
    cells = _cells(built, Request(by="outlet"))
    one = built.lengths["one"]
    assert cells[("Motive > Economic", "Ledger")] == (2, 1, 7 + one, 1)
    assert cells[("Motive > Economic", "Wire")] == (1, 1, built.lengths["three"], 2)
    assert cells[("Motive > Family", "Wire")] == (2, 1, 8 + 11, 2)
    assert cells[("Route > Broker", "Ledger")] == (1, 1, 7, 1)
    assert cells[("Route > Broker", NO_VALUE)] == (1, 1, 9, 1)
    assert cells[("Motive > Family", "Ledger")] == (0, 0, 0, 1)
    groups = list(dict.fromkeys(g for _, g in cells))
    assert groups == ["Ledger", "Wire", NO_VALUE]


def test_one_coder_and_codes_subtree(built: Built) -> None:
    result = frequencies(built.project, Request(by="outlet", coders=["ana"], codes=["Motive"]))
    assert result.coders == "Ana"
    assert result.table.rows == ("Motive > Economic", "Motive > Family")
    assert result.table.table(Unit.SEGMENTS) == [[2, 0, 0], [0, 1, 0]]


def test_dates_binned_by_year_quarter_month_week(built: Built) -> None:
    years = frequencies(built.project, Request(by="date", bin=Bin.YEAR))
    assert years.table.groups == ("2003", "2004", NO_VALUE)
    assert years.table.articles_in_group == {"2003": 1, "2004": 2, NO_VALUE: 1}
    assert years.table.cell("Motive > Economic", "2004").segments == 1
    quarters = frequencies(built.project, Request(by="date", bin=Bin.QUARTER))
    assert quarters.table.groups == ("2003-Q4", "2004-Q1", "2004-Q2", NO_VALUE)
    assert date_bin("2004-05-09", Bin.MONTH) == "2004-05"
    # ISO weeks: 31 December 2003 and 2 January 2004 are both in 2004's first week
    assert date_bin("2003-12-31", Bin.WEEK) == "2004-W01"
    weeks = frequencies(built.project, Request(by="date", bin=Bin.WEEK))
    assert weeks.table.articles_in_group["2004-W01"] == 2
    assert date_bin("sometime", Bin.YEAR) == NOT_A_DATE


def test_by_coder_and_by_all(built: Built) -> None:
    by_coder = frequencies(built.project, Request(by="coder"))
    assert by_coder.table.groups == ("Ana", "Ben")
    assert by_coder.table.articles_in_group == {"Ana": 3, "Ben": 2}
    assert by_coder.table.cell("Motive > Family", "Ben").segments == 1
    everything = frequencies(built.project, Request(by="all", rows=Rows.DIMENSIONS))
    assert everything.table.rows == ("Motive", "Route")
    assert everything.table.articles_in_group == {"all articles": 4}
    motive = everything.table.cell("Motive", "all articles")
    assert (motive.segments, motive.articles) == (5, 3)


def test_independence_leaves_out_articles_without_a_value(built: Built) -> None:
    result = frequencies(built.project, Request(by="outlet"))
    test = result.independence()
    assert test is not None
    assert test.n == 6  # the broker coding of "four" (no outlet) is not in the test
    assert test.warning


def test_unknown_variable_and_bin_on_a_category_are_refused(built: Built) -> None:
    with pytest.raises(UserError, match="no article variable 'medium'"):
        frequencies(built.project, Request(by="medium"))
    with pytest.raises(UserError, match="--bin needs a date variable"):
        frequencies(built.project, Request(by="outlet", bin=Bin.YEAR))
    with pytest.raises(UserError, match="no coder 'Cy'"):
        frequencies(built.project, Request(by="outlet", coders=["Cy"]))


def test_cooccurrence_by_passage_and_article(built: Built) -> None:
    passage = cooccurrences(built.project, Within.PASSAGE)
    counts = {(p.code_a, p.code_b): p.count for p in passage.pairs}
    # Ana in "one": the whole-article Economic overlaps Broker; the Economic span does not
    assert counts[("Motive > Economic", "Route > Broker")] == 1
    assert counts[("Motive > Economic", "Motive > Family")] == 0
    article = cooccurrences(built.project, Within.ARTICLE, coders=["Ana"])
    pairs = {(p.code_a, p.code_b): p for p in article.pairs}
    both = pairs[("Motive > Economic", "Route > Broker")]
    # Economic held by (one, Ana); Broker by (one, Ana), (four, Ana)
    assert (both.count, both.jaccard) == (1, 0.5)


@pytest.mark.parametrize(
    "value",
    [
        "2016-05-05junk",
        " 2016-01-01 ",
        "2016-13-45",
        "2016-5-5",
        "２０１６-05-05",
        "2016-05-05T10:00",
    ],
)
def test_a_value_the_app_does_not_take_for_a_date_is_not_binned(value: str) -> None:
    assert iso_date(value) is None
    assert date_bin(value, Bin.YEAR) == NOT_A_DATE
    assert _date_key(value) is None  # the article list does not sort it as a date either


def test_a_date_the_app_takes_is_binned_as_the_article_list_sorts_it() -> None:
    assert iso_date("2016-02-29") is not None
    assert date_bin("2016-02-29", Bin.QUARTER) == "2016-Q1"
    assert _date_key("2016-02-29") == "2016-02-29"


def test_a_real_value_reading_as_a_reserved_label_stays_its_own_group(built: Built) -> None:
    p = built.project
    outlet = p.documents.variable("outlet")
    assert outlet is not None
    # "one" is literally "(no value)", "two" is '"(no value)"'; "four" has no value at all.
    p.documents.set_values(built.ids["one"], {outlet.id: NO_VALUE})
    p.documents.set_values(built.ids["two"], {outlet.id: f'"{NO_VALUE}"'})
    p.documents.set_values(built.ids["three"], {outlet.id: "all articles"})
    result = frequencies(p, Request(by="outlet"))
    table = result.table
    assert set(table.groups) == {f'"{NO_VALUE}"', f'""{NO_VALUE}""', '"all articles"', NO_VALUE}
    assert table.articles_in_group[NO_VALUE] == 1  # only the article without a value
    assert table.articles_in_group[f'"{NO_VALUE}"'] == 1
    assert table.cell("Route > Broker", NO_VALUE).segments == 1  # "four"'s broker
    assert table.cell("Route > Broker", f'"{NO_VALUE}"').segments == 1  # "one"'s broker
    # The χ² test counts the real values' groups, leaving out only the missing values.
    test = result.independence()
    assert test is not None
    assert test.columns == 3
    assert test.n == 6  # 7 codings, less the one of "four" (no value)


def test_a_coder_named_as_a_reserved_label_is_counted_in_the_test(built: Built) -> None:
    p = built.project
    ben = p.coders.by_name("Ben")
    assert ben is not None
    p.coders.rename(ben.id, NO_VALUE)
    result = frequencies(p, Request(by="coder"))
    assert NO_VALUE in result.table.groups
    test = result.independence()
    assert test is not None
    assert test.columns == 2
