"""A large workbook is read without holding its XML several times over: the archive checked
and packed again a chunk at a time (compressed), its rows made Python values one at a time."""

from __future__ import annotations

import io
import random
import tracemalloc
import zipfile

from annotator.io.news.sheets import read_sheet


def _workbook(rows: int) -> bytes:
    import xlsxwriter

    rng = random.Random(2)
    words = [
        "harbour",
        "board",
        "ferry",
        "quay",
        "council",
        "storm",
        "pier",
        "crew",
        "island",
        "lamp",
        "tide",
    ]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["title", "text"])
    for row in range(1, rows + 1):
        sheet.write_row(row, 0, [f"Story {row}", " ".join(rng.choices(words, k=250))])
    book.close()
    return out.getvalue()


def test_a_large_workbook_is_read_without_copies_of_its_xml() -> None:
    data = _workbook(3000)
    xml = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(data)).infolist())
    tracemalloc.start()
    try:
        sheet = read_sheet(data, "stories.xlsx")
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(sheet.file.articles) == 3000
    # Besides the articles read: packed again uncompressed, the 5 MB of XML were held as
    # chunks, their join and the archive (1.6 times their size at once).
    assert peak - after < 0.5 * xml
