"""decode_text: byte-order marks, strict UTF-8, legacy encodings, and binary data refused."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from annotator.domain.errors import BadFileError
from annotator.io.encoding import decode_text

PATH = Path("/articles/sample-article.txt")

MIXED = "Pyongyang — “we left at night,” she said. Café 5 € · naïve 😀 북한 Ω\nsecond line\r\n"


def test_utf8_without_bom() -> None:
    text, encoding = decode_text(MIXED.encode("utf-8"), PATH)
    assert text == MIXED
    assert encoding == "utf-8"


def test_utf8_with_bom_drops_the_bom() -> None:
    text, encoding = decode_text(codecs.BOM_UTF8 + MIXED.encode("utf-8"), PATH)
    assert text == MIXED
    assert not text.startswith("\ufeff")
    assert encoding == "utf-8"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
    ids=["le", "be"],
)
def test_utf16_with_bom(bom: bytes, codec: str) -> None:
    text, encoding = decode_text(bom + MIXED.encode(codec), PATH)
    assert text == MIXED
    assert encoding == "utf-16"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")],
    ids=["le", "be"],
)
def test_utf32_with_bom(bom: bytes, codec: str) -> None:
    # The UTF-32 LE mark begins with the UTF-16 LE mark: it must not be read as UTF-16.
    text, encoding = decode_text(bom + MIXED.encode(codec), PATH)
    assert text == MIXED
    assert encoding == "utf-32"


@pytest.mark.parametrize(
    "original",
    [
        "“Quoted” — café costs €5",
        "“It’s over,” she said — and the café closed. The bill was €40.",
        "The café on Main Street charged €4.50 for a coffee — “outrageous,” said one customer.\n",
        "Café prices rose by €3 in Zürich — “too much,” said the résumé writer.",
    ],
    ids=["short-quote", "its-over", "main-street", "zurich"],
)
def test_windows_1252_news_text(original: str) -> None:
    data = original.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # so the legacy path is what is tested
    text, encoding = decode_text(data, PATH)
    assert text == original
    assert encoding == "cp1252"


def test_short_windows_1252_sample() -> None:
    text, encoding = decode_text("naïve café".encode("cp1252"), PATH)
    assert text == "naïve café"
    assert encoding == "cp1252"


KOREAN = (
    "북한 주민들이 중국을 거쳐 남한으로 탈북했다고 통일부가 밝혔다. "
    "평양에서 온 식당 종업원 열두 명이 집단으로 귀순했다."
)


@pytest.mark.parametrize("codec", ["euc-kr", "cp949"])
def test_korean_legacy_encodings(codec: str) -> None:
    text, _ = decode_text(KOREAN.encode(codec), PATH)
    assert text == KOREAN


@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
def test_emoji_outside_the_basic_plane(codec: str) -> None:
    original = "Reaction: 😀🎉 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 — done"
    text, _ = decode_text(original.encode(codec), PATH)
    assert text == original
    assert len(text) == len(original)  # code points, not UTF-16 units


def test_binary_data_is_refused() -> None:
    noise = random.Random(20190416).randbytes(4096)
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise + b"\x00" * 64
    with pytest.raises(BadFileError) as caught:
        decode_text(data, PATH)
    assert caught.value.path == PATH
    assert str(caught.value).startswith("sample-article.txt: ")
    assert "binary" in caught.value.problem


def test_mostly_control_characters_without_nul_are_refused() -> None:
    # Valid UTF-8, no NUL byte, but clearly not text.
    data = bytes(range(1, 32)) * 20 + b"abc"
    with pytest.raises(BadFileError) as caught:
        decode_text(data, PATH)
    assert "binary" in caught.value.problem


@pytest.mark.parametrize(
    "data",
    [
        # A lone high surrogate followed by "A".
        codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + b"\x00\xd8A\x00",
        # An odd number of bytes after the mark.
        codecs.BOM_UTF16_BE + "ok".encode("utf-16-be") + b"\x00",
    ],
    ids=["lone-surrogate", "truncated"],
)
def test_invalid_bytes_after_a_utf16_bom_are_refused(data: bytes) -> None:
    with pytest.raises(BadFileError) as caught:
        decode_text(data, PATH)
    assert caught.value.path == PATH
    assert str(caught.value).startswith("sample-article.txt: ")
    assert "UTF-16" in caught.value.problem


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
    ids=["utf-8", "utf-16", "utf-32"],
)
def test_only_the_byte_order_mark_is_removed(bom: bytes, codec: str) -> None:
    # The text itself begins with U+FEFF (a zero-width no-break space): after the
    # byte-order mark is removed, that character is still part of the text.
    original = "\ufeffheadline"
    text, _ = decode_text(bom + original.encode(codec), PATH)
    assert text == original


# Control characters other than tab and line ends are deliberately refused as binary
# data, and surrogates cannot be encoded.
texts = st.text(
    alphabet=st.characters(
        exclude_categories=("Cc", "Cs"),
        include_characters="\t\n\r",
    )
)


@given(texts)
def test_utf8_round_trip(original: str) -> None:
    # Without a mark, a leading U+FEFF is indistinguishable from a UTF-8 BOM.
    assume(not original.startswith("\ufeff"))
    assert decode_text(original.encode("utf-8"), PATH)[0] == original


@given(texts)
def test_utf8_with_bom_round_trip(original: str) -> None:
    assume(not original.startswith("\ufeff"))  # covered by test_only_the_byte_order_mark...
    assert decode_text(codecs.BOM_UTF8 + original.encode("utf-8"), PATH)[0] == original


@given(texts)
def test_utf16_round_trip(original: str) -> None:
    assume(not original.startswith("\ufeff"))  # covered by test_only_the_byte_order_mark...
    data = original.encode("utf-16")  # with a byte-order mark
    assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    assert decode_text(data, PATH)[0] == original
