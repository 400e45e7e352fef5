"""The records of a ProQuest text download are cut at its rows of underscores one record at a
time, not from a list of all its lines: the same records as cutting its lines would give,
whatever the line breaks and the white space around a row."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.io.news import proquest

_RULE = re.compile(r"_{20,}")


def _by_lines(text: str) -> list[tuple[list[str], bool]]:
    """The records as the text's lines give them (how the reader first cut them)."""
    records: list[tuple[list[str], bool]] = []
    current: list[str] = []
    for line in text.splitlines():
        if _RULE.fullmatch(line.strip()):
            records.append((current, True))
            current = []
        else:
            current.append(line.rstrip())
    records.append((current, False))
    return records


_PIECES = st.sampled_from(
    [
        "_" * 20,
        "_" * 19,
        "_" * 60,
        " ",
        "\t",
        "\u3000",
        "\x1f",
        "\xa0",
        "\n",
        "\r\n",
        "\r",
        "\u2028",
        "\x0c",
        "\x85",
        "Full text: ",
        "Title: a",
        "b",
        "Document 1 of 2",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_records_are_those_the_lines_give(text: str) -> None:
    assert list(proquest._split(text)) == _by_lines(text)


def test_a_row_with_text_beside_it_cuts_nothing() -> None:
    text = "Title: a\n" + "_" * 30 + " (continued)\nb\n  " + "_" * 25 + "  \r\nc"
    assert list(proquest._records(text)) == [
        (["Title: a", "_" * 30 + " (continued)", "b"], True),
        (["c"], False),
    ]


def _download(records: int) -> bytes:
    rule = "_" * 60
    parts = [
        f"{rule}\n\nDocument {n} of {records}\n\nHarbour story {n}\n\n"
        f"https://www.proquest.com/docview/{n}/se-2\n\nFull text: The quay reopened on day {n}.\n"
        "Ferries will use it from Friday.\n\nTitle: Harbour story\n\n"
        "Publication title: The Coastal Ledger\n\nPublication date: Apr 16, 2019\n\n"
        f"ProQuest document ID: {n}\n\n"
        for n in range(1, records + 1)
    ]
    return ("".join(parts) + rule + "\n").encode("utf-8")


def test_a_long_download_is_read_without_holding_all_its_lines() -> None:
    import tracemalloc

    data = _download(2000)
    tracemalloc.start()
    try:
        news = proquest.read(data, "long.txt")
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(news.articles) == 2000
    # The text itself, and one record's lines at a time (its 36,000 lines as a list took
    # three times the file's size besides).
    assert peak - after < 1.6 * len(data)
