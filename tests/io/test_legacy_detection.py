"""Legacy text of Europe's code pages and CJK: decoded right, or refused naming how each
encoding reads it; plausible English in Windows-1252 accepted; a chosen encoding held to the
same test; UTF-16 without a byte-order mark when named; UTF-8 cut inside its last character."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.alphabetic import judge
from annotator.io.encoding import CHOOSABLE, LEGACY, decode, decode_text
from annotator.io.scripts import assess
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


# -- DOS code pages, ISO-8859-16, HZ, short UTF-8 by chance (the hostile re-check) ----------

# An English paragraph in ASCII, into which one word with a letter beyond ASCII is put.
FERRY = (
    "The night ferry did not sail on Tuesday after its crew left the ship at dawn, and more "
    "than 200 passengers waited on the quay for most of the day. The harbour office said "
    "eleven sailors handed their keys to the quay master and would not return until the wages "
    "owed for the winter were paid. Families were taken to the waiting room of the old customs "
    "house, where volunteers handed out bread and tea."
)


def _with(word: str) -> str:
    return FERRY.replace("the old customs", f"the {word} in the old customs")


@pytest.mark.parametrize("codec", ["cp850", "cp437"])
@pytest.mark.parametrize("word", ["café", "naïve"])
def test_english_with_one_accented_word_in_a_dos_code_page_is_read_right(
    word: str, codec: str
) -> None:
    # Before, stored as "caf‚" (Windows-1252) and "naãve" (Mac Roman), exit 0.
    text = _with(word)
    decoded, used = decode_text(text.encode(codec), PATH)
    assert decoded == text
    assert used in ("cp850", "cp437")


def test_a_dos_850_text_nothing_bears_out_is_refused_naming_dos_850() -> None:
    # "Hélio Gomes" in DOS 850 is "H‚lio Gomes" in Windows-1252: a sign inside a word. In an
    # English article its words bear DOS 850 out; alone, nothing does.
    assert decode_text(_with("Hélio").encode("cp850"), PATH)[0] == _with("Hélio")
    problem = refusal("Hélio Gomes".encode("cp850"))
    assert 'only as Western (DOS 850) ("Hélio")' in problem
    assert "seldom used" in problem
    assert decode_text("Hélio Gomes".encode("cp850"), PATH, "cp850")[0] == "Hélio Gomes"


def test_italian_in_dos_850_is_not_read_as_arabic_letters() -> None:
    # Before, Windows-1256: "Il governo ٹ pronto, perch‚ la citt… ٹ gi…".
    text = "Il governo è pronto, perché la città è già chiusa."
    assert decode_text(text.encode("cp850"), PATH) == (text, "cp850")


def test_romanian_in_iso_8859_16_is_refused_naming_windows_1250() -> None:
    # Windows-1250 reads its ș as ş: the same bytes, one reading each. Before, stored as
    # Windows-1250 "Bucureşti".
    text = "Guvernul a spus că negocierile vor continua anul viitor în București."
    problem = refusal(text.encode("iso8859_16"))
    assert 'Central European (Windows-1250) ("Bucureşti")' in problem
    assert 'Romanian (ISO-8859-16) ("București")' in problem
    assert decode_text(text.encode("iso8859_16"), PATH, "iso8859_16")[0] == text


def test_romanian_in_windows_1250_with_its_quotes_is_read_right() -> None:
    # „ and ” are C1 controls in ISO-8859-16: nothing to doubt.
    text = "„Negocierile vor continua”, a spus ministrul, şi vor avea loc în Timişoara."
    assert decode_text(text.encode("cp1250"), PATH) == (text, "cp1250")


def test_a_japanese_name_with_macrons_in_windows_1257() -> None:
    # Windows-1252 reads ō as ô. Before, "Tôkyô" was stored; a known name now decides, an
    # unknown one is refused naming both.
    text = _with("Tōkyō office")
    assert decode_text(text.encode("cp1257"), PATH) == (text, "cp1257")
    problem = refusal(_with("Mr Satō").encode("cp1257"))
    assert 'Western (Windows-1252) ("Satô")' in problem
    assert 'Baltic (Windows-1257) ("Satō")' in problem


def test_short_russian_in_dos_866_that_is_valid_utf8_is_refused() -> None:
    # "Ёлка" in DOS 866 is UTF-8 for one ideograph of CJK Extension B. Before, stored as it.
    data = "Ёлка".encode("cp866")
    assert data.decode("utf-8") == "𫪠"
    problem = refusal(data)
    assert problem.startswith('cannot tell its encoding: it reads as UTF-8 ("𫪠")')
    assert 'Cyrillic (DOS 866) ("Ёлка")' in problem
    assert decode_text(data, PATH, "cp866")[0] == "Ёлка"
    assert decode_text(data, PATH, "utf-8")[0] == "𫪠"


@pytest.mark.parametrize(
    "text",
    ["Ёлка", "A 5 Ω resistor.", "We ate at 𠮷野家 on Monday.", "Moscow (Москва) said no."],
)
def test_utf8_with_characters_that_fit_the_text_is_not_doubted(text: str) -> None:
    assert decode_text(text.encode("utf-8"), PATH) == (text, "utf-8")


def test_hz_is_decoded() -> None:
    # Before, stored raw: "~{8[?Z6I BV5D4,T1=qLlTg IO@k?*AK9$Ww8ZN;!##~}".
    data = TEXT_HZ.encode("hz")
    assert data.isascii()
    assert decode_text(data, PATH) == (TEXT_HZ, "hz")


def test_ascii_that_reads_as_a_few_hanzi_in_hz_is_refused_naming_both() -> None:
    problem = refusal(b"Templates use ~{home~} for the folder.")
    assert 'UTF-8 ("~{home~}")' in problem
    assert "Chinese simplified (HZ)" in problem
    assert decode_text(b"Templates use ~{ and ~} here.", PATH)[1] == "utf-8"


TEXT_HZ = "港口渡轮的船员今天早上离开了工作岗位。"


@pytest.mark.parametrize("codec", ["cp1253", "iso8859_7"])
def test_greek_with_a_capital_alpha_with_tonos_is_read_right(codec: str) -> None:
    # Each code page reads the other's Ά as ’ or ¶. Before, refused offering "’λλοι" / "¶λλοι".
    text = (
        "Η κυβέρνηση δήλωσε την Τετάρτη ότι οι διαπραγματεύσεις θα συνεχιστούν του χρόνου. "
        "Άλλοι πρόσφυγες λένε ότι το ταξίδι γίνεται όλο και πιο επικίνδυνο."
    )
    assert decode_text(text.encode(codec), PATH) == (text, codec)
    assert decode_text("Άρθρο: Ένας αξιωματούχος".encode(codec), PATH)[1] == codec


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Het kabinet heeft de ideeën van België overgenomen.", "cp1252"),
        ("El govern va dir que les negociacions continuaran l’any vinent a Lleida.", "cp1252"),
        ("Œuvre de la ville, dit le maire.", "iso8859_15"),
        ("Vlada je rekla da će se pregovori nastaviti sljedeće godine.", "cp1250"),
        ("Valdība sacīja, ka sarunas turpināsies nākamgad.", "cp1257"),
        ("Vyriausybė sakė, kad derybos tęsis kitais metais.", "cp1257"),
    ],
    ids=["dutch", "catalan", "french-iso8859-15", "croatian", "latvian", "lithuanian"],
)
def test_short_sentences_once_refused_are_read_right(text: str, codec: str) -> None:
    # Before, refused: Windows-1257 "ideeėn", Mac Roman "líany", Windows-1252 "¼uvre",
    # Windows-1252 "æe", Windows-1252 "Valdîba" and "Vyriausybë".
    assert decode_text(text.encode(codec), PATH) == (text, codec)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("The caf‚ closed early on Monday.", "opening marks or ordinal signs glued to words"),
        ("Il governo ٹ pronto, disse.", "letters of another script alone amid Latin words"),
        ("¼uvre de la ville.", "signs against letters"),
        ("ºuvre de la ville.", "opening marks or ordinal signs glued to words"),
    ],
)
def test_mojibake_signs_and_letters_are_odd(text: str, reason: str) -> None:
    assert judge(text).problem == f"it would have {reason}"


@pytest.mark.parametrize(
    "text", ["Nº 5 of the 2º round.", "It rose 5‰ on Monday.", "The Gesellschaft „Neu“ said."]
)
def test_signs_where_writing_puts_them_are_not_odd(text: str) -> None:
    assert judge(text).problem is None


def test_control_characters_in_a_long_ascii_stretch_are_counted() -> None:
    # Stretches of ASCII are counted in bulk: what they hold must still count.
    text = "Café " + "word " * 50 + "\x01\x02 " + "word " * 50 + "end."
    assert assess(text).problem == "it would hold control characters"
    assert assess(text.replace("\x01\x02", "")).problem is None


def test_a_chosen_greek_code_page_that_reads_a_capital_as_a_quote_is_refused() -> None:
    # Before, --encoding iso8859_7 stored a Windows-1253 "Άλλοι" as "’λλοι", exit 0.
    text = "Η κυβέρνηση δήλωσε την Τετάρτη. Άλλοι πρόσφυγες λένε."
    problem = refusal(text.encode("cp1253"), "iso8859_7")
    assert problem.startswith('does not read as Greek (ISO-8859-7) text ("’λλοι" where Greek')
    assert 'Greek (Windows-1253) reads "Άλλοι"' in problem
    assert decode_text(text.encode("cp1253"), PATH, "cp1253")[0] == text
    assert decode_text(text.encode("iso8859_7"), PATH, "iso8859_7")[0] == text
