"""The search query language, parsed into a tree; and where a tree matches in one text.

A query is made of

- **words** — ``remittance`` finds the word, whole, ignoring case and accents by default;
- **phrases** — ``"money transfer"``: the words in a row (anything but a word between them);
- **prefixes** — ``remit*`` finds every word that begins so (also at a phrase's end);
- **AND**, **OR**, **NOT** (in capitals; two words side by side mean AND) and parentheses.
  NOT binds tightest, then AND, then OR (as in SQLite's FTS5): ``a OR b c NOT d`` is
  ``a OR (b AND (c NOT d))``. ``a NOT b``: articles with a and without b.

A malformed query raises :class:`QueryError` with the position (counted from 1) of what is
wrong. Matching runs on the text folded by :mod:`annotator.domain.folding`; its spans are
those of the folded copy (the caller maps them back to the stored text).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import regex

from annotator.domain import folding
from annotator.domain.errors import UserError
from annotator.domain.search_text import compiled, term_pattern, tokens

MAX_QUERY_CHARACTERS = 2_000
MAX_TERMS = 200
#: How deep parentheses may nest (the parser recurses once per level).
MAX_DEPTH = 50
OPERATORS = ("AND", "OR", "NOT")


class QueryError(UserError):
    """A search query or regular expression that cannot be read; the message names the
    position (from 1) and what is wrong there."""

    def __init__(self, position: int | None, problem: str) -> None:
        self.position = position
        self.problem = problem
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"the query cannot be read{where}: {problem}")


@dataclass(frozen=True)
class Options:
    """How a query compares: ``match_case`` (exact letter case) and ``match_diacritics``
    (accents of Latin letters count: "muller" no longer finds "Müller")."""

    match_case: bool = False
    match_diacritics: bool = False

    def fold(self, text: str) -> str:
        """``text`` folded as these options compare it."""
        return folding.fold(
            text, match_case=self.match_case, ignore_accents=not self.match_diacritics
        )


@dataclass(frozen=True)
class Term:
    """A word or a phrase: its tokens folded (``words``), as typed (``typed``, NFC), and
    whether its last word is a prefix."""

    text: str
    position: int
    words: tuple[str, ...]
    typed: tuple[str, ...]
    prefix: bool = False

    @property
    def pattern(self) -> str:
        return term_pattern(self.words, self.prefix)


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """``kept NOT excluded``: where ``kept`` matches and ``excluded`` does not."""

    kept: Node
    excluded: Node


Node = Term | And | Or | Not
#: A term's spans in the text at hand.
SpanLookup = Callable[[Term], list[tuple[int, int]]]


@dataclass(frozen=True)
class Query:
    """A parsed query: the text as typed, its tree and its options."""

    text: str
    tree: Node
    options: Options = Options()

    def terms(self) -> list[Term]:
        """Every term of the tree, left to right."""
        return list(_terms(self.tree))

    def matches(self, folded: str) -> list[tuple[int, int]]:
        """The spans of ``folded`` (a text folded by :attr:`options`) that are hits: those of
        the terms that make the text match, in order, overlapping ones joined; empty when the
        text does not match."""
        found: dict[int, list[tuple[int, int]]] = {}

        def spans(term: Term) -> list[tuple[int, int]]:
            key = id(term)
            if key not in found:
                found[key] = [m.span() for m in compiled(term.pattern).finditer(folded)]
            return found[key]

        return _joined(_hits(self.tree, spans))


def _terms(node: Node) -> Iterator[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Not):
        yield from _terms(node.kept)
        yield from _terms(node.excluded)
    else:
        for part in node.parts:
            yield from _terms(part)


def _hits(node: Node, spans: SpanLookup) -> list[tuple[int, int]] | None:
    """The hit spans of ``node`` in a text, or None where it does not match."""
    if isinstance(node, Term):
        found = spans(node)
        return found or None
    if isinstance(node, Not):
        kept = _hits(node.kept, spans)
        if kept is None or _hits(node.excluded, spans) is not None:
            return None
        return kept
    results = [_hits(part, spans) for part in node.parts]
    if isinstance(node, And):
        if any(result is None for result in results):
            return None
        return [span for result in results if result for span in result]
    matched = [span for result in results if result is not None for span in result]
    return matched if any(result is not None for result in results) else None


def _joined(spans: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    """Spans in order, those that overlap made one."""
    if not spans:
        return []
    result: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if result and start < result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


# -- parsing -------------------------------------------------------------------------------

_LEXEME = regex.compile(r'\s+|\(|\)|"[^"]*"?|[^\s()"]+')


@dataclass(frozen=True)
class _Lexeme:
    kind: str  # "(", ")", "phrase", "word", "AND", "OR", "NOT"
    text: str
    position: int  # from 1


def _lex(text: str) -> list[_Lexeme]:
    found: list[_Lexeme] = []
    for match in _LEXEME.finditer(text):
        value = match.group()
        position = match.start() + 1
        if value.isspace():
            continue
        if value in "()":
            found.append(_Lexeme(value, value, position))
        elif value.startswith('"'):
            if len(value) == 1 or not value.endswith('"'):
                raise QueryError(position, 'a quote (") opens a phrase that is never closed')
            found.append(_Lexeme("phrase", value[1:-1], position))
        elif value in OPERATORS:
            found.append(_Lexeme(value, value, position))
        else:
            found.append(_Lexeme("word", value, position))
    return found


def _shown(text: str) -> str:
    """A word of the query quoted for a message, in quotes it does not hold itself (``';``
    shows as ``"';"``, not ``'';'``)."""
    for opening, closing in (("'", "'"), ('"', '"')):
        if opening not in text:
            return f"{opening}{text}{closing}"
    return f"«{text}»"


class _Parser:
    def __init__(self, text: str, options: Options) -> None:
        self.text = text
        self.options = options
        self.lexemes = _lex(text)
        self.index = 0
        self.terms = 0
        self.depth = 0

    def peek(self) -> _Lexeme | None:
        return self.lexemes[self.index] if self.index < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.index]
        self.index += 1
        return lexeme

    def end_position(self) -> int:
        return len(self.text) + 1

    def parse(self) -> Node:
        if not self.lexemes:
            raise QueryError(None, "it is empty: type a word to find")
        tree = self.or_expression()
        left = self.peek()
        if left is not None:
            if left.kind == ")":
                raise QueryError(left.position, "')' closes a parenthesis that was never opened")
            raise QueryError(left.position, f"{_shown(left.text)} is not expected here")
        return tree

    def or_expression(self) -> Node:
        parts = [self.and_expression()]
        while (lexeme := self.peek()) is not None and lexeme.kind == "OR":
            self.take()
            parts.append(self.and_expression(after=lexeme))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expression(self, after: _Lexeme | None = None) -> Node:
        parts = [self.not_expression(after)]
        while (lexeme := self.peek()) is not None and lexeme.kind not in ("OR", ")"):
            if lexeme.kind == "AND":
                self.take()
                parts.append(self.not_expression(after=lexeme))
            else:
                parts.append(self.not_expression())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_expression(self, after: _Lexeme | None = None) -> Node:
        node = self.primary(after)
        while (lexeme := self.peek()) is not None and lexeme.kind == "NOT":
            self.take()
            node = Not(node, self.primary(after=lexeme))
        return node

    def primary(self, after: _Lexeme | None) -> Node:
        lexeme = self.peek()
        if lexeme is None or lexeme.kind in ("OR", "AND", "NOT", ")"):
            if after is not None:
                where = lexeme.position if lexeme is not None else self.end_position()
                raise QueryError(where, f"{_shown(after.text)} needs a word after it")
            if lexeme is None:
                raise QueryError(self.end_position(), "a word is missing at the end")
            if lexeme.kind == ")":
                raise QueryError(lexeme.position, "'()' holds nothing to find")
            if lexeme.kind == "NOT":
                raise QueryError(
                    lexeme.position,
                    "NOT needs a word before it: write 'remittance NOT broker' "
                    "(articles with the first and without the second)",
                )
            raise QueryError(lexeme.position, f"{_shown(lexeme.text)} needs a word before it")
        self.take()
        if lexeme.kind == "(":
            if (inner := self.peek()) is not None and inner.kind == ")":
                raise QueryError(inner.position, "'()' holds nothing to find")
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(
                    lexeme.position, f"parentheses nest more than {MAX_DEPTH} deep here"
                )
            node = self.or_expression()
            self.depth -= 1
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QueryError(lexeme.position, "'(' is never closed")
            self.take()
            return node
        return self.term(lexeme)

    def term(self, lexeme: _Lexeme) -> Term:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError(lexeme.position, f"it has more than {MAX_TERMS} words")
        text = lexeme.text.strip()
        prefix = text.endswith("*")
        body = text.rstrip("*") if prefix else text
        star = body.find("*")
        if star >= 0:
            offset = lexeme.text.find("*") + (1 if lexeme.kind == "phrase" else 0)
            raise QueryError(
                lexeme.position + offset, "a * can only end a word (remit* finds remittance)"
            )
        words = tuple(tokens(self.options.fold(body)))
        typed = tuple(tokens(unicodedata.normalize("NFC", body)))
        if not words:
            what = f'"{lexeme.text}"' if lexeme.kind == "phrase" else _shown(lexeme.text)
            raise QueryError(lexeme.position, f"{what} has no letter or digit to find")
        return Term(text=text, position=lexeme.position, words=words, typed=typed, prefix=prefix)


def parse_query(text: str, options: Options = Options()) -> Query:
    """The :class:`Query` of ``text``; :class:`QueryError` says what is wrong and where."""
    if len(text) > MAX_QUERY_CHARACTERS:
        raise QueryError(
            MAX_QUERY_CHARACTERS + 1, f"it is longer than {MAX_QUERY_CHARACTERS} characters"
        )
    if "\x00" in text:
        raise QueryError(text.index("\x00") + 1, "it holds a NUL character")
    return Query(text=text, tree=_Parser(text, options).parse(), options=options)


def positive_terms(node: Node) -> list[Term]:
    """The terms whose hits a match shows (not those after NOT)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return positive_terms(node.kept)
    return [term for part in node.parts for term in positive_terms(part)]
