"""Snapping a selection to whole words made of whole grapheme clusters (UAX #29)."""

from __future__ import annotations

import pytest

from annotator.domain.graphemes import clusters_around
from annotator.domain.text import snap_to_words

CAFE = "cafe\u0301"  # "café" with a combining acute accent
ETAIT = "e\u0301tait"  # "était", decomposed
HINDI = "हिन्दी"  # the vowel signs are not letters by themselves


@pytest.mark.parametrize("word", [CAFE, ETAIT, HINDI])
def test_a_selection_inside_a_word_with_combining_marks_takes_the_whole_word(word: str) -> None:
    text = f"Le {word} du jour."
    start = text.index(word)
    for a in range(start, start + len(word)):
        for b in range(a + 1, start + len(word) + 1):
            assert text[slice(*snap_to_words(text, a, b))] == word, (a, b)


def test_the_reported_cuts_are_gone() -> None:
    text = f"{CAFE} {ETAIT} {HINDI}"
    inside = text.index(ETAIT) + 2  # within "tait"
    assert text[slice(*snap_to_words(text, inside, inside + 2))] == ETAIT
    start = text.index(HINDI) + 2  # at "न्दी"
    assert text[slice(*snap_to_words(text, start, len(text)))] == HINDI
    # A selection ending on the "e" before the accent takes the accent too.
    assert text[slice(*snap_to_words(text, 0, 4))] == CAFE


@pytest.mark.parametrize(
    "emoji",
    [
        "👍🏽",  # thumbs up with a skin tone
        "👨\u200d👩\u200d👧",  # a family joined by zero-width joiners
        "🇫🇷",  # a flag: two regional indicators
    ],
)
def test_an_emoji_is_never_cut(emoji: str) -> None:
    text = f"Great {emoji} job"
    start = text.index(emoji)
    for a in range(start, start + len(emoji)):
        a2, b2 = snap_to_words(text, a, a + 1)
        assert text[a2:b2] == emoji
    # Beside a word it stays a character of its own: the word is not pulled in.
    assert text[slice(*snap_to_words(text, start, start + 1))] == emoji


def test_cjk_snaps_to_characters_not_to_the_whole_run() -> None:
    text = "朝鲜工人在海外工作。"
    start = text.index("工人")
    assert snap_to_words(text, start, start + 2) == (start, start + 2)
    # Latin beside CJK still takes its whole word, and stops at the CJK.
    mixed = "在Pyongyang工作"
    inside = mixed.index("yang")
    assert mixed[slice(*snap_to_words(mixed, inside, inside + 2))] == "Pyongyang"


def test_clusters_never_hold_white_space() -> None:
    text = "a\u0301 b \u0301c"
    for position, char in enumerate(text):
        if not char.isspace():
            for a, b in clusters_around(text, position):
                assert not any(c.isspace() for c in text[a:b])
