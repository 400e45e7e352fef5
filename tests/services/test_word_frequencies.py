"""Word frequencies: counts checked against a count by hand, stop words of each article's
language (the package's list with the user's changes, kept in the project), variable
conditions and the passages of a code."""

from __future__ import annotations

from collections import Counter

import pytest
import stopwordsiso

from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.services import search
from annotator.services import word_frequencies as words
from annotator.storage import Project

ENGLISH = "The broker took the fee. Brokers, brokers! The fee was high; the BROKER left."
GERMAN = "Der Makler nahm die Gebühr. Die Gebühr war hoch, der Makler ging."


def counted(result: words.Frequencies) -> dict[str, int]:
    return {w.word: w.count for w in result.words}


def test_counts_match_a_count_by_hand_with_the_packages_stop_words(memory: Project) -> None:
    memory.documents.add("a", "s", ENGLISH)
    result = words.word_frequencies(memory, top=100)
    english = {w.casefold() for w in stopwordsiso.stopwords("en")}
    by_hand = Counter(
        w.casefold()
        for w in ENGLISH.replace(".", " ")
        .replace(",", " ")
        .replace("!", " ")
        .replace(";", " ")
        .split()
        if w.casefold() not in english
    )
    assert counted(result) == dict(by_hand)
    assert result.total == sum(by_hand.values())
    # The most frequent spelling names the word; ties go by the word.
    assert [w.word for w in result.words][:2] == ["broker", "brokers"]


def test_each_article_takes_the_stop_words_of_its_language(memory: Project) -> None:
    language = memory.documents.define_variable("language", VariableType.CATEGORY)
    english = memory.documents.add("en", "s", ENGLISH).id
    german = memory.documents.add("de", "s", GERMAN).id
    memory.documents.set_values(english, {language.id: "English"})
    memory.documents.set_values(german, {language.id: "de-DE"})
    result = words.word_frequencies(memory, top=100)
    assert result.languages == {"en": 1, "de": 1}
    found = counted(result)
    assert found["makler"] == 2
    assert found["gebühr"] == 2
    assert "der" not in found
    assert "the" not in found


def test_the_user_changes_a_list_and_the_project_keeps_it(memory: Project) -> None:
    memory.documents.add("a", "s", ENGLISH)
    added, removed = words.change_stop_words(
        memory, "en", add=["Broker", "Brokers"], remove=["the"]
    )
    assert (added, removed) == (["broker", "brokers"], ["the"])
    found = counted(words.word_frequencies(memory, top=100))
    assert found["the"] == 4
    assert "broker" not in found
    assert words.stop_words(memory, "EN") == words.stop_words(memory, "en")
    assert words.reset_stop_words(memory, "en") == 3
    assert words.stop_word_changes(memory, "en") == ([], [])
    with pytest.raises(UserError, match="not a language"):
        words.change_stop_words(memory, "Klingon-ish!", add=["x"])
    with pytest.raises(UserError, match="both added and removed"):
        words.change_stop_words(memory, "en", add=["x"], remove=["x"])


def test_conditions_and_the_passages_of_a_code(project: Project) -> None:
    outlet = project.documents.define_variable("outlet", VariableType.CATEGORY)
    first = project.documents.add("a", "s", "alpha beta gamma. delta epsilon").id
    second = project.documents.add("b", "s", "alpha zeta").id
    project.documents.set_values(first, {outlet.id: "Yonhap"})
    project.documents.set_values(second, {outlet.id: "NK News"})
    scope = search.Scope(conditions=(search.condition_of(project, "outlet=yonhap"),))
    assert counted(words.word_frequencies(project, scope)) == dict.fromkeys(
        ["alpha", "beta", "gamma", "delta", "epsilon"], 1
    )
    code = project.codebook.tree().find("Motive > Political")
    assert code is not None
    ana = project.coders.add("Ana").id
    project.codings.add(first, ana, code.id, 0, 10)  # alpha beta
    project.codings.add(first, ana, code.id, 6, 16)  # beta gamma: beta counts once
    project.codings.add(second, ana, code.id, None, None)  # the whole article
    within = search.Scope(within=(code.id,))
    result = words.word_frequencies(project, within, keep_stop_words=True)
    assert counted(result) == {"alpha": 2, "beta": 1, "gamma": 1, "zeta": 1}
    assert {w.word: w.articles for w in result.words}["alpha"] == 2


def test_words_are_cut_at_unicode_word_boundaries() -> None:
    assert words.words_of("Don't stop: U.S. 北京 서울에서 3.5 café") == [
        "Don't",
        "stop",
        "U.S",
        "北",
        "京",
        "서울에서",
        "3.5",
        "café",
    ]


def test_a_language_without_a_stop_word_list_is_refused(memory: Project) -> None:
    """'xx' used to get a list of its own, and --language xx left out no stop words."""
    memory.documents.add("a", "s", "the broker and the fee")
    for action in (
        lambda: words.change_stop_words(memory, "xx", add=["foo"]),
        lambda: words.word_frequencies(memory, search.Scope(), language="xx"),
        lambda: words.stop_words(memory, "xx"),
    ):
        with pytest.raises(UserError, match="no stop-word list for 'xx'") as caught:
            action()
        assert "af, ar, bg" in str(caught.value)
        assert "from stopwords-iso" in str(caught.value)
    assert memory.db.execute("SELECT count(*) FROM stop_word_changes").fetchone()[0] == 0
    # A language named in words, and one a project already keeps words for, still work.
    assert words.change_stop_words(memory, "German", add=["foo"]) == (["foo"], [])
    memory.db.execute(
        "INSERT INTO stop_word_changes (language, word, change) VALUES ('qq', 'fee', 'add')"
    )
    result = words.word_frequencies(memory, search.Scope(), language="qq")
    assert "fee" not in counted(result)
