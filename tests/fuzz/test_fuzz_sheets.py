"""Article sheets given to ``import``: CSV, TSV, JSON Lines and Excel workbooks, valid ones
mutated (cells, rows, quoting, bytes, ZIP members and XML), and the sheet reader on its own.

Only :class:`BadFileError` comes out of the reader; through the import, a file is refused in
the report with one line, or stored as text SQLite gives back, the rest of the project as it
was (see :func:`tests.fuzz.support.read_into`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from annotator.domain.errors import BadFileError
from annotator.io.news.sheets import SheetOptions, read_sheet
from annotator.io.news.sheets import recognises as recognises_sheet
from annotator.services.imports import ImportOptions, ImportReport, import_files
from annotator.storage import Project
from tests.fuzz.conftest import Seeds
from tests.fuzz.strategies import csv_file, mutated_bytes, mutated_xml, mutated_zip, zip_entries
from tests.fuzz.support import example, fuzz, read_into, timeout_seconds
from tests.io.news.workbooks import ExcelDate, workbook

FIXTURES = Path(__file__).parents[1] / "io" / "news" / "fixtures"
CSV = (FIXTURES / "harbour_sheet.csv").read_bytes()
JSON_LINES = (FIXTURES / "harbour_lines.jsonl").read_bytes()
WORKBOOK = workbook(
    [
        ["Headline", "Text", "Date", "Pages"],
        ["Ferry crew walks off", "The crew left the quay on Tuesday.", ExcelDate(43571), 12],
        ["Relief crew arrives", "A relief crew took over — “at last”. 😀", "17 April 2019", 3],
        ["No text", None, ExcelDate(43572), 1],
    ]
)

options = st.sampled_from(
    [
        SheetOptions(),
        SheetOptions(text_column="Headline"),
        SheetOptions(columns=(("Media Name", "title"), ("Words", "date"))),
    ]
)


def _workbooks() -> st.SearchStrategy[bytes]:
    def member(name: str, body: bytes) -> st.SearchStrategy[bytes] | None:
        return mutated_xml(body) if name.endswith(".xml") else None

    return mutated_zip(zip_entries(WORKBOOK), member)


sheets = st.one_of(
    csv_file(CSV),
    csv_file(CSV).map(lambda data: data.replace(b",", b"\t")),
    mutated_bytes(JSON_LINES),
    _workbooks(),
    st.binary(max_size=400).map(lambda tail: b"title,text\n" + tail),
)
NAMES = st.sampled_from(["sheet.csv", "sheet.tsv", "sheet.jsonl", "sheet.xlsx", "sheet.txt"])

EXAMPLES = 120


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=sheets, name=NAMES, chosen=options)
def test_the_sheet_reader_raises_nothing_but_bad_file_errors(
    data: bytes, name: str, chosen: SheetOptions
) -> None:
    refused: BadFileError | None = None
    try:
        sheet = read_sheet(data, name, chosen)
    except BadFileError as error:
        refused = error
    if refused is not None:
        assert str(refused).startswith(f"{name}: ")
        assert "\n" not in refused.problem
        event("refused")
        return
    assert sheet.file.articles
    for article in sheet.file.articles:
        assert article.body.strip()
        assert set(article.fields) <= set(sheet.types)
    event("read")


IMPORT_EXAMPLES = 60


@pytest.mark.timeout(timeout_seconds(IMPORT_EXAMPLES))
@fuzz(IMPORT_EXAMPLES)
@given(data=sheets, name=NAMES, chosen=options)
def test_importing_a_mutated_sheet(
    seeds: Seeds, base: Path, data: bytes, name: str, chosen: SheetOptions
) -> None:
    with example(base) as ex:
        path = ex.file(name, data)
        settings = ImportOptions(text_column=chosen.text_column, columns=chosen.columns)

        def call(project: Project) -> ImportReport:
            report = import_files(project, [path], options=settings)
            for imported in report.imported:
                text = project.documents.text(imported.document_id)
                text.encode("utf-8")  # no lone surrogates
                assert len(text) == imported.characters
            return report

        outcome = read_into(ex, seeds.demo, call, path)
        if outcome.error is None:
            report: ImportReport = outcome.result
            for refusal in report.refused:
                assert "\n" not in refusal.reason.strip(), refusal.reason
            if not report.imported:
                assert not outcome.changed, "a file not imported changed the project"
            event("imported" if report.imported else "nothing imported")


RECOGNISE_EXAMPLES = 150

# What a parser meets on hostile input: JSON nested past the recursion limit, broken quoting,
# a head cut anywhere, stray NULs and encodings.
hostile_heads = st.one_of(
    st.integers(min_value=1, max_value=20_000).map(
        lambda depth: b'{"text": "x", "n": ' + b"[" * depth + b"]" * depth + b"}\n"
    ),
    st.integers(min_value=1, max_value=20_000).map(lambda depth: b"[" * depth + b"\n"),
    mutated_bytes(CSV).map(lambda data: data[: len(data) // 2]),
    st.binary(max_size=300).map(lambda tail: b'Body, mind and soul\n"' + tail),
    st.binary(max_size=300),
)


@pytest.mark.timeout(timeout_seconds(RECOGNISE_EXAMPLES))
@fuzz(RECOGNISE_EXAMPLES)
@given(data=hostile_heads, name=NAMES)
def test_recognising_a_sheet_never_raises(data: bytes, name: str) -> None:
    from annotator.io.news import recognise

    assert recognises_sheet(data, name) in (True, False)
    recognise(data, name)  # every reader in turn: none may raise
    event("recognised" if recognises_sheet(data, name) else "not a sheet")
