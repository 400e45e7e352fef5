"""What the hostile tester found in article sheets: rows wider than their header, plain
articles taken for sheets, day and month swapped in numeric dates, JSON nested past Python's
recursion limit. Each case lost or changed data silently, or stopped a batch, before."""

from __future__ import annotations

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.news import recognise, sheets
from annotator.io.news.sheets import read_sheet, recognises

BRIDGE = "Mayor opens the new bridge over the Arlen and thousands cross it on the first day."
FESTIVAL = "A harvest festival fills the valley this weekend with music, stalls and a parade."


# -- rows wider than the header ---------------------------------------------------------------


def test_a_row_wider_than_its_header_is_left_out_and_reported_not_cut() -> None:
    data = (
        "title,text\n"
        "One,Mayor opens the new bridge, and thousands cross it on the first day.\n"
        f'Two,"{FESTIVAL}"\n'
    ).encode()
    news = read_sheet(data, "wide.csv").file
    assert [a.title for a in news.articles] == ["Two"]
    assert news.articles[0].body == FESTIVAL
    assert news.problems == (
        "row 2: 3 cells where the header has 2 (a delimiter inside an unquoted text?), left out",
    )


def test_empty_cells_past_the_header_lose_nothing_and_are_kept() -> None:
    # A spreadsheet that saved a trailing delimiter: the extra cells are empty.
    data = f'title,text\nOne,"{BRIDGE}",,\nTwo,"{FESTIVAL}",\n'.encode()
    news = read_sheet(data, "trailing.csv").file
    assert [a.body for a in news.articles] == [BRIDGE, FESTIVAL]
    assert news.problems == ()


def test_a_sheet_whose_rows_are_mostly_wider_than_its_header_is_refused() -> None:
    data = (
        "title,text\n"
        "One,The bridge opens, and thousands cross it.\n"
        "Two,The festival starts, and the valley fills.\n"
        f'Three,"{BRIDGE}"\n'
    ).encode()
    with pytest.raises(BadFileError) as caught:
        read_sheet(data, "commas.csv")
    assert str(caught.value) == (
        "commas.csv: 2 of 3 rows have more cells than the header's 2 (delimiters inside "
        "unquoted texts?); quote the texts or check the delimiter"
    )


# -- what bears out a sheet under another name ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # The tester's case: a first line with a comma that starts with a text column's name,
        # and lines of the same width, but short "texts" (clauses, not articles).
        "Body, mind and soul\n"
        "At the new spa in Leeds, visitors pay for silence.\n"
        "The owner, a former nurse, says demand is high.\n",
        # Long clauses, but a first line of prose, not column names.
        "Text: what the council decided, and why\n"
        f"{BRIDGE.replace(' and', ', and')}\n{FESTIVAL.replace(',', '')}, said the organisers\n",
        # One row is no evidence.
        f"title,text\nOne,{BRIDGE}\n",
        # The tester's second case: paragraphs with one comma after 80 characters and more.
        "Body, mind and soul\n\n"
        "The new spa that opened last month in an old textile mill on the edge of Leeds city "
        "centre, charges visitors for an hour without phones.\n\n"
        "Its owner spent twenty years as a nurse in the intensive care unit of a large hospital "
        "in Bradford, and says demand is high.\n\n"
        "Most of the guests who come on weekday evenings are office workers from the banks "
        "around the station, the booking list shows.\n",
    ],
)
def test_a_plain_article_is_not_taken_for_a_sheet(text: str) -> None:
    data = text.encode()
    assert not recognises(data, "spa.txt")
    assert recognise(data, "spa.txt") is None


def test_a_cut_last_line_is_no_support_for_a_sheet() -> None:
    """Only the first 64 KB are looked at: a row cut there does not count as a row."""
    long_row = "x" * (70 * 1024)
    data = f"title,text\nOne,{BRIDGE}\nTwo,{long_row}\n".encode()
    assert not recognises(data, "cut.txt")  # one complete row, one cut: no evidence
    data = f"title,text\nOne,{BRIDGE}\nTwo,{BRIDGE}\nThree,{long_row}\n".encode()
    assert recognises(data, "cut.txt")


def test_a_sheet_saved_as_text_is_still_recognised() -> None:
    data = f"title,text,date\nBridge,{BRIDGE},2019-04-16\nValley,{BRIDGE[:50]},\n".encode()
    assert recognise(data, "articles.txt") is sheets.READER
    assert len(read_sheet(data, "articles.txt").file.articles) == 2


def test_two_columns_under_another_name_need_known_column_names() -> None:
    data = f'title,text\nOne,{BRIDGE}\nTwo,"{FESTIVAL}"\n'.encode()
    assert recognise(data, "articles.txt") is sheets.READER
    data = f'heading,story\nOne,{BRIDGE}\nTwo,"{FESTIVAL}"\n'.encode()
    assert recognise(data, "articles.txt") is None
    # Columns the researcher names count as known.
    named = sheets.SheetOptions(text_column="story", columns=(("heading", "title"),))
    assert recognises(data, "articles.txt", named)


# -- JSON nested too deeply -------------------------------------------------------------------


def _deep(depth: int) -> bytes:
    line = '{"text": "An article body.", "x": ' + "[" * depth + "]" * depth + "}\n"
    return line.encode()


def test_json_nested_past_the_recursion_limit_is_not_recognised_and_raises_nothing() -> None:
    assert recognises(_deep(5000), "deep.json") is False
    assert recognise(_deep(5000), "deep.json") is None


def test_json_lines_nested_too_deeply_are_refused_in_one_line() -> None:
    with pytest.raises(BadFileError) as caught:
        read_sheet(_deep(5000), "deep.jsonl")
    assert str(caught.value) == (
        "deep.jsonl: holds no JSON object (line 1: JSON nested too deeply to read, left out)"
    )
    news = read_sheet(_deep(5000) + b'{"text": "A second article."}\n', "deep.jsonl").file
    assert [a.body for a in news.articles] == ["A second article."]
    assert news.problems == ("line 1: JSON nested too deeply to read, left out",)


# -- the order of day and month in a date column ----------------------------------------------


def _dates(*rows: str, header: str = "title,text,date") -> tuple[dict[str, str], ...]:
    lines = [header] + [f"R{i},Text of article {i}.,{row}" for i, row in enumerate(rows, 1)]
    news = read_sheet("\n".join(lines).encode(), "d.csv").file
    return tuple(a.fields for a in news.articles)


def _problems(*rows: str, header: str = "title,text,date") -> tuple[str, ...]:
    lines = [header] + [f"R{i},Text of article {i}.,{row}" for i, row in enumerate(rows, 1)]
    return read_sheet("\n".join(lines).encode(), "d.csv").file.problems


def test_dotted_dates_are_day_first() -> None:
    dates = _dates("03.04.2020", "13.04.2020", "05.06.2020")
    assert [f["date"] for f in dates] == ["2020-04-03", "2020-04-13", "2020-06-05"]


def test_a_first_number_over_12_makes_the_whole_column_day_first() -> None:
    dates = _dates("13/1/2020", "03/04/2020")
    assert [f["date"] for f in dates] == ["2020-01-13", "2020-04-03"]


def test_a_second_number_over_12_makes_the_whole_column_month_first() -> None:
    dates = _dates("03/04/2020", "1/13/2020", "12-31-2019")
    assert [f["date"] for f in dates] == ["2020-03-04", "2020-01-13", "2019-12-31"]


def test_a_column_with_both_orders_keeps_its_numeric_dates_as_text() -> None:
    header = "title,text,date"
    dates = _dates("13/1/2020", "1/13/2020", "4 May 2020", header=header)
    assert [f.get("date_text") for f in dates] == ["13/1/2020", "1/13/2020", None]
    assert [f.get("date") for f in dates] == [None, None, "2020-05-04"]
    both = (
        "the column 'date' has both, day first ('13/1/2020', row 2) and month first "
        "('1/13/2020', row 3); kept as date_text"
    )
    # A date with a number over 12 is never said to be "day or month first".
    assert list(_problems("13/1/2020", "1/13/2020", "4 May 2020", "3/4/2020")[:3]) == [
        f"row 2: '13/1/2020' is day first, but {both}",
        f"row 3: '1/13/2020' is month first, but {both}",
        f"row 5: '3/4/2020' could be day or month first: {both}",
    ]


def test_the_language_column_decides_when_the_dates_do_not() -> None:
    header = "title,text,date,language"
    dates = _dates("03/04/2020,de", "03/04/2020,en-US", "03/04/2020,English (UK)", header=header)
    assert [f["date"] for f in dates] == ["2020-04-03", "2020-03-04", "2020-04-03"]


def test_without_evidence_only_dates_that_read_the_same_either_way_are_taken() -> None:
    dates = _dates("03/04/2020", "05/05/2020")
    assert dates[0] == {"title": "R1", "date_text": "03/04/2020"}
    assert dates[1]["date"] == "2020-05-05"
    assert _problems("03/04/2020", "05/05/2020") == (
        "row 2: '03/04/2020' could be day or month first, and neither the column nor a "
        "language tells which; kept as date_text",
    )
