"""The one front door of the news readers: a download with a byte-order mark, in UTF-16 or
UTF-32, or with old Mac line ends (CR alone) is recognised and read as the same download in
plain UTF-8 is, whatever its format; and what the front door leaves alone.

The fixtures are the project's own (invented text), re-encoded here; the real downloads in
../shared/news_exports are re-encoded the same way when present.
"""

from __future__ import annotations

import codecs

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.news import NewsFile, recognise
from annotator.io.news.text_bytes import decoded_markup, html_document, plain_bytes
from tests.io.news.fixture_files import FIXTURES, SHARED_EXPORTS

# Every fixture a news reader claims (the sheets' too), whatever it is named.
DOWNLOADS = (
    "apa_onlinemanager.rtf",
    "europresse_current.html",
    "europresse_old.html",
    "factiva_article.rtf",
    "factiva_de.html",
    "factiva_en.html",
    "factiva_indexing.html",
    "factiva_indexing.rtf",
    "factiva_pps.xml",
    "factiva_tagged.txt",
    "factiva_zh.html",
    "harbour_lines.jsonl",
    "harbour_sheet.csv",
    "lexis_academic.txt",
    "nexis_classic.rtf",
    "nexis_uk_de.html",
    "nexis_uni.rtf",
    "proquest_email.eml",
    "proquest_numbered.txt",
    "proquest_old.html",
    "proquest_plain.txt",
)


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


VARIANTS = {
    "UTF-8 with a byte-order mark": lambda d: codecs.BOM_UTF8 + d.removeprefix(codecs.BOM_UTF8),
    "UTF-16 LE": lambda d: codecs.BOM_UTF16_LE + _text(d).encode("utf-16-le"),
    "UTF-16 BE": lambda d: codecs.BOM_UTF16_BE + _text(d).encode("utf-16-be"),
    "UTF-32 LE": lambda d: codecs.BOM_UTF32_LE + _text(d).encode("utf-32-le"),
    "CR line ends": lambda d: d.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
}


def _read(data: bytes, name: str) -> tuple[str, NewsFile]:
    reader = recognise(data, name)
    assert reader is not None, f"{name} not recognised"
    return reader.name, reader.read(data, name)


def _content(found: NewsFile) -> list[tuple[str, str, dict[str, str]]]:
    return [(a.title, a.body, a.fields) for a in found.articles]


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", DOWNLOADS)
def test_every_download_reads_the_same_whatever_its_unicode_form_and_line_ends(
    name: str, variant: str
) -> None:
    data = (FIXTURES / name).read_bytes()
    reader, plain = _read(data, name)
    again, found = _read(VARIANTS[variant](data), name)
    assert again == reader
    assert (found.database, found.format) == (plain.database, plain.format)
    assert _content(found) == _content(plain)
    assert found.problems == plain.problems


@pytest.mark.parametrize("variant", ["UTF-8 with a byte-order mark", "UTF-16 LE", "UTF-16 BE"])
@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("ipq_proquest_numbered.txt", 500),
        ("tmpq_proquest_email_v2.eml", 20),
        ("tme_europresse_new.html", 4),
        ("nk_factiva.txt", 55),
        ("tmf_factiva_pps.xml", 3),
        ("kw_factiva_irish-independence_1_2017-11-14.html", 44),
        ("kw_nexis_spiegel_2012-02-01_0001.html", 49),
        ("lnt_sample.TXT", 10),
    ],
)
def test_the_real_downloads_give_their_count_in_every_unicode_form(
    name: str, count: int, variant: str
) -> None:
    path = SHARED_EXPORTS / name
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    _, found = _read(VARIANTS[variant](path.read_bytes()), name)
    assert len(found.articles) == count


def test_the_real_email_and_text_downloads_give_their_count_with_cr_line_ends() -> None:
    for name, count in (("tmpq_proquest_email_v2.eml", 20), ("ipq_proquest_numbered.txt", 500)):
        path = SHARED_EXPORTS / name
        if not path.is_file():
            pytest.skip(f"{path} is not here")
        _, found = _read(VARIANTS["CR line ends"](path.read_bytes()), name)
        assert len(found.articles) == count, name


# -- the front door itself -----------------------------------------------------------------


def test_plain_utf8_and_binary_files_pass_unchanged_and_uncopied() -> None:
    for data in (
        (FIXTURES / "proquest_numbered.txt").read_bytes(),  # CRLF
        (FIXTURES / "factiva_tagged.txt").read_bytes(),  # LF
        b"%PDF-1.4\r1 0 obj\r<< >>\rstream\r\x8f\r\x00\rendstream\r",  # a PDF with CR only
        b"PK\x03\x04\x14\x00\x00\x00\r\rword/document.xml",  # a zip (docx, xlsx)
        "Caf\xe9 \r\n".encode("cp1252"),  # legacy bytes
        b"",
    ):
        assert plain_bytes(data) is data


def test_a_wide_declaration_is_made_utf8_once_the_bytes_are() -> None:
    page = '<?xml version="1.0" encoding="UTF-16"?>\n<r>café</r>\n'
    assert plain_bytes(codecs.BOM_UTF16_LE + page.encode("utf-16-le")) == (
        '<?xml version="1.0" encoding="utf-8"?>\n<r>café</r>\n'.encode()
    )
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-16">'
    assert b"charset=utf-8" in plain_bytes(codecs.BOM_UTF16_BE + html.encode("utf-16-be"))
    # What the bytes say stays where they were not transcoded.
    assert plain_bytes(html.encode()) == html.encode()


def test_a_wide_byte_order_mark_over_bytes_that_do_not_decode_is_left_for_the_reader() -> None:
    broken = codecs.BOM_UTF16_LE + b"a\x00b"  # an odd number of bytes
    assert plain_bytes(broken) is broken
    assert recognise(broken, "x.txt") is None


def test_markup_is_decoded_by_its_bytes_then_by_its_declaration() -> None:
    assert decoded_markup("café".encode(), "iso-8859-1") == "café"
    assert decoded_markup("café".encode("cp1252"), "iso-8859-1") == "café"
    assert decoded_markup("Ёлка".encode("koi8-r"), "koi8-r") == "Ёлка"
    assert decoded_markup("Ёлка".encode("koi8-r"), "utf-16") == "Ёлка".encode("koi8-r").decode(
        "cp1252", "replace"
    )
    assert decoded_markup("€".encode("cp1252"), "no-such-charset") == "€"


def test_a_page_nested_past_the_parsers_depth_is_refused_not_cut_short() -> None:
    page = "<html><body><p>one</p>" + "<div>" * 300 + "deep" + "</div>" * 300 + "<p>two</p>"
    with pytest.raises(BadFileError, match="nested more than 256 deep"):
        html_document(page, "deep.html", "Europresse page")
    assert html_document("<p>fine</p>", "ok.html", "page").text_content() == "fine"


def test_for_recognising_only_the_head_of_a_long_file_is_transcoded() -> None:
    text = "Zoë 𝄞 " * 1000
    wide = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    for limit in (1001, 1002, 1003, 1004):  # cut inside a character and a surrogate pair
        head = plain_bytes(wide, limit).decode("utf-8")
        assert text.startswith(head)
        assert len(head) > 300
    assert plain_bytes(wide, len(wide)) == text.encode()
    cr = b"line\r" * 1000
    assert plain_bytes(cr, 100) == b"line\n" * 20
