"""Headings that carry what a reader never sees: terminal escapes in a Markdown heading, a
``<script>`` inside a page's ``<h1>``; and a short page's inline tags that must not split
its paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.controls import escape_controls, strip_controls
from annotator.io.articles import read_article
from annotator.storage import Project
from tests.test_cli import run

BODY = "The ministry confirmed the crossing on Tuesday. Officials gave no further details.\n"


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("\x1b]0;PWNED\x07Title", "Title"),  # OSC … BEL: sets the terminal's title
        ("\x1b]52;c;aGk=\x1b\\Clip", "Clip"),  # OSC 52 … ST: writes the clipboard
        ("\x1b[31mRed\x1b[0m news", "Red news"),  # CSI colours
        ("a\x9b1mb\x85c\x00d\x7fe", "abcde"),  # C1 CSI, NEL, NUL, DEL
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("Café – 中文 👩🏽‍💻", "Café – 中文 👩🏽‍💻"),
        ("Gov\u202etxt.exe", "Govtxt.exe"),  # RIGHT-TO-LEFT OVERRIDE reverses what follows
        ("a\u202ab\u202bc\u202cd\u202de\u2066f\u2067g\u2068h\u2069i", "abcdefghi"),
        ("שלום עולם", "שלום עולם"),  # right-to-left letters themselves stay
    ],
)
def test_strip_controls(value: str, kept: str) -> None:
    assert strip_controls(value) == kept


def test_escape_controls_shows_every_control() -> None:
    assert escape_controls("a\x1b]0;x\x07b\tc\n") == "a\\x1b]0;x\\x07b\\x09c\\x0a"
    assert escape_controls("Café 中文") == "Café 中文"


def test_markdown_heading_with_bidi_override(tmp_path: Path) -> None:
    path = tmp_path / "rlo.md"
    path.write_text("# Minister \u202eresigns\u202c today\n\n" + BODY * 6, encoding="utf-8")
    assert read_article(path).metadata.values["title"] == "Minister resigns today"


def test_markdown_heading_with_terminal_escape(tmp_path: Path) -> None:
    path = tmp_path / "osc.md"
    path.write_text("# \x1b]0;PWNED\x07Title \x1b[1mbold\x1b[0m\n\n" + BODY * 6, encoding="utf-8")
    assert read_article(path).metadata.values["title"] == "Title bold"


def test_documents_prints_no_control_character(tmp_path: Path) -> None:
    """A value stored with an escape (an older project, a variables file) is printed visibly."""
    project_path = tmp_path / "p.annotator"
    article = tmp_path / "osc.md"
    article.write_text("# \x1b]0;PWNED\x07Title\n\n" + BODY, encoding="utf-8")
    assert run("new", project_path).exit_code == 0
    assert run("import", project_path, article).exit_code == 0
    with Project.open(project_path) as project, project.transaction():
        assert project.documents.values(1)["title"] == "Title"
        project.db.execute("UPDATE document_values SET value = 'Bad\x1b]0;X\x07Name'")
    result = run("documents", project_path)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "title: Bad\\x1b]0;X\\x07Name" in result.stdout


def test_script_inside_h1_is_not_in_the_title(tmp_path: Path) -> None:
    path = tmp_path / "st.html"
    path.write_text(
        "<html><head><script>var x=1</script></head><body><h1><script>alert(1)</script>"
        "Real &amp; <b>Headline</b></h1><p>Body text of the page, long enough to be an "
        "article.</p></body></html>",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.metadata.values["title"] == "Real & Headline"
    assert "alert" not in article.text


def test_script_inside_h1_without_trafilatura_title(tmp_path: Path) -> None:
    from lxml.html import document_fromstring

    from annotator.io.html import page_heading

    root = document_fromstring(
        "<html><body><h1><style>h1{}</style><script>x()</script>Real <i>one</i>"
        "<noscript>Enable JS</noscript></h1></body></html>"
    )
    assert page_heading(root) == "Real one"


def test_short_page_keeps_inline_tags_in_their_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "inl.html"
    path.write_text(
        "<html><body><h1>Big <b>bold</b> news</h1><p>Body with <b>bold</b> and <i>italic</i>"
        " words in one paragraph.</p></body></html>",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.text == "Big bold news\n\nBody with bold and italic words in one paragraph."
