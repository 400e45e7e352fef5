"""The charts of analysis results (services/analysis_charts.py) and what a table cell shows
(Frequencies.value, .colors, .binned): titles and axes say what is counted and whose codings,
bars in the codes' colours, lines of shares over time without the groups that are not
periods, the co-occurrence heat map by count or Jaccard."""

from __future__ import annotations

import math
from typing import Any

import pytest

from annotator.analysis.cooccurrence import Within
from annotator.analysis.crosstab import Unit
from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.services.analysis import (
    NO_VALUE,
    NOT_A_DATE,
    Bin,
    Request,
    Rows,
    Show,
    cooccurrences,
    frequencies,
)
from annotator.services.analysis_charts import (
    ChartKind,
    cooccurrence_chart,
    fill_periods,
    frequencies_chart,
)
from annotator.storage import Project

ECONOMIC, FAMILY, BROKER = "#FFADAD", "#A0C4FF", "#CAFFBF"
MOTIVE, ROUTE = "#FDFFB6", "#E4C1F9"


@pytest.fixture
def project(memory: Project) -> Project:
    p = memory
    texts = {
        "one": "Workers left the plant and brokers arranged the trip.",
        "two": "A defector spoke to the press.",
        "three": "Nobody else did.",
        "four": "Officials denied it all, again and again.",
        "five": "A later report, undated.",
    }
    ids = {name: p.documents.add(name, f"{name}.txt", text).id for name, text in texts.items()}
    outlet = p.documents.define_variable("outlet", VariableType.CATEGORY)
    day = p.documents.define_variable("date", VariableType.DATE)
    p.documents.set_values(ids["one"], {outlet.id: "Ledger", day.id: "2001-03-01"})
    p.documents.set_values(ids["two"], {outlet.id: "Wire", day.id: "2001-06-02"})
    p.documents.set_values(ids["three"], {outlet.id: "Wire", day.id: "2004-05-09"})
    p.documents.set_values(ids["five"], {outlet.id: "Wire", day.id: "sometime"})
    motive = p.codebook.add("Motive", color=MOTIVE).id
    economic = p.codebook.add("Economic", motive, color=ECONOMIC).id
    family = p.codebook.add("Family", motive, color=FAMILY).id
    route = p.codebook.add("Route", color=ROUTE).id
    broker = p.codebook.add("Broker", route, color=BROKER).id
    ana, ben = p.coders.add("Ana").id, p.coders.add("Ben").id
    p.codings.add(ids["one"], ana, economic, 0, 7)
    p.codings.add(ids["one"], ana, broker, 0, 33)
    p.codings.add(ids["one"], ana, family, 20, 40)
    p.codings.add(ids["two"], ana, family, 2, 10)
    p.codings.add(ids["two"], ben, family, 0, 11)
    p.codings.add(ids["two"], ben, economic, None, None)
    p.codings.add(ids["three"], ana, economic, None, None)
    p.codings.add(ids["four"], ana, broker, 0, 9)
    p.codings.add(ids["five"], ana, broker, 0, 5)
    return p


def _texts(figure: Any) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


def test_value_is_what_the_cell_shows(project: Project) -> None:
    result = frequencies(project, Request(by="outlet"))
    table = result.table
    assert table.groups == ("Ledger", "Wire", NO_VALUE)
    row = "Motive > Family"
    # Family: 1 coding in Ledger, 2 in Wire; Wire holds 4 codings, 3 articles.
    assert result.value(row, "Wire", Unit.SEGMENTS, Show.COUNTS) == 2.0
    assert result.value(row, "Wire", Unit.SEGMENTS, Show.ROW_PERCENT) == pytest.approx(200 / 3)
    assert result.value(row, "Wire", Unit.SEGMENTS, Show.COLUMN_PERCENT) == pytest.approx(40.0)
    assert result.value(row, "Wire", Unit.ARTICLES, Show.COLUMN_PERCENT) == pytest.approx(25.0)
    assert result.value(row, "Wire", Unit.SEGMENTS, Show.ARTICLE_PERCENT) == pytest.approx(100 / 3)
    assert result.value(row, "Wire", Unit.CHARACTERS, Show.COUNTS) == 8 + 11
    assert result.value(row, NO_VALUE, Unit.SEGMENTS, Show.COLUMN_PERCENT) == 0.0
    assert result.value(row, NO_VALUE, Unit.SEGMENTS, Show.ARTICLE_PERCENT) == 0.0
    # A share of nothing is undefined, not zero: Ben coded no Route.
    by_coder = frequencies(project, Request(by="coder", coders=["Ben"], codes=["Route"]))
    assert by_coder.value("Route > Broker", "Ben", Unit.SEGMENTS, Show.ROW_PERCENT) is None


def test_colors_are_the_codes_and_the_dimensions(project: Project) -> None:
    codes = frequencies(project, Request(by="outlet"))
    assert codes.colors == {
        "Motive > Economic": ECONOMIC,
        "Motive > Family": FAMILY,
        "Route > Broker": BROKER,
    }
    dimensions = frequencies(project, Request(by="outlet", rows=Rows.DIMENSIONS))
    assert dimensions.colors == {"Motive": MOTIVE, "Route": ROUTE}


def test_binned_only_for_date_bins(project: Project) -> None:
    assert frequencies(project, Request(by="date", bin=Bin.YEAR)).binned
    assert not frequencies(project, Request(by="date")).binned
    assert not frequencies(project, Request(by="outlet")).binned
    assert not frequencies(project, Request(by="coder")).binned


def test_bars_say_what_is_counted_and_whose_codings_in_the_code_colours(
    project: Project,
) -> None:
    result = frequencies(project, Request(by="outlet", coders=["Ana"]))
    figure = frequencies_chart(result)
    axes = figure.axes[0]
    assert axes.get_title() == "Coded segments by outlet — coder Ana"
    assert axes.get_ylabel() == "Coded segments"
    assert axes.get_xlabel() == "outlet"
    assert [t.get_text() for t in axes.get_xticklabels()] == ["Ledger", "Wire", NO_VALUE]
    bars = axes.patches
    assert len(bars) == 3 * 3
    fills = {_hex(bar.get_facecolor()) for bar in bars}
    assert fills == {ECONOMIC, FAMILY, BROKER}
    heights = {
        (_hex(b.get_facecolor()), round(b.get_x() + b.get_width() / 2)): b.get_height()
        for b in bars
    }
    assert heights[(BROKER, 2)] == 1.0  # "four": no outlet, kept in bars
    assert heights[(ECONOMIC, 1)] == 1.0
    both = frequencies(project, Request(by="outlet", coders=["Ana", "Ben"]))
    assert frequencies_chart(both).axes[0].get_title().endswith("— coders Ana, Ben")
    everyone = frequencies(project, Request(by="all"))
    title = frequencies_chart(everyone, Unit.ARTICLES).axes[0].get_title()
    assert title == "Articles coded in all articles — all coders"


def test_stacked_percentages_are_labelled_as_shares(project: Project) -> None:
    result = frequencies(project, Request(by="outlet"))
    figure = frequencies_chart(result, Unit.SEGMENTS, Show.COLUMN_PERCENT, ChartKind.STACKED)
    axes = figure.axes[0]
    assert axes.get_ylabel() == "% of the outlet's coded segments"
    tops: dict[int, float] = {}
    for bar in axes.patches:
        position = round(bar.get_x() + bar.get_width() / 2)
        tops[position] = max(tops.get(position, 0.0), bar.get_y() + bar.get_height())
    assert tops == {0: pytest.approx(100.0), 1: pytest.approx(100.0), 2: pytest.approx(100.0)}
    labels = {
        Show.ROW_PERCENT: "% of the code's coded segments",
        Show.ARTICLE_PERCENT: "Articles coded, % of the outlet's articles",
        Show.COUNTS: "Coded segments",
    }
    for show, label in labels.items():
        assert frequencies_chart(result, show=show).axes[0].get_ylabel() == label


def test_lines_over_time_show_shares_per_period_without_groups_that_are_not_periods(
    project: Project,
) -> None:
    result = frequencies(project, Request(by="date", bin=Bin.YEAR))
    assert set(result.table.groups) == {"2001", "2004", NOT_A_DATE, NO_VALUE}
    figure = frequencies_chart(result)  # binned: lines of column percent by default
    axes = figure.axes[0]
    assert axes.get_title() == "Coded segments by date, per year — all coders"
    assert axes.get_ylabel() == "% of the period's coded segments"
    assert axes.get_xlabel() == "date (year)"
    periods = [t.get_text() for t in axes.get_xticklabels()]
    assert periods == ["2001", "2002", "2003", "2004"]  # years without articles put in
    lines = {_hex(line.get_color()): list(line.get_ydata()) for line in axes.get_lines()}
    assert len(lines) == 3
    # 2001: Economic 2, Family 3, Broker 1 of 6 codings; 2002-2003 have no articles (gaps);
    # 2004: one Economic coding.
    economic = next(v for c, v in lines.items() if _hue_of(c, ECONOMIC))
    assert economic[0] == pytest.approx(100 * 2 / 6)
    assert math.isnan(economic[1])
    assert math.isnan(economic[2])
    assert economic[3] == pytest.approx(100.0)
    counts = frequencies_chart(result, show=Show.COUNTS).axes[0]
    assert counts.get_ylabel() == "Coded segments"
    assert sorted(max(line.get_ydata()) for line in counts.get_lines()) == [1.0, 2.0, 3.0]
    bars = frequencies_chart(result, kind=ChartKind.BARS).axes[0]
    assert [t.get_text() for t in bars.get_xticklabels()] == ["2001", "2004", NOT_A_DATE, NO_VALUE]


@pytest.mark.parametrize("show", list(Show))
def test_lines_leave_a_gap_for_a_period_without_articles_whatever_is_shown(
    project: Project, show: Show
) -> None:
    result = frequencies(project, Request(by="date", bin=Bin.YEAR))
    axes = frequencies_chart(result, Unit.SEGMENTS, show, ChartKind.LINES).axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["2001", "2002", "2003", "2004"]
    lines = {_hex(line.get_color()): list(line.get_ydata()) for line in axes.get_lines()}
    family = next(v for c, v in lines.items() if _hue_of(c, FAMILY))
    # 2002 and 2003 hold no articles: gaps, not zeros. 2004 holds an article without a
    # Family coding: a zero observed.
    assert math.isnan(family[1])
    assert math.isnan(family[2])
    assert family[3] == 0.0
    assert family[0] > 0


def test_a_share_of_the_groups_articles_is_titled_as_articles_coded(project: Project) -> None:
    by_outlet = frequencies(project, Request(by="outlet", coders=["Ana"]))
    for unit in Unit:
        title = frequencies_chart(by_outlet, unit, Show.ARTICLE_PERCENT).axes[0].get_title()
        assert title == "Articles coded, % of each outlet's articles — coder Ana"
    by_year = frequencies(project, Request(by="date", bin=Bin.YEAR))
    title = frequencies_chart(by_year, Unit.CHARACTERS, Show.ARTICLE_PERCENT).axes[0].get_title()
    assert title == "Articles coded, % of each year's articles, by date — all coders"
    everyone = frequencies(project, Request(by="all"))
    title = frequencies_chart(everyone, show=Show.ARTICLE_PERCENT).axes[0].get_title()
    assert title == "Articles coded, % of all articles — all coders"


@pytest.mark.parametrize(
    ("periods", "kind", "expected"),
    [
        (["2001", "2003"], "year", ["2001", "2002", "2003"]),
        (["2003-Q4", "2004-Q2"], "quarter", ["2003-Q4", "2004-Q1", "2004-Q2"]),
        (["2003-11", "2004-02"], "month", ["2003-11", "2003-12", "2004-01", "2004-02"]),
        # 2004 has 53 ISO weeks, 2005 has 52
        (["2004-W52", "2005-W01"], "week", ["2004-W52", "2004-W53", "2005-W01"]),
        (["2005-W52", "2006-W01"], "week", ["2005-W52", "2006-W01"]),
        (["2004", "2002", "odd"], "year", ["2002", "2003", "2004", "odd"]),
    ],
)
def test_missing_periods_are_put_in(periods: list[str], kind: str, expected: list[str]) -> None:
    assert fill_periods(periods, kind) == expected


def test_heat_map_by_count_and_jaccard(project: Project) -> None:
    article = cooccurrences(project, Within.ARTICLE)
    figure = cooccurrence_chart(article, coders="all coders")
    axes = figure.axes[0]
    assert axes.get_title() == "Codes applied together within an article — all coders"
    cells = axes.images[0].get_array()
    rows = list(article.rows)
    for pair in article.pairs:
        a, b = rows.index(pair.code_a), rows.index(pair.code_b)
        assert cells[a][b] == pair.count
        assert cells[b][a] == pair.count
    assert all(cells.mask[i][i] or math.isnan(cells[i][i]) for i in range(len(rows)))
    assert "Articles holding both (per coder)" in _texts(figure)
    jaccard = cooccurrence_chart(article, "jaccard")
    assert jaccard.axes[0].get_title() == "Codes applied together within an article (Jaccard)"
    values = jaccard.axes[0].images[0].get_array()
    for pair in article.pairs:
        a, b = rows.index(pair.code_a), rows.index(pair.code_b)
        assert values[a][b] == pytest.approx(pair.jaccard)
    passage = cooccurrences(project, Within.PASSAGE, coders=["Ana"])
    assert "Pairs of overlapping codings" in _texts(cooccurrence_chart(passage, coders="Ana"))
    with pytest.raises(UserError, match="Jaccard coefficient is defined within articles"):
        cooccurrence_chart(passage, "jaccard")
    with pytest.raises(UserError, match="'phi' is not a co-occurrence measure"):
        cooccurrence_chart(article, "phi")


def _hex(color: Any) -> str:
    from matplotlib.colors import to_hex

    return to_hex(color).upper()


def _hue_of(stroke: str, fill: str) -> bool:
    import colorsys

    def hue(color: str) -> float:
        return colorsys.rgb_to_hls(*(int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)))[0]

    return abs(hue(stroke) - hue(fill)) < 0.01
