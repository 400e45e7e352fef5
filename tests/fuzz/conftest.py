"""Seeds for the fuzz tests: valid files of every kind, made once per session by our own
exporters from a small demo project, for the strategies to mutate."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest

from annotator import paths
from annotator.domain.model import DocumentStatus
from annotator.services import create_project, export_codebook
from annotator.services.coder_packages import export_package
from annotator.services.exports import export_segments
from annotator.services.refi import export_qdpx
from annotator.storage import Project
from tests.io.test_articles import build_pdf

# A news page of our own words (the shared corpus never goes into the project).
NEWS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ferry crew walks off in Port Velmar | The Coastal Ledger</title>
<meta property="og:site_name" content="The Coastal Ledger">
<meta name="author" content="Mirela Dastan">
<meta property="article:published_time" content="2019-04-16T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World desk</a></nav>
<article><h1>Ferry crew walks off in Port Velmar</h1>
<p>The crew of the morning ferry left the vessel at the eastern quay on Tuesday, saying that
wages promised in the spring had still not been paid.</p>
<p>Passengers waited for three hours before a relief crew arrived from the mainland; the
operator said talks would continue on Thursday.</p>
<p>Café owners near the quay — “we lost the whole morning,” one said — asked the harbour
office for compensation. 북한 😀</p>
</article><footer><a href="/about">About the Ledger</a></footer></body></html>
"""

PLAIN_TEXT = (
    "Harbour workers in Port Velmar stopped loading cargo on Monday.\r\n"
    "The union said 312 members joined; the port authority put the figure at 180.\n\n"
    "Talks resume on Thursday — “no deal, no ships,” a spokesman said. Zürich, 서울, 😀\n"
)


@dataclass(frozen=True)
class Seeds:
    """Valid files to mutate, and the projects the examples start from (files in a folder of
    their own: each example copies the one it needs)."""

    demo: Path  # the demo project: 8 articles, the default codebook, Ana's and Ben's codings
    empty: Path  # the default codebook, no article, no coder
    other: Path  # a copy of the demo with more work: Cleo's codings, an article, a deletion
    segments: Path
    codebook_json: Path
    codebook_csv: Path
    codebook_qdc: Path
    packages: tuple[Path, ...]
    qdpx: Path
    variables: Path
    docx: Path
    pdf: Path
    html: Path
    text: Path
    articles: tuple[Path, ...]  # two of the demo's article files (the demo holds their text)

    def __repr__(self) -> str:  # a failing example's report need not list every seed
        return f"Seeds({self.demo.parent})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # as Hypothesis prints it
        printer.text(repr(self))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A failing example of a whole archive or project prints large; that is no second failure.
    for item in items:
        if "fuzz" in item.path.parts:
            item.add_marker(pytest.mark.filterwarnings("ignore:Generating overly large repr"))


def _other_project(demo: Path, path: Path) -> None:
    """The demo's copy on another machine, with more work done on it."""
    shutil.copyfile(demo, path)
    with Project.open(path) as project:
        tree = project.codebook.tree()
        codes = [c for c in tree.walk() if not c.is_dimension][:6]
        documents = project.documents.all()
        article = project.documents.add(
            "09_harbour", "09_harbour.txt", PLAIN_TEXT.replace("\r\n", "\n")
        )
        cleo = project.coders.add("Cleo")
        for number, document in enumerate([*documents[:3], article]):
            code = codes[number % len(codes)]
            length = document.length
            # Made by a search: the package carries its origin for the fuzzer to mutate.
            project.codings.add(
                document.id,
                cleo.id,
                code.id,
                0,
                min(length, 40),
                memo="first",
                origin='{"kind": "search", "query": "harbour*", "unit": "hit"}',
            )
            project.codings.add(document.id, cleo.id, codes[-1].id, None, None)
            project.statuses.mark(document.id, cleo.id, DocumentStatus.DONE)
        project.memos.add("A note on the harbour", document_id=article.id, coder_id=cleo.id)
        project.memos.add("About this code", code_id=codes[0].id, coder_id=cleo.id)
        ben = project.coders.by_name("Ben")
        assert ben is not None
        bens = project.codings.for_coder(ben.id)
        project.codings.delete(bens[0].id)
        project.codings.set_memo(bens[1].id, "changed on the other machine")
        project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading("Ferry crew walks off in Port Velmar", level=1)
    document.add_paragraph("The crew left the vessel — “enough,” they said. Zürich; 북한 😀.")
    table = document.add_table(rows=2, cols=2)
    for i, row in enumerate([["Name", "Role"], ["Ana Kovač", "Captain"]]):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    document.add_paragraph("Talks continue on Thursday.")
    document.core_properties.title = "Ferry strike"
    document.core_properties.author = "Mirela Dastan"
    document.core_properties.created = dt.datetime(2019, 4, 16, 8, 0, 0)
    document.save(str(path))


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeds]:
    folder = tmp_path_factory.mktemp("fuzz-seeds")
    before = os.environ.get(paths.HOME_VARIABLE)
    os.environ[paths.HOME_VARIABLE] = str(folder / "home")
    try:
        demo = folder / "demo.annotator"
        with create_project(demo, demo=True) as project:
            export_segments(project, folder / "segments.csv")
            for suffix in ("json", "csv", "qdc"):
                export_codebook(project, folder / f"codebook.{suffix}")
            export_package(project, "Ana", folder / "ana.annpkg")
        create_project(folder / "empty.annotator").close()
        other = folder / "other.annotator"
        _other_project(demo, other)
        with Project.open(other) as project:
            export_package(project, "Cleo", folder / "cleo.annpkg")
            export_package(project, "Ben", folder / "ben.annpkg")
            export_qdpx(project, folder / "other.qdpx")
            project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        corpus = paths.corpus_dir()
        articles = tuple(sorted(corpus.glob("*.txt"))[:2])
        _docx(folder / "ferry.docx")
        pdf = folder / "ferry.pdf"
        pdf.write_bytes(
            build_pdf(
                b"BT /F1 12 Tf 72 720 Td (Ferry crew walks off in Port Velmar) Tj "
                b"0 -20 Td (Passengers waited on the eastern quay.) Tj ET",
                {"Title": "Ferry strike", "Author": "Mirela Dastan", "CreationDate": "D:2019"},
            )
        )
        html = folder / "ferry.html"
        html.write_text(NEWS_PAGE, encoding="utf-8")
        text = folder / "harbour.txt"
        text.write_bytes(PLAIN_TEXT.encode("utf-8"))
        yield Seeds(
            demo=demo,
            empty=folder / "empty.annotator",
            other=other,
            segments=folder / "segments.csv",
            codebook_json=folder / "codebook.json",
            codebook_csv=folder / "codebook.csv",
            codebook_qdc=folder / "codebook.qdc",
            packages=(folder / "ana.annpkg", folder / "ben.annpkg", folder / "cleo.annpkg"),
            qdpx=folder / "other.qdpx",
            variables=corpus / "variables.csv",
            docx=folder / "ferry.docx",
            pdf=pdf,
            html=html,
            text=text,
            articles=articles,
        )
    finally:
        if before is None:
            os.environ.pop(paths.HOME_VARIABLE, None)
        else:
            os.environ[paths.HOME_VARIABLE] = before


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where each example makes its own folder."""
    return tmp_path_factory.mktemp("fuzz-examples")
