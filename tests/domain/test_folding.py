"""Find's folded comparison: NFC + case folding, and spans mapped back to whole clusters."""

from __future__ import annotations

import unicodedata

import pytest

from annotator.domain.folding import find_all

NFD_CAFE = "Le cafe\u0301 du coin. Un autre cafe\u0301."
NFC_CAFE = unicodedata.normalize("NFC", NFD_CAFE)


def found(text: str, query: str, *, match_case: bool = False) -> list[str]:
    return [text[a:b] for a, b in find_all(text, query, match_case=match_case)]


@pytest.mark.parametrize("text", [NFD_CAFE, NFC_CAFE])
@pytest.mark.parametrize("query", ["caf\u00e9", "cafe\u0301", "CAF\u00c9", "CAFE\u0301"])
def test_composed_and_decomposed_find_each_other(text: str, query: str) -> None:
    spans = find_all(text, query)
    assert len(spans) == 2
    # The whole word, accent included, in the stored code points.
    assert [a for a, _ in spans] == [3, text.index("caf", 10)]
    assert spans[1][1] == len(text) - 1  # up to the full stop, the accent included
    assert all(unicodedata.normalize("NFC", text[a:b]) == "café" for a, b in spans)


@pytest.mark.parametrize("text", [NFD_CAFE, NFC_CAFE])
def test_a_letter_without_its_accent_is_not_found(text: str) -> None:
    # "cafe" does not cut the accent off a decomposed é, as it does not match a composed one.
    assert find_all(text, "cafe") == []
    assert find_all(text, "fe") == []


def test_match_case_still_normalises() -> None:
    assert found(NFD_CAFE, "caf\u00e9", match_case=True) == ["cafe\u0301", "cafe\u0301"]
    assert found(NFD_CAFE, "CAF\u00c9", match_case=True) == []


def test_sharp_s_and_ligatures() -> None:
    text = "Straße und STRASSE, ﬁne"
    assert find_all(text, "strasse") == [(0, 6), (11, 18)]
    assert found(text, "ß") == ["ß", "SS"]
    assert found(text, "s") == ["S", "ß", "S", "S", "S"]  # one match per ß, not two
    assert found(text, "fine") == ["ﬁne"]


def test_part_of_an_emoji_sequence_is_no_match() -> None:
    # As word processors do: a match starts and ends on the stored text's cluster boundaries.
    text = "a 👩🏽\u200d💻 b 🇩🇪 c 😀"
    assert found(text, "👩") == []
    assert found(text, "💻") == []
    assert found(text, "🇪") == []
    assert found(text, "👩🏽\u200d💻") == ["👩🏽\u200d💻"]
    assert found(text, "😀") == ["😀"]
    assert find_all(text, "c 😀") == [(len(text) - 3, len(text))]


def test_family_and_flags_are_not_split() -> None:
    family = "👨\u200d👩\u200d👧 family 👨"
    assert find_all(family, "👨") == [(len(family) - 1, len(family))]
    assert found(family, "👨\u200d👩\u200d👧") == ["👨\u200d👩\u200d👧"]
    flags = "🇰🇷🇰🇵"  # Korea, North Korea: no flag "🇷🇰" across the two
    assert find_all(flags, "🇷🇰") == []
    assert find_all(flags, "🇰🇵") == [(2, 4)]
    assert find_all(flags, "🇰🇷") == [(0, 2)]


def test_cjk_and_hangul() -> None:
    text = "日本語の記事 中文字"
    assert find_all(text, "記事") == [(4, 6)]
    korean = unicodedata.normalize("NFD", "한글 기사")  # jamo, as some sources store it
    assert found(korean, "기사") == [unicodedata.normalize("NFD", "기사")]
    assert found(korean, "글") == [unicodedata.normalize("NFD", "글")]


def test_offsets_after_changed_lengths_stay_true() -> None:
    text = "ß" * 3 + " cafe\u0301 " + "x" * 5 + " end"
    assert found(text, "END") == ["end"]
    assert found(text, "xx") == ["xx", "xx"]
    assert found(text, "") == []
