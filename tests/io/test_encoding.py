"""decode_text: byte-order marks, strict UTF-8, legacy encodings decoded right or refused with a
reason, a chosen encoding, and binary data refused."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from annotator.domain.errors import BadFileError, UserError
from annotator.io.encoding import LEGACY, _doubted, check_encoding, decode_text
from tests.io.legacy_texts import (
    JAPANESE_PAGE,
    JAPANESE_SENTENCE,
    KOREAN_SENTENCE,
    LEGACY_TEXTS,
    RUSSIAN_SENTENCE,
)

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
    outcome: str | BadFileError
    try:
        outcome = decode_text(original.encode("utf-8"), PATH)[0]
    except BadFileError as error:
        outcome = error
    if isinstance(outcome, BadFileError):
        # A few rare characters (a lone letter of CJK Extension B) that read as plausible
        # text in a legacy encoding may be legacy bytes valid as UTF-8 by chance: refused
        # naming both, never garbled.
        assert _doubted(original)
        assert outcome.problem.startswith("cannot tell its encoding: it reads as UTF-8 (")
    else:
        assert outcome == original


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


# -- legacy encodings: decoded right or refused ----------------------------------------------


# Every codec that decodes a family's bytes the same way, by Python's name for it.
SAME_BYTES = [
    {"cp932", "shift_jis"},
    {"euc_jp"},
    {"gb18030", "gbk", "gb2312"},
    {"big5", "cp950"},
    {"cp949", "euc_kr"},
    {"cp1251"},
    {"koi8-r"},
]


@pytest.mark.parametrize(
    ("original", "codec"),
    [(text, codec) for _, text, codecs_ in LEGACY_TEXTS for codec in codecs_],
    ids=[f"{name}-{codec}" for name, _, codecs_ in LEGACY_TEXTS for codec in codecs_],
)
def test_legacy_text_is_decoded_right(original: str, codec: str) -> None:
    [family] = [f for f in SAME_BYTES if codecs.lookup(codec).name in f]
    for text in (original, original.replace("\n", "\r\n")):
        data = text.encode(codec)
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        decoded, encoding = decode_text(data, PATH)
        assert decoded == text
        assert codecs.lookup(encoding).name in family


def _encodable() -> list[tuple[str, str, str]]:
    """(name, text, codec) for every text and detected encoding that holds it, not as UTF-8."""
    cases = []
    for name, text, _ in LEGACY_TEXTS:
        for legacy in LEGACY:
            try:
                text.encode(legacy.codec).decode("utf-8")
            except UnicodeEncodeError:
                continue
            except UnicodeDecodeError:
                cases.append((name, text, legacy.codec))
    return cases


@pytest.mark.parametrize(
    ("name", "original", "codec"), _encodable(), ids=[f"{n}-{c}" for n, _, c in _encodable()]
)
def test_never_garbled(name: str, original: str, codec: str) -> None:
    """Whatever encoding a text is in, it comes back exactly or is refused with a reason."""
    outcome: str | BadFileError
    try:
        outcome = decode_text(original.encode(codec), PATH)[0]
    except BadFileError as error:
        outcome = error
    if isinstance(outcome, BadFileError):
        assert "cannot tell its encoding" in outcome.problem
        assert "--encoding" in outcome.problem
    else:
        assert outcome == original


def test_shift_jis_read_right_where_it_passed_for_another_encoding() -> None:
    # Before, this came back as UTF-16 mojibake: charset-normalizer's own first guess.
    data = JAPANESE_SENTENCE.encode("shift_jis")
    assert decode_text(data, PATH) == (JAPANESE_SENTENCE, "cp932")


def test_unsure_between_two_languages_is_refused_naming_both() -> None:
    # Five characters of EUC-JP are as plausible as two Big5 hanzi words.
    data = "港の渡し船".encode("euc_jp")
    with pytest.raises(BadFileError) as caught:
        decode_text(data, PATH)
    problem = caught.value.problem
    assert problem.startswith("cannot tell its encoding: it reads as ")
    assert "Japanese (EUC-JP)" in problem
    assert "Big5" in problem
    assert str(caught.value).startswith("sample-article.txt: ")


def test_no_plausible_reading_is_refused_naming_the_likely_encodings() -> None:
    # Russian in Shift-JIS (which has a Cyrillic row) reads as nothing plausible.
    data = RUSSIAN_SENTENCE.encode("shift_jis")
    with pytest.raises(BadFileError) as caught:
        decode_text(data, PATH)
    problem = caught.value.problem
    assert "reads as plausible text in none of the encodings tried" in problem
    assert "(it decodes as " in problem
    assert "Japanese (Shift-JIS/CP932)" in problem


def test_chosen_encoding_reads_what_detection_refuses() -> None:
    data = "港の渡し船".encode("euc_jp")
    assert decode_text(data, PATH, "euc-jp") == ("港の渡し船", "euc_jp")
    assert decode_text(data, PATH, "EUC_JP")[0] == "港の渡し船"


def test_chosen_encoding_does_not_apply_to_utf8_or_marked_files() -> None:
    assert decode_text("港の渡し船".encode(), PATH, "shift_jis") == ("港の渡し船", "utf-8")
    marked = codecs.BOM_UTF16_LE + "港".encode("utf-16-le")
    assert decode_text(marked, PATH, "shift_jis") == ("港", "utf-16")


def test_chosen_encoding_that_does_not_fit_is_refused() -> None:
    data = KOREAN_SENTENCE.encode("cp949")
    with pytest.raises(BadFileError) as caught:
        decode_text(data, PATH, "shift_jis")
    assert caught.value.problem.startswith("is not valid Japanese (Shift-JIS) text (byte ")


@pytest.mark.parametrize("name", ["utf-9", "base64", "rot13", ""])
def test_unknown_encoding_names_are_refused(name: str) -> None:
    with pytest.raises(UserError, match="is not a text encoding"):
        check_encoding(name)


@pytest.mark.parametrize(
    ("name", "codec"), [("Shift-JIS", "shift_jis"), ("EUC-KR", "euc_kr"), ("koi8-r", "koi8-r")]
)
def test_encoding_names_people_write(name: str, codec: str) -> None:
    assert check_encoding(name) == codec


def test_iso_2022_jp_is_not_taken_for_ascii() -> None:
    data = JAPANESE_SENTENCE.encode("iso2022_jp")
    assert max(data) < 0x80  # valid UTF-8, escape sequences and all
    assert decode_text(data, PATH) == (JAPANESE_SENTENCE, "iso2022_jp")
    assert decode_text(data, PATH, "iso-2022-jp") == (JAPANESE_SENTENCE, "iso2022_jp")


def test_a_long_file_is_judged_on_all_of_it() -> None:
    page = JAPANESE_PAGE * 60  # longer than the part every encoding is tried on
    data = page.encode("euc_jp")
    assert len(data) > 64 * 1024
    assert decode_text(data, PATH) == (page, "euc_jp")


# -- stray control characters are not binary ----------------------------------------------------


@pytest.mark.parametrize(
    "original",
    [
        "\u0085",
        "Line one\u0085line two",
        "It\u0092s a \u0093quote\u0094 from a bad conversion.",
        "Tab\x0bvertical and a form feed\x0c.",
    ],
    ids=["nel-only", "nel", "c1-quotes", "vt-ff"],
)
def test_a_few_control_characters_are_not_binary(original: str) -> None:
    assert decode_text(original.encode("utf-8"), PATH) == (original, "utf-8")
