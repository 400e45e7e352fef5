"""What the full-text index is asked for a query: a plan of index lookups that leaves out no
article the query matches (see :mod:`annotator.storage.search_index`). Where the index folds a
letter otherwise than search (ß, ligatures, Greek with oxia), every spelling is asked; a word
of a script written without spaces is looked up by its trigrams."""

from __future__ import annotations

import unicodedata

import regex

from annotator.domain.search_query import And, Node, Not, Query, Term
from annotator.domain.search_text import SPACED, UNSPACED_CLASS, is_unspaced
from annotator.storage import Project
from annotator.storage import search_index as index

#: A query word whose folding the index may hold in more spellings than this is asked for by
#: the part before them (as a prefix): a candidate more, never a hit less.
_MAX_VARIANTS = 64


def candidate_plan(project: Project, query: Query) -> index.Plan:
    """What to ask the index for the candidates of ``query``: a plan that leaves out no
    article the query matches (NOT is applied to the text, never to the index)."""
    divergences = index.divergences(query.options.fold)
    words = _words_plan(query.tree, divergences)
    if not index.has_unspaced_articles(project.db):
        return words
    return index.either([words, _unspaced_plan(query.tree)])


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
        prefix = term.prefix and number == last
        pieces = _FTS_TOKEN.findall(word)  # a mark splits a word in the index's eyes
        if len(pieces) != 1:
            for position, piece in enumerate(pieces):
                star = "*" if prefix and position == len(pieces) - 1 else ""
                parts.append(index.Words(index.quoted(piece) + star))
            continue
        choices = _spellings(word, prefix, divergences)
        if choices:  # else a word the index cannot narrow: the others do
            parts.append(
                index.Words(" OR ".join(index.quoted(w) + ("*" if p else "") for w, p in choices))
            )
    return index.both(parts)


#: What ``unicode61`` takes for one token: letters, digits and private-use characters.
_FTS_TOKEN = regex.compile(r"[\p{L}\p{N}\p{Co}]+")


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
    forms: list[tuple[str, bool]] = [("", False)]
    position = 0
    images = [
        (image, raw)
        for image, raw in divergences.variants
        if not (len(image) == 1 and image.isascii())
    ]
    while position < len(word):
        step = next(
            ((image, raw) for image, raw in images if word.startswith(image, position)), None
        )
        if step is None:
            forms = [(form + word[position], False) for form, _ in forms]
            position += 1
            continue
        image, raw = step
        if len(forms) * (len(raw) + 1) > _MAX_VARIANTS:
            return sorted({(form, True) for form, _ in forms if form}) or []
        forms = [(form + piece, False) for form, _ in forms for piece in (image, *raw)]
        position += len(image)
    result = [(form, prefix) for form, _ in forms]
    if prefix:  # the word may end inside what a letter folds to (stras* in straße)
        for image, _raw in images:
            for size in range(1, len(image)):
                if word.endswith(image[:size]) and len(word) > size:
                    result.append((word[:-size], True))
    return sorted(set(result))


def _unspaced_plan(node: Node) -> index.Plan:
    """A query asked of the articles in unspaced scripts: each piece of a term (a run of
    unspaced characters as typed, or a word) as a substring, by trigrams or, shorter than
    three characters, in the text itself."""
    if isinstance(node, Term):
        pieces = _pieces(node.text.rstrip("*"))
        parts: list[index.Plan] = []
        for piece in pieces:
            if len(piece) >= 3:
                parts.append(index.Trigrams(index.quoted(piece)))
            else:
                parts.append(index.Contains(piece))
        return index.both(parts) if parts else index.AllUnspaced()
    if isinstance(node, Not):
        return _unspaced_plan(node.kept)
    parts = [_unspaced_plan(part) for part in node.parts]
    return index.both(parts) if isinstance(node, And) else index.either(parts)


_PIECE = regex.compile(f"(?:[{UNSPACED_CLASS}]\\p{{M}}*)+|{SPACED}+", regex.V1)


def _pieces(text: str) -> list[str]:
    """Runs of letters and digits of a term as typed (NFC): what an article of an unspaced
    script must hold as substrings."""
    return [m.group() for m in _PIECE.finditer(unicodedata.normalize("NFC", text))]
