"""Word frequencies: the most frequent words of all articles, of articles meeting variable
conditions, or of the passages of a code — without the stop words of each article's language.

Words are cut at Unicode's word boundaries (UAX #29, the ``regex`` module's ``\\b`` with its
WORD flag: "don't" and "U.S." stay one word; Chinese and Japanese give one character a word;
Thai runs are not cut, which needs a dictionary) and counted folded as search folds them
(case and accents of Latin letters ignored), under their most frequent spelling.

Stop words come from ``stopwordsiso`` (the stopwords-iso collection: 58 languages, by ISO
639-1 code, chosen over ``stop-words`` for covering more of the languages news comes in —
Korean and Thai among them), in each article's language (its ``language`` variable; English
otherwise). The lists are long (English: some 1,300 words, "billion" and "world" among them):
the user adds words to a language's list or takes them off it, and the project keeps those
changes (table ``stop_word_changes``), which :func:`change_stop_words` makes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import regex
import stopwordsiso

from annotator.domain.errors import UserError
from annotator.domain.language_codes import code_of, language_code
from annotator.domain.search_query import Options
from annotator.services import search
from annotator.services.search import Scope
from annotator.storage import Project
from annotator.storage.stop_words import StopWordStore

__all__ = [
    "DEFAULT_LANGUAGE",
    "Frequencies",
    "WordCount",
    "change_stop_words",
    "reset_stop_words",
    "stop_word_changes",
    "stop_words",
    "word_frequencies",
    "words_of",
]

#: The language of an article that says none.
DEFAULT_LANGUAGE = "en"
_FOLD = Options()
_BOUNDARY = regex.compile(r"\b", regex.WORD | regex.V1)
_HAS_WORD = regex.compile(r"[\p{L}\p{N}]")


@dataclass(frozen=True)
class WordCount:
    """A word (its most frequent spelling), how often it occurs and in how many articles."""

    word: str
    count: int
    articles: int


@dataclass(frozen=True)
class Frequencies:
    """The most frequent words, how many words were counted in all (stop words aside), in
    how many articles, and the articles counted per language."""

    words: list[WordCount] = field(default_factory=list)
    total: int = 0
    articles: int = 0
    languages: dict[str, int] = field(default_factory=dict)


def words_of(text: str) -> list[str]:
    """The words of ``text`` as written (cut at Unicode's word boundaries)."""
    pieces = _BOUNDARY.split(text)
    return [piece for piece in pieces if _HAS_WORD.search(piece)]


def _check_language(language: str) -> str:
    code = code_of(language)
    if code is None:
        raise UserError(
            f"'{language}' is not a language: give its two-letter ISO 639-1 code (en, de, ko)"
        )
    return code


def _check_list(project: Project, language: str) -> str:
    """The code of a language with a stop-word list: stopwords-iso's, or one the project
    already keeps words for; any other (``xx``, or a language with no list) is refused, as
    its stop words would be nothing, silently."""
    code = _check_language(language)
    if stopwordsiso.has_lang(code) or code in StopWordStore(project.db).languages():
        return code
    listed = ", ".join(sorted(stopwordsiso.langs()))
    raise UserError(
        f"there is no stop-word list for '{language}': the languages with one are "
        f"{listed} (ISO 639-1 codes, from stopwords-iso)"
    )


@lru_cache(maxsize=64)
def _listed(language: str) -> frozenset[str]:
    """The package's stop words of ``language``, folded as words are counted."""
    if not stopwordsiso.has_lang(language):
        return frozenset()
    return frozenset(_FOLD.fold(word) for word in stopwordsiso.stopwords(language))


def stop_words(project: Project, language: str) -> frozenset[str]:
    """The stop words of ``language`` in this project: the list, with the user's changes."""
    code = _check_list(project, language)
    added, removed = StopWordStore(project.db).changes(code)
    return (_listed(code) | added) - removed


def stop_word_changes(project: Project, language: str) -> tuple[list[str], list[str]]:
    """The words the user added to ``language``'s list, and those taken off it."""
    added, removed = StopWordStore(project.db).changes(_check_list(project, language))
    return sorted(added), sorted(removed)


def change_stop_words(
    project: Project, language: str, *, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """Add words to ``language``'s stop-word list and take others off it (folded; a word both
    added and removed is refused); returns the changes now kept."""
    code = _check_list(project, language)
    listed = _listed(code)
    adding = {_word(w) for w in add}
    removing = {_word(w) for w in remove}
    both = adding & removing
    if both:
        raise UserError(f"'{sorted(both)[0]}' is both added and removed")
    changes: list[tuple[str, str | None]] = []
    for word in sorted(adding):
        changes.append((word, None if word in listed else "add"))
    for word in sorted(removing):
        changes.append((word, "remove" if word in listed else None))
    StopWordStore(project.db).set(code, changes)
    return stop_word_changes(project, code)


def _word(text: str) -> str:
    folded = _FOLD.fold(text.strip())
    if not folded or not _HAS_WORD.search(folded) or len(folded) > 100:
        raise UserError(f"'{text}' is not a word")
    # Words are counted one at a time (as words_of cuts them; Chinese and Japanese one
    # character at a time): a stop word that is not one of them could never be left out.
    pieces = [w for w in words_of(folded) if _HAS_WORD.search(w)]
    if len(pieces) == 1:
        return pieces[0]  # as counted: "U.S." is counted as "u.s"
    if len(pieces) > 1:
        shown = ", ".join(f"'{w}'" for w in pieces[:5])
        raise UserError(
            f"'{text.strip()}' is counted as {len(pieces)} words ({shown}): "
            "a stop word is one word, so add each on its own"
        )
    raise UserError(f"'{text}' is not a word")


def reset_stop_words(project: Project, language: str) -> int:
    """Forget the user's changes to ``language``'s list; returns how many there were."""
    return StopWordStore(project.db).reset(_check_list(project, language))


def word_frequencies(
    project: Project,
    scope: Scope | None = None,
    *,
    top: int = 50,
    language: str | None = None,
    keep_stop_words: bool = False,
) -> Frequencies:
    """The ``top`` most frequent words of the articles in ``scope`` (only inside the passages
    of ``scope.within``, by ``scope.coders``), each article's stop words left out (those of
    ``language`` for every article, when given) unless ``keep_stop_words``."""
    if top < 1:
        raise UserError(f"--top must be 1 or more, not {top}")
    scope = scope or Scope()
    forced = _check_list(project, language) if language else None
    allowed = search.allowed_documents(project, scope)
    passages = search.scope_passages(project, scope)
    if passages is not None:
        allowed = set(passages) if allowed is None else allowed & set(passages)
    ids = sorted(allowed) if allowed is not None else [i for i, _ in project.documents.names()]
    values = project.documents.all_values(ids) if ids else {}
    counts: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    languages: Counter[str] = Counter()
    stops: dict[str, frozenset[str]] = {}
    for document_id in ids:
        code = forced or language_code(values.get(document_id, {})) or DEFAULT_LANGUAGE
        languages[code] += 1
        if code not in stops:
            stops[code] = frozenset() if keep_stop_words else stop_words(project, code)
        text = project.documents.text(document_id)
        pieces = (
            [text]
            if passages is None
            else [text[a:b] for a, b in _union(passages.get(document_id, []))]
        )
        seen: set[str] = set()
        for piece in pieces:
            for word in words_of(piece):
                key = _FOLD.fold(word)
                if key in stops[code]:
                    continue
                counts[key] += 1
                spellings.setdefault(key, Counter())[word.lower()] += 1
                seen.add(key)
        articles.update(seen)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    words = [
        WordCount(spellings[key].most_common(1)[0][0], count, articles[key])
        for key, count in ranked
    ]
    return Frequencies(words, sum(counts.values()), len(ids), dict(languages))


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Passages, overlapping ones joined (a word in two passages counts once)."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined
