"""APA (Austria Presse Agentur) RTF downloads from APA-OnlineManager / DeFacto. The fixture
is invented text in the layout of those downloads: a source line in italics ('"Outlet" vom
DD.MM.YYYY Seite: N' for print, '"Outlet" Section gefunden am DD.MM.YYYY' for the web),
Ressort, author and time lines, an edition or kicker line, the bold headline, paragraphs;
articles parted by section breaks or a row of underscores; page header and footer."""

from __future__ import annotations

import re

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.news import apa, recognise
from tests.io.news.fixture_files import FIXTURES

DATA = (FIXTURES / "apa_onlinemanager.rtf").read_bytes()


def test_each_article_with_its_source_line_fields() -> None:
    reader = recognise(DATA, "download.bin")
    assert reader is apa.READER
    found = reader.read(DATA, "apa.rtf")
    assert (found.database, found.format) == ("APA", "APA RTF")
    first, second, third = found.articles
    assert first.title == "Fischmarkt zieht an den Südkai"
    assert first.body == (
        "Der Fischmarkt von Velmar übersiedelt im Juni an den Südkai, beschloss der Gemeinderat "
        "am Mittwoch.\n\n"
        "Die Händler begrüßen den Umzug, weil der neue Platz Hafen und Altstadt verbindet."
    )
    assert first.fields == {
        "title": "Fischmarkt zieht an den Südkai",
        "outlet": "Velmarer Nachrichten",
        "date": "2019-05-02",
        "page": "3",
        "section": "Lokal",
    }
    # An edition and a kicker before the headline; the kept attachment's line is not text.
    assert second.fields["edition"] == "Abend"
    assert second.fields["kicker"] == "Sturm über der Küste:"
    assert second.body.endswith("Techniker fanden einen Schaden an der Leitung.")
    # A web article: the section in the source line, author and time lines; its headline
    # over two bold lines.
    assert third.fields == {
        "title": "Werft stellt zwanzig Lehrlinge ein",
        "outlet": "velmar.example",
        "date": "2019-05-04",
        "section": "Wirtschaft",
        "author": "Ada Lind",
        "time": "18:30",
    }
    assert "Gespeicherter Anhang" not in third.body
    # The page header and footer (the search, "Seite … von …") are no article's text.
    assert not any("Suche nach" in a.text or "OnlineManager" in a.text for a in found.articles)
    assert found.problems == ("article 4 of apa.rtf has no text: left out",)


def test_raw_utf8_characters_in_the_rtf_are_read_as_utf8() -> None:
    """The APA writes characters as raw UTF-8 bytes where RTF wants escapes or a code page."""
    raw = re.sub(rb"\\u(\d+)\?", lambda m: chr(int(m[1])).encode("utf-8"), DATA)
    assert b"\\u252?" not in raw
    assert "Südkai".encode() in raw
    assert apa.read(raw, "apa.rtf").articles == apa.read(DATA, "apa.rtf").articles


def test_other_rtf_is_not_claimed_and_an_empty_download_is_refused() -> None:
    minutes = b"{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Minutes of the harbour board.\\par}"
    assert not apa.recognises(minutes, "m.rtf")
    assert not apa.recognises(b'"Velmar" vom 02.05.2019 Seite: 3', "plain.txt")  # not RTF
    empty = b"{\\rtf1{\\info{\\author AOMweb}}\\f1 Keine Treffer.\\par}"
    assert apa.recognises(empty, "leer.rtf")
    with pytest.raises(BadFileError, match=r"^leer\.rtf: is an APA RTF download but holds no"):
        apa.read(empty, "leer.rtf")


def test_a_headline_repeated_as_the_first_paragraph_is_dropped() -> None:
    repeated = DATA.replace(
        b"\\par\\par\\cf2 Der Fischmarkt von Velmar",
        b"\\par\\par\\cf2 Fischmarkt zieht an den S\\u252?dkai"
        b"\\par\\par\\cf2 Der Fischmarkt von Velmar",
    )
    assert repeated != DATA
    first = apa.read(repeated, "apa.rtf").articles[0]
    assert first.body == apa.read(DATA, "apa.rtf").articles[0].body
    assert first.text.count("Fischmarkt zieht an den Südkai") == 1


def test_a_byte_order_mark_before_the_rtf_loses_no_article() -> None:
    data = b"\xef\xbb\xbf" + DATA
    reader = recognise(data, "bom.rtf")
    assert reader is apa.READER
    found = reader.read(data, "bom.rtf")
    assert [a.title for a in found.articles] == [
        a.title for a in apa.READER.read(DATA, "apa.rtf").articles
    ]
    assert found.articles[0].title == "Fischmarkt zieht an den Südkai"


def test_groups_nested_too_deep_are_refused_not_read_in_part() -> None:
    second = DATA.index(b'{\\cbpat1\\widctlpar\\cf2\\f1\\i\\b0\\fs20 "Kurier von Velmar"')
    deep = DATA[:second] + b"{" * 600 + b"x" + b"}" * 600 + DATA[second:]
    with pytest.raises(BadFileError, match="nested more than 512 deep"):
        apa.READER.read(deep, "deep.rtf")
