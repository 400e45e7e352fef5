"""The two CSV files a researcher gives annotator: the variables CSV of an import
(``import --variables``) and a long CSV of codings (``codings import``), valid ones mutated —
cells of the wrong kind, rows of the wrong length, doubled and dropped rows, broken quoting,
header names changed, byte-order marks, CRLF, NUL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.services.codings import import_codings
from annotator.services.imports import ImportReport, import_files
from annotator.storage import Project
from tests.fuzz.conftest import Seeds
from tests.fuzz.strategies import csv_file
from tests.fuzz.support import example, fuzz, read_into, timeout_seconds

EXAMPLES = 80


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_variables_csv(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    # The demo's own variables, and a row for an article the demo does not hold.
    seed = seeds.variables.read_bytes().rstrip(b"\r\n") + (
        b"\r\nnews/harbour.txt,Harbour Weekly,2023-02-01,Mirela Dastan\r\n"
    )
    raw = data.draw(csv_file(seed), label="csv")
    with example(base) as ex:
        # Two articles the project holds already (their variables are set on them) and one
        # it does not, in a folder of their own as a researcher would have them.
        articles = ex.folder / "articles"
        (articles / "news").mkdir(parents=True)
        for article in seeds.articles:
            shutil.copyfile(article, articles / article.name)
        shutil.copyfile(seeds.text, articles / "news" / "harbour.txt")
        variables = ex.file("variables.csv", raw)

        def call(project: Project) -> ImportReport:
            return import_files(project, [articles], variables_csv=variables)

        read_into(ex, seeds.demo, call, variables)


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_codings_csv(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    raw = data.draw(csv_file(seeds.segments.read_bytes()), label="csv")
    mark_done = data.draw(st.booleans(), label="mark_done")
    template = data.draw(st.sampled_from([seeds.demo, seeds.other]), label="into")
    with example(base) as ex:
        path = ex.file("codings.csv", raw)
        read_into(ex, template, lambda p: import_codings(p, path, mark_done=mark_done), path)
