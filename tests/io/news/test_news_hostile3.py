"""Third hostile pass over the issue-19 importers (ProQuest, Europresse, APA, Factiva, sheets):
crafted variants of our own fixtures, each a defect found and mended."""

from __future__ import annotations

import email
import email.policy
import time
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from annotator.io.news import recognise
from tests.io.news.factiva_pdfs import ARTICLES, factiva_pdf
from tests.io.news.fixture_files import FIXTURES, read_bytes

# -- ProQuest text ------------------------------------------------------------------------


def test_proquest_text_without_blank_lines_between_fields_reads_as_with_them() -> None:
    spaced = (FIXTURES / "proquest_plain.txt").read_text(encoding="utf-8")
    compact = "\n".join(line for line in spaced.split("\n") if line.strip()) + "\n"
    want = read_bytes(spaced.encode(), "spaced.txt", "ProQuest text")
    got = read_bytes(compact.encode(), "compact.txt", "ProQuest text")
    assert [(a.title, a.body, a.fields) for a in got.articles] == [
        (a.title, a.body, a.fields) for a in want.articles
    ]
    assert got.problems == ()


# -- ProQuest e-mail ----------------------------------------------------------------------


def _email_html() -> str:
    message = email.message_from_bytes(
        (FIXTURES / "proquest_email.eml").read_bytes(), policy=email.policy.default
    )
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    html = part.get_content()
    assert isinstance(html, str)
    return html


def test_an_email_with_two_html_parts_of_results_gives_the_articles_of_both() -> None:
    html = _email_html()
    message = MIMEMultipart("mixed")
    message["From"] = "noreply@proquest.com"
    message["Subject"] = "Your ProQuest Research - harbour"
    message.attach(MIMEText("<p>Forwarded results below</p>", "html", "utf-8"))  # no records
    message.attach(MIMEText(html, "html", "utf-8"))  # base64
    second = html.replace("Lighthouse keeper", "Lamp keeper").replace("3300000001", "3300000009")
    message.attach(MIMEText(second, "html", "utf-8"))
    found = read_bytes(message.as_bytes(), "two.eml", "ProQuest e-mail")
    one = read_bytes((FIXTURES / "proquest_email.eml").read_bytes(), "one.eml", "ProQuest e-mail")
    assert len(found.articles) == 2 * len(one.articles)
    assert [a.position for a in found.articles] == list(range(1, len(found.articles) + 1))
    assert found.articles[len(one.articles)].title.startswith("Lamp keeper")
    # The second part repeats the first's other record: said once, by its id.
    assert sum("3300000002" in line for line in found.problems) == 1


# -- pages of many records ----------------------------------------------------------------


def _repeated(page: str, start: str, end: str, times: int, key: str) -> str:
    """The page with its first record (``start`` … ``end``) repeated ``times`` times inside
    one container, each copy's ``key`` numbered."""
    first = page.index(start)
    last = page.index(end, first) + len(end)
    record = page[first:last]
    copies = "".join(record.replace(key, f"{key}{i:05d}") for i in range(times))
    return page[:first] + "<div>" + copies + "</div>" + page[last:]


def test_a_europresse_page_of_two_thousand_articles_in_one_container_reads_quickly() -> None:
    page = (FIXTURES / "europresse_current.html").read_text(encoding="utf-8")
    many = _repeated(page, "<article>", "</article>", 2000, "0416a_001")
    began = time.perf_counter()
    found = read_bytes(many.encode(), "many.html", "Europresse HTML")
    took = time.perf_counter() - began
    assert len(found.articles) == 2001  # and the fixture's second
    assert found.articles[1999].fields["document_id"].endswith("0416a_00101999")
    assert took < 5, f"{took:.1f} s (counting the whole page again for each article)"


def test_a_proquest_page_of_two_thousand_records_in_one_container_reads_quickly() -> None:
    page = _email_html()
    mark = '<div style="margin-bottom:20pt'
    start = page.index(mark)
    record = page[start : page.index(mark, start + 1)]  # the first record's element
    copies = "".join(record.replace("3300000001", f"44{i:08d}") for i in range(2000))
    many = f"{page[:start]}<div>{copies}</div></body></html>"
    began = time.perf_counter()
    found = read_bytes(many.encode(), "many.html", "ProQuest HTML")
    took = time.perf_counter() - began
    assert len(found.articles) == 2000
    assert took < 5, f"{took:.1f} s (counting the whole page again for each record)"


# -- Europresse ---------------------------------------------------------------------------


def test_a_europresse_header_from_the_english_interface_gives_section_date_and_page() -> None:
    page = (FIXTURES / "europresse_current.html").read_text(encoding="utf-8")
    english = page.replace("Port, mardi 16 avril 2019, p. 4", "Port, Tuesday, April 15, 2019, p. 4")
    found = read_bytes(english.encode(), "english.html", "Europresse HTML")
    fields = found.articles[0].fields
    # The header's date, not the document number's (20190416), and no date in the section.
    assert (fields["section"], fields["date"], fields["page"]) == ("Port", "2019-04-15", "4")


# -- APA RTF ------------------------------------------------------------------------------


def test_apa_rtf_with_escapes_and_raw_code_page_bytes_reads_every_character() -> None:
    rtf = (FIXTURES / "apa_onlinemanager.rtf").read_bytes()
    want = read_bytes(rtf, "apa.rtf", "APA RTF").articles
    # \'hh bytes for the \uN escapes, in the default code page and in one declared.
    hexed = rtf.replace(b"\\u252?", b"\\'fc").replace(b"\\u228?", b"\\'e4")
    hexed = hexed.replace(b"\\u223?", b"\\'df")
    got = read_bytes(hexed, "hex.rtf", "APA RTF").articles
    assert [(a.title, a.body) for a in got] == [(a.title, a.body) for a in want]
    declared = rtf.replace(b"{\\rtf1", b"{\\rtf1\\ansi\\ansicpg1250", 1)
    declared = declared.replace(b"S\\u252?dkai", b"S\\'9a\\'e8kai")
    assert read_bytes(declared, "cp1250.rtf", "APA RTF").articles[0].title.endswith("Sščkai")
    # Raw Windows-1252 bytes (quotes and the euro sign), as a word processor may save them.
    raw = rtf.replace(b"Fischmarkt zieht", b"\x84Fischmarkt\x93 zieht \x80 1")
    title = read_bytes(raw, "raw.rtf", "APA RTF").articles[0].title
    assert title == "„Fischmarkt“ zieht € 1 an den Südkai"


# -- Factiva PDF --------------------------------------------------------------------------


def test_a_pdf_citing_factiva_is_an_ordinary_pdf_and_factivas_footer_still_tells() -> None:
    citing = {**ARTICLES[0], "document": "Sources: Dow Jones Factiva, Inc., 2019."}
    paper = factiva_pdf([citing], footer=False)
    assert recognise(paper, "paper.pdf") is None  # was refused: "a Factiva PDF but holds no …"
    footed = recognise(factiva_pdf([citing], footer=True), "f.pdf")
    assert footed is not None
    assert footed.name == "Factiva PDF"


# -- dates --------------------------------------------------------------------------------


def test_a_sheets_dates_with_times_are_read_in_the_columns_order_of_day_and_month() -> None:
    sheet = (
        "title,text,date\n"
        "Quay reopens,The quay reopened after repairs.,01/05/2019 10:00\n"
        "Ferry sails,The ferry sailed again on Monday.,13/05/2019 09:30\n"
        "Board meets,The board met in the evening.,2019-13-01\n"
    )
    found = read_bytes(sheet.encode(), "dated.csv", "article sheet")
    dates = [a.fields.get("date", a.fields.get("date_text")) for a in found.articles]
    # Day first, as the 13th shows (was 5 January: the time hid the date from the column's
    # order); a month 13 is no date (was read as 13 January).
    assert dates == ["2019-05-01", "2019-05-13", "2019-13-01"]
    assert "date" not in found.articles[2].fields


def test_a_row_of_underscores_inside_a_proquest_full_text_parts_no_record() -> None:
    page = (FIXTURES / "proquest_numbered.txt").read_text(encoding="utf-8")
    want = read_bytes(page.encode(), "want.txt", "ProQuest text")
    ruled = page.replace("Passengers waited", "_" * 30 + "\nPassengers waited", 1)
    got = read_bytes(ruled.encode(), "ruled.txt", "ProQuest text")
    # Was the first record cut at the row: its text's half without outlet, date or id, and
    # its second paragraph and fields left out as "an article without text".
    assert [(a.title, a.body, a.fields) for a in got.articles] == [
        (a.title, a.body, a.fields) for a in want.articles
    ]
    assert got.problems == tuple(p.replace("want", "ruled") for p in want.problems)
