"""Third hostile pass over the issue-19 importers (ProQuest, Europresse, APA, Factiva, sheets):
crafted variants of our own fixtures, each a defect found and mended."""

from __future__ import annotations

from pathlib import Path

from annotator.io.news import NewsFile, recognise

FIXTURES = Path(__file__).parent / "fixtures"


def read_bytes(data: bytes, name: str, expected_reader: str) -> NewsFile:
    reader = recognise(data, name)
    assert reader is not None, f"{name} not recognised"
    assert reader.name == expected_reader
    return reader.read(data, name)


# -- ProQuest text ------------------------------------------------------------------------


def test_proquest_text_without_blank_lines_between_fields_reads_as_with_them() -> None:
    spaced = (FIXTURES / "proquest_plain.txt").read_text(encoding="utf-8")
    compact = "\n".join(line for line in spaced.split("\n") if line.strip()) + "\n"
    want = read_bytes(spaced.encode(), "spaced.txt", "ProQuest text")
    got = read_bytes(compact.encode(), "compact.txt", "ProQuest text")
    assert [(a.title, a.body, a.fields) for a in got.articles] == [
        (a.title, a.body, a.fields) for a in want.articles
    ]
    assert got.problems == ()
