"""What the full-text index is asked for a query: a plan of index lookups that leaves out no
article the query matches (see :mod:`annotator.storage.search_index`). Where the index folds a
letter otherwise than search (ß, ligatures, Greek with oxia, letters whose NFC is another text,
cases newer than Unicode 6.1), every spelling is asked; a word of a script written without
spaces is looked up by its trigrams, in every spelling whose NFC it is."""

from __future__ import annotations

import functools
import unicodedata

import regex

from annotator.domain.search_query import And, Node, Not, Options, Query, Term
from annotator.domain.search_text import SPACED, UNSPACED_CLASS, is_unspaced
from annotator.storage import Project
from annotator.storage import search_index as index

#: What search folds a letter to, and the letters the index may hold in its place.
Variant = tuple[str, tuple[str, ...]]
#: A query word whose folding the index may hold in more spellings than this is asked for by
#: the part before them (as a prefix): a candidate more, never a hit less.
_MAX_VARIANTS = 64


def candidate_plan(project: Project, query: Query) -> index.Plan:
    """What to ask the index for the candidates of ``query``: a plan that leaves out no
    article the query matches (NOT is applied to the text, never to the index)."""
    divergences = _divergences(query.options)
    words = _words_plan(query.tree, divergences)
    if not index.has_unspaced_articles(project.db):
        return words
    return index.either([words, _unspaced_plan(query.tree)])


@functools.lru_cache(maxsize=8)
def _divergences(options: Options) -> index.Divergences:
    """The index's divergences from search's folding with ``options``, once per process:
    cached by the options' value (a bound ``fold`` of each query's own options compares by
    identity, so caching by it found the table again for every search: 27 ms each, 120 ms
    once it covered all of Unicode)."""
    return index.divergences(options.fold)


def _words_plan(node: Node, divergences: index.Divergences) -> index.Plan:
    if isinstance(node, Term):
        return _term_words(node, divergences)
    if isinstance(node, Not):
        return _words_plan(node.kept, divergences)
    parts = [_words_plan(part, divergences) for part in node.parts]
    return index.both(parts) if isinstance(node, And) else index.either(parts)


def _term_words(term: Term, divergences: index.Divergences) -> index.Plan:
    """A term asked of the word index: each of its words, in every spelling the index may
    hold it in, all of them (the index keeps no positions: a phrase's order is checked in the
    text); a term with a word of an unspaced script is not in the word index at all (those
    articles are asked of the trigrams)."""
    if any(is_unspaced(word) for word in term.words):
        return index.Nothing()
    parts: list[index.Plan] = []
    last = len(term.words) - 1
    for number, word in enumerate(term.words):
        choices = _spellings(word, term.prefix and number == last, divergences)
        cut = index.index_tokens(tuple(form for form, _prefix in choices))
        expressions = [
            _fts_expression(pieces, prefix)
            for pieces, (_form, prefix) in zip(cut, choices, strict=True)
        ]
        if expressions and all(expressions):  # else a word the index cannot narrow
            parts.append(index.Words(" OR ".join(expressions)))
    return index.both(parts)


def _fts_expression(pieces: tuple[str, ...], prefix: bool) -> str:
    """A spelling of a word as the index holds it: the tokens its ``unicode61`` cuts it into
    (:func:`index.index_tokens`: a nukta written as a code point of its own ends a token, the
    dot of a casefolded İ is taken away), all of them; empty when it has none."""
    if not pieces:
        return ""
    tokens = [index.quoted(piece) for piece in pieces]
    if prefix:
        tokens[-1] += "*"
    return tokens[0] if len(tokens) == 1 else "(" + " AND ".join(tokens) + ")"


def _spellings(word: str, prefix: bool, divergences: index.Divergences) -> list[tuple[str, bool]]:
    """The forms (and whether each is a prefix) to ask the word index for, so that it finds
    every text word search folds to ``word``; empty when nothing narrows it."""
    if not any(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co" for c in word):
        return []
    for cut in divergences.cuts:
        position = word.find(cut)
        if position >= 0:
            word, prefix = word[:position], True
    if not word:
        return []
    images, by_first = _images(divergences)
    spelled = _expand(word, by_first)
    if spelled is None:  # too many: the longest start that has few enough, as a prefix
        return sorted({(form, True) for form in _start_spellings(word, by_first) if form})
    result = [(form, prefix) for form in spelled]
    if prefix:  # the word may end inside what a letter folds to (stras* in straße)
        for image, _raw in images:
            for size in range(1, len(image)):
                if word.endswith(image[:size]) and len(word) > size:
                    result.append((word[:-size], True))
    return sorted(set(result))


@functools.lru_cache(maxsize=8)
def _images(
    divergences: index.Divergences,
) -> tuple[list[Variant], dict[str, list[Variant]]]:
    """The variants worth asking for (not a lone ASCII letter: the index folds those as search
    does), and the same by their first character (a word is read in one pass)."""
    images = [
        (image, raw)
        for image, raw in divergences.variants
        if not (len(image) == 1 and image.isascii())
    ]
    by_first: dict[str, list[Variant]] = {}
    for variant in images:
        by_first.setdefault(variant[0][0], []).append(variant)
    return images, by_first


def _expand(word: str, by_first: dict[str, list[Variant]]) -> list[str] | None:
    """Every spelling of ``word`` with letters in place of what they fold to, trying every
    image that fits at each place (``ffi`` is ﬃ, or ﬀ and i, or ffi); None past
    :data:`_MAX_VARIANTS`."""
    done: list[str] = []
    waiting = [("", 0)]
    while waiting:
        form, position = waiting.pop()
        if position == len(word):
            done.append(form)
            continue
        waiting.append((form + word[position], position + 1))
        for image, raw in by_first.get(word[position], ()):
            if word.startswith(image, position):
                waiting.extend((form + letter, position + len(image)) for letter in raw)
        if len(done) + len(waiting) > _MAX_VARIANTS:
            return None
    return done


def _start_spellings(word: str, by_first: dict[str, list[Variant]]) -> list[str]:
    """The spellings of the longest start of ``word`` that has no more than
    :data:`_MAX_VARIANTS` and ends where no letter's image goes on (as prefixes they hold
    the start of every spelling of the word)."""
    for size in range(len(word) - 1, 0, -1):
        straddles = any(
            word.startswith(image, position) and position + len(image) > size
            for position in range(size)
            for image, _raw in by_first.get(word[position], ())
        )
        if not straddles and (spelled := _expand(word[:size], by_first)) is not None:
            return spelled
    return []


def _unspaced_plan(node: Node) -> index.Plan:
    """A query asked of the articles in unspaced scripts: each piece of a term (a run of
    unspaced characters as typed, or a word) as a substring, by trigrams or, shorter than
    three characters, in the text itself."""
    if isinstance(node, Term):
        pieces = _pieces(node.text.rstrip("*"))
        parts = [_substring_plan(piece) for piece in pieces]
        return index.both(parts) if parts else index.AllUnspaced()
    if isinstance(node, Not):
        return _unspaced_plan(node.kept)
    parts = [_unspaced_plan(part) for part in node.parts]
    return index.both(parts) if isinstance(node, And) else index.either(parts)


def _substring_plan(piece: str) -> index.Plan:
    """Articles of an unspaced script that hold ``piece`` (NFC) in any spelling whose NFC it
    is (豈 is stored as U+F900 or as U+8C48): by trigrams, or in the text when shorter than
    three characters. A piece with too many spellings is asked by its longest stretch that has
    only one."""
    spellings = _nfc_spellings(piece)
    if spellings is None:
        plain = _plain_stretch(piece)
        return _substring_plan(plain) if plain else index.AllUnspaced()
    if all(len(spelling) >= 3 for spelling in spellings):
        return index.Trigrams(" OR ".join(index.quoted(spelling) for spelling in spellings))
    return index.either([index.Contains(spelling) for spelling in spellings])


@functools.lru_cache(maxsize=1)
def _nfc_letters() -> tuple[dict[str, list[tuple[str, str]]], frozenset[str]]:
    """The code points whose NFC is another text (豈 U+F900 is U+8C48, क़ U+0958 is क and a
    nukta): by the first character of that NFC, the NFC and the code point; and every
    character of those NFCs."""
    found: dict[str, list[tuple[str, str]]] = {}
    inside: set[str] = set()
    for code in range(0x80, index.LAST_CODE_POINT + 1):
        letter = chr(code)
        image = unicodedata.normalize("NFC", letter)
        if image != letter:
            found.setdefault(image[0], []).append((image, letter))
            inside.update(image)
    return found, frozenset(inside)


def _nfc_spellings(piece: str) -> list[str] | None:
    """Every spelling of ``piece`` (NFC) that puts single code points in place of what is
    their NFC, as a text may store it; None when there are more than :data:`_MAX_VARIANTS`."""
    letters, _inside = _nfc_letters()
    done: list[str] = []
    waiting = [("", 0)]
    while waiting:
        form, position = waiting.pop()
        if position == len(piece):
            done.append(form)
            continue
        waiting.append((form + piece[position], position + 1))
        for image, letter in letters.get(piece[position], ()):
            if piece.startswith(image, position):
                waiting.append((form + letter, position + len(image)))
        if len(done) + len(waiting) > _MAX_VARIANTS:
            return None
    return sorted(done)


def _plain_stretch(piece: str) -> str:
    """The longest stretch of ``piece`` with no character that is part of another code
    point's NFC (it has one spelling only)."""
    _letters, inside = _nfc_letters()
    best = current = ""
    for character in piece:
        current = "" if character in inside else current + character
        if len(current) > len(best):
            best = current
    return best


_PIECE = regex.compile(f"(?:[{UNSPACED_CLASS}]\\p{{M}}*)+|{SPACED}+", regex.V1)


def _pieces(text: str) -> list[str]:
    """Runs of letters and digits of a term as typed (NFC): what an article of an unspaced
    script must hold as substrings."""
    return [m.group() for m in _PIECE.finditer(unicodedata.normalize("NFC", text))]
