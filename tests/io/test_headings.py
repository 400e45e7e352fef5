"""The headline found in an article file at import: its ``title`` variable, unless the file
states a title itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.io.articles import first_line_heading, markdown_heading, read_article

BODY = "The ministry confirmed the crossing on Tuesday. Officials gave no further details.\n"


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("# Ferry strike ends #\n\n" + BODY, "Ferry strike ends"),
        ("Preface line\n\n## Section\n\n#  Main   headline\n\n" + BODY, "Main headline"),
        ("Ferry strike ends\n=================\n\n" + BODY, "Ferry strike ends"),
        ("Intro\n\n### Only a third-level heading\n\n" + BODY, "Only a third-level heading"),
        (BODY, ""),
        ("#hashtag is no heading\n\n" + BODY, ""),
    ],
)
def test_markdown_heading(text: str, heading: str) -> None:
    assert markdown_heading(text) == heading


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("Ferry strike ends after nine days\n\n" + BODY, "Ferry strike ends after nine days"),
        ("Will the strike end?\n" + BODY, "Will the strike end?"),
        ("# Marked as Markdown\n\n" + BODY, "Marked as Markdown"),
        (BODY, ""),  # one line: the article itself
        (BODY + BODY, ""),  # starts with a sentence
        ("word " * 40 + "\n\n" + BODY, ""),  # a paragraph without a full stop
    ],
)
def test_first_line_heading(text: str, heading: str) -> None:
    assert first_line_heading(text) == heading


def test_plain_text_files_get_their_heading_as_title(tmp_path: Path) -> None:
    text_file = tmp_path / "000_2a05006190c49059.txt"
    text_file.write_text("Ferry strike ends after nine days\n\n" + BODY, encoding="utf-8")
    markdown = tmp_path / "note.md"
    markdown.write_text("Some words first.\n\n# The real headline\n\n" + BODY, encoding="utf-8")
    no_heading = tmp_path / "plain.txt"
    no_heading.write_text(BODY, encoding="utf-8")
    assert read_article(text_file).metadata.values == {"title": "Ferry strike ends after nine days"}
    assert read_article(text_file).metadata.types["title"].value == "text"
    assert read_article(markdown).metadata.values == {"title": "The real headline"}
    assert read_article(no_heading).metadata.values == {}
    # The text is stored as written: the heading stays in it.
    assert read_article(markdown).text.startswith("Some words first.")


def test_web_page_heading_when_it_states_no_title(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{BODY} Paragraph {n} of the story.</p>" for n in range(6))
    with_h1 = tmp_path / "with_h1.html"
    with_h1.write_text(
        f"<html><body><article><h1>Seoul confirms the crossing</h1>{paragraphs}"
        "</article></body></html>",
        encoding="utf-8",
    )
    with_title = tmp_path / "with_title.html"
    with_title.write_text(
        f"<html><head><title>Border news of the day</title></head><body><article>"
        f"{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    assert read_article(with_h1).metadata.values["title"] == "Seoul confirms the crossing"
    assert read_article(with_title).metadata.values["title"] == "Border news of the day"


def test_word_heading_styles(tmp_path: Path) -> None:
    import docx

    def save(name: str, build: str) -> Path:
        document = docx.Document()
        document.add_paragraph("A byline in plain style")
        if build == "title":
            document.add_heading("A section", level=1)
            document.add_heading("The article's title", level=0)  # the Title style
        elif build == "heading":
            document.add_heading("A minor heading", level=2)
            document.add_heading("The first-level heading", level=1)
        document.add_paragraph(BODY)
        path = tmp_path / name
        document.save(str(path))
        return path

    assert read_article(save("t.docx", "title")).metadata.values["title"] == "The article's title"
    assert (
        read_article(save("h.docx", "heading")).metadata.values["title"]
        == "The first-level heading"
    )
    assert "title" not in read_article(save("n.docx", "none")).metadata.values


def test_a_stated_title_is_kept(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "Stated in the file's properties"
    document.add_heading("A styled heading", level=0)
    document.add_paragraph(BODY)
    path = tmp_path / "stated.docx"
    document.save(str(path))
    assert read_article(path).metadata.values["title"] == "Stated in the file's properties"
