"""Factiva (HTML, RTF, tagged text) and LexisNexis Academic downloads, mutated: recognising
and reading them gives articles of valid text, or a :class:`BadFileError` naming the file
in one line; never another exception, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from annotator.domain.errors import BadFileError
from annotator.io.news import factiva, lexis_academic, readers
from tests.fuzz.strategies import mutated_bytes, nasty_text
from tests.fuzz.support import HANG_SECONDS, fuzz, time_limit, timeout_seconds

FIXTURES = Path(__file__).parents[1] / "io" / "news" / "fixtures"
SEEDS = {
    name: (FIXTURES / name).read_bytes()
    for name in (
        "factiva_en.html",
        "factiva_de.html",
        "factiva_zh.html",
        "factiva_indexing.html",
        "factiva_article.rtf",
        "factiva_indexing.rtf",
        "factiva_tagged.txt",
        "lexis_academic.txt",
    )
}
# What a mutation puts in: the formats' own markers, to make near-misses.
MARKERS = [
    b'<div class="article enArticle">',
    b'<p class="articleParagraph enarticleParagraph">',
    b"<div>12 words</div>",
    b"<div>",
    b"</div>",
    b"\\par ",
    b"\\cell ",
    b"\\row ",
    b"{\\b ",
    b"\\u-3913?",
    b"\\'e9",
    b"\\bin99999 ",
    b"\n   HD\n",
    b"\n   AN\nDocument ABCD000020190101ef1g0000a\n",
    b"\n                  3 of 3 DOCUMENTS\n",
    b"\nLENGTH: 12 words\n",
    b"\nLOAD-DATE: \n",
    b"\f",
]


@st.composite
def downloads(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = SEEDS[name]
    kind = draw(st.sampled_from(["mutated", "marker", "nasty", "cut"]))
    if kind == "mutated":
        data = draw(mutated_bytes(data))
    elif kind == "marker":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(MARKERS)) + data[at:]
    elif kind == "nasty":
        at = draw(st.integers(0, len(data)))
        text = "".join(draw(st.lists(nasty_text, max_size=4)))
        data = data[:at] + text.encode("utf-8", "surrogatepass") + data[at:]
    else:
        data = data[: draw(st.integers(0, len(data)))]
    return name, data


def _read(name: str, data: bytes) -> None:
    for reader in readers():
        if not reader.recognises(data, name):
            continue
        event(f"recognised as {reader.name}")
        refused: BadFileError | None = None
        try:
            found = reader.read(data, name)
        except BadFileError as error:
            refused = error
        if refused is not None:
            assert refused.path.name == name
            assert "\n" not in str(refused)
            event("refused")
            return
        assert found.articles
        for article in found.articles:
            assert article.body.strip()
            for value in (article.title, article.body, *article.fields, *article.fields.values()):
                value.encode("utf-8")  # no lone surrogates
            assert article.fields.get("date", "0000-00-00")[4::3] == "--"
            assert article.fields.get("words", "0").isdigit()
        for problem in found.problems:
            assert "\n" not in problem
        return
    event("not recognised")


EXAMPLES = 150


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(download=downloads())
def test_mutated_downloads(download: tuple[str, bytes]) -> None:
    name, data = download
    with time_limit(HANG_SECONDS):
        _read(name, data)


@pytest.mark.timeout(timeout_seconds(40))
@fuzz(40)
@given(data=st.binary(max_size=3000))
def test_any_bytes(data: bytes) -> None:
    with time_limit(HANG_SECONDS):
        _read("download.bin", data)


@pytest.mark.parametrize(
    ("reader", "data"),
    [
        (factiva.read_html, b""),
        (factiva.read_html, b"\x00\x01\x02"),
        (factiva.read_rtf, b"{\\rtf1"),
        (factiva.read_rtf, b"{\\rtf1" + b"{" * 100_000 + b"x"),
        (factiva.read_text, b"\xff\xfe\x00"),
        (lexis_academic.read, b"\x00" * 10),
    ],
    ids=["empty page", "binary page", "cut rtf", "deep rtf", "bad text", "binary text"],
)
def test_broken_files_are_refused_naming_the_file(reader: object, data: bytes) -> None:
    assert callable(reader)
    with pytest.raises(BadFileError, match=r"^broken\.bin: "):
        reader(data, "broken.bin")


def test_long_lines_cost_time_in_proportion() -> None:
    # A header line of a megabyte where the patterns look for a word count, a date, a page.
    line = "1" + " " * 1_000_000 + "!"
    page = (
        '<div class="article enArticle"><div id="hd"><span class="enHeadline">H</span></div>'
        f"<div>{line}</div><div>{line}</div>"
        '<p class="articleParagraph">Text.</p></div>'
    ).encode()
    with time_limit(10):
        found = factiva.read_html(page, "long.html")
    assert found.articles[0].body == "Text."
