"""Where the news-export tests find their files: our fixtures, and the real downloads in
../shared/news_exports (present in the developers' checkout only), with the reading both
format tests share."""

from __future__ import annotations

import re
from pathlib import Path

from annotator.io.news import NewsFile, recognise
from tests.conftest import SHARED_CORPUS

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_EXPORTS = SHARED_CORPUS.parent / "news_exports"
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def read(name: str, expected_reader: str | None = None) -> NewsFile:
    """The fixture ``name`` as the reader recognising it reads it (that reader's name
    checked, when one is expected)."""
    return read_bytes((FIXTURES / name).read_bytes(), name, expected_reader)


def read_bytes(data: bytes, name: str, expected_reader: str | None = None) -> NewsFile:
    """``data`` (named ``name``) as the reader recognising it reads it (that reader's name
    checked, when one is expected)."""
    reader = recognise(data, name)
    assert reader is not None, f"{name} not recognised"
    if expected_reader is not None:
        assert reader.name == expected_reader
    return reader.read(data, name)
