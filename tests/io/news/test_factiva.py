"""Factiva downloads: the results page saved as HTML (Article Format and the indexing
layout, in any interface language), RTF downloads and tagged plain text.

The fixtures are articles written for these tests, about invented events, in the layouts
Factiva writes; the real downloads in ../shared/news_exports are read when present.
"""

from __future__ import annotations

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.news import factiva, readers, recognise
from tests.fuzz.conftest import NEWS_PAGE, PLAIN_TEXT
from tests.io.news.factiva_pdfs import ARTICLES, factiva_pdf
from tests.io.news.fixture_files import FIXTURES, SHARED_EXPORTS, read

# -- HTML, Article Format ------------------------------------------------------------------


def test_english_article_format_gives_headline_body_and_every_header_field() -> None:
    found = read("factiva_en.html")
    assert found.database == "Factiva"
    assert found.format == "Factiva HTML (Article Format)"
    first = found.articles[0]
    assert first.title == "Ferry crew walks off in Port Velmar"
    assert first.body == (
        "The crew of the morning ferry left the vessel at the eastern quay on Tuesday, saying "
        "that wages promised in the spring had still not been paid.\n\n"
        "Passengers waited for three hours before a relief crew arrived from the mainland; "
        "the operator said talks would continue on Thursday."
    )
    assert first.fields == {
        "title": "Ferry crew walks off in Port Velmar",
        "language_code": "en",
        "author": "Mirela Dastan",
        "section": "Harbour",
        "words": "212",
        "outlet": "The Coastal Ledger",
        "source_code": "CLEDG",
        "edition": "2; Island",
        "page": "4,5",
        "language": "English",
        "copyright": "(c) 2019 Coastal Ledger Media Ltd",
        "publisher": "Coastal Ledger Media Limited",
        "document_id": "CLEDG00020190416ef4g0000a",
        "date": "2019-04-16",
    }
    assert first.position == 1


def test_time_credit_and_a_closing_copyright_line_are_not_body() -> None:
    second, fourth = read("factiva_en.html").articles[1:]
    assert second.fields["time"] == "10:52 GMT"
    assert second.fields["date"] == "2019-04-12"
    assert "(c)" not in second.body
    assert "Copyright" not in second.body
    assert second.body.endswith("before the winter storms.")
    assert "publisher" not in second.fields  # none between the body and "Document"
    assert fourth.fields["credit"] == "Special to the Velmar Courier"
    assert fourth.fields["author"] == "Tomas Reik; Ana Lind"
    assert fourth.fields["words"] == "1204"
    assert (fourth.fields["edition"], fourth.fields["page"]) == ("Late Edition - Final", "B3")
    # A table set as preformatted text keeps its lines; page furniture is left out.
    assert "Stalls 2018 2019\nQuay 41 38" in fourth.body
    assert "rote Kreuz" not in fourth.body
    assert all("rote Kreuz" not in value for value in fourth.fields.values())


def test_an_article_without_text_is_left_out_with_its_position() -> None:
    found = read("factiva_en.html")
    assert [a.position for a in found.articles] == [1, 2, 4]
    assert found.problems == ("article 3 of factiva_en.html has no text: left out",)


def test_german_interface_labels_and_dates() -> None:
    first, second = read("factiva_de.html").articles
    assert first.title == "1) Fährleute in Port Velmar legen die Arbeit nieder"
    assert first.fields["date"] == "2018-01-09"  # "9 Januar 2018"
    assert first.fields["words"] == "164"
    assert first.fields["language"] == "Deutsch"
    assert first.fields["document_id"] == "NORDB00020180109ee1900001"  # "Dokument …"
    assert first.fields["publisher"] == "Verlag Nordbote GmbH"
    assert "Kreuz" not in first.body
    # An English article in the German interface: the date is in German, the words too.
    assert second.fields["language_code"] == "en"
    assert second.fields["date"] == "2018-02-14"
    assert second.fields["words"] == "1204"  # "1.204 Wörter"
    assert (second.fields["edition"], second.fields["page"]) == ("Spätausgabe", "12")


def test_chinese_interface_dates_with_time_and_header_inside_a_paragraph() -> None:
    first, second = read("factiva_zh.html").articles
    assert first.title == "韦尔马港渡轮船员罢工"
    assert first.fields["date"] == "2018-05-28"
    assert first.fields["time"] == "17:04"
    assert first.fields["words"] == "96"
    assert first.fields["language_code"] == "zh-CN"
    assert first.fields["author"] == "林晓"
    assert first.fields["outlet"] == "海岸日报"
    assert first.fields["page"] == "A3"
    assert first.fields["copyright"] == "版权所有 2018 海岸日报社"
    assert first.body == (
        "星期二早上，渡轮船员在东码头离开了船只，说春天承诺的工资仍未支付。\n\n"
        "船公司表示，谈判将于星期四继续。"
    )
    assert second.fields["section"] == "观点"
    assert second.fields["date"] == "2018-06-01"
    assert second.fields["document_id"] == "CLEDG00020180601ee6100002"  # "文件 …"


def _page(header: list[str], language: str = "en") -> bytes:
    """An Article Format page with one article whose header lines are ``header``."""
    divs = "".join(f"<div>{line}</div>" for line in header)
    return (
        '<html><head><meta charset="utf-8"><title>Factiva</title></head><body>'
        f'<div id="article-VELMR00020000101e0000000a" class="article">'
        f'<div class="article {language}Article"><p></p>'
        f'<div id="hd"><span class="{language}Headline">Harbour news</span></div>{divs}<p></p>'
        f'<p class="articleParagraph {language}articleParagraph">The quay reopened.</p>'
        "<p>Document VELMR00020000101e0000000a</p></div></div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["295 mots", "29 décembre 2011", "Le Courrier", "COURVL", "Français", "(c) 2011"],
            {"date": "2011-12-29", "words": "295", "language": "Français"},
        ),
        (
            ["310 palabras", "7 abril 2000", "El Faro", "FARO", "Español", "Copyright 2000"],
            {"date": "2000-04-07", "words": "310", "language": "Español"},
        ),
        (
            ["512 語", "2018年5月28日", "港新聞", "MINATO", "日本語", "Copyright 2018"],
            {"date": "2018-05-28", "words": "512", "language": "日本語"},
        ),
        (
            ["88 parole", "3 marzo 2015", "Il Porto", "PORTO", "Italiano", "© 2015"],
            {"date": "2015-03-03", "words": "88", "language": "Italiano"},
        ),
    ],
    ids=["french", "spanish", "japanese", "italian"],
)
def test_header_lines_in_other_interface_languages(
    header: list[str], expected: dict[str, str]
) -> None:
    found = factiva.read_html(_page(header), "page.html")
    fields = found.articles[0].fields
    assert {key: fields.get(key) for key in expected} == expected
    assert fields["outlet"] == header[2]
    assert fields["source_code"] == header[3]
    assert not found.problems


# -- HTML, indexing layout -------------------------------------------------------------------


def test_indexing_layout_reads_the_codes() -> None:
    found = read("factiva_indexing.html")
    assert found.format == "Factiva HTML (Full Article/Report plus Indexing)"
    first, second = found.articles
    assert first.title == "Les marins du bac quittent le navire"
    assert first.body == (
        "L'équipage du bac du matin a quitté le navire mardi au quai est.\n\n"
        "Les passagers ont attendu trois heures.\n\nLes négociations reprendront jeudi."
    )
    fields = first.fields
    assert fields["date"] == "2011-12-29"
    assert fields["time"] == "15:32"
    assert (fields["author"], fields["section"], fields["page"]) == ("Claire Moreau", "Port", "7")
    assert fields["outlet"] == "Le Courrier de Velmar"
    assert fields["subject"] == "Labour/Personnel; Political/General News"
    assert fields["region"] == "Velmar; Europe"
    assert fields["publisher"] == "Éditions du Courrier"
    assert fields["document_id"] == "COURVL0020111229e7ct0001r"
    # A date that is none is kept as text, and said so.
    assert "date" not in second.fields
    assert second.fields["date_text"] == "le jour des rois"
    assert found.problems == (
        "article 2 of factiva_indexing.html: cannot read the date 'le jour des rois'; "
        "kept as date_text",
    )


# -- RTF and tagged text -------------------------------------------------------------------


def test_rtf_indexing_layout() -> None:
    found = read("factiva_indexing.rtf")
    assert found.format == "Factiva RTF (Full Article/Report plus Indexing)"
    first, second = found.articles
    assert first.title == "Ferry crew walks off in Port Velmar"
    assert first.body == (
        "The crew of the morning ferry left the vessel at the eastern quay on Tuesday\u2014wages "
        "promised in the spring had still not been paid.\n\n"
        "Passengers waited for three hours at the café on the quay.\n\n"
        "The operator said talks would continue on Thursday \u2013 or Friday."
    )
    assert first.fields["copyright"] == "© 2019 Coastal Ledger Media Ltd"
    assert first.fields["date"] == "2019-04-16"
    assert first.fields["subject"] == "Labour/Personnel; Political/General News"
    assert second.fields["section"] == "Business"
    assert "hidden" not in second.body  # a hidden group's text


def test_rtf_article_format() -> None:
    found = read("factiva_article.rtf")
    assert found.format == "Factiva RTF (Article Format)"
    first, second = found.articles
    assert first.title == "Ferry crew walks off in Port Velmar"
    assert first.fields["section"] == "Harbour"
    assert first.fields["author"] == "Mirela Dastan"
    assert first.fields["date"] == "2019-04-16"
    assert (first.fields["edition"], first.fields["page"]) == ("2; Island", "4,5")
    assert first.fields["publisher"] == "Coastal Ledger Media Limited"
    assert first.body.endswith(
        "at the café for three hours; the operator said talks would continue on Thursday."
    )
    assert first.body.startswith("The crew of the morning ferry")
    assert second.title == "Lighthouse keepers ask for a second boat"
    assert second.fields["time"] == "10:52 GMT"
    assert second.body.endswith("\u2014before the winter storms.")


def test_tagged_text() -> None:
    found = read("factiva_tagged.txt")
    assert found.format == "Factiva tagged text"
    first, second = found.articles
    assert first.title == "Ferry crew walks off in Port Velmar"
    assert first.body == (
        "The crew of the morning ferry left the vessel at the eastern quay on Tuesday, saying "
        "that wages promised in the spring had still not been paid.\n\n"
        "Passengers waited for three hours before a relief crew arrived from the mainland.\n\n"
        "The operator said talks would continue on Thursday."
    )
    assert first.fields["region"] == "Velmar; Europe; isl"  # a code without its description
    assert first.fields["industry"] == "Ferry Services; Transportation/Logistics"
    assert first.fields["time"] == "06:04 GMT"
    assert second.fields["page"] == "B3"
    assert found.problems == ("article 3 of factiva_tagged.txt has no text: left out",)


# -- XML (PPS) ---------------------------------------------------------------------------


def test_xml_pps_download() -> None:
    found = read("factiva_pps.xml")
    assert found.format == "Factiva XML (PPS)"
    first, second = found.articles
    assert first.title == "Quay in Port Velmar reopens"  # the search hit's mark left out
    assert first.body == (
        "The eastern quay reopened on Wednesday after a week of repairs.\n\n"
        "Ferries will use it from Friday.\n\n"
        "The harbour board said the cost was within budget."
    )
    assert first.fields == {
        "title": "Quay in Port Velmar reopens",
        "time": "06:04:00Z",
        "outlet": "Velmar Courier",
        "author": "By Ada Lind",
        "section": "Harbour",
        "words": "31",
        "language_code": "en",
        "publisher": "Velmar Media",
        "source_code": "VELMR",
        "copyright": "(c) 2019 Velmar Courier",
        "document_id": "VELMR00020190501ef5100001",
        "page": "4, 5",
        "region": "Velmar; isl",
        "subject": "Transport",
        "date": "2019-05-01",
    }
    assert second.fields["date"] == "2019-05-02"
    assert second.fields["outlet"] == "Écho de Velmar"
    assert second.position == 2
    assert found.problems == ("article 3 of factiva_pps.xml has no text: left out",)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<PPSResponse><ppsarticle><article>", "is Factiva XML that cannot be read"),
        (
            b"<PPSResponse><article><headline>H</headline></article></PPSResponse>",
            "is Factiva XML but holds no",
        ),
    ],
    ids=["broken", "no text"],
)
def test_a_broken_or_empty_xml_download_is_refused_in_one_line(data: bytes, reason: str) -> None:
    reader = recognise(data, "pps.xml")
    assert reader is not None
    assert reader.name == "Factiva XML"
    with pytest.raises(BadFileError, match=rf"^pps\.xml: {reason}") as caught:
        reader.read(data, "pps.xml")
    assert "\n" not in str(caught.value)


def _pps(body: bytes, before: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0"?>' + before + b"<PPSResponse><article>"
        b"<headline><paragraph>H</paragraph></headline>"
        b"<tailParagraphs><paragraph>" + body + b"</paragraph></tailParagraphs>"
        b"<sourceName>S</sourceName><publicationDate><date>2019-05-01</date></publicationDate>"
        b"</article></PPSResponse>"
    )


@pytest.mark.parametrize(
    "before",
    [
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',  # a file of this machine
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>',  # the network
        b'<!DOCTYPE r [<!ENTITY y "ha"><!ENTITY x "&y;&y;&y;&y;&y;&y;&y;&y;&y;&y;">]>',
        b'<!DOCTYPE r SYSTEM "factiva.dtd">',  # an undefined entity lxml would keep as "&x;"
    ],
    ids=["file", "network", "nested", "external-dtd"],
)
def test_an_entity_in_the_xml_is_refused_never_expanded_nor_kept(before: bytes) -> None:
    data = _pps(b"Body &x; end", before)
    with pytest.raises(BadFileError) as caught:
        factiva.XML_READER.read(data, "pps.xml")
    assert str(caught.value) == (
        "pps.xml: is Factiva XML that cannot be read: it uses the entity '&x;' (line 1), which "
        "Factiva's XML never does; export it again"
    )


def test_an_undefined_entity_is_refused_in_plain_words() -> None:
    data = _pps(b"Caf&eacute; on the\n quay &foo; end").replace(b"<article>", b"\n<article>")
    with pytest.raises(BadFileError) as caught:
        factiva.XML_READER.read(data, "pps.xml")
    assert str(caught.value) == (
        "pps.xml: is Factiva XML that cannot be read: it uses the entity '&eacute;' (line 2), "
        "which Factiva's XML never does; export it again"
    )


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"<PPSResponse><article>\n<headline>H</headlin></article></PPSResponse>", "line 2"),
        (b"<PPSResponse>" + b"<article>" * 300 + b"</PPSResponse>", "line 1"),
        (b"<PPSResponse><article>\n\n<p>a\x01b</p></article></PPSResponse>", "line 3"),
    ],
    ids=["mismatched tag", "too deep", "control character"],
)
def test_broken_xml_is_refused_in_one_plain_line_naming_where(data: bytes, where: str) -> None:
    with pytest.raises(BadFileError) as caught:
        factiva.XML_READER.read(data, "pps.xml")
    message = str(caught.value)
    assert message.startswith(f"pps.xml: is Factiva XML that cannot be read: broken XML at {where}")
    assert "\n" not in message
    for internal in ("tag mismatch", "XML_PARSE_HUGE", "PCDATA", "column", "<string>"):
        assert internal not in message


def test_a_pps_article_without_outlet_or_date_is_imported_and_reported() -> None:
    bare = (
        b"<article><headline><paragraph>H</paragraph></headline>"
        b"<leadParagraph>Body</leadParagraph></article>"
    )
    data = _pps(b"Two").replace(b"<PPSResponse>", b"<PPSResponse>" + bare)
    found = factiva.XML_READER.read(data, "pps.xml")
    assert len(found.articles) == 2
    assert found.problems == ("article 1 of pps.xml has no outlet and no date: imported",)


# -- PDF (Article Format) ------------------------------------------------------------------


def test_article_format_pdf() -> None:
    data = factiva_pdf()
    reader = recognise(data, "download.pdf")
    assert reader is not None
    assert reader.name == "Factiva PDF"
    found = reader.read(data, "download.pdf")
    assert found.format == "Factiva PDF (Article Format)"
    assert found.problems == ()
    first, second = found.articles
    expected = ARTICLES[0]
    assert first.title == expected["headline"]
    # Wrapped lines joined again; paragraphs kept apart; header and "Document …" not text.
    assert first.body == "\n\n".join(expected["body"])  # type: ignore[arg-type]
    assert first.fields == {
        "title": "Quay in Port Velmar reopens",
        "document_id": "VELMR00020190501ef5100001",
        "author": "By Ada Lind",
        "section": "Harbour",
        "words": "118",
        "outlet": "Velmar Courier",
        "source_code": "VELMR",
        "copyright": "(c) 2019 Velmar Media. All rights reserved.",
        "language": "English",
        "date": "2019-05-01",
    }
    # The second article's first paragraph runs over the page break, past the footer.
    assert second.body == "\n\n".join(ARTICLES[1]["body"])  # type: ignore[arg-type]
    assert "Factiva, Inc." not in second.body
    assert second.fields["date"] == "2019-05-02"
    assert "author" not in second.fields


def test_a_pdf_that_stopped_gives_the_articles_before_the_cut() -> None:
    found = factiva.PDF_READER.read(factiva_pdf(cut=True), "cut.pdf")
    assert [a.title for a in found.articles] == ["Quay in Port Velmar reopens"]
    assert found.problems == ("article 2 of cut.pdf is cut off (the download stopped): left out",)


def test_other_pdfs_are_not_claimed_and_a_broken_one_is_refused() -> None:
    # The same pages without Factiva's footer or an accession number: an ordinary PDF.
    other = factiva_pdf([{**ARTICLES[0], "document": "The end."}], footer=False)
    assert factiva.PDF_READER.recognises(factiva_pdf(ARTICLES[:1], footer=False), "x.pdf")
    assert not factiva.PDF_READER.recognises(other, "x.pdf")
    assert recognise(other, "x.pdf") is None
    assert recognise(b"%PDF-1.4 nothing more", "x.pdf") is None
    with pytest.raises(BadFileError, match=r"^x\.pdf: is a Factiva PDF that cannot be read"):
        factiva.PDF_READER.read(b"%PDF-1.4 nothing more", "x.pdf")


# -- recognised by content, and refused with a reason ------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (NEWS_PAGE.encode(), "page.html"),
        (PLAIN_TEXT.encode(), "notes.txt"),
        (b"{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Minutes of the harbour board.\\par}", "m.rtf"),
        (b"HD\nA line that says HD, and nothing else\n", "hd.txt"),
        (b"", "empty.html"),
    ],
    ids=["news page", "plain text", "other rtf", "hd line", "empty"],
)
def test_other_files_are_not_claimed(data: bytes, name: str) -> None:
    assert not any(reader.recognises(data, name) for reader in factiva.READERS)


def test_each_file_goes_to_its_reader_whatever_its_name() -> None:
    names = {
        "factiva_en.html": "Factiva HTML",
        "factiva_indexing.html": "Factiva HTML",
        "factiva_article.rtf": "Factiva RTF",
        "factiva_tagged.txt": "Factiva tagged text",
        "factiva_pps.xml": "Factiva XML",
    }
    for name, reader in names.items():
        found = recognise((FIXTURES / name).read_bytes(), "download.bin")
        assert found is not None
        assert found.name == reader
    assert {reader.name for reader in factiva.READERS} <= {r.name for r in readers()}


def test_a_page_with_no_article_text_is_refused_naming_the_file() -> None:
    page = _page(["0 words", "1 May 2019", "Velmar Courier", "VELMR", "English"])
    empty = page.replace(b"The quay reopened.", b"")
    assert factiva.recognises_html(empty, "x.html")
    with pytest.raises(BadFileError, match=r"^empty\.html: is a Factiva page but holds no"):
        factiva.read_html(empty, "empty.html")


def test_a_truncated_page_gives_the_articles_before_the_cut() -> None:
    data = (FIXTURES / "factiva_en.html").read_bytes()
    cut = data[: data.index(b"Lighthouse keepers")]
    found = factiva.read_html(cut, "cut.html")
    assert [a.title for a in found.articles] == ["Ferry crew walks off in Port Velmar"]


def test_a_page_in_windows_1252_that_says_utf8_is_read_right() -> None:
    page = _page(["12 Wörter", "9 Januar 2018", "Café Zeitung", "CAFE", "Deutsch"], "de")
    found = factiva.read_html(page.decode().encode("cp1252"), "old.html")
    assert found.articles[0].fields["outlet"] == "Café Zeitung"
    assert found.articles[0].fields["date"] == "2018-01-09"


# -- the real downloads ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count", "kind"),
    [
        ("kw_factiva_irish-independence_1_2017-11-14.html", 44, "Factiva HTML (Article Format)"),
        ("nk_factiva.txt", 55, "Factiva tagged text"),
        ("tmf_factiva_pps.xml", 3, "Factiva XML (PPS)"),
    ],
)
def test_real_downloads_give_every_article(name: str, count: int, kind: str) -> None:
    path = SHARED_EXPORTS / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    data = path.read_bytes()
    reader = recognise(data, name)
    assert reader is not None
    found = reader.read(data, name)
    assert found.format == kind
    assert len(found.articles) == count
    assert not found.problems
    for article in found.articles:
        assert article.title
        assert article.body
        assert article.fields["outlet"]
        assert len(article.fields["date"]) == 10
        assert article.fields["date"][4] == "-"
        assert article.fields["words"].isdigit()
        assert "Document " not in article.body


# -- how the bytes are decoded and recognised -------------------------------------------------


def test_tagged_text_in_utf16_is_recognised_and_read() -> None:
    data = (FIXTURES / "factiva_tagged.txt").read_bytes()
    plain = factiva.read_text(data, "tagged.txt")
    for wide in (
        b"\xff\xfe" + data.decode().encode("utf-16-le"),
        b"\xfe\xff" + data.decode().encode("utf-16-be"),
    ):
        reader = recognise(wide, "tagged.txt")
        assert reader is not None
        assert reader.name == "Factiva tagged text"
        assert reader.read(wide, "tagged.txt").articles == plain.articles


def test_a_page_nested_too_deep_is_refused_not_cut_short() -> None:
    data = (FIXTURES / "factiva_en.html").read_bytes()
    second = data.index(b'<div class="article', data.index(b'<div class="article') + 1)
    deep = data[:second] + b"<div>" * 300 + b"x" + b"</div>" * 300 + data[second:]
    with pytest.raises(BadFileError, match="nested more than 256 deep"):
        factiva.read_html(deep, "deep.html")
