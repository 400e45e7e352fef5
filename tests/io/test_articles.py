"""read_article and collect_files: every supported format, and every way a file is refused."""

from __future__ import annotations

import datetime as dt
import pathlib
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest

from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.io import articles
from annotator.io.articles import (
    Refusal,
    SourceFile,
    collect_files,
    preview_text,
    read_article,
)
from tests.conftest import SHARED_CORPUS


def refused(path: Path) -> BadFileError:
    """The error read_article raises for ``path``, checked to be a one-line, named refusal."""
    with pytest.raises(BadFileError) as caught:
        read_article(path)
    error = caught.value
    assert error.path == path
    assert str(error).startswith(f"{path.name}: ")
    assert "\n" not in str(error)
    assert error.problem.strip()
    return error


# -- plain text ----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_plain_text_is_kept_as_written(tmp_path: Path, suffix: str) -> None:
    body = "# Headline\n\n  Indented line with  two spaces.\n\ttab\n\nLast line without newline"
    path = tmp_path / f"2019-04-16 ferry strike{suffix}"
    path.write_bytes(body.encode("utf-8"))
    article = read_article(path)
    assert article.text == body
    assert article.name == "2019-04-16 ferry strike"
    assert article.source == f"2019-04-16 ferry strike{suffix}"
    assert article.path == path
    assert article.encoding == "utf-8"
    # The heading becomes the title variable; the text keeps its "#".
    assert article.metadata.values == {"title": "Headline"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"one\r\ntwo\r\n\r\nthree\r\n", "one\ntwo\n\nthree\n"),
        (b"one\rtwo\r\rthree", "one\ntwo\n\nthree"),
        (b"one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"),
        (b"\xef\xbb\xbfHeadline\nBody", "Headline\nBody"),
        (b"\xef\xbb\xbfHeadline\r\nBody\r\n", "Headline\nBody\n"),
    ],
    ids=["crlf", "lone-cr", "mixed", "bom", "bom-crlf"],
)
def test_only_bom_and_line_ends_are_normalised(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    assert read_article(path).text == expected


def test_emoji_and_korean_survive(tmp_path: Path) -> None:
    body = "북한 defectors 😀 arrive\n“Quoted” — naïve café €5\n"
    path = tmp_path / "북한.md"
    path.write_bytes(body.encode("utf-8"))
    article = read_article(path)
    assert article.text == body
    assert article.name == "북한"
    assert article.source == "북한.md"
    # Offsets are code points: the emoji is one character.
    assert article.text.index("arrive") == body.index("arrive")
    assert article.text[article.text.index("😀")] == "😀"


def test_windows_1252_file(tmp_path: Path) -> None:
    body = "“It’s over,” she said — and the café closed.\r\nThe bill was €40.\r\n"
    path = tmp_path / "legacy.txt"
    path.write_bytes(body.encode("cp1252"))
    article = read_article(path)
    assert article.text == body.replace("\r\n", "\n")
    assert article.encoding == "cp1252"


def test_utf16_file(tmp_path: Path) -> None:
    body = "북한 — “quoted” 😀\r\nsecond line\r\n"
    path = tmp_path / "wide.txt"
    path.write_bytes(body.encode("utf-16"))
    article = read_article(path)
    assert article.text == body.replace("\r\n", "\n")
    assert not article.text.startswith("\ufeff")
    assert article.encoding == "utf-16"


def _shared_articles() -> list[Path | None]:
    found = sorted(SHARED_CORPUS.glob("*.txt")) if SHARED_CORPUS.is_dir() else []
    return list(found) or [None]


@pytest.mark.parametrize("path", _shared_articles(), ids=lambda p: p.name if p else "none")
def test_real_articles_are_read_exactly(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"no articles in {SHARED_CORPUS}")
    expected = path.read_bytes().decode("utf-8")
    if expected.startswith("\ufeff"):
        expected = expected[1:]
    expected = re.sub("\r\n?", "\n", expected)
    article = read_article(path)
    assert article.text == expected
    assert article.name == path.stem
    assert article.source == path.name
    assert article.encoding == "utf-8"


# -- saved web pages -----------------------------------------------------------------------

PARAGRAPHS = [
    "The entire crew of the night ferry between Port Velmar and the island of Ostrava Minor "
    "left their vessel on Tuesday morning, stranding more than two hundred passengers at the "
    "eastern quay for most of the day.",
    "According to a spokesperson for the harbour authority, the eleven sailors handed their "
    "keys to the dock supervisor shortly after dawn and announced that they would not return "
    "until overdue wages from the winter season had been paid in full.",
    "Passengers waiting on the quay described a calm but confused scene. Several families with "
    "small children were moved to the waiting hall of the old customs building, where "
    "volunteers from a local bakery handed out bread and tea.",
    "The ferry company, Velmar Maritime Lines, said in a short statement that it regretted the "
    "disruption and was negotiating with the crew’s representatives. It did not say when "
    "regular sailings would resume.",
    "Union officials said the dispute had been building for months, with crew members "
    "receiving only partial payments since November. A second vessel operated by the same "
    "company is expected to stay in port until the matter is settled.",
]
BOILERPLATE = [
    "World desk",
    "Sport pages",
    "Subscribe today",
    "We use cookies",
    "Accept all cookies",
    "Manage cookie preferences",
    "About the Ledger",
    "Contact the newsroom",
    "Terms of service",
    "All rights reserved",
]
NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Harbour ferry crew walks off in Port Velmar | The Coastal Ledger</title>
<meta property="og:title" content="Harbour ferry crew walks off in Port Velmar">
<meta property="og:site_name" content="The Coastal Ledger">
<meta name="author" content="Mirela Dastan">
<meta property="article:published_time" content="2019-04-16T08:00:00Z">
</head>
<body>
<header>
<nav class="menu"><ul>
<li><a href="/">Home</a></li>
<li><a href="/world">World desk</a></li>
<li><a href="/sport">Sport pages</a></li>
<li><a href="/subscribe">Subscribe today</a></li>
</ul></nav>
</header>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your reading
experience. <a href="/privacy">Manage cookie preferences</a> <button>Accept all cookies</button>
</div>
<main>
<article>
<h1>Harbour ferry crew walks off in Port Velmar</h1>
<p class="byline">By Mirela Dastan</p>
PARAGRAPHS
</article>
</main>
<footer>
<ul>
<li><a href="/about">About the Ledger</a></li>
<li><a href="/contact">Contact the newsroom</a></li>
<li><a href="/terms">Terms of service</a></li>
</ul>
<p>© 2019 Coastal Ledger Media Group. All rights reserved.</p>
</footer>
</body>
</html>
""".replace("PARAGRAPHS", "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS))


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_news_page_text_without_boilerplate(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"ferry{suffix}"
    path.write_text(NEWS_PAGE, encoding="utf-8")
    article = read_article(path)
    positions = [article.text.find(paragraph) for paragraph in PARAGRAPHS]
    assert -1 not in positions, article.text
    assert positions == sorted(positions)
    for phrase in BOILERPLATE:
        assert phrase not in article.text
    assert "\r" not in article.text
    assert article.name == "ferry"


def test_news_page_metadata_becomes_variables(tmp_path: Path) -> None:
    path = tmp_path / "ferry.html"
    path.write_text(NEWS_PAGE, encoding="utf-8")
    metadata = read_article(path).metadata
    assert metadata.values["title"] == "Harbour ferry crew walks off in Port Velmar"
    assert metadata.values["author"] == "Mirela Dastan"
    assert metadata.values["date"] == "2019-04-16"
    assert metadata.values["outlet"] == "The Coastal Ledger"
    assert metadata.types["title"] is VariableType.TEXT
    assert metadata.types["author"] is VariableType.TEXT
    assert metadata.types["date"] is VariableType.DATE
    assert metadata.types["outlet"] is VariableType.CATEGORY
    assert set(metadata.types) == set(metadata.values)


def test_page_with_only_a_menu_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "menu.html"
    path.write_text(
        "<!DOCTYPE html><html><head><title>The Coastal Ledger</title></head><body>"
        '<nav class="menu"><ul><li><a href="/">Home</a></li>'
        '<li><a href="/world">World desk</a></li><li><a href="/sport">Sport pages</a></li>'
        '<li><a href="/subscribe">Subscribe today</a></li></ul></nav></body></html>',
        encoding="utf-8",
    )
    error = refused(path)
    assert "no article text" in error.problem


# -- Word documents ------------------------------------------------------------------------

DOCX_HEADING = "Ferry crew walks off in Port Velmar"
DOCX_FIRST = "The crew left the vessel — “enough,” they said. Café owners in Zürich; 북한 😀."
DOCX_LAST = "Talks with Velmar Maritime Lines continue on Thursday."
TABLE = [["Name", "Role", "Years"], ["Ana Kovač", "Captain", "12"]]


def write_docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading(DOCX_HEADING, level=1)
    document.add_paragraph(DOCX_FIRST)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for i, row in enumerate(TABLE):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    document.add_paragraph(DOCX_LAST)
    properties = document.core_properties
    properties.title = "Ferry strike in Port Velmar"
    properties.author = "Mirela Dastan"
    properties.created = dt.datetime(2019, 4, 16, 8, 0, 0)
    document.save(str(path))


def test_docx_text_in_reading_order(tmp_path: Path) -> None:
    path = tmp_path / "ferry.docx"
    write_docx(path)
    article = read_article(path)
    blocks = [DOCX_HEADING, DOCX_FIRST, *("\t".join(row) for row in TABLE), DOCX_LAST]
    positions = [article.text.find(block) for block in blocks]
    assert -1 not in positions, article.text
    assert positions == sorted(positions)
    assert article.text.startswith(DOCX_HEADING)
    assert article.text.endswith(DOCX_LAST)


def test_docx_properties_become_variables(tmp_path: Path) -> None:
    path = tmp_path / "ferry.docx"
    write_docx(path)
    metadata = read_article(path).metadata
    # The file's creation date is not a publication date: it has its own variable.
    assert metadata.values == {
        "title": "Ferry strike in Port Velmar",
        "author": "Mirela Dastan",
        "file_created": "2019-04-16",
    }
    assert metadata.types == {
        "title": VariableType.TEXT,
        "author": VariableType.TEXT,
        "file_created": VariableType.DATE,
    }


def test_docx_file_dates_never_fill_date(tmp_path: Path) -> None:
    path = tmp_path / "saved.docx"
    document = docx.Document()
    document.add_paragraph("Passengers waited on the quay.")
    document.core_properties.created = dt.datetime(2021, 3, 1, 9, 30)
    document.core_properties.modified = dt.datetime(2024, 11, 5, 17, 0)
    document.save(str(path))
    metadata = read_article(path).metadata
    assert "date" not in metadata.values
    assert metadata.values["file_created"] == "2021-03-01"
    assert metadata.values["file_modified"] == "2024-11-05"


def test_docx_template_defaults_are_not_metadata(tmp_path: Path) -> None:
    # python-docx's template says "python-docx" wrote it on 2013-12-23: true of no article.
    path = tmp_path / "plain.docx"
    document = docx.Document()
    document.add_paragraph("Passengers waited on the quay.")
    document.save(str(path))
    assert read_article(path).metadata.values == {}


def test_docx_of_random_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "noise.docx"
    path.write_bytes(random.Random(7).randbytes(2048))
    assert "not a valid .docx" in refused(path).problem


def test_zip_without_a_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "holiday-photos.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("photos/readme.txt", "Nothing to see here.")
    assert "word/document.xml" in refused(path).problem


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    megabyte = bytes(2**20)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w") as entry,
    ):
        for _ in range(300):
            entry.write(megabyte)
    assert path.stat().st_size < 2 * 2**20  # the test itself stays small on disk
    error = refused(path)
    assert "zip bomb" in error.problem
    assert "300 MB" in error.problem


def test_damaged_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "damaged.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document this is not XML")
    refused(path)


# -- PDF -----------------------------------------------------------------------------------


def build_pdf(content: bytes, info: dict[str, str] | None = None) -> bytes:
    """A minimal, valid one-page PDF with the given content stream and document information."""

    def literal(value: str) -> bytes:
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("latin-1") + b")"

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    if info is not None:
        entries = b" ".join(b"/" + key.encode() + b" " + literal(v) for key, v in info.items())
        objects.append(b"<< " + entries + b" >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if info is not None:
        trailer += b" /Info %d 0 R" % len(objects)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_build_pdf_writes_correct_offsets() -> None:
    # The reader must not have to repair the file: every xref entry points at its object.
    data = build_pdf(b"BT ET", {"Title": "x"})
    start = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert data[start:].startswith(b"xref\n0 7\n")
    entries = data[start:].split(b"\n")[3:9]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry[:10])
        assert data[offset:].startswith(b"%d 0 obj\n" % number)


PDF_LINES = ["Ferry crew walks off in Port Velmar", "Passengers waited on the eastern quay."]


def test_pdf_text_and_information(tmp_path: Path) -> None:
    content = b"BT /F1 12 Tf 72 720 Td (%s) Tj 0 -20 Td (%s) Tj ET" % (
        PDF_LINES[0].encode(),
        PDF_LINES[1].encode(),
    )
    path = tmp_path / "ferry.pdf"
    path.write_bytes(
        build_pdf(
            content,
            {
                "Title": "Ferry strike (Port Velmar)",
                "Author": "Mirela Dastan",
                "CreationDate": "D:20190416080000Z",
                "ModDate": "D:20260102110000Z",
            },
        )
    )
    article = read_article(path)
    assert [line.strip() for line in article.text.splitlines() if line.strip()] == PDF_LINES
    # When the PDF was made (printed today gives today) is no publication date.
    assert article.metadata.values == {
        "title": "Ferry strike (Port Velmar)",
        "author": "Mirela Dastan",
        "file_created": "2019-04-16",
        "file_modified": "2026-01-02",
    }
    assert article.metadata.types == {
        "title": VariableType.TEXT,
        "author": VariableType.TEXT,
        "file_created": VariableType.DATE,
        "file_modified": VariableType.DATE,
    }


def test_pdf_without_information_has_no_variables(tmp_path: Path) -> None:
    path = tmp_path / "bare.pdf"
    path.write_bytes(build_pdf(b"BT /F1 12 Tf 72 720 Td (Only text) Tj ET"))
    article = read_article(path)
    assert article.text.strip() == "Only text"
    assert article.metadata.values == {}


def test_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(build_pdf(b"", {"Title": "Scanned page"}))
    assert "no text layer" in refused(path).problem


def test_garbage_named_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"This is not a PDF at all.\n" + random.Random(3).randbytes(1024))
    assert "PDF" in refused(path).problem


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "truncated.pdf"
    path.write_bytes(build_pdf(b"BT /F1 12 Tf 72 720 Td (Some text) Tj ET")[:40])
    refused(path)


# -- refusals ------------------------------------------------------------------------------


def test_unsupported_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random.Random(1).randbytes(512))
    error = refused(path)
    assert ".txt" in error.problem
    assert ".docx" in error.problem


def test_binary_content_named_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(2).randbytes(2048))
    assert "binary" in refused(path).problem


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "empty" in refused(path).problem


@pytest.mark.parametrize("data", [b" \n\t\r\n  ", b"\xef\xbb\xbf\r\n", "\u3000\n".encode()])
def test_whitespace_only_file_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "blank.md"
    path.write_bytes(data)
    assert "no text" in refused(path).problem


@pytest.mark.parametrize(
    "text",
    [
        "\u200b",
        "\u200b\u200c\u200d\n",
        "\u2060 \ufeff\u2060\r\n",
        " \u200b\u00ad\u180e\u2061\u3164\n\t",
        "\u0085",
    ],
    ids=["zwsp", "zwnj-zwj", "word-joiner-bom", "mixed", "nel"],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_invisible_only_file_is_refused_as_empty(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "invisible.txt"
    path.write_bytes(text.encode(encoding))
    assert "holds no text" in refused(path).problem


def test_one_nel_in_a_text_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "nel.txt"
    path.write_bytes("First line\u0085second line of the article.".encode())
    assert read_article(path).text == "First line\u0085second line of the article."


def test_zero_width_characters_in_a_real_text_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "zw.txt"
    path.write_bytes("Ferry\u200bcrew walks off\u2060.".encode())
    assert read_article(path).text == "Ferry\u200bcrew walks off\u2060."


def test_oversized_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(articles.MAX_FILE_BYTES + 1)  # sparse: nothing is written to disk
    read_bytes = pathlib.Path.read_bytes

    def must_not_read(self: Path) -> bytes:
        if self == path:
            raise AssertionError("an oversized file was read")
        return read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", must_not_read)
    error = refused(path)
    assert "MB" in error.problem
    assert str(articles.MAX_FILE_BYTES // 2**20) in error.problem


def test_file_at_the_size_limit_is_not_refused_for_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "limit.txt"
    with path.open("wb") as handle:
        handle.truncate(articles.MAX_FILE_BYTES)
    read_bytes = pathlib.Path.read_bytes

    def small_read(self: Path) -> bytes:
        return b"A short article." if self == path else read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", small_read)
    assert read_article(path).text == "A short article."


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Classified.", encoding="utf-8")
    read_bytes = pathlib.Path.read_bytes

    def deny(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", deny)
    error = refused(path)
    assert "Permission denied" in error.problem
    assert "cannot be read" in error.problem


def test_refusal_for_a_folder_named_like_an_article(tmp_path: Path) -> None:
    path = tmp_path / "folder.txt"
    path.mkdir()
    refused(path)


# -- collect_files -------------------------------------------------------------------------


def test_collect_files_walks_folders_in_name_order(tmp_path: Path) -> None:
    root = tmp_path / "import"
    # Created out of order; the root's files sort before its subfolders, and each
    # subfolder's files before its own subfolders, so the expected order is unambiguous.
    visible = [
        "b.txt",
        "a.txt",
        "c.pdf",
        "sub/b2.md",
        "sub/a2.txt",
        "sub/deeper/z.docx",
        "sub/deeper/y.html",
        "x-notes/readme.jpg",
    ]
    hidden = [
        ".DS_Store",
        ".git/config",
        ".git/objects/ab.txt",
        "sub/.hidden.txt",
        "sub/.cache/article.txt",
    ]
    for name in visible + hidden:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("text", encoding="utf-8")
    files, refusals = collect_files([root])
    assert refusals == []
    assert [f.path for f in files] == [root / f.source for f in files]
    assert [f.source for f in files] == [
        "a.txt",
        "b.txt",
        "c.pdf",
        "sub/a2.txt",
        "sub/b2.md",
        "sub/deeper/y.html",
        "sub/deeper/z.docx",
        "x-notes/readme.jpg",
    ]


def test_collect_files_keeps_given_files_and_refuses_missing_ones(tmp_path: Path) -> None:
    present = tmp_path / "one.txt"
    present.write_text("text", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    files, refusals = collect_files([missing, present])
    assert files == [SourceFile(present, "one.txt")]
    assert refusals == [Refusal(missing, "no such file or folder")]
    assert str(refusals[0]) == "missing.txt: no such file or folder"


def test_collect_files_of_an_empty_folder(tmp_path: Path) -> None:
    assert collect_files([tmp_path]) == ([], [])


def test_read_article_accepts_what_collect_files_finds(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First article.", encoding="utf-8")
    (tmp_path / "b.md").write_bytes(b"Second\r\narticle.")
    files, _ = collect_files([tmp_path])
    assert [read_article(f.path).text for f in files] == ["First article.", "Second\narticle."]


def test_same_name_in_two_folders_keeps_each_relative_path(tmp_path: Path) -> None:
    for outlet in ("nyt", "wapo"):
        (tmp_path / "batch" / outlet).mkdir(parents=True)
        (tmp_path / "batch" / outlet / "day1.txt").write_text(f"{outlet} text", encoding="utf-8")
    files, _ = collect_files([tmp_path / "batch"])
    assert [f.source for f in files] == ["nyt/day1.txt", "wapo/day1.txt"]
    article = read_article(files[1].path, source=files[1].source)
    assert (article.name, article.source) == ("day1", "wapo/day1.txt")
    # A file chosen by itself is known by its name.
    assert collect_files([files[0].path])[0] == [SourceFile(files[0].path, "day1.txt")]


def test_chosen_encoding_reads_legacy_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "ambiguous.txt"
    path.write_bytes("港の渡し船".encode("euc_jp"))
    assert "cannot tell its encoding" in refused(path).problem
    article = read_article(path, encoding="euc_jp")
    assert (article.text, article.encoding) == ("港の渡し船", "euc_jp")


def test_preview_shows_the_text_as_it_would_be_imported(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(("港の渡し船の乗組員が仕事を離れた。\r\n" * 20_000).encode("shift_jis"))
    assert path.stat().st_size > articles.PREVIEW_BYTES
    text, encoding = preview_text(path)
    assert encoding == "cp932"
    assert text.startswith("港の渡し船の乗組員が仕事を離れた。\n")
    assert text.endswith("。\n")  # cut at a line end, never inside a character
    with pytest.raises(BadFileError, match="only plain-text files"):
        preview_text(tmp_path / "page.html")
