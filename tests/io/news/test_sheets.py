"""Article sheets (.csv, .tsv, .xlsx, JSON Lines): recognised by content, columns mapped from
common names or as the researcher says, rows without text and unreadable dates reported."""

from __future__ import annotations

import io
import zipfile

import pytest

from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.io.news import recognise, sheets
from annotator.io.news.sheets import SheetOptions, read_sheet, recognises
from tests.io.news.fixture_files import FIXTURES
from tests.io.news.workbooks import ExcelDate, workbook


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_a_csv_maps_common_column_names_and_keeps_the_rest_as_variables() -> None:
    sheet = read_sheet((FIXTURES / "harbour_sheet.csv").read_bytes(), "harbour_sheet.csv")
    news = sheet.file
    assert (news.database, news.format) == ("sheet", "article sheet (CSV)")
    assert [a.fields.get("title") for a in news.articles] == [
        "Ferry crew walks off in Port Velmar",
        "Relief crew reaches Port Velmar",
        "Café owners ask for compensation",
    ]
    first = news.articles[0]
    assert first.text.startswith("Ferry crew walks off in Port Velmar\n\nThe crew of the morning")
    assert first.fields == {
        "title": "Ferry crew walks off in Port Velmar",
        "date": "2019-04-16",
        "outlet": "The Coastal Ledger",
        "author": "Mirela Dastan",
        "url": "https://example.invalid/ferry",
        "Words": "52",
        "Desk": "Harbour",
    }
    assert news.articles[1].fields["date"] == "2019-04-17"  # "April 17 2019"
    # The date that is not one stays, as text, and is reported; the row without text is not.
    assert news.articles[2].fields["date_text"] == "sometime in spring"
    assert "date" not in news.articles[2].fields
    assert news.problems == (
        "row 4: no text, left out",
        "row 5: 'sometime in spring' is not a date; kept as date_text",
    )
    assert sheet.types == {
        "title": VariableType.TEXT,
        "date": VariableType.DATE,
        "outlet": VariableType.TEXT,
        "author": VariableType.TEXT,
        "url": VariableType.TEXT,
        "Words": VariableType.NUMBER,
        "Desk": VariableType.TEXT,
        "date_text": VariableType.TEXT,
    }


@pytest.mark.parametrize(
    "header",
    ["TEXT;Title", "full text;headline", "Full_Text;HEADLINE", "Body;title", "content;Head-line"],
)
def test_case_spaces_and_underscores_do_not_matter(header: str) -> None:
    data = _csv(f"{header}\nThe ferry left the quay.;Ferry\n")
    [article] = read_sheet(data, "s.csv").file.articles
    assert article.body == "The ferry left the quay."
    assert article.title == "Ferry"


def test_a_headline_the_text_starts_with_is_not_written_twice() -> None:
    data = _csv('title,text\nFerry crew walks off,"Ferry crew walks off\n\nThe crew left."\n')
    [article] = read_sheet(data, "s.csv").file.articles
    assert article.text == "Ferry crew walks off\n\nThe crew left."
    assert article.fields["title"] == "Ferry crew walks off"


# Article texts long enough to bear out a sheet saved under another name (see recognition).
FERRY = "The crew of the morning ferry left the quay at Port Velmar on Tuesday over unpaid wages."
RELIEF = "A relief crew reached Port Velmar on Wednesday and the ferry sailed again by noon."


def test_tab_separated_utf16_as_excel_saves_unicode_text() -> None:
    text = f"Headline\tBody\tOutlet\r\nFerry\t{FERRY}\tLedger\r\nRelief\t{RELIEF}\tLedger\r\n"
    data = b"\xff\xfe" + text.encode("utf-16-le")
    assert recognises(data, "export.txt")
    [article, _] = read_sheet(data, "export.txt").file.articles
    assert (article.title, article.body, article.fields["outlet"]) == ("Ferry", FERRY, "Ledger")


def test_json_lines_join_lists_and_report_broken_lines() -> None:
    sheet = read_sheet((FIXTURES / "harbour_lines.jsonl").read_bytes(), "harbour_lines.jsonl")
    assert sheet.file.format == "JSON Lines"
    first, second = sheet.file.articles
    assert first.fields["authors"] == "Mirela Dastan; Ivo Renn"
    assert first.fields["date"] == "2019-04-16"
    assert first.fields["outlet"] == "The Coastal Ledger"
    assert second.fields["stories_id"] == "1002"
    assert sheet.types["stories_id"] is VariableType.NUMBER
    assert sheet.file.problems == (
        "line 3: not a JSON object, left out",
        "line 5: not valid JSON, left out",
        "line 4: no text, left out",
    )


def test_a_workbook_gives_dates_numbers_and_spreadsheet_row_numbers() -> None:
    data = workbook(
        [
            [None],
            ["Headline", "Text", "Date", "Pages", "Score"],
            ["Ferry crew walks off", "The crew left.", ExcelDate(43571), 12, 0.5],
            ["No text here", None, ExcelDate(43572), 3, 1.5],
            ["Relief crew", "A relief crew arrived.", "17 April 2019", 4, 2],
        ]
    )
    assert recognises(data, "anything.bin")
    sheet = read_sheet(data, "articles.xlsx")
    assert sheet.file.format == "Excel workbook (.xlsx)"
    assert [a.fields for a in sheet.file.articles] == [
        {"title": "Ferry crew walks off", "date": "2019-04-16", "Pages": "12", "Score": "0.5"},
        {"title": "Relief crew", "date": "2019-04-17", "Pages": "4", "Score": "2"},
    ]
    assert sheet.file.problems == ("row 4: no text, left out",)
    assert sheet.types["Pages"] is VariableType.NUMBER


def test_the_researcher_names_the_text_and_other_columns() -> None:
    data = _csv("story,hed,when,paper\nThe crew left.,Ferry,2019-04-16,Ledger\n")
    with pytest.raises(BadFileError) as caught:
        read_sheet(data, "scraped.csv")
    assert str(caught.value) == (
        "scraped.csv: no column holds the article text (looked for text, body, content, "
        "full_text); its columns: 'story', 'hed', 'when', 'paper'; name the text column with "
        "--text-column"
    )
    options = SheetOptions(
        text_column="story", columns=(("hed", "title"), ("when", "date"), ("gone", "x"))
    )
    sheet = read_sheet(data, "scraped.csv", options)
    [article] = sheet.file.articles
    assert article.text == "Ferry\n\nThe crew left."
    assert article.fields == {"title": "Ferry", "date": "2019-04-16", "paper": "Ledger"}
    assert sheet.types["date"] is VariableType.DATE
    assert sheet.file.problems == ("no column 'gone' (--column gone=x)",)
    # --column story=text is --text-column story.
    same = read_sheet(data, "scraped.csv", SheetOptions(columns=(("story", "text"),)))
    assert same.file.articles[0].body == "The crew left."
    with pytest.raises(BadFileError, match=r"has no column 'body' \(--text-column\)"):
        read_sheet(data, "scraped.csv", SheetOptions(text_column="body"))


def test_an_overridden_column_wins_over_the_common_name() -> None:
    data = _csv("text,source,outlet_name\nThe crew left.,wire,Ledger\n")
    options = SheetOptions(columns=(("outlet_name", "outlet"),))
    [article] = read_sheet(data, "s.csv", options).file.articles
    assert article.fields == {"outlet": "Ledger", "source": "wire"}


def test_declared_types_and_reserved_names() -> None:
    data = _csv("text,region:category,database,source_file\nThe crew left.,North,x,y\n")
    sheet = read_sheet(data, "s.csv")
    assert sheet.types == {"region": VariableType.CATEGORY}
    assert sheet.file.articles[0].fields == {"region": "North"}
    assert sheet.file.problems == (
        "column 'database' left out: 'database' is set by the import itself",
        "column 'source_file' left out: 'source_file' is set by the import itself",
    )


@pytest.mark.parametrize(
    ("header", "used", "other", "variable"),
    [
        ("text,date,date", 2, 3, "date"),
        ("text,일자,Date", 3, 2, "date"),  # the English name first, as matching tries them
        ("text,Date,일자", 2, 3, "date"),
    ],
)
def test_two_date_columns_one_used_the_other_kept_and_both_said(
    header: str, used: int, other: int, variable: str
) -> None:
    names = header.split(",")
    cells = {2: "2019-05-01", 3: "2019-06-01"}
    row = f"The crew left.,{cells[2]},{cells[3]}"
    sheet = read_sheet(f"{header}\n{row}\n".encode(), "s.csv")
    (article,) = sheet.file.articles
    assert article.fields == {"date": cells[used], "date_2": cells[other]}
    assert sheet.types == {"date": VariableType.DATE, "date_2": VariableType.DATE}
    assert sheet.file.problems == (
        f"columns {min(used, other)} ('{names[min(used, other) - 1]}') and {max(used, other)} "
        f"('{names[max(used, other) - 1]}') both give the {variable}: column {used} used, "
        f"column {other} kept as '{variable}_2'",
    )


def test_two_columns_of_one_name_are_both_kept() -> None:
    sheet = read_sheet(b"text,Desk,Desk,title,headline\nThe crew left.,Port,Harbour,A,B\n", "s.csv")
    (article,) = sheet.file.articles
    assert article.fields == {"title": "A", "title_2": "B", "Desk": "Port", "Desk_2": "Harbour"}
    assert sheet.file.problems == (
        "columns 4 ('title') and 5 ('headline') both give the title: column 4 used, column 5 "
        "kept as 'title_2'",
        "columns 2 ('Desk') and 3 ('Desk') both give the variable 'Desk': column 2 used, "
        "column 3 kept as 'Desk_2'",
    )


def test_a_row_without_outlet_or_date_is_imported_and_said() -> None:
    data = _csv(
        "text,date,outlet\nThe crew left.,2019-05-01,\nThe ferry sailed.,,Ledger\n"
        "The quay closed.,someday,Ledger\n"
    )
    news = read_sheet(data, "s.csv").file
    assert len(news.articles) == 3
    assert news.problems == (
        "row 2 has no outlet: imported",
        "row 3 has no date: imported",
        "row 4: 'someday' is not a date; kept as date_text",
    )
    # A sheet without such a column says nothing of it.
    assert read_sheet(_csv("text,title\nThe crew left.,A\n"), "s.csv").file.problems == ()


def test_a_sheet_whose_rows_hold_no_text_is_refused() -> None:
    data = _csv("title,text\nOne,\nTwo,  \n")
    with pytest.raises(BadFileError) as caught:
        read_sheet(data, "empty.csv")
    assert str(caught.value) == "empty.csv: holds no article: no row has text in its column 'text'"


def test_an_overlong_text_is_left_out_with_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "MAX_TEXT_CHARACTERS", 1000)
    data = _csv(f"title,text\nLong,{'word ' * 300}\nShort,The crew left.\n")
    news = read_sheet(data, "s.csv").file
    assert [a.title for a in news.articles] == ["Short"]
    assert news.problems[0].startswith("row 2: a text of ")


def test_broken_quoting_is_refused_with_the_row() -> None:
    data = _csv('title,text\nOne,The crew left.\nTwo,"never closed\n' + "more text\n" * 3)
    with pytest.raises(BadFileError, match=r"^s.csv: broken CSV in row 3"):
        read_sheet(data, "s.csv")


def test_too_many_columns_are_refused() -> None:
    header = ",".join(["text", *(f"c{i}" for i in range(600))])
    with pytest.raises(BadFileError, match="has 601 columns, more than 500"):
        read_sheet(_csv(header + "\nThe crew left.\n"), "wide.csv")


# -- recognised by content --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (f"title,text\nFerry,{FERRY}\nRelief,{RELIEF}\n".encode(), "articles.txt"),
        (
            f"title;body;date\nFerry;{FERRY};2019-04-16\nRelief;{RELIEF};2019-04-17\n".encode(),
            "export",
        ),
        (b'{"title": "Ferry", "text": "The crew left."}\n', "dump.json"),
        (b"anything at all\n", "meta.csv"),  # named as a sheet: read, to say what is wrong
    ],
)
def test_sheets_are_recognised_by_content(data: bytes, name: str) -> None:
    assert recognise(data, name) is sheets.READER


@pytest.mark.parametrize(
    ("data", "name"),
    [
        # An article whose first line has a comma, and a text column name in it.
        (b"Body, mind and soul\nA story of three friends who met at the quay.\n", "a.txt"),
        (b"Text, images and sound\n\nThe museum opened on Monday.\n", "b.txt"),
        (b"<html><body><p>text,body</p></body></html>", "page.html"),
        (b'{"text": "a JSON document, not lines",\n "title": "x"}\n', "c.json"),
        (b"\x00\x01\x02text,body\n", "d.bin"),
        (b"PK\x03\x04not really a zip", "e.xlsx.txt"),
    ],
)
def test_ordinary_files_are_not_sheets(data: bytes, name: str) -> None:
    assert recognise(data, name) is None


# -- hostile workbooks ------------------------------------------------------------------------


def _rows() -> list[list[object]]:
    return [["title", "text"], ["Ferry", "The crew left the quay."]]


def test_a_truncated_workbook_is_refused_in_one_line() -> None:
    data = workbook(_rows())
    for cut in (len(data) // 3, len(data) // 2, len(data) - 30):
        with pytest.raises(BadFileError) as caught:
            read_sheet(data[:cut], "cut.xlsx")
        assert str(caught.value).startswith("cut.xlsx: ")
        assert "\n" not in str(caught.value)


def test_a_workbook_that_unpacks_past_the_bound_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from annotator.io.news import xlsx

    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 2**20)
    # A sheet of 4 MB of one repeated letter packs into a few kilobytes.
    bomb = workbook([["title", "text"], ["Ferry", "a" * (4 * 2**20)]])
    assert len(bomb) < 64 * 1024
    with pytest.raises(BadFileError, match="refused as a possible zip bomb"):
        read_sheet(bomb, "bomb.xlsx")


def _central_entries(data: bytes) -> dict[str, int]:
    """Where each entry's record in the ZIP's central directory starts, by name."""
    found, start = {}, data.find(b"PK\x01\x02")
    while start != -1:
        length = int.from_bytes(data[start + 28 : start + 30], "little")
        found[data[start + 46 : start + 46 + length].decode()] = start
        start = data.find(b"PK\x01\x02", start + 46 + length)
    return found


def test_a_workbook_whose_headers_lie_about_a_size_is_refused() -> None:
    """The sizes in the ZIP's headers claim 100 bytes where 4 MB are packed: unpacking stops
    at the size claimed (calamine never sees more), and the checksum refuses the file."""
    data = bytearray(workbook([["title", "text"], ["Ferry", "a" * (4 * 2**20)]]))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/sharedStrings.xml")
    central = _central_entries(bytes(data))["xl/sharedStrings.xml"]
    data[info.header_offset + 22 : info.header_offset + 26] = (100).to_bytes(4, "little")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    with pytest.raises(BadFileError) as caught:
        read_sheet(bytes(data), "liar.xlsx")
    assert str(caught.value).startswith("liar.xlsx: is a damaged Excel workbook")
    assert "CRC" in str(caught.value)


def test_an_encrypted_workbook_is_refused() -> None:
    data = bytearray(workbook(_rows(), compression=zipfile.ZIP_STORED))
    for start in _central_entries(bytes(data)).values():
        data[start + 8] |= 1  # the "encrypted" flag
    with pytest.raises(BadFileError, match="encrypted Excel workbook; save it without"):
        read_sheet(bytes(data), "locked.xlsx")


def test_a_sheet_of_more_articles_than_a_file_may_hold_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sheets, "MAX_ARTICLES_PER_FILE", 3)
    rows = "".join(f"r{i},text of row {i}\n" for i in range(4))
    with pytest.raises(BadFileError) as caught:
        sheets.read_sheet(f"title,text\n{rows}".encode(), "many.csv")
    assert str(caught.value) == (
        "many.csv: holds more than 3 articles; split it (checking more at once for duplicates "
        "takes over 1 GB of memory)"
    )
    lines = "".join(f'{{"text": "text of line {i}"}}\n' for i in range(4))
    with pytest.raises(BadFileError):
        sheets.read_sheet(lines.encode(), "many.jsonl")
    assert (
        len(
            sheets.read_sheet(
                f"title,text\n{rows[: rows.index('r3')]}".encode(), "three.csv"
            ).file.articles
        )
        == 3
    )


def test_excel_s_sep_line_names_the_delimiter() -> None:
    text = (
        "sep=;\r\ntitle;text;date\r\n"
        'One;"The council voted on Tuesday, officials said.";2020-03-02\r\n'
        'Two;"The school board approved a budget; teachers welcomed it.";2020-03-03\r\n'
    )
    news = read_sheet(text.encode(), "hint.csv").file
    assert [(a.title, a.fields["date"]) for a in news.articles] == [
        ("One", "2020-03-02"),
        ("Two", "2020-03-03"),
    ]
    assert news.articles[1].body == "The school board approved a budget; teachers welcomed it."
    assert news.problems == ()
    tabbed = "sep=\t\ntitle\ttext\nOne\tThe council voted, officials said.\n"
    assert read_sheet(tabbed.encode(), "tabbed.csv").file.articles[0].title == "One"
