"""A file's own dates (file_created, file_modified) are kept only when they can be true: a
damaged or made-up date field is left empty, never stored as a day in the year 9999."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest

from annotator.io.articles import file_date, read_article
from tests.io.test_articles import build_pdf

TEXT = b"BT /F1 12 Tf 72 720 Td (Passengers waited on the quay.) Tj ET"


@pytest.mark.parametrize(
    ("created", "modified", "expected"),
    [
        ("D:20190416080000Z", "D:99999999", {"file_created": "2019-04-16"}),
        ("D:19000101", "D:20210102", {"file_modified": "2021-01-02"}),
        ("D:00010101", "D:29991231235959Z", {}),
    ],
    ids=["year-9999", "year-1900", "both"],
)
def test_pdf_dates_that_cannot_be_true_are_left_empty(
    tmp_path: Path, created: str, modified: str, expected: dict[str, str]
) -> None:
    path = tmp_path / "odd.pdf"
    path.write_bytes(
        build_pdf(TEXT, {"Title": "Quay", "CreationDate": created, "ModDate": modified})
    )
    assert read_article(path).metadata.values == {"title": "Quay", **expected}


def test_docx_dates_that_cannot_be_true_are_left_empty(tmp_path: Path) -> None:
    path = tmp_path / "odd.docx"
    document = docx.Document()
    document.add_paragraph("Passengers waited on the quay.")
    document.core_properties.author = "Mirela Dastan"
    document.core_properties.created = dt.datetime(1601, 1, 1)  # Windows' zero time
    document.core_properties.modified = dt.datetime(2999, 5, 1)
    document.save(str(path))
    assert read_article(path).metadata.values == {"author": "Mirela Dastan"}


def test_file_date_bounds() -> None:
    today = dt.date(2025, 6, 30)
    stamp = dt.datetime.combine
    assert file_date(stamp(dt.date(1980, 1, 1), dt.time()), today) == "1980-01-01"
    assert file_date(stamp(dt.date(1979, 12, 31), dt.time(23)), today) is None
    # A day of slack: a file saved just now east of here is dated tomorrow.
    assert file_date(stamp(dt.date(2025, 7, 1), dt.time(8)), today) == "2025-07-01"
    assert file_date(stamp(dt.date(2025, 7, 2), dt.time()), today) is None
    assert file_date(None, today) is None
