"""Downloads that stopped (the file cut off inside its last article): the cut article is left
out with a line naming it, never stored cut mid-sentence (where a complete download imported
later would be skipped as its near-duplicate). Each reader knows how its articles end."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.news import (
    apa,
    europresse,
    factiva,
    lexis_academic,
    proquest,
    proquest_html,
    recognise,
)
from annotator.io.news.nexis import NEXIS_DOCX, NEXIS_HTML, NEXIS_RTF
from tests.io.news.fixture_files import FIXTURES, SHARED_EXPORTS
from tests.io.news.nexis_samples import uni_paragraphs, word_file


def _cut(name: str, before: bytes) -> bytes:
    data = (FIXTURES / name).read_bytes()
    return data[: data.index(before)]


def test_lexis_academic_cut_inside_its_last_document() -> None:
    cut = _cut("lexis_academic.txt", b"old rope works.")  # inside document 2 of 3
    found = lexis_academic.read(cut, "stopped.txt")
    assert [a.position for a in found.articles] == [1]
    assert found.problems == (
        "article 2 of stopped.txt is cut off (the download stopped): left out",
        "stopped.txt: the download is incomplete: it stops after document 2 of 3",
    )
    whole = lexis_academic.read((FIXTURES / "lexis_academic.txt").read_bytes(), "whole.txt")
    assert not any("cut off" in problem for problem in whole.problems)


def test_factiva_html_cut_inside_its_last_article() -> None:
    cut = _cut("factiva_en.html", b"Traders said the new hall")
    whole = factiva.read_html((FIXTURES / "factiva_en.html").read_bytes(), "whole.html")
    found = factiva.read_html(cut, "stopped.html")
    assert [a.title for a in found.articles] == [a.title for a in whole.articles[:-1]]
    position = whole.articles[-1].position
    assert found.problems[-1] == (
        f"article {position} of stopped.html is cut off (the download stopped): left out"
    )
    # Cut after the last "Document …" line, the article is whole: it is kept.
    after = _cut("factiva_en.html", b"</div></div><br></div></div>\n</form>")
    assert len(factiva.read_html(after, "after.html").articles) == len(whole.articles)


def test_a_factiva_page_stopped_before_its_first_article_is_refused() -> None:
    head = _cut("factiva_en.html", b'<div id="article-')
    assert recognise(head, "stopped.html") is not None
    assert recognise(head, "stopped.html").name == "Factiva HTML"  # type: ignore[union-attr]
    with pytest.raises(BadFileError) as caught:
        factiva.read_html(head, "stopped.html")
    assert str(caught.value) == (
        "stopped.html: is a Factiva page but holds no article with text (the download "
        "stopped before the end of its first article)"
    )


def test_factiva_tagged_text_cut_before_the_accession_number() -> None:
    data = (FIXTURES / "factiva_tagged.txt").read_bytes()
    whole = factiva.read_text(data, "whole.txt")
    cut = data[: data.rindex(b"The fish market will leave")]
    found = factiva.read_text(cut, "stopped.txt")
    assert len(found.articles) == len(whole.articles) - 1
    assert "The fish market will leave" not in found.articles[-1].body
    assert any(
        p.endswith("of stopped.txt is cut off (the download stopped): left out")
        for p in found.problems
    )


def test_factiva_rtf_article_format_cut_inside_an_article() -> None:
    data = (FIXTURES / "factiva_article.rtf").read_bytes()
    cut = data[: data.rindex(b"Document CLEDG")] + b"}"
    found = factiva.read_rtf(cut, "stopped.rtf")
    assert len(found.articles) == 1
    assert found.problems == (
        "article 2 of stopped.rtf is cut off (the download stopped): left out",
    )


def test_a_nexis_uni_document_without_its_end_of_document_is_left_out() -> None:
    paragraphs = uni_paragraphs()
    last_body = len(paragraphs) - 1 - paragraphs[::-1].index("Body")
    # The file stops inside the last document with a body, before its "End of Document".
    cut = paragraphs[: paragraphs.index("End of Document", last_body) - 1]
    whole = NEXIS_DOCX.read(word_file(paragraphs), "whole.docx")
    found = NEXIS_DOCX.read(word_file(cut), "stopped.docx")
    assert [a.title for a in found.articles] == [a.title for a in whole.articles[:-1]]
    assert found.problems == (
        f"article {whole.articles[-1].position} of stopped.docx is cut off (the download "
        "stopped): left out",
        "stopped.docx: the cover page lists 3 documents, 2 found",
    )


def test_a_nexis_html_page_cut_inside_its_last_document() -> None:
    data = (FIXTURES / "nexis_uk_de.html").read_bytes()
    whole = NEXIS_HTML.read(data, "whole.html")
    last = whole.articles[-1]
    cut = data[: data.index(last.body.split("\n\n")[-1][:30].encode())]
    found = NEXIS_HTML.read(cut, "stopped.html")
    assert [a.title for a in found.articles] == [a.title for a in whole.articles[:-1]]
    assert found.problems[-1].endswith(
        "of stopped.html is cut off (the download stopped): left out"
    )


@pytest.mark.parametrize(
    ("name", "size", "read", "last"),
    [
        ("lnt_sample.TXT", 62300, lexis_academic.read, 10),
        ("kw_factiva_irish-independence_1_2017-11-14.html", 300_000, factiva.read_html, 19),
        ("nk_factiva.txt", 50_000, factiva.read_text, 24),
    ],
)
def test_the_real_downloads_cut_as_the_tester_cut_them(
    name: str, size: int, read: object, last: int
) -> None:
    path = SHARED_EXPORTS / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    found = read(path.read_bytes()[:size], "stopped")  # type: ignore[operator]
    assert max(a.position for a in found.articles) == last - 1
    assert f"article {last} of stopped is cut off (the download stopped): left out" in (
        found.problems
    )


def test_a_nexis_classic_rtf_cut_inside_its_last_document() -> None:
    data = (FIXTURES / "nexis_classic.rtf").read_bytes()
    cut = data[: len(data) * 8 // 10]  # inside document 2 of 3: "… will run to i"
    found = NEXIS_RTF.read(cut, "stopped.rtf")
    assert [a.title for a in found.articles] == ["Harbour cranes stand still in Port Velmar"]
    assert found.problems == (
        "article 2 of stopped.rtf is cut off (the download stopped): left out",
        "stopped.rtf: the download is incomplete: it stops after document 2 of 3",
    )
    whole = NEXIS_RTF.read(data, "whole.rtf")
    assert not any("cut off" in p or "incomplete" in p for p in whole.problems)


def test_factiva_tagged_text_cut_inside_its_first_article_is_refused() -> None:
    data = (FIXTURES / "factiva_tagged.txt").read_bytes()
    cut = data[: data.index(b"AN\n") if b"AN\n" in data else data.index(b"AN\r\n")]
    reader = recognise(cut, "stopped.txt")
    assert reader is not None
    assert reader.name == "Factiva tagged text"
    with pytest.raises(BadFileError) as caught:
        factiva.read_text(cut, "stopped.txt")
    assert str(caught.value) == (
        "stopped.txt: is Factiva tagged text but holds no article with text (the download "
        "stopped before the end of its first article)"
    )


# -- downloads that stopped BETWEEN articles: what the file announces says how many are missing


def test_proquest_text_stopped_between_records_says_how_many_of_those_announced_it_holds() -> None:
    data = (FIXTURES / "proquest_numbered.txt").read_bytes()
    # Stopped after record 2 of the 3 "Document N of 3" announces, after the rule closing it.
    found = proquest.read(data[: data.index(b"Document 3 of 3")], "stopped.txt")
    assert [a.position for a in found.articles] == [1, 2]  # the two still import
    assert found.problems == (
        "stopped.txt: the download is incomplete: it stops after document 2 of 3",
    )
    whole = proquest.read(data, "whole.txt")
    assert not any("incomplete" in p for p in whole.problems)
    # Records 11 to 13 of 50: a part of the results (downloaded so, perhaps), said as such.
    part = data
    for number in (1, 2, 3):
        part = part.replace(b"Document %d of 3" % number, b"Document %d of 50" % (number + 10))
    assert proquest.read(part, "part.txt").problems[-1] == (
        "part.txt: it holds documents 11 to 13 of the 50 its records count"
    )


def test_proquest_records_out_of_order_are_no_shortfall() -> None:
    data = (FIXTURES / "proquest_numbered.txt").read_bytes()
    rule = b"_" * 60
    head, first, second, third, footer = data.split(rule)  # the last rule, then a footer
    # The records sorted another way (a tool re-ordered them): all three of 3 are there.
    reordered = rule.join([head, third, first, second, footer])
    found = proquest.read(reordered, "sorted.txt")
    assert sorted(a.position for a in found.articles) == [1, 2, 3]
    assert not any("incomplete" in p or "holds documents" in p for p in found.problems)
    # Two of 3, out of order, starting at 1: it stops after document 2 of 3.
    two = rule.join([head, second, first, footer])
    assert proquest.read(two, "two.txt").problems[-1] == (
        "two.txt: the download is incomplete: it stops after document 2 of 3"
    )


@pytest.mark.parametrize(
    "before",
    [b"ninety kilometres", b"Night ferry cancelled after storm warning\r\n\r\nPublication"],
    ids=["in its full text", "in its fields"],
)
def test_proquest_text_cut_inside_a_numbered_record_says_both(before: bytes) -> None:
    # A record ends with its row of underscores: one without it stopped, in its text or in
    # its fields (whose last one may be cut: "Title: Nig").
    data = (FIXTURES / "proquest_numbered.txt").read_bytes()
    cut = data[: data.index(before)]
    found = proquest.read(cut, "stopped.txt")
    assert [a.position for a in found.articles] == [1]
    assert found.problems == (
        "article 2 of stopped.txt is cut off (the download stopped): left out",
        "stopped.txt: the download is incomplete: it stops after document 2 of 3",
    )
    rule = data.rindex(b"\n", 0, data.rindex(b"____", 0, data.index(b"Document 3 of 3")))
    assert proquest.read(data[:rule], "stopped.txt").problems == found.problems


def _email_html() -> str:
    message = email.message_from_bytes(
        (FIXTURES / "proquest_email.eml").read_bytes(), policy=email.policy.default
    )
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return str(part.get_content())  # type: ignore[attr-defined]


def test_a_proquest_email_listing_more_results_than_it_holds_says_so() -> None:
    # The fixture's list of results names three documents; the e-mail holds two of them.
    found = proquest_html.read_html(_email_html().encode(), "results.html")
    assert len(found.articles) == 2
    assert found.problems == (
        "results.html: the e-mail lists 3 documents but holds 2 of them (1 missing)",
    )
    # Listing twenty, holding the same two.
    links = "".join(
        f'<li><a href="#DocID_MSTAR_33000000{n:02d}">Document</a></li>' for n in range(1, 21)
    )
    page = re.sub(r"<ul>.*?</ul>", f"<ul>{links}</ul>", _email_html(), flags=re.DOTALL)
    found = proquest_html.read_html(page.encode(), "results.html")
    assert found.problems == (
        "results.html: the e-mail lists 20 documents but holds 2 of them (18 missing)",
    )
    # Listing exactly what it holds: nothing to say.
    page = re.sub(r"<li><a href=\"#DocID_MSTAR_3300000003\">Document</a></li>", "", _email_html())
    assert proquest_html.read_html(page.encode(), "results.html").problems == ()


def test_a_proquest_email_page_that_stopped_between_or_inside_records() -> None:
    html = _email_html()
    second = html.index('<a name="DocID_MSTAR_3300000002">')
    # Stopped after the first record (its element closed, the second not begun).
    between = html[: html.rindex("</div>", 0, second) + len("</div>")]
    found = proquest_html.read_html(between.encode(), "stopped.html")
    assert [a.title for a in found.articles] == ["Lighthouse keeper retires after forty years"]
    assert found.problems[-1] == (
        "stopped.html: the download is incomplete: it stops after article 1 (the page does not "
        "end as one saved whole does, so any articles after it are missing)"
    )
    # Stopped inside the second record's full text: that record is left out.
    inside = html[: html.index("seven to two")]
    found = proquest_html.read_html(inside.encode(), "stopped.html")
    assert [a.title for a in found.articles] == ["Lighthouse keeper retires after forty years"]
    assert "article 2 of stopped.html is cut off (the download stopped): left out" in (
        found.problems
    )
    assert not any("stops after" in p for p in found.problems)


def test_a_europresse_page_that_stopped_between_or_inside_articles() -> None:
    data = (FIXTURES / "europresse_current.html").read_bytes()
    between = data[: data.index(b"</article>") + len(b"</article>")]
    found = europresse.read(between, "stopped.html")
    assert [a.position for a in found.articles] == [1]
    assert found.problems == (
        "stopped.html: the download is incomplete: it stops after article 1 (the page does not "
        "end as one saved whole does, so any articles after it are missing)",
    )
    inside = data[: data.index(b"Le ferry de nuit n'a pas")]
    found = europresse.read(inside, "stopped.html")
    assert [a.position for a in found.articles] == [1]
    assert found.problems == (
        "article 2 of stopped.html is cut off (the download stopped): left out",
    )
    old = (FIXTURES / "europresse_old.html").read_bytes()
    inside = old[: old.index("Le marché aux poissons s'installera".encode())]
    found = europresse.read(inside, "stopped.html")
    assert [a.position for a in found.articles] == [1]
    assert found.problems == (
        "article 2 of stopped.html is cut off (the download stopped): left out",
    )
    assert europresse.read(data, "whole.html").problems == ()


def test_an_apa_rtf_that_stopped_between_or_inside_articles() -> None:
    data = (FIXTURES / "apa_onlinemanager.rtf").read_bytes()
    # Stopped after the second article's section break: the third is missing.
    between = data[: data.index(b"\\sect", data.index(b"Kurier von Velmar")) + len(b"\\sect")]
    found = apa.read(between, "stopped.rtf")
    assert [a.position for a in found.articles] == [1, 2]
    assert found.problems == (
        "stopped.rtf: the download is incomplete: it stops after article 2 (the file does not "
        "end as one saved whole does, so any articles after it are missing)",
    )
    # Stopped after the row of underscores that ends the third (the web layout's break).
    after_rule = data[: data.index(b"\\par", data.index(b"_" * 30))]
    found = apa.read(after_rule, "stopped.rtf")
    assert [a.position for a in found.articles] == [1, 2, 3]
    assert found.problems[-1].startswith("stopped.rtf: the download is incomplete: it stops after")
    assert "article 3 (" in found.problems[-1]
    inside = data[: data.index(b"Techniker fanden")]
    found = apa.read(inside, "stopped.rtf")
    assert [a.position for a in found.articles] == [1]
    assert found.problems == (
        "article 2 of stopped.rtf is cut off (the download stopped): left out",
    )
    assert not any("stop" in p for p in apa.read(data, "whole.rtf").problems)


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("ipq_proquest_numbered.txt", 500),
        ("tmpq_proquest_email_v2.eml", 20),
        ("tme_europresse_new.html", 4),
    ],
)
def test_the_real_downloads_whole_have_no_stop_line(name: str, count: int) -> None:
    path = SHARED_EXPORTS / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    data = path.read_bytes()
    reader = recognise(data, name)
    assert reader is not None
    found = reader.read(data, name)
    assert len(found.articles) == count
    assert not any(
        word in p for p in found.problems for word in ("cut off", "incomplete", "lists", "stop")
    )


def test_the_real_proquest_text_stopped_after_record_247() -> None:
    path = SHARED_EXPORTS / "ipq_proquest_numbered.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    data = path.read_bytes()
    found = proquest.read(data[: data.index(b"Document 248 of 500")], "stopped.txt")
    assert len(found.articles) == 247
    assert found.problems == (
        "stopped.txt: the download is incomplete: it stops after document 247 of 500",
    )


def test_the_real_proquest_email_stopped_after_nine_articles() -> None:
    path = SHARED_EXPORTS / "tmpq_proquest_email_v2.eml"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    html = str(part.get_content())  # type: ignore[attr-defined]
    anchors = [m.start() for m in re.finditer('<a name="DocID_', html)]
    found = proquest_html.read_html(html[: anchors[9]].encode(), "stopped.html")
    assert len(found.articles) == 9
    assert found.problems == (
        "stopped.html: the download is incomplete: it stops after article 9 (the page does not "
        "end as one saved whole does, so any articles after it are missing)",
    )
