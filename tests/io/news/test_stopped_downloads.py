"""Downloads that stopped (the file cut off inside its last article): the cut article is left
out with a line naming it, never stored cut mid-sentence (where a complete download imported
later would be skipped as its near-duplicate). Each reader knows how its articles end."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.news import factiva, lexis_academic, recognise
from annotator.io.news.nexis import NEXIS_DOCX, NEXIS_HTML, NEXIS_RTF
from tests.conftest import SHARED_CORPUS
from tests.io.news.nexis_samples import uni_paragraphs, word_file

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_EXPORTS = SHARED_CORPUS.parent / "news_exports"


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
