"""Reports of coded passages quote the text as written: markup in a passage stays text."""

from __future__ import annotations

from html.parser import HTMLParser

from annotator.io.retrieval_report import ReportRow, html_report, markdown_report

TRICKY = "# Not a heading\n1. not a list\n> not a quote\n<b>*bold*</b> a_b [x](y) \\ `c`"


def _row(text: str) -> ReportRow:
    return ReportRow("doc & co", {"outlet": "A<B"}, "Ana", "Motive > Family", 3, 9, text, "")


class _Quotes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside, self.quotes = False, [""]

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.inside = tag == "blockquote"

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.quotes[-1] += data


def test_html_quotes_the_passage_as_text() -> None:
    parser = _Quotes()
    parser.feed(html_report("T", "D.", [_row(TRICKY)]))
    assert parser.quotes == [TRICKY]


def test_markdown_escapes_what_would_become_markup_and_nothing_else() -> None:
    text = markdown_report("T", "D.", [_row(TRICKY)])
    assert "outlet: A\\<B · code: Motive > Family · coder: Ana" in text
    assert (
        "> \\# Not a heading\n"
        "> 1\\. not a list\n"
        "> \\> not a quote\n"
        "> \\<b>\\*bold\\*\\</b> a\\_b \\[x\\](y) \\\\ \\`c\\`\n"
    ) in text
