"""ProQuest downloads: plain text with and without "Document N of M", and the e-mailed HTML in
both layouts, as .eml or saved alone.

The fixtures are articles written for these tests, about invented events, in the layouts the
databases write; the real downloads in ../shared/news_exports are read when present.
"""

from __future__ import annotations

import re

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.news import NewsFile, proquest, proquest_html, recognise
from tests.io.news.fixture_files import FIXTURES, ISO, SHARED_EXPORTS, read

# -- ProQuest text ------------------------------------------------------------------------


def test_proquest_text_with_document_headers_gives_headline_body_and_fields() -> None:
    found = read("proquest_numbered.txt", "ProQuest text")
    assert (found.database, found.format) == ("ProQuest", "ProQuest text")
    assert [a.position for a in found.articles] == [1, 2, 3]
    first = found.articles[0]
    assert first.title == "Ferry crew walks off in Port Velmar"
    assert first.body == (
        "The crew of the morning ferry left the vessel at the eastern quay on Tuesday, saying "
        "wages promised in the spring had not been paid.\n\n"
        "Passengers waited three hours before a relief crew arrived from the mainland."
    )
    assert first.fields["outlet"] == "The Coastal Ledger; Port Velmar"
    assert first.fields["date"] == "2019-04-16"
    assert first.fields["author"] == "Dastan, Mirela"
    assert first.fields["section"] == "Harbour"
    assert first.fields["language"] == "English"
    assert first.fields["document_id"] == "2210000001"
    assert first.fields["url"].endswith("/docview/2210000001/se-2")  # the field, not the link
    assert first.fields["proquest_database"] == "Island Newsstream"
    assert "abstract" not in first.fields  # "None available."
    # The caption closes the body and is kept as a field; a month with a space still reads.
    second = found.articles[1]
    assert "CAPTION" not in second.body
    assert second.fields["caption"] == "The empty quay at dusk."
    assert second.fields["date"] == "2019-04-19"


def test_a_proquest_record_without_a_document_id_is_imported_and_reported() -> None:
    found = read("proquest_numbered.txt", "ProQuest text")
    third = found.articles[2]
    assert third.title == "Harbour office reopens on Monday"
    assert "document_id" not in third.fields
    assert found.problems == (
        "article 3 of proquest_numbered.txt has no ProQuest document id: imported",
    )


def test_proquest_text_without_document_headers_reads_the_same_records() -> None:
    numbered = read("proquest_numbered.txt", "ProQuest text").articles[:2]
    plain = read("proquest_plain.txt", "ProQuest text").articles
    assert [(a.title, a.body, a.fields) for a in plain] == [
        (a.title, a.body, a.fields) for a in numbered
    ]


def test_proquest_text_cut_inside_its_last_full_text_leaves_that_record_out() -> None:
    data = (FIXTURES / "proquest_plain.txt").read_bytes()
    cut = data[: data.rindex(b"ninety kilometres")]
    found = proquest.read(cut, "cut.txt")
    assert [a.title for a in found.articles] == ["Ferry crew walks off in Port Velmar"]
    assert found.problems == ("article 2 of cut.txt is cut off (the download stopped): left out",)


def test_a_headline_repeated_as_the_first_line_of_the_full_text_is_dropped() -> None:
    data = (FIXTURES / "proquest_plain.txt").read_bytes()
    repeated = data.replace(
        b"Full text: The crew of the morning ferry",
        b"Full text: Ferry crew walks off in Port Velmar\nThe crew of the morning ferry",
    )
    assert repeated != data
    found = proquest.read(repeated, "repeated.txt")
    first = found.articles[0]
    assert first.body.startswith("The crew of the morning ferry")
    assert first.text.count("Ferry crew walks off in Port Velmar") == 1
    assert first.body == proquest.read(data, "plain.txt").articles[0].body


def test_a_record_without_outlet_or_date_is_imported_and_reported() -> None:
    data = (FIXTURES / "proquest_plain.txt").read_bytes()
    no_outlet = data.replace(b"Publication title: The Coastal Ledger; Port Velmar\n", b"", 1)
    no_date = no_outlet.replace(b"Publication date: Ap r 19, 2019\n", b"", 1)
    found = proquest.read(no_date, "bare.txt")
    assert len(found.articles) == 2  # both imported
    assert "outlet" not in found.articles[0].fields
    assert found.problems == (
        "article 1 of bare.txt has no outlet: imported",
        "article 2 of bare.txt has no date: imported",
    )


def test_a_record_without_full_text_after_one_whose_full_text_ends_it_stays_a_record() -> None:
    # No "Document N of M", the first record's fields all before its full text, the second
    # (an abstract only) without a full text: the second is a record (its headline and its
    # link), not the rest of the first one's text.
    rule = "_" * 60
    first = (
        "Ferry crew walks off in Port Velmar\n\n"
        "https://www.proquest.com/newspapers/x/docview/2210000001/se-2\n\n"
        "Publication title: The Coastal Ledger; Port Velmar\n\n"
        "Publication date: Apr 16, 2019\n\nProQuest document ID: 2210000001\n\n"
        "Full text: The crew of the morning ferry left the vessel at the eastern quay.\n"
    )
    second = (
        "Night ferry cancelled after storm warning\n\n"
        "https://www.proquest.com/newspapers/x/docview/2210000002/se-2\n\n"
        "Abstract: The night ferry did not sail on Friday.\n\n"
        "Publication title: The Coastal Ledger; Port Velmar\n\n"
        "Publication date: Apr 19, 2019\n\nProQuest document ID: 2210000002\n"
    )
    data = f"{rule}\n\n{first}\n{rule}\n\n{second}\n{rule}\n".encode()
    found = proquest.read(data, "abstract.txt")
    assert [(a.title, a.body, a.fields["document_id"]) for a in found.articles] == [
        (
            "Ferry crew walks off in Port Velmar",
            "The crew of the morning ferry left the vessel at the eastern quay.",
            "2210000001",
        )
    ]
    assert found.problems == ("article 2 of abstract.txt has no text: left out",)


def test_a_document_id_given_twice_in_one_file_is_reported() -> None:
    data = (FIXTURES / "proquest_plain.txt").read_bytes()
    twice = data.replace(b"ProQuest document ID: 2210000002", b"ProQuest document ID: 2210000001")
    found = proquest.read(twice, "twice.txt")
    assert len(found.articles) == 2
    assert found.problems == (
        "article 2 of twice.txt has the ProQuest document id 2210000001 of article 1 too: "
        "both imported",
    )


# -- ProQuest e-mailed HTML -----------------------------------------------------------------


def test_a_proquest_email_is_read_from_its_quoted_printable_html_part() -> None:
    found = read("proquest_email.eml", "ProQuest e-mail")
    # The list of links at the top names three documents; the e-mail holds two: said.
    assert found.problems == (
        "proquest_email.eml: the e-mail lists 3 documents but holds 2 of them (1 missing)",
    )
    assert [a.title for a in found.articles] == [
        "Lighthouse keeper retires after forty years",
        "Council votes to rebuild the east pier",
    ]
    first = found.articles[0]
    assert first.body == (
        "The keeper of the north light climbed its stairs for the last time on Thursday.\n\n"
        "A new automatic lamp will be lit in July; the island council has not said who will "
        "look after the tower."
    )
    assert "Enlarge" not in first.body
    assert {k: first.fields[k] for k in ("outlet", "date", "author", "section", "words")} == {
        "outlet": "The Coastal Ledger; Port Velmar",
        "date": "2021-06-03",
        "author": "Orrin, Tavi",
        "section": "Island",
        "words": str(len(first.body.split())),
    }
    assert first.fields["document_id"] == "3300000001"


def test_the_emailed_html_saved_alone_reads_as_the_email_does() -> None:
    message = (FIXTURES / "proquest_email.eml").read_bytes()
    from_email = proquest.READERS[1].read(message, "results.eml")
    import email
    import email.policy

    parsed = email.message_from_bytes(message, policy=email.policy.default)
    html = next(p for p in parsed.walk() if p.get_content_type() == "text/html")
    page = str(html.get_content()).encode("utf-8")  # type: ignore[attr-defined]
    reader = recognise(page, "results.html")
    assert reader is not None
    assert reader.name == "ProQuest HTML"
    alone = reader.read(page, "results.html")
    assert [(a.title, a.body, a.fields) for a in alone.articles] == [
        (a.title, a.body, a.fields) for a in from_email.articles
    ]


def test_the_older_emailed_layout_with_publication_info_and_abstract_below_its_label() -> None:
    found = read("proquest_old.html", "ProQuest HTML")
    assert len(found.articles) == 2
    first = found.articles[0]
    assert first.title == "Fish market moves to the old rope works"
    assert first.body.startswith("The fish market will move to the old rope works")
    assert first.body.endswith("Traders welcomed the larger hall.")
    assert first.fields["abstract"] == "The fish market moves in September."
    assert first.fields["outlet"] == "Velmar Evening Post"
    assert first.fields["date"] == "2010-05-08"
    assert first.fields["section"] == "Business"
    assert first.fields["publication_info"].startswith("Velmar Evening Post")
    assert "Email 1 of 1" not in first.body
    assert "copyright" not in first.body.lower()


def _email_html() -> str:
    import email
    import email.policy

    parsed = email.message_from_bytes(
        (FIXTURES / "proquest_email.eml").read_bytes(), policy=email.policy.default
    )
    part = next(p for p in parsed.walk() if p.get_content_type() == "text/html")
    return str(part.get_content())  # type: ignore[attr-defined]


def test_emailed_records_repeating_the_headline_missing_the_outlet_or_sharing_an_id() -> None:
    html = _email_html()
    # The first record repeats its headline as the full text's first paragraph and has no
    # "Publication title"; the second has the first one's document id.
    html = html.replace(
        "<p>The keeper of the north light",
        "<p>Lighthouse keeper retires after forty years</p><p>The keeper of the north light",
    )
    html = re.sub(
        r"<p[^>]*><strong>Publication title: </strong>The Coastal Ledger; Port Velmar</p>",
        "",
        html,
    )
    html = html.replace("</strong>3300000002</p>", "</strong>3300000001</p>")
    found = proquest_html.read_html(html.encode(), "results.html")
    first, second = found.articles
    assert first.title == "Lighthouse keeper retires after forty years"
    assert first.body.startswith("The keeper of the north light")
    assert "outlet" not in first.fields
    assert second.title == "Council votes to rebuild the east pier"  # not merged into the first
    assert found.problems[:2] == (
        "article 1 of results.html has no outlet: imported",
        "article 2 of results.html has the ProQuest document id 3300000001 of article 1 too: "
        "both imported",
    )


def test_an_email_that_is_not_from_proquest_is_not_claimed() -> None:
    letter = (
        b"From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
        b"Publication title: my notes\r\nFull text: none\r\n"
    )
    assert recognise(letter, "letter.eml") is None


def test_a_proquest_email_without_records_is_refused_in_one_line() -> None:
    message = (
        b"From: noreply@proquest.com\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n"
        b"<html><body><p>Your session expired.</p></body></html>\r\n"
    )
    reader = recognise(message, "empty.eml")
    assert reader is not None
    assert reader.name == "ProQuest e-mail"
    with pytest.raises(BadFileError, match="holds no article with text"):
        reader.read(message, "empty.eml")


# -- the real downloads (../shared/news_exports), when they are there --------------------------


@pytest.mark.parametrize(
    ("name", "reader", "count"),
    [
        ("ipq_proquest_numbered.txt", "ProQuest text", 500),
        ("tmpq_proquest_email_v2.eml", "ProQuest e-mail", 20),
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
        assert "Full text:" not in article.body
        assert "Publication title:" not in article.body


# -- how the bytes are decoded and recognised -------------------------------------------------


def _email_with(html: str, charset: str, body: bytes | None = None) -> bytes:
    """The fixture's e-mail with ``html`` as its HTML part, declaring ``charset``, its bytes
    ``body`` (the HTML in UTF-8 unless given), quoted-printable."""
    import quopri

    encoded = quopri.encodestring(html.encode("utf-8") if body is None else body)
    return (
        b"MIME-Version: 1.0\r\nFrom: noreply@proquest.com\r\n"
        b"Subject: Your ProQuest Research\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
        b"--XX\r\nContent-Type: text/html; charset=" + charset.encode() + b"\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + encoded + b"\r\n--XX--\r\n"
    )


def _fixture_html() -> str:
    import email
    import email.policy

    message = (FIXTURES / "proquest_email.eml").read_bytes()
    parsed = email.message_from_bytes(message, policy=email.policy.default)
    part = next(p for p in parsed.walk() if p.get_content_type() == "text/html")
    return str(part.get_content())  # type: ignore[attr-defined]


def test_an_email_part_declaring_latin1_whose_bytes_are_utf8_is_read_by_its_bytes() -> None:
    html = _fixture_html().replace("Lighthouse keeper", "Lighthouse keeper Zoë Édouard")
    message = _email_with(html, "iso-8859-1")
    found = read_bytes(message, "latin1.eml")
    assert found.articles[0].title == "Lighthouse keeper Zoë Édouard retires after forty years"
    # Bytes that are not UTF-8 are read in the charset declared.
    cyrillic = html.replace("Zoë Édouard", "Ёлкин")
    message = _email_with(cyrillic, "koi8-r", cyrillic.encode("koi8-r", "xmlcharrefreplace"))
    assert read_bytes(message, "koi8.eml").articles[0].title.startswith("Lighthouse keeper Ёлкин")


def read_bytes(data: bytes, name: str) -> NewsFile:
    reader = recognise(data, name)
    assert reader is not None, f"{name} not recognised"
    return reader.read(data, name)


def test_proquest_text_whose_first_record_is_longer_than_the_head_looked_at() -> None:
    data = (FIXTURES / "proquest_plain.txt").read_bytes()
    paragraph = b"Passengers waited three hours before a relief crew arrived from the mainland.\n"
    long = data.replace(paragraph, paragraph * 4000, 1)  # about 300 KB
    assert len(long) > 300_000
    reader = recognise(long, "long.txt")
    assert reader is not None
    assert reader.name == "ProQuest text"
    found = reader.read(long, "long.txt")
    assert [a.title for a in found.articles] == [
        "Ferry crew walks off in Port Velmar",
        "Night ferry cancelled after storm warning",
    ]


def test_proquest_text_with_rules_of_another_length_and_trailing_spaces() -> None:
    data = (FIXTURES / "proquest_numbered.txt").read_bytes()
    rule = b"_" * 60
    assert rule in data
    for other in (b"_" * 80 + b"  ", b"   " + b"_" * 24):
        found = read_bytes(data.replace(rule, other), "rules.txt")
        assert len(found.articles) == 3


def test_an_email_nested_too_deep_is_refused_in_one_line() -> None:
    html = _fixture_html()
    inner = _email_with(html, "utf-8").split(b"\r\n\r\n", 1)[1]
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(3000)
    )
    closing = b"".join(b"\r\n--b%d--\r\n" % i for i in reversed(range(3000)))
    message = (
        b"MIME-Version: 1.0\r\nFrom: noreply@proquest.com\r\n"
        + opening
        + b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
        + inner
        + closing
    )
    reader = recognise(message, "deep.eml")
    assert reader is not None
    assert reader.name == "ProQuest e-mail"
    with pytest.raises(BadFileError, match=r"deep\.eml: .*nested") as refused:
        reader.read(message, "deep.eml")
    assert "\n" not in str(refused.value)


def test_a_proquest_page_nested_too_deep_is_refused_not_cut_short() -> None:
    page = (FIXTURES / "proquest_old.html").read_text(encoding="utf-8")
    second = page.index("Publication title:", page.index("Publication title:") + 1)
    at = page.rindex("<p", 0, second)
    deep = page[:at] + "<div>" * 300 + "x" + "</div>" * 300 + page[at:]
    with pytest.raises(BadFileError, match="nested more than 256 deep"):
        read_bytes(deep.encode(), "deep.html")
