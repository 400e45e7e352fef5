"""Nexis downloads: Nexis Uni / Lexis Advance Word files (many documents, one, a ZIP of them),
Nexis UK HTML pages and Nexis RTF, each recognised by content and split into its articles."""

from __future__ import annotations

import re
import zipfile

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.news import STANDARD_FIELDS, NewsFile, nexis, readers, recognise
from annotator.io.news.nexis import NEXIS_DOCX, NEXIS_HTML, NEXIS_RTF, NEXIS_ZIP
from tests.conftest import SHARED_CORPUS
from tests.fuzz.conftest import NEWS_PAGE
from tests.io.news.nexis_samples import FIXTURES, documents_of, uni_paragraphs, word_file, zipped

EXPORTS = SHARED_CORPUS.parent / "news_exports"
FURNITURE = ("End of Document", "Load-Date", "LOAD-DATE", "Copyright", "Body", "Classification")


def read(reader_name: str, data: bytes, name: str) -> NewsFile:
    reader = recognise(data, name)
    assert reader is not None
    assert reader.name == reader_name
    return reader.read(data, name)


def test_the_nexis_readers_are_among_the_readers() -> None:
    assert {NEXIS_DOCX, NEXIS_ZIP, NEXIS_HTML, NEXIS_RTF} <= set(readers())


# Nexis Uni / Lexis Advance .docx -----------------------------------------------------------


def test_a_nexis_uni_docx_gives_each_document_with_its_fields_and_no_furniture() -> None:
    found = read(NEXIS_DOCX.name, word_file(uni_paragraphs()), "Files (3).docx")
    assert found.database == "Nexis Uni"
    assert [a.title for a in found.articles] == [
        "Harbour cranes stand still in Port Velmar",
        "Ferry service resumes",
    ]
    strike, ferry = found.articles
    assert (strike.position, ferry.position) == (1, 2)
    assert strike.fields == {
        "title": "Harbour cranes stand still in Port Velmar",
        "outlet": "The Coastal Ledger",
        "date": "2012-03-05",
        "edition": "Late Edition - Final",
        "copyright": "Copyright 2012 The Coastal Ledger Company All Rights Reserved",
        "section": "BUSINESS; Pg. 4",
        "words": "1204",
        "author": "Mirela Dastan",
        "dateline": "PORT VELMAR",
        "highlight": "The union wants the wages promised in spring.",
        "graphic": "PHOTO: Cranes on the eastern quay, Harbour archive",
        "language": "ENGLISH",
        "publication_type": "Newspaper",
        "subject": "STRIKES (91%); PORTS (88%)",
        "load_date": "2012-03-06",
    }
    # A sentence with a colon stays in the body; headings and fields do not come into it.
    assert strike.body.split("\n\n") == [
        "All seven cranes on the eastern quay have stood still since Monday morning, the "
        "union said.",
        "Talks resume on Thursday",
        '"No deal, no ships," a spokesman said; the operator promised an offer by Thursday.',
        "Follow Mirela Dastan on Twitter: @mdastan",
    ]
    assert strike.text.startswith("Harbour cranes stand still in Port Velmar\n\nAll seven")
    # A German date line; an abstract before "FULL TEXT" is a field, not body.
    assert ferry.fields["date"] == "2012-03-07"
    assert ferry.fields["abstract"] == "The ferry runs again from Friday."
    assert ferry.body == (
        "The morning ferry to Port Velmar will run to its timetable again from Friday."
    )
    # The document without a body (a picture gallery) is left out and named.
    assert found.problems == (
        "article 3 (Picture gallery: the harbour in winter) has no text; left out",
    )


def test_the_cover_page_of_a_docx_is_left_out_and_its_count_checked() -> None:
    paragraphs = uni_paragraphs()
    found = NEXIS_DOCX.read(word_file(paragraphs), "three.docx")
    text = "\n".join(a.text for a in found.articles)
    for cover in ("Job Number", "Search Terms", "Narrowed by", "Content Type"):
        assert cover not in text
    for furniture in FURNITURE:
        assert all(furniture not in a.body for a in found.articles)
    lying = [p.replace("Documents (3)", "Documents (5)") for p in paragraphs]
    assert "three.docx: the cover page lists 5 documents, 3 found" in (
        NEXIS_DOCX.read(word_file(lying), "three.docx").problems
    )


def test_a_single_document_docx_is_recognised_by_its_content_whatever_its_name() -> None:
    strike = documents_of(uni_paragraphs())[0]
    found = read(NEXIS_DOCX.name, word_file(strike), "download.bin")
    assert [a.title for a in found.articles] == ["Harbour cranes stand still in Port Velmar"]
    assert found.problems == ()
    # Saved without the closing line, the "Body" heading and a Load-Date field tell it.
    alone = [p for p in strike if p != "End of Document"]
    assert read(NEXIS_DOCX.name, word_file(alone), "a.docx").articles[0].fields["words"] == "1204"


def test_an_ordinary_word_article_is_not_taken_for_a_nexis_download() -> None:
    article = [
        "Harbour cranes stand still",
        "Body",
        "The union said on Monday: no deal, no ships.",
        "Length: about 300 words, said the editor.",
    ]
    assert recognise(word_file(article), "article.docx") is None


def test_a_zip_of_single_document_files_gives_the_documents_of_each() -> None:
    strike, ferry, gallery = documents_of(uni_paragraphs())
    archive = zipped(
        {
            "download/02_ferry.docx": word_file(ferry),
            "download/01_strike.docx": word_file(strike),
            "download/03_gallery.docx": word_file(gallery),
            "download/notes.docx": word_file(["Remember to code these by Friday."]),
            "download/~$01_strike.docx": b"lock file",
            "download/search terms.txt": b"harbour AND strike",
            "__MACOSX/download/._01_strike.docx": b"resource fork",
        }
    )
    found = read(NEXIS_ZIP.name, archive, "Files.zip")
    assert [a.title for a in found.articles] == [
        "Harbour cranes stand still in Port Velmar",
        "Ferry service resumes",
    ]
    assert [a.position for a in found.articles] == [1, 2]
    assert found.problems == (
        "article 3 (Picture gallery: the harbour in winter) has no text; left out",
        "download/notes.docx is not a Nexis document; left out",
        "download/search terms.txt is not a Word document (.docx); left out",
    )


def test_a_zip_without_nexis_documents_is_not_claimed() -> None:
    archive = zipped({"notes.docx": word_file(["Remember to code these by Friday."])})
    assert recognise(archive, "notes.zip") is None


def test_a_zip_bomb_is_refused_not_unpacked() -> None:
    bomb = zipped({"a.docx": word_file(documents_of(uni_paragraphs())[0]), "b.bin": bytes(10**8)})
    assert recognise(bomb, "bomb.zip") is None
    with pytest.raises(BadFileError, match="zip bomb"):
        NEXIS_ZIP.read(bomb, "bomb.zip")
    # A bomb inside: the ZIP around it is stored, so only the bounds of each .docx see it.
    inner = zipped({"word/document.xml": bytes(10**8)})
    nested = zipped({"inner.docx": inner}, zipfile.ZIP_STORED)
    with pytest.raises(BadFileError, match=r"nested\.zip: .*inner\.docx: .*zip bomb; left out"):
        NEXIS_ZIP.read(nested, "nested.zip")


def test_a_nexis_docx_without_any_article_is_refused_with_the_reason() -> None:
    gallery = documents_of(uni_paragraphs())[2]
    with pytest.raises(BadFileError, match=r"^gallery\.docx: .*without any article.*no text"):
        read(NEXIS_DOCX.name, word_file(gallery), "gallery.docx")


def test_a_damaged_docx_is_a_bad_file() -> None:
    data = word_file(uni_paragraphs())
    with pytest.raises(BadFileError, match=r"broken\.docx"):
        NEXIS_DOCX.read(data[: len(data) // 2], "broken.docx")
    assert NEXIS_DOCX.recognises(data[: len(data) // 2], "broken.docx") is False


# Nexis UK HTML -----------------------------------------------------------------------------


def test_a_nexis_uk_html_page_in_german_gives_its_articles() -> None:
    data = (FIXTURES / "nexis_uk_de.html").read_bytes()
    found = read(NEXIS_HTML.name, data, "export.htm")
    assert found.database == "Nexis UK"
    strike, ferry, lighthouse = found.articles
    assert strike.fields == {
        "title": "Hafenarbeiter legen die Kräne still",
        "outlet": "Velmarer Bote Online",
        "date": "2012-02-27",
        "copyright": "Copyright 2012 Velmarer Bote GmbH Alle Rechte vorbehalten",
        "author": "Mira Tessendorf",
        "section": "WIRTSCHAFT; HAFEN",
        "words": "1285",
        "highlight": "Seit Montag ruht die Arbeit am Ostkai. Die Gewerkschaft fordert den "
        "versprochenen Lohn.",
        "load_date": "2012-02-28",
        "language": "GERMAN; DEUTSCH",
        "graphic": "Kräne am Ostkai Foto: Hafenarchiv",
        "publication_type": "Web-Publikation",
        "journal_code": "vbo",
    }
    assert strike.body.split("\n\n") == [
        "Port Velmar - Am Ostkai stehen seit Montagmorgen alle sieben Kräne still. Die "
        "Gewerkschaft spricht von 312 Streikenden, die Hafenbehörde von 180.",
        "Verhandlungen am Donnerstag",
        'Ein Sprecher der Reederei sagte, man werde am Donnerstag weiter verhandeln: "Ohne '
        'Einigung fahren keine Schiffe."',
    ]
    assert ferry.fields["date"] == "2012-03-01"
    assert ferry.fields["section"] == "LOKALES; S. 3 Ausg. 9"
    # A date line that is no date is kept as text and reported; an empty entry left out.
    assert lighthouse.fields["date_text"] == "Frühjahr 2012"
    assert "date" not in lighthouse.fields
    assert found.problems == (
        "article 3: the date 'Frühjahr 2012' is not understood",
        "article 4 (Bildergalerie: Der Hafen im Winter) has no text; left out",
    )


def test_an_ordinary_news_page_is_not_taken_for_a_nexis_download() -> None:
    assert recognise(NEWS_PAGE.encode(), "page.html") is None
    mentions = NEWS_PAGE.replace("Passengers", "1 of 3 DOCUMENTS Passengers").encode()
    assert recognise(mentions, "page.html") is None


def test_a_truncated_html_download_gives_the_articles_it_still_holds() -> None:
    data = (FIXTURES / "nexis_uk_de.html").read_bytes()
    cut = data[: data.index(b"2 of 4 DOCUMENTS") + 200]
    found = NEXIS_HTML.read(cut, "cut.html")
    assert [a.title for a in found.articles] == ["Hafenarbeiter legen die Kräne still"]
    with pytest.raises(BadFileError, match=r"cut\.html: .*without any article"):
        NEXIS_HTML.read(data[: data.index(b"1 of 4 DOCUMENTS") + 300], "cut.html")


# Nexis RTF ---------------------------------------------------------------------------------


def test_a_classic_nexis_rtf_gives_its_articles_and_keeps_capitals_in_the_body() -> None:
    found = read(NEXIS_RTF.name, (FIXTURES / "nexis_classic.rtf").read_bytes(), "x.rtf")
    assert found.database == "Nexis UK"
    strike, ferry = found.articles
    assert strike.fields == {
        "title": "Harbour cranes stand still in Port Velmar",
        "outlet": "The Coastal Ledger",
        "date": "2012-03-05",
        "edition": "Late Edition - Final",
        "copyright": "Copyright 2012 The Coastal Ledger Company; All Rights Reserved",
        "author": "Mirela Dastan",
        "section": "BUSINESS; Pg. 4",
        "words": "1204",
        "dateline": "PORT VELMAR",
        "load_date": "2012-03-06",
        "language": "ENGLISH",
        "graphic": "PHOTO: Cranes on the eastern quay; Harbour archive",
        "publication_type": "Newspaper",
    }
    assert strike.body.split("\n\n") == [
        "PORT VELMAR: All seven cranes on the eastern quay have stood still since Monday "
        "morning, the union said.",
        "The port authority put the number of strikers at 180; the union said 312 of its "
        "members had joined.",
        "\u201cNo deal, no ships,\u201d a spokesman said in the caf\u00e9 by the quay "
        "\u2013 talks resume on Thursday.",
    ]
    assert ferry.body.endswith("from Friday\u2019s first crossing.")
    assert found.problems == (
        "article 3 (Picture gallery: the harbour in winter) has no text; left out",
    )


def test_a_nexis_uni_rtf_gives_its_articles() -> None:
    found = read(NEXIS_RTF.name, (FIXTURES / "nexis_uni.rtf").read_bytes(), "x.rtf")
    assert found.database == "Nexis Uni"
    lighthouse, market = found.articles
    assert lighthouse.fields["subject"] == "LIGHTHOUSES (90%); MARITIME SAFETY (72%)"
    assert lighthouse.fields["author"] == "Tomas Ekwall"
    assert lighthouse.body.count("\n\n") == 1
    assert market.fields["date"] == "2012-03-10"  # "10. März 2012"
    assert found.problems == ()


def test_an_rtf_that_is_not_a_nexis_download_is_not_claimed() -> None:
    letter = rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\pard Dear editor,\par End of Document\par}"
    assert recognise(letter, "letter.rtf") is None


# The real downloads (../shared/news_exports), when they are there ----------------------------


@pytest.mark.parametrize(
    ("name", "reader", "count"),
    [
        ("kw_lexis_usa-today.docx", NEXIS_DOCX, 7),
        ("kw_nexis_spiegel_2012-02-01_0001.html", NEXIS_HTML, 49),
    ],
)
def test_real_downloads_give_exactly_their_articles(name: str, reader: object, count: int) -> None:
    path = EXPORTS / name
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    data = path.read_bytes()
    assert recognise(data, name) is reader
    found = recognise(data, name).read(data, name)  # type: ignore[union-attr]
    assert len(found.articles) == count
    assert found.problems == ()
    for article in found.articles:
        assert article.title
        assert article.body
        assert article.fields["outlet"]
        assert article.fields["words"].isdigit()
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.fields["date"])
        assert not any(furniture in article.body for furniture in FURNITURE[:3])
        assert set(STANDARD_FIELDS[:3]) <= set(article.fields)


def test_real_downloads_of_other_databases_are_not_claimed() -> None:
    others = [
        EXPORTS / "lnt_sample.TXT",
        EXPORTS / "kw_factiva_irish-independence_1_2017-11-14.html",
    ]
    if not all(path.is_file() for path in others):
        pytest.skip(f"{EXPORTS} is not here")
    for path in others:
        data = path.read_bytes()
        claimed = [r.name for r in nexis.READERS if r.recognises(data, path.name)]
        assert claimed == [], path.name
    # and every file is taken by its own database's reader
    assert [recognise(p.read_bytes(), p.name).name for p in others] == [  # type: ignore[union-attr]
        "LexisNexis Academic text",
        "Factiva HTML",
    ]
