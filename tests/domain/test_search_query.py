"""The search query language: how a query parses (precedence, phrases, prefixes), what a
malformed one is told (position and reason), and where a parsed query matches a text."""

from __future__ import annotations

import pytest

from annotator.domain.folding import fold
from annotator.domain.search_query import (
    And,
    Not,
    Options,
    Or,
    QueryError,
    Term,
    parse_query,
)
from annotator.domain.search_text import compiled, term_pattern, tokens


def words(node: object) -> object:
    """A tree with each term as its words (and a trailing * for a prefix), for comparing."""
    if isinstance(node, Term):
        return " ".join(node.words) + ("*" if node.prefix else "")
    if isinstance(node, Not):
        return ("NOT", words(node.kept), words(node.excluded))
    assert isinstance(node, And | Or)
    return (type(node).__name__.upper(), *(words(part) for part in node.parts))


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("remittance", "remittance"),
        ("Remit*", "remit*"),
        ('"money transfer"', "money transfer"),
        ('"money trans*"', "money trans*"),
        ("a b", ("AND", "a", "b")),
        ("a AND b OR c", ("OR", ("AND", "a", "b"), "c")),
        ("a OR b c NOT d", ("OR", "a", ("AND", "b", ("NOT", "c", "d")))),
        ("(a OR b) c", ("AND", ("OR", "a", "b"), "c")),
        ("a NOT b NOT c", ("NOT", ("NOT", "a", "b"), "c")),
        ("U.S.", "u s"),
        ("don't", "don t"),
        ("and or not", ("AND", "and", "or", "not")),  # only capitals are operators
    ],
)
def test_queries_parse_with_fts5_precedence(query: str, tree: object) -> None:
    assert words(parse_query(query).tree) == tree


@pytest.mark.parametrize(
    ("query", "position", "reason"),
    [
        ("(broker", 1, "'(' is never closed"),
        ("broker)", 7, "')' closes a parenthesis that was never opened"),
        ("NOT broker", 1, "NOT needs a word before it"),
        ("broker AND", 11, "'AND' needs a word after it"),
        ("broker OR OR fee", 11, "'OR' needs a word after it"),
        ('fee "money', 5, "never closed"),
        ("re*mit", 3, "a * can only end a word"),
        ('"re*mit x"', 4, "a * can only end a word"),
        ("fee --", 5, "'--' has no letter or digit to find"),
        ("fee ()", 6, "'()' holds nothing to find"),
        ("   ", None, "it is empty"),
    ],
)
def test_a_malformed_query_says_where_and_why(query: str, position: int, reason: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert caught.value.position == position
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_query_too_long_or_with_a_nul_is_refused() -> None:
    with pytest.raises(QueryError, match="longer than"):
        parse_query("a " * 1_500)
    with pytest.raises(QueryError, match="NUL"):
        parse_query("a\x00b")
    with pytest.raises(QueryError, match="more than 200 words"):
        parse_query(" OR ".join(["w"] * 201))


def found(query: str, text: str, options: Options | None = None) -> list[str]:
    options = options or Options()
    folded = options.fold(text)
    return [folded[a:b] for a, b in parse_query(query, options).matches(folded)]


def test_words_are_found_whole_and_prefixes_go_on() -> None:
    text = "A broker, two brokers; brokerage fees. Broker!"
    assert found("broker", text) == ["broker", "broker"]
    assert found("broker*", text) == ["broker", "brokers", "brokerage", "broker"]


def test_a_phrase_spans_punctuation_and_line_breaks_but_no_word() -> None:
    text = "north korea; North\n  Korea; north, South Korea"
    assert found('"north korea"', text) == ["north korea", "north\n  korea"]


def test_boolean_queries_show_the_hits_of_the_terms_that_made_the_match() -> None:
    assert found("fee AND broker", "a fee here") == []
    assert found("fee AND broker", "a fee, a broker") == ["fee", "broker"]
    assert found("fee OR broker", "a fee here") == ["fee"]
    assert found("fee NOT broker", "a fee, a broker") == []
    assert found("fee NOT broker", "a fee only") == ["fee"]
    # The excluded term's own words are no hits; a matched OR shows only its present side.
    assert found("(fee OR tax) NOT broker", "a tax and a fee") == ["tax", "fee"]


def test_case_and_latin_accents_are_ignored_unless_asked() -> None:
    text = "Müller met MULLER and müller; İstanbul, STRASSE, Straße"
    assert found("muller", text) == ["muller", "muller", "muller"]
    assert found("Müller", text, Options(match_diacritics=True)) == ["müller", "müller"]
    assert found("Müller", text, Options(match_case=True)) == ["Muller"]
    assert found("istanbul", text) == ["istanbul"]
    assert found("strasse", text) == ["strasse", "strasse"]
    assert found("STRAẞE", text) == ["strasse", "strasse"]


def test_greek_accents_are_letters_there() -> None:
    # Accents are dropped from Latin letters only, as SQLite's index drops them.
    assert found("Αθήνα", "Η Αθήνα και η ΑΘΗΝΑ") == ["αθήνα"]


def test_a_word_inside_a_run_of_chinese_or_japanese_is_found() -> None:
    text = "北京大学是一所大学。東京タワー"
    assert found("大学", text) == ["大学", "大学"]
    assert found("タワー", text) == ["タワー"]
    assert found('"北京 大学"', text) == ["北京大学"]


def test_tokens_split_at_apostrophes_and_each_unspaced_character_is_one() -> None:
    assert tokens(fold("Don't stop: 北京abc 3.5%")) == [
        "don",
        "t",
        "stop",
        "北",
        "京",
        "abc",
        "3",
        "5",
    ]


def test_a_latin_word_glued_to_chinese_is_still_a_word() -> None:
    pattern = compiled(term_pattern(("seoul",), False))
    assert [m.group() for m in pattern.finditer("在seoul的会议, seoulite")] == ["seoul"]


def test_deeply_nested_parentheses_are_refused_at_the_level_too_deep() -> None:
    query = "(" * 250 + "money" + ")" * 250  # 505 characters: it used to exhaust the stack
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert caught.value.position == 51
    assert "nest more than 50 deep" in str(caught.value)
    nested = "(" * 50 + "money" + ")" * 50  # the limit itself still parses
    assert words(parse_query(nested).tree) == "money"


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("'; DROP TABLE x", '"\';" has no letter'),
        ("fee ' x", '"\'" has no letter'),
        ("fee --", "'--' has no letter"),
    ],
)
def test_a_word_in_a_message_is_quoted_in_quotes_it_does_not_hold(query: str, shown: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert shown in str(caught.value)
