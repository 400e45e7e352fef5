"""Europresse HTML downloads, in the current (<article>) and the old (table) layout, and a page
whose declared charset is not its bytes'.

The fixtures are articles written for these tests, about invented events, in the layouts the
databases write; the real downloads in ../shared/news_exports are read when present.
"""

from __future__ import annotations

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.news import europresse, recognise
from tests.io.news.fixture_files import FIXTURES, ISO, SHARED_EXPORTS, read

# -- Europresse -----------------------------------------------------------------------------


def test_europresse_current_layout_gives_headline_body_outlet_date_and_byline() -> None:
    found = read("europresse_current.html", "Europresse HTML")
    assert (found.database, found.format) == ("Europresse", "Europresse HTML (current layout)")
    first, second = found.articles
    assert first.title == "L'équipage du ferry quitte le navire"
    assert first.body == (
        "L'équipage du ferry du matin a quitté le navire mardi, faute d'avoir reçu les salaires "
        "promis au printemps.\n\nLes passagers ont attendu trois heures l'arrivée d'un équipage "
        "de relève."
    )
    assert {k: first.fields[k] for k in ("outlet", "date", "section", "page", "author")} == {
        "outlet": "Le Courrier de Velmar",
        "date": "2019-04-16",
        "section": "Port",
        "page": "4",
        "author": "Mirela Dastan",
    }
    assert first.fields["document_id"] == "news·20190416·CV·0416a_001"
    assert "Tous droits" not in first.body
    assert "Note(s)" not in first.body
    assert (second.fields["words"], second.fields["date"]) == ("312", "2019-04-19")
    assert "author" not in second.fields


def test_europresse_old_table_layout_declared_latin1_but_utf8_is_read_by_its_bytes() -> None:
    data = (FIXTURES / "europresse_old.html").read_bytes()
    assert b"charset=ISO-8859-1" in data
    assert "é".encode() in data
    found = read("europresse_old.html", "Europresse HTML")
    assert found.format == "Europresse HTML (old layout)"
    assert [a.title for a in found.articles] == [
        "Le bureau du port rouvre lundi",
        "Le marché aux poissons déménage",
    ]
    first, second = found.articles
    assert "Ã" not in first.body + second.body  # no mojibake
    assert first.fields["outlet"] == "Le Courrier de Velmar"
    assert first.fields["date"] == "2019-05-02"
    assert first.fields["author"] == "Aldo Senn"
    assert first.fields["section"] == "Économie"
    assert second.fields["date"] == "2019-06-01"  # "1er juin 2019"


def test_a_europresse_page_in_windows_1252_is_read_too() -> None:
    data = (FIXTURES / "europresse_old.html").read_bytes().decode("utf-8").encode("cp1252")
    found = europresse.read(data, "old.html")
    assert found.articles[1].title == "Le marché aux poissons déménage"


def test_a_europresse_page_without_text_is_refused_in_one_line() -> None:
    page = b'<html><body><span class="DocPublicationName">X</span><p class="titreArticleVisu">'
    with pytest.raises(BadFileError, match="Europresse page but holds no article"):
        europresse.read(page + b"T</p></body></html>", "empty.html")


def test_a_headline_repeated_as_the_first_paragraph_is_dropped() -> None:
    data = (FIXTURES / "europresse_current.html").read_bytes()
    repeated = data.replace(
        '<div class="docOcurrContainer"><p>L\'équipage du ferry du matin'.encode(),
        '<div class="docOcurrContainer"><p>L\'équipage du ferry quitte le navire.</p>'
        "<p>L'équipage du ferry du matin".encode(),
    )
    assert repeated != data
    first = europresse.read(repeated, "repeated.html").articles[0]
    assert first.body == europresse.read(data, "current.html").articles[0].body
    assert first.text.count("quitte le navire") == 1


def test_a_document_without_outlet_or_date_is_imported_and_reported() -> None:
    data = (FIXTURES / "europresse_old.html").read_bytes()
    # The first document loses its publication name, the second its dated header and number.
    bare = data.replace(b"Le Courrier de Velmar</span>", b"</span>", 1)
    bare = bare.replace(b"samedi 1er juin 2019", b"", 1)
    bare = bare.replace("news·20190601".encode(), b"news-x", 1)
    found = europresse.read(bare, "bare.html")
    assert len(found.articles) == 2
    assert found.problems == (
        "article 1 of bare.html has no outlet: imported",
        "article 2 of bare.html has no date: imported",
    )


# -- the real downloads (../shared/news_exports), when they are there --------------------------


@pytest.mark.parametrize(
    ("name", "reader", "count"),
    [
        ("tme_europresse_new.html", "Europresse HTML", 4),
    ],
)
def test_real_downloads_give_exactly_their_articles(name: str, reader: str, count: int) -> None:
    path = SHARED_EXPORTS / name
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    data = path.read_bytes()
    found_reader = recognise(data, name)
    assert found_reader is not None
    assert found_reader.name == reader
    found = found_reader.read(data, name)
    assert len(found.articles) == count
    for article in found.articles:
        assert article.title
        assert article.body
        assert article.fields["outlet"]
        assert ISO.fullmatch(article.fields["date"])


# -- how the bytes are decoded ----------------------------------------------------------------


def test_a_europresse_page_with_a_byte_order_mark_or_in_utf16_is_recognised() -> None:
    data = (FIXTURES / "europresse_current.html").read_bytes()
    text = data.decode("utf-8")
    for variant in (
        b"\xef\xbb\xbf" + data,
        b"\xff\xfe" + text.encode("utf-16-le"),
        b"\xfe\xff" + text.encode("utf-16-be"),
    ):
        reader = recognise(variant, "page.html")
        assert reader is not None
        assert reader.name == "Europresse HTML"
        found = reader.read(variant, "page.html")
        assert found.articles[0].title == "L'équipage du ferry quitte le navire"


def test_a_europresse_page_nested_too_deep_is_refused_not_cut_short() -> None:
    page = (FIXTURES / "europresse_current.html").read_text(encoding="utf-8")
    second = page.index("<article", page.index("<article") + 1)
    deep = page[:second] + "<div>" * 300 + "x" + "</div>" * 300 + page[second:]
    with pytest.raises(BadFileError, match="nested more than 256 deep"):
        europresse.READERS[0].read(deep.encode(), "deep.html")


def test_a_page_cut_inside_a_character_stays_utf8() -> None:
    """A download that stopped in the middle of a two-byte letter: what came before is read
    as UTF-8 (not the whole page as Windows-1252), and the cut is reported."""
    data = (FIXTURES / "europresse_current.html").read_bytes()
    whole = europresse.read(data, "e.html")
    last_body = whole.articles[-1].body
    letter = next(c for c in last_body if len(c.encode("utf-8")) == 2)
    at = data.rindex(letter.encode("utf-8")) + 1  # between its two bytes
    cut = europresse.read(data[:at], "cut.html")
    assert [a.text for a in cut.articles] == [a.text for a in whole.articles[: len(cut.articles)]]
    assert cut.articles
    assert "Ã" not in "".join(a.text for a in cut.articles)
    assert any("cut.html" in line and "stop" in line for line in cut.problems), cut.problems


def test_a_page_too_large_to_read_in_memory_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from annotator.io.news import text_bytes

    data = (FIXTURES / "europresse_current.html").read_bytes()
    monkeypatch.setattr(text_bytes, "MAX_PAGE_CHARACTERS", len(data) // 2)
    with pytest.raises(BadFileError, match=r"^huge\.html: is a Europresse page of .* refused"):
        europresse.read(data, "huge.html")
