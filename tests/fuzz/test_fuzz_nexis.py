"""Nexis downloads, valid ones mutated: Word files with their XML edited or their ZIP broken,
ZIPs of them, HTML pages and RTF files with bytes flipped, cut, doubled.

Whatever the bytes, recognising and reading a file either gives articles (each with text) or
raises :class:`BadFileError`; no other exception comes out, and no file claimed as a Nexis
download is refused by any other error.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.errors import BadFileError
from annotator.io.news import recognise
from annotator.io.news.nexis import NEXIS_DOCX, NEXIS_HTML, NEXIS_RTF, NEXIS_ZIP
from tests.fuzz.strategies import mutated_bytes, mutated_xml, mutated_zip, zip_entries
from tests.fuzz.support import fuzz, timeout_seconds
from tests.io.news.nexis_samples import FIXTURES, documents_of, uni_paragraphs, word_file, zipped

EXAMPLES = 30


def _read_every_way(data: bytes, name: str) -> None:
    """Recognise ``data`` and read it with every Nexis reader: articles or BadFileError."""
    recognise(data, name)
    refusals: list[str] = []
    for reader in (NEXIS_DOCX, NEXIS_ZIP, NEXIS_HTML, NEXIS_RTF):
        reader.recognises(data, name)
        try:
            found = reader.read(data, name)
        except BadFileError as error:
            refusals.append(str(error))
            continue
        assert found.articles
        for article in found.articles:
            assert article.body.strip()
            assert article.position >= 1
            assert all(isinstance(v, str) for v in article.fields.values())
    for message in refusals:  # one line naming the file
        assert message.startswith(f"{name}: ")
        assert "\n" not in message


@cache
def _seed_docx() -> bytes:
    # Made once: python-docx stamps the time, and each example must start from the same bytes.
    return word_file(uni_paragraphs())


@cache
def _seed_zip() -> bytes:
    strike, ferry, _ = documents_of(uni_paragraphs())
    return zipped({"a.docx": word_file(strike), "b.docx": word_file(ferry)})


def _word_member(name: str, body: bytes) -> st.SearchStrategy[bytes] | None:
    if name == "word/document.xml":
        return st.one_of(mutated_xml(body), mutated_bytes(body))
    return None


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_nexis_word_files(data: st.DataObject) -> None:
    original = _seed_docx()
    raw = data.draw(
        st.one_of(mutated_zip(zip_entries(original), _word_member), mutated_bytes(original)),
        label="docx",
    )
    _read_every_way(raw, "download.docx")


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_zips_of_nexis_word_files(data: st.DataObject) -> None:
    original = _seed_zip()
    raw = data.draw(mutated_zip(zip_entries(original), lambda name, body: None), label="zip")
    _read_every_way(raw, "download.zip")


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_nexis_html_and_rtf(data: st.DataObject) -> None:
    name = data.draw(
        st.sampled_from(["nexis_uk_de.html", "nexis_classic.rtf", "nexis_uni.rtf"]), label="seed"
    )
    original = (FIXTURES / name).read_bytes()
    raw = data.draw(mutated_bytes(original, max_edits=8), label="bytes")
    _read_every_way(raw, name)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{\\rtf",
        b"{\\rtf1 " + b"{" * 100_000 + b"End of Document",
        b"{\\rtf1 \\u-1?\\u99999999?\\'zz\\ansicpg99999 1 of 2 DOCUMENTS\\par}",
        b"<DOCFULL> --> 1 of 1 DOCUMENTS" + b"<div>" * 50_000,
        b"PK\x03\x04" + bytes(100),
    ],
    ids=["empty", "rtf-head", "rtf-deep", "rtf-odd-controls", "html-deep", "zip-head"],
)
def test_hostile_files_of_every_kind(raw: bytes) -> None:
    _read_every_way(raw, "hostile.bin")
