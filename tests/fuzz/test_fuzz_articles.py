"""Article files given to ``import`` (and the import dialog's preview): plain text in any bytes
and any encoding, saved web pages, Word documents and PDFs, valid ones mutated.

A file that cannot be used is refused in the import's report (or with a user error naming
it), the project unchanged; a file that is imported is stored as text SQLite can give back.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from annotator.domain.errors import BadFileError
from annotator.io.articles import preview_text
from annotator.io.encoding import CHOOSABLE
from annotator.services.imports import ImportReport, import_files
from annotator.storage import Project
from tests.fuzz.conftest import PLAIN_TEXT, Seeds
from tests.fuzz.strategies import (
    mutated_bytes,
    mutated_xml,
    mutated_zip,
    nasty_text,
    zip_entries,
)
from tests.fuzz.support import Example, example, fuzz, read_into, timeout_seconds

# Our own sentences in the scripts the legacy encodings carry.
SENTENCES = {
    "cyrillic": "Портовые рабочие прекратили погрузку в понедельник; переговоры в четверг.",
    "japanese": "港の労働者は月曜日に荷役を止めた。交渉は木曜日に再開される。",
    "korean": "항구 노동자들은 월요일에 하역을 멈췄고 협상은 목요일에 재개된다.",
    "chinese": "港口工人星期一停止装货，谈判将于星期四恢复。",
    "latin": "Les dockers de Port-Velmar ont cessé le travail lundi ; reprise jeudi, à Zürich.",
}
ENCODED = [
    (text * 3).encode(codec)
    for codec, text in [
        ("utf-8", PLAIN_TEXT),
        ("utf-16", PLAIN_TEXT),
        ("utf-32", PLAIN_TEXT),
        ("utf-8-sig", PLAIN_TEXT),
        ("cp1251", SENTENCES["cyrillic"]),
        ("koi8_r", SENTENCES["cyrillic"]),
        ("shift_jis", SENTENCES["japanese"]),
        ("euc_jp", SENTENCES["japanese"]),
        ("cp949", SENTENCES["korean"]),
        ("gb18030", SENTENCES["chinese"]),
        ("big5", "港口工人星期一停止裝貨，談判將於星期四恢復。"),
        ("cp1252", SENTENCES["latin"]),
    ]
]
encodings = st.none() | st.sampled_from([legacy.codec for legacy in CHOOSABLE])


def _stored_as_read(project: Project, report: ImportReport) -> None:
    """Every article imported can be read back, as the text the report counted."""
    for imported in report.imported:
        text = project.documents.text(imported.document_id)
        text.encode("utf-8")  # no lone surrogates
        assert len(text) == imported.characters
        assert "\r" not in text


def _import(ex: Example, seeds: Seeds, path: Path, encoding: str | None) -> None:
    def call(project: Project) -> ImportReport:
        report = import_files(project, [path], encoding=encoding)
        _stored_as_read(project, report)
        return report

    outcome = read_into(ex, seeds.demo, call, path)
    if outcome.error is None:
        report: ImportReport = outcome.result
        for refusal in report.refused:
            assert "\n" not in refusal.reason.strip(), refusal.reason
            event(f"refused: {refusal.reason[:50]}")
        if report.imported:
            event("imported")
        elif report.duplicates:
            event("already held")
        if not report.imported:  # refused, or a text the project already holds
            assert not outcome.changed, "a file not imported changed the project"


EXAMPLES = 100


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        st.sampled_from(ENCODED).flatmap(mutated_bytes),
        st.text(max_size=300).map(lambda t: t.encode("utf-8")),
        st.lists(nasty_text, max_size=8).map(lambda t: "".join(t).encode("utf-8", "surrogatepass")),
    ),
    suffix=st.sampled_from([".txt", ".md", ".text", ".markdown"]),
    encoding=encodings,
)
def test_plain_text_in_any_bytes(
    seeds: Seeds, base: Path, data: bytes, suffix: str, encoding: str | None
) -> None:
    with example(base) as ex:
        path = ex.file(f"article{suffix}", data)
        _import(ex, seeds, path, encoding)
        # The import dialog's preview of the same file: text, or a refusal naming it.
        refused = None
        try:
            text, _ = preview_text(path, encoding)
        except BadFileError as error:
            refused = error
        if refused is None:
            text.encode("utf-8")
        else:
            assert refused.path == path


HTML_EXAMPLES = 40


@pytest.mark.timeout(timeout_seconds(HTML_EXAMPLES))
@fuzz(HTML_EXAMPLES)
@given(data=st.data())
def test_web_pages(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    page = seeds.html.read_bytes()
    raw = data.draw(
        st.one_of(
            mutated_bytes(page),
            mutated_bytes(page),
            st.binary(max_size=500),
            st.lists(nasty_text, max_size=5).map(
                lambda parts: page.replace(
                    b"<p>", "".join(parts).encode("utf-8", "surrogatepass") + b"<p>", 1
                )
            ),
            st.just(page.decode("utf-8").encode("utf-16")),
        ),
        label="page",
    )
    suffix = data.draw(st.sampled_from([".html", ".htm", ".xhtml"]), label="suffix")
    with example(base) as ex:
        _import(ex, seeds, ex.file(f"page{suffix}", raw), None)


def _word_member(name: str, body: bytes) -> st.SearchStrategy[bytes] | None:
    if name.endswith(".xml") or name.endswith(".rels"):
        return st.one_of(mutated_xml(body), mutated_bytes(body))
    return None


DOCX_EXAMPLES = 80


@pytest.mark.timeout(timeout_seconds(DOCX_EXAMPLES))
@fuzz(DOCX_EXAMPLES)
@given(data=st.data())
def test_word_documents(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    original = seeds.docx.read_bytes()
    entries = zip_entries(original)
    # The parts python-docx reads: the text and the properties, most often.
    main = [(i, b) for i, b in entries if i.filename in ("word/document.xml", "docProps/core.xml")]
    raw = data.draw(
        st.one_of(
            mutated_zip(entries, _word_member),
            st.sampled_from(main).flatmap(
                lambda entry: mutated_xml(entry[1]).map(lambda xml: _replaced(entries, entry, xml))
            ),
            mutated_bytes(original),
        ),
        label="docx",
    )
    with example(base) as ex:
        _import(ex, seeds, ex.file("ferry.docx", raw), None)


def _replaced(
    entries: list[tuple[zipfile.ZipInfo, bytes]],
    entry: tuple[zipfile.ZipInfo, bytes],
    body: bytes,
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, body if info.filename == entry[0].filename else data)
    return out.getvalue()


# PDF tokens a mutation puts in place of another: numbers of any size, names, delimiters.
PDF_TOKENS = [
    b"0",
    b"-1",
    b"99999999999",
    b"1e308",
    b"/Type",
    b"/Pages",
    b"/Kids",
    b"/Length",
    b"/Root",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"(",
    b")",
    b"R",
    b"obj",
    b"endobj",
    b"stream",
    b"null",
    b"1 0 R",
    b"3 0 R",
    b"/Encrypt",
    b"/Filter /FlateDecode",
    b"D:99999999999999",
]


@st.composite
def pdf_tokens_changed(draw: st.DrawFn, data: bytes) -> bytes:
    """A PDF whose tokens (split at white space) are changed, doubled or removed: the file
    stays a PDF in form while its objects, references and lengths go wrong."""
    tokens = data.split(b" ")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(tokens) - 1))
        kind = draw(st.sampled_from(["replace", "insert", "delete"]))
        if kind == "replace":
            tokens[at] = draw(st.sampled_from(PDF_TOKENS))
        elif kind == "insert":
            tokens.insert(at, draw(st.sampled_from(PDF_TOKENS)))
        elif len(tokens) > 1:
            del tokens[at]
    return b" ".join(tokens)


PDF_EXAMPLES = 100


@pytest.mark.timeout(timeout_seconds(PDF_EXAMPLES))
@fuzz(PDF_EXAMPLES)
@given(data=st.data())
def test_pdfs(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    original = seeds.pdf.read_bytes()
    raw = data.draw(
        st.one_of(
            pdf_tokens_changed(original), pdf_tokens_changed(original), mutated_bytes(original)
        ),
        label="pdf",
    )
    with example(base) as ex:
        _import(ex, seeds, ex.file("ferry.pdf", raw), None)
