"""A model's quote located in the stored text: exactly, then normalised, mapped back to
exact code-point offsets; never guessed."""

from __future__ import annotations

import pytest

from annotator.services.machine.llm.quotes import Locator, place_passages
from annotator.services.machine.llm.schema import Passage


def test_an_exact_quote_is_found_where_it_is() -> None:
    text = "First sentence. He feared the purge. Last one."
    place = Locator(text).locate("He feared the purge.")
    assert place is not None
    assert place.exact
    assert text[place.start : place.end] == "He feared the purge."


def test_a_repeated_quote_takes_the_first_place_its_code_has_not_taken() -> None:
    text = "We were hungry. Then more. We were hungry."
    placed = place_passages(
        text,
        [
            Passage("Subsistence", "We were hungry.", "one"),
            Passage("Political", "We were hungry.", "other code: the first place again"),
            Passage("Subsistence", "We were hungry.", "two"),
            Passage("Subsistence", "We were hungry.", "three: no place left"),
        ],
    )
    spans = [(p.code, p.start, p.end) for p in placed.placed]
    assert spans == [("Subsistence", 0, 15), ("Political", 0, 15), ("Subsistence", 27, 42)]
    assert [d.kind for d in placed.dropped] == ["quote"]
    assert "every place of it is already coded" in placed.dropped[0].reason


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        # white space: runs, line breaks, tabs, no-break spaces
        ("He said:\n  we  were\u00a0hungry.\n", "we were hungry.", "we  were\u00a0hungry."),
        ("one\r\ntwo", "one two", "one\r\ntwo"),
        ("a\tb", "  a b ", "a\tb"),
        # quotation marks of every kind
        ("He said „wir hatten Hunger“ then.", '"wir hatten Hunger"', "„wir hatten Hunger“"),
        ("Il dit « j’ai faim » hier.", "« j'ai faim »", "« j’ai faim »"),
        ("She called it ‘the plan’.", "'the plan'", "‘the plan’"),
        ("He said “enough”.", "«enough»", "“enough”"),
        ("彼は「空腹だ」と言った", "“空腹だ”", "「空腹だ」"),
        ("Wait… then go.", "Wait... then", "Wait… then"),
    ],
)
def test_a_quote_is_found_with_white_space_and_quotation_marks_normalised(
    text: str, quote: str, expected: str
) -> None:
    place = Locator(text).locate(quote)
    assert place is not None
    assert not place.exact
    assert text[place.start : place.end] == expected


def test_offsets_are_code_points_of_the_stored_text_with_emoji_cjk_and_accents() -> None:
    text = "😀👍🏽 北朝鮮の労働者  が\n逃げた。Cafe\u0301 “crème” fin."
    locator = Locator(text)
    # CJK across a run of white space
    place = locator.locate("労働者 が 逃げた。")
    assert place is not None
    assert text[place.start : place.end] == "労働者  が\n逃げた。"
    assert place.start == text.index("労")
    # A precomposed é finds e + U+0301, and the span holds both code points.
    place = locator.locate('Café "crème"')
    assert place is not None
    assert text[place.start : place.end] == "Cafe\u0301 “crème”"
    # The emoji with its skin tone is one cluster: a quote without the tone cuts it.
    assert locator.locate("👍 北朝鮮") is None
    place = locator.locate("👍🏽 北朝鮮")
    assert place is not None
    assert place.exact
    assert (place.start, place.end) == (1, 7)  # 👍 🏽 space 北 朝 鮮: six code points


def test_a_decomposed_quote_finds_a_precomposed_text() -> None:
    text = "The café closed."
    place = Locator(text).locate("cafe\u0301 closed")
    assert place is not None
    assert text[place.start : place.end] == "café closed"


def test_a_quote_cutting_an_accent_off_is_no_match() -> None:
    text = "Cafe\u0301 noir"
    assert Locator(text).locate("Cafe") is None  # the accent belongs to the e
    assert Locator(text).locate("Cafe\u0301") is not None


@pytest.mark.parametrize(
    "quote",
    [
        "He feared the regime.",  # paraphrase
        "he feared the purge.",  # case
        "He feared … purge.",  # an ellipsis for words left out
        "He feared the purge. Last",  # runs past what is there
        "Er fürchtete die Säuberung.",  # translation
    ],
)
def test_a_quote_not_in_the_text_is_dropped_never_guessed(quote: str) -> None:
    text = "First sentence. He feared the purge. Then more."
    placement = place_passages(text, [Passage("Political", quote, "r")])
    assert placement.placed == []
    assert [d.kind for d in placement.dropped] == ["quote"]
    assert "not found in the article" in placement.dropped[0].reason


def test_an_empty_quote_is_dropped() -> None:
    placement = place_passages("Text.", [Passage("Political", " \n ", "r")])
    assert placement.placed == []
    assert "an empty quote" in placement.dropped[0].reason


def test_exact_places_come_before_normalised_ones() -> None:
    text = 'He said “no”. Later: He said "no".'
    placement = place_passages(
        text,
        [Passage("A", 'He said "no".', "r"), Passage("A", 'He said "no".', "r")],
    )
    first, second = placement.placed
    assert first.exact
    assert text[first.start : first.end] == 'He said "no".'
    assert not second.exact
    assert text[second.start : second.end] == "He said “no”."


def test_a_long_article_is_normalised_once_and_quickly() -> None:
    import time

    text = ("Paragraph with “quotes” and  spaces.\n\n" * 5000) + "The needle  here."
    locator = Locator(text)
    started = time.perf_counter()
    for _ in range(20):
        place = locator.locate("The needle here.")
        assert place is not None
    assert text[place.start : place.end] == "The needle  here."
    assert time.perf_counter() - started < 2.0


def test_a_reply_quoting_one_word_thousands_of_times_is_placed_in_linear_time() -> None:
    """A hostile or looping model answering the same short quote for every place it has:
    each passage takes the next place, without searching the places taken again (that was
    quadratic: 4,000 passages of "a" took some 18 s)."""
    import time

    text = "a b " * 25_000
    passages = [Passage("X", "a", "r")] * 4_000 + [Passage("X", "nowhere", "r")] * 4_000
    started = time.perf_counter()
    placement = place_passages(text, passages)
    took = time.perf_counter() - started
    assert [(p.start, p.end) for p in placement.placed] == [(4 * n, 4 * n + 1) for n in range(4000)]
    assert len(placement.dropped) == 4_000
    assert took < 2.0
