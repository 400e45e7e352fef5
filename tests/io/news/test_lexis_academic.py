"""LexisNexis Academic plain-text downloads ("1 of 10 DOCUMENTS")."""

from __future__ import annotations

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.news import factiva, lexis_academic, recognise
from tests.fuzz.conftest import PLAIN_TEXT
from tests.io.news.fixture_files import FIXTURES, SHARED_EXPORTS

FIXTURE = FIXTURES / "lexis_academic.txt"


def test_documents_give_headline_body_and_fields_never_field_blocks_in_the_body() -> None:
    data = FIXTURE.read_bytes()
    assert recognise(data, "download.TXT") is not None
    found = lexis_academic.read(data, "download.TXT")
    assert (found.database, found.format) == (
        "LexisNexis Academic",
        "LexisNexis Academic plain text",
    )
    first, second = found.articles
    # A headline over two lines; the body with a paragraph that starts like a field.
    assert first.title == "Ferry crew walks off in Port Velmar; Passengers stranded for three hours"
    assert first.body == (
        "The crew of the morning ferry left the vessel at the eastern quay on Tuesday, saying "
        "that wages promised in the spring had still not been paid.\n\n"
        "LONDON: the operator\u2019s owners said talks would continue on Thursday at the café "
        "by the quay."
    )
    assert first.fields == {
        "title": "Ferry crew walks off in Port Velmar; Passengers stranded for three hours",
        "outlet": "The Coastal Ledger",
        "edition": "Edition 1; Island Edition",
        "author": "Mirela Dastan",
        "section": "NEWS; Pg. 4",
        "words": "1212",
        "highlight": "A relief crew came from the mainland",
        "load_date": "2019-04-17",
        "language": "ENGLISH",
        "graphic": "The eastern quay on Tuesday morning PHOTO: HARBOUR BOARD",
        "publication_type": "Newspaper",
        "journal_code": "CLD",
        "copyright": "Copyright 2019 Coastal Ledger Media Ltd All Rights Reserved",
        "date": "2019-04-16",
    }
    assert second.title == "Fish market moves to the old rope works"
    assert (
        second.body == "The fish market will leave the eastern quay in June for the old rope works."
    )
    assert second.fields["dateline"] == "PORT VELMAR"
    assert "Copyright" not in second.body


def test_a_document_without_text_is_left_out_with_its_position() -> None:
    found = lexis_academic.read(FIXTURE.read_bytes(), "download.TXT")
    assert [a.position for a in found.articles] == [1, 2]
    assert found.problems == ("article 3 of download.TXT has no text: left out",)


def test_windows_1252_is_decoded() -> None:
    text = FIXTURE.read_bytes().decode("utf-8-sig")
    found = lexis_academic.read(text.encode("cp1252"), "old.txt")
    assert "operator\u2019s owners" in found.articles[0].body
    assert "café" in found.articles[0].body


def test_german_interface() -> None:
    text = (
        "                              Dokument 1 von 1\n\n\n"
        "                               Nordbote am Abend\n\n"
        "                           11. Januar 2010 Montag\n\n"
        "Fährleute legen die Arbeit nieder\n\n"
        "AUTOR: Jana Brecht\n\nRUBRIK: HAFEN; S. 3\n\nLÄNGE: 164 Wörter\n\n"
        "Die Besatzung der Morgenfähre hat am Dienstag das Schiff verlassen.\n\n"
        "SPRACHE: GERMAN\n\n"
        "                      Copyright 2010 Verlag Nordbote GmbH\n"
    )
    data = text.encode("utf-8")
    assert lexis_academic.recognises(data, "x.txt")
    article = lexis_academic.read(data, "x.txt").articles[0]
    assert article.fields["date"] == "2010-01-11"
    assert article.fields["author"] == "Jana Brecht"
    assert article.fields["section"] == "HAFEN; S. 3"
    assert article.fields["words"] == "164"
    assert article.fields["language"] == "GERMAN"
    assert article.body == "Die Besatzung der Morgenfähre hat am Dienstag das Schiff verlassen."


@pytest.mark.parametrize(
    "data",
    [
        PLAIN_TEXT.encode(),
        b"Minutes\n\n1 of 3 DOCUMENTS\n\nwere read aloud.\n",  # a mark but no field labels
        b"",
    ],
    ids=["plain text", "mark only", "empty"],
)
def test_other_text_is_not_claimed(data: bytes) -> None:
    assert not lexis_academic.recognises(data, "notes.txt")


def test_the_formats_do_not_claim_each_other() -> None:
    data = FIXTURE.read_bytes()
    assert not any(reader.recognises(data, "x.txt") for reader in factiva.READERS)
    tagged = (FIXTURE.parent / "factiva_tagged.txt").read_bytes()
    assert not lexis_academic.recognises(tagged, "x.txt")


def test_a_download_without_any_text_is_refused_naming_the_file() -> None:
    text = "  1 of 1 DOCUMENTS\n\n  Velmar Courier\n\n  May 1, 2019\n\nLENGTH: 0 words\n"
    with pytest.raises(BadFileError, match=r"^empty\.txt: .*holds no article text"):
        lexis_academic.read(text.encode(), "empty.txt")


def test_the_real_download_gives_every_article() -> None:
    path = SHARED_EXPORTS / "lnt_sample.TXT"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    data = path.read_bytes()
    reader = recognise(data, path.name)
    assert reader is not None
    assert reader.name == "LexisNexis Academic text"
    found = reader.read(data, path.name)
    assert len(found.articles) == 10
    assert not found.problems
    for article in found.articles:
        assert article.title
        assert article.body
        assert article.fields["outlet"]
        assert article.fields["date"].startswith("2010-01-")
        assert article.fields["language"] == "ENGLISH"
        for label in ("LOAD-DATE:", "LANGUAGE:", "PUBLICATION-TYPE:", "BYLINE:", "LENGTH:"):
            assert label not in article.body
        assert "All Rights Reserved" not in article.body
