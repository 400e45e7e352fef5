"""BIGKinds downloads and sheets with headers in other languages: the Korean headers of a
BIGKinds Excel download mapped to the standard variables (and the rest to readable names),
common Korean, Japanese, Chinese, German, French and Spanish headers mapped the same way, and
a text column of leads only said in the file's problems. The workbooks are written for the
tests (tests/io/news/bigkinds.py)."""

from __future__ import annotations

import pytest

from annotator.domain.model import VariableType
from annotator.io.news import recognise, sheets
from annotator.io.news.sheets import read_sheet
from tests.io.news.bigkinds import HEADERS, ROWS, bigkinds_xlsx


def test_bigkinds_headers_become_the_standard_variables_and_readable_names() -> None:
    data = bigkinds_xlsx()
    assert recognise(data, "download.bin") is sheets.READER
    sheet = read_sheet(data, "NewsResult_20190501-20190503.xlsx")
    news = sheet.file
    assert news.problems == ()
    assert len(news.articles) == len(ROWS)
    first = news.articles[0]
    assert first.title == "벨마 동부두 다시 문 열어"
    assert first.body == ROWS[0]["본문"].strip()
    assert first.text.startswith("벨마 동부두 다시 문 열어\n\n벨마 항구의 동쪽 부두가")
    assert first.fields == {
        "title": "벨마 동부두 다시 문 열어",
        "date": "2019-05-01",
        "outlet": "벨마일보",
        "author": "한지은 기자",
        "section": "사회>지역",
        "url": "https://news.example.org/belma/1",
        "news_id": "01100101.20190501090000001",
        "section_2": "경제>교통",
        "people": "한지은",
        "places": "벨마,동부두",
        "organisations": "벨마항만관리청",
        "keywords": "벨마,부두,보수,공사,여객선",
        "features": "부두,여객선,방파제",
    }
    assert news.articles[1].fields["excluded_from_analysis"] == "예외"
    assert news.articles[2].fields["incident_1"] == "교통사고>해상"
    assert "author" not in news.articles[1].fields  # an empty cell is no value
    assert sheet.types["date"] is VariableType.DATE
    assert sheet.types["news_id"] is VariableType.TEXT  # it reads as a number; kept as written
    assert not any(any("\uac00" <= c <= "\ud7a3" for c in name) for name in sheet.types)


def test_a_bigkinds_download_is_said_to_come_from_bigkinds() -> None:
    news = read_sheet(bigkinds_xlsx(), "NewsResult.xlsx").file
    assert (news.database, news.format) == ("BIGKinds", "BIGKinds sheet (.xlsx)")
    # Saved as CSV, its headers still tell where it comes from.
    header = ",".join(HEADERS)
    row = ",".join(f'"{ROWS[0].get(h, "")}"' for h in HEADERS)
    csv_news = read_sheet(f"{header}\n{row}\n".encode(), "NewsResult.csv").file
    assert (csv_news.database, csv_news.format) == ("BIGKinds", "BIGKinds sheet (CSV)")
    # Common Korean headers alone are any sheet's.
    other = read_sheet(
        "날짜,제목,내용,언론사\n2019.05.01,제목,기사 내용,벨마일보\n".encode(), "s.csv"
    )
    assert other.file.database == "sheet"


def test_a_text_column_of_leads_only_is_said() -> None:
    news = read_sheet(bigkinds_xlsx(leads=True), "leads.xlsx").file
    assert len(news.articles) == len(ROWS)  # imported all the same
    assert news.problems == (
        "the column '본문' holds only the first 200 characters or so of each article (the "
        "longest has 200): leads, not full texts — BIGKinds gives leads unless the full text "
        "is licensed",
    )


@pytest.mark.parametrize(
    "texts",
    [
        ["short one", "short two"],  # too few rows to tell
        ["x" * 190, "x" * 195, "x" * 1200],  # one full text: not a column of leads
        ["a short note", "another", "x" * 199],  # most far below the lead's length
    ],
    ids=["two rows", "one long", "short texts"],
)
def test_sheets_that_are_not_leads_are_not_said_to_be(texts: list[str]) -> None:
    rows = "".join(f"T{i},{text}\n" for i, text in enumerate(texts))
    news = read_sheet(f"title,text\n{rows}".encode(), "s.csv").file
    assert news.problems == ()


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("날짜,제목,내용,언론사,기자,섹션", "2019.05.01,제목,기사 내용,벨마일보,한지은,지역"),
        ("日付,見出し,本文,媒体,記者,面名", "2019年5月1日,見出し,記事の本文,ベルマ新聞,山田,地域"),
        ("日期,标题,正文,来源,作者,栏目", "2019-05-01,标题,新闻正文,贝尔马日报,王,地方"),
        (
            "Datum,Titel,Text,Quelle,Autor,Ressort",
            "01.05.2019,Titel,Der Text,Bote,Lind,Lokales",
        ),
        ("Date,Titre,Texte,Journal,Auteur,Rubrique", "2019-05-01,Titre,Le texte,Écho,Lind,Région"),
        ("Fecha,Título,Texto,Medio,Autor,Sección", "2019-05-01,Título,El texto,El Faro,Lind,Local"),
    ],
    ids=["ko", "ja", "zh", "de", "fr", "es"],
)
def test_common_headers_in_other_languages_are_mapped(header: str, row: str) -> None:
    news = read_sheet(f"{header}\n{row}\n".encode(), "s.csv").file
    assert news.problems == ()
    (article,) = news.articles
    cells = row.split(",")
    assert article.body == cells[2]
    assert article.fields == {
        "title": cells[1],
        "date": "2019-05-01",
        "outlet": cells[3],
        "author": cells[4],
        "section": cells[5],
    }
