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


# Code points that join their neighbours in every way UAX #29 knows: combining marks, joiners,
# emoji and skin tones, flag halves, Hangul jamo and syllables, CR LF, prepended marks,
# Devanagari consonants with virama, spacing marks; and plain letters, CJK, spaces.
TRICKY = (
    "a",
    "e",
    "\u0301",
    "\u0308",
    "\u200d",
    "\U0001f468",
    "\U0001f3fd",
    "\u2764",
    "\ufe0f",
    "\U0001f1f0",
    "\U0001f1f5",
    "\u1100",
    "\u1161",
    "\u11a8",
    "\uac00",
    "\uac01",
    "\r",
    "\n",
    " ",
    "\u0600",
    "\u0915",
    "\u094d",
    "\u0937",
    "\u093f",
    "的",
    "\u0e33",
)


def test_cluster_at_agrees_with_segmenting_the_whole_text() -> None:
    import random

    import regex

    from annotator.domain.graphemes import cluster_at

    rng = random.Random(2024)
    for length in list(range(1, 12)) * 20 + [120] * 20:
        text = "".join(rng.choice(TRICKY) for _ in range(length))
        if rng.random() < 0.3:  # long runs of flags or marks reach past the first window
            text = "x" + rng.choice(("\U0001f1f0", "\u0301")) * rng.randint(30, 90) + text
        whole = {}
        for match in regex.finditer(r"\X", text):
            for position in range(match.start(), match.end()):
                whole[position] = match.span()
        for position in range(len(text)):
            assert cluster_at(text, position) == whole[position], (text, position)


def test_snapping_hits_reads_only_a_few_code_points_around_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Thousands of hits in one long text without spaces: each is snapped to whole clusters
    and its context cut by reading a short stretch, not the whole run (which was quadratic:
    a 30,000-character text did not finish in 100 s)."""
    from annotator.domain import graphemes
    from annotator.services import search

    read = [0]
    cluster = graphemes._CLUSTER

    class Counting:
        def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> object:
            end = len(text) if endpos is None else endpos
            read[0] += end - pos
            return cluster.finditer(text, pos, end)

    monkeypatch.setattr(graphemes, "_CLUSTER", Counting())
    text = "的\u0301a" * 1_000  # every code point but one in three joins its neighbour
    hits = 0
    for start, end in [(m, m + 3) for m in range(1, len(text) - 3, 3)]:
        search._whole_clusters(text, start, end)
        search.context(text, start, end, 60)
        hits += 1
    assert read[0] < hits * 400
