"""Legacy text of Europe's code pages and CJK: decoded right, or refused naming how each
encoding reads it; plausible English in Windows-1252 accepted; a chosen encoding held to the
same test; UTF-16 without a byte-order mark when named; UTF-8 cut inside its last character."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.encoding import CHOOSABLE, LEGACY, decode, decode_text
from tests.io.legacy_pages import ENGLISH, EUROPEAN, HEBREW_PAGE
from tests.io.legacy_texts import KOREAN_PAGE, RUSSIAN_PAGE, RUSSIAN_SENTENCE

PATH = Path("/articles/ferry.txt")
# The codecs detection may answer with: the list, nothing exotic (EBCDIC, CP775…).
DETECTED = {codecs.lookup(legacy.codec).name for legacy in LEGACY} | {"utf-8"}


def decoded_or_refused(data: bytes) -> str | None:
    """The text detection reads, after checking that its encoding is one of the list; None
    if it refuses, after checking that the refusal is about the encoding."""
    try:
        text, used = decode_text(data, PATH)
    except BadFileError as error:
        problem = error.problem
    else:
        assert codecs.lookup(used).name in DETECTED
        return text
    assert "cannot tell its encoding" in problem
    return None


def refusal(data: bytes, encoding: str | None = None) -> str:
    with pytest.raises(BadFileError) as caught:
        decode_text(data, PATH, encoding)
    assert str(caught.value).startswith("ferry.txt: ")
    assert "\n" not in str(caught.value)
    return caught.value.problem


@pytest.mark.parametrize(
    ("text", "codec"), [(t, c) for _, t, c in EUROPEAN], ids=[n for n, _, _ in EUROPEAN]
)
def test_european_code_pages_are_read_right(text: str, codec: str) -> None:
    # Before, these came back as Mac Roman (p‰iv‰n, B„rbatul), Windows-1257 (Źtre), 1252
    # (kikötõbõl, Vîrs), Windows-1250 for ISO-8859-2 (Muľ), CP875 for Łódź, or refused.
    data = text.encode(codec)
    decoded, used = decode_text(data, PATH)
    assert decoded == text
    assert data.decode(used) == text


@pytest.mark.parametrize(("text", "codec"), [(t, c) for _, t, c in EUROPEAN])
def test_never_an_exotic_code_page(text: str, codec: str) -> None:
    for cut in (text[:4], text[:12]):
        assert decoded_or_refused(cut.encode(codec)) in (None, cut)


@pytest.mark.parametrize("text", [t for _, t in ENGLISH], ids=[n for n, _ in ENGLISH])
def test_english_in_windows_1252_is_accepted(text: str) -> None:
    # Before, refused as perhaps DOS 866 (— read as Ч), KOI8-R (£ as ё) or Shift-JIS (’s as
    # a kanji).
    assert decode_text(text.encode("cp1252"), PATH) == (text, "cp1252")


def test_a_hebrew_page_in_windows_1255_is_accepted() -> None:
    # Before, refused as perhaps Windows-1251: Hebrew letters read as small Cyrillic ones.
    assert decode_text(HEBREW_PAGE.encode("cp1255"), PATH) == (HEBREW_PAGE, "cp1255")


def test_readings_that_differ_are_refused_showing_how_each_reads() -> None:
    problem = refusal("The play by Molière opened on Monday, the theatre said.".encode("cp1252"))
    assert problem.startswith("cannot tell its encoding: it reads as Western (Windows-1252) ")
    assert '("Molière")' in problem
    assert 'Central European (Windows-1250) ("Moličre")' in problem
    assert "--encoding" in problem


def test_three_kanji_in_euc_jp_are_refused_naming_it() -> None:
    # Before, stored as GB18030 hanzi.
    problem = refusal("東京都".encode("euc_jp"))
    assert 'Japanese (EUC-JP) ("東京都")' in problem
    assert "Chinese simplified (GB18030/GBK/GB2312)" in problem


def test_known_words_decide_between_code_pages() -> None:
    # Windows-1250 reads "naïve" as "naďve": no word of any language.
    assert decode_text("A naïve café owner.".encode("cp1252"), PATH)[1] == "cp1252"


def test_a_code_page_seldom_used_needs_evidence() -> None:
    # Mac Roman is the one code page that reads these bytes as plausible Latin text, but
    # nothing in them says they are Mac Roman.
    data = "Lautta lähti ja väki jäi.".encode("mac_roman")
    problem = refusal(data)
    assert "only as Western (Mac Roman)" in problem
    assert "seldom used" in problem
    assert decode_text(data, PATH, "mac_roman")[0] == "Lautta lähti ja väki jäi."


# -- a chosen encoding ----------------------------------------------------------------------


def test_a_chosen_encoding_that_garbles_the_text_is_refused_naming_the_one_that_fits() -> None:
    # Before, --encoding cp1251 stored Korean as Cyrillic mojibake.
    problem = refusal(KOREAN_PAGE.encode("euc_kr"), "cp1251")
    assert problem.startswith("does not read as Cyrillic (Windows-1251) text (")
    assert "it reads as Korean (EUC-KR/CP949)" in problem


def test_a_chosen_encoding_that_fits_is_used() -> None:
    assert decode_text(RUSSIAN_PAGE.encode("cp1251"), PATH, "cp1251") == (RUSSIAN_PAGE, "cp1251")
    # Readings detection cannot tell apart: the choice decides.
    data = "The play by Molière opened on Monday.".encode("cp1252")
    assert decode_text(data, PATH, "cp1250")[0] == "The play by Moličre opened on Monday."


def test_a_chosen_encoding_stands_when_nothing_reads_better() -> None:
    # Russian in Shift-JIS (which has Cyrillic) reads as plausible text in no encoding.
    data = RUSSIAN_SENTENCE.encode("shift_jis")
    assert "reads as plausible text in none" in refusal(data)
    assert decode_text(data, PATH, "shift_jis") == (RUSSIAN_SENTENCE, "shift_jis")


def test_utf16_without_a_byte_order_mark_is_read_when_named() -> None:
    data = KOREAN_PAGE.encode("utf-16-le")
    problem = refusal(data)
    assert problem.startswith("is a binary file, not text (it contains NUL bytes)")
    assert "choose Unicode (UTF-16 LE, no byte-order mark) (--encoding utf-16-le)" in problem
    assert decode_text(data, PATH, "utf-16-le") == (KOREAN_PAGE, "utf-16-le")
    assert decode_text(KOREAN_PAGE.encode("utf-16-be"), PATH, "UTF-16BE")[0] == KOREAN_PAGE
    assert {"utf_16_le", "utf_16_be"} <= {legacy.codec for legacy in CHOOSABLE}


def test_utf16_named_for_a_file_that_is_not() -> None:
    odd = "A naïve café owner said so.".encode("cp1252")
    assert refusal(odd, "utf-16-le").startswith(
        "is not valid Unicode (UTF-16 LE, no byte-order mark) text (byte 26)"
    )
    problem = refusal(odd + b".", "utf-16-le")
    assert problem.startswith("does not read as Unicode (UTF-16 LE, no byte-order mark) text")
    assert problem.endswith(
        "it reads as Western (Windows-1252): choose that encoding for it, or save it as UTF-8"
    )


# -- UTF-8 cut inside its last character ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Café owners in Zürich said “no”.", RUSSIAN_SENTENCE, KOREAN_PAGE[:200]],
    ids=["latin", "cyrillic", "korean"],
)
def test_utf8_cut_inside_its_last_character_loses_that_character_with_a_warning(
    text: str,
) -> None:
    whole = (text + "—").encode("utf-8")
    for cut in (1, 2):  # one or two bytes of the dash's three are missing
        decoded = decode(whole[:-cut], PATH)
        assert (decoded.text, decoded.encoding) == (text, "utf-8")
        assert decoded.warning is not None
        assert "cut off" in decoded.warning


def test_utf8_complete_has_no_warning() -> None:
    assert decode("Café “no”.".encode(), PATH).warning is None


def test_a_legacy_file_ending_in_a_letter_is_not_taken_for_cut_utf8() -> None:
    # "é" in Windows-1252 is a byte that begins a three-byte UTF-8 character.
    decoded = decode("Le café".encode("cp1252"), PATH)
    assert (decoded.text, decoded.encoding, decoded.warning) == ("Le café", "cp1252", None)


def test_a_one_line_file_cut_in_its_only_character_is_never_garbled() -> None:
    # Before, read as CP875 (EBCDIC Greek).
    assert decoded_or_refused("The broker said — ".encode()[:-2]) is None


@pytest.mark.parametrize(
    ("name", "codec"),
    [("pound", "shift_jis"), ("pound", "gb18030"), ("no-break-spaces", "gb18030")],
)
def test_english_in_a_cjk_code_page_is_never_read_as_arabic_letters(name: str, codec: str) -> None:
    # Before, Windows-1256 read the £ and no-break spaces of these as Arabic letters inside
    # English text ("paid پ’4,500"): letters English, the language of its words, never has.
    text = dict(ENGLISH)[name]
    assert decoded_or_refused(text.encode(codec)) in (None, text)
